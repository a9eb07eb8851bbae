#pragma once
// Helpers shared by the library's translation units (not part of the public API).

#include <optional>
#include <string>
#include <string_view>

namespace okada::email::internal {

/// RFC 4648 §4 base64 with padding.
std::string Base64Encode(std::string_view bytes);
/// Base64 as mail carries it: whitespace (line breaks of a body) skipped, padding optional; nullopt when a
/// character outside the alphabet appears or the length cannot be a whole encoding.
std::optional<std::string> Base64Decode(std::string_view text);

/// ISO-8859-1 bytes as UTF-8.
std::string Latin1ToUtf8(std::string_view bytes);
/// `s` with every malformed UTF-8 sequence replaced by U+FFFD (what the sink shows over JSON).
std::string SanitizeUtf8(std::string_view s);
/// CRLF and lone CR become LF.
std::string ToLf(std::string_view s);
/// ASCII lower case.
std::string Lower(std::string_view s);

/// What the sink reads out of a received message (RFC 5322 headers, single-part body).
struct ParsedMessage {
  std::string message_id;  ///< the Message-ID header value, trimmed; empty when absent
  std::string from_name;   ///< the From header's display name, decoded
  std::string subject;     ///< decoded
  std::string text;        ///< the body decoded per Content-Transfer-Encoding and charset, line breaks as \n
};
/// Never throws on malformed input: what cannot be decoded is shown as it came (made valid UTF-8).
ParsedMessage ParseMessage(std::string_view raw);

}  // namespace okada::email::internal
