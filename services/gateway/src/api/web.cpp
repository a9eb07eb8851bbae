#include "api/web.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "okada/core/config.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"

namespace okada::gateway {
namespace {

namespace fs = std::filesystem;

struct File {
  std::string content_type;
  std::string body;
  std::string etag;
  bool immutable = false;
};

struct Build {
  fs::file_time_type stamp{};
  std::map<std::string, File, std::less<>> files;  // path relative to the build root, '/'-separated
};

std::string_view ContentType(const fs::path& p) {
  static const std::map<std::string, std::string_view, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".webmanifest", "application/manifest+json"},
      {".map", "application/json"},
      {".mp3", "audio/mpeg"},
      {".wav", "audio/wav"}};
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

std::optional<std::string> ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// One static app (e.g. the merchant platform): its files, reloaded when the build changes.
class App {
 public:
  App(std::string name, fs::path root) : name_(std::move(name)), root_(std::move(root)) {}

  std::shared_ptr<const Build> Current() {
    std::error_code ec;
    fs::file_time_type stamp = fs::last_write_time(root_ / "index.html", ec);
    if (ec) throw Unavailable("the " + name_ + " web app is not built: run scripts/run (or 'npm run build' in web/)");
    std::lock_guard lock(mu_);
    if (!build_ || build_->stamp != stamp) build_ = Load(stamp);
    return build_;
  }

 private:
  std::shared_ptr<const Build> Load(fs::file_time_type stamp) const {
    auto b = std::make_shared<Build>();
    b->stamp = stamp;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::optional<std::string> body = ReadAll(it->path());
      if (!body) continue;
      std::string rel = fs::relative(it->path(), root_).generic_string();
      File f;
      f.content_type = ContentType(it->path());
      f.etag = "\"" + pg::Sha256Hex(*body).substr(0, 32) + "\"";
      f.immutable = rel.starts_with("_next/static/");
      f.body = std::move(*body);
      b->files.emplace(std::move(rel), std::move(f));
    }
    log::Info("gateway.web_loaded", {{"app", name_}, {"files", std::to_string(b->files.size())}});
    return b;
  }

  std::string name_;
  fs::path root_;
  std::mutex mu_;
  std::shared_ptr<const Build> build_;
};

// Next.js's static export puts its bootstrap data in inline scripts, hence 'unsafe-inline' for scripts; every
// script file and every connection (API, live socket) must come from this origin.
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data: blob:; media-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

void Secure(http::Response& r) {
  r.Header("Content-Security-Policy", std::string(kCsp));
  r.Header("X-Content-Type-Options", "nosniff");
  r.Header("Referrer-Policy", "same-origin");
  r.Header("X-Frame-Options", "DENY");
}

bool Matches(std::string_view if_none_match, std::string_view etag) {
  return if_none_match.find('*') != std::string_view::npos || if_none_match.find(etag) != std::string_view::npos;
}

http::Response Redirect(std::string location) {
  http::Response r;
  r.status = 308;
  r.content_type.clear();
  r.Header("Location", std::move(location));
  Secure(r);
  return r;
}

http::Response Serve(App& app, std::string_view prefix, std::string_view rest, const http::Request& req) {
  if (rest.find("..") != std::string_view::npos || rest.find('\\') != std::string_view::npos ||
      rest.find('\0') != std::string_view::npos)
    throw NotFound("no such page");
  std::shared_ptr<const Build> build = app.Current();
  std::string key(rest);
  if (key.empty() || key.ends_with('/')) key += "index.html";
  auto it = build->files.find(key);
  if (it == build->files.end()) {
    // A page asked for without its trailing slash (/merchant/orders): send the browser to the real address.
    if (build->files.contains(key + "/index.html")) return Redirect(std::string(prefix) + "/" + key + "/");
    // The app's own "page not found" (in its language, with a way back) rather than a problem+json.
    auto page = build->files.find("404.html");
    if (page == build->files.end()) throw NotFound("no such page");
    http::Response r;
    r.status = 404;
    r.content_type = page->second.content_type;
    r.body = page->second.body;
    r.Header("Cache-Control", "no-cache");
    Secure(r);
    return r;
  }
  const File& f = it->second;
  http::Response r;
  r.Header("ETag", f.etag);
  r.Header("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  Secure(r);
  if (auto inm = req.header("If-None-Match"); inm && Matches(*inm, f.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = f.content_type;
  r.body = f.body;
  return r;
}

}  // namespace

void RegisterWebApps(ServiceContext& ctx, const Config& config) {
  fs::path web = config.GetString("gateway.web_dir");
  if (web.empty()) web = fs::path(OKADA_SOURCE_DIR) / "web";
  auto merchant = std::make_shared<App>("merchant", web / "merchant" / "out");
  auto& router = ctx.router();
  router.Add(http::Method::kGet, "/merchant", http::SyncHandler([merchant](http::Request& req) {
               if (!req.path().ends_with('/')) return Redirect("/merchant/");
               return Serve(*merchant, "/merchant", "", req);
             }));
  router.Add(http::Method::kGet, "/merchant/{path...}", http::SyncHandler([merchant](http::Request& req) {
               return Serve(*merchant, "/merchant", req.path_param("path"), req);
             }));
}

}  // namespace okada::gateway
