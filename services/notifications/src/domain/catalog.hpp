#pragma once
/// What people are told (pure rules, no I/O): which events concern whom, the FR/EN templates, money formats,
/// quiet hours and retry backoff.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace okada::notifications::domain {

enum class Audience { kCustomer, kRider, kMerchant };

/// Channel bits.
inline constexpr unsigned kSms = 1, kEmail = 2, kPush = 4, kInApp = 8;
std::string_view ChannelName(unsigned bit);

struct Text {
  std::string_view title, body;
};

struct Template {
  std::string_view id;
  unsigned channels;  ///< where it may go (the person's preferences narrow it)
  bool urgent;        ///< sent even in quiet hours (the rider's offer, the rider at the door …)
  Text fr, en;
};

/// Every template.
const std::vector<Template>& Templates();
const Template* FindTemplate(std::string_view id);

/// event type → (audience, template), for every event that tells someone something. `status` narrows
/// order.cancelled (a merchant's rejection reads differently).
struct Route {
  Audience audience;
  std::string_view template_id;
};
std::vector<Route> RoutesOf(std::string_view event_type, std::string_view status = {});

/// Replaces {name} with params[name] (unknown names stay as they are).
std::string Render(std::string_view text, const std::map<std::string, std::string>& params);
/// 12500 → "12 500 FCFA" (fr) or "12,500 FCFA" (en).
std::string FormatXaf(std::int64_t amount, std::string_view lang);
/// "ord_0193a5c2…9304" → "#829304" (what people read out on the phone).
std::string ShortOrder(std::string_view public_id);

/// Cameroon time (WAT = UTC+1) minute of day of a Unix time in ms.
int MinuteWat(std::int64_t unix_ms);
/// Whether `minute` (WAT) falls in quiet hours [start, end) (wrapping over midnight when start > end).
bool InQuietHours(int minute, std::optional<int> start, std::optional<int> end);
/// When quiet hours that contain `now_ms` end (Unix ms).
std::int64_t QuietEndMs(std::int64_t now_ms, int end_minute);
/// Backoff before retry `attempt` (1-based): base·2^(attempt−1), capped at 15 minutes, with full jitter in
/// [half, full] using `unit` ∈ [0, 1).
std::int64_t BackoffMs(int attempt, std::int64_t base_ms, double unit);

}  // namespace okada::notifications::domain
