#include "okada/core/crypto/aead.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <optional>

#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"

namespace okada::crypto {
namespace {

constexpr unsigned char kFormat = 0x01;
constexpr std::size_t kHeaderBytes = 2;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(Keyring::kOverheadBytes == kHeaderBytes + kNonceBytes + kTagBytes);
static_assert(Keyring::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

[[noreturn]] void Fail(std::string detail) { throw Error(ErrorCode::kInternal, std::move(detail)); }

// 32 key bytes that are wiped when the last Keyring/BlindIndex copy releases them.
struct Key {
  std::array<unsigned char, 32> bytes{};
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

Key KeyFromRaw(std::string_view raw, std::string_view what) {
  if (raw.size() != 32) Fail(std::string(what) + " must be 32 bytes");
  Key k;
  std::copy(raw.begin(), raw.end(), k.bytes.begin());
  return k;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

Key ReadKeyFile(const std::filesystem::path& path) {
  std::string text = Trimmed(ReadSecretFile(path));
  std::optional<std::string> raw = Base64UrlDecode(text);
  Wipe(text);
  if (!raw || raw->size() != 32) Fail(path.string() + ": not a base64url 32-byte key");
  Key k = KeyFromRaw(*raw, path.string());
  Wipe(*raw);
  return k;
}

void CreateKeyFile(const std::filesystem::path& path) {
  std::string raw = RandomBytes(32);
  std::string text = Base64UrlEncode(raw) + "\n";
  CreateSecretFile(path, text);  // false = another process made it first: we then read theirs
  Wipe(raw);
  Wipe(text);
}

// "aead-<1..3 digits>.key" → the number; anything else (temporary files, notes) is not a key.
std::optional<int> VersionOf(std::string_view name) {
  constexpr std::string_view kPrefix = "aead-", kSuffix = ".key";
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.size() > 3) return std::nullopt;
  int n = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return n;
}

}  // namespace

struct Keyring::Material {
  std::map<std::uint8_t, Key> keys;
};

struct BlindIndex::Material {
  Key key;
};

// --------------------------------------------------------------------------------------------- Keyring

std::size_t Keyring::size() const noexcept { return keys_ ? keys_->keys.size() : 0; }

Keyring Keyring::FromKeys(const std::map<std::uint8_t, std::string>& keys) {
  EnsureSodium();
  if (keys.empty()) Fail("keyring needs at least one key");
  auto material = std::make_shared<Material>();
  for (const auto& [version, raw] : keys) {
    if (version == 0) Fail("key version 0 is reserved");
    material->keys.emplace(version, KeyFromRaw(raw, "AEAD key"));
  }
  Keyring k;
  k.active_ = material->keys.rbegin()->first;
  k.keys_ = std::move(material);
  return k;
}

Keyring Keyring::LoadOrCreate(const std::filesystem::path& state_dir) {
  EnsureSodium();
  std::filesystem::path dir = state_dir / "keys";
  EnsurePrivateDirectory(dir);
  auto scan = [&dir] {
    auto material = std::make_shared<Material>();
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::optional<int> version = VersionOf(entry.path().filename().string());
      if (!entry.is_regular_file() || !version) continue;
      if (*version < 1 || *version > 255) Fail(entry.path().string() + ": key version must be 1..255");
      material->keys.emplace(static_cast<std::uint8_t>(*version), ReadKeyFile(entry.path()));
    }
    if (ec) Fail("cannot list " + dir.string() + ": " + ec.message());
    return material;
  };
  std::shared_ptr<Material> material = scan();
  if (material->keys.empty()) {
    CreateKeyFile(dir / "aead-1.key");
    material = scan();
  }
  if (material->keys.empty()) Fail("no AEAD key in " + dir.string());
  Keyring k;
  k.active_ = material->keys.rbegin()->first;
  k.keys_ = std::move(material);
  return k;
}

Keyring Keyring::Rotate(const std::filesystem::path& state_dir) {
  Keyring current = LoadOrCreate(state_dir);
  if (current.active_ == 255) Fail("AEAD key versions exhausted (255): re-encrypt and renumber");
  CreateKeyFile(state_dir / "keys" / ("aead-" + std::to_string(current.active_ + 1) + ".key"));
  return LoadOrCreate(state_dir);
}

std::string Keyring::Encrypt(std::string_view plaintext, std::string_view associated_data) const {
  if (!keys_) Fail("empty keyring");
  const Key& key = keys_->keys.at(active_);
  std::string out(kHeaderBytes + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kFormat;
  o[1] = active_;
  // Random 192-bit nonces: XChaCha's point is that random nonces never realistically collide.
  randombytes_buf(o + kHeaderBytes, kNonceBytes);
  // The header is authenticated with the caller's data so the version byte cannot be swapped; the header has
  // a fixed length, so the concatenation is unambiguous.
  std::string ad(reinterpret_cast<const char*>(o), kHeaderBytes);
  ad.append(associated_data);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + kHeaderBytes + kNonceBytes, &written,
                                             reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                             o + kHeaderBytes, key.bytes.data());
  out.resize(kHeaderBytes + kNonceBytes + written);
  return out;
}

std::string Keyring::Decrypt(std::string_view ciphertext, std::string_view associated_data) const {
  if (!keys_) Fail("empty keyring");
  if (ciphertext.size() < kOverheadBytes) Fail("ciphertext truncated");
  const auto* c = reinterpret_cast<const unsigned char*>(ciphertext.data());
  if (c[0] != kFormat) Fail("unknown ciphertext format");
  auto key = keys_->keys.find(c[1]);
  if (key == keys_->keys.end()) Fail("ciphertext under unknown key version " + std::to_string(c[1]));
  std::string ad(ciphertext.substr(0, kHeaderBytes));
  ad.append(associated_data);
  std::string out(ciphertext.size() - kOverheadBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, c + kHeaderBytes + kNonceBytes,
          ciphertext.size() - kHeaderBytes - kNonceBytes, reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          c + kHeaderBytes, key->second.bytes.data()) != 0) {
    Fail("ciphertext failed authentication (tampered, wrong key or wrong associated data)");
  }
  out.resize(written);
  return out;
}

std::string Keyring::EncryptToText(std::string_view plaintext, std::string_view associated_data) const {
  return Base64UrlEncode(Encrypt(plaintext, associated_data));
}

std::string Keyring::DecryptText(std::string_view text, std::string_view associated_data) const {
  std::optional<std::string> raw = Base64UrlDecode(text);
  if (!raw) Fail("ciphertext is not base64url");
  return Decrypt(*raw, associated_data);
}

bool Keyring::NeedsReencryption(std::string_view ciphertext) const {
  std::optional<std::string> decoded;
  // Binary form starts with the format byte 0x01, never a base64url character; the text form always does.
  if (ciphertext.empty() || static_cast<unsigned char>(ciphertext[0]) != kFormat) {
    decoded = Base64UrlDecode(ciphertext);
    if (!decoded) return true;
    ciphertext = *decoded;
  }
  if (ciphertext.size() < kOverheadBytes || static_cast<unsigned char>(ciphertext[0]) != kFormat) return true;
  return static_cast<unsigned char>(ciphertext[1]) != active_;
}

// ------------------------------------------------------------------------------------------ BlindIndex

BlindIndex::BlindIndex(std::string_view key) {
  EnsureSodium();
  auto material = std::make_shared<Material>();
  material->key = KeyFromRaw(key, "blind index key");
  key_ = std::move(material);
}

BlindIndex BlindIndex::LoadOrCreate(const std::filesystem::path& state_dir) {
  EnsureSodium();
  std::filesystem::path dir = state_dir / "keys";
  EnsurePrivateDirectory(dir);
  std::filesystem::path path = dir / "blind-index.key";
  if (!std::filesystem::exists(path)) CreateKeyFile(path);
  Key k = ReadKeyFile(path);
  std::string raw(reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size());
  BlindIndex index(raw);
  Wipe(raw);
  return index;
}

std::string BlindIndex::Compute(std::string_view value, std::string_view purpose) const {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_->key.bytes.data(), key_->key.bytes.size(), 32);
  // Length-prefix the purpose so ("ab","c") and ("a","bc") cannot collide.
  unsigned char len[8];
  for (int i = 0; i < 8; ++i)
    len[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(purpose.size()) >> (8 * i));
  crypto_generichash_update(&state, len, sizeof len);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(purpose.data()), purpose.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  unsigned char out[32];
  crypto_generichash_final(&state, out, sizeof out);
  sodium_memzero(&state, sizeof state);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace okada::crypto
