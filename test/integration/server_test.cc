// The server as a client sees it: health, readiness, metrics, the OpenAPI document, the error
// shape, and hostile or malformed input (which gets a 4xx naming the field and changes nothing).
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";
constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {}
  void SetUp() override {
    std::string url;
    if (GetParam() == "postgresql") url = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    server_ = std::make_unique<ServerProcess>(url);
    ASSERT_TRUE(server_->started()) << server_->output();
  }
  Client NewClient() { return Client(server_->port()); }
  Client Admin() {
    Client c = NewClient();
    auto r = c.Login("admin", kDemoPassword, kAdminTotp);
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }
  int64_t UnitCount(Client& c) {
    return static_cast<int64_t>(c.Get("/api/v1/units").json()["items"].size());
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(ServerTest, HealthReadinessMetricsOpenApi) {
  Client c = NewClient();
  auto h = c.Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  EXPECT_FALSE(h.headers["x-request-id"].empty());
  EXPECT_EQ(c.Get("/readyz").status, 200);
  auto o = c.Get("/api/v1/openapi.json");
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(o.json()["openapi"], "3.1.0");
  auto m = c.Get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("tamkine_http_requests_total"), std::string::npos);
  EXPECT_NE(m.body.find("route=\"/healthz\""), std::string::npos);
  auto regions = c.Get("/api/v1/reference/regions");
  EXPECT_EQ(regions.json()["regions"].size(), 12u);
}

TEST_P(ServerTest, ErrorsHaveOneShape) {
  Client c = NewClient();
  auto r = c.Get("/api/v1/no-such-thing");
  EXPECT_EQ(r.status, 404);
  Json j = r.json();
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], "not_found");
  EXPECT_TRUE(j["error"].contains("message"));
  EXPECT_TRUE(j["error"].contains("field"));
  EXPECT_EQ(c.Get("/api/v1/units").status, 401);
  EXPECT_EQ(c.Request("DELETE", "/api/v1/units").status, 405);
}

TEST_P(ServerTest, MalformedInputIsRejectedAndNothingIsWritten) {
  Client c = Admin();
  int64_t before = UnitCount(c);
  auto post = [&](const std::string& body, const std::string& type = "application/json") {
    return c.Request("POST", "/api/v1/units", body,
                     {{"Content-Type", type}, {"X-CSRF-Token", c.csrf}});
  };
  struct Case {
    std::string body;
    int status;
    std::string field;
  } cases[] = {
      {"{not json", 400, ""},
      {"[]", 400, ""},
      {R"({"name": 5, "sector": "police", "province_code": "03.01"})", 400, "name"},
      {R"({"name": "Unit", "sector": "army", "province_code": "03.01"})", 400, "sector"},
      {R"({"name": "Unit", "sector": "police", "province_code": "03.01", "x": 1})", 400, "x"},
      {R"({"name": "Unit", "sector": "police", "province_code": "99.01"})", 400, "province_code"},
      {"{\"name\": \"Un\xff\xfeit\", \"sector\": \"police\", \"province_code\": \"03.01\"}", 400,
       ""},
      {R"({"name": "Unit\u0000", "sector": "police", "province_code": "03.01"})", 400, "name"},
      {R"({"name": "<script>alert(1)</script>", "sector": "police", "province_code": "03.01",
          "phone": "'; DROP TABLE units; --"})",
       400, "phone"},
      {std::string(100, '[') + std::string(100, ']'), 400, ""},
  };
  for (const auto& k : cases) {
    auto r = post(k.body);
    EXPECT_EQ(r.status, k.status) << k.body << " -> " << r.body;
    if (!k.field.empty()) {
      EXPECT_EQ(r.json()["error"]["field"], k.field) << k.body;
    }
  }
  EXPECT_EQ(post(R"({"name": "Unit", "sector": "police", "province_code": "03.01"})", "text/plain")
                .status,
            415);
  EXPECT_EQ(post("{\"name\": \"" + std::string(2 << 20, 'a') + "\"}").status, 413);
  EXPECT_EQ(UnitCount(c), before);
  // The server still serves.
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

TEST_P(ServerTest, HugeHeadersAndGarbage) {
  Client c = NewClient();
  std::string huge =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n";
  std::string r = c.Raw(huge);
  EXPECT_NE(r.find(" 431 "), std::string::npos) << r.substr(0, 100);
  r = c.Raw("THIS IS NOT HTTP\r\n\r\n");
  EXPECT_NE(r.find(" 400 "), std::string::npos) << r.substr(0, 100);
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

TEST_P(ServerTest, SlowClientDoesNotBlockOthers) {
  Client slow = NewClient();
  std::thread t([&] { slow.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", 3000); });
  Client c = NewClient();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.Get("/healthz").status, 200);
  t.join();
}

TEST_P(ServerTest, SecurityHeaders) {
  Client c = NewClient();
  auto r = c.Get("/api/v1/reference/vocabulary");
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  EXPECT_FALSE(r.headers["content-security-policy"].empty());
}

TEST_P(ServerTest, GracefulShutdownOnSigterm) {
  Client c = NewClient();
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->output();
}

// The per-address API rate is a serve option (a site behind one NAT address shares it): past the
// burst, 429 with the usual error shape; the health endpoint is not counted.
TEST(ServerRateLimitTest, ThePerAddressRateIsAServeOption) {
  ServerProcess tight({}, {"--rate-limit", "1", "--rate-burst", "3", "--demo-cases", "0"});
  ASSERT_TRUE(tight.started()) << tight.output();
  Client c(tight.port());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.Get("/api/v1/reference/case-vocabulary").status, 200);
  // One more token a second: the next ten in a row cannot all pass (unless they took 10 s).
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto r = c.Get("/api/v1/reference/case-vocabulary");
    if (r.status == 429) {
      ++limited;
      EXPECT_TRUE(r.json()["error"].contains("message")) << r.body;
    }
  }
  EXPECT_GE(limited, 1);
  EXPECT_EQ(c.Get("/healthz").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServerTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
