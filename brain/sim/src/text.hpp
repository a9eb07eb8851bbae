#pragma once
// Small text helpers shared by okada_sim's sources (not installed).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "okada/brain/params/csv.hpp"
#include "okada/brain/params/params.hpp"

namespace okada::brain::sim {

using params::AppendCsvField;
using params::SplitChar;
using params::SplitCsv;
using params::SplitSpaces;
using params::Trim;

// Lower-case ASCII letters and fold the common Latin-1 accented letters (UTF-8) to their base letter, for matching
// place names ("Bonabéri" ~ "bonaberi").
inline std::string Fold(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]) | 0x20;  // upper → lower within À..Þ
      char base = '?';
      if (d >= 0xA0 && d <= 0xA6)
        base = 'a';
      else if (d == 0xA7)
        base = 'c';
      else if (d >= 0xA8 && d <= 0xAB)
        base = 'e';
      else if (d >= 0xAC && d <= 0xAF)
        base = 'i';
      else if (d == 0xB1)
        base = 'n';
      else if (d >= 0xB2 && d <= 0xB6)
        base = 'o';
      else if (d >= 0xB9 && d <= 0xBC)
        base = 'u';
      out += base;
      ++i;
      continue;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return out;
}

// Fixed-precision number formatting (printf is locale-independent for the "C" locale the binaries run in).
inline void AppendFixed(std::string& out, double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out += buf;
}
inline void AppendInt(std::string& out, std::int64_t v) { out += std::to_string(v); }

}  // namespace okada::brain::sim
