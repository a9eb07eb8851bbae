// The auth service's rules without I/O: password policy, SMS codes and texts.
#include <gtest/gtest.h>

#include <set>

#include "domain/policy.hpp"
#include "okada/providers/sms.hpp"

namespace okada::auth {
namespace {

TEST(PasswordPolicy, LengthAndObviousChoices) {
  EXPECT_EQ(CheckPassword("short", "+237677123456"), "TOO_SHORT");
  EXPECT_EQ(CheckPassword(std::string(129, 'a') + "b", "+237677123456"), "TOO_LONG");
  EXPECT_EQ(CheckPassword("aaaaaaaaaa", "+237677123456"), "TOO_WEAK");
  EXPECT_EQ(CheckPassword("677123456", "+237677123456"), "TOO_WEAK") << "the local number";
  EXPECT_EQ(CheckPassword("237677123456", "+237677123456"), "TOO_WEAK") << "the full number";
  EXPECT_EQ(CheckPassword("mot de passe sûr", "+237677123456"), "");
  EXPECT_EQ(CheckPassword("ééééééé", "+237677123456"), "TOO_SHORT") << "counted in characters, not bytes";
}

TEST(OtpCodes, SixDigitsAndVaried) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string c = NewOtpCode();
    ASSERT_EQ(c.size(), 6u);
    for (char ch : c) ASSERT_TRUE(ch >= '0' && ch <= '9') << c;
    seen.insert(c);
  }
  EXPECT_GT(seen.size(), 190u) << "200 draws from a million codes barely repeat";
}

TEST(OtpTexts, EveryTextIsOneGsm7PartAndCarriesTheCode) {
  for (auto purpose : {OtpPurpose::kSignin, OtpPurpose::kVerifyPhone, OtpPurpose::kResetPassword}) {
    for (const char* lang : {"fr", "en"}) {
      std::string text = OtpText(purpose, "123456", lang);
      auto m = sms::Measure(text);
      EXPECT_TRUE(m.gsm7) << text;
      EXPECT_EQ(m.parts, 1) << text;
      EXPECT_NE(text.find("123456"), std::string::npos) << text;
    }
  }
  EXPECT_NE(OtpText(OtpPurpose::kSignin, "1", "fr"), OtpText(OtpPurpose::kSignin, "1", "en"));
  EXPECT_EQ(OtpText(OtpPurpose::kSignin, "1", "de"), OtpText(OtpPurpose::kSignin, "1", "fr")) << "French by default";
}

TEST(OtpPurposes, RoundTrip) {
  for (auto p : {OtpPurpose::kSignin, OtpPurpose::kVerifyPhone, OtpPurpose::kResetPassword})
    EXPECT_EQ(ParseOtpPurpose(ToString(p)), p);
  EXPECT_FALSE(ParseOtpPurpose("admin"));
}

}  // namespace
}  // namespace okada::auth
