#pragma once
/// `Idempotency-Key` for unsafe POSTs (ARCHITECTURE §5): the first request with a key runs; while it runs,
/// others with the same key get 409 IDEMPOTENCY_IN_PROGRESS; once it finished they get its stored answer;
/// the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED. Keys are scoped per caller and kept
/// `keep` (24 h by default).
///
/// Table `<schema>.idempotency` (see any service's migration). The first claim also fixes the id of the
/// resource the request creates (`resource_id`), so a retry after a crash re-runs with the same id and the
/// service's own idempotency (by that id) makes it converge instead of creating a second resource. A claim
/// left unfinished longer than `lock_timeout` (its process died) may be taken over by a retry.
/// The final answer should be stored with Complete() inside the transaction that commits the effect.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"

namespace okada::http {
class Request;
struct Response;
}  // namespace okada::http

namespace okada::idempotency {

inline constexpr std::string_view kHeader = "Idempotency-Key";

/// The key of `req`: 428 IDEMPOTENCY_KEY_REQUIRED when absent and `required`, 422 VALIDATION_FAILED when not
/// 1..255 printable ASCII characters. nullopt when absent and not required.
std::optional<std::string> KeyOf(const http::Request& req, bool required);
/// SHA-256 (hex) of method, path and body: what "the same request" means.
std::string Fingerprint(const http::Request& req);

struct Claim {
  enum class Kind { kFresh, kReplay };
  Kind kind = Kind::kFresh;
  std::string resource_id;  ///< fixed at the first claim
  /// kFresh: proof of holding the claim. Complete/Abandon with a stale token (the claim was taken over by a
  /// retry after `lock_timeout`) change nothing, so a slow first request cannot undo its successor's work.
  std::string token;
  /// kFresh: an earlier, silent request held this key (its process may have died mid-way): the effect may
  /// already exist under `resource_id`.
  bool taken_over = false;
  // kReplay: the stored answer.
  int status = 0;
  std::string body;
  std::string location;
};

class Store {
 public:
  explicit Store(std::string schema);
  /// Claims `key` for `caller`. kFresh: go ahead (resource_id is `new_resource_id`, or the earlier one when a
  /// stale claim is taken over). kReplay: answer with the stored response. Throws 409 IDEMPOTENCY_IN_PROGRESS
  /// while another request holds the key, 422 IDEMPOTENCY_KEY_REUSED for a different request.
  boost::asio::awaitable<Claim> Begin(pg::Database& db, Deadline deadline, std::string caller, std::string key,
                                      std::string fingerprint, std::string new_resource_id,
                                      std::chrono::seconds lock_timeout = std::chrono::seconds(60)) const;
  /// Stores the final answer, inside the transaction that commits the effect. False if the claim is no longer
  /// ours (taken over): the effect may still commit when it is itself idempotent by the resource id.
  boost::asio::awaitable<bool> Complete(pg::Transaction& tx, const Claim& claim, std::string caller, std::string key,
                                        int status, std::string body, std::string location) const;
  /// Stores a final answer on its own (a refusal such as 409 OUT_OF_STOCK: retrying it gives the same answer).
  boost::asio::awaitable<bool> CompleteAlone(pg::Database& db, Deadline deadline, const Claim& claim,
                                             std::string caller, std::string key, int status, std::string body) const;
  /// Forgets an unfinished claim (a transient failure, 5xx, with nothing left to compensate): the retry runs
  /// afresh.
  boost::asio::awaitable<void> Abandon(pg::Database& db, Deadline deadline, const Claim& claim, std::string caller,
                                       std::string key) const;
  /// Deletes keys older than `keep`.
  boost::asio::awaitable<std::int64_t> Prune(pg::Database& db, Deadline deadline, std::chrono::hours keep) const;

 private:
  std::string schema_;
  pg::Statement claim_, read_, complete_, abandon_, prune_;
};

/// The stored answer as a response (problem+json for errors, JSON otherwise), marked `Idempotent-Replayed: true`.
http::Response Replayed(const Claim& claim);

}  // namespace okada::idempotency
