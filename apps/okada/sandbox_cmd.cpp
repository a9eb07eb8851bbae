// `okada sandbox sms`: the local SMS gateway (okada::sms::Sandbox) as a process, so `okada serve` (sms.url
// defaults to http://127.0.0.1:58025) and developers have a gateway to talk to. The API key lives in a secret file
// (created with a random key on first run) that `okada serve` reads too (sms.api_key_file).

#include "sandbox_cmd.hpp"

#include <pthread.h>

#include <boost/json.hpp>
#include <boost/system/system_error.hpp>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/log.hpp"
#include "okada/providers/email.hpp"
#include "okada/providers/mobile_money.hpp"
#include "okada/providers/sms.hpp"
#include "okada/providers/webpush.hpp"

extern char** environ;

namespace okada::app {
namespace {

constexpr const char* kSandboxHelp = R"(Usage: okada sandbox <name> [options]

Local stand-ins for outside parties, for development and tests.

Sandboxes:
  sms      The local SMS gateway (same HTTP protocol as the aggregators; see 'okada sandbox sms --help')
  momo     MTN MoMo Collections and Disbursements (see 'okada sandbox momo --help')
  orange   Orange Money merchant payment (see 'okada sandbox orange --help')
  smtp     An SMTP sink that keeps every e-mail (SMTP on 58026, read them over HTTP on 58027)
  push     A web push service that checks VAPID and decrypts RFC 8291 messages (HTTP on 58028)
)";

constexpr const char* kMailPushHelp = R"(Usage: okada sandbox smtp|push [--host H] [--port N] [--http-port N]

smtp: an SMTP server (default port 58026) that accepts every message (AUTH PLAIN offered, not required) and keeps
      the last 10,000; read them over HTTP (default --http-port 58027):
  GET    /v1/messages?to=ADDR   {"items":[{id,from,to,subject,text,received_at}]}
  DELETE /v1/messages           forget them all
  POST   /v1/sandbox/fail       {"count":N}: the next N messages are refused (451)
push: a push service (default port 58028) playing the browsers too:
  POST   /sandbox/subscriptions              a new subscription {id, endpoint, keys{p256dh, auth}}
  POST   /push/{id}                          what the platform sends (VAPID checked, body decrypted)
  GET    /sandbox/subscriptions/{id}/messages   the decrypted messages
  DELETE /sandbox/subscriptions/{id}         later pushes answer 410 Gone
)";

constexpr const char* kMobileMoneyHelp =
    R"(Usage: okada sandbox momo|orange [--host H] [--port N] [--credentials-file F]

Runs a local MTN MoMo (default port 58030) or Orange Money (default port 58031) until SIGTERM or SIGINT, speaking
the provider's HTTP API (okada/providers/mobile_money.hpp). State is kept in memory.
  --host H               address to listen on (default 127.0.0.1)
  --port N               port to listen on
  --credentials-file F   JSON {"user","secret","key"}: MoMo API user, API key and subscription key, or Orange
                         client id, client secret and X-AUTH-TOKEN; created with random values if missing
                         (default <state dir>/keys/momo-sandbox.json or orange-sandbox.json)

Programming outcomes per payer (no credentials; localhost only):
  POST   /sandbox/payers     {"msisdn":"237670000001","outcome":"approve|decline|never|error","after_ms":1000,
                              "slow_ms":0,"callback":"normal|none|duplicate|late","late_ms":0}
  DELETE /sandbox/payers     forget every programmed payer (unprogrammed payers approve after 1 s)
  GET    /sandbox/statement  settled transactions (what reconciliation compares with the ledger)
  POST   /sandbox/statement/tamper  {"drop":REF} | {"amount":{"reference":REF,"value":N}} |
                              {"add":{"external_id":"…","amount":N,"msisdn":"…"}}
  GET    /sandbox/callbacks  callbacks sent so far
)";

constexpr const char* kSmsHelp = R"(Usage: okada sandbox sms [--host H] [--port N] [--api-key-file F] [--config FILE]

Runs the local SMS gateway until SIGTERM or SIGINT. It keeps the last 10,000 messages in memory.
  --host H           address to listen on (default 127.0.0.1)
  --port N           port to listen on (default 58025, what sms.url points to by default)
  --api-key-file F   the bearer key clients must send; created with a random key if missing
                     (default: sms.api_key_file, else <state dir>/keys/sms-api.key)

Every route but /healthz needs 'Authorization: Bearer <key>':
  POST   /v1/messages        {"from":"OKADA","to":["+2376..."],"text":"...","callback_url":"http://..."}
  GET    /v1/messages?to=+2376...   messages received (read SMS codes here)
  DELETE /v1/messages        forget every message
  POST   /v1/sandbox/fail    {"count":N}: the next N sends answer 503
  GET    /healthz
)";

constexpr std::uint16_t kDefaultPort = 58025;

std::string TrimKey(std::string s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

// "--name value" or "--name=value"; advances `i` past a separate value.
bool Option(const std::string& name, int argc, char** argv, int& i, std::string& out) {
  std::string arg = argv[i];
  if (arg.rfind(name + "=", 0) == 0) {
    out = arg.substr(name.size() + 1);
    return true;
  }
  if (arg == name) {
    if (i + 1 >= argc) throw std::invalid_argument(name + " needs a value");
    out = argv[++i];
    return true;
  }
  return false;
}

// Blocks SIGTERM and SIGINT in this thread, before a sandbox's I/O thread starts (it inherits the mask), so that
// this thread can sigwait() for them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

std::uint16_t ParsePort(const std::string& s) {
  std::size_t used = 0;
  long port = -1;
  try {
    port = std::stol(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s.size() || port < 1 || port > 65535)
    throw std::invalid_argument("--port must be a number from 1 to 65535, not '" + s + "'");
  return static_cast<std::uint16_t>(port);
}

int RunSms(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::string port_text;
  std::string key_file;
  std::string config_file;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kSmsHelp;
      return 0;
    }
    if (Option("--host", argc, argv, i, host) || Option("--port", argc, argv, i, port_text) ||
        Option("--api-key-file", argc, argv, i, key_file) || Option("--config", argc, argv, i, config_file))
      continue;
    std::cerr << "okada sandbox sms: unknown option '" << arg << "' (see okada sandbox sms --help)\n";
    return 2;
  }
  std::uint16_t port = port_text.empty() ? kDefaultPort : ParsePort(port_text);

  if (config_file.empty())
    if (const char* env = std::getenv("OKADA_CONFIG")) config_file = env;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  Config config = Config::Load(config_file, env);
  log::Init(config.GetString("log.level"));

  if (key_file.empty()) key_file = config.GetString("sms.api_key_file");
  std::filesystem::path key_path =
      key_file.empty() ? StateDir(config) / "keys" / "sms-api.key" : std::filesystem::path(key_file);
  if (crypto::CreateSecretFile(key_path, crypto::RandomToken()))
    std::cout << "okada sandbox sms: created a new API key in " << key_path.string() << "\n";
  std::string key = TrimKey(crypto::ReadSecretFile(key_path));
  if (key.empty()) {
    std::cerr << "okada sandbox sms: the API key file " << key_path.string() << " is empty\n";
    return 1;
  }

  sigset_t set = BlockStopSignals();

  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::unique_ptr<sms::Sandbox> started;
  try {
    started = std::make_unique<sms::Sandbox>(sms::Sandbox::Options{host, port, key});
  } catch (const boost::system::system_error& e) {
    std::cerr << "okada sandbox sms: cannot listen on " << shown_host << ":" << port << ": " << e.code().message()
              << "\n";
    return 1;
  }
  sms::Sandbox& sandbox = *started;
  std::cout << "okada sandbox sms: listening on http://" << shown_host << ":" << sandbox.port() << "\n"
            << "okada sandbox sms: API key file " << key_path.string() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "okada sandbox sms: stopping (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ")" << std::endl;
  return 0;
}

int RunMobileMoney(const std::string& name, int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::string port_text;
  std::string credentials_file;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kMobileMoneyHelp;
      return 0;
    }
    if (Option("--host", argc, argv, i, host) || Option("--port", argc, argv, i, port_text) ||
        Option("--credentials-file", argc, argv, i, credentials_file))
      continue;
    std::cerr << "okada sandbox " << name << ": unknown option '" << arg << "' (see okada sandbox " << name
              << " --help)\n";
    return 2;
  }
  const bool momo = name == "momo";
  std::uint16_t port = port_text.empty() ? (momo ? 58030 : 58031) : ParsePort(port_text);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  Config config = Config::Load(std::getenv("OKADA_CONFIG") ? std::getenv("OKADA_CONFIG") : "", env);
  log::Init(config.GetString("log.level"));
  std::filesystem::path path = credentials_file.empty() ? StateDir(config) / "keys" / (name + "-sandbox.json")
                                                        : std::filesystem::path(credentials_file);
  boost::json::object fresh;
  fresh["user"] = momo ? crypto::UuidV7() : crypto::RandomToken(12);
  fresh["secret"] = crypto::RandomToken();
  fresh["key"] = crypto::RandomToken();
  if (crypto::CreateSecretFile(path, boost::json::serialize(fresh)))
    std::cout << "okada sandbox " << name << ": created new credentials in " << path.string() << "\n";
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(crypto::ReadSecretFile(path), ec);
  mobile_money::Sandbox::Options o;
  o.kind = momo ? mobile_money::Sandbox::Kind::kMomo : mobile_money::Sandbox::Kind::kOrange;
  o.host = host;
  o.port = port;
  if (!ec && v.is_object()) {
    auto get = [&](const char* k) {
      const boost::json::value* x = v.as_object().if_contains(k);
      return x != nullptr && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    o.user = get("user");
    o.secret = get("secret");
    o.key = get("key");
  }
  if (o.user.empty() || o.secret.empty() || o.key.empty()) {
    std::cerr << "okada sandbox " << name << ": " << path.string()
              << " must hold a JSON object with non-empty \"user\", \"secret\" and \"key\"\n";
    return 1;
  }

  sigset_t set = BlockStopSignals();
  std::unique_ptr<mobile_money::Sandbox> sandbox;
  try {
    sandbox = std::make_unique<mobile_money::Sandbox>(o);
  } catch (const boost::system::system_error& e) {
    std::cerr << "okada sandbox " << name << ": cannot listen on " << host << ":" << port << ": " << e.code().message()
              << "\n";
    return 1;
  }
  std::cout << "okada sandbox " << name << ": listening on http://" << host << ":" << sandbox->port() << "\n"
            << "okada sandbox " << name << ": credentials file " << path.string() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "okada sandbox " << name << ": stopping (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ")"
            << std::endl;
  return 0;
}

int RunMailOrPush(const std::string& name, int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::string port_text, http_port_text;
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kMailPushHelp;
      return 0;
    }
    if (Option("--host", argc, argv, i, host) || Option("--port", argc, argv, i, port_text) ||
        Option("--http-port", argc, argv, i, http_port_text))
      continue;
    std::cerr << "okada sandbox " << name << ": unknown option '" << arg << "' (see okada sandbox " << name
              << " --help)\n";
    return 2;
  }
  sigset_t set = BlockStopSignals();
  std::unique_ptr<email::Sink> sink;
  std::unique_ptr<webpush::Sandbox> push;
  try {
    if (name == "smtp") {
      email::Sink::Options o;
      o.host = host;
      o.smtp_port = port_text.empty() ? 58026 : ParsePort(port_text);
      o.http_port = http_port_text.empty() ? 58027 : ParsePort(http_port_text);
      sink = std::make_unique<email::Sink>(o);
      std::cout << "okada sandbox smtp: SMTP on " << host << ":" << sink->smtp_port() << ", messages on http://" << host
                << ":" << sink->http_port() << "/v1/messages" << std::endl;
    } else {
      webpush::Sandbox::Options o;
      o.host = host;
      o.port = port_text.empty() ? 58028 : ParsePort(port_text);
      push = std::make_unique<webpush::Sandbox>(o);
      std::cout << "okada sandbox push: listening on http://" << host << ":" << push->port() << std::endl;
    }
  } catch (const boost::system::system_error& e) {
    std::cerr << "okada sandbox " << name << ": cannot listen on " << host << ": " << e.code().message() << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&set, &sig);
  std::cout << "okada sandbox " << name << ": stopping (" << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << ")"
            << std::endl;
  return 0;
}

}  // namespace

int RunSandboxCommand(int argc, char** argv) {
  std::string name = argc > 2 ? argv[2] : "";
  if (name.empty() || name == "--help" || name == "-h" || name == "help") {
    (name.empty() ? std::cerr : std::cout) << kSandboxHelp;
    return name.empty() ? 2 : 0;
  }
  try {
    if (name == "sms") return RunSms(argc, argv);
    if (name == "momo" || name == "orange") return RunMobileMoney(name, argc, argv);
    if (name == "smtp" || name == "push") return RunMailOrPush(name, argc, argv);
  } catch (const ConfigError& e) {
    std::cerr << "okada sandbox " << name << ": configuration error: " << e.what() << "\n";
    return 78;  // EX_CONFIG
  } catch (const std::invalid_argument& e) {
    std::cerr << "okada sandbox " << name << ": " << e.what() << " (see okada sandbox " << name << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "okada sandbox " << name << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "okada sandbox: unknown sandbox '" << name << "'\n\n" << kSandboxHelp;
  return 2;
}

}  // namespace okada::app
