#include "domain/policy.hpp"

#include <algorithm>
#include <cctype>

#include "okada/core/crypto/random.hpp"

namespace okada::auth {

std::string_view ToString(OtpPurpose p) noexcept {
  switch (p) {
    case OtpPurpose::kSignin:
      return "signin";
    case OtpPurpose::kVerifyPhone:
      return "verify_phone";
    case OtpPurpose::kResetPassword:
      return "reset_password";
  }
  return "signin";
}

std::optional<OtpPurpose> ParseOtpPurpose(std::string_view s) noexcept {
  if (s == "signin") return OtpPurpose::kSignin;
  if (s == "verify_phone") return OtpPurpose::kVerifyPhone;
  if (s == "reset_password") return OtpPurpose::kResetPassword;
  return std::nullopt;
}

namespace {
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}
}  // namespace

std::string CheckPassword(std::string_view pw, std::string_view phone) {
  std::size_t n = CodePoints(pw);
  if (n < 8) return "TOO_SHORT";
  if (n > 128) return "TOO_LONG";
  if (std::all_of(pw.begin(), pw.end(), [&](char c) { return c == pw.front(); })) return "TOO_WEAK";
  // The phone number (or its local part) is the first thing an attacker tries.
  std::string digits;
  for (char c : phone)
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  if (!digits.empty() && (pw == digits || (digits.size() > 3 && pw == std::string_view(digits).substr(3))))
    return "TOO_WEAK";
  return {};
}

std::string NewOtpCode() {
  // Rejection sampling over 32-bit values keeps the 10^6 codes uniform.
  for (;;) {
    std::string b = crypto::RandomBytes(4);
    std::uint32_t v = (static_cast<std::uint32_t>(static_cast<unsigned char>(b[0])) << 24) |
                      (static_cast<std::uint32_t>(static_cast<unsigned char>(b[1])) << 16) |
                      (static_cast<std::uint32_t>(static_cast<unsigned char>(b[2])) << 8) |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(b[3]));
    if (v >= 4294000000u) continue;  // 4,294,000,000 is a multiple of 10^6
    std::string code = std::to_string(v % 1000000u);
    return std::string(6 - code.size(), '0') + code;
  }
}

std::string_view NormalizeLang(std::string_view lang) noexcept { return lang == "en" ? "en" : "fr"; }

std::string OtpText(OtpPurpose purpose, std::string_view code, std::string_view lang) {
  // GSM-7 only: é and à are in the GSM-7 alphabet, ê, ç and ô are not (they would switch the SMS to UCS-2
  // and 70 characters a part). tests/auth_domain_test.cpp measures every text.
  std::string c(code);
  if (NormalizeLang(lang) == "en") {
    switch (purpose) {
      case OtpPurpose::kSignin:
        return "Okada: your sign-in code is " + c + ". It expires in 5 minutes. Never share it.";
      case OtpPurpose::kVerifyPhone:
        return "Okada: your verification code is " + c + ". It expires in 5 minutes.";
      case OtpPurpose::kResetPassword:
        return "Okada: your password reset code is " + c + ". If you did not ask for it, ignore this SMS.";
    }
  }
  switch (purpose) {
    case OtpPurpose::kSignin:
      return "Okada : votre code de connexion est " + c + ". Il expire dans 5 minutes. Ne le donnez à personne.";
    case OtpPurpose::kVerifyPhone:
      return "Okada : votre code de vérification est " + c + ". Il expire dans 5 minutes.";
    case OtpPurpose::kResetPassword:
      return "Okada : code pour changer votre mot de passe : " + c + ". Si vous ne l'avez pas demandé, ignorez ce SMS.";
  }
  return c;
}

}  // namespace okada::auth
