#pragma once
// The model registry: every trained model version with its metrics, the training-data window and hash, the
// artifact (path and sha256) and its lineage (the training run, the champion it was compared with), plus the
// aliases `champion` (what the brain service serves) and `challenger` (served to a share of traffic).
//
// Storage: a directory (ADR 0020). `registry.json` holds the records; `artifacts/<model>/v<N>/<file>` the
// artifacts (immutable once registered); `runs/<run id>/` each run's record and report. Writers take an exclusive
// lock on `registry.lock` and replace registry.json atomically (write, fsync, rename), so a crash never leaves a
// half-written registry and two trainings never lose each other's versions. Readers (the brain service) need no
// lock. Plain C++20 (Boost.JSON and OpenSSL in the .cpp only).

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace okada::brain::registry {

using Metrics = std::map<std::string, double>;

struct ModelVersion {
  std::string model;
  int version = 0;
  std::string created_at;  // RFC 3339 UTC
  std::string run_id;      // lineage: the training run that produced it
  std::string artifact;    // path relative to the registry root
  std::string sha256;      // of the artifact
  std::uint64_t artifact_bytes = 0;
  std::string primary_metric;  // e.g. "ndcg@10"
  bool higher_is_better = true;
  /// The artifact is made from the data (a forecast from its last day) rather than a model that stays valid: a
  /// version equal to the champion on the primary metric still replaces it when its data is newer (weekly forecasts
  /// must not go stale because the recipe did not improve).
  bool refresh = false;
  Metrics metrics;                 // on the run's holdout
  Metrics champion_metrics;        // the champion of the time, on the same holdout (empty: there was none)
  int compared_with = 0;           // that champion's version (0: none)
  std::string data_from, data_to;  // the training data's time window (RFC 3339)
  std::string data_hash;           // sha256 of the training data as read
  std::uint64_t data_rows = 0;
  std::string params;  // the training settings, as JSON text
};

struct Decision {
  bool promote = false;
  std::string reason;  // in words, for the CLI and the run report
};

// The promotion rule: a version becomes champion only if its primary metric beats the champion's on the same
// holdout (the champion it was compared with must still be the champion). Without a champion, it is promoted.
// Equal is not better, except for a `refresh` version trained on newer data than the champion's.
Decision Decide(const ModelVersion& candidate, const std::optional<ModelVersion>& champion);

class Registry {
 public:
  // Opens (creating if needed) the registry at `root`.
  explicit Registry(std::filesystem::path root);

  const std::filesystem::path& Root() const { return root_; }
  std::vector<std::string> Models() const;
  std::vector<ModelVersion> Versions(const std::string& model) const;  // ascending
  std::optional<ModelVersion> Get(const std::string& model, int version) const;
  std::optional<ModelVersion> ByAlias(const std::string& model, const std::string& alias) const;
  std::map<std::string, int> Aliases(const std::string& model) const;

  // Copies `artifact_file` into the registry, hashes it, gives the next version number and points `challenger`
  // at it. `v.model`, metrics, data and lineage come from the caller; version, artifact and sha256 are set here.
  ModelVersion Register(ModelVersion v, const std::filesystem::path& artifact_file);
  // Applies Decide (unless `force`, which records `reason`): on success `champion` moves to the version and the
  // previous champion becomes `previous` (a one-step rollback target). Throws std::invalid_argument for an
  // unknown model or version.
  Decision Promote(const std::string& model, int version, bool force = false, const std::string& reason = "");
  void SetAlias(const std::string& model, const std::string& alias, int version);
  // Records a fresh evaluation of `version` against the current champion (`okada brain evaluate`).
  void UpdateComparison(const std::string& model, int version, const Metrics& metrics, const Metrics& champion_metrics,
                        int compared_with);

  std::filesystem::path ArtifactPath(const ModelVersion& v) const { return root_ / v.artifact; }
  // True when the artifact on disk still has the registered sha256.
  bool Verify(const ModelVersion& v) const;
  // A directory for one run's record and report (created).
  std::filesystem::path RunDir(const std::string& run_id) const;

 private:
  struct State;
  State Load() const;
  void Store(const State& s) const;
  std::filesystem::path root_;
};

std::string Sha256File(const std::filesystem::path& path);
std::string Sha256Hex(const std::string& bytes);
std::string NowRfc3339();

}  // namespace okada::brain::registry
