// Operator tools for the event bus (core/include/okada/core/events/outbox.hpp): inspect and replay the
// dead-letter stream, and re-publish a service's outbox from a point in time after a lost stream.
#include "events_cmd.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <iostream>

#include "okada/core/config.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::app {

namespace asio = boost::asio;

namespace {

constexpr const char* kEventsHelp = R"(Usage:
  okada events dlq list [--limit N] [--json]   events that consumers gave up on (newest last)
  okada events dlq replay --id ENTRY_ID        put one dead letter back on its stream
  okada events dlq replay --all                put every dead letter back
  okada events replay --service NAME --since 2026-11-30T08:00:00Z
                                               publish a service's outbox again from that time (kept 7 days);
                                               consumers drop what they already handled

Consumers retry a failing event with backoff and move it to the dead-letter stream (okada:events:dlq)
after 5 deliveries. Fix the cause (see the error shown), then replay.
)";

asio::awaitable<std::vector<events::DeadLetter>> List(redis::Redis* r, std::size_t limit) {
  co_return co_await events::ListDeadLetters(r->Local(), limit);
}
asio::awaitable<std::size_t> Replay(redis::Redis* r, std::string id) {
  co_return co_await events::ReplayDeadLetters(r->Local(), id);
}
asio::awaitable<std::int64_t> ReplayOutbox(pg::Database* db, std::string service, std::string since) {
  events::Outbox outbox(service);
  co_return co_await outbox.Replay(*db, DeadlineIn(std::chrono::seconds(30)), since);
}

std::string Option(int argc, char** argv, std::string_view name) {
  for (int i = 3; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return {};
}
bool Flag(int argc, char** argv, std::string_view name) {
  for (int i = 3; i < argc; ++i)
    if (argv[i] == name) return true;
  return false;
}

}  // namespace

int RunEventsCommand(int argc, char** argv, const Config& config) {
  std::string sub = argc > 2 ? argv[2] : "";
  std::string action = argc > 3 ? argv[3] : "";
  if (sub.empty() || sub == "--help" || sub == "-h" || Flag(argc, argv, "--help")) {
    std::cout << kEventsHelp;
    return sub.empty() ? 2 : 0;
  }
  log::Init("warn");
  IoPool io(1);
  io.Start();
  int code = 0;
  try {
    if (sub == "dlq") {
      redis::Redis redis(io, redis::Options::FromUrl(config.GetString("redis.url")));
      if (action == "list") {
        std::string limit_text = Option(argc, argv, "--limit");
        std::size_t limit = limit_text.empty() ? 100 : std::stoul(limit_text);
        auto letters = asio::co_spawn(io.context(0), List(&redis, limit), asio::use_future).get();
        if (Flag(argc, argv, "--json")) {
          for (const auto& d : letters) {
            boost::json::object o;
            o["entry_id"] = d.entry_id;
            o["group"] = d.group;
            o["stream"] = d.stream;
            o["error"] = d.error;
            o["event_id"] = d.event.id;
            o["type"] = d.event.type;
            o["source"] = d.event.source;
            o["at"] = d.event.at;
            o["payload"] = d.event.payload;
            std::cout << boost::json::serialize(o) << "\n";
          }
        } else {
          std::cout << letters.size() << " dead letter(s)\n";
          for (const auto& d : letters)
            std::cout << d.entry_id << "  " << d.event.type << "  event " << d.event.id << "  group " << d.group
                      << "\n    error: " << d.error << "\n";
        }
      } else if (action == "replay") {
        std::string id = Option(argc, argv, "--id");
        if (id.empty() && !Flag(argc, argv, "--all")) {
          std::cerr << "okada events dlq replay: give --id ENTRY_ID (from 'okada events dlq list') or --all\n";
          code = 2;
        } else {
          std::size_t n = asio::co_spawn(io.context(0), Replay(&redis, id), asio::use_future).get();
          std::cout << "okada events: " << n << " dead letter(s) put back on their streams\n";
          if (!id.empty() && n == 0) {
            std::cerr << "okada events: no dead letter with id " << id << "\n";
            code = 1;
          }
        }
      } else {
        std::cerr << kEventsHelp;
        code = 2;
      }
    } else if (sub == "replay") {
      std::string service = Option(argc, argv, "--service");
      std::string since = Option(argc, argv, "--since");
      if (service.empty() || since.empty()) {
        std::cerr
            << "okada events replay: give --service NAME and --since TIME (RFC 3339, e.g. 2026-11-30T08:00:00Z)\n";
        code = 2;
      } else {
        pg::PoolOptions po;
        po.conninfo = config.GetString("pg.url");
        po.max_size = 1;
        pg::Database db(io, po);
        std::int64_t n = asio::co_spawn(io.context(0), ReplayOutbox(&db, service, since), asio::use_future).get();
        std::cout << "okada events: " << n << " " << service
                  << " event(s) will be published again by the running relay\n";
      }
    } else {
      std::cerr << kEventsHelp;
      code = 2;
    }
  } catch (const pg::QueryError& e) {
    std::cerr << "okada events: the database refused: " << e.message()
              << " (is the service name right, and is the database migrated?)\n";
    code = 1;
  } catch (const std::exception& e) {
    std::cerr << "okada events: " << e.what() << "\n";
    code = 1;
  }
  io.Stop();
  return code;
}

}  // namespace okada::app
