#include "services.hpp"

namespace okada::app {

// Services are added here as they land (identity, commerce, payments, delivery…), each as one line
// `{"orders", [] { return orders::MakeService(); }}`, in dependency order: start order is this order and
// stop order its reverse.
std::vector<ServiceFactory> Catalogue() { return {}; }

}  // namespace okada::app
