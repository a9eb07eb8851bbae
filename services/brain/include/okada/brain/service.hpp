#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::brain {

/// The AI Brain's serving side in `okada` (ARCHITECTURE §1, §9): batch dispatch of waiting orders to riders
/// (`POST /v1/brain/dispatch/assign`, used by the delivery service) with travel times from the ETA model that
/// okada-brain trains. No LibTorch or XGBoost here: models are evaluated from their exported files.
std::unique_ptr<Service> MakeService();

}  // namespace okada::brain
