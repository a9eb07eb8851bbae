// The users service: MakeService() and its Start(), which loads the keys, resolves the auth service and
// registers every users row of api/routes.inc.
#include "okada/users/service.hpp"

#include <stdexcept>

#include "api/handlers.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::users {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_add_service

namespace {

class UsersService : public Service {
 public:
  std::string_view name() const override { return "users"; }
  std::vector<pg::Migration> Migrations() const override { return users::Migrations(); }

  void Start(ServiceContext& ctx) override {
    ServiceTransport* auth = nullptr;
    // Resolved now, on the starting thread: TransportTo is not meant to be called concurrently.
    try {
      auth = &ctx.TransportTo("auth");
    } catch (const std::invalid_argument&) {
      log::Warn("users.auth_unreachable", {{"detail", "role changes and staff lookups will answer 503"}});
    }
    auto state = std::make_shared<const State>(State{&ctx.db(), crypto::Keyring::LoadOrCreate(ctx.state_dir()), auth,
                                                     access::LoadOrCreateServiceToken(ctx.state_dir())});
    StatePtr s = std::move(state);
    http::Router& router = ctx.router();
    api::AddProfileRoutes(router, s);
    api::AddAddressRoutes(router, s);
    api::AddRiderRoutes(router, s);
    api::AddMerchantRoutes(router, s);
    api::AddStoreRoutes(router, s);
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<UsersService>(); }

}  // namespace okada::users
