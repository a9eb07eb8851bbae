#pragma once
/// Typed client of the users service for other services (ARCHITECTURE §1: data crosses a boundary only
/// through an API call or an event). Calls go through a ServiceTransport (in-process or HTTP) with the
/// service token. Answers are cached in memory for `ttl` (default 30 s): store locations and memberships
/// change rarely, and checkout must not pay a round trip for them each time. Thread-safe.

#include <array>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "okada/core/deadline.hpp"

namespace okada {
class ServiceTransport;
}

namespace okada::users {

struct StoreInfo {
  std::string id;
  std::string merchant_id;
  std::string name;
  double lat = 0;
  double lon = 0;
  int delivery_radius_m = 0;
  bool paused = false;
  bool merchant_approved = false;
  /// Opening hours, Monday first: each day's ranges in minutes after local midnight [open, close); an empty day is
  /// closed. `hours_known` is false when users did not say (then the store counts as open).
  std::array<std::vector<std::pair<int, int>>, 7> hours;
  bool hours_known = false;
};

/// Whether the store is open at `unix_s` by its opening hours, in Cameroon's time (UTC+1 all year).
bool OpenAt(const StoreInfo& store, std::int64_t unix_s);

struct Membership {
  std::string merchant_id;
  std::string role;     ///< merchant_owner | merchant_staff
  std::string user_id;  ///< filled by MembersOf
};

class Client {
 public:
  /// `transport` may be null (users not reachable from this process): every call then throws 503.
  Client(ServiceTransport* transport, std::string service_token,
         std::chrono::milliseconds ttl = std::chrono::seconds(30));
  ~Client();
  /// The store, or nullopt if there is no such store. Throws 502/503 when users cannot answer.
  boost::asio::awaitable<std::optional<StoreInfo>> Store(Deadline deadline, std::string store_id) const;
  /// The merchant `user_id` works for, or nullopt.
  boost::asio::awaitable<std::optional<Membership>> MemberOf(Deadline deadline, std::string user_id) const;
  /// Everyone who works for `merchant_id` (not cached). Empty when there is no such merchant.
  boost::asio::awaitable<std::vector<Membership>> MembersOf(Deadline deadline, std::string merchant_id) const;
  /// Drops cached answers (tests, or after a change this process made itself).
  void Forget() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace okada::users
