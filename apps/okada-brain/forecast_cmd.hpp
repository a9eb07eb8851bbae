#pragma once
// `okada brain forecast`: the statistical forecasters on a set of series in the M4 layout, with the M4 scores when
// the held-out values are given.

namespace okada::brain {

// argv[1] is "forecast". Returns the exit status (0 done, 1 unreadable or invalid input, 2 usage error).
int RunForecastCommand(int argc, char** argv);

}  // namespace okada::brain
