#pragma once
#include <memory>

#include "okada/core/host.hpp"

namespace okada::notifications {

/// What people are told and how: SMS (the SMS gateway), e-mail (SMTP), web push (VAPID, RFC 8291), in-app (their
/// live channel), from the platform's events, in French or English, with preferences, quiet hours, per-person
/// limits, retries and a delivery status per message.
std::unique_ptr<Service> MakeService();

}  // namespace okada::notifications
