#pragma once
// The users service: see services/users/README.md.
#include <memory>

#include "okada/core/host.hpp"

namespace okada::users {
std::unique_ptr<Service> MakeService();
}
