#pragma once
/// Typed errors and the stable error-code registry (error_codes.inc).
///
/// Handlers throw `okada::Error` (or use the helpers below); one place (the HTTP pipeline) maps it to an
/// RFC 9457 `application/problem+json` answer. Thread-safe: everything here is immutable data.

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace okada {

enum class ErrorCode : int {
#define OKADA_ERROR(name, code, status, en, fr) name,
#include "okada/core/error_codes.inc"
#undef OKADA_ERROR
};

/// Static description of one code.
struct ErrorInfo {
  std::string_view code;  ///< machine code, e.g. "ROUTE_NOT_FOUND"
  int status;             ///< HTTP status
  std::string_view title_en;
  std::string_view title_fr;
};

const ErrorInfo& Describe(ErrorCode code) noexcept;
/// Every registered code, in registry order (used by tests and the docs generator).
const std::vector<ErrorInfo>& AllErrors();

/// One invalid field of a request: `{"field":"phone","code":"INVALID_FORMAT"}`.
struct FieldError {
  std::string field;   ///< JSON path, e.g. "items[2].quantity"
  std::string code;    ///< REQUIRED, INVALID_TYPE, INVALID_FORMAT, TOO_SHORT, TOO_LONG, OUT_OF_RANGE, NOT_ALLOWED...
  std::string detail;  ///< human text (English), optional
};

/// The error every layer throws. Cheap to copy; carries what the problem+json answer needs.
class Error : public std::exception {
 public:
  explicit Error(ErrorCode code, std::string detail = {}) : code_(code), detail_(std::move(detail)) {}

  ErrorCode code() const noexcept { return code_; }
  const ErrorInfo& info() const noexcept { return Describe(code_); }
  const std::string& detail() const noexcept { return detail_; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }
  const char* what() const noexcept override;

  Error& WithField(FieldError f) {
    fields_.push_back(std::move(f));
    return *this;
  }
  Error& WithHeader(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Error& WithRetryAfter(std::chrono::seconds s) { return WithHeader("Retry-After", std::to_string(s.count())); }

 private:
  ErrorCode code_;
  std::string detail_;
  std::vector<FieldError> fields_;
  std::vector<std::pair<std::string, std::string>> headers_;
  mutable std::string what_;
};

/// Helpers in the vocabulary of STYLE.md.
inline Error NotFound(std::string detail = {}) { return Error(ErrorCode::kNotFound, std::move(detail)); }
inline Error Conflict(std::string detail = {}) { return Error(ErrorCode::kConflict, std::move(detail)); }
inline Error Forbidden(std::string detail = {}) { return Error(ErrorCode::kForbidden, std::move(detail)); }
inline Error Unavailable(std::string detail = {}) {
  return std::move(Error(ErrorCode::kUnavailable, std::move(detail)).WithRetryAfter(std::chrono::seconds(1)));
}
Error Invalid(std::vector<FieldError> fields);

/// Renders an error as an RFC 9457 problem document. `lang` is "fr" or "en" (titles are localised).
std::string RenderProblem(const Error& e, std::string_view request_id, std::string_view lang);

}  // namespace okada
