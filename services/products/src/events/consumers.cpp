#include "events/consumers.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "okada/core/http/paging.hpp"
#include "store/store.hpp"

namespace okada::products::events {

namespace {

// {"a","b"} from the payload's product_ids; empty when there are none.
std::string ProductIds(const std::string& payload) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(payload, ec);
  if (ec || !v.is_object()) throw std::runtime_error("order.placed payload is not a JSON object");
  const boost::json::value* ids = v.as_object().if_contains("product_ids");
  if (ids == nullptr || !ids->is_array()) return {};
  std::string out = "{";
  for (const boost::json::value& id : ids->as_array()) {
    if (!id.is_string() || !paging::IsUuid(id.as_string())) throw std::runtime_error("order.placed: bad product id");
    if (out.size() > 1) out += ',';
    out += std::string(id.as_string());
  }
  return out + "}";
}

}  // namespace

boost::asio::awaitable<void> OnOrderPlaced(const okada::events::Event& e, pg::Transaction& tx) {
  std::string ids = ProductIds(e.payload);
  if (ids.empty() || ids == "{}") co_return;
  co_await tx.Execute(store::kBumpPopularity, ids);
}

}  // namespace okada::products::events
