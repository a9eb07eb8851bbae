#pragma once
/// Shared pieces of the users service's HTTP layer: the service state every handler receives, the caller,
/// path ids, list queries (limit/cursor/status), request bodies, personal-data sealing and JSON answers.
///
/// Handlers are coroutines taking (StatePtr, http::Request&); everything that builds JSON or validates input is a
/// plain function (GCC 12 mishandles initializer lists and complex expressions inside coroutine bodies).

#include <boost/json.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/crypto/aead.hpp"
#include "okada/core/crypto/rotation.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/host.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::users {

/// What every handler needs; built once at Start(), immutable afterwards (shared by every I/O thread).
struct State {
  pg::Database* db = nullptr;
  std::shared_ptr<crypto::LiveKeyring> keyring;  ///< re-read when a data key is rotated
  /// The auth service (in-process or remote), resolved at Start(); null if this process cannot reach it.
  ServiceTransport* auth = nullptr;
  std::string service_token;  ///< sent as X-Okada-Service-Token on internal calls
};
using StatePtr = std::shared_ptr<const State>;

namespace api {

/// The signed-in end user. `id` is the account id (lower-case UUID).
struct Caller {
  std::string id;
  std::string role;
  bool reads_everything = false;  ///< support or admin
};
/// The request's principal; 401 UNAUTHENTICATED if there is none (the gateway should have refused already).
Caller RequireCaller(const http::Request& req);
/// Like RequireCaller, and 403 FORBIDDEN unless the role is one of `roles` (defence in depth: the gateway
/// enforces api/routes.inc first).
Caller RequireRole(const http::Request& req, std::initializer_list<std::string_view> roles);
/// Shorthands usable inside coroutines (no initializer lists there).
Caller RequireSupportOrAdmin(const http::Request& req);
Caller RequireAdmin(const http::Request& req);
/// A UUID path parameter in lower case; 404 NOT_FOUND when it is not a UUID (it cannot name anything).
std::string PathId(const http::Request& req, std::string_view name);

/// `?limit=&cursor=` (and `status=` when `statuses` is not empty). 422 VALIDATION_FAILED naming the parameter.
struct ListQuery {
  int limit = 20;
  std::optional<std::string> after;   ///< id decoded from the cursor
  std::optional<std::string> status;  ///< filter
};
ListQuery ParseListQuery(const http::Request& req, std::initializer_list<std::string_view> statuses);
/// Without a status filter.
ListQuery ParseListQuery(const http::Request& req);
/// With `status` one of pending, approved, suspended (riders and merchants).
ListQuery ParseStatusListQuery(const http::Request& req);

/// A JSON request body. Parsing is lenient about UTF-8 first so that a string with invalid bytes is reported
/// as 422 naming its field (INVALID_FORMAT) rather than as an anonymous 400; anything that is not JSON, or not
/// an object, is 400 MALFORMED_JSON. Then `r()` is a JsonReader over the same body.
class Body {
 public:
  explicit Body(std::string_view text);
  ~Body();
  JsonReader& r() { return reader_; }
  /// The field's raw value (null included), or nullptr if absent.
  const boost::json::value* Get(std::string_view field) const;
  bool Present(std::string_view field) const { return Get(field) != nullptr; }
  bool IsNull(std::string_view field) const;
  /// Fields not in `allowed` become NOT_ALLOWED (for bodies holding arrays of strings, which JsonReader cannot
  /// mark as read; others use r().RejectUnknownFields()).
  void RejectUnknown(std::initializer_list<std::string_view> allowed);
  /// Reads an array of min..max strings, each 1..max_length code points without control characters.
  /// nullopt (with an error recorded if `required`) when absent, null or invalid.
  std::optional<std::vector<std::string>> StringArray(std::string_view field, std::size_t min, std::size_t max,
                                                      std::size_t max_length, bool required);
  /// An optional string (null/absent → nullopt) with the rule, refusing control characters.
  std::optional<std::string> Text(std::string_view field, StringRule rule, bool allow_newlines = false);
  /// A required string with the rule, refusing control characters.
  std::string RequiredText(std::string_view field, StringRule rule, bool allow_newlines = false);
  void Finish() { reader_.Finish(); }

 private:
  boost::json::value root_;
  JsonReader reader_;
};

/// A {lat, lon} object read from `field` (range −90..90/−180..180, then Cameroon's box, errors naming
/// `field.lat` / `field.lon`). Unknown members are refused.
struct LatLon {
  double lat = 0;
  double lon = 0;
};
std::optional<LatLon> ReadLocation(JsonReader& r, std::string_view field);

// --- personal data ---
/// Encrypts `plain` bound to "<column>:<row_id>" (column = "users.<table>.<column>").
std::string Seal(const State& s, std::string_view column, std::string_view row_id, std::string_view plain);
std::optional<std::string> SealOpt(const State& s, std::string_view column, std::string_view row_id,
                                   const std::optional<std::string>& plain);
std::string Open(const State& s, std::string_view column, std::string_view row_id, std::string_view sealed);
std::optional<std::string> OpenOpt(const State& s, std::string_view column, std::string_view row_id,
                                   const std::optional<std::string>& sealed);

// --- answers ---
http::Response JsonResponse(const boost::json::value& v, int status = 200);
http::Response Created(const boost::json::value& v, std::string location);
/// {"items":[...],"next_cursor":null|"..."}. `items` holds up to limit+1 entries; the extra one only signals
/// that a next page exists and is dropped. `ids[i]` is the cursor id of `items[i]`.
boost::json::value PageJson(boost::json::array items, const std::vector<std::string>& ids, int limit);
/// Parses JSON text stored by this service (jsonb columns); a corrupt value is a server fault (500).
boost::json::value ParseStored(std::string_view text);
/// ASCII lower case.
std::string Lower(std::string_view s);

}  // namespace api
}  // namespace okada::users
