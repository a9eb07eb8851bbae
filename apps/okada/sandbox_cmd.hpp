#pragma once
// `okada sandbox …`: local stand-ins for outside parties, for development and tests. Today: `okada sandbox sms`,
// the local SMS gateway (providers/sms, okada::sms::Sandbox).

namespace okada::app {

/// Runs `okada sandbox <name> [options]` (argv[1] is "sandbox") until SIGTERM or SIGINT; returns the exit status.
int RunSandboxCommand(int argc, char** argv);

}  // namespace okada::app
