// The HTTP request path up to the handler: Beast's parser with the server's limits, our Request view of
// it (target, query, headers), the router, and JSON validation of the body.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "okada/core/errors.hpp"
#include "okada/core/http/request.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/json_reader.hpp"

namespace bhttp = boost::beast::http;
using namespace okada;
using namespace okada::http;

namespace {
Router& TheRouter() {
  static Router* r = [] {
    auto* router = new Router();
    auto h = [](Request&) { return Response::Json("{}"); };
    for (const char* p : {"/healthz", "/v1/orders", "/v1/orders/{id}", "/v1/orders/{id}/cancel",
                          "/v1/stores/{store}/products/{product}", "/v1/products/search"}) {
      router->Add(Method::kGet, p, SyncHandler(h));
      router->Add(Method::kPost, p, SyncHandler(h));
    }
    return router;
  }();
  return *r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  auto& msg = parser.get();
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  for (const auto& f : msg) headers.emplace_back(f.name_string(), f.value());
  Request req(ParseMethod(msg.method_string()), std::string(msg.target()), std::move(headers), msg.body());
  (void)req.header("content-type");
  (void)req.query_param("q");
  (void)req.query_param("limit");
  Match m = TheRouter().Find(req.method(), req.path());
  if (m.route) {
    for (auto& [k, v] : m.params) (void)UrlDecode(v);
  }
  if (!req.body().empty()) {
    try {
      JsonReader r(req.body());
      (void)r.OptionalString("note");
      (void)r.OptionalInt("quantity", 1, 99);
      r.RejectUnknownFields();
      r.Finish();
    } catch (const Error& e) {
      (void)RenderProblem(e, "fuzz", "fr");
    }
  }
  return 0;
}
