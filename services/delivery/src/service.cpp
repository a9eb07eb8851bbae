// The delivery service: MakeService() and its Start(), which registers the routes, the dispatch, sync and
// partition jobs, the event relay and the consumer of order.accepted / order.ready / order.cancelled.
#include "okada/delivery/service.hpp"

#include "api/api.hpp"
#include "events/events.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::delivery {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

Settings ReadSettings(const Config& c) {
  Settings s;
  s.offer_ttl = c.GetDuration("delivery.offer_ttl_ms");
  s.offer_lead = c.GetDuration("delivery.offer_lead_ms");
  s.prep_estimate = c.GetDuration("delivery.prep_estimate_ms");
  s.search_radius_m = static_cast<double>(c.GetInt("delivery.search_radius_m"));
  s.search_radius_max_m = static_cast<double>(c.GetInt("delivery.search_radius_max_m"));
  s.riders_per_ring = static_cast<int>(c.GetInt("delivery.riders_per_ring"));
  s.rider_capacity = static_cast<int>(c.GetInt("delivery.rider_capacity"));
  s.position_stale = c.GetDuration("delivery.position_stale_ms");
  s.arriving_m = static_cast<double>(c.GetInt("delivery.arriving_m"));
  s.proof_radius_m = static_cast<double>(c.GetInt("delivery.proof_radius_m"));
  s.call_attempts = static_cast<int>(c.GetInt("delivery.call_attempts"));
  s.code_attempts = static_cast<int>(c.GetInt("delivery.code_attempts"));
  s.rider_share_bp = static_cast<int>(c.GetInt("payments.rider_share_bp"));
  s.brain_timeout = c.GetDuration("delivery.brain_timeout_ms");
  s.keep_positions_days = static_cast<int>(c.GetInt("delivery.keep_positions_days"));
  return s;
}

boost::asio::awaitable<void> Lapse(StatePtr s, Deadline d) { co_await LapseOffers(s, d); }
boost::asio::awaitable<void> Offer(StatePtr s, Deadline d) { co_await OfferDue(s, d); }
boost::asio::awaitable<void> Sync(StatePtr s, Deadline d) { co_await SyncDue(s, d); }
boost::asio::awaitable<void> Partitions(StatePtr s, Deadline d) { co_await KeepPartitions(s, d); }

class DeliveryService : public Service {
 public:
  std::string_view name() const override { return "delivery"; }
  std::vector<pg::Migration> Migrations() const override { return delivery::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->redis = &ctx.redis();
    state->io = &ctx.io();
    state->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());
    state->keyring = std::make_shared<crypto::LiveKeyring>(ctx.state_dir());
    state->orders =
        std::make_shared<orders::Client>(ctx.FindTransport("orders", "deliveries cannot start"), state->service_token);
    state->users =
        std::make_shared<users::Client>(ctx.FindTransport("users", "deliveries cannot start"), state->service_token);
    state->payments = ctx.FindTransport("payments", "drop-offs wait in delivery.sync");
    // The brain is optional: without it (or while it fails) dispatch offers the nearest available rider.
    state->brain = ctx.FindTransport("brain");
    if (state->brain == nullptr) log::Info("delivery.dispatch_nearest_only", {{"detail", "no brain service"}});
    state->outbox = std::make_shared<const okada::events::Outbox>("delivery");
    state->settings = ReadSettings(c);
    resilience::BreakerOptions b;
    b.consecutive_failures = 3;
    b.open_for = std::chrono::seconds(30);
    for (std::size_t i = 0; i < ctx.io().size(); ++i)
      state->brain_breakers.push_back(
          std::make_unique<resilience::CircuitBreaker>("brain_dispatch", b, &ctx.metrics()));
    Metrics& m = ctx.metrics();
    state->offers_by_brain = &m.GetCounter("okada_delivery_offers_total", "offers made", {{"via", "brain"}});
    state->offers_by_nearest = &m.GetCounter("okada_delivery_offers_total", "offers made", {{"via", "nearest"}});
    state->positions = &m.GetCounter("okada_delivery_positions_total", "rider positions received");
    StatePtr s = state;

    api::AddRiderRoutes(ctx.router(), s);
    api::AddDeliveryRoutes(ctx.router(), s);

    okada::events::AddRelay(ctx, s->outbox);
    std::vector<std::string> consumed{"order.accepted", "order.ready", "order.cancelled"};
    okada::events::AddConsumer(
        ctx, std::make_shared<okada::events::Consumer>(
                 "delivery", "delivery", consumed,
                 [s](const okada::events::Event& e, pg::Transaction& tx) { return events::OnOrderEvent(s, e, tx); }));
    std::chrono::milliseconds tick = c.GetDuration("delivery.dispatch_ms");
    ctx.AddJob(Job{"delivery.lapse_offers", tick, [s](Deadline d) { return Lapse(s, d); }});
    ctx.AddJob(Job{"delivery.offer", tick, [s](Deadline d) { return Offer(s, d); }});
    ctx.AddJob(Job{"delivery.sync", tick, [s](Deadline d) { return Sync(s, d); }});
    ctx.AddJob(Job{"delivery.partitions", std::chrono::hours(6), [s](Deadline d) { return Partitions(s, d); }});
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<DeliveryService>(); }

}  // namespace okada::delivery
