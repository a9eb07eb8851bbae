#pragma once
/// What every list endpoint shares (ARCHITECTURE §5): UUID path ids, a clamped `limit`, opaque cursors, and
/// RFC 3339 timestamps from PostgreSQL. Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace okada::paging {

inline constexpr int kDefaultLimit = 20;
inline constexpr int kMaxLimit = 100;

/// A UUID in its 36-character textual form (any version, either case).
bool IsUuid(std::string_view s) noexcept;
/// The page size from the `limit` query parameter: absent → 20; an integer is clamped to 1..100 (a huge value
/// is clamped, not an error); anything else (letters, "1.5", "") → nullopt.
std::optional<int> ParseLimit(std::optional<std::string_view> raw) noexcept;
/// The opaque cursor after `last_id`: base64url of the id.
std::string EncodeCursor(std::string_view last_id);
/// The id inside a cursor, or nullopt if it is not one we made.
std::optional<std::string> DecodeCursor(std::string_view cursor);

}  // namespace okada::paging

/// SQL for a timestamptz column rendered as RFC 3339 UTC with milliseconds ("2026-11-30T07:13:05.123Z").
#define OKADA_SQL_TS(expr) "to_char((" expr ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
