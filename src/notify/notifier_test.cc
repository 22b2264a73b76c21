// The outbox on every backend (SQLite always; PostgreSQL with TAMKINE_TEST_PG_URL, each store in a
// schema of its own): who gets a message when a unit has a new item (opted in, active, with an
// address; coalesced), the survivor rule (only when texting her is marked safe, in her language,
// neutral; otherwise withheld with the reason), delivery with retries, exponential backoff and
// jitter on an injected clock (no sleeping), giving up, the administrators' retry, and that no
// case content or address reaches the outbox rows or the message text.
#include "notify/notifier.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>

#include "cases/case_service.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "notify/delivery.h"
#include "notify/test_cases.h"
#include "storage/migrations/schema.h"

namespace tamkine::notify {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

// A channel that records what it is given and fails the first `failures` sends.
class FakeChannel final : public Channel {
 public:
  Status Send(const Message& m) override {
    ++calls;
    if (failures > 0) {
      --failures;
      return fail_with;
    }
    sent.push_back(m);
    return Status::Ok();
  }
  int failures = 0;
  Status fail_with = Unavailable("connection refused");
  int calls = 0;
  std::vector<Message> sent;
};

struct Who {
  access::Subject subject;
  access::RequestContext ctx;
};

class NotifierTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-notify-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::string url;
    if (GetParam() == "sqlite") {
      url = (dir_ / "n.db").string();
    } else {
      base_url_ = Env("TAMKINE_TEST_PG_URL");
      if (base_url_.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") FAIL() << "TAMKINE_REQUIRE_PG=1 without a URL";
        GTEST_SKIP() << "PostgreSQL skipped: TAMKINE_TEST_PG_URL is not set";
      }
      auto admin = storage::OpenStore(base_url_);
      ASSERT_TRUE(admin.ok()) << admin.status().ToString();
      admin_ = std::move(*admin);
      std::random_device rd;
      schema_ = "notify_" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
      ASSERT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("CREATE SCHEMA " + schema_);
                  }).ok());
      url = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
            "options=-csearch_path%3D" + schema_;
    }
    auto store = storage::OpenStore(url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
    std::array<uint8_t, 32> kek{};
    kek.fill(9);
    keyring_ = std::make_unique<crypto::Keyring>(kek);
    ASSERT_TRUE(keys::LoadKeyring(*store_, *keyring_, clock_).ok());
    hasher_ = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    identity::Deps ideps{store_.get(), keyring_.get(), hasher_.get(), &clock_};
    units_ = std::make_unique<identity::UnitService>(ideps);
    users_ = std::make_unique<identity::UserService>(ideps);
    police_ = Unit("Police Fès", "police");
    health_ = Unit("Hôpital Fès", "health");
    admin_unit_ = Unit("Commission Fès", "commission");

    NotifierDeps deps;
    deps.store = store_.get();
    deps.keyring = keyring_.get();
    deps.clock = &clock_;
    deps.email_enabled = true;
    deps.sms_enabled = true;
    deps.kick = [this] { ++kicks_; };
    notifier_ = std::make_unique<Notifier>(deps, NotifierOptions{10 * kMicrosPerMinute});
    DeliveryOptions o;
    o.max_attempts = 4;
    o.base_delay = 30 * kMicrosPerSecond;
    o.max_delay = 10 * kMicrosPerMinute;
    worker_ = std::make_unique<DeliveryWorker>(store_.get(), keyring_.get(), &clock_, &email_,
                                               &sms_, o, [] { return 0.5; });
  }

  void TearDown() override {
    worker_.reset();
    notifier_.reset();
    store_.reset();
    if (admin_ && !schema_.empty()) {
      EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
                  }).ok());
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string Unit(const std::string& name, const std::string& sector) {
    identity::UnitInput in;
    in.name = name;
    in.sector = sector;
    in.province_code = "03.01";
    auto u = units_->CreateBootstrap(in);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? u->id : "";
  }

  Who& User(const std::string& username, const std::string& role, const std::string& unit,
            std::optional<std::string> email, std::optional<std::string> phone) {
    identity::UserInput in;
    in.username = username;
    in.display_name = "User " + username;
    in.password = "correct horse battery";
    in.email = std::move(email);
    in.phone = std::move(phone);
    in.memberships.push_back({unit, role});
    auto u = users_->CreateBootstrap(in, std::nullopt);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    auto w = std::make_unique<Who>();
    w->subject.user_id = u->id;
    w->subject.username = u->username;
    w->subject.memberships = u->memberships;
    w->ctx.subject = &w->subject;
    w->ctx.request_id = "req-" + username;
    people_.push_back(std::move(w));
    return *people_.back();
  }

  void OptIn(Who& w, bool email, bool sms, const std::string& language) {
    Preferences p;
    p.email = email;
    p.sms = sms;
    p.language = language;
    auto set = notifier_->SetPreferences(w.ctx, p);
    ASSERT_TRUE(set.ok()) << set.status().ToString();
  }

  std::vector<NotificationView> All(Who& admin, const std::optional<std::string>& state = {}) {
    auto l = notifier_->List(admin.ctx, state, 500);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? *l : std::vector<NotificationView>{};
  }

  // Every text cell of the outbox, for leak checks.
  std::string OutboxDump() {
    std::string all;
    auto tx = store_->Begin(storage::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT * FROM notifications");
    EXPECT_TRUE(rows.ok());
    for (const auto& r : *rows) {
      for (const auto& v : r.values) {
        if (auto* s = std::get_if<std::string>(&v)) all += *s + "|";
        if (auto* b = std::get_if<storage::Blob>(&v)) all.append(b->bytes.begin(), b->bytes.end());
      }
    }
    return all;
  }

  fs::path dir_;
  std::string base_url_, schema_;
  std::unique_ptr<storage::Store> admin_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  FakeClock clock_;
  std::unique_ptr<identity::UnitService> units_;
  std::unique_ptr<identity::UserService> users_;
  std::vector<std::unique_ptr<Who>> people_;
  std::string police_, health_, admin_unit_;
  FakeChannel email_, sms_;
  int kicks_ = 0;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<DeliveryWorker> worker_;
};

TEST_P(NotifierTest, UnitMembersWhoOptedInGetOneNeutralMessagePerChannelCoalesced) {
  Who& head = User("police.head", "unit_head", police_, "head@police.example.ma", "0661234567");
  Who& officer = User("officer", "officer", police_, "officer@police.example.ma", std::nullopt);
  User("silent", "officer", police_, "silent@police.example.ma", "0662222222");  // not opted in
  Who& doctor = User("doctor", "doctor", health_, "doctor@health.example.ma", std::nullopt);
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  OptIn(head, true, true, "ar");
  OptIn(officer, true, true, "fr");  // no phone: e-mail only
  OptIn(doctor, true, false, "fr");  // another unit

  auto n = notifier_->NotifyUnit(police_, Urgency::kUrgent);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 3);  // head: e-mail + sms; officer: e-mail
  EXPECT_EQ(kicks_, 1);
  auto rows = All(admin, "pending");
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& r : rows) {
    EXPECT_EQ(r.template_code, "new_urgent_item");
    EXPECT_EQ(r.recipient_kind, "user");
    EXPECT_NE(r.recipient_id, doctor.subject.user_id);
    EXPECT_EQ(r.address_hint.find("police.example"), std::string::npos) << r.address_hint;
  }
  // The address is sealed at rest.
  const std::string dump = OutboxDump();
  EXPECT_EQ(dump.find("head@police.example.ma"), std::string::npos);
  EXPECT_EQ(dump.find("0661234567"), std::string::npos);

  // Coalesced: nothing more while those wait, nor within the window after delivery.
  EXPECT_EQ(*notifier_->NotifyUnit(police_, Urgency::kUrgent), 0);
  ASSERT_EQ(*worker_->RunOnce(), 3);
  ASSERT_EQ(email_.sent.size(), 2u);
  ASSERT_EQ(sms_.sent.size(), 1u);
  clock_.Advance(5 * kMicrosPerMinute);
  EXPECT_EQ(*notifier_->NotifyUnit(police_, Urgency::kNormal), 0);
  clock_.Advance(6 * kMicrosPerMinute);
  EXPECT_EQ(*notifier_->NotifyUnit(police_, Urgency::kNormal), 3);

  // The text is the template's, in each user's language; the to-address is the account's.
  for (const auto& m : email_.sent) {
    if (m.to == "head@police.example.ma") {
      EXPECT_EQ(m.text, "لديك عنصر عاجل جديد في تمكين.");
    } else {
      EXPECT_EQ(m.to, "officer@police.example.ma");
      EXPECT_EQ(m.text, "Vous avez un nouvel élément urgent dans Tamkine.");
      EXPECT_EQ(m.subject, "Tamkine");
    }
  }
  EXPECT_EQ(sms_.sent[0].to, "+212661234567");
}

TEST_P(NotifierTest, DownChannelIsRetriedWithBackoffThenSucceeds) {
  Who& head = User("police.head", "unit_head", police_, "head@police.example.ma", std::nullopt);
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  OptIn(head, true, false, "en");
  email_.failures = 2;
  ASSERT_EQ(*notifier_->NotifyUnit(police_, Urgency::kUrgent), 1);

  const Micros t0 = clock_.Now();
  ASSERT_EQ(*worker_->RunOnce(), 1);
  auto rows = All(admin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "failed");
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_EQ(rows[0].last_error, "unavailable: connection refused");
  // 30 s · 2^0, jitter factor 0.75 (random 0.5).
  EXPECT_EQ(rows[0].next_attempt_at, t0 + 22'500'000);

  EXPECT_EQ(*worker_->RunOnce(), 0) << "not due yet";
  clock_.Advance(22'500'000);
  ASSERT_EQ(*worker_->RunOnce(), 1);
  rows = All(admin);
  EXPECT_EQ(rows[0].state, "failed");
  EXPECT_EQ(rows[0].attempts, 2);
  EXPECT_EQ(rows[0].next_attempt_at, clock_.Now() + 45'000'000);  // 60 s · 0.75

  clock_.Advance(45'000'000);
  ASSERT_EQ(*worker_->RunOnce(), 1);
  rows = All(admin);
  EXPECT_EQ(rows[0].state, "sent");
  EXPECT_EQ(rows[0].attempts, 3);
  EXPECT_EQ(rows[0].sent_at, clock_.Now());
  EXPECT_FALSE(rows[0].last_error.has_value());
  ASSERT_EQ(email_.sent.size(), 1u);
  EXPECT_EQ(email_.sent[0].text, "You have a new urgent item in Tamkine.");
  EXPECT_EQ(email_.calls, 3);
}

TEST_P(NotifierTest, GivesUpAfterTheLastAttemptAndAnAdministratorRetries) {
  Who& head = User("police.head", "unit_head", police_, "head@police.example.ma", std::nullopt);
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  Who& officer = User("officer", "officer", police_, std::nullopt, std::nullopt);
  OptIn(head, true, false, "fr");
  email_.failures = 100;
  ASSERT_EQ(*notifier_->NotifyUnit(police_, Urgency::kUrgent), 1);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(*worker_->RunOnce(), 1) << i;
    clock_.Advance(kMicrosPerHour);
  }
  auto rows = All(admin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "given_up");
  EXPECT_EQ(rows[0].attempts, 4);
  EXPECT_FALSE(rows[0].next_attempt_at.has_value());
  EXPECT_EQ(*worker_->RunOnce(), 0);

  // Only administrators see or retry deliveries.
  EXPECT_EQ(notifier_->List(officer.ctx, std::nullopt, 10).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(notifier_->Retry(officer.ctx, rows[0].id).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(notifier_->List(admin.ctx, "bogus", 10).status().code(), StatusCode::kInvalidArgument);

  email_.failures = 0;
  auto retried = notifier_->Retry(admin.ctx, rows[0].id);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->state, "pending");
  EXPECT_EQ(retried->attempts, 0);
  ASSERT_EQ(*worker_->RunOnce(), 1);
  EXPECT_EQ(All(admin)[0].state, "sent");
  EXPECT_EQ(notifier_->Retry(admin.ctx, rows[0].id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(notifier_->Retry(admin.ctx, "nope").status().code(), StatusCode::kNotFound);
}

TEST_P(NotifierTest, PermanentRefusalGivesUpAtOnce) {
  Who& head = User("police.head", "unit_head", police_, std::nullopt, "0661234567");
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  OptIn(head, false, true, "fr");
  sms_.failures = 1;
  sms_.fail_with = InvalidArgument("the gateway refused the number");
  ASSERT_EQ(*notifier_->NotifyUnit(police_, Urgency::kUrgent), 1);
  ASSERT_EQ(*worker_->RunOnce(), 1);
  auto rows = All(admin);
  EXPECT_EQ(rows[0].state, "given_up");
  EXPECT_EQ(rows[0].attempts, 1);
}

TEST(RetryDelayTest, DoublesCapsAndJitters) {
  DeliveryOptions o;
  o.base_delay = 10 * kMicrosPerSecond;
  o.max_delay = 60 * kMicrosPerSecond;
  struct Case {
    int attempts;
    double random;
    Micros want;
  };
  for (const Case& c : std::vector<Case>{{1, 0.0, 5'000'000},
                                         {1, 0.999999, 9'999'995},
                                         {2, 0.0, 10'000'000},
                                         {3, 0.0, 20'000'000},
                                         {4, 0.0, 30'000'000},  // 80 s capped at 60 s
                                         {30, 0.5, 45'000'000},
                                         {3, 1.0, 40'000'000}}) {
    EXPECT_EQ(RetryDelay(o, c.attempts, c.random), c.want) << c.attempts << " " << c.random;
  }
}

TEST_P(NotifierTest, SurvivorOnlyWhenTextingIsSafeInHerLanguageWithoutContent) {
  Who& officer = User("officer", "officer", police_, std::nullopt, std::nullopt);
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  cases::Deps cdeps{store_.get(), keyring_.get(), &clock_, nullptr, {}};
  cases::CaseService cases(cdeps);
  auto open = [&](bool safe_to_text, std::vector<std::string> languages) {
    auto in = testing::SurvivorCase(police_, safe_to_text, std::move(languages));
    auto c = cases.Create(officer.ctx, in);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c->view.core;
  };
  const auto unsafe = open(false, {"darija"});
  const auto safe = open(true, {"tachelhit", "french"});

  auto withheld = notifier_->NotifySurvivor(unsafe.id, "appointment_confirmed");
  ASSERT_TRUE(withheld.ok()) << withheld.status().ToString();
  EXPECT_FALSE(withheld->queued);
  EXPECT_EQ(withheld->reason, "not marked safe to text");

  auto queued = notifier_->NotifySurvivor(safe.id, "appointment_confirmed");
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  EXPECT_TRUE(queued->queued);
  EXPECT_EQ(notifier_->NotifySurvivor(safe.id, "new_urgent_item").status().code(),
            StatusCode::kInvalidArgument)
      << "staff templates name the platform";
  EXPECT_EQ(notifier_->NotifySurvivor("no-such-case", "appointment_confirmed").status().code(),
            StatusCode::kNotFound);

  auto rows = All(admin);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    EXPECT_EQ(r.recipient_kind, "survivor_contact");
    EXPECT_FALSE(r.recipient_id.has_value()) << "her case stays out of the administrators' view";
    if (r.id == withheld->notification_id) {
      EXPECT_EQ(r.state, "withheld");
      EXPECT_EQ(r.last_error, "not marked safe to text");
      EXPECT_EQ(r.address_hint, "");
    } else {
      EXPECT_EQ(r.state, "pending");
      EXPECT_EQ(r.language, "zgh");
    }
  }
  ASSERT_EQ(*worker_->RunOnce(), 1) << "the withheld row is never sent";
  ASSERT_EQ(sms_.sent.size(), 1u);
  const Message& m = sms_.sent[0];
  EXPECT_EQ(m.to, "+212612345678");
  EXPECT_EQ(m.text, "ⴰⵎⵓⵄⴷ ⵏⵏⵎ ⵉⵜⵜⵓⵙⵙⴷⵖⵔ.");
  const std::string dump = OutboxDump() + m.text + m.subject;
  for (const std::string& secret :
       {safe.reference_code, unsafe.reference_code, std::string("Planted"),
        std::string("612345678"), std::string("Tamkine"), std::string("ⵜⴰⵎⴽⵉⵏ")}) {
    EXPECT_EQ(dump.find(secret), std::string::npos) << secret;
  }
}

TEST_P(NotifierTest, PreferencesAreTheAccountHoldersAndTestGoesToOwnAddress) {
  Who& admin = User("admin", "administrator", admin_unit_, "admin@example.ma", std::nullopt);
  Who& officer = User("officer", "officer", police_, std::nullopt, "0661234567");
  auto p = notifier_->GetPreferences(officer.ctx);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->email);
  EXPECT_FALSE(p->sms);
  EXPECT_FALSE(p->email_hint.has_value());
  ASSERT_TRUE(p->phone_hint.has_value());
  EXPECT_EQ(p->phone_hint->find("1234"), std::string::npos) << *p->phone_hint;
  Preferences bad;
  bad.language = "de";
  EXPECT_EQ(notifier_->SetPreferences(officer.ctx, bad).status().code(),
            StatusCode::kInvalidArgument);
  OptIn(officer, false, true, "zgh");
  p = notifier_->GetPreferences(officer.ctx);
  EXPECT_TRUE(p->sms);
  EXPECT_EQ(p->language, "zgh");

  EXPECT_EQ(notifier_->SendTest(officer.ctx, ChannelKind::kSms).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(notifier_->SendTest(admin.ctx, ChannelKind::kSms).status().code(),
            StatusCode::kFailedPrecondition)
      << "the administrator has no phone";
  auto t = notifier_->SendTest(admin.ctx, ChannelKind::kEmail);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->template_code, "test");
  ASSERT_EQ(*worker_->RunOnce(), 1);
  ASSERT_EQ(email_.sent.size(), 1u);
  EXPECT_EQ(email_.sent[0].to, "admin@example.ma");
  EXPECT_EQ(email_.sent[0].text, "Ceci est un message de test de Tamkine.");
}

TEST(MessageTest, MasksAddressesAndPicksLanguages) {
  EXPECT_EQ(MaskAddress(ChannelKind::kEmail, "fatima@example.ma"),
            "f\u2022\u2022\u2022\u2022\u2022@e\u2022\u2022\u2022\u2022\u2022\u2022.ma");
  EXPECT_EQ(MaskAddress(ChannelKind::kSms, "+212661234567"),
            "+2126\u2022\u2022\u2022\u2022\u2022\u202267");
  EXPECT_EQ(SurvivorLanguage({"tarifit"}), "zgh");
  EXPECT_EQ(SurvivorLanguage({"other", "french"}), "fr");
  EXPECT_EQ(SurvivorLanguage({}), "ar");
  EXPECT_EQ(*RenderText("appointment_reminder", "zgh"), *RenderText("appointment_reminder", "ar"));
  for (const auto& t : Templates()) {
    for (auto lang : kLanguages) {
      auto text = RenderText(t.code, lang);
      ASSERT_TRUE(text.ok());
      if (t.audience == Audience::kSurvivor) {
        EXPECT_EQ(text->find("Tamkine"), std::string::npos) << t.code;
        EXPECT_EQ(text->find("تمكين"), std::string::npos) << t.code;
        EXPECT_EQ(RenderSubject(t.code, lang).find("Tamkine"), std::string::npos);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, NotifierTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::notify
