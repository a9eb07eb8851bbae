// GET /internal/v1/brain/export/interactions: the brain's interactions (one row per product of a placed order, as
// order.placed brought them) for the training pipeline (`okada brain export`, then `okada brain train`). Service
// token only; pages in (time, order, product) order with an opaque cursor, so an export of months runs in bounded
// memory and a page is never skipped or repeated while orders keep arriving.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "api/api.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/paging.hpp"
#include "store/statements.hpp"

namespace okada::brain::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxPage = 20000;

struct Position {
  std::int64_t at_us = -1;  // before everything
  std::string order_id;
  std::string product_id = "00000000-0000-0000-0000-000000000000";
};

std::string Encode(const Position& p) {
  return paging::EncodeCursor(std::to_string(p.at_us) + "|" + p.product_id + "|" + p.order_id);
}

// "<at µs>|<product uuid>|<order id>" inside the cursor; the order id may contain anything, so it comes last.
std::optional<Position> Decode(std::string_view cursor) {
  std::optional<std::string> raw = paging::DecodeCursor(cursor);
  if (!raw) return std::nullopt;
  const std::size_t bar = raw->find('|');
  if (bar == std::string::npos || raw->size() < bar + 1 + 36 + 1 || (*raw)[bar + 37] != '|') return std::nullopt;
  Position p;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + bar, p.at_us);
  if (ec != std::errc() || end != raw->data() + bar) return std::nullopt;
  p.product_id = raw->substr(bar + 1, 36);
  if (!paging::IsUuid(p.product_id)) return std::nullopt;
  p.order_id = raw->substr(bar + 38);
  return p;
}

std::int64_t WholeParam(const http::Request& req, const char* name, std::int64_t fallback, std::int64_t lo,
                        std::int64_t hi, std::vector<FieldError>& errors) {
  std::optional<std::string> raw = req.query_param(name);
  if (!raw) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
  if (raw->empty() || ec != std::errc() || end != raw->data() + raw->size() || v < lo || v > hi) {
    errors.push_back({name, "OUT_OF_RANGE", "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi)});
    return fallback;
  }
  return v;
}

asio::awaitable<http::Response> ExportInteractions(StatePtr s, http::Request& req) {
  std::vector<FieldError> errors;
  const std::int64_t since = WholeParam(req, "since", 0, 0, 253402300799, errors);  // unix seconds
  const std::int64_t limit = WholeParam(req, "limit", 5000, 1, kMaxPage, errors);
  Position from;
  if (std::optional<std::string> cursor = req.query_param("cursor")) {
    std::optional<Position> p = Decode(*cursor);
    if (!p) errors.push_back({"cursor", "INVALID_FORMAT", "a cursor from a previous page's next_cursor"});
    if (p) from = *p;
  }
  if (!errors.empty()) throw Invalid(std::move(errors));
  const double since_s = static_cast<double>(since);
  pg::Result rows = co_await s->db->Execute(req.deadline(), store::kExportInteractions, since_s, from.at_us,
                                            from.order_id, from.product_id, limit);
  json::array items;
  Position last;
  for (pg::Row row : rows) {
    last.at_us = row.Get<std::int64_t>("at_us");
    last.order_id = row.Get<std::string>("order_id");
    last.product_id = row.Get<std::string>("product_id");
    json::array item;
    item.emplace_back(row.Get<std::string>("customer_id"));
    item.emplace_back(last.product_id);
    item.emplace_back(last.at_us / 1000000);
    item.emplace_back(row.Get<std::int64_t>("quantity"));
    item.emplace_back(row.Get<std::string>("store_id"));
    item.emplace_back(row.Get<std::string>("zone"));
    item.emplace_back(last.order_id);
    items.push_back(std::move(item));
  }
  json::object out;
  const bool more = static_cast<std::int64_t>(items.size()) == limit;
  out["items"] = std::move(items);
  out["next_cursor"] = more ? json::value(Encode(last)) : json::value(nullptr);
  co_return http::Response::Json(json::serialize(out), 200);
}

}  // namespace

void AddExportRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kGet, "/internal/v1/brain/export/interactions",
             http::AsyncHandler([s](http::Request& r) { return ExportInteractions(s, r); }));
}

}  // namespace okada::brain::api
