// The notifications.send job: claims due messages (a one-minute lease, so a crashed sender's messages are tried
// again), renders them in the person's language, checks the per-person hourly limit, and sends them through the
// channel's adapter (SMS gateway, SMTP, web push, or the person's live channel for in-app). A failure the provider
// may get over is retried with exponential backoff and jitter up to notifications.max_attempts; the outcome of each
// message is kept (sent, delivered, failed, skipped, rate_limited).
#include <boost/json.hpp>
#include <random>

#include "api/api.hpp"
#include "domain/catalog.hpp"
#include "okada/core/errors.hpp"
#include "okada/core/live/live.hpp"
#include "okada/core/log.hpp"
#include "okada/core/wall_clock.hpp"
#include "okada/providers/email.hpp"
#include "okada/providers/sms.hpp"
#include "okada/providers/webpush.hpp"
#include "store/statements.hpp"

namespace okada::notifications {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Claimed {
  std::string id, event_id, user_id, channel, template_id, lang;
  json::object params;
  int attempts = 0;
};

struct Outcome {
  std::string status;  ///< sent | failed | skipped | rate_limited | retry
  std::optional<std::string> provider_id, error;
  std::optional<int> parts;
};

std::int64_t IntOf(const json::object& o, std::string_view k) {
  const json::value* v = o.if_contains(k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}

std::map<std::string, std::string> ParamsFor(const Claimed& m) {
  std::map<std::string, std::string> p;
  const json::value* order = m.params.if_contains("order_id");
  if (order && order->is_string()) p["order"] = domain::ShortOrder(order->get_string());
  p["total"] = domain::FormatXaf(IntOf(m.params, "total_xaf"), m.lang);
  p["fee"] = domain::FormatXaf(IntOf(m.params, "fee_xaf"), m.lang);
  p["amount"] = domain::FormatXaf(IntOf(m.params, "amount_xaf"), m.lang);
  char km[32];
  std::snprintf(km, sizeof km, m.lang == "en" ? "%.1f km" : "%.1f km", IntOf(m.params, "distance_m") / 1000.0);
  std::string d = km;
  if (m.lang != "en")
    for (char& c : d)
      if (c == '.') c = ',';
  p["distance"] = d;
  p["store"] = m.lang == "en" ? "The store" : "La boutique";
  return p;
}

int LimitOf(const State& s, const std::string& channel) {
  if (channel == "sms") return s.settings.sms_per_hour;
  if (channel == "push") return s.settings.push_per_hour;
  if (channel == "email") return s.settings.email_per_hour;
  return 1 << 30;
}

bool Transient(ErrorCode c) {
  return c == ErrorCode::kSmsUnavailable || c == ErrorCode::kPushUnavailable || c == ErrorCode::kEmailUnavailable ||
         c == ErrorCode::kCacheUnavailable || c == ErrorCode::kUpstreamUnavailable || c == ErrorCode::kUnavailable;
}

asio::awaitable<Outcome> SendSms(StatePtr s, const Claimed& m, std::string text, Deadline d) {
  std::optional<Contact> c = co_await ContactOf(s, m.user_id, d);
  if (!c || c->phone.empty()) co_return Outcome{"skipped", std::nullopt, std::string("no phone number")};
  sms::Message msg;
  msg.to = c->phone;
  msg.text = std::move(text);
  sms::SendResult r = co_await s->sms->Send(std::move(msg), d);
  co_return Outcome{"sent", r.id, std::nullopt, r.parts};
}

asio::awaitable<Outcome> SendPush(StatePtr s, const Claimed& m, const domain::Text& text,
                                  const std::map<std::string, std::string>& params, Deadline d) {
  pg::Result subs = co_await s->db->Execute(d, store::kPushOf, m.user_id);
  if (subs.empty()) co_return Outcome{"skipped", std::nullopt, std::string("no push subscription")};
  json::object payload;
  payload["title"] = domain::Render(text.title, params);
  payload["body"] = domain::Render(text.body, params);
  payload["template"] = m.template_id;
  payload["message_id"] = m.id;
  if (const json::value* o = m.params.if_contains("order_id")) payload["order_id"] = *o;
  std::string body = json::serialize(payload);
  int ok = 0;
  for (const pg::Row& r : subs) {
    webpush::Subscription sub;
    std::string sub_id = r.Get<std::string>("id");
    sub.endpoint = Open(*s, "push_endpoint", m.user_id, r.Get<std::string>("endpoint_enc"));
    sub.p256dh = r.Get<std::string>("p256dh");
    sub.auth = r.Get<std::string>("auth");
    webpush::MessageOptions opts;
    opts.ttl = std::chrono::seconds(3600);
    const domain::Template* t = domain::FindTemplate(m.template_id);
    opts.urgency = t != nullptr && t->urgent ? "high" : "normal";
    webpush::SendResult res = co_await s->push->Send(sub, body, opts, d);
    if (res.gone) {
      std::optional<std::string> any;
      co_await s->db->Execute(d, store::kPushDelete, sub_id, any);  // the browser unsubscribed
      continue;
    }
    co_await s->db->Execute(d, store::kPushOk, sub_id);
    ++ok;
  }
  if (ok == 0) co_return Outcome{"skipped", std::nullopt, std::string("every push subscription is gone")};
  co_return Outcome{"sent", std::nullopt, std::nullopt, ok};
}

asio::awaitable<Outcome> SendEmail(StatePtr s, const Claimed& m, const domain::Text& text,
                                   const std::map<std::string, std::string>& params, Deadline d) {
  Prefs p = co_await LoadPrefs(s, nullptr, m.user_id, d);
  if (!p.email_address) co_return Outcome{"skipped", std::nullopt, std::string("no e-mail address")};
  email::Mail mail;
  mail.from_name = "Okada";
  mail.to = *p.email_address;
  mail.subject = domain::Render(text.title, params);
  mail.text =
      domain::Render(text.body, params) +
      (m.lang == "en" ? "\n\n-- \nOkada. Change what we send you in the app's settings."
                      : "\n\n-- \nOkada. Choisissez ce que nous vous envoyons dans les réglages de l'application.");
  std::string id = co_await s->mailer->Send(std::move(mail), d);
  co_return Outcome{"sent", id, std::nullopt};
}

asio::awaitable<Outcome> SendInApp(StatePtr s, const Claimed& m, const domain::Text& text,
                                   const std::map<std::string, std::string>& params, Deadline d) {
  json::object o;
  o["type"] = "notification";
  o["message_id"] = m.id;
  o["template"] = m.template_id;
  o["title"] = domain::Render(text.title, params);
  o["body"] = domain::Render(text.body, params);
  if (const json::value* order = m.params.if_contains("order_id")) o["order_id"] = *order;
  std::string id = co_await live::Publish(s->redis->Local(), "user:" + m.user_id, json::serialize(o), d);
  co_return Outcome{"sent", id, std::nullopt};
}

asio::awaitable<Outcome> SendOne(StatePtr s, const Claimed& m, Deadline d) {
  const domain::Template* t = domain::FindTemplate(m.template_id);
  if (t == nullptr) co_return Outcome{"failed", std::nullopt, std::string("unknown template")};
  pg::Result n = co_await s->db->Execute(d, store::kSentLastHour, m.user_id, m.channel);
  if (n.front().Get<std::int64_t>("n") >= LimitOf(*s, m.channel) && m.channel != "in_app")
    co_return Outcome{"rate_limited", std::nullopt, std::string("hourly limit reached")};
  const domain::Text& text = m.lang == "en" ? t->en : t->fr;
  std::map<std::string, std::string> params = ParamsFor(m);
  if (m.channel == "sms") {
    Outcome o = co_await SendSms(s, m, domain::Render(text.body, params), d);
    co_return o;
  }
  if (m.channel == "push") {
    Outcome o = co_await SendPush(s, m, text, params, d);
    co_return o;
  }
  if (m.channel == "email") {
    Outcome o = co_await SendEmail(s, m, text, params, d);
    co_return o;
  }
  Outcome o = co_await SendInApp(s, m, text, params, d);
  co_return o;
}

Claimed ToClaimed(const pg::Row& r) {
  Claimed m;
  m.id = r.Get<std::string>("id");
  m.event_id = r.Get<std::string>("event_id");
  m.user_id = r.Get<std::string>("user_id");
  m.channel = r.Get<std::string>("channel");
  m.template_id = r.Get<std::string>("template");
  m.lang = r.Get<std::string>("lang");
  m.attempts = r.Get<int>("attempts");
  json::value v = json::parse(r.Get<std::string>("params"));
  if (v.is_object()) m.params = std::move(v.get_object());
  return m;
}

double Unit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

asio::awaitable<void> TellOrderStatus(StatePtr s, std::string order_id, std::string store_id, std::string status,
                                      std::string event_type) {
  json::object m;
  m["type"] = "order.status";
  m["order_id"] = order_id;
  m["status"] = status;
  m["event"] = event_type;
  std::string text = json::serialize(m);
  std::string failure;
  try {
    Deadline d = Clock::now() + std::chrono::milliseconds(500);
    co_await live::Publish(s->redis->Local(), "order:" + order_id, text, d);
    if (!store_id.empty()) co_await live::Publish(s->redis->Local(), "store:" + store_id, text, d);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) log::Warn("notifications.live_publish_failed", {{"error", failure}});
}

asio::awaitable<void> SendDue(StatePtr s, Deadline job_deadline) {
  // The job's deadline is its (short) interval; a pass may run longer (the next one starts later), but not past
  // the claims' one-minute lease.
  Deadline deadline = std::max(job_deadline, Clock::now() + std::chrono::seconds(20));
  pg::Result due = co_await s->db->Execute(deadline, store::kClaimDue, 50);
  for (const pg::Row& r : due) {
    if (Clock::now() >= deadline) break;  // the rest keep their lease and come back in a minute
    Claimed m = ToClaimed(r);
    Outcome out;
    std::optional<ErrorCode> code;
    std::string failure;
    try {
      out = co_await SendOne(s, m, std::min(deadline, Clock::now() + std::chrono::seconds(5)));
    } catch (const Error& e) {
      code = e.code();
      failure = e.detail().empty() ? std::string(Describe(e.code()).code) : e.detail();
    } catch (const std::exception& e) {
      code = ErrorCode::kInternal;
      failure = e.what();
    }
    if (code) {
      bool again = Transient(*code) && m.attempts < s->settings.max_attempts;
      if (again) {
        std::int64_t next = UnixMillisNow() + domain::BackoffMs(m.attempts, s->settings.retry_base.count(), Unit());
        co_await s->db->Execute(deadline, store::kMessageRetry, m.id, next, failure);
        continue;
      }
      out = Outcome{"failed", std::nullopt, failure};
    }
    std::optional<int> parts = out.parts;
    co_await s->db->Execute(deadline, store::kMessageDone, m.id, out.status, out.provider_id, parts, out.error);
    if (out.status == "sent") s->sent->Add();
    if (out.status == "failed") {
      s->failed->Add();
      log::Warn("notifications.failed",
                {{"message_id", m.id}, {"channel", m.channel}, {"error", out.error.value_or("")}});
    }
    if (out.status == "skipped") s->skipped->Add();
    if (out.status == "rate_limited") s->rate_limited->Add();
  }
}

}  // namespace okada::notifications
