#pragma once
/// The notifications service's HTTP layer and the work its job and event handler share. Routes are rows of
/// api/routes.inc with service "notifications"; each person reads and changes only her own settings and messages.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/state.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/http/router.hpp"

namespace okada::notifications {

namespace api {
void AddRoutes(http::Router& router, StatePtr s);  // routes.cpp
}

/// A person's settings as the sender uses them.
struct Prefs {
  std::optional<std::string> lang;
  bool sms = true, push = true, email = true, in_app = true;
  std::optional<std::string> email_address;
  std::optional<int> quiet_start, quiet_end;
};
boost::asio::awaitable<Prefs> LoadPrefs(StatePtr s, pg::Transaction* tx, std::string user_id, Deadline d);

/// How to reach an account (auth): phone in E.164 and language. nullopt when there is no such account.
struct Contact {
  std::string phone;
  std::string lang = "fr";
};
boost::asio::awaitable<std::optional<Contact>> ContactOf(StatePtr s, std::string user_id, Deadline d);

/// The event consumer (events/consumer.cpp): creates the messages an event calls for, in `tx`.
boost::asio::awaitable<void> OnEvent(StatePtr s, const okada::events::Event& event, pg::Transaction& tx);

/// The notifications.send job (sender.cpp): sends due messages, with retries and per-person limits.
boost::asio::awaitable<void> SendDue(StatePtr s, Deadline d);

/// Live: an order's new status to its channel and its store's (best effort: Redis down loses only the live copy).
boost::asio::awaitable<void> TellOrderStatus(StatePtr s, std::string order_id, std::string store_id, std::string status,
                                             std::string event_type);

http::Response JsonAnswer(const boost::json::value& v, int status = 200);
/// Seals an e-mail address / push endpoint (keyring; the owner as associated data).
std::string Seal(const State& s, std::string_view what, std::string_view owner, std::string_view plain);
std::string Open(const State& s, std::string_view what, std::string_view owner, std::string_view sealed);

}  // namespace okada::notifications
