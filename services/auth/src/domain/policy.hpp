#pragma once
// Rules of the auth service, free of I/O: password policy, SMS code purposes and texts, lifetimes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace okada::auth {

/// Why a code was sent; a code only works for its own purpose.
enum class OtpPurpose { kSignin, kVerifyPhone, kResetPassword };
std::string_view ToString(OtpPurpose p) noexcept;
std::optional<OtpPurpose> ParseOtpPurpose(std::string_view s) noexcept;

/// Empty when acceptable, otherwise a field error code (TOO_SHORT, TOO_LONG, TOO_WEAK). Lengths in code
/// points: 8..128; not only digits of one repeated character; not the phone number's own digits.
std::string CheckPassword(std::string_view password, std::string_view phone_e164);

/// A uniformly random 6-digit code.
std::string NewOtpCode();

/// The SMS text carrying `code`, in French or English, kept within one GSM-7 part (160 characters).
std::string OtpText(OtpPurpose purpose, std::string_view code, std::string_view lang);

/// "fr" or "en" (anything else → "fr").
std::string_view NormalizeLang(std::string_view lang) noexcept;

}  // namespace okada::auth
