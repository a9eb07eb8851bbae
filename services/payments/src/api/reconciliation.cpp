// Reconciliation: each provider's statement of settled transactions against our books (domain::Reconcile),
// hourly and on demand. Every mismatch is stored with its run, logged, and counted in a gauge for alerting.
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "api/api.hpp"
#include "api/jobs.hpp"
#include "api/views.hpp"
#include "domain/lifecycle.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/client.hpp"
#include "okada/core/io.hpp"
#include "okada/core/json_reader.hpp"
#include "okada/core/log.hpp"
#include "store/statements.hpp"

namespace okada::payments {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

std::vector<domain::StatementItem> ParseStatement(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object() || !v.get_object().contains("items") || !v.get_object().at("items").is_array())
    throw Error(ErrorCode::kUpstreamUnavailable, "the provider's statement is not in the expected format");
  std::vector<domain::StatementItem> out;
  for (const json::value& i : v.get_object().at("items").get_array()) {
    if (!i.is_object()) continue;
    const json::object& o = i.get_object();
    domain::StatementItem it;
    if (const json::value* r = o.if_contains("reference"); r && r->is_string()) it.reference = r->get_string();
    if (const json::value* e = o.if_contains("external_id"); e && e->is_string()) it.external_id = e->get_string();
    if (const json::value* a = o.if_contains("amount")) {
      if (a->is_int64()) it.amount = a->get_int64();
      if (a->is_uint64()) it.amount = static_cast<std::int64_t>(a->get_uint64());
      if (a->is_string()) it.amount = std::atoll(a->get_string().c_str());
    }
    if (!it.reference.empty()) out.push_back(std::move(it));
  }
  return out;
}

asio::awaitable<std::string> FetchStatement(StatePtr s, std::string provider, Deadline d) {
  auto url = s->settings.provider_urls.find(provider);
  if (url == s->settings.provider_urls.end()) throw NotFound("no such provider");
  int shard = IoPool::CurrentShard();
  http::Client client(s->io->context(shard < 0 ? 0 : static_cast<std::size_t>(shard)));
  http::ClientRequest req;
  req.method = http::Method::kGet;
  req.url = url->second + s->settings.statement_path;
  req.deadline = d;
  http::ClientResponse res = co_await client.Send(std::move(req));
  if (res.status != 200)
    throw Error(ErrorCode::kUpstreamUnavailable,
                "the provider's statement answered HTTP " + std::to_string(res.status));
  co_return res.body;
}

json::object RunJson(const pg::Row& run, const pg::Result& mismatches) {
  json::object o;
  o["id"] = run.Get<std::string>(0);
  o["provider"] = run.Get<std::string>(1);
  o["started_at"] = run.Get<std::string>(2);
  o["statement_items"] = run.Get<int>(3);
  o["ledger_items"] = run.Get<int>(4);
  o["mismatch_count"] = run.Get<int>(5);
  json::array items;
  for (const pg::Row& m : mismatches) {
    json::object i;
    i["kind"] = m.Get<std::string>(0);
    i["reference"] = m.Get<std::string>(1);
    std::optional<std::string> ext = m.Get<std::optional<std::string>>(2);
    i["external_id"] = ext ? json::value(*ext) : json::value(nullptr);
    std::optional<std::int64_t> ours = m.Get<std::optional<std::int64_t>>(3);
    std::optional<std::int64_t> theirs = m.Get<std::optional<std::int64_t>>(4);
    i["ours_xaf"] = ours ? json::value(*ours) : json::value(nullptr);
    i["theirs_xaf"] = theirs ? json::value(*theirs) : json::value(nullptr);
    items.push_back(std::move(i));
  }
  o["mismatches"] = std::move(items);
  return o;
}

std::string ProviderParam(std::string_view p) {
  if (p != "momo" && p != "orange_money") throw Error(ErrorCode::kValidationFailed, "provider: momo or orange_money");
  return std::string(p);
}

}  // namespace

asio::awaitable<std::string> ReconcileProvider(StatePtr s, std::string provider, Deadline d) {
  std::string body = co_await FetchStatement(s, provider, d);
  std::vector<domain::StatementItem> theirs = ParseStatement(body);
  pg::Result rows =
      co_await s->db->Execute(d, store::kBookItems, provider, static_cast<double>(s->settings.reconcile_window.count()),
                              static_cast<double>(s->settings.reconcile_grace.count()));
  std::vector<domain::BookItem> ours;
  for (const pg::Row& r : rows) {
    domain::BookItem b;
    b.reference = r.Get<std::string>(0);
    b.external_id = r.Get<std::string>(1);
    b.amount = r.Get<std::int64_t>(2);
    b.settled = r.Get<bool>(3);
    b.young = r.Get<bool>(4);
    ours.push_back(std::move(b));
  }
  std::vector<domain::Mismatch> found = domain::Reconcile(ours, theirs);
  std::string run = crypto::UuidV7();
  {
    pg::Transaction tx = co_await s->db->Begin(d);
    co_await tx.Execute(store::kReconInsert, run, provider, static_cast<int>(theirs.size()),
                        static_cast<int>(ours.size()), static_cast<int>(found.size()));
    for (const domain::Mismatch& m : found)
      co_await tx.Execute(store::kMismatchInsert, run, m.kind, m.reference, m.external_id, m.ours, m.theirs);
    co_await tx.Commit();
  }
  Gauge* g = provider == "momo" ? s->reconciliation_mismatches_momo : s->reconciliation_mismatches_orange;
  if (g) g->Set(static_cast<std::int64_t>(found.size()));
  for (const domain::Mismatch& m : found)
    log::Error("payments.reconciliation_mismatch", {{"provider", provider},
                                                    {"kind", m.kind},
                                                    {"reference", m.reference},
                                                    {"external_id", m.external_id},
                                                    {"ours_xaf", m.ours.value_or(-1)},
                                                    {"theirs_xaf", m.theirs.value_or(-1)}});
  log::Info("payments.reconciled", {{"provider", provider},
                                    {"run", run},
                                    {"statement_items", theirs.size()},
                                    {"ledger_items", ours.size()},
                                    {"mismatches", found.size()}});
  co_return run;
}

namespace api {

namespace {

asio::awaitable<http::Response> AnswerRun(StatePtr s, std::string provider, int status, Deadline d) {
  pg::Result run = co_await s->db->Execute(d, store::kReconLatest, provider);
  if (run.empty()) throw NotFound("no reconciliation has run for this provider yet");
  pg::Result mismatches = co_await s->db->Execute(d, store::kMismatchesOf, run.front().Get<std::string>(0));
  co_return JsonAnswer(RunJson(run.front(), mismatches), status);
}

asio::awaitable<http::Response> RunNow(StatePtr s, http::Request& req) {
  JsonReader r(req.body());
  std::string provider = r.Enum("provider", {"momo", "orange_money"});
  r.RejectUnknownFields();
  r.Finish();
  co_await ReconcileProvider(s, provider, req.deadline());
  co_return co_await AnswerRun(s, provider, 201, req.deadline());
}

asio::awaitable<http::Response> Latest(StatePtr s, http::Request& req) {
  std::optional<std::string> p = req.query_param("provider");
  std::string provider = ProviderParam(p ? *p : std::string("momo"));
  co_return co_await AnswerRun(s, provider, 200, req.deadline());
}

}  // namespace

void AddReconciliationRoutes(http::Router& router, StatePtr s) {
  router.Add(http::Method::kPost, "/v1/admin/reconciliations",
             http::AsyncHandler([s](http::Request& r) { return RunNow(s, r); }));
  router.Add(http::Method::kGet, "/v1/admin/reconciliations/latest",
             http::AsyncHandler([s](http::Request& r) { return Latest(s, r); }));
}

}  // namespace api
}  // namespace okada::payments
