#include "store/recs.hpp"

#include <boost/json.hpp>

#include "okada/brain/registry/registry.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/log.hpp"
#include "okada/core/redis/redis.hpp"
#include "store/statements.hpp"

namespace okada::brain::store {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

template <typename T>
std::string NumberArray(const std::vector<T>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

std::shared_ptr<const ServedModel> LoadVersion(const registry::Registry& r, const registry::ModelVersion& v) {
  if (!r.Verify(v)) throw std::runtime_error("artifact of v" + std::to_string(v.version) + " fails its sha256");
  auto served = std::make_shared<ServedModel>();
  served->model = recs::LoadRecsModel(r.ArtifactPath(v).string());
  served->version = v.version;
  served->sha256 = v.sha256;
  return served;
}

}  // namespace

RecsStore::RecsStore(fs::path registry_dir) : registry_dir_(std::move(registry_dir)) {}

std::shared_ptr<const ServedModel> RecsStore::Champion() const {
  std::lock_guard lock(mu_);
  return champion_;
}
std::shared_ptr<const ServedModel> RecsStore::Challenger() const {
  std::lock_guard lock(mu_);
  return challenger_;
}
std::shared_ptr<const Catalogue> RecsStore::Products() const {
  std::lock_guard lock(mu_);
  return catalogue_;
}

std::string RecsStore::ReloadModels() {
  std::error_code ec;
  const fs::path file = registry_dir_ / "registry.json";
  const auto mtime = fs::last_write_time(file, ec);
  if (ec) return "";  // no registry yet: the popularity fallback serves
  {
    std::lock_guard lock(mu_);
    if (mtime == seen_) return "";
  }
  std::string said;
  std::shared_ptr<const ServedModel> champion, challenger;
  try {
    registry::Registry r(registry_dir_);
    const auto c = r.ByAlias("recs", "champion");
    const auto x = r.ByAlias("recs", "challenger");
    {
      std::lock_guard lock(mu_);
      champion = champion_;
      challenger = challenger_;
    }
    if (c && (!champion || champion->version != c->version)) {
      champion = LoadVersion(r, *c);
      said += "champion v" + std::to_string(c->version) + " ";
    }
    if (!c) champion.reset();
    if (x && (!challenger || challenger->version != x->version)) {
      challenger = LoadVersion(r, *x);
      said += "challenger v" + std::to_string(x->version) + " ";
    }
    if (!x) challenger.reset();
  } catch (const std::exception& e) {
    log::Warn("brain.recs_model_not_loaded", {{"error", e.what()}});
    return "";  // keep serving what we have; try again at the next change
  }
  std::lock_guard lock(mu_);
  champion_ = champion;
  challenger_ = challenger;
  seen_ = mtime;
  return said;
}

asio::awaitable<void> RecsStore::RefreshCatalogue(pg::Database& db, Deadline deadline) {
  auto next = std::make_shared<Catalogue>();
  pg::Result sale = co_await db.Execute(deadline, kOnSale);
  for (pg::Row row : sale)
    next->on_sale[row.Get<std::string>("product_id")].push_back(
        {row.Get<std::string>("store_id"), row.Get<std::int64_t>("price_xaf")});
  pg::Result popular = co_await db.Execute(deadline, kPopular);
  std::vector<recs_serving::Pick> overall;
  for (pg::Row row : popular) {
    std::string id = row.Get<std::string>("product_id");
    if (next->on_sale.count(id)) overall.push_back({std::move(id), row.Get<double>("n")});
  }
  pg::Result slots = co_await db.Execute(deadline, kPopularSlots);
  recs_serving::PopularityBuilder builder;
  for (pg::Row row : slots) {
    const int local_hour = (row.Get<int>("utc_hour") + 1) % 24;  // Cameroon: UTC+1 all year
    builder.Add(row.Get<std::string>("zone"), local_hour, row.Get<std::string>("product_id"), row.Get<double>("n"));
  }
  next->popularity = builder.Build(std::move(overall));
  std::lock_guard lock(mu_);
  catalogue_ = next;
}

void RecsStore::Log(Prediction p) {
  std::lock_guard lock(mu_);
  if (log_.size() < 100000) log_.push_back(std::move(p));  // bounded if the database is away for long
}

std::vector<Prediction> RecsStore::TakeLog() {
  std::lock_guard lock(mu_);
  std::vector<Prediction> out;
  out.swap(log_);
  return out;
}

namespace {

constexpr int kHistoryTtlS = 3600;
constexpr int kGenerationTtlS = 2 * 86400;  // outlives any cached history

std::string HistoryKey(const std::string& customer) { return "okada:brain:history:" + customer; }
std::string GenerationKey(const std::string& customer) { return "okada:brain:history_gen:" + customer; }

// A cached hash: "_gen" → generation, product → "orders,last". nullopt when absent, stale or unreadable.
std::optional<std::vector<recs_serving::HistoryItem>> FromCache(const redis::Reply& hash, const std::string& gen) {
  std::optional<std::vector<recs_serving::HistoryItem>> out;
  if (hash.elements.size() < 2) return out;
  std::vector<recs_serving::HistoryItem> items;
  bool current = false;
  for (std::size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
    const std::string& field = hash.elements[i].str;
    const std::string& value = hash.elements[i + 1].str;
    if (field == "_gen") {
      current = value == gen;
      continue;
    }
    const auto comma = value.find(',');
    if (comma == std::string::npos) return out;
    char* end = nullptr;
    const double n = std::strtod(value.c_str(), &end);
    const long long last = std::strtoll(value.c_str() + comma + 1, &end, 10);
    items.push_back({field, static_cast<float>(n), static_cast<std::int64_t>(last)});
  }
  if (current) out = std::move(items);
  return out;
}

}  // namespace

asio::awaitable<CustomerView> ReadCustomer(pg::Database& db, redis::Client* redis, const std::string& customer_id,
                                           Deadline deadline) {
  CustomerView view;
  std::string gen = "0";
  bool redis_ok = redis != nullptr;
  if (redis_ok) {
    std::vector<std::vector<std::string>> reads = {
        {"GET", GenerationKey(customer_id)},
        {"HGETALL", HistoryKey(customer_id)},
        {"HGET", "okada:features:customer_activity:" + customer_id, "home_zone"}};
    try {
      std::vector<redis::Reply> r = co_await redis->Pipeline(std::move(reads), deadline);
      if (r.size() == 3) {
        if (r[0].type == redis::Reply::Type::kString) gen = r[0].str;
        if (r[2].type == redis::Reply::Type::kString) view.home_zone = r[2].str;
        if (auto cached = FromCache(r[1], gen)) {
          view.history = std::move(*cached);
          view.from_cache = true;
          co_return view;
        }
      }
    } catch (const Error&) {
      redis_ok = false;  // Redis away: PostgreSQL alone
    }
  }
  pg::Result rows = co_await db.Execute(deadline, kHistory, customer_id);
  std::vector<std::string> fill{"HSET", HistoryKey(customer_id), "_gen", gen};
  for (pg::Row row : rows) {
    recs_serving::HistoryItem h{row.Get<std::string>("product_id"), static_cast<float>(row.Get<double>("n")),
                                static_cast<std::int64_t>(row.Get<double>("last"))};
    fill.push_back(h.product_id);
    fill.push_back(std::to_string(static_cast<std::int64_t>(h.events)) + "," + std::to_string(h.last));
    view.history.push_back(std::move(h));
  }
  if (redis_ok) {
    std::vector<std::vector<std::string>> writes = {{"DEL", HistoryKey(customer_id)},
                                                    std::move(fill),
                                                    {"EXPIRE", HistoryKey(customer_id), std::to_string(kHistoryTtlS)}};
    try {
      std::vector<redis::Reply> done = co_await redis->Pipeline(std::move(writes), deadline);
    } catch (const Error&) {
      // not cached this time; the answer stands
    }
  }
  co_return view;
}

asio::awaitable<void> MarkHistoriesStale(const std::vector<okada::events::Event>& applied, redis::Client& redis,
                                         Deadline deadline) {
  std::vector<std::vector<std::string>> bumps;
  for (const okada::events::Event& e : applied) {
    if (e.type != "order.placed") continue;
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(e.payload, ec);
    if (ec || !v.is_object()) continue;
    const boost::json::value* c = v.get_object().if_contains("customer_id");
    if (!c || !c->is_string()) continue;
    const std::string customer(c->get_string());
    bumps.push_back({"INCR", GenerationKey(customer)});
    bumps.push_back({"EXPIRE", GenerationKey(customer), std::to_string(kGenerationTtlS)});
  }
  if (bumps.empty()) co_return;
  std::vector<redis::Reply> done = co_await redis.Pipeline(std::move(bumps), deadline);
}

asio::awaitable<std::int64_t> FlushPredictions(pg::Database& db, std::vector<Prediction> batch, Deadline deadline) {
  if (batch.empty()) co_return 0;
  std::vector<double> at;
  std::vector<std::string> endpoint, customer, variant, items;
  std::vector<int> version, latency;
  for (const Prediction& p : batch) {
    at.push_back(static_cast<double>(p.at_ms));
    endpoint.push_back(p.endpoint);
    customer.push_back(p.customer_id);
    version.push_back(p.version);
    variant.push_back(p.variant);
    std::string joined;
    for (const std::string& i : p.items) joined += (joined.empty() ? "" : ",") + i;
    items.push_back(joined);
    latency.push_back(static_cast<int>(std::min<std::int64_t>(p.latency_us, 2000000000)));
  }
  const std::string a = NumberArray(at), e = ArrayLiteral(endpoint), c = ArrayLiteral(customer),
                    v = NumberArray(version), w = ArrayLiteral(variant), i = ArrayLiteral(items),
                    l = NumberArray(latency);
  pg::Result r = co_await db.Execute(deadline, kPredictionsInsert, a, e, c, v, w, i, l);
  co_return r.affected();
}

}  // namespace okada::brain::store
