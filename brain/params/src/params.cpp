#include "okada/brain/params/params.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace okada::brain::params {

namespace {

std::string Shortest(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> SplitChar(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t p = s.find(sep, start);
    out.push_back(Trim(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start)));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

ParamFile::ParamFile(std::string_view text, std::string source) : source_(std::move(source)) {
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = Trim(line);
    if (line.empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) Fail(line_no, "expected 'key = value'");
    std::string key(Trim(line.substr(0, eq)));
    const std::string_view value = Trim(line.substr(eq + 1));
    if (key.empty() || value.empty()) Fail(line_no, "expected 'key = value'");
    if (entries_.count(key)) Fail(line_no, "'" + key + "' is set twice");
    entries_[key] = {std::string(value), line_no};
  }
}

void ParamFile::Fail(int line, const std::string& reason) const {
  throw std::runtime_error(source_ + ":" + std::to_string(line) + ": " + reason);
}

const std::pair<std::string, int>& ParamFile::Get(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw std::runtime_error(source_ + ": missing required key '" + key + "'");
  used_.insert(key);
  return it->second;
}

double ParamFile::Number(std::string_view token, int line, const std::string& key, double lo, double hi) const {
  token = Trim(token);
  double v = 0;
  const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
  if (token.empty() || r.ec != std::errc() || r.ptr != token.data() + token.size() || !std::isfinite(v))
    Fail(line, key + ": '" + std::string(token) + "' is not a number");
  if (v < lo || v > hi)
    Fail(line, key + ": " + std::string(token) + " is outside [" + Shortest(lo) + ", " + Shortest(hi) + "]");
  return v;
}

int ParamFile::Integer(std::string_view token, int line, const std::string& key, int lo, int hi) const {
  const double v = Number(token, line, key, lo, hi);
  if (v != std::floor(v)) Fail(line, key + ": '" + std::string(Trim(token)) + "' is not a whole number");
  return static_cast<int>(v);
}

double ParamFile::Scalar(const std::string& key, double lo, double hi) {
  const auto& [value, line] = Get(key);
  return Number(value, line, key, lo, hi);
}

int ParamFile::Int(const std::string& key, int lo, int hi) {
  const auto& [value, line] = Get(key);
  return Integer(value, line, key, lo, hi);
}

std::vector<double> ParamFile::Values(const std::string& key, std::size_t min_n, std::size_t max_n, double lo,
                                      double hi) {
  const auto& [value, line] = Get(key);
  const auto tokens = SplitSpaces(value);
  if (tokens.size() < min_n || tokens.size() > max_n) {
    const std::string want =
        min_n == max_n ? std::to_string(min_n) : std::to_string(min_n) + " to " + std::to_string(max_n);
    Fail(line, key + ": expected " + want + " values, got " + std::to_string(tokens.size()));
  }
  std::vector<double> out;
  for (auto t : tokens) out.push_back(Number(t, line, key, lo, hi));
  return out;
}

void ParamFile::RejectUnknown() const {
  for (const auto& [key, entry] : entries_)
    if (!used_.count(key)) Fail(entry.second, "unknown key '" + key + "'");
}

}  // namespace okada::brain::params
