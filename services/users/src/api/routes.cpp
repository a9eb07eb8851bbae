// The users service: MakeService() and its Start(), which loads the keys, resolves the auth service and
// registers every users row of api/routes.inc.
#include "okada/users/service.hpp"

#include <stdexcept>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::users {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_add_service

namespace {

boost::asio::awaitable<void> Reencrypt(std::shared_ptr<crypto::Reencryptor> r, pg::Database* db, Deadline d) {
  co_await r->Run(*db, d);
}

class UsersService : public Service {
 public:
  std::string_view name() const override { return "users"; }
  std::vector<pg::Migration> Migrations() const override { return users::Migrations(); }

  void Start(ServiceContext& ctx) override {
    // Publish this service's outbox (user.registered, store.updated, …) to Redis Streams.
    okada::events::AddRelay(ctx, std::make_shared<const okada::events::Outbox>("users"));
    ServiceTransport* auth = nullptr;
    // Resolved now, on the starting thread: TransportTo is not meant to be called concurrently.
    try {
      auth = &ctx.TransportTo("auth");
    } catch (const std::invalid_argument&) {
      log::Warn("users.auth_unreachable", {{"detail", "role changes and staff lookups will answer 503"}});
    }
    auto keyring = std::make_shared<crypto::LiveKeyring>(ctx.state_dir());
    auto state = std::make_shared<const State>(
        State{&ctx.db(), keyring, auth, access::LoadOrCreateServiceToken(ctx.state_dir())});
    StatePtr s = std::move(state);
    // After `okada keys rotate-data`, every personal value is rewritten under the new key in the background.
    auto reencryptor = std::make_shared<crypto::Reencryptor>(
        "users",
        std::vector<crypto::EncryptedTable>{
            {"users.profiles", "user_id", {{"name_enc", std::string(api::kColName) + ":"}}},
            {"users.addresses",
             "id",
             {{"location_enc", std::string(api::kColLocation) + ":"},
              {"landmark_enc", std::string(api::kColLandmark) + ":"},
              {"neighbourhood_enc", std::string(api::kColNeighbourhood) + ":"},
              {"instructions_enc", std::string(api::kColInstructions) + ":"},
              {"phone_to_call_enc", std::string(api::kColPhoneToCall) + ":"}}},
            {"users.riders",
             "user_id",
             {{"plate_enc", std::string(api::kColPlate) + ":"},
              {"id_document_refs_enc", std::string(api::kColDocuments) + ":"}}},
            {"users.merchants", "id", {{"contact_phone_enc", std::string(api::kColContactPhone) + ":"}}}},
        keyring.get());
    pg::Database* db = &ctx.db();
    ctx.AddJob(Job{"users.reencrypt", ctx.config().GetDuration("keys.reencrypt_ms"),
                   [reencryptor, keyring, db](Deadline d) { return Reencrypt(reencryptor, db, d); }});
    http::Router& router = ctx.router();
    api::AddProfileRoutes(router, s);
    api::AddAddressRoutes(router, s);
    api::AddRiderRoutes(router, s);
    api::AddMerchantRoutes(router, s);
    api::AddStoreRoutes(router, s);
    api::AddInternalRoutes(router, s);
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<UsersService>(); }

}  // namespace okada::users
