// POST /v1/merchants/{id}/products/import: a CSV file (header row) upserting the merchant's products by sku, with
// optional listing columns (store_id, price_xaf, on_hand, available, low_stock_threshold). Each good row is one
// statement (product and listing together), so a bad row never half-applies and never stops the good ones;
// the answer counts created/updated/failed rows and names each problem by spreadsheet row (the header is row 1).
#include <boost/asio/awaitable.hpp>
#include <map>
#include <set>

#include "api/handlers.hpp"
#include "api/product_input.hpp"
#include "domain/rules.hpp"
#include "events/events.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/log.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace okada::products::api {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxReportedErrors = 1000;

void CheckCsvRequest(const http::Request& req, std::size_t max_bytes) {
  std::optional<std::string_view> type = req.header("Content-Type");
  std::string t = type ? domain::Lower(*type) : std::string();
  if (t.rfind("text/csv", 0) != 0 && t.rfind("application/csv", 0) != 0)
    throw Error(ErrorCode::kUnsupportedMediaType, "send the file as text/csv");
  if (req.body().size() > max_bytes)
    throw Error(ErrorCode::kCsvTooLarge, "at most " + std::to_string(max_bytes) + " bytes per file");
}

[[noreturn]] void BadHeader(const std::vector<domain::RowError>& errors) {
  std::vector<FieldError> fields;
  for (const auto& e : errors) fields.push_back(FieldError{"header." + e.field, e.code, e.message});
  throw Invalid(std::move(fields));
}

struct Report {
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t failed = 0;
  std::vector<domain::RowError> errors;

  void Fail(std::vector<domain::RowError> row_errors) {
    ++failed;
    for (auto& e : row_errors)
      if (errors.size() < kMaxReportedErrors) errors.push_back(std::move(e));
  }
  void Fail(int row, std::string field, std::string code, std::string message) {
    std::vector<domain::RowError> one;
    one.push_back(domain::RowError{row, std::move(field), std::move(code), std::move(message)});
    Fail(std::move(one));
  }
};

json::value ReportJson(const Report& r) {
  json::object o;
  o["created"] = r.created;
  o["updated"] = r.updated;
  o["failed"] = r.failed;
  json::array errors;
  for (const auto& e : r.errors) {
    json::object x;
    x["row"] = e.row;
    x["field"] = e.field;
    x["code"] = e.code;
    x["message"] = e.message;
    errors.push_back(std::move(x));
  }
  o["errors"] = std::move(errors);
  return o;
}

/// Reads every data row; the good ones are returned, the bad ones recorded in the report.
std::vector<domain::ImportRow> ReadRows(const domain::CsvTable& table, Report& report) {
  std::vector<domain::ImportRow> good;
  good.reserve(table.rows.size());
  for (const auto& in : table.rows) {
    domain::ImportRow row;
    std::vector<domain::RowError> errors = domain::ReadImportRow(table.header, in, row);
    if (errors.empty())
      good.push_back(std::move(row));
    else
      report.Fail(std::move(errors));
  }
  return good;
}

std::set<std::string> CategoriesOf(const std::vector<domain::ImportRow>& rows) {
  std::set<std::string> out;
  for (const auto& r : rows)
    if (r.product.category) out.insert(*r.product.category);
  return out;
}

std::set<std::string> StoresOf(const std::vector<domain::ImportRow>& rows) {
  std::set<std::string> out;
  for (const auto& r : rows)
    if (r.store_id) out.insert(*r.store_id);
  return out;
}

std::vector<pg::Param> RowParams(const std::string& merchant_id, const std::optional<std::string>& category_id,
                                 const domain::ImportRow& row) {
  std::vector<pg::Param> p = ProductParams(crypto::UuidV7(), merchant_id, category_id, row.product);
  p.push_back(row.store_id);
  p.push_back(pg::ToParam(row.price_xaf));
  p.push_back(pg::ToParam(row.on_hand));
  p.push_back(pg::ToParam(row.available));
  p.push_back(pg::ToParam(row.low_stock_threshold));
  return p;
}

/// A row the database refused (constraint), described for the merchant.
domain::RowError Refused(int row, const pg::QueryError& e, bool has_store) {
  if (e.sqlstate() == "23502" && has_store)
    return domain::RowError{row, "price_xaf", "REQUIRED", "a new listing needs price_xaf"};
  if (e.sqlstate() == "23514") return domain::RowError{row, "", "OUT_OF_RANGE", "a value is outside its range"};
  return domain::RowError{row, "", "REFUSED", "the row could not be saved"};
}

/// Whether the store exists and belongs to `merchant_id` (then products.stores has it).
asio::awaitable<bool> StoreOfMerchant(StatePtr s, std::string store_id, std::string merchant_id, Deadline d) {
  bool missing = false;
  StoreRef ref;
  try {
    ref = co_await FindStore(s, store_id, true, d);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kNotFound) throw;
    missing = true;
  }
  co_return !missing && ref.merchant_id == merchant_id;
}

// Imports at least this large refresh the catalogue statistics when they end.
constexpr int kAnalyzeAfterRows = 200;

asio::awaitable<http::Response> Import(StatePtr s, http::Request& req) {
  Caller c = RequireMerchant(req);
  std::string merchant_id = PathId(req, "id");
  CheckCsvRequest(req, s->import_max_bytes);
  co_await RequireMemberOf(s, c, merchant_id, req.deadline());
  domain::CsvTable table = domain::ParseCsv(req.body(), s->import_max_rows);
  std::vector<domain::RowError> header_errors = domain::CheckImportHeader(table.header);
  if (!header_errors.empty()) BadHeader(header_errors);

  Report report;
  std::vector<domain::ImportRow> rows = ReadRows(table, report);
  std::map<std::string, std::optional<std::string>> categories;
  for (const std::string& cat : CategoriesOf(rows)) {
    pg::Result r = co_await s->db->Execute(req.deadline(), store::kCategoryResolve, cat);
    categories[cat] = r.empty() ? std::nullopt : std::optional<std::string>(r.front().Get<std::string>("id"));
  }
  std::map<std::string, bool> stores;
  for (const std::string& store_id : StoresOf(rows)) {
    bool ours = co_await StoreOfMerchant(s, store_id, merchant_id, req.deadline());
    stores[store_id] = ours;
  }

  for (const domain::ImportRow& row : rows) {
    std::optional<std::string> category_id;
    if (row.product.category) {
      category_id = categories[*row.product.category];
      if (!category_id) {
        report.Fail(row.row, "category", "NOT_ALLOWED", "no such category (slug or id)");
        continue;
      }
    }
    if (row.store_id && !stores[*row.store_id]) {
      report.Fail(row.row, "store_id", "NOT_ALLOWED", "no such store of this merchant");
      continue;
    }
    std::vector<pg::Param> params = RowParams(merchant_id, category_id, row);
    std::optional<domain::RowError> refused;
    pg::Result r;
    try {
      // The row and its events (product.created|updated, listing.updated) commit together, as a single create
      // or listing change does: consumers (search popularity, the brain) see imported products too.
      pg::Transaction tx = co_await s->db->Begin(req.deadline());
      r = co_await tx.ExecuteParams(store::kProductUpsert, std::move(params));
      const pg::Row written = r.front();
      const std::string product_id = written.Get<std::string>("product_id");
      const std::string product_payload = events::ProductPayload(product_id, merchant_id);
      if (written.Get<bool>("created")) {
        co_await s->outbox->Append(tx, "product.created", product_payload);
      } else {
        co_await s->outbox->Append(tx, "product.updated", product_payload);
      }
      if (row.store_id && written.Get<std::int64_t>("listings") > 0) {
        const std::string listing_payload =
            events::ListingPayload(*row.store_id, product_id, merchant_id, written.Get<std::int64_t>("price_xaf"),
                                   written.Get<bool>("available"));
        co_await s->outbox->Append(tx, "listing.updated", listing_payload);
      }
      co_await tx.Commit();
    } catch (const pg::QueryError& e) {
      if (e.sqlstate().rfind("23", 0) != 0) throw;  // not a constraint of this row: the import stops
      refused = Refused(row.row, e, row.store_id.has_value());
    }
    if (refused) {
      std::vector<domain::RowError> one;
      one.push_back(std::move(*refused));
      report.Fail(std::move(one));
      continue;
    }
    if (r.front().Get<bool>("created"))
      ++report.created;
    else
      ++report.updated;
  }
  if (report.created + report.updated > 0) co_await store::SearchCacheInvalidate(s->redis, req.deadline());
  // Autovacuum analyses the catalogue rarely (its churn is counters; migration V001, ADR 0015): a bulk import is
  // the change search plans depend on, so refresh the statistics here. Best effort: the rows are in either way.
  if (report.created + report.updated >= kAnalyzeAfterRows) {
    try {
      co_await s->db->Execute(req.deadline(), store::kAnalyzeCatalogue);
    } catch (const Error& e) {
      log::Warn("products.import.analyze_failed", {{"error", e.what()}});
    }
  }
  co_return JsonResponse(ReportJson(report));
}

}  // namespace

void AddImportRoutes(http::Router& router, StatePtr s) {
  http::RouteOptions options;
  options.deadline = std::chrono::seconds(120);  // thousands of rows, one statement each
  router.Add(http::Method::kPost, "/v1/merchants/{id}/products/import",
             http::AsyncHandler([s](http::Request& r) { return Import(s, r); }), options);
}

}  // namespace okada::products::api
