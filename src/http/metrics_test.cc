#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tamkine::http {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(MetricsTest, RendersCountersAndHistograms) {
  Metrics m({0.1, 1});
  m.ObserveRequest("GET", "/api/v1/units/{id}", 200, 0.05);
  m.ObserveRequest("GET", "/api/v1/units/{id}", 204, 0.5);
  m.ObserveRequest("GET", "/api/v1/units/{id}", 201, 3);
  m.ObserveRequest("POST", "/api/v1/units", 409, 0.01);
  std::string out = m.RenderPrometheus();

  EXPECT_TRUE(Contains(out, "# TYPE tamkine_http_requests_total counter\n"));
  EXPECT_TRUE(Contains(out, "# HELP tamkine_http_requests_total "));
  EXPECT_TRUE(Contains(
      out,
      "tamkine_http_requests_total{method=\"GET\",route=\"/api/v1/units/{id}\",status=\"2xx\"} "
      "3\n"));
  EXPECT_TRUE(Contains(
      out,
      "tamkine_http_requests_total{method=\"POST\",route=\"/api/v1/units\",status=\"4xx\"} "
      "1\n"));
  EXPECT_TRUE(Contains(out, "# TYPE tamkine_http_request_duration_seconds histogram\n"));
  const std::string l = "method=\"GET\",route=\"/api/v1/units/{id}\",status=\"2xx\"";
  EXPECT_TRUE(
      Contains(out, "tamkine_http_request_duration_seconds_bucket{" + l + ",le=\"0.1\"} 1\n"));
  EXPECT_TRUE(
      Contains(out, "tamkine_http_request_duration_seconds_bucket{" + l + ",le=\"1\"} 2\n"));
  EXPECT_TRUE(
      Contains(out, "tamkine_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(Contains(out, "tamkine_http_request_duration_seconds_sum{" + l + "} 3.55\n"));
  EXPECT_TRUE(Contains(out, "tamkine_http_request_duration_seconds_count{" + l + "} 3\n"));
  EXPECT_TRUE(Contains(out, "# TYPE tamkine_http_errors_total counter\n"));
}

TEST(MetricsTest, UnmatchedAndUnknownMethodsAreBounded) {
  Metrics m;
  m.ObserveRequest("BREW", "", 404, 0.001);
  m.ObserveRequest("GET", "", 404, 0.001);
  std::string out = m.RenderPrometheus();
  EXPECT_TRUE(Contains(
      out, "tamkine_http_requests_total{method=\"OTHER\",route=\"unmatched\",status=\"4xx\"} 1"));
  EXPECT_TRUE(Contains(
      out, "tamkine_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"4xx\"} 1"));
  EXPECT_FALSE(Contains(out, "BREW"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.ObserveRequest("GET", "/a\"b\\c\nd", 500, 0);
  std::string out = m.RenderPrometheus();
  EXPECT_TRUE(Contains(out, "route=\"/a\\\"b\\\\c\\nd\",status=\"5xx\""));
}

TEST(MetricsTest, ErrorsInFlightAndGauges) {
  Metrics m;
  m.CountError("read_timeout");
  m.CountError("read_timeout");
  m.CountError("body_too_large");
  m.AddInFlight(2);
  m.AddInFlight(-1);
  double db = 1;
  m.RegisterGauge("tamkine_db_up", "Whether the database answers.", [&db] { return db; });
  m.RegisterGauge("tamkine_broken", "Throws.", []() -> double { throw 1; });
  std::string out = m.RenderPrometheus();
  EXPECT_TRUE(Contains(out, "tamkine_http_errors_total{kind=\"read_timeout\"} 2\n"));
  EXPECT_TRUE(Contains(out, "tamkine_http_errors_total{kind=\"body_too_large\"} 1\n"));
  EXPECT_TRUE(Contains(out, "# TYPE tamkine_http_requests_in_flight gauge\n"));
  EXPECT_TRUE(Contains(out, "tamkine_http_requests_in_flight 1\n"));
  EXPECT_TRUE(Contains(out, "# HELP tamkine_db_up Whether the database answers.\n"));
  EXPECT_TRUE(Contains(out, "# TYPE tamkine_db_up gauge\ntamkine_db_up 1\n"));
  EXPECT_TRUE(Contains(out, "tamkine_broken NaN\n"));
  db = 0;
  EXPECT_TRUE(Contains(m.RenderPrometheus(), "tamkine_db_up 0\n"));
}

TEST(MetricsTest, GaugeMayUseMetricsItself) {
  Metrics m;
  m.RegisterGauge("tamkine_reentrant", "Calls back.", [&m] {
    m.CountError("from_gauge");
    return 2.0;
  });
  EXPECT_TRUE(Contains(m.RenderPrometheus(), "tamkine_reentrant 2\n"));
}

TEST(MetricsTest, ConcurrentRecordingIsExact) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 1000; ++i) {
        m.ObserveRequest("GET", "/r" + std::to_string(i % 3), 200 + t, 0.001);
        if (i % 100 == 0) (void)m.RenderPrometheus();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::string out = m.RenderPrometheus();
  EXPECT_TRUE(Contains(
      out, "tamkine_http_requests_total{method=\"GET\",route=\"/r0\",status=\"2xx\"} 1336\n"));
  EXPECT_TRUE(Contains(
      out, "tamkine_http_requests_total{method=\"GET\",route=\"/r1\",status=\"2xx\"} 1332\n"));
}

TEST(MetricsDeathTest, BadGaugeNameAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Metrics m;
  EXPECT_DEATH(m.RegisterGauge("1bad name", "", [] { return 0.0; }), "bad gauge");
}

}  // namespace
}  // namespace tamkine::http
