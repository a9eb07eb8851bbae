#pragma once
/// Shared pieces of the products service's HTTP layer: the state every handler receives, the caller and the
/// merchant checks (defence in depth after the gateway's role check), path ids, request bodies and answers.
///
/// Handlers are coroutines taking (StatePtr, http::Request&); everything that builds JSON or validates input is a
/// plain function (GCC 12 mishandles initializer lists and complex expressions inside coroutine bodies).

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"
#include "okada/users/client.hpp"

namespace okada {
class ServiceTransport;
}  // namespace okada

namespace okada::products {

/// What every handler needs; built once at Start(), immutable afterwards (shared by every I/O thread).
struct State {
  pg::Database* db = nullptr;
  redis::Redis* redis = nullptr;
  std::shared_ptr<const users::Client> users;  ///< stores and memberships (cached ~30 s)
  std::shared_ptr<const events::Outbox> outbox;
  std::chrono::milliseconds search_cache_ttl{60000};
  std::size_t import_max_rows = 10000;
  std::size_t import_max_bytes = 5 << 20;
  /// The brain's stored demand forecasts for inventory advice; null = the advice fits each listing's own history.
  ServiceTransport* brain = nullptr;
  std::string service_token;
};
using StatePtr = std::shared_ptr<const State>;

namespace api {

/// The signed-in end user (lower-case id).
struct Caller {
  std::string id;
  std::string role;
  bool reads_everything = false;  ///< support or admin
  bool merchant = false;          ///< merchant_owner or merchant_staff
};
/// 401 UNAUTHENTICATED without an end-user principal.
Caller RequireCaller(const http::Request& req);
/// 403 unless the role is one of `roles`.
Caller RequireRole(const http::Request& req, std::initializer_list<std::string_view> roles);
Caller RequireMerchant(const http::Request& req);           ///< merchant_owner | merchant_staff
Caller RequireMerchantOrSupport(const http::Request& req);  ///< … | support | admin
Caller RequireAdmin(const http::Request& req);
/// 403 unless the call comes from another service (X-Okada-Service-Token).
void RequireService(const http::Request& req);

/// The merchant the caller works for (users service); 403 FORBIDDEN if none.
boost::asio::awaitable<std::string> MerchantOf(StatePtr s, Caller c, Deadline deadline);
/// Like MerchantOf, and 403 unless it is `merchant_id`.
boost::asio::awaitable<void> RequireMemberOf(StatePtr s, Caller c, std::string merchant_id, Deadline deadline);

/// A store as products knows it (its own cache of the users service's store locations).
struct StoreRef {
  std::string id;
  std::string merchant_id;
  double lat = 0;
  double lon = 0;
};
/// The store, from products.stores or else from the users service (then cached); 404 NOT_FOUND if none.
/// `refresh` asks the users service even when the store is cached (before writing a listing).
boost::asio::awaitable<StoreRef> FindStore(StatePtr s, std::string store_id, bool refresh, Deadline deadline);
/// The store, checked for the caller: support/admin see any store (the route table keeps them to reads);
/// merchant members only their merchant's (404 otherwise). `refresh` as for FindStore.
boost::asio::awaitable<StoreRef> StoreForCaller(StatePtr s, Caller c, std::string store_id, bool refresh,
                                                Deadline deadline);

/// A UUID path parameter in lower case; `missing` (default NOT_FOUND) when it is not a UUID.
std::string PathId(const http::Request& req, std::string_view name, ErrorCode missing = ErrorCode::kNotFound);

/// A JSON request body (see services/users: invalid UTF-8 is 422 naming the field, non-objects 400).
class Body {
 public:
  explicit Body(std::string_view text);
  ~Body();
  JsonReader& r() { return reader_; }
  const boost::json::value* Get(std::string_view field) const;
  bool Present(std::string_view field) const { return Get(field) != nullptr; }
  bool IsNull(std::string_view field) const;
  /// Fields not in `allowed` become NOT_ALLOWED.
  void RejectUnknown(std::initializer_list<std::string_view> allowed);
  /// An array of 0..max strings, each 1..max_length code points; nullopt (error recorded) when invalid.
  std::optional<std::vector<std::string>> StringArray(std::string_view field, std::size_t max, std::size_t max_length);
  /// An optional string (null/absent → nullopt) with the rule, refusing control characters.
  std::optional<std::string> Text(std::string_view field, StringRule rule, bool allow_newlines = false);
  std::string RequiredText(std::string_view field, StringRule rule, bool allow_newlines = false);
  void Finish() { reader_.Finish(); }

 private:
  boost::json::value root_;
  JsonReader reader_;
};

// --- answers ---
http::Response JsonResponse(const boost::json::value& v, int status = 200);
http::Response Created(const boost::json::value& v, std::string location);
/// {"items":[...],"next_cursor":null|"..."} for id-keyed pages (items holds up to limit+1 entries).
boost::json::value PageJson(boost::json::array items, const std::vector<std::string>& ids, int limit);
/// `?limit=&cursor=` for id-keyed lists; 422 naming the parameter.
struct ListQuery {
  int limit = 20;
  std::optional<std::string> after;
};
ListQuery ParseListQuery(const http::Request& req);
/// A whole query value, or nullopt (empty, trailing characters, out of range).
std::optional<std::int64_t> ParseInt64(std::string_view s);
/// A finite number, or nullopt.
std::optional<double> ParseDouble(std::string_view s);
/// JSON text stored by this service; a corrupt value is a server fault (500).
boost::json::value ParseStored(std::string_view text);
/// The `name` to show: English when asked and present, French otherwise.
std::string_view NameIn(std::string_view lang, const std::string& name_fr, const std::optional<std::string>& name_en);

}  // namespace api
}  // namespace okada::products
