#pragma once
// The gateway service: see services/gateway/README.md.
#include <memory>

#include "okada/core/host.hpp"

namespace okada::gateway {
std::unique_ptr<Service> MakeService();
}
