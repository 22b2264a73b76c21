// The transports of notifications against in-process fakes: an SMTP server and an HTTP SMS
// gateway on loopback ports. A message is delivered with the template's text and nothing else;
// a server that is down (SMTP 421, HTTP 503, nothing listening) is Unavailable, and through the
// delivery worker (injected clock, no sleeping) leads to a retry and then success; a refused
// recipient is permanent; configurations are validated.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "cases/case_service.h"
#include "crypto/encoding.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "http/beast_pch.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "notify/channels.h"
#include "notify/delivery.h"
#include "notify/notifier.h"
#include "notify/test_cases.h"
#include "storage/migrations/schema.h"

namespace tamkine::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
namespace fs = std::filesystem;

// A loopback server that handles connections one at a time on its own thread until destroyed.
class FakeServer {
 public:
  FakeServer() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    acceptor_.non_blocking(true);
    port_ = acceptor_.local_endpoint().port();
  }
  virtual ~FakeServer() { Stop(); }
  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const { return port_; }

 protected:
  virtual void Handle(tcp::socket& s) = 0;
  std::mutex mu_;

 private:
  void Loop() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket s(ioc_);
      acceptor_.accept(s, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // helper polling, not timing
        continue;
      }
      if (ec) return;
      s.non_blocking(false);
      try {
        Handle(s);
      } catch (const std::exception&) {
        // the client went away: next connection
      }
    }
  }
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class FakeSmtp final : public FakeServer {
 public:
  struct Mail {
    std::string auth, from, to, data;
  };
  int busy_connections = 0;  // answer 421 at the greeting this many times
  std::atomic<bool> refuse_recipient{false};
  std::vector<Mail> Mails() {
    std::lock_guard lock(mu_);
    return mails_;
  }

 protected:
  void Handle(tcp::socket& s) override {
    auto say = [&](const std::string& line) { asio::write(s, asio::buffer(line + "\r\n")); };
    std::string buf;
    auto line = [&] {
      size_t n = asio::read_until(s, asio::dynamic_buffer(buf), "\r\n");
      std::string l = buf.substr(0, n - 2);
      buf.erase(0, n);
      return l;
    };
    {
      std::lock_guard lock(mu_);
      if (busy_connections > 0) {
        --busy_connections;
        say("421 fake.invalid busy, try later");
        return;
      }
    }
    say("220 fake.invalid ESMTP");
    Mail m;
    for (;;) {
      std::string l = line();
      if (l.starts_with("EHLO")) {
        say("250-fake.invalid");
        say("250 AUTH PLAIN");
      } else if (l.starts_with("AUTH PLAIN ")) {
        m.auth = l.substr(11);
        say("235 ok");
      } else if (l.starts_with("MAIL FROM:")) {
        m.from = l.substr(10);
        say("250 ok");
      } else if (l.starts_with("RCPT TO:")) {
        m.to = l.substr(8);
        say(refuse_recipient ? "550 no such user " + m.to : "250 ok");
      } else if (l == "DATA") {
        say("354 go ahead");
        for (;;) {
          std::string d = line();
          if (d == ".") break;
          m.data += d + "\n";
        }
        {
          std::lock_guard lock(mu_);
          mails_.push_back(m);
        }
        say("250 queued");
      } else if (l == "QUIT") {
        say("221 bye");
        return;
      } else {
        say("500 what?");
      }
    }
  }

 private:
  std::vector<Mail> mails_;
};

class FakeGateway final : public FakeServer {
 public:
  std::deque<unsigned> statuses;  // answered in order; then 200
  std::vector<bhttp::request<bhttp::string_body>> Requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 protected:
  void Handle(tcp::socket& s) override {
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(s, buffer, req);
    unsigned status = 200;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
      if (!statuses.empty()) {
        status = statuses.front();
        statuses.pop_front();
      }
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.body() = R"({"id":"gw-1"})";
    res.prepare_payload();
    bhttp::write(s, res);
  }

 private:
  std::vector<bhttp::request<bhttp::string_body>> requests_;
};

std::string Decode64Lines(const std::string& body) {
  std::string joined;
  for (char c : body) {
    if (c != '\n' && c != '\r') joined.push_back(c);
  }
  auto bytes = crypto::Base64Decode(joined);
  EXPECT_TRUE(bytes.ok()) << joined;
  return bytes.ok() ? std::string(bytes->begin(), bytes->end()) : "";
}

SmtpConfig Smtp(uint16_t port) {
  SmtpConfig c;
  c.host = "127.0.0.1";
  c.port = port;
  c.security = SmtpConfig::Security::kNone;
  c.from = "tamkine@example.ma";
  c.timeout = std::chrono::seconds(10);
  return c;
}

SmsGatewayConfig Gateway(uint16_t port) {
  SmsGatewayConfig c;
  c.url = "http://127.0.0.1:" + std::to_string(port) + "/send?sender=Info";
  c.auth_header = "Authorization: Bearer gw-secret";
  c.timeout = std::chrono::seconds(10);
  return c;
}

Message Mail(const std::string& to) {
  return {"n1", ChannelKind::kEmail, to, "Tamkine",
          "Vous avez un nouvel élément urgent dans Tamkine."};
}

TEST(SmtpChannelTest, DeliversTheMessageWithAuthAndUtf8) {
  FakeSmtp smtp;
  smtp.Start();
  SmtpConfig c = Smtp(smtp.port());
  c.username = "relay";
  c.password = "relay-pass";
  ASSERT_TRUE(ValidateSmtpConfig(c).ok()) << "credentials in clear only to the loopback";
  auto channel = MakeSmtpChannel(c);
  Status s = channel->Send(Mail("head@police.example.ma"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto mails = smtp.Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "<tamkine@example.ma>");
  EXPECT_EQ(mails[0].to, "<head@police.example.ma>");
  EXPECT_EQ(Decode64Lines(mails[0].auth), std::string("\0relay\0relay-pass", 17));
  const std::string& data = mails[0].data;
  EXPECT_NE(data.find("Subject: =?UTF-8?B?VGFta2luZQ==?="), std::string::npos) << data;
  EXPECT_NE(data.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_EQ(Decode64Lines(data.substr(data.find("\n\n") + 2)),
            "Vous avez un nouvel élément urgent dans Tamkine.");
}

TEST(SmtpChannelTest, DownServerIsUnavailableAndRefusedRecipientPermanent) {
  auto smtp = std::make_unique<FakeSmtp>();
  smtp->busy_connections = 1;
  smtp->Start();
  auto channel = MakeSmtpChannel(Smtp(smtp->port()));
  Status busy = channel->Send(Mail("a@example.ma"));
  EXPECT_EQ(busy.code(), StatusCode::kUnavailable) << busy.ToString();
  EXPECT_EQ(busy.message(), "smtp: greeting answered 421");
  smtp->refuse_recipient = true;
  Status refused = channel->Send(Mail("a@example.ma"));
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << refused.ToString();
  EXPECT_EQ(refused.message().find("a@example.ma"), std::string::npos) << "never the address";
  // Header injection is impossible: the address must be plain.
  EXPECT_EQ(channel->Send(Mail("a@example.ma>\r\nBcc: x@y.z")).code(),
            StatusCode::kInvalidArgument);

  // Nothing listening at all (the fake's socket is closed).
  const uint16_t closed = smtp->port();
  smtp.reset();
  auto nobody = MakeSmtpChannel(Smtp(closed));
  EXPECT_EQ(nobody->Send(Mail("a@example.ma")).code(), StatusCode::kUnavailable);
}

TEST(SmtpChannelTest, ConfigValidation) {
  SmtpConfig c = Smtp(25);
  EXPECT_TRUE(ValidateSmtpConfig(c).ok());
  c.host = "smtp.example.ma";
  c.username = "u";
  EXPECT_EQ(ValidateSmtpConfig(c).field(), "smtp-security") << "no credentials in clear";
  c.security = SmtpConfig::Security::kStartTls;
  EXPECT_TRUE(ValidateSmtpConfig(c).ok());
  c.from = "a@b.c\r\nBcc: x@y.z";
  EXPECT_EQ(ValidateSmtpConfig(c).field(), "smtp-from");
  EXPECT_FALSE(ParseSmtpSecurity("ssl").ok());
}

TEST(SmsGatewayChannelTest, PostsTheJsonBodyWithTheAuthHeader) {
  FakeGateway gw;
  gw.Start();
  auto channel = MakeSmsGatewayChannel(Gateway(gw.port()));
  ASSERT_NE(channel, nullptr);
  Message m{"n2", ChannelKind::kSms, "+212612345678", "", "Votre rendez-vous est \"confirmé\"."};
  Status s = channel->Send(m);
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto reqs = gw.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method_string(), "POST");
  EXPECT_EQ(reqs[0].target(), "/send?sender=Info");
  EXPECT_EQ(reqs[0][bhttp::field::authorization], "Bearer gw-secret");
  auto body = ParseJson(reqs[0].body());
  ASSERT_TRUE(body.ok()) << reqs[0].body();
  EXPECT_EQ((*body)["to"], "+212612345678");
  EXPECT_EQ((*body)["text"], "Votre rendez-vous est \"confirmé\".");
}

TEST(SmsGatewayChannelTest, GetWithUrlTemplateAndStatusMapping) {
  FakeGateway gw;
  gw.statuses = {503, 422, 401};
  gw.Start();
  SmsGatewayConfig c = Gateway(gw.port());
  c.method = "GET";
  c.url = "http://127.0.0.1:" + std::to_string(gw.port()) + "/sms?to={to}&msg={text}";
  ASSERT_TRUE(ValidateSmsGatewayConfig(c).ok());
  auto channel = MakeSmsGatewayChannel(c);
  Message m{"n3", ChannelKind::kSms, "+212612345678", "", "تم تأكيد موعدك."};
  EXPECT_EQ(channel->Send(m).code(), StatusCode::kUnavailable);
  EXPECT_EQ(channel->Send(m).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(channel->Send(m).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(channel->Send(m).ok());
  auto reqs = gw.Requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[3].target(),
            "/sms?to=%2B212612345678&msg=%D8%AA%D9%85%20%D8%AA%D8%A3%D9%83%D9%8A%D8%AF%20%D9%85%D9"
            "%88%D8%B9%D8%AF%D9%83.");
  SmsGatewayConfig bad = c;
  bad.url = "ftp://x";
  EXPECT_EQ(ValidateSmsGatewayConfig(bad).field(), "sms-url");
  bad = c;
  bad.auth_header = "Bearer no-name";
  EXPECT_EQ(ValidateSmsGatewayConfig(bad).field(), "sms-auth-header-file");
  bad = c;
  bad.method = "DELETE";
  EXPECT_EQ(ValidateSmsGatewayConfig(bad).field(), "sms-method");
}

// The whole path on SQLite: a unit alert and a survivor message through the outbox, the worker
// and the real transports to the fakes; both are down at first, retried, then delivered.
TEST(OutboundDeliveryTest, DownChannelsAreRetriedThenDeliverOnlyTemplateText) {
  std::string tmpl = (fs::temp_directory_path() / "tamkine-outbound-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path dir = tmpl;
  FakeClock clock;
  auto store = storage::OpenStore((dir / "o.db").string());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate(storage::SchemaMigrations("sqlite")).ok());
  std::array<uint8_t, 32> kek{};
  kek.fill(3);
  crypto::Keyring keyring(kek);
  ASSERT_TRUE(keys::LoadKeyring(**store, keyring, clock).ok());
  crypto::PasswordHasher hasher(crypto::PasswordParams::ForTests());
  identity::Deps ideps{store->get(), &keyring, &hasher, &clock};
  identity::UnitService units(ideps);
  identity::UserService users(ideps);
  identity::UnitInput ui;
  ui.name = "Police Fès";
  ui.sector = "police";
  ui.province_code = "03.01";
  auto unit = units.CreateBootstrap(ui);
  ASSERT_TRUE(unit.ok());
  identity::UserInput in;
  in.username = "officer";
  in.display_name = "Officer";
  in.password = "correct horse battery";
  in.email = "officer@police.example.ma";
  in.memberships.push_back({unit->id, "officer"});
  auto user = users.CreateBootstrap(in, std::nullopt);
  ASSERT_TRUE(user.ok());
  access::Subject subject;
  subject.user_id = user->id;
  subject.memberships = user->memberships;
  access::RequestContext ctx;
  ctx.subject = &subject;

  FakeSmtp smtp;
  smtp.busy_connections = 1;
  smtp.Start();
  FakeGateway gw;
  gw.statuses = {503};
  gw.Start();
  auto email = MakeSmtpChannel(Smtp(smtp.port()));
  auto sms = MakeSmsGatewayChannel(Gateway(gw.port()));
  Notifier notifier({store->get(), &keyring, &clock, true, true, {}});
  DeliveryWorker worker(store->get(), &keyring, &clock, email.get(), sms.get(), {},
                        [] { return 0.0; });
  Preferences p;
  p.email = true;
  p.language = "en";
  ASSERT_TRUE(notifier.SetPreferences(ctx, p).ok());

  cases::CaseService cases({store->get(), &keyring, &clock, nullptr, {}});
  const cases::NewCaseInput nc = testing::SurvivorCase(unit->id, true, {"french"});
  auto opened = cases.Create(ctx, nc);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();

  ASSERT_EQ(*notifier.NotifyUnit(unit->id, Urgency::kUrgent), 1);
  ASSERT_TRUE(notifier.NotifySurvivor(opened->view.core.id, "appointment_confirmed")->queued);
  ASSERT_EQ(*worker.RunOnce(), 2);  // both channels down
  EXPECT_TRUE(smtp.Mails().empty());
  clock.Advance(15 * kMicrosPerSecond);  // RetryDelay(1, 0.0) = 30 s · 0.5
  ASSERT_EQ(*worker.RunOnce(), 2);

  auto mails = smtp.Mails();
  ASSERT_EQ(mails.size(), 1u);
  const std::string text = Decode64Lines(mails[0].data.substr(mails[0].data.find("\n\n") + 2));
  EXPECT_EQ(text, "You have a new urgent item in Tamkine.");
  auto reqs = gw.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  auto body = ParseJson(reqs[1].body());
  ASSERT_TRUE(body.ok());
  EXPECT_EQ((*body)["text"], "Votre rendez-vous est confirmé.");
  EXPECT_EQ((*body)["to"], "+212612345678");
  for (const std::string& wire : {mails[0].data, text, reqs[1].body()}) {
    for (const std::string& secret : {opened->view.core.reference_code, opened->view.core.id,
                                      std::string("Planted"), std::string("husband")}) {
      EXPECT_EQ(wire.find(secret), std::string::npos) << secret;
    }
  }
  smtp.Stop();
  gw.Stop();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
}

}  // namespace
}  // namespace tamkine::notify
