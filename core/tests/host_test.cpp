// The host in-process: start order and reverse stop order, service-to-service calls through the in-process
// transport (same pipeline as the network), unknown service names.

#include "okada/core/host.hpp"

#include <gtest/gtest.h>

#include "okada/core/config.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/http/router.hpp"
#include "okada/core/log.hpp"
#include "support/test_support.hpp"

namespace okada {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

std::vector<std::string>* g_events = nullptr;  // test-local journal of start/stop calls

class Catalog : public Service {
 public:
  std::string_view name() const override { return "catalog"; }
  void Start(ServiceContext& ctx) override {
    g_events->push_back("start catalog");
    ctx.router().Add(http::Method::kGet, "/v1/catalog/{id}", http::SyncHandler([](Request& r) {
                       if (r.path_param("id") == "missing") throw NotFound("no such product");
                       return Response::Json(R"({"id":")" + std::string(r.path_param("id")) + R"(","price":1500})");
                     }));
  }
  void Stop() override { g_events->push_back("stop catalog"); }
};

asio::awaitable<Response> Quote(ServiceTransport* catalog, Request& req) {
  http::ClientRequest call;
  call.url = "/v1/catalog/" + std::string(req.path_param("id"));
  call.deadline = req.deadline();
  call.request_id = req.request_id();
  http::ClientResponse answer = co_await catalog->Call(std::move(call));
  co_return Response::Json(R"({"status":)" + std::to_string(answer.status) + R"(,"catalog":)" + answer.body + "}");
}

class Cart : public Service {
 public:
  std::string_view name() const override { return "cart"; }
  void Start(ServiceContext& ctx) override {
    g_events->push_back("start cart");
    ServiceTransport* catalog = &ctx.TransportTo("catalog");
    ctx.router().Add(http::Method::kGet, "/v1/cart/quote/{id}",
                     http::AsyncHandler([catalog](Request& r) { return Quote(catalog, r); }));
    EXPECT_THROW(ctx.TransportTo("payments"), std::invalid_argument);
  }
  void Stop() override { g_events->push_back("stop cart"); }
};

std::vector<ServiceFactory> TestCatalogue() {
  return {{"catalog", [] { return std::make_unique<Catalog>(); }}, {"cart", [] { return std::make_unique<Cart>(); }}};
}

TEST(HostInProcess, StartsInOrderStopsInReverseAndCallsInProcess) {
  log::Init("warn");
  std::vector<std::string> events;
  g_events = &events;
  Config config = Config::Defaults({{"http.port", "0"}, {"http.io_threads", "2"}, {"log.access", "false"}});
  {
    Host host(config, TestCatalogue());
    // Typed order does not matter: catalogue order is start order.
    host.Start({"cart", "catalog"});
    auto ok = test::HttpCall(host.port(), "GET", "/v1/cart/quote/p1", {{"X-Request-Id", "quote-1"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, R"({"status":200,"catalog":{"id":"p1","price":1500}})");
    auto missing = test::HttpCall(host.port(), "GET", "/v1/cart/quote/missing");
    EXPECT_EQ(missing.status, 200);
    EXPECT_NE(missing.body.find(R"("status":404)"), std::string::npos);
    EXPECT_NE(missing.body.find("NOT_FOUND"), std::string::npos);
    EXPECT_TRUE(host.Shutdown());
  }
  EXPECT_EQ(events, (std::vector<std::string>{"start catalog", "start cart", "stop cart", "stop catalog"}));
  g_events = nullptr;
}

TEST(HostRemote, CallsAServiceInAnotherProcessOverHttp) {
  log::Init("warn");
  std::vector<std::string> events;
  g_events = &events;
  Config catalog_config = Config::Defaults({{"http.port", "0"}, {"http.io_threads", "1"}, {"log.access", "false"}});
  Host catalog_host(catalog_config, TestCatalogue());
  catalog_host.Start({"catalog"});
  // The cart runs alone; its calls to "catalog" go over HTTP to the other host (same code path for the caller).
  Config cart_config =
      Config::Defaults({{"http.port", "0"},
                        {"http.io_threads", "2"},
                        {"log.access", "false"},
                        {"services.remote", "catalog=http://127.0.0.1:" + std::to_string(catalog_host.port())}});
  Host cart_host(cart_config, TestCatalogue());
  cart_host.Start({"cart"});
  for (int i = 0; i < 3; ++i) {  // several calls: the keep-alive pool is reused
    auto ok = test::HttpCall(cart_host.port(), "GET", "/v1/cart/quote/p" + std::to_string(i));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, R"({"status":200,"catalog":{"id":"p)" + std::to_string(i) + R"(","price":1500}})");
  }
  auto missing = test::HttpCall(cart_host.port(), "GET", "/v1/cart/quote/missing");
  EXPECT_NE(missing.body.find(R"("status":404)"), std::string::npos) << missing.body;
  // Once the catalog host is gone, the caller gets an answer (an upstream error), not a hang.
  EXPECT_TRUE(catalog_host.Shutdown());
  auto down = test::HttpCall(cart_host.port(), "GET", "/v1/cart/quote/p1");
  EXPECT_EQ(down.status, 502) << down.body;
  EXPECT_NE(down.body.find("UPSTREAM_UNAVAILABLE"), std::string::npos);
  EXPECT_TRUE(cart_host.Shutdown());
  g_events = nullptr;
}

TEST(HostInProcess, UnknownServiceIsRefusedWithTheKnownList) {
  Config config = Config::Defaults();
  Host host(config, TestCatalogue());
  try {
    host.Resolve({"ordres"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ordres"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("catalog, cart"), std::string::npos);
  }
  EXPECT_EQ(host.Resolve({"all"}), (std::vector<std::string>{"catalog", "cart"}));
}

}  // namespace
}  // namespace okada
