#pragma once
/// Wall-clock time for data that leaves the process (timestamps in answers, statements, logs of outside parties).
/// Deadlines and durations use the steady okada::Clock (deadline.hpp), never this.
#include <cstdint>
#include <string>

namespace okada {

/// Unix time in milliseconds.
std::int64_t UnixMillisNow();
/// RFC 3339 in UTC with milliseconds: 2026-03-01T10:00:00.123Z. Negative times are clamped to the epoch.
std::string Rfc3339Millis(std::int64_t unix_ms);

}  // namespace okada
