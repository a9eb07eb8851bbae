// The auth service: accounts, sign-in, tokens, sessions (services/auth/README.md).
#include "okada/auth/service.hpp"

#include <boost/asio/awaitable.hpp>

#include "api/state.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/events/outbox.hpp"
#include "okada/core/io.hpp"
#include "okada/core/log.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/core/pg/pg.hpp"
#include "okada/core/redis/redis.hpp"

namespace okada::auth {
std::vector<pg::Migration> Migrations();  // embedded from sql/migrations (okada_add_service)

namespace {

boost::asio::awaitable<void> PruneKeys(std::shared_ptr<State> s) {
  KeysOf(*s)->Prune(std::chrono::hours(24));
  co_return;
}

boost::asio::awaitable<void> Reencrypt(std::shared_ptr<crypto::Reencryptor> r, std::shared_ptr<State> s, Deadline d) {
  co_await r->Run(*s->db, d);
}

class AuthService : public Service {
 public:
  std::string_view name() const override { return "auth"; }
  std::vector<pg::Migration> Migrations() const override { return auth::Migrations(); }

  void Start(ServiceContext& ctx) override {
    // Publish this service's outbox (user.registered, store.updated, …) to Redis Streams.
    okada::events::AddRelay(ctx, std::make_shared<const okada::events::Outbox>("auth"));
    const Config& c = ctx.config();
    auto state_dir = ctx.state_dir();
    auto s = std::make_shared<State>();
    s->db = &ctx.db();
    s->redis = &ctx.redis();
    s->deny = &ctx.deny_list();
    s->keys = crypto::KeyStore::LoadOrCreate(state_dir);
    s->state_dir = state_dir;
    s->keyring = std::make_shared<crypto::LiveKeyring>(state_dir);
    s->blind = std::make_unique<crypto::BlindIndex>(crypto::BlindIndex::LoadOrCreate(state_dir));
    s->client_ref_secret = access::LoadOrCreateServiceToken(state_dir);

    crypto::PasswordHasher::Options ho;
    ho.threads = static_cast<std::size_t>(c.GetInt("auth.hash_threads"));
    ho.queue_capacity = static_cast<std::size_t>(c.GetInt("auth.hash_queue"));
    if (c.GetBool("auth.insecure_fast_hashing")) {
      log::Warn("auth.insecure_fast_hashing", {{"detail", "minimal Argon2 cost: for tests only"}});
      ho.params = crypto::Argon2Params::InsecureForTestsOnly();
    }
    s->hasher = std::make_unique<crypto::PasswordHasher>(ho);

    sms::HttpGatewayOptions so;
    so.base_url = c.GetString("sms.url");
    so.api_key = sms::LoadApiKey(c.GetString("sms.api_key_file"), state_dir);
    so.sender = c.GetString("sms.sender");
    so.timeout = c.GetDuration("sms.timeout_ms");
    s->sms = sms::MakeHttpGateway(ctx.io(), so, &ctx.metrics());

    resilience::LimiterOptions lo;
    lo.key_secret = s->client_ref_secret;
    auto window = [](std::int64_t n, std::chrono::milliseconds w) {
      resilience::RateLimit l;
      l.rate = n;
      l.period = w;
      l.burst = n;
      return l;
    };
    lo.classes["otp_phone"] = {window(c.GetInt("auth.otp_sends_per_phone"), c.GetDuration("auth.otp_phone_window_ms")),
                               true};
    lo.classes["otp_ip"] = {window(c.GetInt("auth.otp_sends_per_ip"), c.GetDuration("auth.otp_ip_window_ms")), true};
    s->otp_limits = std::make_shared<resilience::ShardedLimiter>(ctx.io(), lo, &ctx.redis(), &ctx.metrics());

    s->issuer = c.GetString("auth.issuer");
    s->audience = c.GetString("auth.audience");
    s->access_ttl = c.GetDuration("auth.access_ttl_ms");
    s->refresh_absolute = c.GetDuration("auth.refresh_absolute_ms");
    s->refresh_idle = c.GetDuration("auth.refresh_idle_ms");
    s->refresh_grace = c.GetDuration("auth.refresh_grace_ms");
    s->otp_ttl = c.GetDuration("auth.otp_ttl_ms");
    s->otp_attempts = static_cast<int>(c.GetInt("auth.otp_attempts"));
    s->password_deadline = c.GetDuration("auth.password_deadline_ms");

    RegisterRoutes(ctx, s);
    ctx.AddJob(Job{"auth.deny_sync", std::chrono::seconds(60),
                   [s](Deadline d) -> boost::asio::awaitable<void> { return SyncDenials(s, d); }});
    // Retired signing keys leave the JWKS once no token they signed can still be valid (a day is ample);
    // a rotation made by `okada keys rotate` is picked up without a restart.
    ctx.AddJob(Job{"auth.key_prune", std::chrono::hours(1), [s](Deadline) { return PruneKeys(s); }});
    ctx.AddJob(Job{"auth.key_reload", c.GetDuration("auth.key_reload_ms"), [s](Deadline) { return ReloadKeys(s); }});
    auto reencryptor = std::make_shared<crypto::Reencryptor>(
        "auth", std::vector<crypto::EncryptedTable>{{"auth.accounts", "id", {{"phone_enc", "auth.accounts.phone:"}}}},
        s->keyring.get());
    ctx.AddJob(Job{"auth.reencrypt", c.GetDuration("keys.reencrypt_ms"),
                   [reencryptor, s](Deadline d) { return Reencrypt(reencryptor, s, d); }});
    state_ = s;
  }

  void Stop() override { state_.reset(); }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<AuthService>(); }

}  // namespace okada::auth
