#pragma once
namespace okada {
class Config;
}
namespace okada::app {

/// `okada events dlq list|replay`, `okada events replay --service S --since T` (see kEventsHelp).
int RunEventsCommand(int argc, char** argv, const Config& config);

}  // namespace okada::app
