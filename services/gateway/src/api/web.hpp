#pragma once
#include "okada/core/host.hpp"

namespace okada {
class Config;
}

namespace okada::gateway {
/// The web front ends, built to static files (`next build` with `output: 'export'`): GET /merchant and
/// GET /merchant/{path...} serve web/merchant/out (gateway.web_dir, default web/ in the source tree).
///
/// Files are read into memory and re-read when the build's index.html changes (a rebuild needs no restart).
/// `/merchant/orders/` serves orders/index.html; a path without its trailing slash is redirected to it. Hashed
/// assets (`_next/static/…`) are immutable for a year, pages revalidate (strong ETag, 304). Every answer carries
/// a Content-Security-Policy that allows scripts and connections to this origin only. A missing build answers
/// 503 naming the command that builds it; a path outside the build (`..`, unknown file) answers 404.
void RegisterWebApps(ServiceContext& ctx, const Config& config);
}  // namespace okada::gateway
