// What an event tells whom. For each event the catalog routes (domain/catalog.cpp), the people concerned are
// found (the order's customer, the offered rider, the store's merchant people), and one message per person,
// channel and template is written, queued for the sender — in the transaction that marks the event seen. A message
// is unique by (event id, person, channel, template): an event delivered twice queues nothing more.
// Order status changes also go out live on the order's and store's channels (the merchant's live queue, the
// customer's tracking screen).
#include <boost/json.hpp>

#include "api/api.hpp"
#include "domain/catalog.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/wall_clock.hpp"
#include "store/statements.hpp"

namespace okada::notifications {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::int64_t Int(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

// Queues one message per allowed channel for `user` (preferences, quiet hours).
asio::awaitable<void> Queue(StatePtr s, pg::Transaction& tx, const okada::events::Event& event, const std::string& user,
                            const domain::Template& t, json::object params) {
  Deadline deadline = Clock::now() + std::chrono::seconds(3);
  Prefs p = co_await LoadPrefs(s, &tx, user, deadline);
  std::string lang = p.lang.value_or("");
  if (lang.empty()) {
    std::optional<Contact> c = co_await ContactOf(s, user, deadline);
    lang = c ? c->lang : "fr";
  }
  std::int64_t now = UnixMillisNow();
  bool quiet = !t.urgent && domain::InQuietHours(domain::MinuteWat(now), p.quiet_start, p.quiet_end);
  std::int64_t later = quiet ? domain::QuietEndMs(now, *p.quiet_end) : now;
  std::string params_text = json::serialize(params);
  static constexpr unsigned kChannels[] = {domain::kSms, domain::kPush, domain::kEmail, domain::kInApp};
  for (unsigned bit : kChannels) {
    if ((t.channels & bit) == 0) continue;
    if ((bit == domain::kSms && !p.sms) || (bit == domain::kPush && !p.push) || (bit == domain::kEmail && !p.email) ||
        (bit == domain::kInApp && !p.in_app))
      continue;
    if (bit == domain::kEmail && !p.email_address) continue;
    std::int64_t at = bit == domain::kInApp ? now : later;  // in-app is silent: never held back
    co_await tx.Execute(store::kMessageInsert, crypto::UuidV7(), event.id, user, std::string(domain::ChannelName(bit)),
                        std::string(t.id), lang, params_text, at);
  }
}

}  // namespace

asio::awaitable<void> OnEvent(StatePtr s, const okada::events::Event& event, pg::Transaction& tx) {
  boost::system::error_code ec;
  json::value v = json::parse(event.payload, ec);
  if (ec || !v.is_object()) co_return;
  const json::object& o = v.get_object();
  std::string order_id = Str(o, "order_id");
  std::string status = Str(o, "status");
  Deadline deadline = Clock::now() + std::chrono::seconds(5);

  // Live: an order's status change, to its own channel and its store's (the merchant's queue).
  if (event.type.rfind("order.", 0) == 0 && !order_id.empty())
    co_await TellOrderStatus(s, order_id, Str(o, "store_id"), status, event.type);

  std::vector<domain::Route> routes = domain::RoutesOf(event.type, status);
  if (routes.empty() || order_id.empty()) co_return;
  orders::OrderInfo order;
  bool unknown = false;
  try {
    order = co_await s->orders->Get(deadline, order_id);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kOrderNotFound) throw;
    unknown = true;
  }
  if (unknown) co_return;  // not an order of this platform (a replayed stream): nobody to tell
  json::object params;
  params["order_id"] = order_id;
  params["total_xaf"] = order.total_xaf;
  params["store_id"] = order.store_id;
  if (o.contains("rider_fee_xaf")) params["fee_xaf"] = Int(o, "rider_fee_xaf");
  if (o.contains("distance_m")) params["distance_m"] = Int(o, "distance_m");
  if (o.contains("amount_xaf")) params["amount_xaf"] = Int(o, "amount_xaf");
  for (const domain::Route& r : routes) {
    const domain::Template* t = domain::FindTemplate(r.template_id);
    if (t == nullptr) continue;
    std::vector<std::string> people;
    if (r.audience == domain::Audience::kCustomer) {
      people.push_back(order.customer_id);
    } else if (r.audience == domain::Audience::kRider) {
      std::string rider = Str(o, "rider_id");
      if (!rider.empty()) people.push_back(rider);
    } else {
      std::vector<users::Membership> members = co_await s->users->MembersOf(deadline, order.merchant_id);
      for (const users::Membership& m : members) people.push_back(m.user_id);
    }
    for (const std::string& user : people) co_await Queue(s, tx, event, user, *t, params);
  }
}

}  // namespace okada::notifications
