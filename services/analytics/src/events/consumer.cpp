#include <boost/json.hpp>
#include <cctype>
#include <limits>

#include "domain/rules.hpp"
#include "events/events.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/log.hpp"
#include "store/store.hpp"

namespace okada::analytics::events {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxUnits = 1000000;

std::optional<std::string> Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> Int(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

std::optional<std::string> Uuid(const json::object& o, const char* key) {
  std::optional<std::string> s = Str(o, key);
  if (!s || !paging::IsUuid(*s)) return std::nullopt;
  for (char& c : *s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The public order id: ord_ + 32 lower-case hex digits.
bool IsOrderId(const std::string& s) {
  if (s.size() != 36 || s.compare(0, 4, "ord_") != 0) return false;
  for (std::size_t i = 4; i < s.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(s[i])) || std::isupper(static_cast<unsigned char>(s[i])))
      return false;
  return true;
}

void Unreadable(const okada::events::Event& e, const char* why) {
  log::Warn("analytics_unreadable_event", {{"type", e.type}, {"id", e.id}, {"why", why}});
}

// order.placed's products with their units (the event's quantities, 1 each when it has none or they do not match).
void Products(const json::object& o, store::FactChange& c) {
  const json::value* ids = o.if_contains("product_ids");
  if (!ids || !ids->is_array()) return;
  const json::array& list = ids->get_array();
  const json::value* qs = o.if_contains("quantities");
  const bool with_units = qs && qs->is_array() && qs->get_array().size() == list.size();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || !paging::IsUuid(list[i].get_string())) continue;
    std::string id(list[i].get_string());
    for (char& ch : id) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::int64_t units = 1;
    if (with_units) {
      const json::value& q = qs->get_array()[i];
      if (q.is_int64() && q.get_int64() > 0 && q.get_int64() <= kMaxUnits) units = q.get_int64();
      if (q.is_uint64() && q.get_uint64() > 0 && q.get_uint64() <= static_cast<std::uint64_t>(kMaxUnits))
        units = static_cast<std::int64_t>(q.get_uint64());
    }
    c.product_ids.push_back(std::move(id));
    c.units.push_back(units);
  }
}

// What the event says about its order, or nullopt when it says nothing analytics keeps (or cannot be read).
std::optional<store::FactChange> ChangeOf(const okada::events::Event& e) {
  boost::system::error_code ec;
  json::value parsed = json::parse(e.payload, ec);
  if (ec || !parsed.is_object()) {
    Unreadable(e, "payload");
    return std::nullopt;
  }
  const json::object& o = parsed.get_object();
  if (!domain::ParseRfc3339(e.at)) {
    Unreadable(e, "at");
    return std::nullopt;
  }
  store::FactChange c;
  c.order_id = Str(o, "order_id").value_or("");
  if (!IsOrderId(c.order_id)) {
    Unreadable(e, "order_id");
    return std::nullopt;
  }
  const std::string& at = e.at;
  if (e.type.rfind("order.", 0) == 0) {
    c.store_id = Uuid(o, "store_id");
    c.merchant_id = Uuid(o, "merchant_id");
    if (!c.store_id || !c.merchant_id) {
      Unreadable(e, "store_id or merchant_id");
      return std::nullopt;
    }
  }
  if (e.type == "order.placed") {
    c.placed_at = at;
    if (Str(o, "status") == std::optional<std::string>("confirmed")) c.confirmed_at = at;  // cash on delivery
    c.payment_method = Str(o, "payment_method");
    c.items_xaf = Int(o, "items_xaf");
    c.total_xaf = Int(o, "total_xaf");
    if (!c.items_xaf || *c.items_xaf < 0) {
      Unreadable(e, "items_xaf");
      return std::nullopt;
    }
    Products(o, c);
  } else if (e.type == "order.confirmed") {
    c.confirmed_at = at;
  } else if (e.type == "order.accepted") {
    c.accepted_at = at;
  } else if (e.type == "order.ready") {
    c.ready_at = at;
  } else if (e.type == "order.completed") {
    c.completed_at = at;
  } else if (e.type == "order.cancelled") {
    const std::string status = Str(o, "status").value_or("");
    if (status != "cancelled" && status != "rejected" && status != "payment_failed" && status != "expired") {
      Unreadable(e, "status");
      return std::nullopt;
    }
    c.cancelled_at = at;
    c.cancel_status = status;
    c.cancel_kind = domain::CancelKind(status, Str(o, "actor_role").value_or(""));
  } else if (e.type == "delivery.picked_up") {
    c.picked_up_at = at;
  } else if (e.type == "delivery.delivered") {
    c.delivered_at = at;
  } else if (e.type == "payment.refunded") {
    const json::value* full = o.if_contains("full");
    if (!full || !full->is_bool() || !full->get_bool()) return std::nullopt;  // a part: the order still counts
    c.refunded_at = at;
  } else {
    return std::nullopt;
  }
  return c;
}

}  // namespace

std::vector<std::string> Consumed() {
  return {"order.placed",    "order.confirmed",    "order.accepted",     "order.ready",     "order.cancelled",
          "order.completed", "delivery.picked_up", "delivery.delivered", "payment.refunded"};
}

asio::awaitable<void> OnEvent(const okada::events::Event& event, pg::Transaction& tx) {
  std::optional<store::FactChange> change = ChangeOf(event);
  if (!change) co_return;
  co_await store::Apply(tx, std::move(*change));
}

}  // namespace okada::analytics::events
