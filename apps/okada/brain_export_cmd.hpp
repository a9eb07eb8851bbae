#pragma once
// `okada brain export --out DIR`: the training pipeline's extract step from a running platform's data.

namespace okada::app {

/// Runs `okada brain export [options]` (argv[1] "brain", argv[2] "export"); returns the exit status (2 for usage
/// errors). Needs the platform's configuration (OKADA_PG_URL, state directory) like `okada accounts`.
int RunBrainExportCommand(int argc, char** argv);

}  // namespace okada::app
