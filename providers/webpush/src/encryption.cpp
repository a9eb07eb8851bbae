// Message encryption for Web Push (RFC 8291) over the "aes128gcm" content coding (RFC 8188), on OpenSSL 3.
//
//   ecdh_secret = ECDH(as_private, ua_public)                               32 bytes, the shared X coordinate
//   IKM         = HKDF-SHA256(salt = auth_secret, ikm = ecdh_secret,
//                             info = "WebPush: info" 0x00 ua_public as_public, L = 32)          (RFC 8291 §3.4)
//   PRK         = HKDF-Extract(salt, IKM)                                                        (RFC 8188 §2.2)
//   CEK         = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" 0x00, 16)
//   NONCE       = HKDF-Expand(PRK, "Content-Encoding: nonce" 0x00, 12)      XOR the record number (0: only one)
//   body        = salt(16) || rs(uint32 BE) || idlen(1) = 65 || keyid = as_public(65)
//                 || AES-128-GCM(CEK, NONCE, plaintext || 0x02) || tag(16)
//
// Web Push uses a single record (RFC 8291 §4), so the delimiter is always 0x02 ("last record") and we add no
// padding. The decrypting side (the sandbox plays the browser) strips trailing zero padding, then requires the
// 0x02. Every OpenSSL failure leaves the thread's error queue clean (a later TLS call would misread it), and no
// error detail ever carries key material or plaintext.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include "internal.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kCekBytes = 16;
constexpr std::size_t kIkmBytes = 32;
constexpr std::uint32_t kMinRecordSize = 18;  // RFC 8188 §2: smaller values are invalid
constexpr unsigned char kLastRecord = 0x02;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct KdfFree {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
struct GroupFree {
  void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

[[noreturn]] void Fail(ErrorCode code, std::string detail) {
  ERR_clear_error();
  throw Error(code, std::move(detail));
}

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// A binary string that wipes itself (key material, intermediate secrets, plaintext copies).
struct Secret {
  std::string bytes;
  Secret() = default;
  explicit Secret(std::string b) : bytes(std::move(b)) {}
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { crypto::Wipe(bytes); }
};

// A P-256 public key from its uncompressed encoding; nullptr when it is not a point on the curve (the explicit
// check refuses the point at infinity and off-curve points, where invalid-curve attacks start).
Pkey ImportPublic(std::string_view point) {
  if (point.size() != kPublicKeyBytes || static_cast<unsigned char>(point[0]) != 0x04) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  Pkey key(raw);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return key;
}

// A P-256 key pair from its 32-byte private scalar; computes the public point (returned in `public_out`).
// nullptr when the scalar is not in [1, n-1].
Pkey ImportPrivate(std::string_view scalar, std::string* public_out) {
  if (scalar.size() != kPrivateKeyBytes) return nullptr;
  std::unique_ptr<EC_GROUP, GroupFree> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  std::unique_ptr<BIGNUM, BnFree> priv(BN_secure_new());
  if (!group || !priv || BN_bin2bn(U(scalar), static_cast<int>(scalar.size()), priv.get()) == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  if (BN_is_zero(priv.get()) || BN_cmp(priv.get(), EC_GROUP_get0_order(group.get())) >= 0) return nullptr;
  std::unique_ptr<EC_POINT, PointFree> pub(EC_POINT_new(group.get()));
  std::array<unsigned char, kPublicKeyBytes> encoded{};
  if (!pub || EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(), encoded.size(),
                         nullptr) != encoded.size()) {
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  if (public_out != nullptr) public_out->assign(reinterpret_cast<const char*>(encoded.data()), encoded.size());
  return Pkey(raw);
}

// The shared secret: the X coordinate of private × peer.
std::string Ecdh(EVP_PKEY* private_key, EVP_PKEY* peer) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, private_key, nullptr));
  std::size_t len = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &len) != 1 || len != 32) {
    Fail(ErrorCode::kInternal, "ECDH key agreement failed");
  }
  std::string out(len, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1 || len != 32) {
    crypto::Wipe(out);
    Fail(ErrorCode::kInternal, "ECDH key agreement failed");
  }
  return out;
}

// HKDF-SHA256 (RFC 5869), extract then expand, `length` bytes.
std::string Hkdf(std::string_view salt, std::string_view ikm, std::string_view info, std::size_t length) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) Fail(ErrorCode::kInternal, "HKDF is not available");
  char digest[] = "SHA256";
  // OSSL_PARAM takes non-const pointers; OpenSSL only reads these buffers.
  std::array<OSSL_PARAM, 5> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<char*>(ikm.data()), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params.data()) != 1) {
    crypto::Wipe(out);
    Fail(ErrorCode::kInternal, "HKDF derivation failed");
  }
  return out;
}

struct ContentKeys {
  Secret cek;
  Secret nonce;
};

// RFC 8291 §3.4 then RFC 8188 §2.2-2.3.
void DeriveKeys(std::string_view ecdh_secret, std::string_view auth_secret, std::string_view ua_public,
                std::string_view as_public, std::string_view salt, ContentKeys& out) {
  std::string key_info = "WebPush: info";
  key_info.push_back('\0');
  key_info.append(ua_public);
  key_info.append(as_public);
  Secret ikm(Hkdf(auth_secret, ecdh_secret, key_info, kIkmBytes));
  out.cek.bytes = Hkdf(salt, ikm.bytes, std::string_view("Content-Encoding: aes128gcm\0", 28), kCekBytes);
  out.nonce.bytes = Hkdf(salt, ikm.bytes, std::string_view("Content-Encoding: nonce\0", 24), kNonceBytes);
}

std::string Seal(const ContentKeys& keys, std::string_view record_plaintext) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(record_plaintext.size() + kTagBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0, final_len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, U(keys.cek.bytes), U(keys.nonce.bytes)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, U(record_plaintext), static_cast<int>(record_plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + len, &final_len) != 1 ||
      static_cast<std::size_t>(len + final_len) != record_plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), o + record_plaintext.size()) !=
          1) {
    Fail(ErrorCode::kInternal, "AES-128-GCM encryption failed");
  }
  return out;
}

// The record's plaintext (delimiter and padding included); nullopt when authentication fails.
std::optional<std::string> Open(const ContentKeys& keys, std::string_view record) {
  if (record.size() < kTagBytes) return std::nullopt;
  std::size_t n = record.size() - kTagBytes;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int len = 0, final_len = 0;
  std::array<unsigned char, kTagBytes> tag{};
  std::copy(record.end() - static_cast<std::ptrdiff_t>(kTagBytes), record.end(), tag.begin());
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, U(keys.cek.bytes), U(keys.nonce.bytes)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), o, &len, U(record), static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), o + len, &final_len) == 1 && static_cast<std::size_t>(len + final_len) == n;
  ERR_clear_error();
  if (!ok) {
    crypto::Wipe(out);
    return std::nullopt;
  }
  return out;
}

void AppendU32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>((v >> 24) & 0xFF));
  out.push_back(static_cast<char>((v >> 16) & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}

[[noreturn]] void BadBody(std::string detail) { Fail(ErrorCode::kBadRequest, "push message: " + std::move(detail)); }

}  // namespace

KeyPair GenerateKeyPair() {
  crypto::EnsureSodium();
  for (;;) {
    // A uniformly random scalar; the rare value ≥ n (probability about 2^-32) is drawn again.
    Secret scalar(crypto::RandomBytes(kPrivateKeyBytes));
    KeyPair out;
    if (ImportPrivate(scalar.bytes, &out.public_key) == nullptr) continue;
    out.private_key = scalar.bytes;
    return out;
  }
}

std::string EncryptWith(std::string_view plaintext, std::string_view ua_public, std::string_view auth_secret,
                        std::string_view as_private, std::string_view salt, std::uint32_t record_size) {
  if (plaintext.size() > kMaxPlaintextBytes) {
    throw Error(ErrorCode::kPayloadTooLarge, "push payload of " + std::to_string(plaintext.size()) +
                                                 " bytes; at most " + std::to_string(kMaxPlaintextBytes));
  }
  if (record_size < kMinRecordSize) throw Error(ErrorCode::kInternal, "aes128gcm record size must be at least 18");
  if (plaintext.size() + 1 + kTagBytes > record_size) {
    throw Error(ErrorCode::kPayloadTooLarge, "push payload does not fit one record of " + std::to_string(record_size));
  }
  if (auth_secret.size() != kAuthSecretBytes)
    throw Error(ErrorCode::kPushSubscriptionInvalid, "auth secret must be 16 bytes");
  Pkey ua = ImportPublic(ua_public);
  if (!ua) throw Error(ErrorCode::kPushSubscriptionInvalid, "p256dh must be a 65-byte uncompressed P-256 point");
  if (salt.size() != kSaltBytes) throw Error(ErrorCode::kInternal, "aes128gcm salt must be 16 bytes");
  std::string as_public;
  Pkey as = ImportPrivate(as_private, &as_public);
  if (!as) throw Error(ErrorCode::kInternal, "application server private key must be a 32-byte P-256 scalar");

  Secret shared(Ecdh(as.get(), ua.get()));
  ContentKeys keys;
  DeriveKeys(shared.bytes, auth_secret, ua_public, as_public, salt, keys);

  Secret record;
  record.bytes.reserve(plaintext.size() + 1);
  record.bytes.append(plaintext);
  record.bytes.push_back(static_cast<char>(kLastRecord));

  std::string body;
  body.reserve(kHeaderBytes + record.bytes.size() + kTagBytes);
  body.append(salt);
  AppendU32(body, record_size);
  body.push_back(static_cast<char>(kPublicKeyBytes));
  body.append(as_public);
  body.append(Seal(keys, record.bytes));
  return body;
}

std::string Encrypt(std::string_view plaintext, const Subscription& sub) {
  std::optional<std::string> ua_public = internal::DecodeLenient(sub.p256dh);
  if (!ua_public) throw Error(ErrorCode::kPushSubscriptionInvalid, "p256dh is not base64url");
  if (ua_public->size() != kPublicKeyBytes)
    throw Error(ErrorCode::kPushSubscriptionInvalid, "p256dh must decode to 65 bytes");
  std::optional<std::string> auth = internal::DecodeLenient(sub.auth);
  if (!auth) throw Error(ErrorCode::kPushSubscriptionInvalid, "auth is not base64url");
  if (auth->size() != kAuthSecretBytes)
    throw Error(ErrorCode::kPushSubscriptionInvalid, "auth must decode to 16 bytes");
  KeyPair ephemeral = GenerateKeyPair();
  Secret as_private(std::move(ephemeral.private_key));
  std::string salt = crypto::RandomBytes(kSaltBytes);
  return EncryptWith(plaintext, *ua_public, *auth, as_private.bytes, salt, kDefaultRecordSize);
}

std::string Decrypt(std::string_view body, std::string_view ua_private, std::string_view ua_public,
                    std::string_view auth_secret) {
  if (auth_secret.size() != kAuthSecretBytes)
    throw Error(ErrorCode::kPushSubscriptionInvalid, "auth secret must be 16 bytes");
  std::string derived_public;
  Pkey ua = ImportPrivate(ua_private, &derived_public);
  if (!ua) throw Error(ErrorCode::kPushSubscriptionInvalid, "user agent private key must be a 32-byte P-256 scalar");
  if (derived_public != ua_public)
    throw Error(ErrorCode::kPushSubscriptionInvalid, "user agent public key does not match its private key");

  if (body.size() < kSaltBytes + 5) BadBody("shorter than the aes128gcm header");
  std::string_view salt = body.substr(0, kSaltBytes);
  const auto* h = U(body);
  std::uint32_t rs =
      (std::uint32_t{h[16]} << 24) | (std::uint32_t{h[17]} << 16) | (std::uint32_t{h[18]} << 8) | std::uint32_t{h[19]};
  std::size_t idlen = h[20];
  if (rs < kMinRecordSize) BadBody("record size below 18");
  if (idlen != kPublicKeyBytes) BadBody("keyid must be the sender's 65-byte public key");
  if (body.size() < kHeaderBytes) BadBody("truncated header");
  std::string_view as_public = body.substr(21, kPublicKeyBytes);
  std::string_view record = body.substr(kHeaderBytes);
  if (record.size() < 1 + kTagBytes) BadBody("record too short");
  if (record.size() > rs) BadBody("more than one record (Web Push allows one)");
  Pkey as = ImportPublic(as_public);
  if (!as) BadBody("keyid is not a P-256 point");

  Secret shared(Ecdh(ua.get(), as.get()));
  ContentKeys keys;
  DeriveKeys(shared.bytes, auth_secret, ua_public, as_public, salt, keys);
  std::optional<std::string> opened = Open(keys, record);
  if (!opened) BadBody("authentication failed (wrong keys or altered body)");
  Secret padded(std::move(*opened));
  std::string& p = padded.bytes;
  while (!p.empty() && p.back() == '\0') p.pop_back();
  if (p.empty() || static_cast<unsigned char>(p.back()) != kLastRecord) BadBody("bad padding delimiter");
  p.pop_back();
  return std::string(p);
}

}  // namespace okada::webpush
