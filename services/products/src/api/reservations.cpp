// Internal routes for the orders service: price quotes and stock reservations. A reservation takes every line in
// one transaction, locking listings in product_id order (no deadlocks between orders); a short line rolls the
// whole reservation back. Idempotent by order id. The sweep job returns held stock past its expiry.
#include <algorithm>
#include <boost/asio/awaitable.hpp>
#include <map>

#include "api/handlers.hpp"
#include "api/views.hpp"
#include "domain/rules.hpp"
#include "events/events.hpp"
#include "okada/core/log.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Line {
  std::string product_id;
  std::int64_t qty = 0;
};

/// Lines merged by product (quantities added) and sorted by product_id: the lock order.
std::vector<Line> ReadLines(JsonReader& r, std::int64_t max_qty) {
  std::map<std::string, std::int64_t> merged;
  r.Array("lines", 1, 100, [&](JsonReader& line, std::size_t) {
    std::string id = domain::Lower(line.String("product_id", StringRule{36, 36}));
    std::int64_t qty = line.Int("qty", 1, max_qty);
    line.RejectUnknownFields();
    if (!domain::IsUuid(id)) {
      line.Fail("product_id", "INVALID_FORMAT", "a product id");
      return;
    }
    merged[id] += qty;
  });
  std::vector<Line> out;
  for (auto& [id, qty] : merged) out.push_back(Line{id, qty});
  return out;
}

struct QuoteInput {
  std::string store_id;
  std::vector<Line> lines;
};

QuoteInput ParseQuote(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  QuoteInput in;
  in.store_id = domain::Lower(r.String("store_id", StringRule{36, 36}));
  if (!in.store_id.empty() && !domain::IsUuid(in.store_id)) r.Fail("store_id", "INVALID_FORMAT", "a store id");
  in.lines = ReadLines(r, 10000);
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

std::string UuidArray(const std::vector<Line>& lines) {
  std::string out = "{";
  for (const Line& l : lines) {
    if (out.size() > 1) out += ',';
    out += l.product_id;  // validated UUIDs: nothing to escape
  }
  return out + "}";
}

json::value QuoteJson(const std::vector<Line>& lines, const pg::Result& rows) {
  std::map<std::string, int> by_id;
  for (int i = 0; i < rows.size(); ++i) by_id[rows[i].Get<std::string>("product_id")] = i;
  json::array items;
  for (const Line& l : lines) {
    json::object o;
    o["product_id"] = l.product_id;
    o["qty"] = l.qty;
    auto it = by_id.find(l.product_id);
    if (it == by_id.end()) {
      o["name_fr"] = nullptr;
      o["name_en"] = nullptr;
      o["unit_price_xaf"] = nullptr;
      o["available"] = false;
      o["in_stock"] = 0;
    } else {
      pg::Row row = rows[it->second];
      std::optional<std::string> name_en = row.Get<std::optional<std::string>>("name_en");
      o["name_fr"] = row.Get<std::string>("name_fr");
      o["name_en"] = name_en ? json::value(*name_en) : json::value(nullptr);
      o["unit_price_xaf"] = row.Get<std::int64_t>("price_xaf");
      o["available"] = row.Get<bool>("available");
      o["in_stock"] = std::max<std::int64_t>(0, row.Get<std::int64_t>("in_stock"));
    }
    items.push_back(std::move(o));
  }
  json::object out;
  out["lines"] = std::move(items);
  return out;
}

asio::awaitable<http::Response> Quote(StatePtr s, http::Request& req) {
  RequireService(req);
  QuoteInput in = ParseQuote(req.body());
  pg::Result rows;
  if (in.lines.size() == 1) {
    rows = co_await s->db->Execute(req.deadline(), store::kQuoteOne, in.store_id, in.lines.front().product_id);
  } else {
    rows = co_await s->db->Execute(req.deadline(), store::kQuote, in.store_id, UuidArray(in.lines));
  }
  co_return JsonResponse(QuoteJson(in.lines, rows));
}

// --- reservations ---

struct ReserveInput {
  std::string order_id;
  std::string store_id;
  std::vector<Line> lines;
  std::int64_t ttl_s = 900;
  bool commit = false;
};

ReserveInput ParseReserve(const std::string& text) {
  Body b(text);
  JsonReader& r = b.r();
  ReserveInput in;
  in.order_id = domain::Lower(r.String("order_id", StringRule{36, 36}));
  if (!in.order_id.empty() && !domain::IsUuid(in.order_id)) r.Fail("order_id", "INVALID_FORMAT", "a UUID");
  in.store_id = domain::Lower(r.String("store_id", StringRule{36, 36}));
  if (!in.store_id.empty() && !domain::IsUuid(in.store_id)) r.Fail("store_id", "INVALID_FORMAT", "a store id");
  in.lines = ReadLines(r, 10000);
  if (auto ttl = r.OptionalInt("ttl_s", 1, 86400)) in.ttl_s = *ttl;
  if (auto commit = r.OptionalBool("commit")) in.commit = *commit;
  r.RejectUnknownFields();
  b.Finish();
  return in;
}

[[noreturn]] void NotSold(const std::string& product_id) {
  Error e(ErrorCode::kProductUnavailable, "product " + product_id + " is not sold in this store");
  e.WithField(FieldError{"lines.product_id", "PRODUCT_UNAVAILABLE", product_id});
  throw e;
}

[[noreturn]] void Short(const std::string& product_id, std::int64_t wanted, std::int64_t in_stock) {
  Error e(ErrorCode::kOutOfStock, "product " + product_id + ": " + std::to_string(wanted) + " wanted, " +
                                      std::to_string(std::max<std::int64_t>(0, in_stock)) + " in stock");
  e.WithField(FieldError{"lines.product_id", "OUT_OF_STOCK", product_id});
  throw e;
}

/// Why a line could not be taken: 422 PRODUCT_UNAVAILABLE or 409 OUT_OF_STOCK, naming the product.
asio::awaitable<void> Refuse(pg::Transaction& tx, std::string store_id, Line line) {
  pg::Result why = co_await tx.Execute(store::kLineState, store_id, line.product_id);
  if (why.empty() || !why.front().Get<bool>("sellable")) NotSold(line.product_id);
  Short(line.product_id, line.qty, why.front().Get<std::int64_t>("in_stock"));
}

asio::awaitable<http::Response> Existing(StatePtr s, std::string order_id, Deadline deadline, int status) {
  pg::Result r = co_await s->db->Execute(deadline, store::kReservationGet, order_id);
  if (r.empty()) throw Error(ErrorCode::kReservationNotFound);
  pg::Result lines = co_await s->db->Execute(deadline, store::kReservationLines, order_id);
  co_return JsonResponse(ReservationJson(store::ToReservation(r.front()), lines), status);
}

asio::awaitable<http::Response> Reserve(StatePtr s, http::Request& req) {
  RequireService(req);
  ReserveInput in = ParseReserve(req.body());
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  std::string status = in.commit ? "committed" : "held";
  // A second request for the same order waits here for the first one's transaction, then finds its row.
  pg::Result created = co_await tx.Execute(store::kReservationInsert, in.order_id, in.store_id, status, in.ttl_s);
  if (created.empty()) {
    co_await tx.Rollback();
    http::Response out = co_await Existing(s, in.order_id, req.deadline(), 200);
    co_return out;
  }
  for (const Line& line : in.lines) {
    pg::Result taken =
        co_await tx.Execute(store::kReserveLine, in.store_id, line.product_id, line.qty, in.commit, in.order_id);
    if (taken.empty()) co_await Refuse(tx, in.store_id, line);  // throws: the transaction rolls back
    pg::Row row = taken.front();
    // Sales take stock down too: the merchant hears of it once, when the available stock crosses the threshold.
    std::int64_t after = row.Get<std::int64_t>("available_after");
    std::int64_t threshold = row.Get<std::int64_t>("threshold");
    if (domain::CrossesLowStock(after + line.qty, after, threshold)) {
      std::string merchant_id = row.Get<std::string>("merchant_id");
      std::string payload = events::StockLowPayload(in.store_id, line.product_id, merchant_id, after, threshold);
      co_await s->outbox->Append(tx, "stock.low", payload);
    }
  }
  co_await tx.Commit();
  http::Response out = co_await Existing(s, in.order_id, req.deadline(), 201);
  co_return out;
}

asio::awaitable<http::Response> GetReservation(StatePtr s, http::Request& req) {
  RequireService(req);
  std::string order_id = PathId(req, "order_id", ErrorCode::kReservationNotFound);
  http::Response out = co_await Existing(s, order_id, req.deadline(), 200);
  co_return out;
}

std::vector<Line> LinesOf(const pg::Result& rows) {
  std::vector<Line> out;
  for (const pg::Row& row : rows) out.push_back(Line{row.Get<std::string>("product_id"), row.Get<std::int64_t>("qty")});
  return out;
}

// Commit and release take no fields: an empty body or {}. Anything else is refused before any effect.
void NoFields(const http::Request& req) {
  if (req.body().empty()) return;
  JsonReader r(req.body());
  r.RejectUnknownFields();
  r.Finish();
}

asio::awaitable<http::Response> Commit(StatePtr s, http::Request& req) {
  RequireService(req);
  NoFields(req);
  std::string order_id = PathId(req, "order_id", ErrorCode::kReservationNotFound);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result r = co_await tx.Execute(store::kReservationLock, order_id);
  if (r.empty()) throw Error(ErrorCode::kReservationNotFound);
  store::ReservationRow rv = store::ToReservation(r.front());
  if (rv.status == "committed") {
    co_await tx.Rollback();
    http::Response out = co_await Existing(s, order_id, req.deadline(), 200);
    co_return out;
  }
  pg::Result line_rows = co_await tx.Execute(store::kReservationLines, order_id);
  std::vector<Line> lines = LinesOf(line_rows);  // by product_id: the lock order
  const bool held = rv.status == "held";
  for (const Line& line : lines) {
    if (held) {
      co_await tx.Execute(store::kCommitHeldLine, rv.store_id, line.product_id, line.qty);
    } else {
      // Expired or released: the stock went back; take it again if it is still there.
      pg::Result again = co_await tx.Execute(store::kRetakeLine, rv.store_id, line.product_id, line.qty);
      if (again.empty()) co_await Refuse(tx, rv.store_id, line);
    }
  }
  std::string committed = "committed";
  co_await tx.Execute(store::kReservationSetStatus, order_id, committed);
  co_await tx.Commit();
  http::Response out = co_await Existing(s, order_id, req.deadline(), 200);
  co_return out;
}

json::value Absent(const std::string& order_id) {
  json::object o;
  o["order_id"] = order_id;
  o["status"] = "absent";
  o["lines"] = json::array();
  return o;
}

asio::awaitable<http::Response> Release(StatePtr s, http::Request& req) {
  RequireService(req);
  NoFields(req);
  std::string order_id = PathId(req, "order_id", ErrorCode::kReservationNotFound);
  pg::Transaction tx = co_await s->db->Begin(req.deadline());
  pg::Result r = co_await tx.Execute(store::kReservationLock, order_id);
  if (r.empty()) co_return JsonResponse(Absent(order_id));  // a saga compensating a reservation never made
  store::ReservationRow rv = store::ToReservation(r.front());
  if (rv.status == "released" || rv.status == "expired") {
    co_await tx.Rollback();
    http::Response out = co_await Existing(s, order_id, req.deadline(), 200);
    co_return out;
  }
  pg::Result line_rows = co_await tx.Execute(store::kReservationLines, order_id);
  std::vector<Line> lines = LinesOf(line_rows);
  const bool held = rv.status == "held";
  for (const Line& line : lines) {
    if (held)
      co_await tx.Execute(store::kReleaseHeldLine, rv.store_id, line.product_id, line.qty);
    else
      co_await tx.Execute(store::kReturnCommittedLine, rv.store_id, line.product_id, line.qty);
  }
  std::string released = "released";
  co_await tx.Execute(store::kReservationSetStatus, order_id, released);
  co_await tx.Commit();
  http::Response out = co_await Existing(s, order_id, req.deadline(), 200);
  co_return out;
}

/// Expires one reservation if it is still held, past its expiry and not locked by a commit/release right now.
asio::awaitable<bool> ExpireOne(StatePtr s, std::string order_id, Deadline deadline) {
  pg::Transaction tx = co_await s->db->Begin(deadline);
  pg::Result r = co_await tx.Execute(store::kLockDueReservation, order_id);
  if (r.empty()) co_return false;
  std::string store_id = r.front().Get<std::string>("store_id");
  pg::Result line_rows = co_await tx.Execute(store::kReservationLines, order_id);
  std::vector<Line> lines = LinesOf(line_rows);
  for (const Line& line : lines) co_await tx.Execute(store::kReleaseHeldLine, store_id, line.product_id, line.qty);
  std::string expired = "expired";
  co_await tx.Execute(store::kReservationSetStatus, order_id, expired);
  std::string payload = events::ReservationPayload(order_id, store_id);
  co_await s->outbox->Append(tx, "reservation.expired", payload);
  co_await tx.Commit();
  co_return true;
}

void LogExpired(std::size_t n) {
  log::Info("products.reservations_expired", {{"count", static_cast<std::int64_t>(n)}});
}

}  // namespace

asio::awaitable<std::size_t> SweepReservations(StatePtr s, Deadline deadline) {
  constexpr int kBatch = 100;
  std::size_t expired = 0;
  for (int round = 0; round < 10; ++round) {
    pg::Result due = co_await s->db->Execute(deadline, store::kDueReservations, kBatch);
    for (const pg::Row& row : due) {
      std::string order_id = row.Get<std::string>("order_id");
      bool done = co_await ExpireOne(s, order_id, deadline);
      if (done) ++expired;
    }
    if (due.size() < kBatch) break;
  }
  if (expired > 0) LogExpired(expired);
  co_return expired;
}

void AddReservationRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/internal/v1/listings/quote",
             http::AsyncHandler([s](http::Request& r) { return Quote(s, r); }));
  router.Add(http::Method::kPost, "/internal/v1/reservations",
             http::AsyncHandler([s](http::Request& r) { return Reserve(s, r); }));
  router.Add(http::Method::kGet, "/internal/v1/reservations/{order_id}",
             http::AsyncHandler([s](http::Request& r) { return GetReservation(s, r); }));
  router.Add(http::Method::kPost, "/internal/v1/reservations/{order_id}/commit",
             http::AsyncHandler([s](http::Request& r) { return Commit(s, r); }));
  router.Add(http::Method::kPost, "/internal/v1/reservations/{order_id}/release",
             http::AsyncHandler([s](http::Request& r) { return Release(s, r); }));
}

}  // namespace okada::products::api
