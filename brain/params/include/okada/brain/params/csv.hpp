#pragma once
// RFC 4180 CSV records, one line at a time: the brain's CSV readers and writers (the simulator's export and report,
// the marketplace demand files, the forecasts artifact). Header-only, plain C++20.
#include <string>
#include <string_view>
#include <vector>

namespace okada::brain::params {

// One CSV record (RFC 4180 quoting: "a ""b"", c" is one field). Returns false on an unterminated quote.
inline bool SplitCsv(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && line[i] != ',') field += line[i++];  // tolerate text after the closing quote
    } else {
      while (i < line.size() && line[i] != ',') field += line[i++];
    }
    out.push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

// Quotes a CSV field when it holds a comma, a quote or a line break.
inline void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace okada::brain::params
