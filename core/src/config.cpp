#include "okada/core/config.hpp"

#include <cstdlib>
#include <filesystem>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

namespace okada {
namespace {

std::string Cores() { return std::to_string(std::max(1u, std::thread::hardware_concurrency())); }

std::vector<ConfigKey> BuildSchema() {
  using T = ConfigType;
  return {
      {"http.host", T::kString, "127.0.0.1", 0, 0, "address to listen on"},
      {"http.port", T::kInt, "8080", 0, 65535, "TCP port (0 = any free port)"},
      {"http.io_threads", T::kInt, Cores(), 1, 256, "I/O threads (default: number of cores)"},
      {"http.header_limit", T::kBytes, "16384", 1024, 1 << 20, "largest request header block, bytes (431 above)"},
      {"http.body_limit", T::kBytes, "1048576", 0, 64 << 20, "largest request body, bytes (413 above)"},
      {"http.read_timeout_ms", T::kDurationMs, "10000", 100, 600000, "time to read one whole request"},
      {"http.idle_timeout_ms", T::kDurationMs, "60000", 100, 3600000, "keep-alive idle time before closing"},
      {"http.write_timeout_ms", T::kDurationMs, "30000", 100, 600000, "time to write one response"},
      {"http.drain_timeout_ms", T::kDurationMs, "20000", 0, 600000, "on SIGTERM, time given to in-flight requests"},
      {"http.request_deadline_ms", T::kDurationMs, "2000", 10, 600000, "default deadline of a request"},
      {"http.gzip_min_bytes", T::kBytes, "1024", 0, INT64_MAX, "compress responses at least this large"},
      {"http.max_connections", T::kInt, "20000", 1, 1000000, "open connections beyond this are refused"},
      {"http.cors_origins", T::kList, "http://localhost:3000", 0, 0, "allowed CORS origins, comma separated"},
      {"log.level",
       T::kString,
       "info",
       0,
       0,
       "trace, debug, info, warn, error",
       {"trace", "debug", "info", "warn", "error", "off"}},
      {"log.access", T::kBool, "true", 0, 0, "one JSON line per request"},
      {"pg.url", T::kString, "postgresql://postgres@127.0.0.1:55432/okada", 0, 0, "PostgreSQL connection URI"},
      {"pg.pool_size", T::kInt, "16", 1, 1000, "connections in the pool (split across I/O threads)"},
      {"pg.acquire_timeout_ms", T::kDurationMs, "1000", 1, 60000, "wait for a free connection at most this long"},
      {"pg.connect_timeout_ms", T::kDurationMs, "1000", 10, 60000, "time to open one connection"},
      {"pg.statement_timeout_ms", T::kDurationMs, "5000", 1, 3600000, "server-side cap on one statement"},
      {"redis.url", T::kString, "redis://127.0.0.1:56379", 0, 0, "Redis address"},
      {"redis.timeout_ms", T::kDurationMs, "500", 1, 60000, "deadline of one Redis command"},
      {"redis.connect_timeout_ms", T::kDurationMs, "500", 1, 60000, "time to connect to Redis"},
      {"services", T::kList, "all", 0, 0, "services this process runs (comma separated, or 'all')"},
      {"services.remote", T::kList, "", 0, 0, "services reached over HTTP: name=http://host:port, comma separated"},
      {"state.dir", T::kString, "", 0, 0, "local state (dev keys); default $XDG_STATE_HOME/okada"},
      // --- identity (auth service) ---
      {"auth.issuer", T::kString, "https://auth.okada.cm", 0, 0, "`iss` of access tokens"},
      {"auth.audience", T::kString, "okada-api", 0, 0, "`aud` of access tokens"},
      {"auth.access_ttl_ms", T::kDurationMs, "600000", 10000, 86400000, "access-token lifetime (10 min)"},
      {"auth.refresh_absolute_ms", T::kDurationMs, "2592000000", 60000, INT64_MAX, "session lifetime (30 days)"},
      {"auth.refresh_idle_ms", T::kDurationMs, "604800000", 60000, INT64_MAX, "session idle limit (7 days)"},
      {"auth.refresh_grace_ms", T::kDurationMs, "30000", 0, 600000,
       "a just-rotated refresh token may be replayed this long and gets the same new pair"},
      {"auth.otp_ttl_ms", T::kDurationMs, "300000", 10000, 3600000, "life of an SMS code (5 min)"},
      {"auth.otp_attempts", T::kInt, "5", 1, 20, "wrong entries allowed per SMS code"},
      {"auth.otp_sends_per_phone", T::kInt, "3", 1, 100, "SMS codes per phone number per window"},
      {"auth.otp_phone_window_ms", T::kDurationMs, "900000", 1000, 86400000, "window of the per-phone SMS limit"},
      {"auth.otp_sends_per_ip", T::kInt, "100", 1, 100000,
       "SMS codes per client address per window (generous: carrier NAT)"},
      {"auth.otp_ip_window_ms", T::kDurationMs, "3600000", 1000, 86400000, "window of the per-address SMS limit"},
      {"auth.hash_threads", T::kInt, "1", 1, 64, "password hashes running at once (19 MiB each)"},
      {"auth.hash_queue", T::kInt, "512", 0, 100000, "password hashes waiting; beyond this sign-ins get 503"},
      {"auth.key_reload_ms", T::kDurationMs, "30000", 100, 3600000,
       "how often the auth service looks for a key rotated by `okada keys rotate`"},
      {"auth.password_deadline_ms", T::kDurationMs, "30000", 1000, 600000,
       "deadline of sign-up, sign-in and password reset (they queue for the hashing pool)"},
      {"auth.insecure_fast_hashing", T::kBool, "false", 0, 0,
       "TESTS ONLY: minimal Argon2 cost so sanitizer builds stay fast; never in production"},
      {"keys.reencrypt_ms", T::kDurationMs, "60000", 100, 86400000,
       "how often services look for a rotated data key and re-encrypt personal data under it (in batches)"},
      // --- SMS gateway adapter ---
      {"sms.url", T::kString, "http://127.0.0.1:58025", 0, 0, "SMS gateway base URL (the sandbox in dev)"},
      {"sms.api_key_file", T::kString, "", 0, 0,
       "file holding the SMS gateway API key; default <state.dir>/keys/sms-api.key"},
      {"sms.sender", T::kString, "OKADA", 0, 0, "sender id shown on phones (at most 11 characters)"},
      {"sms.timeout_ms", T::kDurationMs, "3000", 100, 60000, "deadline of one SMS send"},
      // --- gateway (the edge of every process) ---
      {"gateway.jwks_refetch_ms", T::kDurationMs, "10000", 0, 3600000,
       "on an unknown `kid`, re-fetch the JWKS at most once per this interval"},
      {"gateway.jwks_refresh_ms", T::kDurationMs, "300000", 1000, 86400000, "periodic JWKS refresh"},
      {"gateway.deny_sync_ms", T::kDurationMs, "5000", 100, 600000, "full deny-list sync from Redis"},
      {"gateway.instances", T::kInt, "1", 1, 10000, "gateway instances sharing the general rate limit"},
      {"gateway.general_rate", T::kInt, "100", 1, 1000000, "general requests per second per caller (global)"},
      {"gateway.general_burst", T::kInt, "200", 1, 1000000, "general burst per caller"},
      {"gateway.signin_per_min", T::kInt, "30", 1, 1000000, "sign-in/refresh attempts per minute per address"},
      {"gateway.otp_per_min", T::kInt, "10", 1, 1000000, "authenticated OTP checks per minute per caller"},
      {"gateway.checkout_per_min", T::kInt, "20", 1, 1000000, "checkouts per minute per customer"},
      {"gateway.payment_per_min", T::kInt, "20", 1, 1000000, "payment requests per minute per customer"},
      {"gateway.upstream_health_ms", T::kDurationMs, "2000", 100, 600000, "health check interval of remote upstreams"},
      {"gateway.docs_dir", T::kString, "", 0, 0,
       "API contract and docs page (openapi.yaml, docs/); default api/ in the source tree"},
      {"gateway.web_dir", T::kString, "", 0, 0,
       "web front ends built to static files (merchant/out, …); default web/ in the source tree"},
      // --- orders (carts, checkout, lifecycle) ---
      {"orders.fee_bands", T::kString, "2000:500,5000:1000,8000:1500", 0, 0,
       "delivery fee bands: up-to-metres:XAF, ascending (road distance)"},
      {"orders.fee_per_km_beyond", T::kInt, "250", 0, 100000, "XAF per started km beyond the last band"},
      {"orders.fee_rain", T::kInt, "200", 0, 100000, "rain surcharge, XAF"},
      {"orders.fee_night", T::kInt, "300", 0, 100000, "22:00-06:00 surcharge, XAF"},
      {"orders.raining", T::kBool, "false", 0, 0, "apply the rain surcharge (set by operations when it rains)"},
      {"orders.payment_ttl_ms", T::kDurationMs, "900000", 1000, 86400000,
       "stock reservation and payment window of an order (15 min)"},
      {"orders.claim_timeout_ms", T::kDurationMs, "60000", 1000, 3600000,
       "a checkout silent this long may be retried with the same Idempotency-Key"},
      {"orders.settle_after_ms", T::kDurationMs, "10000", 0, 3600000,
       "unfinished stock steps older than this are finished by the settle job"},
      {"orders.stranded_after_ms", T::kDurationMs, "120000", 2000, 86400000,
       "checkouts that claimed a key but have no order after this are compensated (stock released)"},
      {"orders.sweep_ms", T::kDurationMs, "5000", 50, 3600000, "how often the orders jobs run"},
      // --- event bus (core) ---
      {"events.relay_ms", T::kDurationMs, "100", 5, 60000,
       "how often each service publishes its outbox to Redis Streams"},
      {"events.poll_ms", T::kDurationMs, "100", 5, 60000, "how often consumer groups read their streams"},
      {"events.keep_ms", T::kDurationMs, "604800000", 3600000, INT64_MAX,
       "published outbox rows are kept this long for replay (7 days)"},
      // --- products ---
      {"products.reservation_sweep_ms", T::kDurationMs, "5000", 50, 3600000,
       "how often held stock reservations past their expiry are returned"},
      {"products.search_cache_ttl_ms", T::kDurationMs, "60000", 1000, 3600000, "life of a cached search answer"},
      {"products.import_max_rows", T::kInt, "10000", 1, 1000000, "data rows per product CSV import"},
      {"products.import_max_bytes", T::kBytes, "5242880", 1024, 64 << 20,
       "bytes per product CSV import (http.body_limit applies first)"},
      // --- payments (mobile money, ledger, payouts, reconciliation) ---
      {"payments.momo_url", T::kString, "http://127.0.0.1:58030", 0, 0, "MTN MoMo API base URL (the sandbox in dev)"},
      {"payments.momo_credentials_file", T::kString, "", 0, 0,
       "JSON {user, secret, key} of the MoMo API user; default <state.dir>/keys/momo-sandbox.json"},
      {"payments.momo_target_environment", T::kString, "sandbox", 0, 0,
       "X-Target-Environment of MoMo calls (mtncameroon in production)"},
      {"payments.orange_url", T::kString, "http://127.0.0.1:58031", 0, 0,
       "Orange Money API base URL (the sandbox in dev)"},
      {"payments.orange_credentials_file", T::kString, "", 0, 0,
       "JSON {user, secret, key, channel_msisdn, pin} of the Orange Money merchant; default "
       "<state.dir>/keys/orange-sandbox.json"},
      {"payments.statement_path", T::kString, "/sandbox/statement", 0, 0,
       "path (on each provider's URL) of the settled-transactions statement reconciliation reads"},
      {"payments.callback_base_url", T::kString, "", 0, 0,
       "public base URL providers call back (https://api.example.cm); default http://127.0.0.1:<http.port>"},
      {"payments.provider_timeout_ms", T::kDurationMs, "10000", 100, 120000, "deadline of one provider call"},
      {"payments.breaker_failures", T::kInt, "5", 1, 1000,
       "provider failures in a row (per I/O thread) that open its circuit breaker"},
      {"payments.breaker_open_ms", T::kDurationMs, "30000", 100, 3600000,
       "how long an open provider breaker refuses calls before letting one through"},
      {"payments.sweep_ms", T::kDurationMs, "1000", 20, 3600000,
       "how often the payments worker polls, retries, expires and sends transfers"},
      {"payments.poll_first_ms", T::kDurationMs, "5000", 10, 3600000,
       "first status check of a payment or transfer without a callback; later ones back off (full jitter)"},
      {"payments.poll_max_ms", T::kDurationMs, "60000", 10, 86400000, "longest wait between two status checks"},
      {"payments.late_window_ms", T::kDurationMs, "86400000", 0, 604800000,
       "expired payments are still checked this long: a late approval is captured and refunded"},
      {"payments.reconcile_ms", T::kDurationMs, "3600000", 1000, 86400000, "how often reconciliation runs"},
      {"payments.reconcile_grace_ms", T::kDurationMs, "300000", 0, 86400000,
       "transactions younger than this are left out of reconciliation (still settling)"},
      {"payments.payout_min_xaf", T::kInt, "1000", 1, 100000000, "smallest balance a payout batch pays"},
      {"payments.commission_bp", T::kInt, "1200", 0, 10000, "platform commission on items, basis points (12%)"},
      {"payments.rider_share_bp", T::kInt, "8000", 0, 10000, "rider's share of the delivery fee, basis points"},
      {"delivery.offer_ttl_ms", T::kDurationMs, "45000", 1000, 600000, "how long a rider has to answer an offer"},
      {"delivery.offer_lead_ms", T::kDurationMs, "900000", 0, 7200000,
       "offers start this long before the expected ready time (riders come while the merchant prepares)"},
      {"delivery.prep_estimate_ms", T::kDurationMs, "600000", 0, 7200000,
       "expected preparation time from acceptance when the merchant gives none"},
      {"delivery.search_radius_m", T::kInt, "3000", 100, 50000, "first nearest-rider search radius"},
      {"delivery.search_radius_max_m", T::kInt, "15000", 100, 100000, "widest nearest-rider search radius"},
      {"delivery.riders_per_ring", T::kInt, "5", 1, 100, "riders offered before the radius doubles"},
      {"delivery.rider_capacity", T::kInt, "1", 1, 10, "deliveries a rider carries at once"},
      {"delivery.position_stale_ms", T::kDurationMs, "120000", 1000, 3600000,
       "a rider whose last position is older is not offered anything"},
      {"delivery.arriving_m", T::kInt, "300", 10, 5000, "distance to the drop-off at which a rider is arriving"},
      {"delivery.proof_radius_m", T::kInt, "200", 10, 5000, "a photo proof must be taken this close to the drop-off"},
      {"delivery.call_attempts", T::kInt, "3", 1, 20, "unanswered calls before a delivery may be reported failed"},
      {"delivery.code_attempts", T::kInt, "5", 1, 50, "wrong codes before code entry is locked"},
      {"delivery.dispatch_ms", T::kDurationMs, "1000", 20, 60000, "how often offers are made and lapsed"},
      {"delivery.brain_timeout_ms", T::kDurationMs, "300", 10, 10000, "deadline of one dispatch call to the brain"},
      {"delivery.keep_positions_days", T::kInt, "30", 1, 3650, "days of trip history kept"},
      {"brain.eta_model", T::kString, "builtin", 0, 0,
       "travel-time model for dispatch: builtin (the ETA model shipped in the binary), baseline (straight line x "
       "circuity at an average speed), or the path of a model file exported by okada brain eta train"},
      {"brain.dispatch_candidates", T::kInt, "12", 1, 200, "riders considered per order (nearest first)"},
      {"brain.dispatch_max_pickup_m", T::kInt, "10000", 100, 100000, "riders farther from the store are not asked"},
      {"brain.dispatch_batch_max_delay_ms", T::kDurationMs, "900000", 0, 7200000,
       "a batched order may delay the rider's earlier orders by at most this in total"},
      {"brain.dispatch_fill", T::kBool, "false", 0, 0,
       "give every waiting order to a rider with room in each round, beyond the batch allowance (requests may set "
       "fill)"},
      {"brain.dispatch_max_deadline_ms", T::kDurationMs, "2000", 10, 60000, "longest deadline a dispatch call may ask"},
      {"brain.pickup_service_ms", T::kDurationMs, "120000", 0, 3600000, "time spent at a store to pick up"},
      {"brain.dropoff_service_ms", T::kDurationMs, "180000", 0, 3600000, "time spent at a door to hand over"},
      {"brain.default_promise_ms", T::kDurationMs, "1800000", 60000, 86400000,
       "promised delivery this long after an order is ready, when the caller gives no promised time"},
      {"brain.registry_dir", T::kString, "", 0, 0,
       "the model registry directory (empty: <state dir>/brain/registry); see brain/README.md"},
      {"brain.recs_challenger_percent", T::kInt, "10", 0, 100,
       "share of customers (a stable hash) served by the challenger model when there is one"},
      {"brain.recs_refresh_ms", T::kDurationMs, "30000", 100, 3600000,
       "how often serving re-reads the registry (when it changed) and what is on sale"},
      {"brain.features_ms", T::kDurationMs, "3600000", 60000, 86400000,
       "how often the feature store recomputes its views and refreshes Redis"},
      {"brain.features_keep_days", T::kInt, "180", 7, 3650, "days of feature rows kept for training sets"},
      {"brain.lateness_weight", T::kInt, "10", 0, 1000, "cost of a second late against a second of route time"},
      {"live.ticket_ttl_ms", T::kDurationMs, "30000", 1000, 600000, "life of a one-time WebSocket ticket"},
      {"live.heartbeat_ms", T::kDurationMs, "25000", 100, 600000, "server ping interval on a live socket"},
      {"live.origins", T::kList, "", 0, 0,
       "origins allowed to open live sockets (besides http.cors_origins and the server's own); empty = those only"},
      {"live.max_channels", T::kInt, "50", 1, 1000, "channels one socket may follow"},
      {"notifications.sweep_ms", T::kDurationMs, "500", 20, 60000, "how often due messages are sent"},
      {"notifications.max_attempts", T::kInt, "6", 1, 50, "sends tried before a message is marked failed"},
      {"notifications.retry_base_ms", T::kDurationMs, "2000", 10, 3600000, "first retry backoff (doubles)"},
      {"notifications.sms_per_hour", T::kInt, "20", 1, 10000, "SMS one person gets per hour at most"},
      {"notifications.push_per_hour", T::kInt, "60", 1, 10000, "web pushes one person gets per hour at most"},
      {"notifications.email_per_hour", T::kInt, "20", 1, 10000, "e-mails one person gets per hour at most"},
      {"notifications.smtp_host", T::kString, "127.0.0.1", 0, 0, "SMTP relay host (the sink in dev)"},
      {"notifications.smtp_port", T::kInt, "58026", 1, 65535, "SMTP relay port"},
      {"notifications.smtp_from", T::kString, "no-reply@okada.cm", 0, 0, "sender address of e-mails"},
      {"notifications.vapid_subject", T::kString, "mailto:ops@okada.cm", 0, 0, "VAPID contact (RFC 8292)"},
      {"notifications.public_base_url", T::kString, "", 0, 0,
       "where the SMS gateway can reach this platform for delivery reports (e.g. https://api.okada.cm); empty = "
       "no reports asked for"},
      {"migrations.dir", T::kString, "", 0, 0,
       "root of the service migration folders; default: next to the binary's source tree"},
  };
}

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool ParseInt(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Accepts plain numbers and the suffixes a person would type: 10s, 500ms, 2m; 16k, 1M.
bool ParseScaled(std::string_view s, ConfigType type, std::int64_t& out) {
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-'))) ++i;
  if (i == 0) return false;
  std::int64_t n = 0;
  if (!ParseInt(s.substr(0, i), n)) return false;
  std::string suffix(s.substr(i));
  std::int64_t mult = 1;
  if (type == ConfigType::kDurationMs) {
    if (suffix.empty() || suffix == "ms")
      mult = 1;
    else if (suffix == "s")
      mult = 1000;
    else if (suffix == "m" || suffix == "min")
      mult = 60000;
    else
      return false;
  } else if (type == ConfigType::kBytes) {
    if (suffix.empty())
      mult = 1;
    else if (suffix == "k" || suffix == "K" || suffix == "KiB")
      mult = 1024;
    else if (suffix == "m" || suffix == "M" || suffix == "MiB")
      mult = 1024 * 1024;
    else
      return false;
  } else if (!suffix.empty()) {
    return false;
  }
  out = n * mult;
  return true;
}

}  // namespace

const std::vector<ConfigKey>& Config::Schema() {
  static const std::vector<ConfigKey> kSchema = BuildSchema();
  return kSchema;
}

std::filesystem::path StateDir(const Config& config) {
  const std::string& dir = config.GetString("state.dir");
  if (!dir.empty()) return dir;
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / "okada";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".local" / "state" / "okada";
  return std::filesystem::temp_directory_path() / "okada-state";
}

std::string EnvNameFor(std::string_view key) {
  std::string env = "OKADA_";
  for (char c : key) env.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return env;
}

void Config::Set(const std::string& key, const std::string& raw_in, const std::string& source) {
  const auto& schema = Schema();
  auto it = std::find_if(schema.begin(), schema.end(), [&](const ConfigKey& k) { return k.name == key; });
  if (it == schema.end()) throw ConfigError("unknown configuration key '" + key + "' (" + source + ")");
  std::string raw = Trim(raw_in);
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') raw = raw.substr(1, raw.size() - 2);
  Value v{raw, 0, source};
  auto bad = [&](const std::string& why) {
    return ConfigError("configuration key '" + key + "' (" + source + "): " + why + ", got '" + raw + "'");
  };
  switch (it->type) {
    case ConfigType::kInt:
    case ConfigType::kDurationMs:
    case ConfigType::kBytes:
      if (!ParseScaled(raw, it->type, v.number))
        throw bad(it->type == ConfigType::kInt          ? "expected an integer"
                  : it->type == ConfigType::kDurationMs ? "expected a duration such as 500ms, 10s or 2m"
                                                        : "expected a size such as 512, 16k or 1M");
      if (v.number < it->min || v.number > it->max)
        throw bad("must be between " + std::to_string(it->min) + " and " + std::to_string(it->max));
      break;
    case ConfigType::kBool:
      if (raw == "true" || raw == "1" || raw == "yes" || raw == "on")
        v.number = 1;
      else if (raw == "false" || raw == "0" || raw == "no" || raw == "off")
        v.number = 0;
      else
        throw bad("expected true or false");
      break;
    case ConfigType::kString:
      if (!it->choices.empty() && std::find(it->choices.begin(), it->choices.end(), raw) == it->choices.end()) {
        std::string list;
        for (const auto& c : it->choices) list += (list.empty() ? "" : ", ") + c;
        throw bad("expected one of " + list);
      }
      break;
    case ConfigType::kList:
      break;
  }
  values_[key] = std::move(v);
}

Config Config::Defaults(const std::map<std::string, std::string>& overrides) {
  Config c;
  for (const ConfigKey& k : Schema()) c.Set(k.name, k.default_value, "default");
  for (const auto& [k, v] : overrides) c.Set(k, v, "override");
  return c;
}

Config Config::Load(const std::string& file, const std::vector<std::string>& env) {
  Config c = Defaults();
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw ConfigError("cannot read configuration file '" + file + "'");
    std::string line, section;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      std::string where = "file:" + file + ":" + std::to_string(lineno);
      // A '#' starts a comment unless inside quotes.
      bool quoted = false;
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"') quoted = !quoted;
        if (line[i] == '#' && !quoted) {
          line.resize(i);
          break;
        }
      }
      line = Trim(line);
      if (line.empty()) continue;
      if (line.front() == '[') {
        if (line.back() != ']') throw ConfigError("malformed section header (" + where + "): " + line);
        section = Trim(line.substr(1, line.size() - 2));
        continue;
      }
      auto eq = line.find('=');
      if (eq == std::string::npos) throw ConfigError("expected 'key = value' (" + where + "): " + line);
      std::string key = Trim(line.substr(0, eq));
      if (!section.empty()) key = section + "." + key;
      c.Set(key, line.substr(eq + 1), where);
    }
  }
  // Environment variables outside the schema are refused too: a typo such as OKADA_HTTP_PROT must not be ignored.
  // A few OKADA_* variables belong to the scripts, not the process; they are listed here.
  static const std::vector<std::string> kScriptVars = {
      "OKADA_ENV_NAME", "OKADA_RUN_DIR",   "OKADA_PG_PORT",      "OKADA_REDIS_PORT",  "OKADA_DEV_ENV",
      "OKADA_CONFIG",   "OKADA_SKIP_FUZZ", "OKADA_FUZZ_SECONDS", "OKADA_TEST_PG_URL", "OKADA_TEST_REDIS_URL"};
  for (const std::string& kv : env) {
    if (kv.rfind("OKADA_", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq);
    if (std::find(kScriptVars.begin(), kScriptVars.end(), name) != kScriptVars.end()) continue;
    const ConfigKey* match = nullptr;
    for (const ConfigKey& k : Schema())
      if (EnvNameFor(k.name) == name) match = &k;
    if (!match) throw ConfigError("unknown configuration variable '" + name + "' (environment)");
    c.Set(match->name, kv.substr(eq + 1), "env:" + name);
  }
  return c;
}

const Config::Value& Config::Find(std::string_view key, ConfigType type) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw ConfigError("configuration key '" + std::string(key) + "' is not in the schema");
  (void)type;
  return it->second;
}

const std::string& Config::GetString(std::string_view key) const { return Find(key, ConfigType::kString).raw; }
std::int64_t Config::GetInt(std::string_view key) const { return Find(key, ConfigType::kInt).number; }
bool Config::GetBool(std::string_view key) const { return Find(key, ConfigType::kBool).number != 0; }
std::chrono::milliseconds Config::GetDuration(std::string_view key) const {
  return std::chrono::milliseconds(Find(key, ConfigType::kDurationMs).number);
}
std::vector<std::string> Config::GetList(std::string_view key) const {
  std::vector<std::string> out;
  std::stringstream ss(Find(key, ConfigType::kList).raw);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}
const std::string& Config::SourceOf(std::string_view key) const { return Find(key, ConfigType::kString).source; }

std::string Config::Describe() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    std::string shown = v.raw;
    auto at = shown.find('@');
    auto scheme = shown.find("://");
    if (at != std::string::npos && scheme != std::string::npos && at > scheme) {
      auto colon = shown.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) shown.replace(colon + 1, at - colon - 1, "***");
    }
    if (k.find("password") != std::string::npos || k.find("secret") != std::string::npos) shown = "***";
    out += k + " = " + shown + "  (" + v.source + ")\n";
  }
  return out;
}

}  // namespace okada
