#pragma once
// The feature store's definitions (ARCHITECTURE §9): entities, feature views with a time-to-live, and the feature
// services (the features one model reads), plus the point-in-time join that builds training sets. The brain
// service stores the views (PostgreSQL offline, Redis online: services/brain/src/store/features.cpp); this part
// is plain C++ so okada-brain and tests share it.
//
// Point-in-time correctness: a label at time t only ever sees a feature row computed as of a time <= t, and not
// older than the view's TTL. A row is computed as of time T from data up to T only.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace okada::brain::features {

enum class Kind { kNumber, kCategory };

struct Feature {
  std::string name;
  Kind kind = Kind::kNumber;
  std::string description;
};

struct View {
  std::string name;
  std::string entity;         // customer, product, store, rider, zone
  std::int64_t window_s = 0;  // the data a row summarises: (as_of - window, as_of]
  std::int64_t ttl_s = 0;     // a row is usable for this long after its as-of time
  std::vector<Feature> features;
  std::string description;
};

// customer_activity, product_popularity, store_activity, rider_activity, zone_demand.
const std::vector<View>& Views();
const View* FindView(const std::string& name);

// The features one model reads ("view.feature").
struct FeatureService {
  std::string name;
  std::vector<std::string> features;
};
const std::vector<FeatureService>& Services();
const FeatureService* FindService(const std::string& name);

// A label to join features to: an entity at a time (unix seconds).
struct Label {
  std::string entity;
  std::int64_t time = 0;
};
// A stored feature row: an entity's values as of `as_of`.
struct Row {
  std::string entity;
  std::int64_t as_of = 0;
};
// For each label, the index in `rows` of the entity's latest row with as_of <= label.time and
// as_of > label.time - ttl_s, or -1 when there is none (missing, or expired).
std::vector<std::ptrdiff_t> PointInTimeJoin(std::span<const Label> labels, std::span<const Row> rows,
                                            std::int64_t ttl_s);

}  // namespace okada::brain::features
