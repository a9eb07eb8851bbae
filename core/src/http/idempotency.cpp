// Idempotency-Key store (http/idempotency.hpp).
#include "okada/core/http/idempotency.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "okada/core/errors.hpp"
#include "okada/core/http/request.hpp"

namespace okada::idempotency {

namespace {

std::string CheckedSchema(std::string schema) {
  bool ok = !schema.empty() && schema.size() <= 40;
  for (char c : schema) ok = ok && ((c >= 'a' && c <= 'z') || c == '_');
  if (!ok) throw std::invalid_argument("idempotency: bad schema name '" + schema + "'");
  return schema;
}

pg::Statement Named(const std::string& schema, std::string_view what, std::string sql) {
  return pg::Statement{"idem." + schema + "." + std::string(what), std::move(sql)};
}

}  // namespace

std::optional<std::string> KeyOf(const http::Request& req, bool required) {
  std::optional<std::string_view> key = req.header(kHeader);
  if (!key) {
    if (required)
      throw Error(ErrorCode::kIdempotencyKeyRequired,
                  "send an Idempotency-Key header (a fresh UUID per attempt at this action, reused on its retries)");
    return std::nullopt;
  }
  bool ok = !key->empty() && key->size() <= 255;
  for (char c : *key) ok = ok && c >= 0x21 && c <= 0x7e;
  if (!ok) throw Error(ErrorCode::kValidationFailed, "Idempotency-Key must be 1 to 255 printable ASCII characters");
  return std::string(*key);
}

std::string Fingerprint(const http::Request& req) {
  std::string material;
  material.reserve(req.body().size() + req.path().size() + 16);
  material += http::ToString(req.method());
  material += ' ';
  material += req.path();
  material += '\n';
  material += req.body();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(material.data(), material.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::kInternal, "sha256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

Store::Store(std::string schema)
    : schema_(CheckedSchema(std::move(schema))),
      // Inserts a fresh claim, or takes over one whose holder has been silent past the lock timeout (same
      // request only). RETURNING gives the resource id fixed at the first claim either way.
      claim_(Named(schema_, "claim",
                   "INSERT INTO " + schema_ +
                       ".idempotency AS i (caller, key, fingerprint, resource_id) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (caller, key) DO UPDATE SET locked_at = now() "
                       "WHERE i.status IS NULL AND i.fingerprint = EXCLUDED.fingerprint "
                       "AND i.locked_at < now() - make_interval(secs => $5) RETURNING i.resource_id, "
                       "i.locked_at::text, (i.xmax::text <> '0') AS taken_over")),
      read_(Named(schema_, "read",
                  "SELECT fingerprint, status, response, location, resource_id FROM " + schema_ +
                      ".idempotency WHERE caller = $1 AND key = $2")),
      complete_(Named(schema_, "complete",
                      "UPDATE " + schema_ +
                          ".idempotency SET status = $3, response = $4, location = $5, completed_at = now() "
                          "WHERE caller = $1 AND key = $2 AND status IS NULL AND locked_at = $6::timestamptz")),
      abandon_(Named(schema_, "abandon",
                     "DELETE FROM " + schema_ +
                         ".idempotency WHERE caller = $1 AND key = $2 AND status IS NULL AND locked_at = "
                         "$3::timestamptz")),
      prune_(Named(schema_, "prune",
                   "DELETE FROM " + schema_ + ".idempotency WHERE created_at < now() - make_interval(secs => $1)")) {}

boost::asio::awaitable<Claim> Store::Begin(pg::Database& db, Deadline deadline, std::string caller, std::string key,
                                           std::string fingerprint, std::string new_resource_id,
                                           std::chrono::seconds lock_timeout) const {
  double timeout = static_cast<double>(lock_timeout.count());
  pg::Result claimed = co_await db.Execute(deadline, claim_, caller, key, fingerprint, new_resource_id, timeout);
  Claim c;
  if (!claimed.empty()) {
    c.resource_id = claimed.front().Get<std::string>(0);
    c.token = claimed.front().Get<std::string>(1);
    c.taken_over = claimed.front().Get<bool>(2);
    co_return c;
  }
  pg::Result existing = co_await db.Execute(deadline, read_, caller, key);
  if (existing.empty()) {
    // Abandoned between our insert attempt and this read: ask the client to retry.
    throw Error(ErrorCode::kIdempotencyInProgress, "the earlier request with this key has just finished; retry");
  }
  pg::Row row = existing.front();
  if (row.Get<std::string>(0) != fingerprint)
    throw Error(ErrorCode::kIdempotencyKeyReused,
                "this Idempotency-Key was used for a different request: use a new key for a new action");
  if (row.IsNull(1))
    throw std::move(Error(ErrorCode::kIdempotencyInProgress,
                          "the first request with this Idempotency-Key is still running; retry in a moment")
                        .WithRetryAfter(std::chrono::seconds(1)));
  c.kind = Claim::Kind::kReplay;
  c.status = row.Get<int>(1);
  c.body = row.Get<std::optional<std::string>>(2).value_or("");
  c.location = row.Get<std::optional<std::string>>(3).value_or("");
  c.resource_id = row.Get<std::string>(4);
  co_return c;
}

boost::asio::awaitable<bool> Store::Complete(pg::Transaction& tx, const Claim& claim, std::string caller,
                                             std::string key, int status, std::string body,
                                             std::string location) const {
  pg::Result r = co_await tx.Execute(complete_, caller, key, status, body, location, claim.token);
  co_return r.affected() == 1;
}

boost::asio::awaitable<bool> Store::CompleteAlone(pg::Database& db, Deadline deadline, const Claim& claim,
                                                  std::string caller, std::string key, int status,
                                                  std::string body) const {
  std::string location;
  pg::Result r = co_await db.Execute(deadline, complete_, caller, key, status, body, location, claim.token);
  co_return r.affected() == 1;
}

boost::asio::awaitable<void> Store::Abandon(pg::Database& db, Deadline deadline, const Claim& claim, std::string caller,
                                            std::string key) const {
  co_await db.Execute(deadline, abandon_, caller, key, claim.token);
}

boost::asio::awaitable<std::int64_t> Store::Prune(pg::Database& db, Deadline deadline, std::chrono::hours keep) const {
  double secs = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(keep).count());
  pg::Result r = co_await db.Execute(deadline, prune_, secs);
  co_return r.affected();
}

http::Response Replayed(const Claim& claim) {
  http::Response r = http::Response::Json(claim.body, claim.status);
  if (claim.status >= 400) r.content_type = "application/problem+json";
  if (!claim.location.empty()) r.Header("Location", claim.location);
  r.Header("Idempotent-Replayed", "true");
  return r;
}

}  // namespace okada::idempotency
