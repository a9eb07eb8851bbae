#include "okada/core/metrics.hpp"

#include <gtest/gtest.h>

namespace okada {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.GetCounter("okada_orders_total", "Orders", {{"city", "douala"}}).Add(3);
  m.GetGauge("okada_queue_depth", "Depth").Set(-2);
  Histogram& h = m.GetHistogram("okada_latency_seconds", "Latency", {{"route", "/v1/x"}});
  h.Observe(0.0007);
  h.Observe(0.2);
  h.Observe(30);
  m.AddCallbackGauge("okada_pool_size", "Pool", {{"shard", "0"}}, [] { return 4.0; });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE okada_orders_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("okada_orders_total{city=\"douala\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("okada_queue_depth -2\n"), std::string::npos);
  EXPECT_NE(text.find("okada_latency_seconds_bucket{route=\"/v1/x\",le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("okada_latency_seconds_bucket{route=\"/v1/x\",le=\"0.25\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("okada_latency_seconds_bucket{route=\"/v1/x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("okada_latency_seconds_count{route=\"/v1/x\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("okada_pool_size{shard=\"0\"} 4\n"), std::string::npos);
}

TEST(Metrics, SameNameAndLabelsIsTheSameInstrument) {
  Metrics m;
  Counter& a = m.GetCounter("c", "h", {{"k", "v"}});
  Counter& b = m.GetCounter("c", "h", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(m.GetGauge("c", "h"), std::logic_error);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  m.GetCounter("c", "h", {{"k", "a\"b\\c\nd"}}).Add();
  EXPECT_NE(m.Render().find(R"(c{k="a\"b\\c\nd"} 1)"), std::string::npos);
}

}  // namespace
}  // namespace okada
