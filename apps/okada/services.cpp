#include "services.hpp"

#include "okada/analytics/service.hpp"
#include "okada/auth/service.hpp"
#include "okada/brain/service.hpp"
#include "okada/delivery/service.hpp"
#include "okada/gateway/service.hpp"
#include "okada/notifications/service.hpp"
#include "okada/orders/service.hpp"
#include "okada/payments/service.hpp"
#include "okada/products/service.hpp"
#include "okada/users/service.hpp"

namespace okada::app {

// Every service this binary can host, in dependency order: start order is this order, stop order its reverse.
// The gateway is last: it checks every route the others registered against api/routes.inc, and it is the
// edge of every process (Host adds it to any selection).
std::vector<ServiceFactory> Catalogue() {
  return {
      {"auth", [] { return auth::MakeService(); }},
      {"users", [] { return users::MakeService(); }},
      {"products", [] { return products::MakeService(); }},
      {"orders", [] { return orders::MakeService(); }},
      {"payments", [] { return payments::MakeService(); }},
      {"delivery", [] { return delivery::MakeService(); }},
      {"notifications", [] { return notifications::MakeService(); }},
      {"brain", [] { return brain::MakeService(); }},
      {"analytics", [] { return analytics::MakeService(); }},
      {"gateway", [] { return gateway::MakeService(); }, /*always=*/true},
  };
}

}  // namespace okada::app
