// Recommendations (ARCHITECTURE §9): a customer's home feed, "buy again", "often bought together" for a cart and
// similar products. The champion model answers most customers and the challenger a stable share; a customer with
// no history yet (cold start), or anyone while there is no model (none trained, or its file failing its sha256),
// gets what sells in their neighbourhood at this time of day. Only products on sale are recommended, from stores
// that are approved, not paused, open now and (when the caller says where the customer is) deliver there. Every
// answer is logged with the model version (brain.predictions) for later accuracy measurement.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "api/api.hpp"
#include "domain/recs.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/geo.hpp"
#include "okada/core/http/paging.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/users/client.hpp"
#include "store/recs.hpp"

namespace okada::brain::api {

namespace asio = boost::asio;
namespace json = boost::json;
using recs_serving::Pick;

namespace {

constexpr std::size_t kMaxLimit = 50;
constexpr std::size_t kMaxCart = 50;

struct Where {
  bool known = false;
  double lat = 0, lon = 0;
};

struct Ask {
  std::string customer;  // may be empty (similar items for a signed-out screen is not served: customers only)
  std::size_t limit = 10;
  Where where;
};

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double Coordinate(const http::Request& req, const char* name, double bound, std::vector<FieldError>& errors) {
  std::optional<std::string> raw = req.query_param(name);
  if (!raw) return 0;
  char* end = nullptr;
  const double v = std::strtod(raw->c_str(), &end);
  if (raw->empty() || !end || *end != '\0' || !std::isfinite(v) || std::fabs(v) > bound) {
    errors.push_back(
        {name, "INVALID_FORMAT", std::string("a number within ±") + std::to_string(static_cast<int>(bound))});
    return 0;
  }
  return v;
}

// Who is asking about whom, how many, and where the customer is. Customers ask for themselves; admins (support)
// name the customer (customer_id).
Ask ReadAsk(const http::Request& req) {
  Ask a;
  std::vector<FieldError> errors;
  const auto& who = req.principal();
  if (!who) throw Error(ErrorCode::kUnauthenticated);
  if (who->role == "customer") {
    a.customer = who->subject;
  } else if (auto id = req.query_param("customer_id")) {
    if (!paging::IsUuid(*id)) errors.push_back({"customer_id", "INVALID_FORMAT", "a customer's account id (UUID)"});
    a.customer = *id;
  }
  std::optional<std::string> raw = req.query_param("limit");
  std::optional<int> limit = paging::ParseLimit(raw ? std::optional<std::string_view>(*raw) : std::nullopt);
  if (!limit) {
    errors.push_back({"limit", "INVALID_TYPE", "a whole number"});
  } else {
    a.limit = std::min<std::size_t>(kMaxLimit, static_cast<std::size_t>(raw ? *limit : 10));
  }
  const bool has_lat = req.query_param("lat").has_value(), has_lon = req.query_param("lon").has_value();
  if (has_lat != has_lon) errors.push_back({has_lat ? "lon" : "lat", "REQUIRED", "lat and lon go together"});
  a.where.lat = Coordinate(req, "lat", 90, errors);
  a.where.lon = Coordinate(req, "lon", 180, errors);
  a.where.known = has_lat && has_lon;
  if (!errors.empty()) throw Invalid(std::move(errors));
  return a;
}

struct Choice {
  std::shared_ptr<const store::ServedModel> model;
  std::string variant = "fallback";
};

Choice ModelFor(const State& s, const std::string& customer) {
  Choice c;
  auto challenger = s.recs->Challenger();
  if (challenger && !customer.empty() && recs_serving::InChallenger(customer, s.recs_challenger_percent)) {
    c.model = challenger;
    c.variant = "challenger";
  } else if (auto champion = s.recs->Champion()) {
    c.model = champion;
    c.variant = "champion";
  }
  return c;
}

// The listing to show for a product: its first store that is approved, not paused and (if known) delivers to
// the customer. Store facts come from users (cached there for 30 s).
asio::awaitable<std::optional<store::Offer>> Deliverable(StatePtr s, const store::Catalogue& c,
                                                         const std::string& product, const Where& where,
                                                         Deadline deadline) {
  auto it = c.on_sale.find(product);
  if (it == c.on_sale.end()) co_return std::nullopt;
  for (const store::Offer& o : it->second) {
    std::optional<users::StoreInfo> info;
    try {
      info = co_await s->users->Store(deadline, o.store_id);
    } catch (const Error&) {
      co_return o;  // users unreachable: recommend rather than show nothing; checkout checks again
    }
    if (!info || info->paused || !info->merchant_approved || !users::OpenAt(*info, NowS())) continue;
    if (where.known && geo::DistanceM(where.lat, where.lon, info->lat, info->lon) > info->delivery_radius_m) continue;
    co_return o;
  }
  co_return std::nullopt;
}

asio::awaitable<http::Response> Answer(StatePtr s, const std::string& endpoint, const Ask& ask, const Choice& choice,
                                       std::vector<Pick> ranked, const store::Catalogue& catalogue,
                                       std::chrono::steady_clock::time_point started, Deadline deadline) {
  json::array items;
  std::vector<std::string> ids;
  for (const Pick& p : ranked) {
    if (ids.size() >= ask.limit) break;
    std::optional<store::Offer> offer = co_await Deliverable(s, catalogue, p.product_id, ask.where, deadline);
    if (!offer) continue;
    json::object o;
    o["product_id"] = p.product_id;
    o["store_id"] = offer->store_id;
    o["price_xaf"] = offer->price_xaf;
    o["score"] = std::round(p.score * 1e4) / 1e4;
    items.push_back(std::move(o));
    ids.push_back(p.product_id);
  }
  const int version = choice.model ? choice.model->version : 0;
  json::object model{{"name", "recs"}, {"version", version}, {"variant", choice.variant}};
  json::object out{{"items", std::move(items)}, {"model", std::move(model)}};
  const auto elapsed = std::chrono::steady_clock::now() - started;
  const std::int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
  s->recs_seconds->Observe(static_cast<double>(us) / 1e6);
  if (choice.variant == "fallback") s->recs_fallbacks->Add();
  s->recs->Log({NowMs(), endpoint, ask.customer, version, choice.variant, std::move(ids), us});
  co_return http::Response::Json(json::serialize(out), 200);
}

std::function<bool(const std::string&)> OnSale(const store::Catalogue& c) {
  return [&c](const std::string& id) { return c.on_sale.count(id) > 0; };
}

// The neighbourhood to use for popularity: where the customer says they are, else their home zone.
std::string Area(const Where& where, const std::string& home_zone) {
  return where.known ? recs_serving::Neighbourhood(geo::Geohash(where.lat, where.lon, 5))
                     : recs_serving::Neighbourhood(home_zone);
}

// Popularity around `area` at this time of day, less `exclude`.
std::vector<Pick> Popular(const store::Catalogue& c, const std::string& area,
                          const std::unordered_set<std::string>& exclude, std::size_t limit) {
  const int part = recs_serving::Daypart(recs_serving::LocalHour(NowS()));
  return recs_serving::ContextualPopular(c.popularity, area, part, OnSale(c), exclude, limit);
}

asio::awaitable<store::CustomerView> Customer(StatePtr s, const std::string& customer, Deadline deadline) {
  if (customer.empty()) co_return store::CustomerView{};
  redis::Client* redis = s->redis ? &s->redis->Local() : nullptr;
  co_return co_await store::ReadCustomer(*s->db, redis, customer, deadline);
}

Deadline Budget(const http::Request& req) {
  return std::min(req.deadline(), Clock::now() + std::chrono::milliseconds(200));
}

asio::awaitable<http::Response> Home(StatePtr s, http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const Ask ask = ReadAsk(req);
  const Deadline deadline = Budget(req);
  const store::CustomerView who = co_await Customer(s, ask.customer, deadline);
  const auto catalogue = s->recs->Products();
  Choice choice = ModelFor(*s, ask.customer);
  if (choice.model && who.history.empty()) choice = Choice{nullptr, "cold_start"};
  const std::size_t want = ask.limit * 4;
  std::vector<Pick> ranked =
      choice.model ? recs_serving::Rank(choice.model->model, who.history, NowS(), OnSale(*catalogue), {}, want)
                   : Popular(*catalogue, Area(ask.where, who.home_zone), {}, want);
  const std::string endpoint = "home";  // named: GCC 12 mishandles temporaries inside co_await arguments
  co_return co_await Answer(s, endpoint, ask, choice, std::move(ranked), *catalogue, started, deadline);
}

asio::awaitable<http::Response> BuyAgain(StatePtr s, http::Request& req) {
  const auto started = std::chrono::steady_clock::now();
  const Ask ask = ReadAsk(req);
  const Deadline deadline = Budget(req);
  const store::CustomerView who = co_await Customer(s, ask.customer, deadline);
  const auto catalogue = s->recs->Products();
  Choice none;
  none.variant = "history";
  std::vector<Pick> ranked = recs_serving::BuyAgain(who.history, NowS(), OnSale(*catalogue), ask.limit * 4);
  const std::string endpoint = "buy_again";
  co_return co_await Answer(s, endpoint, ask, none, std::move(ranked), *catalogue, started, deadline);
}

// Items scored against a short "history" (a cart, one product), excluding those items.
asio::awaitable<http::Response> Around(StatePtr s, http::Request& req, std::string endpoint,
                                       std::vector<std::string> products) {
  const auto started = std::chrono::steady_clock::now();
  const Ask ask = ReadAsk(req);
  const Deadline deadline = Budget(req);
  const auto catalogue = s->recs->Products();
  const Choice choice = ModelFor(*s, ask.customer);
  const std::int64_t now = NowS();
  std::vector<recs_serving::HistoryItem> basket;
  std::unordered_set<std::string> exclude;
  for (const std::string& p : products) {
    basket.push_back({p, 1, now});
    exclude.insert(p);
  }
  const std::size_t want = ask.limit * 4;
  std::vector<Pick> ranked =
      choice.model ? recs_serving::Rank(choice.model->model, basket, now, OnSale(*catalogue), exclude, want)
                   : Popular(*catalogue, Area(ask.where, ""), exclude, want);
  co_return co_await Answer(s, endpoint, ask, choice, std::move(ranked), *catalogue, started, deadline);
}

asio::awaitable<http::Response> BoughtTogether(StatePtr s, http::Request& req) {
  JsonReader body(req.body());
  std::vector<std::string> cart = body.OptionalStrings("product_ids", kMaxCart, StringRule{36, 36});
  std::vector<FieldError> errors;
  if (cart.empty() && body.errors().empty())
    errors.push_back({"product_ids", "REQUIRED", "the products in the cart (1 to 50 ids)"});
  for (std::size_t i = 0; i < cart.size(); ++i)
    if (!paging::IsUuid(cart[i]))
      errors.push_back({"product_ids[" + std::to_string(i) + "]", "INVALID_FORMAT", "a product id (UUID)"});
  body.RejectUnknownFields();
  body.Finish();
  if (!errors.empty()) throw Invalid(std::move(errors));
  std::string endpoint = "bought_together";
  co_return co_await Around(s, req, std::move(endpoint), std::move(cart));
}

asio::awaitable<http::Response> Similar(StatePtr s, http::Request& req) {
  std::string product(req.path_param("id"));
  if (!paging::IsUuid(product)) throw Error(ErrorCode::kProductNotFound, "product ids are UUIDs");
  std::string endpoint = "similar";
  std::vector<std::string> one{product};
  co_return co_await Around(s, req, std::move(endpoint), std::move(one));
}

}  // namespace

void AddRecsRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/v1/brain/recs/home",
             http::AsyncHandler([s](http::Request& r) { return Home(s, r); }));
  router.Add(http::Method::kGet, "/v1/brain/recs/buy-again",
             http::AsyncHandler([s](http::Request& r) { return BuyAgain(s, r); }));
  router.Add(http::Method::kPost, "/v1/brain/recs/bought-together",
             http::AsyncHandler([s](http::Request& r) { return BoughtTogether(s, r); }));
  router.Add(http::Method::kGet, "/v1/brain/recs/similar/{id}",
             http::AsyncHandler([s](http::Request& r) { return Similar(s, r); }));
}

}  // namespace okada::brain::api
