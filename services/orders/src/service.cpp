// The orders service: MakeService() and its Start(), which resolves users and products, reads the tariff
// and registers the routes, the event relay and the jobs.
#include "okada/orders/service.hpp"

#include <stdexcept>

#include "api/api.hpp"
#include "api/jobs.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::orders {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_add_service

namespace {

std::chrono::seconds Secs(const Config& c, std::string_view key) {
  return std::chrono::duration_cast<std::chrono::seconds>(c.GetDuration(key));
}

Settings ReadSettings(const Config& c) {
  Settings s;
  s.tariff.bands = domain::ParseBands(c.GetString("orders.fee_bands"));
  s.tariff.per_km_beyond = c.GetInt("orders.fee_per_km_beyond");
  s.tariff.rain_surcharge = c.GetInt("orders.fee_rain");
  s.tariff.night_surcharge = c.GetInt("orders.fee_night");
  s.raining = c.GetBool("orders.raining");
  s.payment_ttl = Secs(c, "orders.payment_ttl_ms");
  s.claim_timeout = Secs(c, "orders.claim_timeout_ms");
  s.settle_after = Secs(c, "orders.settle_after_ms");
  s.stranded_after = Secs(c, "orders.stranded_after_ms");
  s.sweep = c.GetDuration("orders.sweep_ms");
  if (s.stranded_after <= s.claim_timeout)
    throw std::invalid_argument("orders.stranded_after_ms must be longer than orders.claim_timeout_ms");
  // A claim may be taken over only once its first request can no longer be running.
  if (c.GetDuration("orders.claim_timeout_ms") < c.GetDuration("http.request_deadline_ms") + std::chrono::seconds(1))
    throw std::invalid_argument("orders.claim_timeout_ms must exceed http.request_deadline_ms by at least 1 s");
  return s;
}

boost::asio::awaitable<void> Expire(StatePtr s, Deadline d) { co_await ExpireOverduePayments(s, d); }
boost::asio::awaitable<void> Settle(StatePtr s, Deadline d) { co_await SettleUnsettledStock(s, d); }
boost::asio::awaitable<void> Stranded(StatePtr s, Deadline d) { co_await CompensateStrandedCheckouts(s, d); }
boost::asio::awaitable<void> Reencrypt(std::shared_ptr<crypto::Reencryptor> r, pg::Database* db, Deadline d) {
  co_await r->Run(*db, d);
}

class OrdersService : public Service {
 public:
  std::string_view name() const override { return "orders"; }
  std::vector<pg::Migration> Migrations() const override { return orders::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    std::string token = access::LoadOrCreateServiceToken(ctx.state_dir());
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->keyring = std::make_shared<crypto::LiveKeyring>(ctx.state_dir());
    state->users = std::make_shared<users::Client>(ctx.FindTransport("users", "checkout will answer 503"), token);
    state->products =
        std::make_shared<products::Client>(ctx.FindTransport("products", "checkout will answer 503"), token);
    state->outbox = std::make_shared<const okada::events::Outbox>("orders");
    state->idempotency = std::make_shared<const idempotency::Store>("orders");
    state->settings = ReadSettings(c);
    StatePtr s = state;

    http::Router& router = ctx.router();
    api::AddCartRoutes(router, s);
    api::AddCheckoutRoutes(router, s);
    api::AddOrderRoutes(router, s);
    api::AddZoneRoutes(router, s);

    okada::events::AddRelay(ctx, s->outbox);
    ctx.AddJob(
        Job{"orders.expire_payments", c.GetDuration("orders.sweep_ms"), [s](Deadline d) { return Expire(s, d); }});
    ctx.AddJob(Job{"orders.settle_stock", c.GetDuration("orders.sweep_ms"), [s](Deadline d) { return Settle(s, d); }});
    ctx.AddJob(
        Job{"orders.stranded_checkouts", c.GetDuration("orders.sweep_ms"), [s](Deadline d) { return Stranded(s, d); }});
    ctx.AddJob(Job{"orders.prune_keys", std::chrono::hours(1), [s](Deadline d) { return PruneKeys(s, d); }});
    // After `okada keys rotate-data`, delivery points are rewritten under the new key in the background.
    auto reencryptor = std::make_shared<crypto::Reencryptor>(
        "orders",
        std::vector<crypto::EncryptedTable>{{"orders.orders", "id", {{"delivery_enc", "orders.orders.delivery_enc:"}}}},
        state->keyring.get());
    pg::Database* db = &ctx.db();
    auto keyring = state->keyring;
    ctx.AddJob(Job{"orders.reencrypt", c.GetDuration("keys.reencrypt_ms"),
                   [reencryptor, keyring, db](Deadline d) { return Reencrypt(reencryptor, db, d); }});
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<OrdersService>(); }

}  // namespace okada::orders
