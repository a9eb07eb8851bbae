// Web Push without the network: RFC 8291 encryption against the RFC's own example (Appendix A / §5), round
// trips, forged and malformed bodies, subscription validation, endpoint origins, and VAPID headers (RFC 8292).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "okada/core/errors.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::webpush {
namespace {

namespace json = boost::json;

// RFC 8291 Appendix A (the example of §5), every value base64url as printed in the RFC.
constexpr const char* kRfcPlaintext = "When I grow up, I want to be a watermelon";
constexpr const char* kRfcAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr const char* kRfcAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr const char* kRfcUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr const char* kRfcUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr const char* kRfcAuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr const char* kRfcSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr const char* kRfcBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_"
    "yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

std::string B(const char* b64) {
  std::optional<std::string> raw = Base64UrlDecode(b64);
  EXPECT_TRUE(raw.has_value()) << b64;
  return raw.value_or(std::string());
}

// A subscription as a browser would hand it over, with the keys kept for decryption.
struct Browser {
  KeyPair keys = GenerateKeyPair();
  std::string auth = crypto::RandomBytes(kAuthSecretBytes);
  Subscription sub() const {
    return {"https://push.example.net/wpush/v2/abc", Base64UrlEncode(keys.public_key), Base64UrlEncode(auth)};
  }
  std::string Open(std::string_view body) const { return Decrypt(body, keys.private_key, keys.public_key, auth); }
};

template <typename F>
ErrorCode CodeOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no okada::Error thrown";
  return ErrorCode::kInternal;
}

// --- RFC 8291 ---

TEST(WebPushEncryption, Rfc8291AppendixAVector) {
  std::string body =
      EncryptWith(kRfcPlaintext, B(kRfcUaPublic), B(kRfcAuthSecret), B(kRfcAsPrivate), B(kRfcSalt), 4096);
  EXPECT_EQ(Base64UrlEncode(body), kRfcBody);
  ASSERT_EQ(body.size(), kHeaderBytes + std::string_view(kRfcPlaintext).size() + 1 + kTagBytes);
  // The header: salt, rs = 4096, idlen = 65, keyid = the application server's public key.
  EXPECT_EQ(body.substr(0, 16), B(kRfcSalt));
  EXPECT_EQ(body.substr(16, 4), std::string("\x00\x00\x10\x00", 4));
  EXPECT_EQ(static_cast<unsigned char>(body[20]), 65);
  EXPECT_EQ(body.substr(21, 65), B(kRfcAsPublic));
}

TEST(WebPushEncryption, Rfc8291VectorDecrypts) {
  EXPECT_EQ(Decrypt(B(kRfcBody), B(kRfcUaPrivate), B(kRfcUaPublic), B(kRfcAuthSecret)), kRfcPlaintext);
}

TEST(WebPushEncryption, RoundTripWithRandomKeys) {
  Browser browser;
  for (std::string text : {std::string(), std::string("a"), std::string("Votre commande arrive à Bépanda 🛵"),
                           std::string(kMaxPlaintextBytes, 'x')}) {
    std::string body = Encrypt(text, browser.sub());
    EXPECT_EQ(body.size(), kHeaderBytes + text.size() + 1 + kTagBytes);
    EXPECT_EQ(browser.Open(body), text);
  }
  // The largest payload makes exactly a 4096-byte body, what every push service must accept.
  EXPECT_EQ(Encrypt(std::string(kMaxPlaintextBytes, 'x'), browser.sub()).size(), 4096u);
  // Fresh salt and ephemeral key each time.
  std::string a = Encrypt("same", browser.sub()), b = Encrypt("same", browser.sub());
  EXPECT_NE(a.substr(0, 16), b.substr(0, 16));
  EXPECT_NE(a.substr(21, 65), b.substr(21, 65));
  EXPECT_NE(a, b);
}

TEST(WebPushEncryption, EveryAuthenticatedByteIsChecked) {
  Browser browser;
  std::string body = Encrypt("Commande livrée", browser.sub());
  for (std::size_t i = 0; i < body.size(); ++i) {
    // rs (bytes 16-19) is not authenticated in RFC 8188; it only bounds the record size, tested below.
    if (i >= 16 && i < 20) continue;
    std::string forged = body;
    forged[i] = static_cast<char>(forged[i] ^ 0x01);
    EXPECT_EQ(CodeOf([&] { browser.Open(forged); }), ErrorCode::kBadRequest) << "byte " << i;
  }
  // An rs smaller than the record means several records, which Web Push does not allow.
  std::string small_rs = body;
  small_rs[18] = 0;
  small_rs[19] = 20;
  EXPECT_EQ(CodeOf([&] { browser.Open(small_rs); }), ErrorCode::kBadRequest);
}

TEST(WebPushEncryption, WrongKeysFailToDecrypt) {
  Browser browser, other;
  std::string body = Encrypt("secret", browser.sub());
  EXPECT_EQ(CodeOf([&] { Decrypt(body, browser.keys.private_key, browser.keys.public_key, other.auth); }),
            ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { other.Open(body); }), ErrorCode::kBadRequest);
  // A public key that does not belong to the private key is refused before trying.
  EXPECT_EQ(CodeOf([&] { Decrypt(body, browser.keys.private_key, other.keys.public_key, browser.auth); }),
            ErrorCode::kPushSubscriptionInvalid);
}

TEST(WebPushEncryption, MalformedBodiesAreRefused) {
  Browser browser;
  std::string body = Encrypt("hello", browser.sub());
  for (std::size_t n : {0, 1, 20, 21, 85, 86, 86 + 16, 86 + 16}) {
    EXPECT_EQ(CodeOf([&] { browser.Open(body.substr(0, n)); }), ErrorCode::kBadRequest) << n;
  }
  EXPECT_EQ(CodeOf([&] { browser.Open(body.substr(0, body.size() - 1)); }), ErrorCode::kBadRequest);
  EXPECT_EQ(CodeOf([&] { browser.Open(body + "x"); }), ErrorCode::kBadRequest);
  std::string idlen = body;
  idlen[20] = 64;
  EXPECT_EQ(CodeOf([&] { browser.Open(idlen); }), ErrorCode::kBadRequest);
  std::string tiny_rs = body;
  tiny_rs[16] = tiny_rs[17] = tiny_rs[18] = 0;
  tiny_rs[19] = 17;
  EXPECT_EQ(CodeOf([&] { browser.Open(tiny_rs); }), ErrorCode::kBadRequest);
}

TEST(WebPushEncryption, OversizePlaintextIsRejected) {
  Browser browser;
  EXPECT_EQ(CodeOf([&] { Encrypt(std::string(kMaxPlaintextBytes + 1, 'x'), browser.sub()); }),
            ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(kMaxPlaintextBytes, 3993u);
  // A record size too small for the plaintext is refused too (one record only).
  EXPECT_EQ(CodeOf([&] {
              EncryptWith(std::string(100, 'x'), browser.keys.public_key, browser.auth, GenerateKeyPair().private_key,
                          std::string(16, 's'), 116);
            }),
            ErrorCode::kPayloadTooLarge);
  EXPECT_NO_THROW(EncryptWith(std::string(100, 'x'), browser.keys.public_key, browser.auth,
                              GenerateKeyPair().private_key, std::string(16, 's'), 117));
}

TEST(WebPushEncryption, BadSubscriptionsAreRejected) {
  Browser browser;
  Subscription good = browser.sub();
  std::string point = browser.keys.public_key;
  std::string off_curve = point;
  off_curve[64] = static_cast<char>(off_curve[64] ^ 0x01);
  struct Case {
    std::string p256dh, auth;
    const char* why;
  };
  std::vector<Case> cases = {
      {"not base64url!", good.auth, "p256dh not base64url"},
      {good.p256dh + "+", good.auth, "p256dh with a base64 (not url) character"},
      {Base64UrlEncode(point.substr(0, 64)), good.auth, "p256dh of 64 bytes"},
      {Base64UrlEncode(point.substr(0, 33)), good.auth, "p256dh compressed-length"},
      {Base64UrlEncode(off_curve), good.auth, "p256dh off the curve"},
      {Base64UrlEncode("\x05" + point.substr(1)), good.auth, "p256dh without 0x04"},
      {Base64UrlEncode(std::string(1, '\x04') + std::string(64, '\0')), good.auth, "p256dh all zero"},
      {"", good.auth, "empty p256dh"},
      {good.p256dh, "BTBZMqHH6r4Tts7J_aSI", "auth of 15 bytes"},
      {good.p256dh, Base64UrlEncode(std::string(32, 'a')), "auth of 32 bytes"},
      {good.p256dh, "BTBZMqHH6r4Tts7J/aSIgg", "auth with '/'"},
      {good.p256dh, "", "empty auth"},
  };
  for (const Case& c : cases) {
    Subscription sub{good.endpoint, c.p256dh, c.auth};
    try {
      Encrypt("hi", sub);
      ADD_FAILURE() << c.why << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kPushSubscriptionInvalid) << c.why;
      EXPECT_FALSE(e.detail().empty()) << c.why;
    }
  }
  // Padding, as some libraries render keys, is tolerated.
  Subscription padded{good.endpoint, good.p256dh + "=", good.auth + "=="};
  EXPECT_EQ(browser.Open(Encrypt("padded", padded)), "padded");
}

TEST(WebPushEncryption, GeneratedKeyPairsHaveWebPushShapes) {
  KeyPair a = GenerateKeyPair(), b = GenerateKeyPair();
  EXPECT_EQ(a.private_key.size(), 32u);
  ASSERT_EQ(a.public_key.size(), 65u);
  EXPECT_EQ(a.public_key[0], '\x04');
  EXPECT_NE(a.private_key, b.private_key);
}

// --- endpoints ---

TEST(WebPushAudience, IsTheEndpointsOrigin) {
  EXPECT_EQ(Audience("https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b"), "https://fcm.googleapis.com");
  EXPECT_EQ(Audience("https://updates.push.services.mozilla.com/wpush/v2/gAAAAA?x=1"),
            "https://updates.push.services.mozilla.com");
  EXPECT_EQ(Audience("HTTPS://Web.Push.Apple.com:443/QO2P"), "https://web.push.apple.com");
  EXPECT_EQ(Audience("https://push.example:8443/a"), "https://push.example:8443");
  EXPECT_EQ(Audience("http://127.0.0.1:58090/push/abc"), "http://127.0.0.1:58090");
  EXPECT_EQ(Audience("http://push.example:80/x"), "http://push.example");
  EXPECT_EQ(Audience("http://[::1]:8090/push/x"), "http://[::1]:8090");
  for (const char* bad : {"", "push.example/x", "/push/x", "ftp://push.example/x", "mailto:a@b.c", "https:///x",
                          "https://user:pw@push.example/x", "https://push.example:0/x", "http://exa mple/x"}) {
    try {
      Audience(bad);
      ADD_FAILURE() << bad << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kPushSubscriptionInvalid) << bad;
      if (std::string_view(bad).size() > 3) {
        EXPECT_EQ(e.detail().find(bad), std::string::npos) << e.detail();
      }
    }
  }
}

// --- VAPID ---

constexpr const char* kAud = "https://push.example.net";
constexpr const char* kSub = "mailto:ops@okada.cm";
constexpr std::int64_t kNow = 1767268800;  // 2026-01-01T12:00:00Z

std::string Segment(const std::string& header, int n) {
  std::string token = header.substr(8, header.find(',') - 8);
  std::size_t start = 0;
  for (int i = 0; i < n; ++i) start = token.find('.', start) + 1;
  return token.substr(start, token.find('.', start) - start);
}

TEST(WebPushVapid, HeaderHasTheRfc8292Shape) {
  VapidKey key = VapidKey::Generate();
  std::string h = VapidAuthorization(key, kAud, kSub, kNow + 3600);
  ASSERT_EQ(h.rfind("vapid t=", 0), 0u) << h;
  EXPECT_NE(h.find(", k=" + key.PublicKeyB64()), std::string::npos) << h;
  EXPECT_EQ(json::parse(*Base64UrlDecode(Segment(h, 0))), json::parse(R"({"typ":"JWT","alg":"ES256"})"));
  json::object claims = json::parse(*Base64UrlDecode(Segment(h, 1))).as_object();
  EXPECT_EQ(claims["aud"].as_string(), kAud);
  EXPECT_EQ(claims["exp"].as_int64(), kNow + 3600);
  EXPECT_EQ(claims["sub"].as_string(), kSub);
  EXPECT_EQ(Base64UrlDecode(Segment(h, 2))->size(), 64u);  // raw R||S
  std::optional<std::string> k = Base64UrlDecode(key.PublicKeyB64());
  ASSERT_TRUE(k);
  EXPECT_EQ(k->size(), 65u);
  EXPECT_EQ((*k)[0], '\x04');
  EXPECT_EQ(*k, key.public_key());
}

TEST(WebPushVapid, VerifiesAndRefusesWhatItShould) {
  VapidKey key = VapidKey::Generate();
  std::string h = VapidAuthorization(key, kAud, kSub, kNow + 12 * 3600);
  std::string why;
  EXPECT_TRUE(VerifyVapid(h, kAud, kNow, &why)) << why;
  EXPECT_TRUE(VerifyVapid(h, kAud, kNow));

  EXPECT_FALSE(VerifyVapid(h, "https://other.example.net", kNow, &why));
  EXPECT_EQ(why, "aud is not this push service");
  EXPECT_FALSE(VerifyVapid(h, kAud, kNow + 12 * 3600, &why));
  EXPECT_EQ(why, "token expired");
  EXPECT_FALSE(VerifyVapid(VapidAuthorization(key, kAud, kSub, kNow + 24 * 3600 + 1), kAud, kNow, &why));
  EXPECT_EQ(why, "exp more than 24 hours ahead");
  EXPECT_TRUE(VerifyVapid(VapidAuthorization(key, kAud, kSub, kNow + 24 * 3600), kAud, kNow, &why)) << why;

  // Tampered signature: flip one character of the signature segment.
  std::string token_end = h.substr(0, h.find(','));
  std::string tampered = h;
  std::size_t at = token_end.size() - 5;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyVapid(tampered, kAud, kNow, &why));
  EXPECT_EQ(why, "bad signature");

  // Tampered claims (a later exp) with the original signature.
  json::object claims = json::parse(*Base64UrlDecode(Segment(h, 1))).as_object();
  claims["exp"] = kNow + 20 * 3600;
  std::string forged_claims = Base64UrlEncode(json::serialize(claims));
  std::string forged = h;
  forged.replace(forged.find(Segment(h, 1)), Segment(h, 1).size(), forged_claims);
  EXPECT_FALSE(VerifyVapid(forged, kAud, kNow, &why));
  EXPECT_EQ(why, "bad signature");

  // Signed by one key, presented with another.
  VapidKey other = VapidKey::Generate();
  std::string swapped = h.substr(0, h.find(", k=")) + ", k=" + other.PublicKeyB64();
  EXPECT_FALSE(VerifyVapid(swapped, kAud, kNow, &why));
  EXPECT_EQ(why, "bad signature");

  std::vector<std::string> bads = {"",
                                   "Bearer x",
                                   h.substr(0, h.find(',')),
                                   "vapid k=" + key.PublicKeyB64(),
                                   "WebPush " + h.substr(6),
                                   "vapid t=a.b.c, k=AAAA"};
  for (const std::string& bad : bads) {
    EXPECT_FALSE(VerifyVapid(bad, kAud, kNow, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
  // The scheme is case-insensitive and the parameters may come in any order.
  std::string t = h.substr(6, h.find(',') - 6);
  EXPECT_TRUE(VerifyVapid("VAPID k=" + key.PublicKeyB64() + ", " + t, kAud, kNow, &why)) << why;
}

TEST(WebPushVapid, RefusesBadConfiguration) {
  VapidKey key = VapidKey::Generate();
  EXPECT_EQ(CodeOf([&] { VapidAuthorization(key, kAud, "ops@okada.cm", kNow); }), ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { VapidAuthorization(key, "https://push.example.net/path", kSub, kNow); }),
            ErrorCode::kInternal);
  EXPECT_EQ(CodeOf([&] { VapidAuthorization(VapidKey(), kAud, kSub, kNow); }), ErrorCode::kInternal);
  EXPECT_NO_THROW(VapidAuthorization(key, kAud, "https://okada.cm/contact", kNow));
}

TEST(WebPushVapid, LoadOrCreateKeepsOneKeyInA0600File) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("okada-vapid-" + crypto::RandomToken(8));
  std::filesystem::path file = dir / "keys" / "vapid.pem";
  VapidKey created = VapidKey::LoadOrCreate(file);
  ASSERT_TRUE(std::filesystem::exists(file));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(static_cast<int>(st.st_mode & 0777), 0600);
  VapidKey loaded = VapidKey::LoadOrCreate(file);
  EXPECT_EQ(loaded.PublicKeyB64(), created.PublicKeyB64());
  EXPECT_EQ(VapidKey::FromPem(created.PrivatePem()).PublicKeyB64(), created.PublicKeyB64());
  // A header signed by the loaded key verifies under the created key's k.
  std::string h = VapidAuthorization(loaded, kAud, kSub, kNow + 60);
  EXPECT_NE(h.find("k=" + created.PublicKeyB64()), std::string::npos);
  EXPECT_TRUE(VerifyVapid(h, kAud, kNow));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace okada::webpush
