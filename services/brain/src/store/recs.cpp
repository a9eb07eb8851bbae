#include "store/recs.hpp"

#include "okada/brain/registry/registry.hpp"
#include "okada/core/log.hpp"
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
  for (pg::Row row : popular) {
    std::string id = row.Get<std::string>("product_id");
    if (next->on_sale.count(id)) next->popular.push_back({std::move(id), row.Get<double>("n")});
  }
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

asio::awaitable<std::vector<recs_serving::HistoryItem>> CustomerHistory(pg::Database& db,
                                                                        const std::string& customer_id,
                                                                        Deadline deadline) {
  std::vector<recs_serving::HistoryItem> out;
  pg::Result r = co_await db.Execute(deadline, kHistory, customer_id);
  for (pg::Row row : r)
    out.push_back({row.Get<std::string>("product_id"), static_cast<float>(row.Get<double>("n")),
                   static_cast<std::int64_t>(row.Get<double>("last"))});
  co_return out;
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
