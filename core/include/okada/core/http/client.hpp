#pragma once
/// HTTP/1.1 client for service-to-service and provider calls (implementation in core/src/http/client.cpp).
///
/// Keep-alive connection pool per host:port (per shard), connect/read/write bounded by the call's deadline,
/// deadline propagated to the callee as `X-Deadline-Ms`, request id propagated as `X-Request-Id`.
/// Plain HTTP only for now (TLS to providers arrives with the payments issue).
/// Threading: a Client belongs to one shard; use it from that shard's thread only.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "okada/core/deadline.hpp"
#include "okada/core/http/request.hpp"

namespace boost::asio {
class io_context;
}

namespace okada::http {

struct ClientRequest {
  Method method = Method::kGet;
  std::string url;  ///< "http://127.0.0.1:8080/v1/x?y=1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Deadline deadline = Clock::now() + std::chrono::seconds(5);
  std::string request_id;  ///< propagated when non-empty
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const;
};

struct ClientOptions {
  std::size_t max_idle_per_host = 32;
  std::chrono::milliseconds idle_timeout{30000};  ///< pooled connections older than this are closed
  std::size_t max_response_bytes = 8 * 1024 * 1024;
  /// https: a PEM file of extra trusted CAs (besides the system's, /etc/ssl/certs); empty = system only.
  std::string ca_file;
};

class Client {
 public:
  explicit Client(boost::asio::io_context& ioc, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Performs the request. Throws okada::Error(kUpstreamUnavailable) if the peer cannot be reached or answers
  /// garbage, okada::Error(kDeadlineExceeded) when the deadline passes. Any HTTP status is returned, not thrown.
  /// A request that failed on a reused keep-alive connection before any byte of the answer arrived is retried
  /// once on a fresh connection only for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS).
  boost::asio::awaitable<ClientResponse> Send(ClientRequest request);

  std::size_t idle_connections() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace okada::http
