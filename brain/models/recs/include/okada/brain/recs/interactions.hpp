#pragma once
// Implicit-feedback interactions (who touched which item when, how much) as the recommenders read them: from a
// CSV with a header naming the columns `user,item,timestamp[,weight]`, duplicates merged.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace okada::brain::recs {

struct Interaction {
  std::uint32_t user = 0;  // index into Dataset::users
  std::uint32_t item = 0;  // index into Dataset::items
  std::int64_t time = 0;   // unix seconds
  float weight = 1;        // > 0 (quantity, rating, count)
};

struct Dataset {
  std::vector<std::string> users;  // names, in order of first appearance in the file
  std::vector<std::string> items;
  // One row per (user, item, time): rows with the same three are merged and their weights added. Sorted by user,
  // then time, then item.
  std::vector<Interaction> rows;
  std::size_t rows_read = 0;     // data rows in the file
  std::size_t rows_ignored = 0;  // rows with a weight <= 0 (not implicit positive feedback)
};

// Column names are matched case-insensitively; besides user/item/timestamp/weight a few common spellings are
// understood (user_id, member_number, customer; item_id, product, sku, movieid, itemdescription; time, date;
// rating, quantity, qty), so public datasets need no rewriting. Fields may be double-quoted.
// Throws std::runtime_error naming `source`, the line and the reason for any malformed row.
Dataset ParseInteractionsCsv(std::string_view text, const std::string& source);
Dataset LoadInteractionsCsv(const std::string& path);

// Unix seconds (integer or decimal), an ISO-8601 date or date-time (2015-07-21, 2015-07-21T18:30:00Z,
// 2015-07-21 18:30, with an optional ±hh:mm offset), or a day-first date (21-07-2015, 21/07/2015). Throws
// std::invalid_argument with the reason.
std::int64_t ParseTimestamp(std::string_view text);

// Merges rows with the same (user, item, time) and sorts them as Dataset::rows is sorted.
void MergeAndSort(std::vector<Interaction>& rows);

}  // namespace okada::brain::recs
