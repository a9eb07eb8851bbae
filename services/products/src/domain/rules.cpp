#include "domain/rules.hpp"

#include "okada/core/geo.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <set>

#include "okada/core/crypto/random.hpp"
#include "okada/core/http/paging.hpp"

namespace okada::products::domain {

namespace json = boost::json;

bool IsUuid(std::string_view s) noexcept { return paging::IsUuid(s); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::size_t CodePoints(std::string_view s) noexcept {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

bool IsSku(std::string_view s) noexcept {
  if (s.empty() || s.size() > static_cast<std::size_t>(kMaxSkuLength)) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '/';
  });
}

bool IsUnit(std::string_view s) noexcept {
  static constexpr std::string_view kUnits[] = {"piece", "kg", "g", "l", "ml", "pack", "bunch", "plate"};
  return std::find(std::begin(kUnits), std::end(kUnits), s) != std::end(kUnits);
}

bool IsHttpsUrl(std::string_view s) noexcept {
  constexpr std::string_view kPrefix = "https://";
  if (s.size() <= kPrefix.size() + 3 || s.size() > 500 || s.substr(0, kPrefix.size()) != kPrefix) return false;
  if (HasControlChars(s) || s.find(' ') != std::string_view::npos) return false;
  std::string_view host = s.substr(kPrefix.size());
  host = host.substr(0, host.find('/'));
  return !host.empty() && host.find('.') != std::string_view::npos && host.find('@') == std::string_view::npos;
}

bool IsSlug(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 60 || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool IsAdjustmentReason(std::string_view s) noexcept {
  static constexpr std::string_view kReasons[] = {"restock",          "damaged", "expired",
                                                  "count_correction", "theft",   "other"};
  return std::find(std::begin(kReasons), std::end(kReasons), s) != std::end(kReasons);
}

std::string StringsJson(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return json::serialize(a);
}

// --- CSV ------------------------------------------------------------------------------------------------------

CsvTable ParseCsv(std::string_view text, std::size_t max_rows) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable out;
  std::vector<std::string> fields;
  std::string field;
  int line = 1;
  int row_line = 1;
  bool in_quotes = false;
  bool quoted = false;  // the current field was quoted (only separators may follow its closing quote)
  auto end_row = [&] {
    fields.push_back(std::move(field));
    field.clear();
    quoted = false;
    bool blank = fields.size() == 1 && fields[0].empty();
    if (!blank) {
      if (out.header.empty()) {
        out.header = std::move(fields);
      } else {
        if (out.rows.size() >= max_rows)
          throw Error(ErrorCode::kCsvTooLarge, "at most " + std::to_string(max_rows) + " rows per file");
        out.rows.push_back(CsvTable::Row{row_line, std::move(fields)});
      }
    }
    fields.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      if (!field.empty() || quoted)
        throw Error(ErrorCode::kCsvMalformed, "line " + std::to_string(line) + ": a quote inside an unquoted field");
      in_quotes = true;
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      quoted = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // CRLF: the \n ends the row
    } else if (c == '\n') {
      end_row();
      ++line;
      row_line = line;
    } else {
      if (quoted)
        throw Error(ErrorCode::kCsvMalformed, "line " + std::to_string(line) + ": text after a closing quote");
      field.push_back(c);
    }
  }
  if (in_quotes) throw Error(ErrorCode::kCsvMalformed, "line " + std::to_string(row_line) + ": unterminated quote");
  if (!field.empty() || !fields.empty() || quoted) end_row();
  if (out.header.empty()) throw Error(ErrorCode::kCsvMalformed, "the file is empty (a header row is required)");
  return out;
}

const std::vector<std::string>& ImportColumns() {
  static const std::vector<std::string> kColumns = {
      "sku",      "name_fr",    "name_en", "description_fr", "description_en",     "unit",
      "category", "image_urls", "tags",    "lead_time_days", "pack_size",          "shelf_life_days",
      "store_id", "price_xaf",  "on_hand", "available",      "low_stock_threshold"};
  return kColumns;
}

std::vector<RowError> CheckImportHeader(const std::vector<std::string>& header) {
  std::vector<RowError> errors;
  const auto& known = ImportColumns();
  std::set<std::string> seen;
  for (const std::string& raw : header) {
    std::string name = Lower(Trim(raw));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      errors.push_back(RowError{1, name, "NOT_ALLOWED", "unknown column"});
    } else if (!seen.insert(name).second) {
      errors.push_back(RowError{1, name, "NOT_ALLOWED", "repeated column"});
    }
  }
  for (const char* required : {"sku", "name_fr", "unit"})
    if (!seen.contains(required)) errors.push_back(RowError{1, required, "REQUIRED", "missing column"});
  return errors;
}

namespace {

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t bar = s.find('|', start);
    std::string item = Trim(s.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

}  // namespace

std::vector<RowError> ReadImportRow(const std::vector<std::string>& header, const CsvTable::Row& in, ImportRow& row) {
  std::vector<RowError> errors;
  const int n = in.line;
  auto fail = [&](std::string field, std::string code, std::string message) {
    errors.push_back(RowError{n, std::move(field), std::move(code), std::move(message)});
  };
  if (in.fields.size() != header.size()) {
    fail("", "INVALID_FORMAT",
         "expected " + std::to_string(header.size()) + " fields, found " + std::to_string(in.fields.size()));
    return errors;
  }
  row = ImportRow{};
  row.row = n;
  ProductInput& p = row.product;
  auto text = [&](const std::string& field, const std::string& value, std::size_t max,
                  bool allow_newlines) -> std::optional<std::string> {
    if (!IsValidUtf8(value)) {
      fail(field, "INVALID_FORMAT", "not valid UTF-8");
      return std::nullopt;
    }
    std::string v = Trim(value);
    if (v.empty()) return std::nullopt;
    if (CodePoints(v) > max) {
      fail(field, "TOO_LONG", "at most " + std::to_string(max) + " characters");
      return std::nullopt;
    }
    if (HasControlChars(v, allow_newlines)) {
      fail(field, "INVALID_FORMAT", "control characters are not allowed");
      return std::nullopt;
    }
    return v;
  };
  auto integer = [&](const std::string& field, const std::string& value, std::int64_t min,
                     std::int64_t max) -> std::optional<std::int64_t> {
    std::string v = Trim(value);
    if (v.empty()) return std::nullopt;
    std::optional<std::int64_t> parsed = ParseInt(v);
    if (!parsed) {
      fail(field, "INVALID_TYPE", "an integer");
      return std::nullopt;
    }
    if (*parsed < min || *parsed > max) {
      fail(field, "OUT_OF_RANGE", std::to_string(min) + ".." + std::to_string(max));
      return std::nullopt;
    }
    return parsed;
  };
  bool has_sku = false, has_name = false, has_unit = false;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string col = Lower(Trim(header[i]));
    const std::string& v = in.fields[i];
    if (col == "sku") {
      std::string sku = Trim(v);
      if (sku.empty()) {
        fail(col, "REQUIRED", "");
      } else if (!IsSku(sku)) {
        fail(col, "INVALID_FORMAT", "1..64 letters, digits, '.', '_', '-' or '/'");
      } else {
        p.sku = sku;
        has_sku = true;
      }
    } else if (col == "name_fr") {
      auto t = text(col, v, kMaxNameLength, false);
      if (t) {
        p.name_fr = *t;
        has_name = true;
      } else if (Trim(v).empty()) {
        fail(col, "REQUIRED", "");
      }
    } else if (col == "name_en") {
      p.name_en = text(col, v, kMaxNameLength, false);
    } else if (col == "description_fr") {
      p.description_fr = text(col, v, kMaxDescriptionLength, true);
    } else if (col == "description_en") {
      p.description_en = text(col, v, kMaxDescriptionLength, true);
    } else if (col == "unit") {
      std::string u = Lower(Trim(v));
      if (u.empty()) {
        fail(col, "REQUIRED", "");
      } else if (!IsUnit(u)) {
        fail(col, "NOT_ALLOWED", "one of: piece, kg, g, l, ml, pack, bunch, plate");
      } else {
        p.unit = u;
        has_unit = true;
      }
    } else if (col == "category") {
      std::string c = Lower(Trim(v));
      if (!c.empty()) {
        if (IsSlug(c) || IsUuid(c))
          p.category = c;
        else
          fail(col, "INVALID_FORMAT", "a category slug or id");
      }
    } else if (col == "image_urls") {
      std::vector<std::string> urls = SplitList(v);
      if (urls.size() > kMaxImages) {
        fail(col, "TOO_LONG", "at most 10 images");
      } else if (!std::all_of(urls.begin(), urls.end(), [](const std::string& u) { return IsHttpsUrl(u); })) {
        fail(col, "INVALID_FORMAT", "https URLs separated by '|'");
      } else {
        p.image_urls = std::move(urls);
      }
    } else if (col == "tags") {
      if (!IsValidUtf8(v) || HasControlChars(v)) {
        fail(col, "INVALID_FORMAT", "text separated by '|'");
        continue;
      }
      std::vector<std::string> tags = SplitList(v);
      if (tags.size() > kMaxTags) {
        fail(col, "TOO_LONG", "at most 20 tags");
      } else if (std::any_of(tags.begin(), tags.end(),
                             [](const std::string& t) { return CodePoints(t) > kMaxTagLength; })) {
        fail(col, "TOO_LONG", "tags of at most 40 characters");
      } else {
        p.tags = std::move(tags);
      }
    } else if (col == "lead_time_days") {
      if (auto x = integer(col, v, 0, 60)) p.lead_time_days = static_cast<int>(*x);
    } else if (col == "pack_size") {
      if (auto x = integer(col, v, 1, 10000)) p.pack_size = static_cast<int>(*x);
    } else if (col == "shelf_life_days") {
      if (auto x = integer(col, v, 1, 3650)) p.shelf_life_days = static_cast<int>(*x);
    } else if (col == "store_id") {
      std::string s = Lower(Trim(v));
      if (!s.empty()) {
        if (IsUuid(s))
          row.store_id = s;
        else
          fail(col, "INVALID_FORMAT", "a store id");
      }
    } else if (col == "price_xaf") {
      row.price_xaf = integer(col, v, 1, kMaxPriceXaf);
    } else if (col == "on_hand") {
      row.on_hand = integer(col, v, 0, kMaxStock);
    } else if (col == "low_stock_threshold") {
      row.low_stock_threshold = integer(col, v, 0, kMaxStock);
    } else if (col == "available") {
      std::string b = Lower(Trim(v));
      if (b == "true" || b == "1" || b == "yes" || b == "oui") {
        row.available = true;
      } else if (b == "false" || b == "0" || b == "no" || b == "non") {
        row.available = false;
      } else if (!b.empty()) {
        fail(col, "INVALID_TYPE", "true or false");
      }
    }
  }
  if (errors.empty() && (!has_sku || !has_name || !has_unit)) fail("", "REQUIRED", "sku, name_fr and unit");
  if (!row.store_id && (row.price_xaf || row.on_hand || row.available || row.low_stock_threshold))
    fail("store_id", "REQUIRED", "listing columns need a store_id");
  return errors;
}

// --- search ---------------------------------------------------------------------------------------------------

std::optional<std::string> NormaliseQuery(std::string_view q) {
  std::string out;
  bool space = false;
  for (char c : q) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string EncodeOffsetCursor(int offset) { return crypto::Base64UrlEncode("o:" + std::to_string(offset)); }

std::optional<int> DecodeOffsetCursor(std::string_view cursor) {
  if (cursor.size() > 32) return std::nullopt;
  std::optional<std::string> raw = crypto::Base64UrlDecode(cursor);
  if (!raw || raw->size() < 3 || raw->substr(0, 2) != "o:") return std::nullopt;
  std::optional<std::int64_t> v = ParseInt(std::string_view(*raw).substr(2));
  if (!v || *v < 0 || *v > kMaxOffset) return std::nullopt;
  return static_cast<int>(*v);
}

double HaversineM(double lat1, double lon1, double lat2, double lon2) noexcept {
  return geo::DistanceM(lat1, lon1, lat2, lon2);
}

bool CrossesLowStock(std::int64_t available_before, std::int64_t available_after, std::int64_t threshold) noexcept {
  return available_before > threshold && available_after <= threshold;
}

}  // namespace okada::products::domain
