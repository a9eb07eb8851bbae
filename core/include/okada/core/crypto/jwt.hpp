#pragma once
/// ES256 (ECDSA P-256 + SHA-256) JSON Web Tokens for access tokens (ARCHITECTURE.md §6), on OpenSSL 3.
///
///   SigningKey   a P-256 private key with its `kid` (RFC 7638 JWK thumbprint). Only the auth component holds one.
///   PublicKey    the public half; all a verifier ever holds.
///   JwtSigner    signs Claims → `header.payload.signature`, header {"alg":"ES256","typ":"at+jwt","kid":...}.
///   JwtVerifier  verifies with the algorithm PINNED to ES256 against a set of public keys, then checks
///                typ, iss, aud, exp, nbf, iat. Anything else (alg none/HS256/RS256..., unknown kid, bad
///                signature, malformed, oversize) is refused.
///   Jwks         renders and parses `/.well-known/jwks.json`.
///   KeyStore     the signing keys in the state directory, with rotation and pruning.
///
/// Errors: verification failures throw okada::Error(kTokenExpired) for an expired token and
/// okada::Error(kInvalidToken) for every other rejection (detail says why, for logs; it never echoes the
/// token). Key and file problems throw okada::Error(kInternal).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace okada::crypto {

/// The claims Okada puts in an access token. Times are seconds since the Unix epoch (JWT NumericDate).
struct Claims {
  std::string iss;                  ///< issuer, e.g. "https://auth.okada.cm"
  std::string aud;                  ///< audience, e.g. "okada-api" (a verifier also accepts an array containing it)
  std::string sub;                  ///< subject: the user id (a UUIDv7)
  std::string role;                 ///< customer, rider, merchant_owner, merchant_staff, support, admin
  std::int64_t iat = 0;             ///< issued at
  std::int64_t exp = 0;             ///< expires at (required by the verifier)
  std::optional<std::int64_t> nbf;  ///< not before (optional)
  std::string jti;                  ///< unique token id (for the deny-list); Sign() fills a UUIDv7 if empty
  std::map<std::string, std::string> extra;  ///< further string claims; may not shadow the names above

  /// Convenience: iat = now, exp = now + ttl (ARCHITECTURE.md §8: access tokens live 10 minutes).
  void SetLifetime(std::chrono::seconds ttl,
                   std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
};

/// The public half of a P-256 key. Immutable, cheap to copy, safe to share between threads.
class PublicKey {
 public:
  /// From the JWK coordinates (base64url of 32 bytes each). The point must be on P-256.
  /// Throws okada::Error(kInternal) otherwise. `kid` empty → the RFC 7638 thumbprint.
  static PublicKey FromJwk(std::string_view x, std::string_view y, std::string kid = {});
  /// From a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). Must be a P-256 key.
  static PublicKey FromPem(std::string_view pem, std::string kid = {});

  const std::string& kid() const noexcept { return kid_; }
  const std::string& x() const noexcept { return x_; }  ///< base64url, 32 bytes
  const std::string& y() const noexcept { return y_; }  ///< base64url, 32 bytes
  /// RFC 7638 thumbprint of this key: base64url(SHA-256({"crv":"P-256","kty":"EC","x":..,"y":..})).
  std::string Thumbprint() const;
  /// SubjectPublicKeyInfo PEM.
  std::string Pem() const;
  /// Verifies a raw 64-byte R||S ES256 signature over `data`. False for any malformed input.
  bool VerifyEs256(std::string_view data, std::string_view signature) const;

 private:
  friend class SigningKey;
  PublicKey() = default;
  static PublicKey FromEvp(std::shared_ptr<evp_pkey_st> key, std::string kid);
  std::shared_ptr<evp_pkey_st> key_;
  std::string kid_, x_, y_;
};

/// A P-256 private key. Immutable, cheap to copy (shared), safe to use from many threads.
class SigningKey {
 public:
  /// A fresh random key; kid = RFC 7638 thumbprint of its public key.
  static SigningKey Generate();
  /// From a PKCS#8 (or SEC1 "EC PRIVATE KEY") PEM. Must be P-256. Throws okada::Error(kInternal).
  static SigningKey FromPem(std::string_view pem);
  static SigningKey LoadPemFile(const std::filesystem::path& path);
  /// Writes the PKCS#8 PEM atomically with mode 0600.
  void SavePemFile(const std::filesystem::path& path) const;

  /// PKCS#8 PEM of the private key. Treat as secret; wipe with crypto::Wipe when done.
  std::string PrivatePem() const;
  const PublicKey& public_key() const noexcept { return public_; }
  const std::string& kid() const noexcept { return public_.kid(); }
  /// Raw 64-byte R||S ES256 signature of `data` (converted from OpenSSL's DER).
  std::string SignEs256(std::string_view data) const;

 private:
  SigningKey() = default;
  static SigningKey FromEvp(std::shared_ptr<evp_pkey_st> key);
  std::shared_ptr<evp_pkey_st> key_;
  PublicKey public_;
};

/// Signs access tokens with one key. Immutable and thread-safe.
class JwtSigner {
 public:
  explicit JwtSigner(SigningKey key) : key_(std::move(key)) {}
  /// `header.payload.signature`. Fills jti with a UUIDv7 when empty. Throws okada::Error(kInternal) if the
  /// claims lack iss/sub/exp or an extra claim shadows a registered one.
  std::string Sign(const Claims& claims) const;
  const std::string& kid() const noexcept { return key_.kid(); }

 private:
  SigningKey key_;
};

/// What a verifier requires besides a good signature.
struct VerifyOptions {
  std::string issuer;                  ///< `iss` must equal this (required, non-empty)
  std::string audience;                ///< `aud` must equal (or, as an array, contain) this (required)
  std::string type = "at+jwt";         ///< header `typ` (case-insensitive; "application/" prefix accepted)
  std::chrono::seconds leeway{30};     ///< clock skew allowed on exp, nbf and iat
  std::size_t max_token_bytes = 8192;  ///< longer tokens are refused before any parsing
};

/// Verifies ES256 access tokens with PUBLIC keys only. The algorithm is pinned: the header's `alg` must be
/// exactly "ES256" and the key is chosen by `kid` among the keys given here, never from the token
/// (jwk/jku/x5u headers are ignored; a `crit` header is refused).
///
/// Thread-safety: Verify() is const and safe from many threads at once. AddKey() is NOT safe concurrently
/// with Verify(): build a verifier, then share it immutable; to change keys (rotation, JWKS re-fetch) build a
/// new one and swap a `std::shared_ptr<const JwtVerifier>` (e.g. std::atomic<std::shared_ptr<...>>).
class JwtVerifier {
 public:
  /// Throws okada::Error(kInternal) if `options` lacks the issuer or the audience (both are always checked).
  explicit JwtVerifier(VerifyOptions options);
  /// A verifier trusting every key of a JWKS document (see Jwks::Parse). Throws okada::Error(kInternal).
  static JwtVerifier FromJwks(std::string_view jwks_json, VerifyOptions options);

  /// Trusts `key` under its kid (replaces a key with the same kid).
  void AddKey(PublicKey key);
  bool HasKey(std::string_view kid) const;
  std::vector<std::string> kids() const;

  /// The verified claims, or throws okada::Error(kInvalidToken / kTokenExpired). `now` is for tests.
  Claims Verify(std::string_view token,
                std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  const VerifyOptions& options() const noexcept { return options_; }

 private:
  VerifyOptions options_;
  std::map<std::string, PublicKey, std::less<>> keys_;
};

/// JSON Web Key Sets (RFC 7517) as served at `/.well-known/jwks.json`.
struct Jwks {
  /// `{"keys":[{"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"use":"sig","alg":"ES256"}, ...]}`
  static std::string Render(const std::vector<PublicKey>& keys);
  /// The EC P-256 signing keys of a JWKS document. Keys of other types (RSA, OKP, other curves) and keys
  /// marked for another use or algorithm are skipped; a malformed document or malformed P-256 key throws
  /// okada::Error(kInternal). Keys without a kid get their RFC 7638 thumbprint.
  static std::vector<PublicKey> Parse(std::string_view json);
};

/// The signing keys of this deployment, kept in `<state_dir>/jwt/`: one `<kid>.pem` per key (0600) and an
/// `active` file naming the kid that signs new tokens. Retired keys stay to verify tokens issued before a
/// rotation until Prune() removes them (retire them for longer than the access-token lifetime + leeway).
///
/// Thread-safety: every method is safe to call concurrently (an internal mutex); Signer()/Verifier()
/// return independent snapshots, so a rotation does not disturb a verification in progress. Only ONE process
/// should Rotate/Prune a given directory (the auth service); others only read it or fetch the JWKS.
class KeyStore {
 public:
  /// Loads every key of `<state_dir>/jwt/`, creating the directory (0700) and a first key on first run.
  /// Throws okada::Error(kInternal) on unreadable or foreign key files or an `active` file naming no key.
  static std::unique_ptr<KeyStore> LoadOrCreate(const std::filesystem::path& state_dir);

  /// A signer with the active key.
  JwtSigner Signer() const;
  std::string active_kid() const;
  /// Public halves of every key (active first), for the JWKS and for verifiers.
  std::vector<PublicKey> PublicKeys() const;
  /// `Jwks::Render(PublicKeys())`.
  std::string JwksJson() const;
  /// A verifier trusting every key of the store (public parts only).
  JwtVerifier Verifier(VerifyOptions options) const;

  /// Generates a new key, saves it, makes it active and retires (keeps) the previous one. Returns the new kid.
  std::string Rotate(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());
  /// Deletes keys retired at least `older_than` ago (never the active key). Returns how many were deleted.
  std::size_t Prune(std::chrono::seconds older_than,
                    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

  const std::filesystem::path& directory() const noexcept { return dir_; }

 private:
  explicit KeyStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  mutable std::mutex mutex_;
  std::filesystem::path dir_;               // <state_dir>/jwt
  std::map<std::string, SigningKey> keys_;  // by kid
  std::string active_;
};

}  // namespace okada::crypto
