#include "okada/brain/recs/interactions.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "okada/brain/params/csv.hpp"

namespace okada::brain::recs {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One CSV record (the brain's shared reader), unquoted fields trimmed of spaces and tabs.
bool SplitCsv(std::string_view line, std::vector<std::string>& out) {
  if (!params::SplitCsv(line, out)) return false;
  for (std::string& f : out) f = std::string(Trim(f));
  return true;
}

int ColumnRole(const std::string& name) {  // 0 user, 1 item, 2 timestamp, 3 weight, -1 other
  static const std::vector<std::pair<int, std::vector<std::string>>> kNames = {
      {0, {"user", "user_id", "userid", "member_number", "member", "customer", "customer_id"}},
      {1, {"item", "item_id", "itemid", "product", "product_id", "sku", "movieid", "movie_id", "itemdescription"}},
      {2, {"timestamp", "time", "date", "ts", "datetime"}},
      {3, {"weight", "rating", "quantity", "qty", "count"}}};
  for (const auto& [role, names] : kNames)
    if (std::find(names.begin(), names.end(), name) != names.end()) return role;
  return -1;
}

bool Digits(std::string_view s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

bool ValidDate(int y, int m, int d) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

}  // namespace

std::int64_t ParseTimestamp(std::string_view text) {
  text = Trim(text);
  if (text.empty()) throw std::invalid_argument("empty timestamp");
  // Unix seconds: digits with an optional fraction (and sign).
  if (text.find_first_not_of("0123456789.-+") == std::string_view::npos &&
      !(text.size() >= 8 && (text[2] == '-' || text[4] == '-'))) {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (!end || *end != '\0' || errno != 0 || !std::isfinite(v) || std::fabs(v) > 1e13)
      throw std::invalid_argument("'" + s + "' is not a timestamp (unix seconds or a date)");
    return static_cast<std::int64_t>(std::floor(v));
  }
  int y = 0, m = 0, d = 0;
  std::size_t pos = 0;
  if (Digits(text, 4, y) && text.size() >= 10 && text[4] == '-' && text[7] == '-' && Digits(text.substr(5), 2, m) &&
      Digits(text.substr(8), 2, d)) {
    pos = 10;  // ISO 2015-07-21
  } else if (text.size() >= 10 && (text[2] == '-' || text[2] == '/') && text[5] == text[2] && Digits(text, 2, d) &&
             Digits(text.substr(3), 2, m) && Digits(text.substr(6), 4, y)) {
    pos = 10;  // day first 21-07-2015
  } else {
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a timestamp (unix seconds, YYYY-MM-DD[THH:MM[:SS]][Z|±hh:mm] or DD-MM-YYYY)");
  }
  if (!ValidDate(y, m, d)) throw std::invalid_argument("'" + std::string(text) + "' is not a valid date");
  std::int64_t seconds = DaysFromCivil(y, m, d) * 86400;
  std::string_view rest = text.substr(pos);
  if (rest.empty()) return seconds;
  const auto bad = [&] { return std::invalid_argument("'" + std::string(text) + "': cannot read the time of day"); };
  if (rest[0] != 'T' && rest[0] != ' ') throw bad();
  rest.remove_prefix(1);
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(rest, 2, hh) || rest.size() < 5 || rest[2] != ':' || !Digits(rest.substr(3), 2, mm)) throw bad();
  rest.remove_prefix(5);
  if (!rest.empty() && rest[0] == ':') {
    if (!Digits(rest.substr(1), 2, ss)) throw bad();
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {  // fraction of a second: ignored
      rest.remove_prefix(1);
      while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))) rest.remove_prefix(1);
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) throw bad();
  seconds += hh * 3600 + mm * 60 + ss;
  if (rest.empty() || rest == "Z" || rest == "z") return seconds;
  int oh = 0, om = 0;
  if ((rest[0] == '+' || rest[0] == '-') && rest.size() == 6 && rest[3] == ':' && Digits(rest.substr(1), 2, oh) &&
      Digits(rest.substr(4), 2, om)) {
    const int offset = oh * 3600 + om * 60;
    return rest[0] == '+' ? seconds - offset : seconds + offset;
  }
  throw bad();
}

void MergeAndSort(std::vector<Interaction>& rows) {
  std::sort(rows.begin(), rows.end(), [](const Interaction& a, const Interaction& b) {
    if (a.user != b.user) return a.user < b.user;
    if (a.time != b.time) return a.time < b.time;
    return a.item < b.item;
  });
  std::size_t out = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (out > 0 && rows[out - 1].user == rows[i].user && rows[out - 1].item == rows[i].item &&
        rows[out - 1].time == rows[i].time) {
      rows[out - 1].weight += rows[i].weight;
    } else {
      rows[out++] = rows[i];
    }
  }
  rows.resize(out);
}

Dataset ParseInteractionsCsv(std::string_view text, const std::string& source) {
  Dataset d;
  std::unordered_map<std::string, std::uint32_t> user_index, item_index;
  int col[4] = {-1, -1, -1, -1};
  std::size_t columns = 0;
  std::vector<std::string> f;
  std::size_t pos = 0;
  long line_no = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto fail = [&](const std::string& reason) {
      return std::runtime_error(source + ":" + std::to_string(line_no) + ": " + reason);
    };
    if (line_no == 1) {
      if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
      if (!SplitCsv(line, f)) throw fail("cannot read the header");
      columns = f.size();
      for (std::size_t c = 0; c < f.size(); ++c) {
        const int role = ColumnRole(Lower(f[c]));
        if (role < 0) continue;
        if (col[role] >= 0) throw fail("two columns mean the same thing: '" + f[col[role]] + "' and '" + f[c] + "'");
        col[role] = static_cast<int>(c);
      }
      if (col[0] < 0 || col[1] < 0 || col[2] < 0)
        throw fail("expected a header naming the columns user,item,timestamp[,weight]; got '" + std::string(line) +
                   "'");
      continue;
    }
    if (Trim(line).empty()) continue;
    if (!SplitCsv(line, f)) throw fail("malformed CSV (unbalanced quotes)");
    if (f.size() != columns)
      throw fail("expected " + std::to_string(columns) + " fields, found " + std::to_string(f.size()));
    ++d.rows_read;
    Interaction r;
    const std::string& user = f[col[0]];
    const std::string& item = f[col[1]];
    if (user.empty()) throw fail("empty user");
    if (item.empty()) throw fail("empty item");
    try {
      r.time = ParseTimestamp(f[col[2]]);
    } catch (const std::invalid_argument& e) {
      throw fail(e.what());
    }
    if (col[3] >= 0) {
      const std::string& w = f[col[3]];
      char* wend = nullptr;
      errno = 0;
      const double v = std::strtod(w.c_str(), &wend);
      if (w.empty() || !wend || *wend != '\0' || errno != 0 || !std::isfinite(v))
        throw fail("weight '" + w + "' is not a number");
      if (v <= 0) {
        ++d.rows_ignored;
        continue;
      }
      r.weight = static_cast<float>(v);
    }
    auto [uit, unew] = user_index.try_emplace(user, static_cast<std::uint32_t>(d.users.size()));
    if (unew) d.users.push_back(user);
    auto [iit, inew] = item_index.try_emplace(item, static_cast<std::uint32_t>(d.items.size()));
    if (inew) d.items.push_back(item);
    r.user = uit->second;
    r.item = iit->second;
    d.rows.push_back(r);
  }
  if (line_no == 0) throw std::runtime_error(source + ": empty file (expected the header user,item,timestamp)");
  MergeAndSort(d.rows);
  return d;
}

Dataset LoadInteractionsCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseInteractionsCsv(buffer.str(), path);
}

}  // namespace okada::brain::recs
