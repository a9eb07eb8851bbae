#pragma once
/// Field-level encryption of personal data (ARCHITECTURE.md §6) and blind indexes for exact-match lookups.
///
///   Keyring     XChaCha20-Poly1305 (libsodium crypto_aead_xchacha20poly1305_ietf_*) under versioned keys.
///               Ciphertext layout: [format 0x01][key version 1..255][24-byte random nonce][ciphertext + 16-byte
///               tag]; the two header bytes are authenticated together with the caller's associated data, so
///               old data stays readable after a rotation and no byte can be altered unnoticed.
///   BlindIndex  keyed BLAKE2b-256 (crypto_generichash) with its OWN key, for `WHERE phone_idx = $1` lookups.
///
/// Keys live in `<state_dir>/keys/`: `aead-<n>.key` (n = 1..255; the highest is active) and
/// `blind-index.key`; each holds 32 random bytes as base64url text, mode 0600, directory 0700.
///
/// Thread-safety: both classes are immutable values (cheap to copy, key bytes shared and wiped when the last
/// copy goes); every const method is safe from many threads. To rotate, call Keyring::Rotate(state_dir) and
/// swap the keyring you share (e.g. std::atomic<std::shared_ptr<const Keyring>>).
/// Errors: Decrypt of tampered, truncated or foreign data, of data under an unknown key version, or with the
/// wrong associated data throws okada::Error(kInternal) (stored data failing authentication is a server
/// fault, never the client's); key file problems throw okada::Error(kInternal).

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace okada::crypto {

class Keyring {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  static constexpr std::size_t kOverheadBytes = 2 + 24 + 16;  ///< header + nonce + tag

  /// Loads `<state_dir>/keys/aead-*.key`, creating `aead-1.key` on first run.
  static Keyring LoadOrCreate(const std::filesystem::path& state_dir);
  /// Writes `aead-<active+1>.key` (a fresh random key) and returns the reloaded keyring, whose active key is
  /// the new one. Data under older keys stays readable; re-encrypt it in the background (NeedsReencryption).
  static Keyring Rotate(const std::filesystem::path& state_dir);
  /// From explicit keys (version → 32 raw bytes); the highest version is active. For tests and tools.
  static Keyring FromKeys(const std::map<std::uint8_t, std::string>& keys);

  /// Encrypts under the active key. `associated_data` is authenticated but not stored: bind the value to its
  /// context (e.g. "users.phone:" + user_id) so a ciphertext cannot be moved to another row or column.
  std::string Encrypt(std::string_view plaintext, std::string_view associated_data = {}) const;
  /// The plaintext, or throws okada::Error(kInternal) (see above).
  std::string Decrypt(std::string_view ciphertext, std::string_view associated_data = {}) const;

  /// Encrypt, rendered as base64url text (for TEXT columns).
  std::string EncryptToText(std::string_view plaintext, std::string_view associated_data = {}) const;
  /// Inverse of EncryptToText; malformed base64url also throws okada::Error(kInternal).
  std::string DecryptText(std::string_view text, std::string_view associated_data = {}) const;

  /// True if `ciphertext` (binary or EncryptToText form) is not under the active key (or is unreadable).
  bool NeedsReencryption(std::string_view ciphertext) const;

  std::uint8_t active_version() const noexcept { return active_; }
  /// Number of key versions held.
  std::size_t size() const noexcept;

 private:
  struct Material;
  Keyring() = default;
  std::shared_ptr<const Material> keys_;
  std::uint8_t active_ = 0;
};

class BlindIndex {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  /// Loads `<state_dir>/keys/blind-index.key`, creating it on first run. It must never equal an AEAD key.
  static BlindIndex LoadOrCreate(const std::filesystem::path& state_dir);
  /// From 32 raw key bytes. Throws okada::Error(kInternal) for another length.
  explicit BlindIndex(std::string_view key);

  /// base64url(BLAKE2b-256 keyed, over `purpose` and `value`), 43 characters. `purpose` separates domains
  /// ("phone", "email") so equal values in different columns do not share an index. The caller normalises
  /// `value` first (phones to E.164). Deterministic for a given key: that is what makes lookups work, and also
  /// why it reveals equality; use it only where exact-match lookup is needed.
  std::string Compute(std::string_view value, std::string_view purpose = {}) const;

 private:
  struct Material;
  std::shared_ptr<const Material> key_;
};

}  // namespace okada::crypto
