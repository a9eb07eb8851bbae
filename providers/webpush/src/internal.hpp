#pragma once
// Helpers shared by the library's translation units (not part of the public API).

#include <optional>
#include <string>
#include <string_view>

namespace okada::webpush::internal {

/// The parameters of a `vapid t=<JWT>, k=<key>` Authorization header (RFC 8292 §3), unverified. nullopt when
/// the scheme is not "vapid", a parameter is malformed or repeated, or t or k is missing.
struct VapidParams {
  std::string_view token;  ///< t
  std::string_view key;    ///< k, base64url as sent
};
std::optional<VapidParams> ParseVapidHeader(std::string_view header);

/// Base64url as browsers and libraries send it: trailing '=' padding tolerated, otherwise strict.
std::optional<std::string> DecodeLenient(std::string_view text);

/// RFC 8030 §5.3 Urgency values.
bool IsUrgency(std::string_view s);
/// RFC 8030 §5.4: a Topic is 1 to 32 characters of the base64url alphabet.
bool IsTopic(std::string_view s);

}  // namespace okada::webpush::internal
