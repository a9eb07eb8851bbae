#include "okada/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace okada::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("okada", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // The message is already the JSON body; spdlog adds the UTC time stamp and the level.
    l->set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::warn);
    return l;
  }();
  return logger;
}

spdlog::level::level_enum ToSpd(Level l) {
  switch (l) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}
}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
}

void Init(std::string_view level) {
  Level l = Level::kInfo;
  if (level == "trace")
    l = Level::kTrace;
  else if (level == "debug")
    l = Level::kDebug;
  else if (level == "warn")
    l = Level::kWarn;
  else if (level == "error")
    l = Level::kError;
  else if (level == "off")
    l = Level::kOff;
  g_level.store(static_cast<int>(l));
  Logger();
}

bool Enabled(Level level) noexcept { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level) || level == Level::kOff) return;
  std::string line;
  line.reserve(128);
  line += "\"msg\":\"";
  AppendJsonEscaped(line, msg);
  line += '"';
  for (const Field& f : fields) {
    line += ",\"";
    AppendJsonEscaped(line, f.key);
    line += "\":";
    if (auto* s = std::get_if<std::string_view>(&f.value)) {
      line += '"';
      AppendJsonEscaped(line, *s);
      line += '"';
    } else if (auto* i = std::get_if<std::int64_t>(&f.value)) {
      line += std::to_string(*i);
    } else if (auto* d = std::get_if<double>(&f.value)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3f", *d);
      line += buf;
    } else {
      line += std::get<bool>(f.value) ? "true" : "false";
    }
  }
  Logger()->log(ToSpd(level), "{}", line);
}

void Flush() { Logger()->flush(); }

}  // namespace okada::log
