#include "store/store.hpp"

#include <boost/json.hpp>

#include "okada/core/host.hpp"
#include "okada/core/http/service_call.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::brain::store {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::chrono::seconds kZonesFresh{30};

// orders' GET /internal/v1/no-go-zones → active rings; malformed items are skipped (orders validates them).
std::vector<dispatch::Ring> RingsOf(const json::object& answer) {
  std::vector<dispatch::Ring> out;
  const json::value* items = answer.if_contains("items");
  if (!items || !items->is_array()) return out;
  for (const json::value& item : items->get_array()) {
    if (!item.is_object()) continue;
    const json::value* active = item.get_object().if_contains("active");
    const json::value* poly = item.get_object().if_contains("polygon");
    if (!active || !active->is_bool() || !active->get_bool() || !poly || !poly->is_array()) continue;
    dispatch::Ring ring;
    for (const json::value& p : poly->get_array()) {
      if (!p.is_array() || p.get_array().size() != 2 || !p.get_array()[0].is_number() || !p.get_array()[1].is_number())
        break;
      ring.emplace_back(p.get_array()[0].to_number<double>(), p.get_array()[1].to_number<double>());
    }
    if (ring.size() >= 3) out.push_back(std::move(ring));
  }
  return out;
}

}  // namespace

asio::awaitable<std::shared_ptr<const std::vector<dispatch::Ring>>> NoGoZones(StatePtr s, Deadline deadline) {
  std::shared_ptr<const std::vector<dispatch::Ring>> known;
  {
    std::lock_guard lock(s->zones_mu);
    known = s->zones;
    if (known && Clock::now() - s->zones_loaded < kZonesFresh) co_return known;
  }
  if (s->orders == nullptr) co_return known ? known : std::make_shared<const std::vector<dispatch::Ring>>();
  std::string failure;
  std::shared_ptr<const std::vector<dispatch::Ring>> fresh;
  try {
    http::ClientRequest req =
        http::ServiceRequest(http::Method::kGet, "/internal/v1/no-go-zones", s->service_token, "", deadline);
    http::ClientResponse res = co_await s->orders->Call(std::move(req));
    fresh = std::make_shared<const std::vector<dispatch::Ring>>(
        RingsOf(http::ServiceAnswer(res, "brain_orders", "the orders service", "no-go zones", {})));
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::lock_guard lock(s->zones_mu);
  if (!failure.empty()) {
    s->zone_failures->Add();
    log::Warn("brain.no_go_zones_unavailable", {{"error", failure}});
    // Keep the last zones; try again at the next round rather than after 30 s.
    co_return known ? known : std::make_shared<const std::vector<dispatch::Ring>>();
  }
  s->zones = fresh;
  s->zones_loaded = Clock::now();
  co_return fresh;
}

asio::awaitable<void> LogRound(StatePtr s, const dispatch::Input& in, const dispatch::Result& res,
                               const json::object& answer, double elapsed_ms) {
  std::size_t assigned = 0;
  for (const dispatch::Assignment& a : res.assignments) assigned += a.order_ids.size();
  const json::value* plan = answer.if_contains("assignments");
  // Every argument is a named local: GCC 12 mishandles temporaries inside a co_await expression.
  const int riders = static_cast<int>(in.riders.size()), orders = static_cast<int>(in.orders.size());
  const int assigned_n = static_cast<int>(assigned), waiting = static_cast<int>(res.unassigned.size());
  const std::string model = s->travel->Version();
  const std::string plan_json = plan ? json::serialize(*plan) : std::string("[]");
  const Deadline deadline = DeadlineIn(std::chrono::milliseconds(500));
  std::string failure;
  try {
    co_await s->db->Execute(deadline, kRoundInsert, riders, orders, assigned_n, waiting, res.batched_riders,
                            res.lateness_s, res.complete, elapsed_ms, model, plan_json);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("brain.dispatch_log_failed", {{"error", failure}});
}

}  // namespace okada::brain::store
