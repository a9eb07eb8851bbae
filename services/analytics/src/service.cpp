// The analytics service: MakeService() and its Start(), which registers the dashboard route and the consumer that
// rolls the order events up.
#include "okada/analytics/service.hpp"

#include "api/api.hpp"
#include "events/events.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/users/client.hpp"

namespace okada::analytics {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

class AnalyticsService : public Service {
 public:
  std::string_view name() const override { return "analytics"; }
  std::vector<pg::Migration> Migrations() const override { return analytics::Migrations(); }

  void Start(ServiceContext& ctx) override {
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());
    state->users = std::make_shared<const users::Client>(
        ctx.FindTransport("users", "the dashboard cannot check whose store it is"), state->service_token);
    StatePtr s = state;
    api::AddRoutes(ctx.router(), s);

    okada::events::AddConsumer(
        ctx, std::make_shared<okada::events::Consumer>(
                 "analytics", "analytics", events::Consumed(),
                 [](const okada::events::Event& e, pg::Transaction& tx) { return events::OnEvent(e, tx); },
                 okada::events::ConsumerOptions{.batch = 200}));
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<AnalyticsService>(); }

}  // namespace okada::analytics
