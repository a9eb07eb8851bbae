#pragma once
// The brain's training pipeline and registry commands: `okada brain train|evaluate|promote|list`.

namespace okada::brain {

// argv[1] is "train", "evaluate", "promote" or "list". Returns the exit status.
int PipelineCommand(int argc, char** argv);

}  // namespace okada::brain
