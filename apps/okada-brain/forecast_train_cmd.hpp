#pragma once

namespace okada::brain {

/// `okada brain train forecast …` (argv[1] = "train", argv[2] = "forecast"): marketplace demand forecasting through
/// the registry. Returns the exit status.
int TrainForecastCommand(int argc, char** argv);

}  // namespace okada::brain
