#pragma once
// A committed parameter file: `key = value` lines, `#` comments, blank lines ignored. Every value is checked
// against its range and every error names the file and line ("market.conf:12: rain_share: 1.5 is outside [0, 1]").
// A key given twice, a missing required key and (after RejectUnknown) a key nobody read are errors: a typo in a
// parameter never silently falls back to a default. Readers of a particular file derive from ParamFile to add
// their own value shapes (per store type, per zone…). Throws std::runtime_error.
#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okada::brain::params {

std::string_view Trim(std::string_view s);
// Tokens separated by spaces or tabs (empty ones dropped).
std::vector<std::string_view> SplitSpaces(std::string_view s);
// Fields separated by `sep`, each trimmed (empty ones kept).
std::vector<std::string_view> SplitChar(std::string_view s, char sep);

class ParamFile {
 public:
  ParamFile(std::string_view text, std::string source);

  [[noreturn]] void Fail(int line, const std::string& reason) const;
  // The raw value and its line; marks the key used. Throws when the key is missing.
  const std::pair<std::string, int>& Get(const std::string& key);
  int LineOf(const std::string& key) { return Get(key).second; }

  // A number in [lo, hi] (a whole number for Integer) read from `token` on `line` of `key`.
  double Number(std::string_view token, int line, const std::string& key, double lo, double hi) const;
  int Integer(std::string_view token, int line, const std::string& key, int lo, int hi) const;

  double Scalar(const std::string& key, double lo, double hi);
  int Int(const std::string& key, int lo, int hi);
  // Between min_n and max_n space-separated numbers, each in [lo, hi].
  std::vector<double> Values(const std::string& key, std::size_t min_n, std::size_t max_n, double lo, double hi);
  template <std::size_t N>
  std::array<double, N> List(const std::string& key, double lo, double hi) {
    const std::vector<double> v = Values(key, N, N, lo, hi);
    std::array<double, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = v[i];
    return out;
  }

  // Every key must have been read: the first one that was not is an error.
  void RejectUnknown() const;

 private:
  std::string source_;
  std::map<std::string, std::pair<std::string, int>> entries_;
  std::set<std::string> used_;
};

}  // namespace okada::brain::params
