#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/jwt.hpp"
#include "okada/core/crypto/password.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"

namespace okada::crypto {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using std::chrono::seconds;
using std::chrono::system_clock;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::path(::testing::TempDir()) /
            ("okada_crypto_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

unsigned Mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

struct Outcome {
  std::string code;  // "ACCEPTED" or the error's code, e.g. "INVALID_TOKEN"
  std::string detail;
};

template <class F>
Outcome Try(F&& f) {
  try {
    f();
    return {"ACCEPTED", ""};
  } catch (const Error& e) {
    return {std::string(e.info().code), e.detail()};
  }
}

#define EXPECT_OUTCOME(expr, want_code, want_detail)                                          \
  do {                                                                                        \
    Outcome o_ = Try([&] { (void)(expr); });                                                  \
    EXPECT_EQ(o_.code, want_code) << o_.detail;                                               \
    EXPECT_NE(o_.detail.find(want_detail), std::string::npos) << "detail was: " << o_.detail; \
  } while (0)

// ------------------------------------------------------------------------------------- random.hpp

TEST(CryptoRandom, Base64UrlRfc4648Vectors) {
  const std::pair<std::string, std::string> kVectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    EXPECT_EQ(Base64UrlDecode(encoded), plain);
  }
  // The URL-safe alphabet: 0xfb 0xff is "+/8=" in standard base64.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::string("\xfb\xff"));
  // Strictness: padding, the standard alphabet, stray characters, impossible lengths, non-zero trailing bits.
  for (std::string_view bad : {"Zg==", "+/8", "Zm9v!", "Zm 9v", "Z", "Zh", "Zm9=", "Zm9v\n"}) {
    EXPECT_FALSE(Base64UrlDecode(bad).has_value()) << bad;
  }
}

TEST(CryptoRandom, RandomBytesAndTokens) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(17).size(), 17u);
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Base64UrlDecode(a)->size(), 32u);
  EXPECT_EQ(RandomToken(16).size(), 22u);
}

TEST(CryptoRandom, ConstantTimeEqualsAndWipe) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  std::string s = "a password longer than the small-string buffer";
  Wipe(s);
  EXPECT_TRUE(s.empty());
}

// 8-4-4-4-12 lowercase hex, version nibble 7, variant nibble 8..b.
bool LooksLikeUuidV7(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && !((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return false;
  }
  return id[14] == '7' && std::string_view("89ab").find(id[19]) != std::string_view::npos;
}

TEST(CryptoRandom, UuidV7FormatAndOrdering) {
  EXPECT_FALSE(LooksLikeUuidV7("01932c07-2f8a-4c3e-9b1d-4f5e6a7b8c9d"));
  EXPECT_TRUE(LooksLikeUuidV7("01932c07-2f8a-7c3e-9b1d-4f5e6a7b8c9d"));
  auto before = std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now().time_since_epoch());
  std::string previous;
  for (int i = 0; i < 5000; ++i) {
    std::string id = UuidV7();
    ASSERT_TRUE(LooksLikeUuidV7(id)) << id;
    if (!previous.empty()) {
      ASSERT_LT(previous, id) << "ids must strictly increase";
    }
    previous = id;
  }
  // The first 48 bits are the Unix time in milliseconds.
  std::string id = UuidV7();
  std::int64_t ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  auto after = std::chrono::duration_cast<std::chrono::milliseconds>(system_clock::now().time_since_epoch());
  EXPECT_GE(ms, before.count());
  EXPECT_LE(ms, after.count() + 5);  // the in-process counter may borrow a few milliseconds ahead
}

TEST(CryptoSecretFile, CreatedWithMode0600AndCreateIsExclusive) {
  TempDir dir;
  fs::path p = dir.path() / "sub" / "k";
  WriteSecretFile(p, "one");
  EXPECT_EQ(Mode(p), 0600u);
  EXPECT_EQ(Mode(p.parent_path()), 0700u);
  EXPECT_EQ(ReadSecretFile(p), "one");
  WriteSecretFile(p, "two");
  EXPECT_EQ(ReadSecretFile(p), "two");
  EXPECT_FALSE(CreateSecretFile(p, "three"));
  EXPECT_EQ(ReadSecretFile(p), "two");
  EXPECT_TRUE(CreateSecretFile(dir.path() / "sub" / "k2", "x"));
  EXPECT_EQ(Mode(dir.path() / "sub" / "k2"), 0600u);
}

// ----------------------------------------------------------------------------------- password.hpp

const Argon2Params kFast = Argon2Params::InsecureForTestsOnly();

TEST(CryptoPassword, HashVerifyWrongPasswordAndNeedsRehash) {
  std::string hash = HashPassword("correct horse battery staple", kFast);
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
  EXPECT_NE(HashPassword("correct horse battery staple", kFast), hash) << "salts must differ";
  EXPECT_FALSE(NeedsRehash(hash, kFast));
  EXPECT_TRUE(NeedsRehash(hash)) << "weak test parameters must be flagged under production parameters";
  // Malformed or foreign hashes: never a match, always a rehash, never a crash.
  for (std::string_view bad : {"", "garbage", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$2b$12$abcdefghijk",
                               "$argon2id$v=19$m=8,t=1,p=1$$"}) {
    EXPECT_FALSE(VerifyPassword(bad, "x")) << bad;
    EXPECT_TRUE(NeedsRehash(bad)) << bad;
  }
  EXPECT_FALSE(VerifyPassword(std::string(1000, 'a'), "x"));
}

TEST(CryptoPassword, ProductionParametersAreArgon2idM19MiBT2P1) {
  Argon2Params production;
  EXPECT_EQ(production.ops_limit, 2u);
  EXPECT_EQ(production.mem_limit, 19u * 1024u * 1024u);
  std::string hash = HashPassword("pässwörd-ÇA");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "pässwörd-ÇA"));
  EXPECT_FALSE(VerifyPassword(hash, "passwörd-ÇA"));
  EXPECT_FALSE(NeedsRehash(hash));
  EXPECT_TRUE(PasswordHasher().NeedsRehash(HashPassword("x", kFast)));
}

TEST(CryptoPasswordHasher, HashesAndVerifiesOnThePool) {
  PasswordHasher hasher({.threads = 2, .queue_capacity = 16, .params = kFast});
  std::vector<std::future<std::string>> hashes;
  for (int i = 0; i < 6; ++i) hashes.push_back(hasher.Hash("pw-" + std::to_string(i)));
  for (int i = 0; i < 6; ++i) {
    std::string h = hashes[i].get();
    EXPECT_TRUE(hasher.Verify(h, "pw-" + std::to_string(i)).get());
    EXPECT_FALSE(hasher.Verify(h, "pw-x").get());
    EXPECT_FALSE(hasher.NeedsRehash(h));
  }
  EXPECT_FALSE(hasher.Verify("not a hash", "pw").get());
  EXPECT_FALSE(hasher.VerifyDummy("pw-0").get());
  EXPECT_FALSE(hasher.VerifyDummy("").get());
}

TEST(CryptoPasswordHasher, FullQueueFailsFastWithUnavailableAndRetryAfter) {
  // Production parameters, so the single worker stays busy (tens of ms per hash) while we keep submitting
  // (microseconds each): with 1 thread and 1 queue slot a refusal must come long before 50 submissions.
  PasswordHasher hasher({.threads = 1, .queue_capacity = 1, .retry_after = seconds(2)});
  std::vector<std::future<std::string>> accepted;
  std::optional<Error> refusal;
  for (int i = 0; i < 50 && !refusal; ++i) {
    try {
      accepted.push_back(hasher.Hash("pw"));
      EXPECT_LE(hasher.queued(), 1u) << "never more waiting than the capacity";
    } catch (const Error& e) {
      refusal = e;
    }
  }
  ASSERT_TRUE(refusal.has_value()) << "the queue never filled";
  EXPECT_EQ(refusal->code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refusal->info().status, 503);
  ASSERT_EQ(refusal->headers().size(), 1u);
  EXPECT_EQ(refusal->headers()[0].first, "Retry-After");
  EXPECT_EQ(refusal->headers()[0].second, "2");
  EXPECT_GE(accepted.size(), 1u);
  for (auto& f : accepted) EXPECT_TRUE(VerifyPassword(f.get(), "pw"));
}

TEST(CryptoPasswordHasher, DestructionFailsQueuedRequests) {
  std::vector<std::future<bool>> futures;
  std::string hash = HashPassword("pw", kFast);
  {
    PasswordHasher hasher({.threads = 1, .queue_capacity = 8});  // production: the first one keeps it busy
    futures.push_back(hasher.Verify(HashPassword("pw"), "pw"));
    for (int i = 0; i < 4; ++i) futures.push_back(hasher.Verify(hash, "pw"));
  }
  int shut_down = 0;
  for (auto& f : futures) {
    try {
      EXPECT_TRUE(f.get());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kShuttingDown);
      ++shut_down;
    }
  }
  EXPECT_GE(shut_down, 1);
}

// ---------------------------------------------------------------------------------------- jwt.hpp

constexpr std::string_view kIssuer = "https://auth.okada.test";
constexpr std::string_view kAudience = "okada-api";

VerifyOptions Options() {
  VerifyOptions o;
  o.issuer = kIssuer;
  o.audience = kAudience;
  o.leeway = seconds(30);
  return o;
}

std::int64_t Now() { return std::chrono::duration_cast<seconds>(system_clock::now().time_since_epoch()).count(); }

Claims SampleClaims() {
  Claims c;
  c.iss = kIssuer;
  c.aud = kAudience;
  c.sub = "0193aa00-0000-7000-8000-000000000001";
  c.role = "customer";
  c.SetLifetime(std::chrono::minutes(10));
  c.extra["lang"] = "fr";
  return c;
}

json::object SamplePayload() {
  return {{"iss", kIssuer}, {"aud", kAudience},   {"sub", "user-1"}, {"role", "admin"},
          {"iat", Now()},   {"exp", Now() + 600}, {"jti", "j1"}};
}

json::object Header(std::string_view kid, std::string_view alg = "ES256", std::string_view typ = "at+jwt") {
  return {{"alg", alg}, {"typ", typ}, {"kid", kid}};
}

std::string Encode(const json::object& o) { return Base64UrlEncode(json::serialize(o)); }

// header.payload.signature signed with `key` (ES256), whatever the header says.
std::string Forge(const json::object& header, const json::object& payload, const SigningKey& key) {
  std::string input = Encode(header) + "." + Encode(payload);
  return input + "." + Base64UrlEncode(key.SignEs256(input));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

std::vector<std::string> Split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

class CryptoJwt : public ::testing::Test {
 protected:
  CryptoJwt() : key_(SigningKey::Generate()), verifier_(Options()) { verifier_.AddKey(key_.public_key()); }
  SigningKey key_;
  JwtVerifier verifier_;
};

TEST_F(CryptoJwt, SignVerifyRoundTrip) {
  Claims c = SampleClaims();
  std::string token = JwtSigner(key_).Sign(c);
  std::vector<std::string> parts = Split(token);
  ASSERT_EQ(parts.size(), 3u);
  json::object header = json::parse(*Base64UrlDecode(parts[0])).as_object();
  EXPECT_EQ(json::serialize(header), R"({"alg":"ES256","typ":"at+jwt","kid":")" + key_.kid() + R"("})");
  EXPECT_EQ(Base64UrlDecode(parts[2])->size(), 64u) << "raw R||S, not DER";
  EXPECT_EQ(key_.kid().size(), 43u);
  EXPECT_EQ(key_.kid(), key_.public_key().Thumbprint());

  Claims v = verifier_.Verify(token);
  EXPECT_EQ(v.iss, c.iss);
  EXPECT_EQ(v.aud, c.aud);
  EXPECT_EQ(v.sub, c.sub);
  EXPECT_EQ(v.role, c.role);
  EXPECT_EQ(v.iat, c.iat);
  EXPECT_EQ(v.exp, c.exp);
  EXPECT_EQ(v.exp - v.iat, 600);
  EXPECT_EQ(v.jti.size(), 36u) << "Sign fills a UUIDv7 jti";
  EXPECT_EQ(v.extra.at("lang"), "fr");
  EXPECT_NE(JwtSigner(key_).Sign(c), token) << "fresh jti and ECDSA nonce";

  // An audience array containing ours, and exp inside the leeway, are accepted.
  json::object p = SamplePayload();
  p["aud"] = json::array{"other", kAudience};
  p["exp"] = Now() - 10;
  EXPECT_EQ(verifier_.Verify(Forge(Header(key_.kid()), p, key_)).sub, "user-1");
  // typ "application/at+jwt" is the same media type.
  EXPECT_EQ(verifier_.Verify(Forge(Header(key_.kid(), "ES256", "application/at+jwt"), SamplePayload(), key_)).sub,
            "user-1");
}

TEST_F(CryptoJwt, SignerRefusesIncompleteClaimsAndShadowing) {
  Claims c = SampleClaims();
  c.exp = 0;
  EXPECT_OUTCOME(JwtSigner(key_).Sign(c), "INTERNAL", "exp");
  c = SampleClaims();
  c.extra["sub"] = "admin";
  EXPECT_OUTCOME(JwtSigner(key_).Sign(c), "INTERNAL", "shadows");
}

TEST_F(CryptoJwt, RejectsAlgNone) {
  std::string body = Encode(Header(key_.kid(), "none")) + "." + Encode(SamplePayload());
  EXPECT_OUTCOME(verifier_.Verify(body + "."), "INVALID_TOKEN", "algorithm");
  EXPECT_OUTCOME(verifier_.Verify(body), "INVALID_TOKEN", "three");
  json::object no_alg = Header(key_.kid());
  no_alg.erase("alg");
  EXPECT_OUTCOME(verifier_.Verify(Forge(no_alg, SamplePayload(), key_)), "INVALID_TOKEN", "algorithm");
  for (std::string_view alg : {"None", "NONE"}) {
    EXPECT_OUTCOME(verifier_.Verify(Encode(Header(key_.kid(), alg)) + "." + Encode(SamplePayload()) + "."),
                   "INVALID_TOKEN", "algorithm");
  }
}

TEST_F(CryptoJwt, RejectsHs256SignedWithThePublicKey) {
  // The classic key-confusion attack: HMAC with the verifier's public key material as the secret.
  std::string input = Encode(Header(key_.kid(), "HS256")) + "." + Encode(SamplePayload());
  const PublicKey& pub = key_.public_key();
  std::string jwk = R"({"crv":"P-256","kty":"EC","x":")" + pub.x() + R"(","y":")" + pub.y() + R"("})";
  std::string jwks = Jwks::Render({pub});
  for (const std::string& secret : {pub.Pem(), jwk, jwks, *Base64UrlDecode(pub.x()) + *Base64UrlDecode(pub.y())}) {
    std::string token = input + "." + Base64UrlEncode(HmacSha256(secret, input));
    EXPECT_OUTCOME(verifier_.Verify(token), "INVALID_TOKEN", "algorithm");
  }
}

TEST_F(CryptoJwt, RejectsEveryOtherAlgorithm) {
  for (std::string_view alg : {"es256", "ES384", "ES512", "RS256", "PS256", "EdDSA", "HS512", ""}) {
    SCOPED_TRACE(alg);
    EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid(), alg), SamplePayload(), key_)), "INVALID_TOKEN",
                   "algorithm");
  }
  json::object numeric = Header(key_.kid());
  numeric["alg"] = 256;
  EXPECT_OUTCOME(verifier_.Verify(Forge(numeric, SamplePayload(), key_)), "INVALID_TOKEN", "algorithm");
  json::object crit = Header(key_.kid());
  crit["crit"] = json::array{"exp"};
  EXPECT_OUTCOME(verifier_.Verify(Forge(crit, SamplePayload(), key_)), "INVALID_TOKEN", "critical");
}

TEST_F(CryptoJwt, RejectsUnknownKidAndSignatureFromAnotherKeyWithTheSameKid) {
  SigningKey other = SigningKey::Generate();
  EXPECT_OUTCOME(verifier_.Verify(JwtSigner(other).Sign(SampleClaims())), "INVALID_TOKEN", "unknown kid");
  json::object no_kid = Header(key_.kid());
  no_kid.erase("kid");
  EXPECT_OUTCOME(verifier_.Verify(Forge(no_kid, SamplePayload(), key_)), "INVALID_TOKEN", "kid");
  // The attacker claims our kid but signs with his own key.
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), SamplePayload(), other)), "INVALID_TOKEN", "bad signature");
  // The header is signed too: swapping the kid of a genuine token breaks it.
  JwtVerifier both(Options());
  both.AddKey(key_.public_key());
  both.AddKey(other.public_key());
  std::vector<std::string> parts = Split(JwtSigner(key_).Sign(SampleClaims()));
  std::string swapped = Encode(Header(other.kid())) + "." + parts[1] + "." + parts[2];
  EXPECT_OUTCOME(both.Verify(swapped), "INVALID_TOKEN", "bad signature");
}

TEST_F(CryptoJwt, RejectsTamperedPayloadAndSignature) {
  std::string token = JwtSigner(key_).Sign(SampleClaims());
  std::vector<std::string> parts = Split(token);
  json::object payload = json::parse(*Base64UrlDecode(parts[1])).as_object();
  payload["role"] = "admin";
  EXPECT_OUTCOME(verifier_.Verify(parts[0] + "." + Encode(payload) + "." + parts[2]), "INVALID_TOKEN", "bad signature");
  // Flip one bit of the signature (its first character keeps the encoding valid).
  std::string sig = *Base64UrlDecode(parts[2]);
  sig[10] ^= 0x01;
  EXPECT_OUTCOME(verifier_.Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(sig)), "INVALID_TOKEN",
                 "bad signature");
  // R||S of zeros, a truncated signature, a DER signature.
  EXPECT_OUTCOME(verifier_.Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(std::string(64, '\0'))),
                 "INVALID_TOKEN", "bad signature");
  EXPECT_OUTCOME(verifier_.Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(sig.substr(0, 63))),
                 "INVALID_TOKEN", "malformed signature");
  EXPECT_OUTCOME(verifier_.Verify(parts[0] + "." + parts[1] + "." + Base64UrlEncode(std::string(72, '\x30'))),
                 "INVALID_TOKEN", "malformed signature");
  EXPECT_EQ(verifier_.Verify(token).role, "customer");
}

TEST_F(CryptoJwt, RejectsExpiredNotYetValidAndFutureIat) {
  json::object p = SamplePayload();
  p["exp"] = Now() - 31;
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "TOKEN_EXPIRED", "expired");
  // A huge leeway accepts it again: the leeway is configurable.
  VerifyOptions lax = Options();
  lax.leeway = seconds(120);
  JwtVerifier lax_verifier(lax);
  lax_verifier.AddKey(key_.public_key());
  EXPECT_EQ(lax_verifier.Verify(Forge(Header(key_.kid()), p, key_)).sub, "user-1");
  // `now` can be injected: a valid token is expired 11 minutes later.
  std::string fresh = JwtSigner(key_).Sign(SampleClaims());
  EXPECT_OUTCOME(verifier_.Verify(fresh, system_clock::now() + std::chrono::minutes(11)), "TOKEN_EXPIRED", "");

  p = SamplePayload();
  p["nbf"] = Now() + 300;
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "not yet valid");
  p["nbf"] = Now() + 10;  // within the leeway
  EXPECT_EQ(verifier_.Verify(Forge(Header(key_.kid()), p, key_)).nbf, Now() + 10);
  p = SamplePayload();
  p["iat"] = Now() + 300;
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "future");

  for (const char* claim : {"exp", "iat"}) {
    p = SamplePayload();
    SCOPED_TRACE(claim);
    p.erase(claim);
    EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "missing");
    p[claim] = "tomorrow";
    EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "not a number");
  }
  p = SamplePayload();
  p["exp"] = std::numeric_limits<std::int64_t>::max();  // no overflow anywhere
  EXPECT_EQ(verifier_.Verify(Forge(Header(key_.kid()), p, key_)).sub, "user-1");
  p["exp"] = std::numeric_limits<std::uint64_t>::max();
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "not a number");
}

TEST_F(CryptoJwt, RejectsWrongIssuerAudienceAndType) {
  json::object p = SamplePayload();
  p["iss"] = "https://evil.example";
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "issuer");
  p.erase("iss");
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "iss");
  p = SamplePayload();
  p["aud"] = "okada-admin";
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "audience");
  p["aud"] = json::array{"a", "b"};
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "audience");
  p.erase("aud");
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "aud");
  p = SamplePayload();
  p["sub"] = 42;
  EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid()), p, key_)), "INVALID_TOKEN", "sub");

  for (std::string_view typ : {"JWT", "id+jwt", "at+jwt2", ""}) {
    SCOPED_TRACE(typ);
    EXPECT_OUTCOME(verifier_.Verify(Forge(Header(key_.kid(), "ES256", typ), SamplePayload(), key_)), "INVALID_TOKEN",
                   "typ");
  }
  json::object no_typ = Header(key_.kid());
  no_typ.erase("typ");
  EXPECT_OUTCOME(verifier_.Verify(Forge(no_typ, SamplePayload(), key_)), "INVALID_TOKEN", "typ");
}

TEST_F(CryptoJwt, RejectsMalformedAndOversizeTokens) {
  std::string good = JwtSigner(key_).Sign(SampleClaims());
  std::vector<std::string> parts = Split(good);
  for (const std::string& bad :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), std::string(".."),
        std::string("!!!.###.$$$"), good + ".", parts[0] + "=." + parts[1] + "." + parts[2],
        Base64UrlEncode("not json") + "." + parts[1] + "." + parts[2],
        Base64UrlEncode("[1,2]") + "." + parts[1] + "." + parts[2],
        Base64UrlEncode(R"({"alg":"ES256")") + "." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + ".!!"}) {
    Outcome o = Try([&] { verifier_.Verify(bad); });
    EXPECT_EQ(o.code, "INVALID_TOKEN") << bad;
  }
  // A correctly signed payload that is not JSON is refused after the signature check.
  std::string input = Encode(Header(key_.kid())) + "." + Base64UrlEncode("{not json");
  EXPECT_OUTCOME(verifier_.Verify(input + "." + Base64UrlEncode(key_.SignEs256(input))), "INVALID_TOKEN",
                 "malformed payload");

  // Oversize: a genuine, correctly signed token over 8 KiB is refused before any parsing.
  Claims big = SampleClaims();
  big.extra["blob"] = std::string(8200, 'x');
  std::string huge = JwtSigner(key_).Sign(big);
  ASSERT_GT(huge.size(), 8192u);
  EXPECT_OUTCOME(verifier_.Verify(huge), "INVALID_TOKEN", "too large");
  EXPECT_OUTCOME(verifier_.Verify(std::string(100000, 'A')), "INVALID_TOKEN", "too large");
  Claims fits = SampleClaims();
  fits.extra["blob"] = std::string(4000, 'x');
  EXPECT_EQ(verifier_.Verify(JwtSigner(key_).Sign(fits)).extra.at("blob").size(), 4000u);
}

TEST_F(CryptoJwt, VerifyIsSafeFromManyThreads) {
  std::string token = JwtSigner(key_).Sign(SampleClaims());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) ok += verifier_.Verify(token).sub == SampleClaims().sub;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 100);
}

TEST(CryptoKeys, SigningKeyPemRoundTripWithMode0600) {
  TempDir dir;
  SigningKey key = SigningKey::Generate();
  fs::path path = dir.path() / "k.pem";
  key.SavePemFile(path);
  EXPECT_EQ(Mode(path), 0600u);
  SigningKey loaded = SigningKey::LoadPemFile(path);
  EXPECT_EQ(loaded.kid(), key.kid());
  EXPECT_TRUE(key.public_key().VerifyEs256("data", loaded.SignEs256("data")));
  EXPECT_FALSE(key.public_key().VerifyEs256("date", loaded.SignEs256("data")));
  EXPECT_EQ(PublicKey::FromPem(key.public_key().Pem()).kid(), key.kid());
  EXPECT_NE(key.PrivatePem().find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(key.public_key().Pem().find("PRIVATE"), std::string::npos);
  EXPECT_OUTCOME(SigningKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "INTERNAL",
                 "PEM");
  EXPECT_OUTCOME(SigningKey::LoadPemFile(dir.path() / "missing.pem"), "INTERNAL", "missing.pem");
}

TEST(CryptoKeys, VerifiesTheRfc7515AppendixA3Es256Example) {
  // Interoperability of the R||S <-> DER conversion with the JWS specification's own ES256 example.
  PublicKey key =
      PublicKey::FromJwk("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  std::string input =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
  std::string signature =
      *Base64UrlDecode("DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q");
  EXPECT_TRUE(key.VerifyEs256(input, signature));
  EXPECT_FALSE(key.VerifyEs256(input + "x", signature));
  EXPECT_EQ(key.kid(), key.Thumbprint());
  // The full token is still refused by a verifier: its header has no typ and no kid (and it expired in 2011).
  JwtVerifier v(Options());
  v.AddKey(key);
  EXPECT_OUTCOME(v.Verify(input + "." + Base64UrlEncode(signature)), "INVALID_TOKEN", "typ");
}

TEST(CryptoKeys, RefusesKeysOffCurveOrOnAnotherCurve) {
  SigningKey key = SigningKey::Generate();
  // Not on the curve: keep x, alter y.
  std::string y = *Base64UrlDecode(key.public_key().y());
  y[31] ^= 0x01;
  EXPECT_OUTCOME(PublicKey::FromJwk(key.public_key().x(), Base64UrlEncode(y)), "INTERNAL", "");
  EXPECT_OUTCOME(PublicKey::FromJwk(Base64UrlEncode(std::string(32, '\0')), Base64UrlEncode(std::string(32, '\0'))),
                 "INTERNAL", "");
  EXPECT_OUTCOME(PublicKey::FromJwk("short", key.public_key().y()), "INTERNAL", "32 bytes");
  // Keys on another curve (P-384) or of another type (Ed25519) are refused, as public and as private keys.
  for (const char* type_and_curve : {"P-384", "ED25519"}) {
    SCOPED_TRACE(type_and_curve);
    EVP_PKEY* other = std::string_view(type_and_curve) == "P-384" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")
                                                                  : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    ASSERT_NE(other, nullptr);
    auto pem_of = [other](bool private_key) {
      BIO* bio = BIO_new(BIO_s_mem());
      int ok = private_key ? PEM_write_bio_PrivateKey(bio, other, nullptr, nullptr, 0, nullptr, nullptr)
                           : PEM_write_bio_PUBKEY(bio, other);
      char* data = nullptr;
      long len = BIO_get_mem_data(bio, &data);
      std::string pem = ok == 1 && len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
      BIO_free(bio);
      return pem;
    };
    std::string pub_pem = pem_of(false), priv_pem = pem_of(true);
    ASSERT_FALSE(pub_pem.empty());
    ASSERT_FALSE(priv_pem.empty());
    EVP_PKEY_free(other);
    std::string want = std::string_view(type_and_curve) == "P-384" ? "P-256" : "not an EC key";
    EXPECT_OUTCOME(PublicKey::FromPem(pub_pem), "INTERNAL", want);
    EXPECT_OUTCOME(SigningKey::FromPem(priv_pem), "INTERNAL", want);
  }
  EXPECT_EQ(PublicKey::FromJwk(key.public_key().x(), key.public_key().y()).kid(), key.kid());
}

TEST(CryptoJwks, RenderParseRoundTripAndVerifyThroughParsedJwks) {
  SigningKey a = SigningKey::Generate(), b = SigningKey::Generate();
  std::string doc = Jwks::Render({a.public_key(), b.public_key()});
  json::object parsed = json::parse(doc).as_object();
  const json::array& keys = parsed.at("keys").as_array();
  ASSERT_EQ(keys.size(), 2u);
  const json::object& k0 = keys[0].as_object();
  EXPECT_EQ(k0.at("kty").as_string(), "EC");
  EXPECT_EQ(k0.at("crv").as_string(), "P-256");
  EXPECT_EQ(k0.at("use").as_string(), "sig");
  EXPECT_EQ(k0.at("alg").as_string(), "ES256");
  EXPECT_EQ(k0.at("kid").as_string(), a.kid());
  EXPECT_EQ(k0.at("x").as_string(), a.public_key().x());
  EXPECT_FALSE(k0.contains("d")) << "never the private part";

  std::vector<PublicKey> back = Jwks::Parse(doc);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].kid(), b.kid());
  EXPECT_EQ(back[1].y(), b.public_key().y());

  JwtVerifier v = JwtVerifier::FromJwks(doc, Options());
  EXPECT_EQ(v.kids().size(), 2u);
  EXPECT_EQ(v.Verify(JwtSigner(a).Sign(SampleClaims())).sub, SampleClaims().sub);
  EXPECT_EQ(v.Verify(JwtSigner(b).Sign(SampleClaims())).sub, SampleClaims().sub);
  EXPECT_OUTCOME(v.Verify(JwtSigner(SigningKey::Generate()).Sign(SampleClaims())), "INVALID_TOKEN", "unknown kid");
}

TEST(CryptoJwks, SkipsForeignKeysAndRefusesMalformedDocuments) {
  SigningKey a = SigningKey::Generate();
  json::object doc = json::parse(Jwks::Render({a.public_key()})).as_object();
  json::array& keys = doc["keys"].as_array();
  keys.push_back(json::object{{"kty", "RSA"}, {"kid", "r1"}, {"n", "AQAB"}, {"e", "AQAB"}});
  keys.push_back(json::object{{"kty", "EC"}, {"crv", "P-384"}, {"kid", "p384"}, {"x", "AA"}, {"y", "AA"}});
  keys.push_back(json::object{{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}});
  json::object enc = keys[0].as_object();
  enc["use"] = "enc";
  enc["kid"] = "enc-key";
  keys.push_back(enc);
  std::vector<PublicKey> parsed = Jwks::Parse(json::serialize(doc));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].kid(), a.kid());

  for (std::string_view bad :
       {"", "[]", "{}", R"({"keys":{}})", R"({"keys":[1]})", R"({"keys":[{"kty":"EC","crv":"P-256","x":"AA"}]})"}) {
    EXPECT_EQ(Try([&] { Jwks::Parse(bad); }).code, "INTERNAL") << bad;
  }
}

TEST(CryptoKeyStore, CreatesRotatesKeepsOldKeysAndPrunes) {
  TempDir dir;
  VerifyOptions opts = Options();
  auto store = KeyStore::LoadOrCreate(dir.path());
  std::string first = store->active_kid();
  fs::path jwt_dir = dir.path() / "jwt";
  EXPECT_EQ(Mode(jwt_dir), 0700u);
  EXPECT_EQ(Mode(jwt_dir / (first + ".pem")), 0600u);
  EXPECT_EQ(Mode(jwt_dir / "active"), 0600u);
  EXPECT_EQ(ReadSecretFile(jwt_dir / "active"), first + "\n");

  // A second load (restart) finds the same key.
  EXPECT_EQ(KeyStore::LoadOrCreate(dir.path())->active_kid(), first);

  std::string old_token = store->Signer().Sign(SampleClaims());
  std::string second = store->Rotate();
  EXPECT_NE(second, first);
  EXPECT_EQ(store->active_kid(), second);
  EXPECT_EQ(Mode(jwt_dir / (second + ".pem")), 0600u);
  std::string new_token = store->Signer().Sign(SampleClaims());
  json::object header = json::parse(*Base64UrlDecode(Split(new_token)[0])).as_object();
  EXPECT_EQ(header.at("kid").as_string(), second);

  // Both verify, through the store's verifier and through its JWKS (active key listed first).
  JwtVerifier v = store->Verifier(opts);
  EXPECT_NO_THROW(v.Verify(old_token));
  EXPECT_NO_THROW(v.Verify(new_token));
  JwtVerifier from_jwks = JwtVerifier::FromJwks(store->JwksJson(), opts);
  EXPECT_NO_THROW(from_jwks.Verify(old_token));
  EXPECT_EQ(store->PublicKeys().front().kid(), second);

  // After a restart: same active key, old key still there.
  auto reloaded = KeyStore::LoadOrCreate(dir.path());
  EXPECT_EQ(reloaded->active_kid(), second);
  EXPECT_EQ(reloaded->PublicKeys().size(), 2u);
  EXPECT_NO_THROW(reloaded->Verifier(opts).Verify(old_token));

  // Pruning: retired just now, so a 1-hour retention keeps it; an hour later it goes. Never the active key.
  EXPECT_EQ(store->Prune(std::chrono::hours(1)), 0u);
  EXPECT_EQ(store->Prune(std::chrono::hours(1), system_clock::now() + std::chrono::hours(2)), 1u);
  EXPECT_EQ(store->PublicKeys().size(), 1u);
  EXPECT_FALSE(fs::exists(jwt_dir / (first + ".pem")));
  EXPECT_OUTCOME(store->Verifier(opts).Verify(old_token), "INVALID_TOKEN", "unknown kid");
  EXPECT_NO_THROW(store->Verifier(opts).Verify(new_token));
  EXPECT_EQ(store->Prune(seconds(0)), 0u);
  EXPECT_EQ(KeyStore::LoadOrCreate(dir.path())->PublicKeys().size(), 1u);
}

TEST(CryptoKeyStore, RefusesInconsistentDirectories) {
  TempDir dir;
  auto store = KeyStore::LoadOrCreate(dir.path());
  WriteSecretFile(dir.path() / "jwt" / "active", "no-such-kid\n");
  EXPECT_OUTCOME(KeyStore::LoadOrCreate(dir.path()), "INTERNAL", "active");
  WriteSecretFile(dir.path() / "jwt" / "active", store->active_kid() + "\n");
  SigningKey::Generate().SavePemFile(dir.path() / "jwt" / "misnamed.pem");
  EXPECT_OUTCOME(KeyStore::LoadOrCreate(dir.path()), "INTERNAL", "kid");
}

// --------------------------------------------------------------------------------------- aead.hpp

Keyring TestKeyring() { return Keyring::FromKeys({{1, std::string(32, 'k')}}); }

TEST(CryptoAead, RoundTripAndRandomisedCiphertexts) {
  Keyring ring = TestKeyring();
  for (std::string_view plain : {std::string_view(""), std::string_view("+237 6 99 00 11 22"),
                                 std::string_view("Près du carrefour Obili, portail bleu")}) {
    std::string ct = ring.Encrypt(plain, "users.phone:42");
    EXPECT_EQ(ct.size(), plain.size() + Keyring::kOverheadBytes);
    EXPECT_EQ(ring.Decrypt(ct, "users.phone:42"), plain);
    EXPECT_NE(ring.Encrypt(plain, "users.phone:42"), ct) << "random nonces";
    std::string text = ring.EncryptToText(plain, "ad");
    EXPECT_TRUE(Base64UrlDecode(text).has_value());
    EXPECT_EQ(ring.DecryptText(text, "ad"), plain);
  }
}

TEST(CryptoAead, DetectsTamperingWrongAssociatedDataAndTruncation) {
  Keyring ring = TestKeyring();
  std::string ct = ring.Encrypt("+237699001122", "users.phone:42");
  for (std::size_t i = 0; i < ct.size(); ++i) {
    std::string bad = ct;
    bad[i] ^= 0x01;
    EXPECT_EQ(Try([&] { ring.Decrypt(bad, "users.phone:42"); }).code, "INTERNAL") << "byte " << i;
  }
  EXPECT_OUTCOME(ring.Decrypt(ct, "users.phone:43"), "INTERNAL", "authentication");
  EXPECT_OUTCOME(ring.Decrypt(ct, ""), "INTERNAL", "authentication");
  EXPECT_OUTCOME(ring.Decrypt(ct.substr(0, ct.size() - 1), "users.phone:42"), "INTERNAL", "authentication");
  EXPECT_OUTCOME(ring.Decrypt(ct.substr(0, 20), "users.phone:42"), "INTERNAL", "truncated");
  EXPECT_OUTCOME(ring.DecryptText("***", "users.phone:42"), "INTERNAL", "base64url");
  // Another keyring (different key, same version) cannot read it.
  Keyring other = Keyring::FromKeys({{1, std::string(32, 'o')}});
  EXPECT_OUTCOME(other.Decrypt(ct, "users.phone:42"), "INTERNAL", "authentication");
  EXPECT_OUTCOME(Keyring::FromKeys({{1, "short"}}), "INTERNAL", "32 bytes");
}

TEST(CryptoAead, RotationKeepsOldDataReadableAndFlagsReencryption) {
  TempDir dir;
  Keyring v1 = Keyring::LoadOrCreate(dir.path());
  EXPECT_EQ(v1.active_version(), 1);
  EXPECT_EQ(Mode(dir.path() / "keys"), 0700u);
  EXPECT_EQ(Mode(dir.path() / "keys" / "aead-1.key"), 0600u);
  std::string old_ct = v1.Encrypt("Mballa II, derrière l'école", "addr:7");
  std::string old_text = v1.EncryptToText("Mballa II", "addr:8");
  EXPECT_FALSE(v1.NeedsReencryption(old_ct));
  EXPECT_FALSE(v1.NeedsReencryption(old_text));
  // A restart reads the same key.
  EXPECT_EQ(Keyring::LoadOrCreate(dir.path()).Decrypt(old_ct, "addr:7"), "Mballa II, derrière l'école");

  Keyring v2 = Keyring::Rotate(dir.path());
  EXPECT_EQ(v2.active_version(), 2);
  EXPECT_EQ(v2.size(), 2u);
  EXPECT_EQ(Mode(dir.path() / "keys" / "aead-2.key"), 0600u);
  EXPECT_EQ(v2.Decrypt(old_ct, "addr:7"), "Mballa II, derrière l'école");
  EXPECT_EQ(v2.DecryptText(old_text, "addr:8"), "Mballa II");
  EXPECT_TRUE(v2.NeedsReencryption(old_ct));
  EXPECT_TRUE(v2.NeedsReencryption(old_text));
  std::string new_ct = v2.Encrypt("Mballa II, derrière l'école", "addr:7");
  EXPECT_EQ(static_cast<unsigned char>(new_ct[1]), 2);
  EXPECT_FALSE(v2.NeedsReencryption(new_ct));
  EXPECT_FALSE(v2.NeedsReencryption(v2.EncryptToText("x", "y")));
  EXPECT_TRUE(v2.NeedsReencryption("garbage"));
  // The old keyring does not know key 2.
  EXPECT_OUTCOME(v1.Decrypt(new_ct, "addr:7"), "INTERNAL", "unknown key version");
  // Relabelling old data as version 2 fails authentication (the header is authenticated).
  std::string relabelled = old_ct;
  relabelled[1] = 2;
  EXPECT_OUTCOME(v2.Decrypt(relabelled, "addr:7"), "INTERNAL", "authentication");
}

TEST(CryptoBlindIndex, StablePerKeyAndPurposeAndPersisted) {
  BlindIndex a(std::string(32, 'a')), b(std::string(32, 'b'));
  std::string ia = a.Compute("+237699001122", "phone");
  EXPECT_EQ(ia.size(), 43u);
  EXPECT_EQ(a.Compute("+237699001122", "phone"), ia);
  EXPECT_NE(a.Compute("+237699001123", "phone"), ia);
  EXPECT_NE(b.Compute("+237699001122", "phone"), ia) << "different key, different index";
  EXPECT_NE(a.Compute("+237699001122", "email"), ia) << "different purpose, different index";
  EXPECT_NE(a.Compute("b", "a"), a.Compute("", "ab")) << "purpose is length-prefixed";
  EXPECT_OUTCOME(BlindIndex("short"), "INTERNAL", "32 bytes");

  TempDir dir;
  BlindIndex stored = BlindIndex::LoadOrCreate(dir.path());
  fs::path key_file = dir.path() / "keys" / "blind-index.key";
  EXPECT_EQ(Mode(key_file), 0600u);
  std::string idx = stored.Compute("+237699001122", "phone");
  EXPECT_EQ(BlindIndex::LoadOrCreate(dir.path()).Compute("+237699001122", "phone"), idx);
  // Its key is separate from the AEAD keys.
  Keyring ring = Keyring::LoadOrCreate(dir.path());
  EXPECT_NE(ReadSecretFile(key_file), ReadSecretFile(dir.path() / "keys" / "aead-1.key"));
}

}  // namespace
}  // namespace okada::crypto
