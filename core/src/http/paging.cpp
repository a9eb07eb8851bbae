#include "okada/core/http/paging.hpp"

#include <algorithm>
#include <cstdint>

#include "okada/core/crypto/random.hpp"

namespace okada::paging {

bool IsUuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::optional<int> ParseLimit(std::optional<std::string_view> raw) noexcept {
  if (!raw) return kDefaultLimit;
  std::string_view s = *raw;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (value < 1'000'000) value = value * 10 + (c - '0');  // past the clamp the exact value does not matter
  }
  if (negative) value = -value;
  return static_cast<int>(std::clamp<std::int64_t>(value, 1, kMaxLimit));
}

std::string EncodeCursor(std::string_view last_id) { return crypto::Base64UrlEncode(last_id); }

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  if (cursor.size() > 64) return std::nullopt;
  auto id = crypto::Base64UrlDecode(cursor);
  if (!id || !IsUuid(*id)) return std::nullopt;
  return id;
}

}  // namespace okada::paging
