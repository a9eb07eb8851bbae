#include "okada/brain/registry/registry.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace okada::brain::registry {

namespace fs = std::filesystem;
namespace json = boost::json;

struct Registry::State {
  struct Model {
    std::vector<ModelVersion> versions;
    std::map<std::string, int> aliases;
  };
  std::map<std::string, Model> models;
};

namespace {

constexpr int kFormat = 1;

class Lock {
 public:
  explicit Lock(const fs::path& file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + file.string());
    if (::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot lock " + file.string());
    }
  }
  ~Lock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  int fd_ = -1;
};

std::string Hex(const unsigned char* p, unsigned n) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s += kDigits[p[i] >> 4];
    s += kDigits[p[i] & 15];
  }
  return s;
}

json::object MetricsJson(const Metrics& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

Metrics MetricsFrom(const json::value& v) {
  Metrics m;
  if (!v.is_object()) return m;
  for (const auto& [k, x] : v.as_object()) m[std::string(k)] = x.to_number<double>();
  return m;
}

json::object VersionJson(const ModelVersion& v) {
  return {{"version", v.version},
          {"created_at", v.created_at},
          {"run_id", v.run_id},
          {"artifact", v.artifact},
          {"sha256", v.sha256},
          {"artifact_bytes", v.artifact_bytes},
          {"primary_metric", v.primary_metric},
          {"higher_is_better", v.higher_is_better},
          {"refresh", v.refresh},
          {"metrics", MetricsJson(v.metrics)},
          {"champion_metrics", MetricsJson(v.champion_metrics)},
          {"compared_with", v.compared_with},
          {"data", {{"from", v.data_from}, {"to", v.data_to}, {"sha256", v.data_hash}, {"rows", v.data_rows}}},
          {"params", v.params}};
}

std::string Str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

ModelVersion VersionFrom(const std::string& model, const json::object& o) {
  ModelVersion v;
  v.model = model;
  v.version = static_cast<int>(o.at("version").to_number<std::int64_t>());
  v.created_at = Str(o, "created_at");
  v.run_id = Str(o, "run_id");
  v.artifact = Str(o, "artifact");
  v.sha256 = Str(o, "sha256");
  v.artifact_bytes = o.at("artifact_bytes").to_number<std::uint64_t>();
  v.primary_metric = Str(o, "primary_metric");
  v.higher_is_better = o.at("higher_is_better").as_bool();
  const json::value* refresh = o.if_contains("refresh");  // absent in records written before it existed
  v.refresh = refresh && refresh->is_bool() && refresh->as_bool();
  v.metrics = MetricsFrom(o.at("metrics"));
  v.champion_metrics = MetricsFrom(o.at("champion_metrics"));
  v.compared_with = static_cast<int>(o.at("compared_with").to_number<std::int64_t>());
  const json::object& d = o.at("data").as_object();
  v.data_from = Str(d, "from");
  v.data_to = Str(d, "to");
  v.data_hash = Str(d, "sha256");
  v.data_rows = d.at("rows").to_number<std::uint64_t>();
  v.params = Str(o, "params");
  return v;
}

std::string Fixed(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

bool SafeName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return s != "." && s != "..";
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sha256 failed");
  return Hex(digest, n);
}

std::string Sha256File(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx, digest, &n);
  EVP_MD_CTX_free(ctx);
  return Hex(digest, n);
}

std::string NowRfc3339() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Decision Decide(const ModelVersion& candidate, const std::optional<ModelVersion>& champion) {
  const std::string name = "v" + std::to_string(candidate.version);
  if (!champion) return {true, name + " is the first champion of " + candidate.model};
  if (champion->version == candidate.version) return {false, name + " is already the champion"};
  const std::string champ = "v" + std::to_string(champion->version);
  if (candidate.compared_with != champion->version)
    return {false, name + " was evaluated against " +
                       (candidate.compared_with ? "v" + std::to_string(candidate.compared_with) : "no champion") +
                       " but the champion is now " + champ + "; evaluate it again (okada brain evaluate)"};
  const std::string& metric = candidate.primary_metric;
  const auto mine = candidate.metrics.find(metric);
  const auto theirs = candidate.champion_metrics.find(metric);
  if (metric.empty() || mine == candidate.metrics.end() || theirs == candidate.champion_metrics.end())
    return {false, name + " has no '" + metric + "' for itself and the champion on the same holdout"};
  const bool better = candidate.higher_is_better ? mine->second > theirs->second : mine->second < theirs->second;
  const std::string figures =
      metric + " " + Fixed(mine->second) + " vs " + Fixed(theirs->second) + " for " + champ + " on the same holdout";
  if (better) return {true, name + " beats " + champ + ": " + figures};
  if (candidate.refresh && mine->second == theirs->second && candidate.data_to > champion->data_to)
    return {true, name + " is as good as " + champ + " (" + figures + ") and trained on newer data (to " +
                      candidate.data_to + ")"};
  return {false, name + " is not better than " + champ + ": " + figures};
}

Registry::Registry(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_);
  fs::create_directories(root_ / "artifacts");
  fs::create_directories(root_ / "runs");
}

Registry::State Registry::Load() const {
  State s;
  const fs::path file = root_ / "registry.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) return s;  // a new registry
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    const json::object root = json::parse(buffer.str()).as_object();
    if (root.at("format").to_number<int>() != kFormat)
      throw std::runtime_error("format " + json::serialize(root.at("format")) + " is not " + std::to_string(kFormat));
    for (const auto& [name, m] : root.at("models").as_object()) {
      State::Model& model = s.models[std::string(name)];
      for (const auto& v : m.as_object().at("versions").as_array())
        model.versions.push_back(VersionFrom(std::string(name), v.as_object()));
      for (const auto& [alias, version] : m.as_object().at("aliases").as_object())
        model.aliases[std::string(alias)] = static_cast<int>(version.to_number<std::int64_t>());
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(file.string() + ": unreadable registry (" + e.what() + ")");
  }
  return s;
}

void Registry::Store(const State& s) const {
  json::object models;
  for (const auto& [name, m] : s.models) {
    json::array versions;
    for (const ModelVersion& v : m.versions) versions.push_back(VersionJson(v));
    json::object aliases;
    for (const auto& [alias, version] : m.aliases) aliases[alias] = version;
    models[name] = json::object{{"versions", versions}, {"aliases", aliases}};
  }
  const std::string text = json::serialize(json::object{{"format", kFormat}, {"models", models}}) + "\n";
  const fs::path tmp = root_ / "registry.json.tmp";
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp.string());
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) {
        ::close(fd);
        throw std::runtime_error("cannot write " + tmp.string());
      }
      done += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, root_ / "registry.json");
}

std::vector<std::string> Registry::Models() const {
  std::vector<std::string> out;
  for (const auto& [name, m] : Load().models) out.push_back(name);
  return out;
}

std::vector<ModelVersion> Registry::Versions(const std::string& model) const {
  const State s = Load();
  auto it = s.models.find(model);
  return it == s.models.end() ? std::vector<ModelVersion>{} : it->second.versions;
}

std::optional<ModelVersion> Registry::Get(const std::string& model, int version) const {
  for (const ModelVersion& v : Versions(model))
    if (v.version == version) return v;
  return std::nullopt;
}

std::map<std::string, int> Registry::Aliases(const std::string& model) const {
  const State s = Load();
  auto it = s.models.find(model);
  return it == s.models.end() ? std::map<std::string, int>{} : it->second.aliases;
}

std::optional<ModelVersion> Registry::ByAlias(const std::string& model, const std::string& alias) const {
  const State s = Load();
  auto it = s.models.find(model);
  if (it == s.models.end()) return std::nullopt;
  auto a = it->second.aliases.find(alias);
  if (a == it->second.aliases.end()) return std::nullopt;
  for (const ModelVersion& v : it->second.versions)
    if (v.version == a->second) return v;
  return std::nullopt;
}

ModelVersion Registry::Register(ModelVersion v, const fs::path& artifact_file) {
  if (!SafeName(v.model)) throw std::invalid_argument("model name '" + v.model + "' (letters, digits, - _ .)");
  if (!fs::is_regular_file(artifact_file)) throw std::invalid_argument("no artifact file " + artifact_file.string());
  Lock lock(root_ / "registry.lock");
  State s = Load();
  State::Model& m = s.models[v.model];
  v.version = m.versions.empty() ? 1 : m.versions.back().version + 1;
  if (v.created_at.empty()) v.created_at = NowRfc3339();
  const fs::path dir = fs::path("artifacts") / v.model / ("v" + std::to_string(v.version));
  fs::create_directories(root_ / dir);
  const fs::path target = dir / artifact_file.filename();
  fs::copy_file(artifact_file, root_ / target, fs::copy_options::overwrite_existing);
  v.artifact = target.string();
  v.sha256 = Sha256File(root_ / target);
  v.artifact_bytes = fs::file_size(root_ / target);
  m.versions.push_back(v);
  m.aliases["challenger"] = v.version;
  Store(s);
  return v;
}

Decision Registry::Promote(const std::string& model, int version, bool force, const std::string& reason) {
  Lock lock(root_ / "registry.lock");
  State s = Load();
  auto it = s.models.find(model);
  if (it == s.models.end()) throw std::invalid_argument("no model '" + model + "' in the registry");
  State::Model& m = it->second;
  const ModelVersion* candidate = nullptr;
  std::optional<ModelVersion> champion;
  for (const ModelVersion& v : m.versions) {
    if (v.version == version) candidate = &v;
    if (m.aliases.count("champion") && v.version == m.aliases["champion"]) champion = v;
  }
  if (!candidate) throw std::invalid_argument("no version " + std::to_string(version) + " of '" + model + "'");
  Decision d = Decide(*candidate, champion);
  if (!d.promote && force && !(champion && champion->version == version)) {
    d = {true,
         "forced: " + (reason.empty() ? std::string("no reason given") : reason) + " (rule said: " + d.reason + ")"};
  }
  if (!d.promote) return d;
  if (!Verify(*candidate)) throw std::runtime_error("artifact of v" + std::to_string(version) + " fails its sha256");
  if (champion) m.aliases["previous"] = champion->version;
  m.aliases["champion"] = version;
  if (m.aliases.count("challenger") && m.aliases["challenger"] == version) m.aliases.erase("challenger");
  Store(s);
  return d;
}

void Registry::SetAlias(const std::string& model, const std::string& alias, int version) {
  if (!SafeName(alias)) throw std::invalid_argument("alias '" + alias + "'");
  Lock lock(root_ / "registry.lock");
  State s = Load();
  auto it = s.models.find(model);
  if (it == s.models.end()) throw std::invalid_argument("no model '" + model + "' in the registry");
  bool found = false;
  for (const ModelVersion& v : it->second.versions) found = found || v.version == version;
  if (!found) throw std::invalid_argument("no version " + std::to_string(version) + " of '" + model + "'");
  it->second.aliases[alias] = version;
  Store(s);
}

void Registry::UpdateComparison(const std::string& model, int version, const Metrics& metrics,
                                const Metrics& champion_metrics, int compared_with) {
  Lock lock(root_ / "registry.lock");
  State s = Load();
  auto it = s.models.find(model);
  if (it == s.models.end()) throw std::invalid_argument("no model '" + model + "' in the registry");
  for (ModelVersion& v : it->second.versions) {
    if (v.version != version) continue;
    v.metrics = metrics;
    v.champion_metrics = champion_metrics;
    v.compared_with = compared_with;
    Store(s);
    return;
  }
  throw std::invalid_argument("no version " + std::to_string(version) + " of '" + model + "'");
}

bool Registry::Verify(const ModelVersion& v) const {
  std::error_code ec;
  if (!fs::is_regular_file(ArtifactPath(v), ec)) return false;
  return Sha256File(ArtifactPath(v)) == v.sha256;
}

fs::path Registry::RunDir(const std::string& run_id) const {
  if (!SafeName(run_id)) throw std::invalid_argument("run id '" + run_id + "'");
  const fs::path dir = root_ / "runs" / run_id;
  fs::create_directories(dir);
  return dir;
}

}  // namespace okada::brain::registry
