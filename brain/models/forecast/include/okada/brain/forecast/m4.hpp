#pragma once
// The M4 competition's CSV layout (Makridakis et al., github.com/Mcompetitions/M4-methods): a header row, then one
// row per series — the quoted series id, then its values (quoted or not), padded with empty cells to the longest
// row. Forecast files use the same layout with the header "id","F1",…,"FH".

#include <iosfwd>
#include <string>
#include <vector>

namespace okada::brain::forecast {

/// One series: its id and its observations in time order.
struct Series {
  std::string id;
  std::vector<double> values;
};

/// Reads an M4 file: the first row (the header) is skipped; every later non-blank row must hold an id and at least
/// one finite value; the trailing empty cells are padding. Fields may be double-quoted ("" escapes a quote), lines
/// may end in CRLF. Throws std::runtime_error naming `source`, the line and the reason (an empty cell between two
/// values, a value that is not a finite number, a row without values, a repeated id).
std::vector<Series> ParseM4(std::istream& in, const std::string& source);
/// ParseM4 on a file; throws std::runtime_error when it cannot be opened.
std::vector<Series> LoadM4(const std::string& path);

/// Writes forecasts in the M4 layout: header "id","F1",…,"FH" with H the longest row, then per series the quoted id
/// and the quoted values (shortest round-trip decimal), shorter rows padded with empty cells.
void WriteM4(std::ostream& out, const std::vector<Series>& rows);

}  // namespace okada::brain::forecast
