#pragma once
// The explicit list of services this binary can host, in start order (dependencies first).

#include <vector>

#include "okada/core/host.hpp"

namespace okada::app {
std::vector<ServiceFactory> Catalogue();
}
