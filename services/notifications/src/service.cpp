// The notifications service: MakeService() and its Start(), which builds the channel adapters (SMS gateway, SMTP
// relay, web push with this platform's VAPID key), registers the routes, the consumer of the events people are told
// about, and the sender job.
#include "okada/notifications/service.hpp"

#include "api/api.hpp"
#include "okada/core/access/access.hpp"
#include "okada/core/config.hpp"
#include "okada/core/crypto/random.hpp"
#include "okada/core/crypto/secret_file.hpp"
#include "okada/core/log.hpp"
#include "okada/core/metrics.hpp"
#include "okada/core/pg/migrations.hpp"
#include "okada/providers/email.hpp"
#include "okada/providers/sms.hpp"
#include "okada/providers/webpush.hpp"

namespace okada::notifications {

std::vector<pg::Migration> Migrations();  // embedded from sql/migrations by okada_embed_migrations

namespace {

boost::asio::awaitable<void> Send(StatePtr s, Deadline d) { co_await SendDue(s, d); }

class NotificationsService : public Service {
 public:
  std::string_view name() const override { return "notifications"; }
  std::vector<pg::Migration> Migrations() const override { return notifications::Migrations(); }

  void Start(ServiceContext& ctx) override {
    const Config& c = ctx.config();
    auto state = std::make_shared<State>();
    state->db = &ctx.db();
    state->redis = &ctx.redis();
    state->service_token = access::LoadOrCreateServiceToken(ctx.state_dir());
    state->keyring = std::make_shared<crypto::LiveKeyring>(ctx.state_dir());
    state->blind = std::make_shared<const crypto::BlindIndex>(crypto::BlindIndex::LoadOrCreate(ctx.state_dir()));
    state->orders = std::make_shared<orders::Client>(ctx.FindTransport("orders", "no one is told about orders"),
                                                     state->service_token);
    state->users = std::make_shared<users::Client>(ctx.FindTransport("users", "merchants are not told about orders"),
                                                   state->service_token);
    state->auth = ctx.FindTransport("auth", "no SMS can be addressed");

    std::filesystem::path report_file = ctx.state_dir() / "keys" / "sms-report.key";
    crypto::CreateSecretFile(report_file, crypto::RandomToken(32));
    state->report_token = crypto::ReadSecretFile(report_file);

    sms::HttpGatewayOptions so;
    so.base_url = c.GetString("sms.url");
    so.api_key = sms::LoadApiKey(c.GetString("sms.api_key_file"), ctx.state_dir());
    so.sender = c.GetString("sms.sender");
    so.timeout = c.GetDuration("sms.timeout_ms");
    // Delivery reports come back to POST /v1/notifications/sms-reports with the secret token in the URL.
    if (const std::string& base = c.GetString("notifications.public_base_url"); !base.empty())
      so.callback_url = base + "/v1/notifications/sms-reports?token=" + state->report_token;
    state->sms = sms::MakeHttpGateway(ctx.io(), so, &ctx.metrics());

    email::SmtpOptions eo;
    eo.host = c.GetString("notifications.smtp_host");
    eo.port = static_cast<std::uint16_t>(c.GetInt("notifications.smtp_port"));
    eo.from_address = c.GetString("notifications.smtp_from");
    state->mailer = email::MakeSmtpMailer(ctx.io(), eo, &ctx.metrics());

    std::filesystem::path vapid_file = ctx.state_dir() / "keys" / "vapid.pem";
    crypto::EnsurePrivateDirectory(vapid_file.parent_path());
    webpush::SenderOptions po;
    po.key = webpush::VapidKey::LoadOrCreate(vapid_file);
    po.subject = c.GetString("notifications.vapid_subject");
    state->vapid_public_key = po.key.PublicKeyB64();
    state->push = webpush::MakeHttpSender(ctx.io(), std::move(po), &ctx.metrics());

    state->settings.max_attempts = static_cast<int>(c.GetInt("notifications.max_attempts"));
    state->settings.retry_base = c.GetDuration("notifications.retry_base_ms");
    state->settings.sms_per_hour = static_cast<int>(c.GetInt("notifications.sms_per_hour"));
    state->settings.push_per_hour = static_cast<int>(c.GetInt("notifications.push_per_hour"));
    state->settings.email_per_hour = static_cast<int>(c.GetInt("notifications.email_per_hour"));
    Metrics& m = ctx.metrics();
    auto outcome = [&](const char* o) {
      return &m.GetCounter("okada_notifications_total", "messages by outcome", {{"outcome", o}});
    };
    state->sent = outcome("sent");
    state->failed = outcome("failed");
    state->skipped = outcome("skipped");
    state->rate_limited = outcome("rate_limited");
    StatePtr s = state;

    api::AddRoutes(ctx.router(), s);
    std::vector<std::string> consumed{
        "order.confirmed",  "order.accepted",    "order.cancelled",    "order.ready",       "order.completed",
        "delivery.offered", "delivery.assigned", "delivery.picked_up", "delivery.arriving", "delivery.delivered",
        "delivery.failed",  "payment.failed",    "payment.refunded"};
    okada::events::AddConsumer(
        ctx, std::make_shared<okada::events::Consumer>(
                 "notifications", "notifications", consumed,
                 [s](const okada::events::Event& e, pg::Transaction& tx) { return OnEvent(s, e, tx); }));
    ctx.AddJob(
        Job{"notifications.send", c.GetDuration("notifications.sweep_ms"), [s](Deadline d) { return Send(s, d); }});
  }
};

}  // namespace

std::unique_ptr<Service> MakeService() { return std::make_unique<NotificationsService>(); }

}  // namespace okada::notifications
