#pragma once
/// What the analytics handlers need; built once at Start(), immutable afterwards (shared by every I/O thread).
#include <memory>
#include <string>

#include "okada/core/pg/pg.hpp"
#include "okada/users/client.hpp"

namespace okada::analytics {

struct State {
  pg::Database* db = nullptr;
  std::shared_ptr<const users::Client> users;  ///< stores and memberships (cached ~30 s)
  std::string service_token;
};
using StatePtr = std::shared_ptr<const State>;

}  // namespace okada::analytics
