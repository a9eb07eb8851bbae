#pragma once
/// The users service's rules, free of I/O and JSON: identifiers, pagination, places, plates, opening hours,
/// rider and merchant status transitions, who may become merchant staff. Everything here is a pure function
/// (thread-safe) and is unit-tested in tests/users_domain_test.cpp.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/http/paging.hpp"

#include "okada/core/text.hpp"

namespace okada::users::domain {

// --- identifiers and text -----------------------------------------------------------------------------------

using paging::IsUuid;  // core/include/okada/core/http/paging.hpp
/// Text checks shared by every service (core/include/okada/core/text.hpp).
using text::HasControlChars;
using text::IsValidUtf8;

// --- pagination -----------------------------------------------------------------------------------------------

// Shared by every service: core/include/okada/core/http/paging.hpp.
using paging::DecodeCursor;
using paging::EncodeCursor;
using paging::kDefaultLimit;
using paging::kMaxLimit;
using paging::ParseLimit;

// --- places ---------------------------------------------------------------------------------------------------

/// Cameroon's bounding box (with a small margin): lat 1.5..13.2, lon 8.3..16.3.
bool InCameroon(double lat, double lon) noexcept;
inline constexpr std::size_t kMaxAddressesPerUser = 20;

// --- riders ---------------------------------------------------------------------------------------------------

/// motorcycle and car carry a registration plate; bicycle and on_foot do not need one.
bool VehicleNeedsPlate(std::string_view vehicle_type) noexcept;
/// Upper-cases ASCII letters and checks 3..15 characters of [A-Z0-9 -] (surrounding spaces trimmed).
std::optional<std::string> NormalizePlate(std::string_view raw);

enum class Status { kPending, kApproved, kSuspended };
std::optional<Status> ParseStatus(std::string_view s) noexcept;
std::string_view ToString(Status s) noexcept;

/// The outcome of an admin action on a rider or merchant. `role` is the account role the auth service must
/// hold afterwards (set before the status change is committed), or nullopt when the role must not be touched.
struct Transition {
  Status to;
  bool changes_status;              ///< false: already there (idempotent repeat)
  std::optional<std::string> role;  ///< account role to (re)assert through the auth service
};
/// pending|suspended → approved (role rider); approved → approved (no change, role rider re-asserted so that a
/// retry heals a half-done earlier attempt).
std::optional<Transition> ApproveRider(Status from) noexcept;
/// approved → suspended (role back to customer); pending → suspended (the role was never changed);
/// suspended → suspended (no change).
std::optional<Transition> SuspendRider(Status from) noexcept;
/// pending|suspended → approved (owners get merchant_owner); approved → approved (role re-asserted).
std::optional<Transition> ApproveMerchant(Status from) noexcept;

// --- merchants and staff --------------------------------------------------------------------------------------

/// support and admin read every profile, rider and merchant.
bool ReadsEverything(std::string_view role) noexcept;

enum class StaffEligibility { kOk, kSuspended, kRider, kAlreadyMember, kOtherMerchant, kOtherRole };
/// Whether an account (as the auth service and this service know it) may be added as staff of `merchant_id`.
/// One working role per account: a rider application (any status) or one merchant membership. A
/// merchant_staff role with no membership anywhere is an orphan of a half-done earlier invitation and may be
/// re-used.
StaffEligibility CanBecomeStaff(std::string_view account_role, std::string_view account_status,
                                const std::optional<std::string>& member_of, std::string_view merchant_id,
                                bool has_rider_application) noexcept;
/// A sentence for the 409 answer.
std::string_view Explain(StaffEligibility e) noexcept;

// --- stores ---------------------------------------------------------------------------------------------------

inline constexpr int kMinRadiusM = 500;
inline constexpr int kMaxRadiusM = 20000;
inline constexpr int kDefaultRadiusM = 5000;
inline constexpr std::size_t kMaxRangesPerDay = 3;

/// One opening range in minutes since midnight: open in 0..1439, close in 1..1440 ("24:00"), open < close.
struct TimeRange {
  int open = 0;
  int close = 0;
  bool operator==(const TimeRange&) const = default;
};
/// One day's ranges; empty = closed.
using DayHours = std::vector<TimeRange>;
/// Monday first.
using WeekHours = std::array<DayHours, 7>;

/// "HH:MM" (two digits each) → minutes. "24:00" only when `is_close`.
std::optional<int> ParseClock(std::string_view hhmm, bool is_close) noexcept;
std::string FormatClock(int minutes);

struct RuleError {
  std::string code;  ///< FieldError code (OUT_OF_RANGE, INVALID_FORMAT, TOO_LONG…)
  std::string detail;
};
/// A day's ranges must each open before they close, be at most 3, and not overlap. Sorts `day` by opening time.
std::optional<RuleError> CheckDay(DayHours& day);

}  // namespace okada::users::domain
