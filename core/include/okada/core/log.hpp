#pragma once
/// Structured JSON logs, one object per line on stderr (spdlog underneath, kept out of this header).
///   log::Info("pg.reconnected", {{"after_ms", 120}, {"request_id", id}});
/// prints {"ts":"2026-11-30T05:00:00.123Z","level":"info","msg":"pg.reconnected","after_ms":120,...}
/// Thread-safe. Never log personal data (phone numbers, names, addresses): ids only.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace okada::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct Field {
  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, unsigned v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, long long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
};

/// Sets the level ("trace".."error", "off"). Call once at start; safe to call again.
void Init(std::string_view level);
bool Enabled(Level level) noexcept;
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
void Flush();

inline void Debug(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kDebug, msg, f); }
inline void Info(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kInfo, msg, f); }
inline void Warn(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kWarn, msg, f); }
inline void Error(std::string_view msg, std::initializer_list<Field> f = {}) { Write(Level::kError, msg, f); }

/// Appends `s` to `out` as JSON string content (no quotes).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace okada::log
