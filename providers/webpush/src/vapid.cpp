// VAPID: Voluntary Application Server Identification for Web Push (RFC 8292).
//
// The application server signs a short JWT per push service origin and sends it with its public key:
//
//   Authorization: vapid t=<b64url({"typ":"JWT","alg":"ES256"})>.<b64url({"aud":..,"exp":..,"sub":..})>.<sig>,
//                        k=<b64url(65-byte uncompressed P-256 public key)>
//
//   aud  the origin of the push resource (scheme://host[:port]); a token for one push service is worthless at
//        another
//   exp  at most 24 hours ahead (RFC 8292 §2)
//   sub  a contact for the push service's operators: mailto: or https: (§2.1)
//   sig  ES256 (RFC 7518 §3.4): raw R||S, 64 bytes
//
// The browser's subscription was made with the same public key (applicationServerKey), so the push service can
// refuse messages from anyone else (403). The key is crypto::SigningKey, the core's P-256 key (PEM files,
// ES256 in R||S form), reused as is; this file only adds the VAPID framing and the push service's check.

#include <boost/json.hpp>
#include <cmath>

#include "internal.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/request.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxLifetimeSeconds = 24 * 3600;
constexpr std::size_t kMaxTokenBytes = 4096;

bool IsContact(std::string_view subject) {
  return (subject.rfind("mailto:", 0) == 0 && subject.size() > 7) ||
         (subject.rfind("https://", 0) == 0 && subject.size() > 8);
}

std::optional<json::object> DecodeObject(std::string_view b64) {
  std::optional<std::string> text = crypto::Base64UrlDecode(b64);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<std::int64_t> NumericDate(const json::value& v) {
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

bool Refuse(std::string* why, const char* reason) {
  if (why != nullptr) *why = reason;
  return false;
}

}  // namespace

// ------------------------------------------------------------------------------------------------ VapidKey

VapidKey::VapidKey(std::shared_ptr<const crypto::SigningKey> key) : key_(std::move(key)) {
  const crypto::PublicKey& pub = key_->public_key();
  std::optional<std::string> x = crypto::Base64UrlDecode(pub.x()), y = crypto::Base64UrlDecode(pub.y());
  if (!x || !y || x->size() != 32 || y->size() != 32) throw Error(ErrorCode::kInternal, "VAPID key: bad public point");
  public_raw_ = "\x04" + *x + *y;
}

VapidKey VapidKey::Generate() {
  return VapidKey(std::make_shared<const crypto::SigningKey>(crypto::SigningKey::Generate()));
}

VapidKey VapidKey::FromPem(std::string_view pem) {
  return VapidKey(std::make_shared<const crypto::SigningKey>(crypto::SigningKey::FromPem(pem)));
}

VapidKey VapidKey::LoadOrCreate(const std::filesystem::path& pem_file) {
  std::error_code ec;
  if (!std::filesystem::exists(pem_file, ec)) {
    crypto::SigningKey fresh = crypto::SigningKey::Generate();
    std::string pem = fresh.PrivatePem();
    bool created = false;
    try {
      created = crypto::CreateSecretFile(pem_file, pem);
    } catch (...) {
      crypto::Wipe(pem);
      throw;
    }
    crypto::Wipe(pem);
    if (created) return VapidKey(std::make_shared<const crypto::SigningKey>(std::move(fresh)));
    // Another process created it first: everyone uses its key.
  }
  return VapidKey(std::make_shared<const crypto::SigningKey>(crypto::SigningKey::LoadPemFile(pem_file)));
}

std::string VapidKey::PublicKeyB64() const {
  if (!key_) throw Error(ErrorCode::kInternal, "VAPID key is empty");
  return crypto::Base64UrlEncode(public_raw_);
}

std::string VapidKey::PrivatePem() const {
  if (!key_) throw Error(ErrorCode::kInternal, "VAPID key is empty");
  return key_->PrivatePem();
}

std::string VapidKey::SignEs256(std::string_view data) const {
  if (!key_) throw Error(ErrorCode::kInternal, "VAPID key is empty");
  return key_->SignEs256(data);
}

// ------------------------------------------------------------------------------------- the header, both ways

std::string VapidAuthorization(const VapidKey& key, std::string_view audience, std::string_view subject,
                               std::int64_t expires_unix) {
  if (!key.valid()) throw Error(ErrorCode::kInternal, "VAPID key is empty");
  if (!IsContact(subject)) throw Error(ErrorCode::kInternal, "VAPID subject must be a mailto: or https: URI");
  bool origin = false;
  try {
    origin = Audience(audience) == audience;
  } catch (const Error&) {
  }
  if (!origin) throw Error(ErrorCode::kInternal, "VAPID audience must be an origin: http(s)://host[:port]");

  json::object header;
  header["typ"] = "JWT";
  header["alg"] = "ES256";
  json::object claims;
  claims["aud"] = audience;
  claims["exp"] = expires_unix;
  claims["sub"] = subject;
  std::string signing_input =
      crypto::Base64UrlEncode(json::serialize(header)) + "." + crypto::Base64UrlEncode(json::serialize(claims));
  std::string signature = key.SignEs256(signing_input);
  return "vapid t=" + signing_input + "." + crypto::Base64UrlEncode(signature) + ", k=" + key.PublicKeyB64();
}

bool VerifyVapid(std::string_view authorization_header, std::string_view expected_audience, std::int64_t now_unix,
                 std::string* why) {
  std::optional<internal::VapidParams> params = internal::ParseVapidHeader(authorization_header);
  if (!params) return Refuse(why, "not a vapid t=..., k=... header");
  if (params->token.size() > kMaxTokenBytes) return Refuse(why, "token too long");

  std::optional<std::string> k = internal::DecodeLenient(params->key);
  if (!k || k->size() != kPublicKeyBytes || static_cast<unsigned char>((*k)[0]) != 0x04)
    return Refuse(why, "k is not a 65-byte uncompressed P-256 point");
  std::optional<crypto::PublicKey> key;
  try {
    key = crypto::PublicKey::FromJwk(crypto::Base64UrlEncode(k->substr(1, 32)), crypto::Base64UrlEncode(k->substr(33)));
  } catch (const Error&) {
    return Refuse(why, "k is not a point on P-256");
  }

  std::string_view token = params->token;
  std::size_t dot1 = token.find('.');
  std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    return Refuse(why, "t is not a JWS compact serialization");
  std::optional<json::object> header = DecodeObject(token.substr(0, dot1));
  if (!header) return Refuse(why, "malformed JWT header");
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "ES256") return Refuse(why, "alg must be ES256");
  if (const json::value* typ = header->if_contains("typ");
      typ != nullptr && (!typ->is_string() || !http::IEquals(typ->get_string(), "JWT")))
    return Refuse(why, "typ must be JWT");
  if (header->contains("crit")) return Refuse(why, "crit header not supported");

  std::optional<std::string> signature = crypto::Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature || !key->VerifyEs256(token.substr(0, dot2), *signature)) return Refuse(why, "bad signature");

  std::optional<json::object> claims = DecodeObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!claims) return Refuse(why, "malformed JWT claims");
  const json::value* aud = claims->if_contains("aud");
  if (aud == nullptr || !aud->is_string() || aud->get_string() != expected_audience)
    return Refuse(why, "aud is not this push service");
  const json::value* exp_value = claims->if_contains("exp");
  std::optional<std::int64_t> exp = exp_value == nullptr ? std::nullopt : NumericDate(*exp_value);
  if (!exp) return Refuse(why, "exp missing or not a NumericDate");
  if (*exp <= now_unix) return Refuse(why, "token expired");
  if (*exp - now_unix > kMaxLifetimeSeconds) return Refuse(why, "exp more than 24 hours ahead");
  if (const json::value* sub = claims->if_contains("sub");
      sub != nullptr && (!sub->is_string() || !IsContact(sub->get_string())))
    return Refuse(why, "sub must be a mailto: or https: URI");
  if (why != nullptr) why->clear();
  return true;
}

}  // namespace okada::webpush
