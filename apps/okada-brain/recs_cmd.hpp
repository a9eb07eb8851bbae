#pragma once
// `okada brain eval-recs`: offline evaluation of the recommenders (popularity, item-kNN, the hybrid).

namespace okada::brain {

// argv[1] is "eval-recs". Returns the exit status.
int EvalRecsCommand(int argc, char** argv);

}  // namespace okada::brain
