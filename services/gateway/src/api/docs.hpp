#pragma once
#include "okada/core/host.hpp"

namespace okada {
class Config;
}

namespace okada::gateway {
/// GET /v1/openapi.yaml (api/openapi.yaml), GET /docs (Swagger UI page) and GET /docs/{asset} (the
/// swagger-ui-dist files installed from npm by scripts/setup into api/docs/node_modules). Files are read once
/// at start; a missing file answers 503 naming the fix instead of failing start-up.
void RegisterDocs(ServiceContext& ctx, const Config& config);
}  // namespace okada::gateway
