// The products service: MakeService() and its Start(), which resolves the users service, registers every products
// row of api/routes.inc, the outbox relay and the reservation sweep.
#include "okada/products/service.hpp"

#include <stdexcept>

#include "api/handlers.hpp"
#include "events/consumers.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::products {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_add_service

namespace {

boost::asio::awaitable<void> Sweep(StatePtr s, Deadline d) { co_await api::SweepReservations(s, d); }

class ProductsService : public Service {
 public:
  std::string_view name() const override { return "products"; }
  std::vector<pg::Migration> Migrations() const override { return products::Migrations(); }

  void Start(ServiceContext& ctx) override {
    ServiceTransport* users = nullptr;
    try {
      users = &ctx.TransportTo("users");
    } catch (const std::invalid_argument&) {
      log::Warn("products.users_unreachable", {{"detail", "merchant routes will answer 503"}});
    }
    auto outbox = std::make_shared<const okada::events::Outbox>("products");
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->redis = &ctx.redis();
    state->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());
    state->users = std::make_shared<const users::Client>(users, state->service_token);
    state->brain = ctx.FindTransport("brain", "inventory advice fits each listing's own sales history");
    state->outbox = outbox;
    state->search_cache_ttl = ctx.config().GetDuration("products.search_cache_ttl_ms");
    state->import_max_rows = static_cast<std::size_t>(ctx.config().GetInt("products.import_max_rows"));
    state->import_max_bytes = static_cast<std::size_t>(ctx.config().GetInt("products.import_max_bytes"));
    StatePtr s = std::move(state);
    okada::events::AddRelay(ctx, outbox);
    // Popularity for search comes from orders' order.placed events (de-duplicated through products.inbox).
    std::vector<std::string> consumed;
    consumed.push_back("order.placed");
    okada::events::AddConsumer(ctx, std::make_shared<okada::events::Consumer>("products", "products", consumed,
                                                                              products::events::OnOrderPlaced));
    ctx.AddJob(Job{"products.reservation_sweep", ctx.config().GetDuration("products.reservation_sweep_ms"),
                   [s](Deadline d) { return Sweep(s, d); }});
    http::Router& router = ctx.router();
    api::AddCatalogRoutes(router, s);
    api::AddImportRoutes(router, s);
    api::AddSearchRoutes(router, s);
    api::AddInventoryRoutes(router, s);
    api::AddAdviceRoutes(router, s);
    api::AddReservationRoutes(router, s);
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<ProductsService>(); }

}  // namespace okada::products
