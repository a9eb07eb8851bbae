#pragma once
// `okada sim export|report`: the market simulator (brain/sim, okada_sim) from the command line.

namespace okada::app {

/// Runs `okada sim <export|report> [options]` (argv[1] is "sim"); returns the exit status (2 for usage errors).
int RunSimCommand(int argc, char** argv);

}  // namespace okada::app
