#pragma once
// `okada seed`: loads a demo-sized slice of the simulated market (brain/sim) into a running platform through its
// public HTTP API (accounts, merchants, stores, catalogues, customers, riders, recent orders). Idempotent.

#include "okada/core/config.hpp"

namespace okada::app {

/// Runs `okada seed [options]` (argv[1] is "seed"); returns the exit status (2 for usage errors).
int RunSeedCommand(int argc, char** argv, const Config& config);

}  // namespace okada::app
