// The payments service: MakeService() and its Start(), which builds the provider adapters from their
// credentials files, registers the routes, the worker, reconciliation, the event relay and the consumer of
// order.cancelled.
#include "okada/payments/service.hpp"

#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/jobs.hpp"
#include "events/events.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::payments {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

// {user, secret, key, channel_msisdn, pin} from a credentials file; empty map when the file is missing or bad.
std::map<std::string, std::string> Credentials(const std::filesystem::path& path) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  boost::system::error_code jec;
  boost::json::value v = boost::json::parse(crypto::ReadSecretFile(path), jec);
  if (jec || !v.is_object()) return out;
  for (const auto& [k, x] : v.get_object())
    if (x.is_string()) out[std::string(k)] = std::string(x.get_string());
  return out;
}

std::filesystem::path CredentialsPath(const Config& c, ServiceContext& ctx, const std::string& key,
                                      const std::string& fallback) {
  const std::string& set = c.GetString(key);
  return set.empty() ? ctx.state_dir() / "keys" / fallback : std::filesystem::path(set);
}

resilience::BreakerOptions Breaker(const Config& c) {
  resilience::BreakerOptions b;
  b.consecutive_failures = static_cast<int>(c.GetInt("payments.breaker_failures"));
  b.open_for = c.GetDuration("payments.breaker_open_ms");
  return b;
}

void BuildProviders(ServiceContext& ctx, State& st) {
  const Config& c = ctx.config();
  auto momo = Credentials(CredentialsPath(c, ctx, "payments.momo_credentials_file", "momo-sandbox.json"));
  if (!momo["user"].empty() && !momo["secret"].empty() && !momo["key"].empty()) {
    mobile_money::MomoOptions o;
    o.base_url = c.GetString("payments.momo_url");
    o.api_user = momo["user"];
    o.api_key = momo["secret"];
    o.collection_key = momo["key"];
    o.disbursement_key = momo.count("disbursement_key") ? momo["disbursement_key"] : momo["key"];
    o.target_environment = c.GetString("payments.momo_target_environment");
    o.timeout = c.GetDuration("payments.provider_timeout_ms");
    o.breaker = Breaker(c);
    st.providers["momo"] = mobile_money::MakeMomo(ctx.io(), o, &ctx.metrics());
  } else {
    log::Warn("payments.provider_not_configured", {{"provider", "momo"}, {"detail", "no credentials file"}});
  }
  auto orange = Credentials(CredentialsPath(c, ctx, "payments.orange_credentials_file", "orange-sandbox.json"));
  if (!orange["user"].empty() && !orange["secret"].empty() && !orange["key"].empty()) {
    mobile_money::OrangeOptions o;
    o.base_url = c.GetString("payments.orange_url");
    o.client_id = orange["user"];
    o.client_secret = orange["secret"];
    o.auth_token = orange["key"];
    o.channel_msisdn = orange.count("channel_msisdn") ? orange["channel_msisdn"] : "237690000000";
    o.pin = orange.count("pin") ? orange["pin"] : "0000";
    o.timeout = c.GetDuration("payments.provider_timeout_ms");
    o.breaker = Breaker(c);
    st.providers["orange_money"] = mobile_money::MakeOrange(ctx.io(), o, &ctx.metrics());
  } else {
    log::Warn("payments.provider_not_configured", {{"provider", "orange_money"}, {"detail", "no credentials file"}});
  }
  st.settings.provider_urls["momo"] = c.GetString("payments.momo_url");
  st.settings.provider_urls["orange_money"] = c.GetString("payments.orange_url");
}

Settings ReadSettings(const Config& c) {
  Settings s;
  s.rates.commission_bp = static_cast<int>(c.GetInt("payments.commission_bp"));
  s.rates.rider_share_bp = static_cast<int>(c.GetInt("payments.rider_share_bp"));
  s.step_budget = 2 * c.GetDuration("payments.provider_timeout_ms") + std::chrono::milliseconds(2000);
  s.poll_first = c.GetDuration("payments.poll_first_ms");
  s.poll_max = c.GetDuration("payments.poll_max_ms");
  s.late_window = c.GetDuration("payments.late_window_ms");
  s.reconcile_grace = c.GetDuration("payments.reconcile_grace_ms");
  s.payout_min = c.GetInt("payments.payout_min_xaf");
  s.statement_path = c.GetString("payments.statement_path");
  s.callback_base = c.GetString("payments.callback_base_url");
  return s;
}

boost::asio::awaitable<void> Look(StatePtr s, Deadline d) { co_await LookAtPayments(s, d); }
boost::asio::awaitable<void> Follow(StatePtr s, Deadline d) { co_await FollowOrders(s, d); }
boost::asio::awaitable<void> Move(StatePtr s, Deadline d) { co_await MoveMoney(s, d); }

boost::asio::awaitable<void> ReconcileAll(StatePtr s, Deadline d) {
  for (const auto& [name, provider] : s->providers) {
    std::string failure;
    try {
      co_await ReconcileProvider(s, name, d);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::Warn("payments.reconciliation_failed", {{"provider", name}, {"error", failure}});
  }
}

class PaymentsService : public Service {
 public:
  std::string_view name() const override { return "payments"; }
  std::vector<pg::Migration> Migrations() const override { return payments::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    std::string token = access::LoadOrCreateServiceToken(ctx.state_dir());
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->io = &ctx.io();
    state->keyring = std::make_shared<crypto::LiveKeyring>(ctx.state_dir());
    state->orders = std::make_shared<orders::Client>(ctx.FindTransport("orders", "payments will answer 503"), token);
    state->users = std::make_shared<users::Client>(ctx.FindTransport("users", "payments will answer 503"), token);
    state->outbox = std::make_shared<const okada::events::Outbox>("payments");
    state->settings = ReadSettings(c);
    BuildProviders(ctx, *state);
    std::filesystem::path key_file = ctx.state_dir() / "keys" / "payments-callback.key";
    crypto::CreateSecretFile(key_file, crypto::RandomToken(32));
    state->callback_key = crypto::ReadSecretFile(key_file);
    state->listening_port = ctx.listening_port();
    Metrics& m = ctx.metrics();
    state->forged_callbacks =
        &m.GetCounter("okada_payments_callbacks_forged_total",
                      "provider callbacks with a wrong token (logged as payments.callback_forged)");
    state->unconfirmed_callbacks = &m.GetCounter("okada_payments_callbacks_unconfirmed_total",
                                                 "callbacks claiming success that the provider did not confirm");
    state->amount_mismatches =
        &m.GetCounter("okada_payments_amount_mismatch_total",
                      "provider said successful for another amount or currency (never credited)");
    state->reconciliation_mismatches_momo =
        &m.GetGauge("okada_payments_reconciliation_mismatches", "mismatches in the latest reconciliation run",
                    {{"provider", "momo"}});
    state->reconciliation_mismatches_orange =
        &m.GetGauge("okada_payments_reconciliation_mismatches", "mismatches in the latest reconciliation run",
                    {{"provider", "orange_money"}});
    StatePtr s = state;

    http::Router& router = ctx.router();
    api::AddPaymentRoutes(router, s);
    api::AddLedgerRoutes(router, s);
    api::AddPayoutRoutes(router, s);
    api::AddReconciliationRoutes(router, s);

    okada::events::AddRelay(ctx, s->outbox);
    std::vector<std::string> consumed;
    consumed.push_back("order.cancelled");
    okada::events::AddConsumer(
        ctx, std::make_shared<okada::events::Consumer>("payments", "payments", consumed,
                                                       [s](const okada::events::Event& e, pg::Transaction& tx) {
                                                         return events::OnOrderCancelled(s, e, tx);
                                                       }));
    std::chrono::milliseconds sweep = c.GetDuration("payments.sweep_ms");
    ctx.AddJob(Job{"payments.look", sweep, [s](Deadline d) { return Look(s, d); }});
    ctx.AddJob(Job{"payments.follow_orders", sweep, [s](Deadline d) { return Follow(s, d); }});
    ctx.AddJob(Job{"payments.transfers", sweep, [s](Deadline d) { return Move(s, d); }});
    ctx.AddJob(Job{"payments.reconcile", c.GetDuration("payments.reconcile_ms"),
                   [s](Deadline d) { return ReconcileAll(s, d); }});
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<PaymentsService>(); }

}  // namespace okada::payments
