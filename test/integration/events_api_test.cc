// Live updates over HTTP against the real binary, on every backend: GET /api/v1/events streams an
// `inbox` event to the members of a unit when a real action raises an alert for it (a
// break-the-glass on the unit's case), with no case content; heartbeats; the per-user cap; the
// stream ends when the session is signed out, and an open stream does not hold up shutdown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kDemoPassword[] = "Tamkine-Demo-2026";
constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";

// A loopback port nothing listens on: the SMTP server that is down.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// A raw SSE client: sends the request, then reads as the server writes.
class EventReader {
 public:
  EventReader(int port, const std::string& cookie) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return;
    std::string req =
        "GET /api/v1/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n";
    if (!cookie.empty()) req += "Cookie: tamkine_session=" + cookie + "\r\n";
    req += "\r\n";
    (void)send(fd_, req.data(), req.size(), MSG_NOSIGNAL);
  }
  ~EventReader() {
    if (fd_ >= 0) close(fd_);
  }

  // Reads until `needle` appears after `from` (returns its position) or the timeout passes or
  // the server closes (npos).
  size_t WaitFor(const std::string& needle, int timeout_ms, size_t from = 0) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto at = data_.find(needle, from); at != std::string::npos) return at;
      if (closed_ || std::chrono::steady_clock::now() >= deadline) return std::string::npos;
      ReadSome(100);
    }
  }
  // Reads until the server closes the connection; false on timeout.
  bool WaitClosed(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!closed_ && std::chrono::steady_clock::now() < deadline) ReadSome(100);
    return closed_;
  }
  int Status() {
    WaitFor("\r\n\r\n", 5000);
    return data_.size() >= 12 ? std::stoi(data_.substr(9, 3)) : 0;
  }
  const std::string& data() const { return data_; }

 private:
  void ReadSome(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return;
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return;
    }
    data_.append(buf, static_cast<size_t>(n));
  }
  int fd_ = -1;
  bool closed_ = false;
  std::string data_;
};

class EventsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(
        url_, std::vector<std::string>{"--demo-cases", "0", "--events-heartbeat", "1",
                                       "--events-max-per-user", "2", "--smtp-host", "127.0.0.1",
                                       "--smtp-port", std::to_string(ClosedPort()),
                                       "--smtp-security", "none", "--smtp-from",
                                       "tamkine@example.ma", "--notify-poll", "1"});
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    const Json units = officer_->Get("/api/v1/units").json()["items"];
    for (const auto& u : units) {
      units_[std::string(u["sector"])] = u["id"];
    }
    ASSERT_FALSE(units_["police"].empty());
  }

  std::unique_ptr<Client> Login(const std::string& user, const std::string& totp = {}) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, totp);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  // Opens a case at the police unit; returns {id, reference_code}.
  std::pair<std::string, std::string> OpenCase() {
    Json body = {{"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
                 {"survivor",
                  {{"names", {"Khadija Fictive Ait Exemple"}},
                   {"birth_date", "1990-02"},
                   {"phones", {"06 12 34 56 78"}},
                   {"languages", {"darija"}}}},
                 {"incidents",
                  {{{"date", "2026-01-02"},
                    {"province_code", "03.01"},
                    {"place_type", "home"},
                    {"forms", {"physical"}},
                    {"facts", {{"physical_assault", true}}},
                    {"description", "Secret narrative text"},
                    {"perpetrators", {{{"relationship", "husband"}, {"cohabiting", true}}}}}}}};
    auto r = officer_->Send("POST", "/api/v1/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    Json c = r.json()["case"];
    return {c.value("id", ""), c.value("reference_code", "")};
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_;
  std::map<std::string, std::string> units_;
};

TEST_P(EventsApiTest, AlertReachesTheUnitsStreamWithoutCaseContent) {
  EventReader anonymous(server_->port(), "");
  EXPECT_EQ(anonymous.Status(), 401);

  EventReader stream(server_->port(), officer_->cookies["tamkine_session"]);
  ASSERT_EQ(stream.Status(), 200) << stream.data();
  EXPECT_NE(stream.data().find("text/event-stream"), std::string::npos) << stream.data();
  ASSERT_NE(stream.WaitFor("retry: ", 3000), std::string::npos) << stream.data();

  // Another unit's member listens too: the police unit's event must not reach her.
  auto doctor = Login("doctor");
  EventReader other(server_->port(), doctor->cookies["tamkine_session"]);
  ASSERT_EQ(other.Status(), 200) << other.data();

  auto [case_id, reference] = OpenCase();
  ASSERT_FALSE(reference.empty());
  const size_t before = stream.data().size();
  // A real action that raises an alert for the police unit (the case's holder).
  auto gendarme = Login("gendarmerie.officer");
  auto grant = gendarme->Send("POST", "/api/v1/cases/break-glass",
                              {{"reference_code", reference},
                               {"reason", "She is at our post tonight, injured; he is outside."},
                               {"minutes", 30}});
  ASSERT_EQ(grant.status, 201) << grant.body;

  size_t at = stream.WaitFor("event: inbox\n", 5000, before);
  ASSERT_NE(at, std::string::npos) << stream.data();
  size_t end = stream.WaitFor("\n\n", 2000, at);
  ASSERT_NE(end, std::string::npos);
  const std::string event = stream.data().substr(at, end - at);
  const std::string data_line = event.substr(event.find("data: ") + 6);
  auto data = ParseJson(data_line);
  ASSERT_TRUE(data.ok()) << event;
  EXPECT_EQ((*data)["unit_id"], units_["police"]);
  EXPECT_EQ((*data)["kind"], "alert");
  EXPECT_EQ(data->size(), 2u) << "only unit_id and kind";
  EXPECT_EQ(stream.data().find(reference), std::string::npos);
  EXPECT_EQ(stream.data().find(case_id), std::string::npos);
  EXPECT_EQ(stream.data().find("injured"), std::string::npos);

  // Heartbeats keep the stream alive (every second here).
  EXPECT_NE(stream.WaitFor(": heartbeat", 3000, end), std::string::npos);
  EXPECT_EQ(other.data().find("event: inbox"), std::string::npos) << other.data();

  auto metrics = officer_->Get("/metrics");
  EXPECT_NE(metrics.body.find("tamkine_events_streams_open 2"), std::string::npos) << metrics.body;
}

TEST_P(EventsApiTest, PerUserCapThenSignOutEndsTheStream) {
  const std::string cookie = officer_->cookies["tamkine_session"];
  EventReader first(server_->port(), cookie);
  ASSERT_EQ(first.Status(), 200);
  {
    EventReader second(server_->port(), cookie);
    ASSERT_EQ(second.Status(), 200);
    EventReader third(server_->port(), cookie);
    EXPECT_EQ(third.Status(), 429) << third.data();
  }
  // The closed streams free their slots once the server notices (at the next heartbeat write).
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    EventReader again(server_->port(), cookie);
    int s = again.Status();
    reopened = s == 200;
    if (!reopened) {
      ASSERT_EQ(s, 429);
      usleep(100 * 1000);
    }
  }
  EXPECT_TRUE(reopened);

  // Signing out ends the stream at its next session check.
  ASSERT_EQ(officer_->Send("POST", "/api/v1/auth/logout", nullptr).status, 204);
  EXPECT_NE(first.WaitFor("event: end", 5000), std::string::npos) << first.data();
  EXPECT_TRUE(first.WaitClosed(3000));
}

TEST_P(EventsApiTest, OpenStreamDoesNotHoldUpShutdown) {
  EventReader stream(server_->port(), officer_->cookies["tamkine_session"]);
  ASSERT_EQ(stream.Status(), 200);
  ASSERT_NE(stream.WaitFor("retry: ", 3000), std::string::npos);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_->Stop(), 0);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(5))
      << "the shutdown grace is 10 s: the stream ended at once";
  EXPECT_TRUE(stream.WaitClosed(2000));
}

// The outbox over HTTP: a user opts in; an alert for her unit queues a neutral message while the
// SMTP server is down; the in-platform action is not held up; administrators see the failed
// delivery (masked address, error, attempts) and retry it; nobody else sees the outbox.
TEST_P(EventsApiTest, DownChannelNeverBlocksAndDeliveriesAreVisible) {
  auto admin = Login("admin", kAdminTotp);
  const std::string officer_id = officer_->Get("/api/v1/auth/session").json()["user"]["id"];
  auto patched = admin->Send("PATCH", "/api/v1/users/" + officer_id,
                             {{"email", "officer.fictive@police.example.ma"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto prefs = officer_->Send("PUT", "/api/v1/notifications/preferences",
                              {{"email", true}, {"sms", false}, {"language", "fr"}});
  ASSERT_EQ(prefs.status, 200) << prefs.body;
  EXPECT_EQ(prefs.json()["email"], true);
  const std::string hint = prefs.json()["email_hint"];
  EXPECT_EQ(hint.find("fictive"), std::string::npos) << hint;
  EXPECT_EQ(officer_
                ->Send("PUT", "/api/v1/notifications/preferences",
                       {{"email", true}, {"sms", false}, {"language", "de"}})
                .status,
            400);

  auto [case_id, reference] = OpenCase();
  auto gendarme = Login("gendarmerie.officer");
  auto grant = gendarme->Send("POST", "/api/v1/cases/break-glass",
                              {{"reference_code", reference},
                               {"reason", "She is at our post tonight, injured; he is outside."},
                               {"minutes", 30}});
  ASSERT_EQ(grant.status, 201) << "a down channel never blocks the in-platform item";

  Json failed;
  for (int i = 0; i < 100 && failed.is_null(); ++i) {
    auto list = admin->Get("/api/v1/admin/notifications?state=failed");
    ASSERT_EQ(list.status, 200) << list.body;
    const Json items = list.json()["items"];
    for (const auto& n : items) {
      if (n["recipient_id"] == officer_id) failed = n;
    }
    if (failed.is_null()) usleep(100 * 1000);
  }
  ASSERT_FALSE(failed.is_null()) << "the delivery worker tried and recorded the failure";
  EXPECT_EQ(failed["template"], "new_urgent_item");
  EXPECT_EQ(failed["channel"], "email");
  EXPECT_GE(failed["attempts"], 1);
  EXPECT_EQ(std::string(failed["last_error"]).rfind("unavailable: smtp: cannot connect", 0), 0u)
      << failed.dump();
  EXPECT_FALSE(failed["next_attempt_at"].is_null());
  const std::string listed = failed.dump();
  for (const std::string& secret : {reference, case_id, std::string("fictive")}) {
    EXPECT_EQ(listed.find(secret), std::string::npos) << secret;
  }

  EXPECT_EQ(officer_->Get("/api/v1/admin/notifications").status, 403);
  EXPECT_EQ(
      officer_
          ->Send("POST", "/api/v1/admin/notifications/" + std::string(failed["id"]) + "/retry",
                 nullptr)
          .status,
      403);
  auto retried = admin->Send(
      "POST", "/api/v1/admin/notifications/" + std::string(failed["id"]) + "/retry", nullptr);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json()["attempts"], 0);
  EXPECT_EQ(admin->Get("/api/v1/admin/notifications?state=bogus").status, 400);
  EXPECT_EQ(admin->Send("POST", "/api/v1/admin/notifications/test", {{"channel", "sms"}}).status,
            409)
      << "the sms channel is not configured";
  EXPECT_EQ(admin->Send("POST", "/api/v1/admin/notifications/test", {{"channel", "fax"}}).status,
            400);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventsApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
