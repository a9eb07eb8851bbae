#pragma once
/// Wall-clock time for data that leaves the process (timestamps in answers, statements, logs of outside parties).
/// Deadlines and durations use the steady okada::Clock (deadline.hpp), never this.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace okada {

/// Unix time in milliseconds.
std::int64_t UnixMillisNow();
/// RFC 3339 in UTC with milliseconds: 2026-03-01T10:00:00.123Z. Negative times are clamped to the epoch.
std::string Rfc3339Millis(std::int64_t unix_ms);
/// Parses an RFC 3339 date-time (`2026-03-01T10:00:00Z`, optional fraction, `Z` or `±hh:mm` offset) into Unix
/// milliseconds; nullopt when malformed or out of range (years 1970..9999).
std::optional<std::int64_t> ParseRfc3339Millis(std::string_view text);

}  // namespace okada
