#include "okada/core/json_reader.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace okada {

struct JsonReader::Shared {
  boost::json::value root;
  std::vector<FieldError> errors;
};

namespace {
constexpr std::size_t kMaxDepth = 32;

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

JsonReader::JsonReader(std::string_view body) : shared_(std::make_shared<Shared>()), obj_(nullptr) {
  boost::json::parse_options opts;
  opts.max_depth = kMaxDepth;
  boost::system::error_code ec;
  shared_->root = boost::json::parse(body, ec, {}, opts);
  if (ec) throw Error(ErrorCode::kMalformedJson, "the body is not valid JSON");
  if (!shared_->root.is_object()) throw Error(ErrorCode::kMalformedJson, "the body must be a JSON object");
  obj_ = &shared_->root.get_object();
}

JsonReader::JsonReader(std::shared_ptr<Shared> shared, const boost::json::object* obj, std::string prefix)
    : shared_(std::move(shared)), obj_(obj), prefix_(std::move(prefix)) {}

JsonReader::~JsonReader() = default;
JsonReader::JsonReader(JsonReader&&) noexcept = default;

std::string JsonReader::Path(std::string_view field) const {
  if (prefix_.empty()) return std::string(field);
  return prefix_ + "." + std::string(field);
}

void JsonReader::Fail(std::string_view field, std::string code, std::string detail) {
  shared_->errors.push_back(FieldError{Path(field), std::move(code), std::move(detail)});
}

const boost::json::value* JsonReader::Find(std::string_view field, bool required) {
  seen_.emplace_back(field);
  const boost::json::value* v = obj_ ? obj_->if_contains(field) : nullptr;
  if (v == nullptr || v->is_null()) {
    if (required && obj_ != nullptr) Fail(field, "REQUIRED");
    return nullptr;
  }
  return v;
}

bool JsonReader::Has(std::string_view field) const {
  return obj_ != nullptr && obj_->if_contains(field) != nullptr && !obj_->at(field).is_null();
}

std::optional<std::string> JsonReader::OptionalString(std::string_view field, StringRule rule) {
  const boost::json::value* v = Find(field, false);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Fail(field, "INVALID_TYPE", "expected a string");
    return std::nullopt;
  }
  std::string_view s(v->get_string());
  if (rule.trim) s = Trim(s);
  std::size_t n = CodePoints(s);
  if (n < rule.min_length) {
    Fail(field, rule.min_length == 1 && n == 0 ? "REQUIRED" : "TOO_SHORT");
    return std::nullopt;
  }
  if (n > rule.max_length) {
    Fail(field, "TOO_LONG", "at most " + std::to_string(rule.max_length) + " characters");
    return std::nullopt;
  }
  return std::string(s);
}

std::string JsonReader::String(std::string_view field, StringRule rule) {
  if (!Find(field, true)) return {};
  seen_.pop_back();
  return OptionalString(field, rule).value_or(std::string());
}

std::optional<std::int64_t> JsonReader::OptionalInt(std::string_view field, std::int64_t min, std::int64_t max) {
  const boost::json::value* v = Find(field, false);
  if (!v) return std::nullopt;
  std::int64_t x = 0;
  if (v->is_int64()) {
    x = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    x = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && std::isfinite(v->get_double()) && std::trunc(v->get_double()) == v->get_double() &&
             std::fabs(v->get_double()) < 9.0e15) {
    x = static_cast<std::int64_t>(v->get_double());
  } else {
    Fail(field, v->is_number() ? "OUT_OF_RANGE" : "INVALID_TYPE", "expected an integer");
    return std::nullopt;
  }
  if (x < min || x > max) {
    Fail(field, "OUT_OF_RANGE", "between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::int64_t JsonReader::Int(std::string_view field, std::int64_t min, std::int64_t max) {
  if (!Find(field, true)) return 0;
  seen_.pop_back();
  return OptionalInt(field, min, max).value_or(0);
}

double JsonReader::Number(std::string_view field, double min, double max) {
  const boost::json::value* v = Find(field, true);
  if (!v) return 0;
  if (!v->is_number()) {
    Fail(field, "INVALID_TYPE", "expected a number");
    return 0;
  }
  double x = v->to_number<double>();
  if (!std::isfinite(x) || x < min || x > max) {
    Fail(field, "OUT_OF_RANGE");
    return 0;
  }
  return x;
}

std::optional<bool> JsonReader::OptionalBool(std::string_view field) {
  const boost::json::value* v = Find(field, false);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    Fail(field, "INVALID_TYPE", "expected true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

bool JsonReader::Bool(std::string_view field) {
  if (!Find(field, true)) return false;
  seen_.pop_back();
  return OptionalBool(field).value_or(false);
}

std::string JsonReader::Enum(std::string_view field, std::initializer_list<std::string_view> allowed) {
  const boost::json::value* v = Find(field, true);
  if (!v) return {};
  if (!v->is_string()) {
    Fail(field, "INVALID_TYPE", "expected a string");
    return {};
  }
  std::string_view s(v->get_string());
  for (std::string_view a : allowed)
    if (a == s) return std::string(s);
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  Fail(field, "NOT_ALLOWED", "one of: " + list);
  return {};
}

std::optional<std::string> NormalizeCameroonPhone(std::string_view raw) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == ' ' || c == '.' || c == '-') {
      continue;
    } else {
      return std::nullopt;
    }
    if (digits.size() > 15) return std::nullopt;
  }
  if (digits.size() == 12 && digits.compare(0, 3, "237") == 0) {
    digits.erase(0, 3);
  } else if (digits.size() != 9 || plus) {
    return std::nullopt;
  }
  // Mobiles: 6[25-9]XXXXXXX (CAMEROON.md).
  if (digits[0] != '6') return std::nullopt;
  if (!(digits[1] == '2' || (digits[1] >= '5' && digits[1] <= '9'))) return std::nullopt;
  return "+237" + digits;
}

std::string JsonReader::Phone(std::string_view field) {
  const boost::json::value* v = Find(field, true);
  if (!v) return {};
  if (!v->is_string()) {
    Fail(field, "INVALID_TYPE", "expected a string");
    return {};
  }
  auto p = NormalizeCameroonPhone(std::string_view(v->get_string()));
  if (!p) {
    Fail(field, "INVALID_FORMAT", "a Cameroon mobile number such as +237 6XX XX XX XX");
    return {};
  }
  return *p;
}

JsonReader JsonReader::Object(std::string_view field) {
  const boost::json::value* v = Find(field, true);
  if (v && !v->is_object()) {
    Fail(field, "INVALID_TYPE", "expected an object");
    v = nullptr;
  }
  return JsonReader(shared_, v ? &v->get_object() : nullptr, Path(field));
}

void JsonReader::Array(std::string_view field, std::size_t min, std::size_t max,
                       const std::function<void(JsonReader&, std::size_t)>& each) {
  const boost::json::value* v = Find(field, true);
  if (!v) return;
  if (!v->is_array()) {
    Fail(field, "INVALID_TYPE", "expected an array");
    return;
  }
  const auto& arr = v->get_array();
  if (arr.size() < min || arr.size() > max) {
    Fail(field, arr.size() < min ? "TOO_SHORT" : "TOO_LONG",
         "between " + std::to_string(min) + " and " + std::to_string(max) + " elements");
    return;
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string path = Path(field) + "[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) {
      shared_->errors.push_back(FieldError{path, "INVALID_TYPE", "expected an object"});
      continue;
    }
    JsonReader child(shared_, &arr[i].get_object(), path);
    each(child, i);
    child.RejectUnknownFields();
  }
}

std::vector<std::string> JsonReader::OptionalStrings(std::string_view field, std::size_t max, StringRule rule) {
  std::vector<std::string> out;
  const boost::json::value* v = Find(field, false);
  if (!v) return out;
  if (!v->is_array()) {
    Fail(field, "INVALID_TYPE", "expected an array of strings");
    return out;
  }
  const auto& arr = v->get_array();
  if (arr.size() > max) {
    Fail(field, "TOO_LONG", "at most " + std::to_string(max) + " elements");
    return out;
  }
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string path = Path(field) + "[" + std::to_string(i) + "]";
    if (!arr[i].is_string()) {
      shared_->errors.push_back(FieldError{path, "INVALID_TYPE", "expected a string"});
      continue;
    }
    std::string_view x = arr[i].get_string();
    if (x.size() < rule.min_length || x.size() > rule.max_length) {
      shared_->errors.push_back(FieldError{
          path, x.size() < rule.min_length ? "TOO_SHORT" : "TOO_LONG",
          "between " + std::to_string(rule.min_length) + " and " + std::to_string(rule.max_length) + " characters"});
      continue;
    }
    out.emplace_back(x);
  }
  return out;
}

void JsonReader::RejectUnknownFields() {
  if (!obj_) return;
  for (const auto& kv : *obj_) {
    std::string_view key = kv.key();
    if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) Fail(key, "NOT_ALLOWED", "unknown field");
  }
}

const std::vector<FieldError>& JsonReader::errors() const { return shared_->errors; }

void JsonReader::Finish() {
  if (!shared_->errors.empty()) throw Invalid(shared_->errors);
}

}  // namespace okada
