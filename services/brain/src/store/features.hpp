#pragma once
// The feature store's storage: views computed as of a time from brain.interactions into brain.feature_rows
// (offline, PostgreSQL), the point-in-time join for training sets, and materialisation of each entity's latest
// usable row into Redis hashes with the view's TTL (online). Definitions in brain/features.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "okada/brain/features/features.hpp"
#include "okada/core/deadline.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::brain::store {

// Computes every view as of `as_of` (unix seconds) from the interactions up to then. Idempotent (a second run
// for the same time replaces the rows). Returns rows written.
boost::asio::awaitable<std::int64_t> ComputeViews(pg::Database& db, std::int64_t as_of, Deadline deadline);

// For each label, the view's row (its values as JSON text) that a point-in-time join picks: the entity's latest
// row as of a time <= the label's, not older than the TTL; nullopt when there is none.
boost::asio::awaitable<std::vector<std::optional<std::string>>> PointInTime(pg::Database& db,
                                                                            const features::View& view,
                                                                            std::vector<features::Label> labels,
                                                                            Deadline deadline);

// Writes each entity's latest usable row (as of <= now, within the TTL) to Redis
// `okada:features:<view>:<entity>` (fields: the features and `_as_of`), expiring when the row does.
boost::asio::awaitable<std::int64_t> Materialise(pg::Database& db, redis::Client& redis, const features::View& view,
                                                 std::int64_t now, Deadline deadline);

// The online values of one entity (empty when missing or expired).
boost::asio::awaitable<std::map<std::string, std::string>> Online(redis::Client& redis, const std::string& view,
                                                                  const std::string& entity, Deadline deadline);

// Deletes rows older than `keep_days`.
boost::asio::awaitable<std::int64_t> PruneFeatures(pg::Database& db, std::int64_t now, int keep_days,
                                                   Deadline deadline);

std::string OnlineKey(const std::string& view, const std::string& entity);

}  // namespace okada::brain::store
