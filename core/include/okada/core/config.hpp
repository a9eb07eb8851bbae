#pragma once
/// Process configuration: built-in defaults < config file < `OKADA_*` environment variables.
///
/// Every key is declared once in a schema (config.cpp) with its type, default, bounds and help text.
/// Loading validates everything up front: an unknown key (in the file or as an OKADA_* variable), a value of
/// the wrong type or out of range stops start-up with a message naming the key (Envoy's habit: config errors
/// are fatal at start). The resulting Config is immutable and safe to share between threads.
///
/// File syntax (a TOML subset): `# comment`, `[section]`, `key = value`; strings may be quoted. The key
/// `port` under `[http]` is `http.port`; its environment variable is `OKADA_HTTP_PORT`.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace okada {

/// Thrown by Config::Load with a message fit for a person (it names the key and the source).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class ConfigType { kString, kInt, kBool, kDurationMs, kBytes, kList };

struct ConfigKey {
  std::string name;  ///< dotted, e.g. "http.port"
  ConfigType type;
  std::string default_value;
  std::int64_t min = 0;  ///< for numbers
  std::int64_t max = INT64_MAX;
  std::string help;
  std::vector<std::string> choices;  ///< for enumerated strings; empty = free
};

class Config {
 public:
  /// The schema of every key the platform knows.
  static const std::vector<ConfigKey>& Schema();

  /// Loads defaults, then `file` (when non-empty; a missing file is an error), then the environment.
  /// `env` is "NAME=value" strings (pass `environ`); injected for tests.
  static Config Load(const std::string& file, const std::vector<std::string>& env);
  /// Defaults only, plus explicit overrides (tests).
  static Config Defaults(const std::map<std::string, std::string>& overrides = {});

  const std::string& GetString(std::string_view key) const;
  std::int64_t GetInt(std::string_view key) const;
  bool GetBool(std::string_view key) const;
  std::chrono::milliseconds GetDuration(std::string_view key) const;
  std::vector<std::string> GetList(std::string_view key) const;
  /// Where each value came from ("default", "file:okada.conf:12", "env:OKADA_HTTP_PORT").
  const std::string& SourceOf(std::string_view key) const;
  /// Redacted dump (keys containing "password", "secret", "key" or "url" credentials are masked).
  std::string Describe() const;

 private:
  void Set(const std::string& key, const std::string& value, const std::string& source);
  struct Value {
    std::string raw;
    std::int64_t number = 0;
    std::string source;
  };
  const Value& Find(std::string_view key, ConfigType type) const;
  std::map<std::string, Value, std::less<>> values_;
};

/// The local state directory (dev keys): `state.dir`, else $XDG_STATE_HOME/okada, else ~/.local/state/okada.
std::filesystem::path StateDir(const Config& config);

/// `OKADA_HTTP_PORT` for "http.port".
std::string EnvNameFor(std::string_view key);

}  // namespace okada
