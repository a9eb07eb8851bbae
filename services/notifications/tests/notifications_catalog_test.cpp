// The notifications catalog without I/O: every routed event has a template in both languages, texts render,
// SMS lengths are what people pay for, quiet hours and backoff behave.
#include <gtest/gtest.h>

#include "domain/catalog.hpp"
#include "okada/providers/sms.hpp"

namespace okada::notifications::domain {
namespace {

TEST(Catalog, EveryRoutedEventHasATemplateInFrenchAndEnglish) {
  const char* events[] = {"order.confirmed",   "order.accepted",     "order.cancelled",   "delivery.offered",
                          "delivery.assigned", "delivery.picked_up", "delivery.arriving", "delivery.delivered",
                          "delivery.failed",   "payment.failed",     "payment.refunded"};
  for (const char* e : events) {
    std::vector<Route> routes = RoutesOf(e, "cancelled");
    ASSERT_FALSE(routes.empty()) << e;
    for (const Route& r : routes) {
      const Template* t = FindTemplate(r.template_id);
      ASSERT_NE(t, nullptr) << r.template_id;
      EXPECT_FALSE(t->fr.title.empty());
      EXPECT_FALSE(t->fr.body.empty());
      EXPECT_FALSE(t->en.body.empty());
      EXPECT_NE(t->fr.body, t->en.body) << r.template_id;
    }
  }
  EXPECT_EQ(RoutesOf("order.cancelled", "rejected").front().template_id, "order_rejected");
  EXPECT_TRUE(RoutesOf("order.cancelled", "expired").empty());
  EXPECT_TRUE(RoutesOf("product.updated").empty());
  // Merchants hear about new orders; riders about offers.
  EXPECT_EQ(RoutesOf("order.confirmed")[1].audience, Audience::kMerchant);
  EXPECT_EQ(RoutesOf("delivery.offered")[0].audience, Audience::kRider);
}

TEST(Catalog, RendersAndFormatsPerLanguage) {
  EXPECT_EQ(FormatXaf(12500, "fr"), "12 500 FCFA");
  EXPECT_EQ(FormatXaf(12500, "en"), "12,500 FCFA");
  EXPECT_EQ(FormatXaf(500, "fr"), "500 FCFA");
  EXPECT_EQ(FormatXaf(1000000, "en"), "1,000,000 FCFA");
  EXPECT_EQ(ShortOrder("ord_0193a5c2bd5570729e955f5071829304"), "#829304");
  std::string s = Render(FindTemplate("order_confirmed")->fr.body, {{"order", "#ABC123"}, {"total", "2 500 FCFA"}});
  EXPECT_EQ(s, "Okada : votre commande #ABC123 (2 500 FCFA) est confirmée. La boutique va la préparer.");
  EXPECT_EQ(Render("{a} {missing}", {{"a", "x"}}), "x {missing}");
}

TEST(Catalog, CustomerSmsFitOnePartInFrenchAndEnglish) {
  std::map<std::string, std::string> p{
      {"order", "#829304"}, {"total", "12 500 FCFA"}, {"store", "La boutique"}, {"amount", "12 500 FCFA"}};
  for (const Template& t : Templates()) {
    if ((t.channels & kSms) == 0) continue;
    for (const Text* text : {&t.fr, &t.en}) {
      sms::Encoding e = sms::Measure(Render(text->body, p));
      EXPECT_EQ(e.parts, 1) << t.id << ": " << Render(text->body, p);
    }
  }
  // The French texts avoid characters outside GSM-7 (ê, ç, ô …), which would halve the room.
  EXPECT_TRUE(sms::Measure(Render(FindTemplate("order_delivered")->fr.body, p)).gsm7);
}

TEST(Catalog, QuietHoursWrapMidnightInCameroonTime) {
  // 2026-11-30T21:30Z is 22:30 in Douala.
  std::int64_t t = 1796074200000;
  EXPECT_EQ(MinuteWat(t), 22 * 60 + 30);
  EXPECT_TRUE(InQuietHours(MinuteWat(t), 22 * 60, 7 * 60));
  EXPECT_FALSE(InQuietHours(12 * 60, 22 * 60, 7 * 60));
  EXPECT_TRUE(InQuietHours(6 * 60 + 59, 22 * 60, 7 * 60));
  EXPECT_FALSE(InQuietHours(7 * 60, 22 * 60, 7 * 60));
  EXPECT_TRUE(InQuietHours(13 * 60, 12 * 60, 14 * 60));
  EXPECT_FALSE(InQuietHours(13 * 60, std::nullopt, 14 * 60));
  // Quiet until 07:00 WAT: 8 h 30 min later.
  EXPECT_EQ(QuietEndMs(t, 7 * 60) - t, (8 * 60 + 30) * 60000LL);
}

TEST(Catalog, BackoffDoublesWithJitterAndIsCapped) {
  EXPECT_EQ(BackoffMs(1, 2000, 0.0), 1000);
  EXPECT_EQ(BackoffMs(1, 2000, 0.999999), 1999);
  EXPECT_EQ(BackoffMs(3, 2000, 0.0), 4000);
  EXPECT_LE(BackoffMs(30, 2000, 0.99), 15 * 60 * 1000);
  EXPECT_GE(BackoffMs(30, 2000, 0.0), 15 * 60 * 1000 / 2);
}

}  // namespace
}  // namespace okada::notifications::domain
