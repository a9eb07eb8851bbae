#include "okada/core/crypto/random.hpp"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>

#include "okada/core/errors.hpp"

namespace okada::crypto {

void EnsureSodium() {
  // sodium_init() is itself idempotent and thread-safe since 1.0.11, but a function-local static makes the
  // "once" explicit and lets a failure surface as an exception on every call rather than being ignored.
  static const int kResult = sodium_init();
  if (kResult < 0) throw Error(ErrorCode::kInternal, "libsodium initialisation failed");
}

std::string RandomBytes(std::size_t n) {
  EnsureSodium();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string RandomToken(std::size_t bytes) {
  std::string raw = RandomBytes(bytes);
  std::string token = Base64UrlEncode(raw);
  Wipe(raw);
  return token;
}

std::string Base64UrlEncode(std::string_view bytes) {
  EnsureSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    kVariant);
  out.resize(out.size() - 1);  // sodium writes a terminating NUL
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  EnsureSodium();
  // libsodium's decoder is strict for this variant: it refuses padding, foreign characters (no ignore set)
  // and non-zero leftover bits, and with b64_end == nullptr it insists on consuming the whole input.
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string UuidV7() {
  // RFC 9562 §6.2 method 1: a 12-bit counter in rand_a, re-seeded randomly each new millisecond (leaving
  // headroom below 0x800) and incremented within one; on overflow we borrow the next millisecond. That keeps
  // ids strictly increasing inside the process even if the wall clock steps back.
  static std::mutex mutex;
  static std::uint64_t last_ms = 0;
  static std::uint32_t seq = 0;

  std::uint64_t now_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::array<unsigned char, 8> tail{};
  EnsureSodium();
  randombytes_buf(tail.data(), tail.size());
  std::uint64_t ms;
  std::uint32_t counter;
  {
    std::lock_guard lock(mutex);
    if (now_ms > last_ms) {
      last_ms = now_ms;
      seq = randombytes_uniform(0x800);
    } else if (++seq > 0xFFF) {
      ++last_ms;
      seq = randombytes_uniform(0x800);
    }
    ms = last_ms;
    counter = seq;
  }
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | ((counter >> 8) & 0x0F));
  b[7] = static_cast<unsigned char>(counter & 0xFF);
  for (int i = 0; i < 8; ++i) b[8 + i] = tail[i];
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));

  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void Wipe(std::string& s) noexcept {
  // Wipe the whole capacity: a string that shrank may still hold secret bytes past size().
  if (s.capacity() > 0) {
    s.resize(s.capacity());
    sodium_memzero(s.data(), s.size());
  }
  s.clear();
}

}  // namespace okada::crypto
