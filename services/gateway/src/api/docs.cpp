#include "api/docs.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "okada/core/config.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"

namespace okada::gateway {
namespace {

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Asset {
  std::string content_type;
  std::optional<std::string> body;
};

http::Response Serve(const Asset& a, std::string_view hint) {
  if (!a.body) throw Unavailable(std::string(hint) + " is missing: run scripts/setup (it installs the docs assets)");
  http::Response r;
  r.content_type = a.content_type;
  r.body = *a.body;
  r.Header("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace

void RegisterDocs(ServiceContext& ctx, const Config& config) {
  std::filesystem::path api = config.GetString("gateway.docs_dir");
  if (api.empty()) api = std::filesystem::path(OKADA_SOURCE_DIR) / "api";
  auto spec = std::make_shared<Asset>(Asset{"application/yaml; charset=utf-8", ReadFile(api / "openapi.yaml")});
  auto page = std::make_shared<Asset>(Asset{"text/html; charset=utf-8", ReadFile(api / "docs" / "index.html")});
  auto assets = std::make_shared<std::map<std::string, Asset, std::less<>>>();
  auto dist = api / "docs" / "node_modules" / "swagger-ui-dist";
  (*assets)["swagger-ui-bundle.js"] = {"text/javascript; charset=utf-8", ReadFile(dist / "swagger-ui-bundle.js")};
  (*assets)["swagger-ui.css"] = {"text/css; charset=utf-8", ReadFile(dist / "swagger-ui.css")};
  (*assets)["swagger-ui-standalone-preset.js"] = {"text/javascript; charset=utf-8",
                                                  ReadFile(dist / "swagger-ui-standalone-preset.js")};
  (*assets)["docs.js"] = {"text/javascript; charset=utf-8", ReadFile(api / "docs" / "docs.js")};

  auto& router = ctx.router();
  router.Add(http::Method::kGet, "/v1/openapi.yaml",
             http::SyncHandler([spec](http::Request&) { return Serve(*spec, "api/openapi.yaml"); }));
  router.Add(http::Method::kGet, "/docs",
             http::SyncHandler([page](http::Request&) { return Serve(*page, "api/docs/index.html"); }));
  router.Add(http::Method::kGet, "/docs/{asset}", http::SyncHandler([assets](http::Request& req) {
               auto it = assets->find(req.path_param("asset"));
               if (it == assets->end()) throw NotFound("no such docs asset");
               return Serve(it->second, it->first);
             }));
}

}  // namespace okada::gateway
