#pragma once
// The products service: see services/products/README.md.
#include <memory>

#include "okada/core/host.hpp"

namespace okada::products {
std::unique_ptr<Service> MakeService();
}
