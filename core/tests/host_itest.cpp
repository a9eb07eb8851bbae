// Whole-process behaviour: graceful drain on SIGTERM, PostgreSQL outage under load, readiness.
// Runs core_test_server (a host with a probe service) and the real `okada serve` as child processes.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_support.hpp"

namespace okada {
namespace {

using namespace std::chrono_literals;
using test::HttpCall;

// A child process whose stderr goes to a file; finds the port in the host.listening log line.
class Child {
 public:
  Child(const std::string& binary, std::vector<std::string> args, const std::map<std::string, std::string>& env) {
    log_ = std::filesystem::temp_directory_path() /
           ("okada_child_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".log");
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      std::perror("execv");
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(log_);
  }
  std::uint16_t WaitForPort() {
    const std::string marker = R"("msg":"host.listening","port":)";
    for (int i = 0; i < 600; ++i) {
      std::string text = Log();
      if (auto at = text.find(marker); at != std::string::npos) {
        int port = std::atoi(text.c_str() + at + marker.size());
        if (port > 0) return static_cast<std::uint16_t>(port);
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "child never reported its port; its log:\n" << Log();
    return 0;
  }
  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  /// Waits for exit; returns the exit status, or -1 when killed by a signal or still running after `wait`.
  int Wait(std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

 private:
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  bool exited_ = false;
  std::filesystem::path log_;
};

std::string Binary(const char* name) {
  // Tests run from build/dev/core/tests; the binaries sit beside (test server) or in apps/okada.
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  if (std::string(name) == "okada") return (self.parent_path().parent_path() / "apps" / "okada" / "okada").string();
  return (self / name).string();
}

std::map<std::string, std::string> BaseEnv() {
  return {{"OKADA_HTTP_PORT", "0"},
          {"OKADA_HTTP_IO_THREADS", "2"},
          {"OKADA_PG_URL", test::RequiredEnv("OKADA_PG_URL")},
          {"OKADA_REDIS_URL", test::RequiredEnv("OKADA_REDIS_URL")},
          {"OKADA_LOG_ACCESS", "false"},
          {"OKADA_LOG_LEVEL", "info"}};
}

bool ConnectionRefused(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::close(fd);
  return rc != 0 && err == ECONNREFUSED;
}

TEST(Host, OkadaServeIsReadyWithPostgresAndRedis) {
  Child okada(Binary("okada"), {"serve"}, BaseEnv());
  std::uint16_t port = okada.WaitForPort();
  ASSERT_NE(port, 0);
  auto ready = HttpCall(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto v = boost::json::parse(ready.body).as_object();
  EXPECT_EQ(v["status"].as_string(), "ready");
  EXPECT_EQ(v["checks"].as_object()["postgres"].as_string(), "ok");
  EXPECT_EQ(v["checks"].as_object()["redis"].as_string(), "ok");
  EXPECT_EQ(HttpCall(port, "GET", "/healthz").status, 200);
  EXPECT_NE(HttpCall(port, "GET", "/metrics").body.find("okada_http_open_connections"), std::string::npos);
  okada.Signal(SIGTERM);
  EXPECT_EQ(okada.Wait(10s), 0) << okada.Log();
}

TEST(Host, RedisDownIsDegradedButStillReady) {
  Child okada(Binary("okada"), {"serve"}, BaseEnv());
  std::uint16_t port = okada.WaitForPort();
  ASSERT_NE(port, 0);
  ASSERT_EQ(test::DevEnv("stop-redis"), 0);
  auto degraded = HttpCall(port, "GET", "/readyz");
  ASSERT_EQ(test::DevEnv("start-redis"), 0);
  EXPECT_EQ(degraded.status, 200) << degraded.body;
  auto v = boost::json::parse(degraded.body).as_object();
  EXPECT_EQ(v["status"].as_string(), "degraded");
  EXPECT_NE(v["checks"].as_object()["redis"].as_string(), "ok");
  EXPECT_EQ(v["checks"].as_object()["postgres"].as_string(), "ok");
  // Back to "ready" once Redis is back (the client reconnects by itself).
  std::string status;
  for (int i = 0; i < 100 && status != "ready"; ++i) {
    auto r = HttpCall(port, "GET", "/readyz");
    status = std::string(boost::json::parse(r.body).as_object()["status"].as_string());
    if (status != "ready") std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status, "ready");
  okada.Signal(SIGTERM);
  EXPECT_EQ(okada.Wait(10s), 0) << okada.Log();
}

TEST(Host, BadConfigurationStopsStartupNamingTheKey) {
  auto env = BaseEnv();
  env["OKADA_HTTP_PROT"] = "8080";
  Child okada(Binary("okada"), {"serve"}, env);
  EXPECT_EQ(okada.Wait(10s), 78);
  EXPECT_NE(okada.Log().find("OKADA_HTTP_PROT"), std::string::npos) << okada.Log();
}

TEST(Host, SigtermCompletesInFlightRequestsRefusesNewOnesAndExitsZero) {
  Child server(Binary("core_test_server"), {}, BaseEnv());
  std::uint16_t port = server.WaitForPort();
  ASSERT_NE(port, 0);
  constexpr int kInFlight = 4;
  std::atomic<int> completed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kInFlight; ++i)
    clients.emplace_back([&] {
      try {
        auto r = HttpCall(port, "GET", "/test/slow?ms=1500");
        if (r.status == 200 && r.body == R"({"slept_ms":1500})") ++completed;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "in-flight request failed: " << e.what();
      }
    });
  std::this_thread::sleep_for(400ms);  // the requests are now being handled (each sleeps 1.5 s)
  server.Signal(SIGTERM);
  // New connections are refused while the in-flight ones finish.
  bool refused = false;
  for (int i = 0; i < 50 && !refused; ++i) {
    refused = ConnectionRefused(port);
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(refused) << "the server still accepted connections after SIGTERM";
  for (auto& t : clients) t.join();
  EXPECT_EQ(completed.load(), kInFlight);
  EXPECT_EQ(server.Wait(10s), 0) << server.Log();
}

TEST(Host, PostgresOutageAnswers503WithinTheDeadlineAndRecovers) {
  auto env = BaseEnv();
  env["OKADA_PG_POOL_SIZE"] = "4";
  Child server(Binary("core_test_server"), {}, env);
  std::uint16_t port = server.WaitForPort();
  ASSERT_NE(port, 0);
  ASSERT_EQ(HttpCall(port, "GET", "/test/db").status, 200);

  // Load: 4 clients in a loop. Every answer must be a 200 or a 503 problem+json, and none may take longer than
  // the 2 s request deadline plus a grace for scheduling on a loaded machine (a hang check, not a speed check).
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unavailable{0}, other{0}, slow{0}, exceptions{0};
  std::atomic<long> max_ms{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i)
    clients.emplace_back([&] {
      while (!stop.load()) {
        auto start = std::chrono::steady_clock::now();
        try {
          auto r = HttpCall(port, "GET", "/test/db");
          long ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
          max_ms = std::max(max_ms.load(), ms);
          if (ms > 4000) ++slow;
          if (r.status == 200) {
            ++ok;
          } else if (r.status == 503 && r.headers["content-type"] == "application/problem+json" &&
                     r.headers.count("retry-after")) {
            ++unavailable;
          } else {
            ++other;
            ADD_FAILURE() << "unexpected answer " << r.status << " " << r.body;
          }
        } catch (const std::exception& e) {
          ++exceptions;
        }
        std::this_thread::sleep_for(20ms);
      }
    });

  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(test::DevEnv("stop-pg"), 0);
  auto outage_start = std::chrono::steady_clock::now();
  // Readiness reports the outage.
  auto ready = HttpCall(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  std::this_thread::sleep_for(10s);
  int unavailable_during_outage = unavailable.load();
  ASSERT_EQ(test::DevEnv("start-pg"), 0);
  auto back = std::chrono::steady_clock::now();

  // Recovery by itself: a 200 within 30 s of PostgreSQL being back.
  int ok_before = ok.load();
  double recovered_after = -1;
  while (std::chrono::steady_clock::now() - back < 30s) {
    if (ok.load() > ok_before) {
      recovered_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - back).count();
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  for (auto& t : clients) t.join();

  EXPECT_GT(unavailable_during_outage, 10) << "expected 503s while PostgreSQL was down";
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(exceptions.load(), 0) << "a request failed at the socket level instead of getting an answer";
  EXPECT_EQ(slow.load(), 0) << "some request took longer than its deadline; max " << max_ms.load() << " ms";
  ASSERT_GE(recovered_after, 0) << "no successful request within 30 s after PostgreSQL came back";
  EXPECT_EQ(HttpCall(port, "GET", "/readyz").status, 200);
  std::cout << "[ figure ] outage " << std::chrono::duration<double>(back - outage_start).count() << " s; recovered "
            << recovered_after << " s after PostgreSQL was back; 503s during outage " << unavailable_during_outage
            << "; slowest answer " << max_ms.load() << " ms\n";
  ::testing::Test::RecordProperty("recovery_seconds", std::to_string(recovered_after));
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(10s), 0);
}

}  // namespace
}  // namespace okada
