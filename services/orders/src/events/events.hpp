#pragma once
/// What the orders service publishes (api/events/order.*.json). Payloads carry ids, amounts, statuses and the
/// coarse zone only — never names, phone numbers or exact points.
#include <string>
#include <string_view>
#include <vector>

namespace okada::orders::events {

struct OrderFacts {
  std::string order_id;  ///< public id (ord_…)
  std::string store_id;
  std::string merchant_id;
  std::string customer_id;
  std::string status;
  std::string payment_method;
  long long total_xaf = 0;
  long long items_xaf = 0;
  long long delivery_fee_xaf = 0;
  std::string zone;
};

/// order.placed v1 (with the ordered product ids: products counts popularity from them).
/// `quantities`: units per product, in the same order (left out of the event when the sizes differ).
std::string Placed(const OrderFacts& o, const std::vector<std::string>& product_ids,
                   const std::vector<std::int64_t>& quantities);
/// order.confirmed / order.accepted / order.ready / order.completed / order.cancelled v1:
/// {"v","order_id","store_id","merchant_id","customer_id","status","from","actor_role"}. The free-text reason
/// stays in the timeline (it may name people); events carry none.
std::string Moved(const OrderFacts& o, std::string_view from, std::string_view actor_role, std::string_view reason);

}  // namespace okada::orders::events
