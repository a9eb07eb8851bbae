#pragma once
// `okada brain policy train|eval`: the learned routing policy (brain/models/policy).

namespace okada::brain {

/// argv[1] is "policy"; returns the process exit status (0 ok, 1 failure, 2 usage error).
int PolicyCommand(int argc, char** argv);

}  // namespace okada::brain
