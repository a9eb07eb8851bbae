#include "events/outbox.hpp"

#include <boost/json.hpp>

#include "okada/core/crypto/random.hpp"
#include "store/store.hpp"

namespace okada::users::events {

Event Of(std::string type, std::string key, std::string id) {
  Event e;
  e.type = std::move(type);
  e.ids.emplace_back(std::move(key), std::move(id));
  return e;
}

Event Of(std::string type, std::string key1, std::string id1, std::string key2, std::string id2) {
  Event e = Of(std::move(type), std::move(key1), std::move(id1));
  e.ids.emplace_back(std::move(key2), std::move(id2));
  return e;
}

std::string PayloadJson(const Event& event) {
  boost::json::object o;
  o["v"] = 1;
  for (const auto& [key, id] : event.ids) o[key] = id;
  return boost::json::serialize(o);
}

boost::asio::awaitable<void> Append(pg::Transaction& tx, Event event) {
  std::string id = crypto::UuidV7();
  std::string payload = PayloadJson(event);
  co_await tx.Execute(store::kOutboxInsert, id, event.type, payload);
}

}  // namespace okada::users::events
