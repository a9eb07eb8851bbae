#pragma once
// The auth service: see services/auth/README.md.
#include <memory>

#include "okada/core/host.hpp"

namespace okada::auth {
std::unique_ptr<Service> MakeService();
}
