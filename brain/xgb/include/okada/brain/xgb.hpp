#pragma once
// Owning handles over XGBoost's C API (a DMatrix, a Booster) and the status check every call needs. Include only
// from the .cpp files that train with XGBoost: the C API header stays out of every other translation unit.
#include <xgboost/c_api.h>

#include <stdexcept>
#include <string>

namespace okada::brain::xgb {

/// Throws std::runtime_error("xgboost: <what>: <XGBoost's last error>") when an API call failed.
inline void Check(int status, const char* what) {
  if (status != 0) throw std::runtime_error(std::string("xgboost: ") + what + ": " + XGBGetLastError());
}

struct DMatrix {
  DMatrixHandle handle = nullptr;
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (handle) XGDMatrixFree(handle);
  }
};

struct Booster {
  BoosterHandle handle = nullptr;
  Booster() = default;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;
  ~Booster() {
    if (handle) XGBoosterFree(handle);
  }
};

}  // namespace okada::brain::xgb
