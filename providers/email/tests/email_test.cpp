// The message format without the network: quoted-printable (soft breaks, '=', non-ASCII, trailing whitespace),
// RFC 2047 header words (round trips with French text, folding, Q and Latin-1 words from other mailers),
// dot-stuffing, address checks and header-injection refusal, and the composed message.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "okada/core/errors.hpp"
#include "okada/providers/email.hpp"

namespace okada::email {
namespace {

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t nl = s.find("\r\n", i);
    if (nl == std::string::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, nl - i));
    i = nl + 2;
  }
  return out;
}

bool AllAscii(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) > 0x7E) return false;
  return true;
}

// --- quoted-printable ---

TEST(EmailQuotedPrintable, PlainAsciiPassesThrough) {
  EXPECT_EQ(QuotedPrintableEncode("Bonjour Awa, votre colis arrive."), "Bonjour Awa, votre colis arrive.");
  EXPECT_EQ(QuotedPrintableEncode(""), "");
}

TEST(EmailQuotedPrintable, EqualsSignAndNonAsciiAreEscaped) {
  EXPECT_EQ(QuotedPrintableEncode("a=b"), "a=3Db");
  EXPECT_EQ(QuotedPrintableEncode("livrée"), "livr=C3=A9e");
  EXPECT_EQ(QuotedPrintableEncode("✓"), "=E2=9C=93");
  EXPECT_EQ(QuotedPrintableDecode("livr=C3=A9e a=3Db"), "livrée a=b");
  EXPECT_EQ(QuotedPrintableDecode("livr=c3=a9e"), "livrée");  // lower-case hex from lenient encoders
}

TEST(EmailQuotedPrintable, TrailingSpacesAndTabsAreEncodedInnerOnesAreNot) {
  EXPECT_EQ(QuotedPrintableEncode("fin  "), "fin =20");
  EXPECT_EQ(QuotedPrintableEncode("fin\t"), "fin=09");
  EXPECT_EQ(QuotedPrintableEncode("a b\tc"), "a b\tc");
  EXPECT_EQ(QuotedPrintableEncode("ligne \nsuite"), "ligne=20\r\nsuite");
  EXPECT_EQ(QuotedPrintableDecode("fin =20"), "fin  ");
  // Whitespace a transport added at a line end is not text.
  EXPECT_EQ(QuotedPrintableDecode("texte   \r\nsuite\t"), "texte\r\nsuite");
}

TEST(EmailQuotedPrintable, LineBreaksBecomeCrlf) {
  EXPECT_EQ(QuotedPrintableEncode("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(QuotedPrintableEncode("a\n"), "a\r\n");
  EXPECT_EQ(QuotedPrintableEncode("\n\n"), "\r\n\r\n");
}

TEST(EmailQuotedPrintable, LongLinesGetSoftBreaksWithinSeventySixCharacters) {
  EXPECT_EQ(QuotedPrintableEncode(std::string(76, 'a')), std::string(76, 'a'));  // exactly fits
  std::string encoded = QuotedPrintableEncode(std::string(77, 'a'));
  EXPECT_EQ(encoded, std::string(75, 'a') + "=\r\n" + "aa");

  std::string text;
  for (int i = 0; i < 40; ++i) text += "Votre commande n°" + std::to_string(i) + " est livrée à Bépanda = ok. ";
  encoded = QuotedPrintableEncode(text);
  std::vector<std::string> lines = Lines(encoded);
  ASSERT_GT(lines.size(), 5u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 76u) << lines[i];
    if (i + 1 < lines.size()) {
      EXPECT_EQ(lines[i].back(), '=') << lines[i];
    }
    // An escape is never cut by a soft break.
    std::size_t eq = lines[i].rfind('=', lines[i].size() - 2);
    if (eq != std::string::npos && i + 1 < lines.size()) {
      EXPECT_LE(eq + 3, lines[i].size() - 1) << lines[i];
    }
  }
  EXPECT_TRUE(AllAscii(encoded));
  EXPECT_EQ(QuotedPrintableDecode(encoded), text);
}

TEST(EmailQuotedPrintable, RoundTripsAwkwardTexts) {
  std::vector<std::string> texts = {
      "",
      "=",
      "==3D=",
      "espace final \ndeux espaces  \ntab\t\nfin",
      std::string(150, 'e') + " " + std::string(80, '=') + "\n" + std::string(200, ' ') + "x",
      "Ça coûte 2 500 FCFA — merci ! ✓ 🚚\n\n.point au début\n",
      std::string(75, 'a') + "é",
      std::string(74, 'a') + " b",
  };
  for (const auto& t : texts) {
    std::string encoded = QuotedPrintableEncode(t);
    for (const auto& line : Lines(encoded)) EXPECT_LE(line.size(), 76u) << line;
    std::string decoded = QuotedPrintableDecode(encoded);
    std::string crlf;
    for (char c : t) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(decoded, crlf) << encoded;
  }
}

TEST(EmailQuotedPrintable, DecodingIsLenient) {
  EXPECT_EQ(QuotedPrintableDecode("soft=\r\nbreak"), "softbreak");
  EXPECT_EQ(QuotedPrintableDecode("soft=\nbreak"), "softbreak");
  EXPECT_EQ(QuotedPrintableDecode("soft=  \r\nbreak"), "softbreak");  // padding after the '='
  EXPECT_EQ(QuotedPrintableDecode("bad =ZZ escape =4"), "bad =ZZ escape =4");
  EXPECT_EQ(QuotedPrintableDecode("a\nb"), "a\nb");
}

// --- RFC 2047 header words ---

TEST(EmailHeaderWords, FrenchSubjectRoundTrips) {
  const std::string subject = "Votre commande est livrée ✓";
  std::string encoded = EncodeHeaderText(subject, 9);
  EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << encoded;
  EXPECT_TRUE(AllAscii(encoded));
  std::vector<std::string> lines = Lines(encoded);
  EXPECT_LE(9 + lines[0].size(), 76u);
  for (std::size_t i = 1; i < lines.size(); ++i) EXPECT_LE(lines[i].size(), 76u);
  EXPECT_EQ(DecodeHeaderText(encoded), subject);
}

TEST(EmailHeaderWords, LongSubjectsFoldIntoWordsOfWholeCharacters) {
  std::string subject;
  for (int i = 0; i < 12; ++i) subject += "Éléphant sûr à Yaoundé ✓ ";
  subject += "fin";
  std::string encoded = EncodeHeaderText(subject, 9);
  std::vector<std::string> lines = Lines(encoded);
  ASSERT_GT(lines.size(), 3u);
  EXPECT_LE(9 + lines[0].size(), 76u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string word = i == 0 ? lines[i] : lines[i].substr(1);
    if (i > 0) {
      EXPECT_EQ(lines[i][0], ' ');
    }
    EXPECT_LE(lines[i].size(), 76u);
    EXPECT_LE(word.size(), 75u);  // RFC 2047 §2
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    // Each word alone decodes to whole characters (never half of é or ✓).
    std::string alone = DecodeHeaderText(word);
    EXPECT_NE(subject.find(alone), std::string::npos) << alone;
  }
  EXPECT_EQ(DecodeHeaderText(encoded), subject);
}

TEST(EmailHeaderWords, AsciiStaysReadableAndFoldsAtSpaces) {
  EXPECT_EQ(EncodeHeaderText("Your order is on its way", 9), "Your order is on its way");
  std::string long_subject;
  for (int i = 0; i < 20; ++i) long_subject += "word" + std::to_string(i) + " ";
  long_subject += "end";
  std::string folded = EncodeHeaderText(long_subject, 9);
  EXPECT_EQ(folded.find("=?"), std::string::npos);
  std::vector<std::string> lines = Lines(folded);
  ASSERT_GT(lines.size(), 1u);
  EXPECT_LE(9 + lines[0].size(), 78u);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i][0], ' ');
    EXPECT_LE(lines[i].size(), 78u);
  }
  EXPECT_EQ(DecodeHeaderText(folded), long_subject);
  // Text that would read as an encoded word, or that has spaces at its ends, is encoded instead.
  for (const std::string& tricky :
       std::vector<std::string>{"=?UTF-8?B?eA==?=", " leading", "trailing ", std::string(90, 'x')}) {
    std::string encoded = EncodeHeaderText(tricky, 9);
    EXPECT_EQ(encoded.rfind("=?UTF-8?B?", 0), 0u) << tricky;
    EXPECT_EQ(DecodeHeaderText(encoded), tricky);
  }
}

TEST(EmailHeaderWords, DecodesWordsFromOtherMailers) {
  EXPECT_EQ(DecodeHeaderText("=?utf-8?q?Caf=C3=A9_cr=C3=A8me?="), "Café crème");
  EXPECT_EQ(DecodeHeaderText("=?ISO-8859-1?Q?livr=E9e?="), "livrée");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?bGl2csOpZQ==?="), "livrée");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8*fr?B?bGl2csOpZQ?="), "livrée");  // RFC 2231 language, no padding
  // Whitespace between two encoded words is dropped; around plain text it stays.
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?Q?a?= =?UTF-8?Q?b?="), "ab");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?Q?a?=\r\n  =?UTF-8?Q?b?= c"), "ab c");
  EXPECT_EQ(DecodeHeaderText("Re: =?UTF-8?Q?pr=C3=AAt?= !"), "Re: prêt !");
  // Malformed words stay as they are.
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?abc"), "=?UTF-8?B?abc");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?a!b?="), "=?UTF-8?B?a!b?=");
}

// --- dot-stuffing ---

TEST(EmailDotStuffing, LinesStartingWithADotGetOneMore) {
  EXPECT_EQ(DotStuff(".hidden\r\nline\r\n..two\r\nmid.dle\r\n.\r\n"),
            "..hidden\r\nline\r\n...two\r\nmid.dle\r\n..\r\n");
  EXPECT_EQ(DotStuff("no dots\r\n"), "no dots\r\n");
  EXPECT_EQ(DotUnstuff("..hidden\r\nline\r\n...two\r\nmid.dle\r\n..\r\n"),
            ".hidden\r\nline\r\n..two\r\nmid.dle\r\n.\r\n");
  std::string message = ComposeMessage(Mail{"", "a@b.cm", "s", ".\n..\n.x"}, "no-reply@okada.cm", "<1@okada.cm>", 0);
  EXPECT_EQ(DotUnstuff(DotStuff(message)), message);
  EXPECT_EQ(DotStuff(message).find("\r\n.\r\n"), std::string::npos);  // the body can never end DATA early
}

// --- addresses and header injection ---

TEST(EmailValidation, Addresses) {
  for (const char* ok : {"client@example.cm", "a.b+tag@sub.okada.cm", "x_y-z@a-b.co", "o'neil@example.com"})
    EXPECT_TRUE(IsValidAddress(ok)) << ok;
  for (const char* bad : {"",
                          "client",
                          "client@",
                          "@example.cm",
                          "client@localhost",
                          "a@@b.cm",
                          "a@b@c.cm",
                          "a b@c.cm",
                          "<a@b.cm>",
                          "a@b.cm, c@d.cm",
                          "a@b.cm;c@d.cm",
                          ".a@b.cm",
                          "a.@b.cm",
                          "a..b@c.cm",
                          "a@-b.cm",
                          "a@b-.cm",
                          "a@b..cm",
                          "a@b.cm.",
                          "é@b.cm",
                          "a@exämple.cm",
                          "\"a\"@b.cm",
                          "a@b.cm\r\nBcc: x@y.cm",
                          "a@b.cm\n"})
    EXPECT_FALSE(IsValidAddress(bad)) << bad;
  EXPECT_FALSE(IsValidAddress(std::string(65, 'a') + "@b.cm"));
  EXPECT_TRUE(IsValidAddress(std::string(64, 'a') + "@b.cm"));
}

void ExpectRejected(const Mail& mail, const std::string& field, const std::string& secret) {
  try {
    Validate(mail);
    ADD_FAILURE() << "accepted: " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, field);
    EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    EXPECT_EQ(e.detail().find(secret), std::string::npos) << e.detail();
  }
}

TEST(EmailValidation, HeaderInjectionIsRefused) {
  Mail good{"Okada", "client@example.cm", "Votre commande", "Bonjour\r\n\tmerci"};
  EXPECT_NO_THROW(Validate(good));

  Mail m = good;
  m.to = "client@example.cm\r\nBcc: spy@evil.cm";
  ExpectRejected(m, "to", "spy@evil.cm");
  m = good;
  m.to = "client@example.cm, spy@evil.cm";
  ExpectRejected(m, "to", "spy@evil.cm");
  m = good;
  m.subject = "Hello\r\nBcc: spy@evil.cm";
  ExpectRejected(m, "subject", "spy@evil.cm");
  m = good;
  m.subject = "Hello\nX-Injected: 1";
  ExpectRejected(m, "subject", "X-Injected");
  m = good;
  m.from_name = "Okada\rBcc: spy@evil.cm";
  ExpectRejected(m, "from_name", "spy@evil.cm");
  m = good;
  m.subject = "bad utf-8 \xC3\x28";
  ExpectRejected(m, "subject", "bad utf-8");
  m = good;
  m.text = std::string("bell \x07");
  ExpectRejected(m, "text", "bell");
  m = good;
  m.subject = std::string(1001, 'a');
  ExpectRejected(m, "subject", std::string(1001, 'a'));
}

// --- the whole message ---

TEST(EmailCompose, HeadersAndBodyAreSevenBitAndShort) {
  Mail mail{"Épicerie Akwa", "client@example.cm", "Votre commande est livrée ✓",
            "Bonjour,\n\nVotre commande est arrivée.\n.Une ligne qui commence par un point\n" + std::string(100, 'x')};
  // 2026-03-04T09:05:00Z
  std::string m = ComposeMessage(mail, "no-reply@okada.cm", "<id-1@okada.cm>", 1772615100000);
  EXPECT_TRUE(AllAscii(m));
  EXPECT_EQ(m.substr(m.size() - 2), "\r\n");
  EXPECT_NE(m.find("Date: Wed, 04 Mar 2026 09:05:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nFrom: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_NE(m.find(" <no-reply@okada.cm>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nTo: client@example.cm\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nSubject: =?UTF-8?B?"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nMessage-ID: <id-1@okada.cm>\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nContent-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"), std::string::npos);
  for (const auto& line : Lines(m)) EXPECT_LE(line.size(), 78u) << line;
  // Every LF is part of a CRLF.
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      EXPECT_EQ(m[i - 1], '\r') << i;
    }
  }

  // A long display name outside ASCII folds like a subject, and the address still fits.
  std::string name;
  for (int i = 0; i < 8; ++i) name += "Épicerie générale de Bonabéri ";
  name += "SARL";
  std::string long_from = ComposeMessage(Mail{name, "a@b.cm", "s", "t"}, "no-reply@okada.cm", "<i@o.cm>", 0);
  for (const auto& line : Lines(long_from)) EXPECT_LE(line.size(), 78u) << line;
  std::size_t from_at = long_from.find("\r\nFrom: ") + 8;
  std::size_t from_end = long_from.find("\r\nTo: ");
  std::string from_value = long_from.substr(from_at, from_end - from_at);
  ASSERT_NE(from_value.rfind(" <no-reply@okada.cm>"), std::string::npos) << from_value;
  EXPECT_EQ(DecodeHeaderText(from_value.substr(0, from_value.rfind(" <no-reply@okada.cm>"))), name);

  // Display names: atoms as they are, specials quoted, none at all.
  EXPECT_NE(ComposeMessage(Mail{"Okada", "a@b.cm", "s", "t"}, "n@o.cm", "<i@o.cm>", 0).find("From: Okada <n@o.cm>\r\n"),
            std::string::npos);
  EXPECT_NE(ComposeMessage(Mail{"Okada, \"Douala\"", "a@b.cm", "s", "t"}, "n@o.cm", "<i@o.cm>", 0)
                .find("From: \"Okada, \\\"Douala\\\"\" <n@o.cm>\r\n"),
            std::string::npos);
  EXPECT_NE(ComposeMessage(Mail{"", "a@b.cm", "s", "t"}, "n@o.cm", "<i@o.cm>", 0).find("From: n@o.cm\r\n"),
            std::string::npos);
}

}  // namespace
}  // namespace okada::email
