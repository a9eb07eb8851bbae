#include "support/test_support.hpp"

#include <sys/wait.h>

#include <cstdio>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include "okada/core/http/router.hpp"
#include "okada/core/http/server.hpp"
#include "okada/core/io.hpp"
#include "okada/core/metrics.hpp"

namespace okada::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

std::string RequiredEnv(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    ADD_FAILURE() << name << " is not set: run the tests with scripts/test, which starts PostgreSQL and Redis";
    throw std::runtime_error(std::string(name) + " not set");
  }
  return v;
}

int DevEnv(const std::string& command) {
  std::string script = RequiredEnv("OKADA_DEV_ENV");
  std::string cmd = "'" + script + "' " + command + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::vector<std::string> Psql(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string err = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("psql connect: " + err);
  }
  PGresult* r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("psql: " + err);
  }
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r); ++i) out.emplace_back(PQgetisnull(r, i, 0) ? "" : PQgetvalue(r, i, 0));
  PQclear(r);
  PQfinish(c);
  return out;
}

namespace {
std::string WithDatabase(const std::string& url, const std::string& db) {
  // postgresql://user@host:port/name[?params] → same with /db
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto q = url.find('?');
  std::string base = slash == std::string::npos ? url : url.substr(0, slash);
  std::string params = q == std::string::npos ? "" : url.substr(q);
  return base + "/" + db + params;
}
}  // namespace

FreshDatabase::FreshDatabase(const std::string& suite) {
  admin_url_ = WithDatabase(RequiredEnv("OKADA_PG_URL"), "postgres");
  name_ = "t_" + suite + "_" + std::to_string(::getpid());
  for (char& c : name_) c = static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_');
  Psql(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  Psql(admin_url_, "CREATE DATABASE " + name_);
  url_ = WithDatabase(RequiredEnv("OKADA_PG_URL"), name_);
}

FreshDatabase::~FreshDatabase() {
  try {
    Psql(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server may be down at the end of a resilience test; the next run drops it (IF EXISTS above).
  }
}

ShellResult Shell(const std::string& command) {
  ShellResult r;
  FILE* f = ::popen((command + " 2>&1").c_str(), "r");
  if (!f) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.output.append(buf, n);
  int rc = ::pclose(f);
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return r;
}

void RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

HttpResult HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::map<std::string, std::string>& headers, const std::string& body) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.body() = body;
    req.prepare_payload();
  }
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buf, parser);
  HttpResult out;
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

RawResult RawExchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds wait) {
  RawResult out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  auto until = std::chrono::steady_clock::now() + wait;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      out.closed = true;
      break;
    }
    out.data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

struct CallbackRecorder::Impl {
  IoPool io{1};
  Metrics metrics;
  http::Router router;
  std::unique_ptr<http::Server> server;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<Call> calls;
};

CallbackRecorder::CallbackRecorder(const std::string& pattern) : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  auto record = [impl](http::Request& r) {
    std::lock_guard lock(impl->mu);
    impl->calls.push_back(Call{std::string(http::ToString(r.method())), std::string(r.body())});
    impl->cv.notify_all();
    return http::Response::NoContent();
  };
  impl->router.Add(http::Method::kPost, pattern, http::SyncHandler(record));
  impl->router.Add(http::Method::kPut, pattern, http::SyncHandler(record));
  http::ServerOptions o;
  o.access_log = false;
  impl->server = std::make_unique<http::Server>(o, impl->router, impl->metrics, impl->io);
  impl->io.Start();
  impl->server->Start();
}

CallbackRecorder::~CallbackRecorder() {
  impl_->server->BeginDrain();
  impl_->server->WaitDrained(std::chrono::seconds(5));
  impl_->io.Stop();
}

std::string CallbackRecorder::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->server->port()) + path;
}

std::vector<CallbackRecorder::Call> CallbackRecorder::WaitFor(std::size_t n, std::chrono::milliseconds wait) const {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait_for(lock, wait, [&] { return impl_->calls.size() >= n; });
  return impl_->calls;
}

}  // namespace okada::test
