#pragma once
/// Deadlines: every I/O call takes the time point by which it must finish (a request's deadline flows into
/// its database, cache and service calls, and across HTTP as X-Deadline-Ms).

#include <algorithm>
#include <chrono>

namespace okada {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline Deadline DeadlineIn(std::chrono::milliseconds ms) { return Clock::now() + ms; }
inline std::chrono::milliseconds Remaining(Deadline d) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(d - Clock::now()));
}
/// The earlier of `d` and now + `cap`.
inline Deadline Cap(Deadline d, std::chrono::milliseconds cap) { return std::min(d, Clock::now() + cap); }

}  // namespace okada
