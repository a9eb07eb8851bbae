#pragma once
/// Randomness, encodings and comparisons shared by the crypto library (okada::crypto).
///
/// Everything here draws from libsodium's CSPRNG (getrandom(2) on Linux). libsodium is initialised once,
/// lazily and thread-safely, by `EnsureSodium()`, which every function in okada::crypto calls first; callers
/// never need to call `sodium_init()` themselves. Thread-safety: all functions are safe to call concurrently.
/// Errors: a failing libsodium initialisation throws okada::Error(kInternal) (it never fails on a sane host).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace okada::crypto {

/// Initialises libsodium exactly once (idempotent, thread-safe). Throws okada::Error(kInternal) on failure.
void EnsureSodium();

/// `n` cryptographically random bytes (binary string).
std::string RandomBytes(std::size_t n);

/// An unguessable token: `bytes` random bytes rendered as base64url without padding (32 bytes → 43 chars).
std::string RandomToken(std::size_t bytes = 32);

/// RFC 4648 §5 base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);

/// Strict inverse of Base64UrlEncode: no padding, no whitespace, no non-alphabet characters, and the unused
/// trailing bits must be zero (so every byte string has exactly one accepted encoding). nullopt if malformed.
std::optional<std::string> Base64UrlDecode(std::string_view text);

/// A UUID version 7 (RFC 9562 §5.7) in its 36-character lowercase string form, e.g.
/// "01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d": 48-bit Unix milliseconds, version 7, a 12-bit sequence that makes
/// ids strictly increasing within this process (RFC 9562 §6.2 method 1; it is seeded randomly each
/// millisecond), variant 10, then 62 random bits. Ids from one process sort (as strings and as bytes) in
/// creation order; ids from different processes sort by millisecond.
std::string UuidV7();

/// Compares two byte strings in time independent of their contents (the lengths are not secret).
bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept;

/// Overwrites the characters of `s` with zeros (libsodium's sodium_memzero, not optimised away) and clears it.
/// Use on passwords, keys and other secrets once they are no longer needed.
void Wipe(std::string& s) noexcept;

}  // namespace okada::crypto
