#include "store/features.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "store/statements.hpp"

namespace okada::brain::store {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A PostgreSQL array literal of text values ({"a","b\"c"}).
std::string TextArray(const std::vector<features::Label>& labels) {
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : labels[i].entity) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string TimeArray(const std::vector<features::Label>& labels) {
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) out += (i ? "," : "") + std::to_string(labels[i].time);
  return out + "}";
}

std::string FieldText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

}  // namespace

std::string OnlineKey(const std::string& view, const std::string& entity) {
  return "okada:features:" + view + ":" + entity;
}

asio::awaitable<std::int64_t> ComputeViews(pg::Database& db, std::int64_t as_of, Deadline deadline) {
  const double t = static_cast<double>(as_of);
  const double window = 28.0 * 86400, recent = 7.0 * 86400;
  std::int64_t written = 0;
  pg::Transaction tx = co_await db.Begin(deadline);
  pg::Result a = co_await tx.Execute(kCustomerActivity, t, window);
  written += a.affected();
  pg::Result b = co_await tx.Execute(kProductPopularity, t, window, recent);
  written += b.affected();
  pg::Result c = co_await tx.Execute(kStoreActivity, t, window, recent);
  written += c.affected();
  pg::Result d = co_await tx.Execute(kZoneDemand, t, window, recent);
  written += d.affected();
  pg::Result e = co_await tx.Execute(kRiderActivity, t, window, recent);
  written += e.affected();
  co_await tx.Commit();
  co_return written;
}

asio::awaitable<std::vector<std::optional<std::string>>> PointInTime(pg::Database& db, const features::View& view,
                                                                     std::vector<features::Label> labels,
                                                                     Deadline deadline) {
  std::vector<std::optional<std::string>> out;
  if (labels.empty()) co_return out;
  const std::string entities = TextArray(labels), times = TimeArray(labels);
  const double ttl = static_cast<double>(view.ttl_s);
  pg::Result r = co_await db.Execute(deadline, kPointInTime, view.name, entities, times, ttl);
  for (pg::Row row : r) out.push_back(row.Get<std::optional<std::string>>("vals"));
  co_return out;
}

asio::awaitable<std::int64_t> Materialise(pg::Database& db, redis::Client& redis, const features::View& view,
                                          std::int64_t now, Deadline deadline) {
  const double t = static_cast<double>(now), ttl = static_cast<double>(view.ttl_s);
  pg::Result rows = co_await db.Execute(deadline, kLatestRows, view.name, t, ttl);
  std::vector<std::vector<std::string>> commands;
  std::int64_t written = 0;
  for (pg::Row row : rows) {
    const std::string entity = row.Get<std::string>("entity");
    const double as_of = row.Get<double>("as_of");
    const json::value vals = json::parse(row.Get<std::string>("vals"));
    if (!vals.is_object()) continue;
    const std::string key = OnlineKey(view.name, entity);
    std::vector<std::string> hset{"HSET", key, "_as_of", std::to_string(static_cast<std::int64_t>(as_of))};
    for (const auto& [name, value] : vals.get_object()) {
      hset.emplace_back(name);
      hset.push_back(FieldText(value));
    }
    const std::int64_t expires_ms = static_cast<std::int64_t>(std::llround((as_of + ttl) * 1000));
    commands.push_back({"DEL", key});
    commands.push_back(std::move(hset));
    commands.push_back({"PEXPIREAT", key, std::to_string(expires_ms)});
    ++written;
    if (commands.size() >= 300) {
      std::vector<redis::Reply> replies = co_await redis.Pipeline(std::move(commands), deadline);
      commands.clear();
    }
  }
  if (!commands.empty()) {
    std::vector<redis::Reply> replies = co_await redis.Pipeline(std::move(commands), deadline);
  }
  co_return written;
}

asio::awaitable<std::map<std::string, std::string>> Online(redis::Client& redis, const std::string& view,
                                                           const std::string& entity, Deadline deadline) {
  std::map<std::string, std::string> out;
  std::vector<std::string> command{"HGETALL", OnlineKey(view, entity)};
  redis::Reply r = co_await redis.Command(std::move(command), deadline);
  for (std::size_t i = 0; i + 1 < r.elements.size(); i += 2) out[r.elements[i].str] = r.elements[i + 1].str;
  co_return out;
}

asio::awaitable<std::int64_t> PruneFeatures(pg::Database& db, std::int64_t now, int keep_days, Deadline deadline) {
  const double t = static_cast<double>(now);
  pg::Result r = co_await db.Execute(deadline, kFeaturePrune, t, keep_days);
  co_return r.affected();
}

}  // namespace okada::brain::store
