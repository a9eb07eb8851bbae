#include "okada/core/crypto/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <climits>
#include <cmath>
#include <set>

#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"

namespace okada::crypto {
namespace {

namespace json = boost::json;

constexpr std::size_t kCoordBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

[[noreturn]] void KeyError(std::string detail) {
  // Never leave OpenSSL's per-thread error queue dirty: a later TLS call on this thread would misread it.
  ERR_clear_error();
  throw Error(ErrorCode::kInternal, std::move(detail));
}

[[noreturn]] void Reject(std::string detail) { throw Error(ErrorCode::kInvalidToken, std::move(detail)); }

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct SigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

std::shared_ptr<evp_pkey_st> Share(EVP_PKEY* p) { return std::shared_ptr<evp_pkey_st>(p, PkeyFree{}); }

// Only P-256 is acceptable anywhere: a key on another curve would make "ES256" mean something else.
void RequireP256(EVP_PKEY* key) {
  if (key == nullptr || !EVP_PKEY_is_a(key, "EC")) KeyError("key is not an EC key");
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1 ||
      std::string_view(group, len) != "prime256v1") {
    KeyError("key is not on curve P-256");
  }
}

std::string Coordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) KeyError("cannot read EC public point");
  std::unique_ptr<BIGNUM, BnFree> bn(raw);
  std::array<unsigned char, kCoordBytes> out{};
  if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) != static_cast<int>(out.size())) {
    KeyError("EC coordinate too large");
  }
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) KeyError("cannot render PEM");
  return std::string(data, static_cast<std::size_t>(len));
}

std::unique_ptr<BIO, BioFree> ReadBio(std::string_view text) {
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr) KeyError("out of memory");
  return std::unique_ptr<BIO, BioFree>(bio);
}

// Refuses encrypted PEMs instead of letting OpenSSL prompt for a passphrase on the terminal.
int NoPassphrase(char*, int, int, void*) { return 0; }

std::string Sha256(std::string_view data) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::int64_t> AsSeconds(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {  // NumericDate may carry fractions (RFC 7519 §2)
    double d = v.get_double();
    if (!std::isfinite(d) || d > 9.0e18 || d < -9.0e18) return std::nullopt;
    return static_cast<std::int64_t>(std::floor(d));
  }
  return std::nullopt;
}

std::optional<json::object> ParseObject(std::string_view b64) {
  std::optional<std::string> text = Base64UrlDecode(b64);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

const std::set<std::string, std::less<>>& RegisteredClaims() {
  static const std::set<std::string, std::less<>> kNames = {"iss", "aud", "sub", "role", "iat", "exp", "nbf", "jti"};
  return kNames;
}

std::string OptionalString(const json::object& o, std::string_view name, bool required) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr) {
    if (required) Reject("missing claim " + std::string(name));
    return {};
  }
  if (!v->is_string()) Reject("claim " + std::string(name) + " is not a string");
  return std::string(v->get_string());
}

}  // namespace

// ---------------------------------------------------------------------------------------------- Claims

void Claims::SetLifetime(std::chrono::seconds ttl, std::chrono::system_clock::time_point now) {
  iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  exp = iat + ttl.count();
}

// ------------------------------------------------------------------------------------------- PublicKey

PublicKey PublicKey::FromEvp(std::shared_ptr<evp_pkey_st> key, std::string kid) {
  RequireP256(key.get());
  PublicKey out;
  out.key_ = std::move(key);
  out.x_ = Coordinate(out.key_.get(), OSSL_PKEY_PARAM_EC_PUB_X);
  out.y_ = Coordinate(out.key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
  out.kid_ = kid.empty() ? out.Thumbprint() : std::move(kid);
  return out;
}

PublicKey PublicKey::FromJwk(std::string_view x, std::string_view y, std::string kid) {
  EnsureSodium();
  std::optional<std::string> xb = Base64UrlDecode(x), yb = Base64UrlDecode(y);
  if (!xb || !yb || xb->size() != kCoordBytes || yb->size() != kCoordBytes) {
    KeyError("JWK x/y must be base64url of 32 bytes");
  }
  std::string point = "\x04" + *xb + *yb;  // SEC1 uncompressed point
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    KeyError("cannot build EC parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    KeyError("JWK is not a valid P-256 public key");
  }
  std::shared_ptr<evp_pkey_st> key = Share(raw);
  // Explicit point validation (on the curve, not infinity): invalid-curve attacks start with a bogus point.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) KeyError("JWK point is not on P-256");
  return FromEvp(std::move(key), std::move(kid));
}

PublicKey PublicKey::FromPem(std::string_view pem, std::string kid) {
  EnsureSodium();
  auto bio = ReadBio(pem);
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr);
  if (raw == nullptr) KeyError("not a PEM public key");
  return FromEvp(Share(raw), std::move(kid));
}

std::string PublicKey::Thumbprint() const {
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" + x_ + R"(","y":")" + y_ + R"("})";
  return Base64UrlEncode(Sha256(canonical));
}

std::string PublicKey::Pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) KeyError("cannot render public PEM");
  return BioContents(bio.get());
}

bool PublicKey::VerifyEs256(std::string_view data, std::string_view signature) const {
  if (!key_ || signature.size() != kSignatureBytes) return false;
  const auto* s = reinterpret_cast<const unsigned char*>(signature.data());
  // JWS carries R||S (RFC 7518 §3.4); OpenSSL verifies DER, so re-encode. Zero or out-of-range R/S are
  // refused by OpenSSL's verifier itself.
  std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(s, kCoordBytes, nullptr));
  std::unique_ptr<BIGNUM, BnFree> ss(BN_bin2bn(s + kCoordBytes, kCoordBytes, nullptr));
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  if (!r || !ss || !sig || ECDSA_SIG_set0(sig.get(), r.get(), ss.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  r.release();  // owned by sig now
  ss.release();
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) {
    ERR_clear_error();
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  OPENSSL_free(der);
  ERR_clear_error();
  return ok;
}

// ------------------------------------------------------------------------------------------ SigningKey

SigningKey SigningKey::FromEvp(std::shared_ptr<evp_pkey_st> key) {
  RequireP256(key.get());
  SigningKey out;
  out.public_ = PublicKey::FromEvp(key, {});
  out.key_ = std::move(key);
  return out;
}

SigningKey SigningKey::Generate() {
  EnsureSodium();
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (raw == nullptr) KeyError("P-256 key generation failed");
  return FromEvp(Share(raw));
}

SigningKey SigningKey::FromPem(std::string_view pem) {
  EnsureSodium();
  auto bio = ReadBio(pem);
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (raw == nullptr) KeyError("not an unencrypted PEM private key");
  return FromEvp(Share(raw));
}

SigningKey SigningKey::LoadPemFile(const std::filesystem::path& path) {
  std::string pem = ReadSecretFile(path);
  try {
    SigningKey key = FromPem(pem);
    Wipe(pem);
    return key;
  } catch (const Error& e) {
    Wipe(pem);
    throw Error(ErrorCode::kInternal, path.string() + ": " + e.detail());
  }
}

void SigningKey::SavePemFile(const std::filesystem::path& path) const {
  std::string pem = PrivatePem();
  WriteSecretFile(path, pem);
  Wipe(pem);
}

std::string SigningKey::PrivatePem() const {
  // A secure-heap BIO so the key bytes are cleared when OpenSSL frees the buffer.
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    KeyError("cannot render private PEM");
  }
  return BioContents(bio.get());
}

std::string SigningKey::SignEs256(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1) {
    KeyError("ES256 signing failed");
  }
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    KeyError("ES256 signing failed");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) KeyError("cannot decode ECDSA signature");
  std::string out(kSignatureBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), o, kCoordBytes) != static_cast<int>(kCoordBytes) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), o + kCoordBytes, kCoordBytes) != static_cast<int>(kCoordBytes)) {
    KeyError("ECDSA signature component too large");
  }
  return out;
}

// ------------------------------------------------------------------------------------------- JwtSigner

std::string JwtSigner::Sign(const Claims& claims) const {
  if (claims.iss.empty() || claims.sub.empty() || claims.exp == 0) {
    throw Error(ErrorCode::kInternal, "JWT claims need iss, sub and exp");
  }
  json::object header;
  header["alg"] = "ES256";
  header["typ"] = "at+jwt";
  header["kid"] = key_.kid();

  json::object payload;
  payload["iss"] = claims.iss;
  if (!claims.aud.empty()) payload["aud"] = claims.aud;
  payload["sub"] = claims.sub;
  if (!claims.role.empty()) payload["role"] = claims.role;
  payload["iat"] = claims.iat;
  payload["exp"] = claims.exp;
  if (claims.nbf) payload["nbf"] = *claims.nbf;
  payload["jti"] = claims.jti.empty() ? UuidV7() : claims.jti;
  for (const auto& [name, value] : claims.extra) {
    if (RegisteredClaims().count(name) != 0) throw Error(ErrorCode::kInternal, "extra claim shadows " + name);
    payload[name] = value;
  }
  std::string signing_input =
      Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(payload));
  std::string signature = key_.SignEs256(signing_input);
  return signing_input + "." + Base64UrlEncode(signature);
}

// ----------------------------------------------------------------------------------------- JwtVerifier

JwtVerifier::JwtVerifier(VerifyOptions options) : options_(std::move(options)) {
  EnsureSodium();
  if (options_.issuer.empty() || options_.audience.empty()) {
    throw Error(ErrorCode::kInternal, "JwtVerifier needs an issuer and an audience");
  }
}

JwtVerifier JwtVerifier::FromJwks(std::string_view jwks_json, VerifyOptions options) {
  JwtVerifier v(std::move(options));
  for (PublicKey& k : Jwks::Parse(jwks_json)) v.AddKey(std::move(k));
  return v;
}

void JwtVerifier::AddKey(PublicKey key) {
  std::string kid = key.kid();
  keys_.insert_or_assign(std::move(kid), std::move(key));
}

bool JwtVerifier::HasKey(std::string_view kid) const { return keys_.find(kid) != keys_.end(); }

std::vector<std::string> JwtVerifier::kids() const {
  std::vector<std::string> out;
  for (const auto& [kid, key] : keys_) out.push_back(kid);
  return out;
}

Claims JwtVerifier::Verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  // Order matters: cheap structural checks, then the header (alg pinned, kid known), then the signature, and
  // only then is the payload parsed, so unauthenticated JSON never reaches the claim logic.
  if (token.empty()) Reject("empty token");
  if (token.size() > options_.max_token_bytes) Reject("token too large");
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    Reject("token is not three dot-separated parts");
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = token.substr(dot2 + 1);

  std::optional<json::object> header = ParseObject(header_b64);
  if (!header) Reject("malformed header");
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "ES256") Reject("algorithm not allowed");
  if (header->contains("crit")) Reject("unsupported critical header");
  const json::value* typ = header->if_contains("typ");
  if (typ == nullptr || !typ->is_string()) Reject("missing typ");
  std::string_view typ_text = typ->get_string();
  if (!IEquals(typ_text, options_.type) && !IEquals(typ_text, "application/" + options_.type)) Reject("wrong typ");
  const json::value* kid = header->if_contains("kid");
  if (kid == nullptr || !kid->is_string()) Reject("missing kid");
  auto key = keys_.find(std::string_view(kid->get_string()));
  if (key == keys_.end()) Reject("unknown kid");

  std::optional<std::string> signature = Base64UrlDecode(signature_b64);
  if (!signature || signature->size() != kSignatureBytes) Reject("malformed signature");
  if (!key->second.VerifyEs256(token.substr(0, dot2), *signature)) Reject("bad signature");

  std::optional<json::object> payload = ParseObject(payload_b64);
  if (!payload) Reject("malformed payload");
  const json::object& p = *payload;

  Claims c;
  c.iss = OptionalString(p, "iss", true);
  if (c.iss != options_.issuer) Reject("wrong issuer");
  const json::value* aud = p.if_contains("aud");
  if (aud == nullptr) Reject("missing aud");
  if (aud->is_string()) {
    if (aud->get_string() != options_.audience) Reject("wrong audience");
  } else if (aud->is_array()) {
    bool found = false;
    for (const json::value& a : aud->get_array()) {
      if (!a.is_string()) Reject("aud is not a string array");
      found = found || a.get_string() == options_.audience;
    }
    if (!found) Reject("wrong audience");
  } else {
    Reject("aud is not a string");
  }
  c.aud = options_.audience;
  c.sub = OptionalString(p, "sub", true);
  if (c.sub.empty()) Reject("empty sub");
  c.role = OptionalString(p, "role", false);
  c.jti = OptionalString(p, "jti", false);

  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t leeway = options_.leeway.count();
  const json::value* exp = p.if_contains("exp");
  if (exp == nullptr) Reject("missing exp");
  std::optional<std::int64_t> exp_s = AsSeconds(*exp);
  if (!exp_s) Reject("exp is not a number");
  c.exp = *exp_s;
  const json::value* iat = p.if_contains("iat");
  if (iat == nullptr) Reject("missing iat");
  std::optional<std::int64_t> iat_s = AsSeconds(*iat);
  if (!iat_s) Reject("iat is not a number");
  c.iat = *iat_s;
  if (c.iat > now_s + leeway) Reject("issued in the future");
  if (const json::value* nbf = p.if_contains("nbf")) {
    std::optional<std::int64_t> nbf_s = AsSeconds(*nbf);
    if (!nbf_s) Reject("nbf is not a number");
    if (*nbf_s > now_s + leeway) Reject("token not yet valid");
    c.nbf = *nbf_s;
  }
  // Arithmetic only on `now` (sane), never on attacker-chosen numbers that could overflow.
  if (now_s - leeway >= c.exp) throw Error(ErrorCode::kTokenExpired, "token expired");

  for (const auto& [name, value] : p) {
    if (RegisteredClaims().count(std::string_view(name)) == 0 && value.is_string()) {
      c.extra.emplace(std::string(name), std::string(value.get_string()));
    }
  }
  return c;
}

// ------------------------------------------------------------------------------------------------ Jwks

std::string Jwks::Render(const std::vector<PublicKey>& keys) {
  json::array arr;
  for (const PublicKey& k : keys) {
    json::object o;
    o["kty"] = "EC";
    o["crv"] = "P-256";
    o["x"] = k.x();
    o["y"] = k.y();
    o["kid"] = k.kid();
    o["use"] = "sig";
    o["alg"] = "ES256";
    arr.push_back(std::move(o));
  }
  json::object doc;
  doc["keys"] = std::move(arr);
  return json::serialize(doc);
}

std::vector<PublicKey> Jwks::Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) throw Error(ErrorCode::kInternal, "JWKS is not a JSON object");
  const json::value* keys = doc.as_object().if_contains("keys");
  if (keys == nullptr || !keys->is_array()) throw Error(ErrorCode::kInternal, "JWKS has no keys array");
  auto str = [](const json::object& o, std::string_view name) -> std::optional<std::string_view> {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string_view(v->get_string());
  };
  std::vector<PublicKey> out;
  for (const json::value& entry : keys->get_array()) {
    if (!entry.is_object()) throw Error(ErrorCode::kInternal, "JWKS entry is not an object");
    const json::object& o = entry.get_object();
    if (str(o, "kty") != "EC" || str(o, "crv") != "P-256") continue;
    if (o.contains("use") && str(o, "use") != "sig") continue;
    if (o.contains("alg") && str(o, "alg") != "ES256") continue;
    std::optional<std::string_view> x = str(o, "x"), y = str(o, "y");
    if (!x || !y) throw Error(ErrorCode::kInternal, "JWKS EC key lacks x or y");
    std::optional<std::string_view> kid = str(o, "kid");
    out.push_back(PublicKey::FromJwk(*x, *y, kid ? std::string(*kid) : std::string()));
  }
  return out;
}

// -------------------------------------------------------------------------------------------- KeyStore

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::int64_t UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::unique_ptr<KeyStore> KeyStore::LoadOrCreate(const std::filesystem::path& state_dir) {
  EnsureSodium();
  std::unique_ptr<KeyStore> store(new KeyStore(state_dir / "jwt"));
  EnsurePrivateDirectory(store->dir_);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(store->dir_, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".pem") continue;
    SigningKey key = SigningKey::LoadPemFile(entry.path());
    // The file name is the kid; a mismatch means a hand-copied or corrupted key, which we refuse to guess about.
    if (entry.path().stem().string() != key.kid()) {
      throw Error(ErrorCode::kInternal, entry.path().string() + ": file name does not match the key's kid");
    }
    store->keys_.emplace(key.kid(), std::move(key));
  }
  if (ec) throw Error(ErrorCode::kInternal, "cannot list " + store->dir_.string() + ": " + ec.message());

  std::filesystem::path active_path = store->dir_ / "active";
  if (!std::filesystem::exists(active_path)) {
    SigningKey key = SigningKey::Generate();
    key.SavePemFile(store->dir_ / (key.kid() + ".pem"));
    store->keys_.emplace(key.kid(), key);
    // If another process won the race to create `active`, adopt its key (written before its `active`).
    if (!CreateSecretFile(active_path, key.kid() + "\n")) {
      std::string winner = Trim(ReadSecretFile(active_path));
      if (store->keys_.count(winner) == 0) {
        SigningKey other = SigningKey::LoadPemFile(store->dir_ / (winner + ".pem"));
        store->keys_.emplace(other.kid(), std::move(other));
      }
    }
  }
  store->active_ = Trim(ReadSecretFile(active_path));
  if (store->keys_.count(store->active_) == 0) {
    throw Error(ErrorCode::kInternal, active_path.string() + " names a key that is not in the directory");
  }
  return store;
}

JwtSigner KeyStore::Signer() const {
  std::lock_guard lock(mutex_);
  return JwtSigner(keys_.at(active_));
}

std::string KeyStore::active_kid() const {
  std::lock_guard lock(mutex_);
  return active_;
}

std::vector<PublicKey> KeyStore::PublicKeys() const {
  std::lock_guard lock(mutex_);
  std::vector<PublicKey> out;
  out.push_back(keys_.at(active_).public_key());
  for (const auto& [kid, key] : keys_) {
    if (kid != active_) out.push_back(key.public_key());
  }
  return out;
}

std::string KeyStore::JwksJson() const { return Jwks::Render(PublicKeys()); }

JwtVerifier KeyStore::Verifier(VerifyOptions options) const {
  JwtVerifier v(std::move(options));
  for (PublicKey& k : PublicKeys()) v.AddKey(std::move(k));
  return v;
}

std::string KeyStore::Rotate(std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mutex_);
  SigningKey key = SigningKey::Generate();
  key.SavePemFile(dir_ / (key.kid() + ".pem"));
  // Record when the old key stopped signing: Prune counts the retention period from this moment.
  WriteSecretFile(dir_ / (active_ + ".retired"), std::to_string(UnixSeconds(now)) + "\n");
  // The switch itself is one atomic rename of `active`; a crash before it leaves the old key active.
  WriteSecretFile(dir_ / "active", key.kid() + "\n");
  keys_.emplace(key.kid(), key);
  active_ = key.kid();
  return active_;
}

std::size_t KeyStore::Prune(std::chrono::seconds older_than, std::chrono::system_clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::size_t removed = 0;
  for (auto it = keys_.begin(); it != keys_.end();) {
    if (it->first == active_) {
      ++it;
      continue;
    }
    std::filesystem::path pem = dir_ / (it->first + ".pem");
    std::filesystem::path marker = dir_ / (it->first + ".retired");
    std::int64_t retired_at = 0;
    std::error_code ec;
    if (std::filesystem::exists(marker, ec)) {
      try {
        retired_at = std::stoll(Trim(ReadSecretFile(marker)));
      } catch (const std::exception&) {
        retired_at = 0;  // unreadable marker: treat as retired long ago (it is not active either way)
      }
    } else {
      // A non-active key without a marker (copied in by hand): its file time is the best estimate.
      auto mtime = std::filesystem::last_write_time(pem, ec);
      retired_at = ec ? 0
                      : UnixSeconds(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
                            std::chrono::file_clock::to_sys(mtime)));
    }
    if (UnixSeconds(now) - retired_at >= older_than.count()) {
      std::filesystem::remove(pem, ec);
      std::filesystem::remove(marker, ec);
      it = keys_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

}  // namespace okada::crypto
