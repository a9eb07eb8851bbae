#include "okada/core/errors.hpp"

#include <boost/json.hpp>

namespace okada {
namespace {
const std::vector<ErrorInfo>& Registry() {
  static const std::vector<ErrorInfo> kAll = {
#define OKADA_ERROR(name, code, status, en, fr) ErrorInfo{code, status, en, fr},
#include "okada/core/error_codes.inc"
#undef OKADA_ERROR
  };
  return kAll;
}
}  // namespace

const ErrorInfo& Describe(ErrorCode code) noexcept { return Registry()[static_cast<std::size_t>(code)]; }
const std::vector<ErrorInfo>& AllErrors() { return Registry(); }

const char* Error::what() const noexcept {
  if (what_.empty()) {
    what_ = std::string(info().code);
    if (!detail_.empty()) what_ += ": " + detail_;
  }
  return what_.c_str();
}

Error Invalid(std::vector<FieldError> fields) {
  Error e(ErrorCode::kValidationFailed);
  for (auto& f : fields) e.WithField(std::move(f));
  return e;
}

std::string RenderProblem(const Error& e, std::string_view request_id, std::string_view lang) {
  const ErrorInfo& info = e.info();
  boost::json::object o;
  o["type"] = "https://okada.cm/problems/" + std::string(info.code);
  o["title"] = lang == "en" ? info.title_en : info.title_fr;
  o["status"] = info.status;
  o["code"] = info.code;
  if (!e.detail().empty()) o["detail"] = e.detail();
  o["request_id"] = request_id;
  if (!e.fields().empty()) {
    boost::json::array errors;
    for (const FieldError& f : e.fields()) {
      boost::json::object fe{{"field", f.field}, {"code", f.code}};
      if (!f.detail.empty()) fe["detail"] = f.detail;
      errors.push_back(std::move(fe));
    }
    o["errors"] = std::move(errors);
  }
  return boost::json::serialize(o);
}

}  // namespace okada
