#include "domain/rules.hpp"

#include <algorithm>

#include "okada/core/crypto/random.hpp"

namespace okada::users::domain {

bool InCameroon(double lat, double lon) noexcept { return lat >= 1.5 && lat <= 13.2 && lon >= 8.3 && lon <= 16.3; }

bool VehicleNeedsPlate(std::string_view vehicle_type) noexcept {
  return vehicle_type == "motorcycle" || vehicle_type == "car";
}

std::optional<std::string> NormalizePlate(std::string_view raw) {
  while (!raw.empty() && raw.front() == ' ') raw.remove_prefix(1);
  while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
  if (raw.size() < 3 || raw.size() > 15) return std::nullopt;
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '-';
    if (!ok) return std::nullopt;
    out.push_back(c);
  }
  return out;
}

std::optional<Status> ParseStatus(std::string_view s) noexcept {
  if (s == "pending") return Status::kPending;
  if (s == "approved") return Status::kApproved;
  if (s == "suspended") return Status::kSuspended;
  return std::nullopt;
}

std::string_view ToString(Status s) noexcept {
  switch (s) {
    case Status::kPending:
      return "pending";
    case Status::kApproved:
      return "approved";
    case Status::kSuspended:
      return "suspended";
  }
  return "pending";
}

std::optional<Transition> ApproveRider(Status from) noexcept {
  return Transition{Status::kApproved, from != Status::kApproved, std::string("rider")};
}

std::optional<Transition> SuspendRider(Status from) noexcept {
  switch (from) {
    case Status::kApproved:
      return Transition{Status::kSuspended, true, std::string("customer")};
    case Status::kPending:
      return Transition{Status::kSuspended, true, std::nullopt};
    case Status::kSuspended:
      return Transition{Status::kSuspended, false, std::nullopt};
  }
  return std::nullopt;
}

std::optional<Transition> ApproveMerchant(Status from) noexcept {
  return Transition{Status::kApproved, from != Status::kApproved, std::string("merchant_owner")};
}

bool ReadsEverything(std::string_view role) noexcept { return role == "support" || role == "admin"; }

StaffEligibility CanBecomeStaff(std::string_view account_role, std::string_view account_status,
                                const std::optional<std::string>& member_of, std::string_view merchant_id,
                                bool has_rider_application) noexcept {
  if (account_status == "suspended") return StaffEligibility::kSuspended;
  if (member_of) return *member_of == merchant_id ? StaffEligibility::kAlreadyMember : StaffEligibility::kOtherMerchant;
  if (has_rider_application || account_role == "rider") return StaffEligibility::kRider;
  if (account_role == "customer" || account_role == "merchant_staff") return StaffEligibility::kOk;
  return StaffEligibility::kOtherRole;
}

std::string_view Explain(StaffEligibility e) noexcept {
  switch (e) {
    case StaffEligibility::kOk:
      return "";
    case StaffEligibility::kSuspended:
      return "this account is suspended";
    case StaffEligibility::kRider:
      return "this account is a rider (or applied to be one)";
    case StaffEligibility::kAlreadyMember:
      return "this account is already a member of this merchant";
    case StaffEligibility::kOtherMerchant:
      return "this account belongs to another merchant";
    case StaffEligibility::kOtherRole:
      return "this account's role cannot become merchant staff";
  }
  return "";
}

std::optional<int> ParseClock(std::string_view hhmm, bool is_close) noexcept {
  if (hhmm.size() != 5 || hhmm[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return hhmm[i] >= '0' && hhmm[i] <= '9'; };
  if (!digit(0) || !digit(1) || !digit(3) || !digit(4)) return std::nullopt;
  int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && is_close) return 24 * 60;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

std::string FormatClock(int minutes) {
  int h = minutes / 60;
  int m = minutes % 60;
  std::string out(5, '0');
  out[0] = static_cast<char>('0' + h / 10);
  out[1] = static_cast<char>('0' + h % 10);
  out[2] = ':';
  out[3] = static_cast<char>('0' + m / 10);
  out[4] = static_cast<char>('0' + m % 10);
  return out;
}

std::optional<RuleError> CheckDay(DayHours& day) {
  if (day.size() > kMaxRangesPerDay) {
    return RuleError{"TOO_LONG", "at most " + std::to_string(kMaxRangesPerDay) + " opening ranges per day"};
  }
  for (const TimeRange& r : day) {
    if (r.open < 0 || r.open >= 24 * 60 || r.close <= 0 || r.close > 24 * 60) {
      return RuleError{"OUT_OF_RANGE", "times between 00:00 and 24:00"};
    }
    if (r.open >= r.close) {
      return RuleError{"OUT_OF_RANGE", "each range must open before it closes (split ranges across midnight)"};
    }
  }
  std::sort(day.begin(), day.end(), [](const TimeRange& a, const TimeRange& b) { return a.open < b.open; });
  for (std::size_t i = 1; i < day.size(); ++i) {
    if (day[i].open < day[i - 1].close) return RuleError{"OUT_OF_RANGE", "opening ranges overlap"};
  }
  return std::nullopt;
}

}  // namespace okada::users::domain
