#include "okada/brain/forecast/m4.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <unordered_set>

#include "okada/brain/params/csv.hpp"

namespace okada::brain::forecast {
namespace {

using params::SplitCsv;

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

[[noreturn]] void Fail(const std::string& source, std::size_t line, const std::string& reason) {
  throw std::runtime_error(source + ":" + std::to_string(line) + ": " + reason);
}

}  // namespace

std::vector<Series> ParseM4(std::istream& in, const std::string& source) {
  std::vector<Series> out;
  std::unordered_set<std::string> ids;
  std::string line;
  std::vector<std::string> fields;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1) continue;  // the header: "V1","V2",… (names carry no information)
    if (line.find_first_not_of(" \t,") == std::string::npos) continue;
    if (!SplitCsv(line, fields)) Fail(source, line_no, "unterminated quote");
    Series s;
    s.id = Trim(fields[0]);
    if (s.id.empty()) Fail(source, line_no, "empty series id");
    if (!ids.insert(s.id).second) Fail(source, line_no, "repeated series id '" + s.id + "'");
    std::size_t end = fields.size();
    while (end > 1 && Trim(fields[end - 1]).empty()) --end;  // the padding
    for (std::size_t i = 1; i < end; ++i) {
      const std::string v = Trim(fields[i]);
      if (v.empty())
        Fail(source, line_no, "series '" + s.id + "': empty cell " + std::to_string(i) + " between values");
      double x = 0;
      const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(x))
        Fail(source, line_no, "series '" + s.id + "': '" + v + "' is not a number");
      s.values.push_back(x);
    }
    if (s.values.empty()) Fail(source, line_no, "series '" + s.id + "' has no values");
    out.push_back(std::move(s));
  }
  if (in.bad()) throw std::runtime_error(source + ": read error");
  return out;
}

std::vector<Series> LoadM4(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return ParseM4(in, path);
}

void WriteM4(std::ostream& out, const std::vector<Series>& rows) {
  std::size_t width = 0;
  for (const auto& r : rows) width = std::max(width, r.values.size());
  out << "\"id\"";
  for (std::size_t i = 1; i <= width; ++i) out << ",\"F" << i << '"';
  out << '\n';
  char buf[64];
  for (const auto& r : rows) {
    out << '"';
    for (char c : r.id) out << (c == '"' ? "\"\"" : std::string(1, c));
    out << '"';
    for (double v : r.values) {
      const auto res = std::to_chars(buf, buf + sizeof buf, v);
      out << ",\"" << std::string_view(buf, res.ptr - buf) << '"';
    }
    for (std::size_t i = r.values.size(); i < width; ++i) out << ',';
    out << '\n';
  }
}

}  // namespace okada::brain::forecast
