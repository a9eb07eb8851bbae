// The brain service: MakeService() and its Start(), which loads the travel-time model, reads the dispatch
// settings and registers the routes.
#include "okada/brain/service.hpp"

#include "api/api.hpp"
#include "events/events.hpp"
#include "okada/brain/features/features.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/users/client.hpp"
#include "store/features.hpp"
#include "store/forecasts.hpp"
#include "store/monitoring.hpp"
#include "store/recs.hpp"

namespace okada::brain {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

// The feature store's batch: every view as of the last whole interval, then each view's latest rows to Redis,
// then rows past their keeping time. Idempotent, so several replicas running it do no harm.
boost::asio::awaitable<void> Features(StatePtr s, Deadline d) {
  const std::int64_t step = std::max<std::int64_t>(1, s->features_every.count() / 1000);
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t as_of = now - now % step;
  const std::int64_t rows = co_await store::ComputeViews(*s->db, as_of, d);
  std::int64_t online = 0;
  for (const features::View& v : features::Views()) {
    const std::int64_t n = co_await store::Materialise(*s->db, s->redis->Local(), v, now, d);
    online += n;
  }
  const std::int64_t pruned = co_await store::PruneFeatures(*s->db, now, s->features_keep_days, d);
  // Monitoring: each view's latest rows against a week earlier; recommendation outcomes.
  const std::int64_t week = 7 * 86400;
  std::vector<store::ViewDrift> drift = co_await store::FeatureDrift(*s->db, now, week, d);
  for (const store::ViewDrift& v : drift) {
    s->figures->Set("share:" + v.view, v.drift.drift_share);
    for (const monitoring::FeatureDrift& f : v.drift.features) {
      s->figures->Set("psi:" + v.view + "." + f.feature, f.psi);
      s->figures->Set("level:" + v.view + "." + f.feature, static_cast<double>(f.level));
      if (f.level == monitoring::Level::kAlert)
        log::Warn("brain.feature_drift", {{"view", v.view},
                                          {"feature", f.feature},
                                          {"psi", std::to_string(f.psi)},
                                          {"p_value", std::to_string(f.p_value)}});
    }
  }
  std::vector<store::RecsAccuracy> outcomes = co_await store::RecsOutcomes(*s->db, d);
  for (const store::RecsAccuracy& a : outcomes) {
    s->figures->Set("served:" + a.variant, static_cast<double>(a.served));
    s->figures->Set("conversion:" + a.variant,
                    a.served > 0 ? static_cast<double>(a.converted) / static_cast<double>(a.served) : 0.0);
  }
  log::Info("brain.features", {{"as_of", std::to_string(as_of)},
                               {"rows", std::to_string(rows)},
                               {"online", std::to_string(online)},
                               {"pruned", std::to_string(pruned)}});
}

// Serving's background: the registry re-read when it changes (recommenders, demand forecasts), what is on sale.
boost::asio::awaitable<void> RecsModels(StatePtr s, Deadline d) {
  const std::string changed = s->recs->ReloadModels();
  if (!changed.empty()) log::Info("brain.recs_models", {{"loaded", changed}});
  const std::string forecasts = s->forecasts->Reload();
  if (!forecasts.empty()) log::Info("brain.forecasts", {{"loaded", forecasts}});
  co_await s->recs->RefreshCatalogue(*s->db, d);
}

boost::asio::awaitable<void> RecsLog(StatePtr s, Deadline d) {
  std::vector<store::Prediction> batch = s->recs->TakeLog();
  if (batch.empty()) co_return;
  try {
    co_await store::FlushPredictions(*s->db, std::move(batch), d);
  } catch (const std::exception& e) {
    log::Warn("brain.predictions_not_logged", {{"error", e.what()}});  // the answers were served; the log is lossy
  }
}

class BrainService : public Service {
 public:
  std::string_view name() const override { return "brain"; }
  std::vector<pg::Migration> Migrations() const override { return brain::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->redis = &ctx.redis();
    state->features_every = c.GetDuration("brain.features_ms");
    state->features_keep_days = static_cast<int>(c.GetInt("brain.features_keep_days"));
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

    std::string registry = c.GetString("brain.registry_dir");
    if (registry.empty()) registry = (ctx.state_dir() / "brain" / "registry").string();
    state->recs = std::make_shared<store::RecsStore>(registry);
    state->users = std::make_shared<users::Client>(ctx.FindTransport("users", "recommendations skip the store checks"),
                                                   state->service_token);
    state->recs_challenger_percent = static_cast<int>(c.GetInt("brain.recs_challenger_percent"));
    state->recs_seconds = &m.GetHistogram("okada_brain_recs_seconds", "time to answer a recommendation request");
    state->recs_fallbacks =
        &m.GetCounter("okada_brain_recs_fallback_total", "recommendations answered by popularity (no model)");
    const std::string loaded = state->recs->ReloadModels();
    log::Info("brain.recs_models", {{"registry", registry}, {"loaded", loaded.empty() ? "none" : loaded}});
    api::AddRecsRoutes(ctx.router(), state);
    api::AddExportRoutes(ctx.router(), state);
    state->forecasts = std::make_shared<store::ForecastStore>(registry);
    const std::string forecasts = state->forecasts->Reload();
    log::Info("brain.forecasts", {{"registry", registry}, {"loaded", forecasts.empty() ? "none" : forecasts}});
    api::AddForecastRoutes(ctx.router(), state);

    // Monitoring gauges, computed by the brain.features job (store/monitoring.cpp; alert rules in
    // deploy/prometheus/brain.rules.yml).
    state->figures = std::make_shared<store::MonitoringFigures>();
    std::shared_ptr<store::MonitoringFigures> fig = state->figures;
    for (const features::View& v : features::Views()) {
      m.AddCallbackGauge("okada_brain_feature_drift_share", "share of a view's features at the alert level",
                         {{"view", v.name}}, [fig, key = "share:" + v.name] { return fig->Get(key); });
      for (const features::Feature& f : v.features) {
        const std::string id = v.name + "." + f.name;
        m.AddCallbackGauge("okada_brain_feature_psi", "population stability index, latest rows vs a week earlier",
                           {{"view", v.name}, {"feature", f.name}}, [fig, key = "psi:" + id] { return fig->Get(key); });
        m.AddCallbackGauge("okada_brain_feature_drift_level", "0 ok, 1 warn (PSI >= 0.1), 2 alert",
                           {{"view", v.name}, {"feature", f.name}},
                           [fig, key = "level:" + id] { return fig->Get(key); });
      }
    }
    for (const char* variant : {"champion", "challenger", "cold_start", "fallback"}) {
      m.AddCallbackGauge(
          "okada_brain_recs_conversion", "share of home feeds (7 days) followed by a purchase of a recommended product",
          {{"variant", variant}}, [fig, key = std::string("conversion:") + variant] { return fig->Get(key); });
      m.AddCallbackGauge("okada_brain_recs_served_7d", "home feeds served in the last 7 days (newest 20,000)",
                         {{"variant", variant}},
                         [fig, key = std::string("served:") + variant] { return fig->Get(key); });
    }

    StatePtr s = state;
    okada::events::AddConsumer(
        ctx, std::make_shared<okada::events::Consumer>(
                 "brain", "brain",
                 std::vector<std::string>{"order.placed", "listing.updated", "delivery.delivered", "delivery.failed"},
                 [](const okada::events::Event& e, pg::Transaction& tx) { return events::OnEvent(e, tx); },
                 okada::events::ConsumerOptions{
                     .batch = 500,  // catches up quickly after a deployment
                     .after_commit = [](const std::vector<okada::events::Event>& applied, redis::Client& redis,
                                        Deadline d) { return store::MarkHistoriesStale(applied, redis, d); }}));
    ctx.AddJob(Job{"brain.features", s->features_every, [s](Deadline d) { return Features(s, d); }});
    ctx.AddJob(
        Job{"brain.recs_models", c.GetDuration("brain.recs_refresh_ms"), [s](Deadline d) { return RecsModels(s, d); }});
    ctx.AddJob(Job{"brain.predictions", std::chrono::milliseconds(100), [s](Deadline d) { return RecsLog(s, d); }});
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<BrainService>(); }

}  // namespace okada::brain
