#pragma once
/// Typed, validating reader for JSON request bodies.
///
/// Every accessor records a FieldError instead of throwing, so one answer lists every bad field:
///   JsonReader r(req.body());
///   auto phone = r.Phone("phone");
///   auto qty = r.Int("quantity", 1, 99);
///   r.Finish();  // throws okada::Error VALIDATION_FAILED with {"errors":[...]} when anything was wrong
/// A body that is not JSON (or not an object) throws MALFORMED_JSON at construction.
/// Not thread-safe; lives for one request. Boost.JSON stays out of this header.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "okada/core/errors.hpp"

namespace boost::json {
class object;
class value;
}  // namespace boost::json

namespace okada {

struct StringRule {
  std::size_t min_length = 0;     ///< in Unicode code points
  std::size_t max_length = 1000;  ///< in Unicode code points
  bool trim = true;               ///< strip surrounding white space first
};

class JsonReader {
 public:
  /// Parses `body`; throws Error(kMalformedJson) unless it is a JSON object. Depth and size are bounded.
  explicit JsonReader(std::string_view body);
  ~JsonReader();
  JsonReader(JsonReader&&) noexcept;
  JsonReader& operator=(JsonReader&&) = delete;

  bool Has(std::string_view field) const;

  std::string String(std::string_view field, StringRule rule = {});
  std::optional<std::string> OptionalString(std::string_view field, StringRule rule = {});
  std::int64_t Int(std::string_view field, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> OptionalInt(std::string_view field, std::int64_t min, std::int64_t max);
  double Number(std::string_view field, double min, double max);
  bool Bool(std::string_view field);
  std::optional<bool> OptionalBool(std::string_view field);
  /// One of `allowed`; otherwise NOT_ALLOWED.
  std::string Enum(std::string_view field, std::initializer_list<std::string_view> allowed);
  /// A Cameroon mobile number, accepted as +2376XXXXXXXX, 2376XXXXXXXX or 6XXXXXXXX (spaces, dots and dashes
  /// ignored); returned in E.164 (+2376XXXXXXXX). Otherwise INVALID_FORMAT.
  std::string Phone(std::string_view field);
  /// Nested object; a missing or non-object field records an error and yields an empty reader.
  JsonReader Object(std::string_view field);
  /// Calls `each` for every element (as an object reader) of an array field with min..max elements.
  void Array(std::string_view field, std::size_t min, std::size_t max,
             const std::function<void(JsonReader&, std::size_t)>& each);

  /// An optional array of at most `max` strings, each within `rule`'s lengths (bytes, untrimmed); empty when absent.
  std::vector<std::string> OptionalStrings(std::string_view field, std::size_t max, StringRule rule = {});

  /// Records an error found by the caller (cross-field rules).
  void Fail(std::string_view field, std::string code, std::string detail = {});
  /// Fields present in the body but never read become NOT_ALLOWED (catches typos such as "qantity").
  void RejectUnknownFields();
  /// Throws Error(kValidationFailed) listing every field error, if any.
  void Finish();
  const std::vector<FieldError>& errors() const;

 private:
  struct Shared;
  JsonReader(std::shared_ptr<Shared> shared, const boost::json::object* obj, std::string prefix);
  const boost::json::value* Find(std::string_view field, bool required);
  std::string Path(std::string_view field) const;

  std::shared_ptr<Shared> shared_;
  const boost::json::object* obj_;
  std::string prefix_;
  std::vector<std::string> seen_;
};

/// Returns the E.164 form of a Cameroon mobile number, or nullopt. Exposed for reuse outside JSON.
std::optional<std::string> NormalizeCameroonPhone(std::string_view raw);

}  // namespace okada
