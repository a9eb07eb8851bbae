// The brain service: MakeService() and its Start(), which loads the travel-time model, reads the dispatch
// settings and registers the routes.
#include "okada/brain/service.hpp"

#include "api/api.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::brain {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

class BrainService : public Service {
 public:
  std::string_view name() const override { return "brain"; }
  std::vector<pg::Migration> Migrations() const override { return brain::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());
    state->orders = ctx.FindTransport("orders", "dispatch knows only the no-go zones it is sent");
    state->travel = store::TravelModel::Load(c.GetString("brain.eta_model"));
    log::Info("brain.eta_model", {{"model", state->travel->Version()}});

    dispatch::Options& o = state->options;
    o.candidates = static_cast<int>(c.GetInt("brain.dispatch_candidates"));
    o.max_pickup_m = static_cast<double>(c.GetInt("brain.dispatch_max_pickup_m"));
    o.batch_max_delay_s = static_cast<double>(c.GetDuration("brain.dispatch_batch_max_delay_ms").count()) / 1000;
    o.pickup_service_s = static_cast<double>(c.GetDuration("brain.pickup_service_ms").count()) / 1000;
    o.dropoff_service_s = static_cast<double>(c.GetDuration("brain.dropoff_service_ms").count()) / 1000;
    o.lateness_weight = static_cast<double>(c.GetInt("brain.lateness_weight"));
    o.fill = c.GetBool("brain.dispatch_fill");
    state->default_promise_s = static_cast<double>(c.GetDuration("brain.default_promise_ms").count()) / 1000;
    state->max_deadline = c.GetDuration("brain.dispatch_max_deadline_ms");

    Metrics& m = ctx.metrics();
    state->dispatch_seconds = &m.GetHistogram("okada_brain_dispatch_seconds", "time to plan one dispatch round");
    state->dispatched_orders =
        &m.GetCounter("okada_brain_dispatch_orders_total", "orders by dispatch outcome", {{"outcome", "assigned"}});
    state->waiting_orders =
        &m.GetCounter("okada_brain_dispatch_orders_total", "orders by dispatch outcome", {{"outcome", "waiting"}});
    state->cut_rounds = &m.GetCounter("okada_brain_dispatch_cut_total", "dispatch rounds cut short by their deadline");
    state->zone_failures = &m.GetCounter("okada_brain_zone_failures_total", "no-go zone reads from orders that failed");
    api::AddDispatchRoutes(ctx.router(), state);
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<BrainService>(); }

}  // namespace okada::brain
