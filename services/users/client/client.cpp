#include "okada/users/client.hpp"

#include <boost/json.hpp>
#include <mutex>
#include <unordered_map>

#include "okada/core/access/access.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/log.hpp"

namespace okada::users {

namespace json = boost::json;

struct Client::Impl {
  ServiceTransport* transport = nullptr;
  std::string token;
  std::chrono::milliseconds ttl;
  mutable std::mutex mu;
  template <typename T>
  struct Entry {
    T value;
    Clock::time_point expires;
  };
  std::unordered_map<std::string, Entry<StoreInfo>> stores;
  std::unordered_map<std::string, Entry<Membership>> members;
};

namespace {

http::ClientRequest Get(const Client::Impl& c, std::string url, Deadline deadline) {
  http::ClientRequest req;
  req.method = http::Method::kGet;
  req.url = std::move(url);
  req.headers.emplace_back(std::string(access::kServiceTokenHeader), c.token);
  req.deadline = deadline;
  return req;
}

// nullopt for 404; throws for anything but 200.
std::optional<json::object> Answer(const http::ClientResponse& res, std::string_view what) {
  if (res.status == 404) return std::nullopt;
  if (res.status != 200) {
    log::Warn("users_client.bad_answer", {{"call", what}, {"status", res.status}});
    if (res.status == 503) throw Unavailable("the users service is unavailable");
    throw Error(ErrorCode::kUpstreamUnavailable, "the users service did not answer as expected");
  }
  boost::system::error_code ec;
  json::value v = json::parse(res.body, ec);
  if (ec || !v.is_object()) throw Error(ErrorCode::kUpstreamUnavailable, "the users service answered garbage");
  return std::move(v.get_object());
}

double Num(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  return 0;
}

std::string Str(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

ServiceTransport& Transport(const Client::Impl& c) {
  if (c.transport == nullptr) throw Unavailable("the users service is not reachable from this process");
  return *c.transport;
}

}  // namespace

Client::Client(ServiceTransport* transport, std::string service_token, std::chrono::milliseconds ttl)
    : impl_(std::make_shared<Impl>()) {
  impl_->transport = transport;
  impl_->token = std::move(service_token);
  impl_->ttl = ttl;
}

Client::~Client() = default;

void Client::Forget() const {
  std::lock_guard lock(impl_->mu);
  impl_->stores.clear();
  impl_->members.clear();
}

namespace {

// "HH:MM" → minutes, or -1.
int Minutes(const json::value* v) {
  if (!v || !v->is_string()) return -1;
  const json::string& t = v->get_string();
  if (t.size() != 5 || t[2] != ':') return -1;
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') return -1;
  const int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  return h > 24 || m > 59 ? -1 : h * 60 + m;
}

// opening_hours: 7 entries (Monday first), each null (closed) or [{"open":"HH:MM","close":"HH:MM"}…]. Anything
// else leaves the hours unknown.
void ReadHours(const json::object& o, StoreInfo& s) {
  const json::value* hours = o.if_contains("opening_hours");
  if (!hours || !hours->is_array() || hours->get_array().size() != 7) return;
  for (std::size_t d = 0; d < 7; ++d) {
    const json::value& day = hours->get_array()[d];
    if (day.is_null()) continue;
    if (!day.is_array()) return;
    for (const json::value& range : day.get_array()) {
      if (!range.is_object()) return;
      const int open = Minutes(range.get_object().if_contains("open"));
      const int close = Minutes(range.get_object().if_contains("close"));
      if (open < 0 || close < 0) return;
      s.hours[d].emplace_back(open, close);
    }
  }
  s.hours_known = true;
}

}  // namespace

bool OpenAt(const StoreInfo& store, std::int64_t unix_s) {
  if (!store.hours_known) return true;
  const std::int64_t local = unix_s + 3600;
  const std::int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday; Monday = 0
  const int minute = static_cast<int>((local - day * 86400) / 60);
  for (const auto& [open, close] : store.hours[static_cast<std::size_t>(weekday)])
    if (minute >= open && minute < close) return true;
  return false;
}

boost::asio::awaitable<std::optional<StoreInfo>> Client::Store(Deadline deadline, std::string store_id) const {
  std::shared_ptr<Impl> c = impl_;
  {
    std::lock_guard lock(c->mu);
    auto it = c->stores.find(store_id);
    if (it != c->stores.end() && it->second.expires > Clock::now()) co_return it->second.value;
  }
  http::ClientRequest req = Get(*c, "/internal/v1/stores/" + store_id, deadline);
  http::ClientResponse res = co_await Transport(*c).Call(std::move(req));
  std::optional<json::object> o = Answer(res, "store");
  if (!o) co_return std::nullopt;
  StoreInfo s;
  s.id = Str(*o, "id");
  s.merchant_id = Str(*o, "merchant_id");
  s.name = Str(*o, "name");
  s.lat = Num(*o, "lat");
  s.lon = Num(*o, "lon");
  s.delivery_radius_m = static_cast<int>(Num(*o, "delivery_radius_m"));
  const json::value* paused = o->if_contains("paused");
  s.paused = paused && paused->is_bool() && paused->get_bool();
  s.merchant_approved = Str(*o, "merchant_status") == "approved";
  ReadHours(*o, s);
  std::lock_guard lock(c->mu);
  if (c->stores.size() > 100000) c->stores.clear();
  c->stores[store_id] = Impl::Entry<StoreInfo>{s, Clock::now() + c->ttl};
  co_return s;
}

boost::asio::awaitable<std::optional<Membership>> Client::MemberOf(Deadline deadline, std::string user_id) const {
  std::shared_ptr<Impl> c = impl_;
  {
    std::lock_guard lock(c->mu);
    auto it = c->members.find(user_id);
    if (it != c->members.end() && it->second.expires > Clock::now()) co_return it->second.value;
  }
  http::ClientRequest req = Get(*c, "/internal/v1/members/" + user_id, deadline);
  http::ClientResponse res = co_await Transport(*c).Call(std::move(req));
  std::optional<json::object> o = Answer(res, "member");
  if (!o) co_return std::nullopt;
  if (Str(*o, "merchant_status") != "approved") co_return std::nullopt;
  Membership m;
  m.merchant_id = Str(*o, "merchant_id");
  m.role = Str(*o, "role");
  std::lock_guard lock(c->mu);
  if (c->members.size() > 100000) c->members.clear();
  c->members[user_id] = Impl::Entry<Membership>{m, Clock::now() + c->ttl};
  co_return m;
}

boost::asio::awaitable<std::vector<Membership>> Client::MembersOf(Deadline deadline, std::string merchant_id) const {
  std::shared_ptr<Impl> c = impl_;
  http::ClientRequest req = Get(*c, "/internal/v1/merchants/" + merchant_id + "/members", deadline);
  http::ClientResponse res = co_await Transport(*c).Call(std::move(req));
  std::optional<json::object> o = Answer(res, "members");
  std::vector<Membership> out;
  if (!o) co_return out;
  const json::value* items = o->if_contains("items");
  if (items == nullptr || !items->is_array()) co_return out;
  for (const json::value& v : items->get_array()) {
    if (!v.is_object()) continue;
    Membership m;
    m.merchant_id = merchant_id;
    m.user_id = Str(v.get_object(), "user_id");
    m.role = Str(v.get_object(), "role");
    out.push_back(std::move(m));
  }
  co_return out;
}

}  // namespace okada::users
