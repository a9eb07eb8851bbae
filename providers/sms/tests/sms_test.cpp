// SMS length accounting (sms::Measure): GSM-7 default alphabet and extension table versus UCS-2, part counts at
// the single/concatenated boundaries, and malformed UTF-8.

#include <gtest/gtest.h>

#include <string>

#include "okada/providers/sms.hpp"

namespace okada::sms {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(SmsMeasure, PlainAsciiIsOneGsmPart) {
  Encoding e = Measure("Votre code Okada est 123456. Ne le partagez avec personne.");
  EXPECT_TRUE(e.gsm7);
  EXPECT_EQ(e.parts, 1);
}

TEST(SmsMeasure, EmptyTextIsOnePart) {
  Encoding e = Measure("");
  EXPECT_TRUE(e.gsm7);
  EXPECT_EQ(e.parts, 1);
}

TEST(SmsMeasure, FrenchAccentsOfTheGsmAlphabetStayGsm7) {
  // é è à ù ì ò and capital Ç are in the GSM 03.38 default alphabet.
  Encoding e = Measure("Votre commande est livrée à Bépanda, où le livreur arrivé. ÇA VA, Ça marche. Préparez è ì ò");
  EXPECT_TRUE(e.gsm7);
  EXPECT_EQ(e.parts, 1);
  EXPECT_TRUE(Measure("ØøÅåÄäÖöÑñÜüÉßÆæ¤¡¿§£¥ΔΦΓΛΩΠΨΣΘΞ@$_").gsm7);
}

TEST(SmsMeasure, FrenchCharactersOutsideGsm7SwitchToUcs2) {
  for (const char* c : {"ê", "â", "î", "ô", "û", "ë", "ç", "ï", "œ"}) {
    Encoding e = Measure(std::string("Votre code: 1234 ") + c);
    EXPECT_FALSE(e.gsm7) << c;
    EXPECT_EQ(e.parts, 1) << c;
  }
  // A whole French sentence with ê and ç.
  Encoding e = Measure("Votre reçu est prêt : merci d'avoir commandé chez Okada.");
  EXPECT_FALSE(e.gsm7);
  EXPECT_EQ(e.parts, 1);
}

TEST(SmsMeasure, BacktickAndTabAreNotGsm7) {
  EXPECT_FALSE(Measure("a`b").gsm7);
  EXPECT_FALSE(Measure("a\tb").gsm7);
  EXPECT_TRUE(Measure("a\nb\rc").gsm7);
}

TEST(SmsMeasure, Gsm7PartBoundaries) {
  EXPECT_EQ(Measure(std::string(160, 'a')).parts, 1);
  EXPECT_EQ(Measure(std::string(161, 'a')).parts, 2);
  EXPECT_EQ(Measure(std::string(306, 'a')).parts, 2);  // 2 × 153
  EXPECT_EQ(Measure(std::string(307, 'a')).parts, 3);
  EXPECT_EQ(Measure(std::string(459, 'a')).parts, 3);
  EXPECT_EQ(Measure(std::string(460, 'a')).parts, 4);
  // Accented GSM letters count one septet each although they take two UTF-8 bytes.
  EXPECT_EQ(Measure(Repeat("é", 160)).parts, 1);
  EXPECT_EQ(Measure(Repeat("é", 161)).parts, 2);
}

TEST(SmsMeasure, ExtensionCharactersCountTwoSeptets) {
  for (const char* c : {"€", "{", "}", "[", "]", "~", "|", "^", "\\"}) {
    // 158 + 2 = 160 septets: still one part; 159 + 2 = 161: two.
    Encoding fits = Measure(std::string(158, 'a') + c);
    EXPECT_TRUE(fits.gsm7) << c;
    EXPECT_EQ(fits.parts, 1) << c;
    Encoding over = Measure(std::string(159, 'a') + c);
    EXPECT_TRUE(over.gsm7) << c;
    EXPECT_EQ(over.parts, 2) << c;
  }
  EXPECT_EQ(Measure(Repeat("€", 80)).parts, 1);
  EXPECT_EQ(Measure(Repeat("€", 81)).parts, 2);
}

TEST(SmsMeasure, Ucs2PartBoundaries) {
  std::string base = "ê";                                     // one UTF-16 unit, forces UCS-2
  EXPECT_EQ(Measure(base + std::string(69, 'a')).parts, 1);   // 70 units
  EXPECT_EQ(Measure(base + std::string(70, 'a')).parts, 2);   // 71 units
  EXPECT_EQ(Measure(base + std::string(133, 'a')).parts, 2);  // 134 = 2 × 67
  EXPECT_EQ(Measure(base + std::string(134, 'a')).parts, 3);  // 135
  // In UCS-2, GSM extension characters are one unit like any other.
  EXPECT_EQ(Measure(base + Repeat("€", 69)).parts, 1);
}

TEST(SmsMeasure, CharactersOutsideTheBmpCountTwoUtf16Units) {
  std::string emoji = "\xF0\x9F\x9B\xB5";  // U+1F6F5 motor scooter
  EXPECT_FALSE(Measure(emoji).gsm7);
  EXPECT_EQ(Measure(Repeat(emoji, 35)).parts, 1);  // 70 units
  EXPECT_EQ(Measure(Repeat(emoji, 36)).parts, 2);  // 72 units
}

TEST(SmsMeasure, InvalidUtf8IsUcs2AndNeverCrashes) {
  for (std::string bad : {std::string("abc\xFF"), std::string("\xC3"), std::string("caf\xC3"), std::string("\xE2\x82"),
                          std::string("\xC0\xAF"),          // overlong '/'
                          std::string("\xED\xA0\x80"),      // UTF-16 surrogate
                          std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
                          std::string("\x80\x80\x80")}) {
    Encoding e = Measure(bad);
    EXPECT_FALSE(e.gsm7) << bad.size();
    EXPECT_EQ(e.parts, 1) << bad.size();
  }
  EXPECT_FALSE(Measure(std::string("ok\0zero", 7)).gsm7);  // NUL is not a GSM-7 character either
  // Each bad byte counts as one unit.
  EXPECT_EQ(Measure(std::string(70, '\xFF')).parts, 1);
  EXPECT_EQ(Measure(std::string(71, '\xFF')).parts, 2);
}

}  // namespace
}  // namespace okada::sms
