#pragma once
/// The products service's rules, without I/O: field formats, the CSV reader and the import row rules, search
/// query normalisation, cursors and cache keys, and when stock counts as low. Pure functions, thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"

#include "okada/core/text.hpp"

namespace okada::products::domain {

bool IsUuid(std::string_view s) noexcept;
std::string Lower(std::string_view s);
/// Text checks shared by every service (core/include/okada/core/text.hpp).
using text::HasControlChars;
using text::IsValidUtf8;
std::size_t CodePoints(std::string_view s) noexcept;
std::string Trim(std::string_view s);

inline constexpr int kMaxSkuLength = 64;
inline constexpr int kMaxNameLength = 200;
inline constexpr int kMaxDescriptionLength = 4000;
inline constexpr std::size_t kMaxImages = 10;
inline constexpr std::size_t kMaxTags = 20;
inline constexpr std::size_t kMaxTagLength = 40;
inline constexpr std::size_t kMaxAttributesBytes = 4096;
inline constexpr std::int64_t kMaxPriceXaf = 100'000'000;
inline constexpr std::int64_t kMaxStock = 1'000'000;

/// 1..64 of [A-Za-z0-9._-/].
bool IsSku(std::string_view s) noexcept;
/// piece, kg, g, l, ml, pack, bunch, plate.
bool IsUnit(std::string_view s) noexcept;
/// "https://host/…", at most 500 bytes, no spaces or control characters.
bool IsHttpsUrl(std::string_view s) noexcept;
/// 2..60 of [a-z0-9-], starting with a letter or digit.
bool IsSlug(std::string_view s) noexcept;
/// restock, damaged, expired, count_correction, theft, other.
bool IsAdjustmentReason(std::string_view s) noexcept;

/// What a product is made of (create, PATCH after merging, CSV row).
struct ProductInput {
  std::string sku;
  std::string name_fr;
  std::optional<std::string> name_en;
  std::optional<std::string> description_fr;
  std::optional<std::string> description_en;
  std::string unit;
  std::optional<std::string> category;  ///< slug or id (resolved by the store layer)
  std::vector<std::string> image_urls;
  std::vector<std::string> tags;
  std::string attributes = "{}";  ///< JSON object text
  int lead_time_days = 0;
  int pack_size = 1;
  std::optional<int> shelf_life_days;
};

/// Serialized JSON array of strings.
std::string StringsJson(const std::vector<std::string>& items);

// --- CSV ------------------------------------------------------------------------------------------------------

/// An RFC 4180 table: the header and the data rows, each with the line number it starts on (header = 1).
struct CsvTable {
  std::vector<std::string> header;
  struct Row {
    int line = 0;
    std::vector<std::string> fields;
  };
  std::vector<Row> rows;
};
/// Parses `text` (UTF-8, optional BOM, CRLF or LF, quoted fields with "" escapes and embedded newlines; blank
/// lines skipped). Throws Error(kCsvMalformed) for an unterminated quote or stray quote and kCsvTooLarge when
/// there are more than `max_rows` data rows.
CsvTable ParseCsv(std::string_view text, std::size_t max_rows);

/// One problem of one row of an import: {"row","field","code","message"}.
struct RowError {
  int row = 0;
  std::string field;
  std::string code;
  std::string message;
};

/// A checked import row: the product and, when `store_id` is set, its listing in that store.
struct ImportRow {
  int row = 0;
  ProductInput product;
  std::optional<std::string> store_id;
  std::optional<std::int64_t> price_xaf;
  std::optional<std::int64_t> on_hand;  ///< applied only when the listing is created
  std::optional<bool> available;
  std::optional<std::int64_t> low_stock_threshold;
};

/// The columns an import file may have; sku, name_fr and unit are required.
const std::vector<std::string>& ImportColumns();
/// Checks the header: unknown or repeated columns and missing required ones are errors (row 1).
std::vector<RowError> CheckImportHeader(const std::vector<std::string>& header);
/// Reads one data row against the header (lists inside a cell are separated by '|'). Either `row` is filled
/// and the result is empty, or the result lists every problem of the row.
std::vector<RowError> ReadImportRow(const std::vector<std::string>& header, const CsvTable::Row& in, ImportRow& row);

// --- search ---------------------------------------------------------------------------------------------------

inline constexpr std::size_t kMaxQueryLength = 100;
inline constexpr int kDefaultRadiusM = 5000;
inline constexpr int kMaxRadiusM = 20000;
inline constexpr int kMaxOffset = 1000;

/// Trims, collapses white space and lower-cases ASCII; nullopt for an empty query.
std::optional<std::string> NormaliseQuery(std::string_view q);
/// The opaque cursor of a search page (base64url of "o:<offset>") and back (nullopt if not ours or > cap).
std::string EncodeOffsetCursor(int offset);
std::optional<int> DecodeOffsetCursor(std::string_view cursor);

/// Great-circle distance in metres.
double HaversineM(double lat1, double lon1, double lat2, double lon2) noexcept;

/// True when an adjustment takes the available stock (on_hand − reserved) from above the threshold to at or
/// below it: `stock.low` is emitted once per crossing, not on every sale below it.
bool CrossesLowStock(std::int64_t available_before, std::int64_t available_after, std::int64_t threshold) noexcept;

}  // namespace okada::products::domain
