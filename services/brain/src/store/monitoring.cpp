#include "store/monitoring.hpp"

#include <boost/json.hpp>

#include "okada/brain/features/features.hpp"
#include "store/statements.hpp"

namespace okada::brain::store {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Sample {
  std::map<std::string, std::vector<double>> numbers;
  std::map<std::string, monitoring::Counts> categories;
};

asio::awaitable<Sample> RowsAt(pg::Database& db, const features::View& view, double as_of, Deadline deadline) {
  Sample out;
  pg::Result rows = co_await db.Execute(deadline, kRowsAsOf, view.name, as_of);
  for (pg::Row row : rows) {
    boost::system::error_code ec;
    const json::value v = json::parse(row.Get<std::string>("vals"), ec);
    if (ec || !v.is_object()) continue;
    for (const features::Feature& f : view.features) {
      const json::value* x = v.get_object().if_contains(f.name);
      if (!x || x->is_null()) continue;
      if (f.kind == features::Kind::kNumber && x->is_number()) {
        out.numbers[f.name].push_back(x->to_number<double>());
      } else if (f.kind == features::Kind::kCategory && x->is_string()) {
        out.categories[f.name][std::string(x->get_string())] += 1;
      }
    }
  }
  co_return out;
}

}  // namespace

asio::awaitable<std::vector<ViewDrift>> FeatureDrift(pg::Database& db, std::int64_t now, std::int64_t reference_age_s,
                                                     Deadline deadline) {
  std::vector<ViewDrift> out;
  for (const features::View& view : features::Views()) {
    const double t = static_cast<double>(now);
    pg::Result cur = co_await db.Execute(deadline, kLatestAsOf, view.name, t);
    if (cur.empty() || cur.front().IsNull("as_of")) continue;
    const double current = cur.front().Get<double>("as_of");
    const double before = current - static_cast<double>(reference_age_s);
    pg::Result ref = co_await db.Execute(deadline, kLatestAsOf, view.name, before);
    if (ref.empty() || ref.front().IsNull("as_of")) continue;
    const double reference = ref.front().Get<double>("as_of");
    const Sample a = co_await RowsAt(db, view, reference, deadline);
    const Sample b = co_await RowsAt(db, view, current, deadline);
    std::vector<monitoring::FeatureDrift> features;
    for (const features::Feature& f : view.features) {
      if (f.kind == features::Kind::kNumber) {
        auto ia = a.numbers.find(f.name), ib = b.numbers.find(f.name);
        if (ia == a.numbers.end() || ib == b.numbers.end()) continue;
        features.push_back(monitoring::CompareNumeric(f.name, ia->second, ib->second));
      } else {
        auto ia = a.categories.find(f.name), ib = b.categories.find(f.name);
        if (ia == a.categories.end() || ib == b.categories.end()) continue;
        features.push_back(monitoring::CompareCategorical(f.name, ia->second, ib->second));
      }
    }
    ViewDrift d;
    d.view = view.name;
    d.reference_as_of = static_cast<std::int64_t>(reference);
    d.current_as_of = static_cast<std::int64_t>(current);
    d.drift = monitoring::Summarise(std::move(features));
    out.push_back(std::move(d));
  }
  co_return out;
}

asio::awaitable<std::vector<RecsAccuracy>> RecsOutcomes(pg::Database& db, Deadline deadline) {
  std::vector<RecsAccuracy> out;
  pg::Result r = co_await db.Execute(deadline, kRecsOutcomes);
  for (pg::Row row : r)
    out.push_back(
        {row.Get<std::string>("variant"), row.Get<std::int64_t>("served"), row.Get<std::int64_t>("converted")});
  co_return out;
}

void MonitoringFigures::Set(const std::string& key, double value) {
  std::lock_guard lock(mu_);
  values_[key] = value;
}

double MonitoringFigures::Get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

}  // namespace okada::brain::store
