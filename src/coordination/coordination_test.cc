// The coordination services on every backend (SQLite always; PostgreSQL with TAMKINE_TEST_PG_URL,
// each test in a schema of its own): an instruction from the prosecution to the police through
// every state, bad input naming the field with nothing written, acting on another unit's item,
// concurrent acknowledgements (one wins), escalation with an injected clock, the inbox's order
// and exclusions, timeliness figures, and the catalogue.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "cases/case_service.h"
#include "cases/sharing_service.h"
#include "coordination/case_hooks.h"
#include "coordination/coordination_service.h"
#include "coordination/escalator.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::coordination {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

class CoordinationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-coordination-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::string url = (dir_ / "t.db").string();
    if (GetParam() == "postgresql") {
      std::string base = Env("TAMKINE_TEST_PG_URL");
      if (base.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") FAIL() << "TAMKINE_REQUIRE_PG=1 without a URL";
        GTEST_SKIP() << "PostgreSQL skipped: TAMKINE_TEST_PG_URL is not set";
      }
      auto admin = storage::OpenStore(base);
      ASSERT_TRUE(admin.ok()) << admin.status().ToString();
      pg_admin_ = std::move(*admin);
      std::random_device rd;
      schema_ = "coordination_" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
      ASSERT_TRUE(storage::WithTx(*pg_admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("CREATE SCHEMA " + schema_);
                  }).ok());
      url = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
            schema_;
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
    Deps deps{store_.get(),
              keyring_.get(),
              &clock_,
              [this](const std::string& unit) {
                std::lock_guard<std::mutex> lock(changed_mu_);
                changed_.push_back(unit);
              },
              {}};
    hooks_ = std::make_unique<CoordinationCaseHooks>(deps);
    cases::Deps cdeps{store_.get(), keyring_.get(), &clock_, nullptr, {}, nullptr, hooks_.get()};
    cases_ = std::make_unique<cases::CaseService>(cdeps);
    sharing_ = std::make_unique<cases::SharingService>(cdeps);
    svc_ = std::make_unique<CoordinationService>(deps);
    escalator_ = std::make_unique<Escalator>(deps);

    police_ = Unit("Police Fès", "police");
    health_ = Unit("Hôpital Fès", "health");
    prosecution_ = Unit("Parquet Fès", "prosecution");
    prosecution2_ = Unit("Parquet Meknès", "prosecution");
    commission_ = Unit("Commission Fès", "commission");
    officer_ = &User("officer", "officer", police_);
    officer2_ = &User("officer2", "officer", police_);
    police_head_ = &User("police.head", "unit_head", police_);
    doctor_ = &User("doctor", "doctor", health_);
    prosecutor_ = &User("prosecutor", "prosecutor", prosecution_);
    other_prosecutor_ = &User("prosecutor2", "prosecutor", prosecution2_);
    commission_member_ = &User("commission", "commission_member", commission_);
    admin_ = &User("admin", "administrator", commission_);
    case_id_ = OpenCase();
  }

  void TearDown() override {
    svc_.reset();
    store_.reset();
    if (pg_admin_) {
      EXPECT_TRUE(storage::WithTx(*pg_admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
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
    return u->id;
  }

  struct Who {
    access::Subject subject;
    access::RequestContext ctx;
  };

  const access::RequestContext& User(const std::string& username, const std::string& role,
                                     const std::string& unit) {
    identity::UserInput in;
    in.username = username;
    in.display_name = "User " + username;
    in.password = "correct horse battery";
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
    return people_.back()->ctx;
  }

  // A case opened by the police, shared with the prosecution of Fès for the investigation (and
  // with the hospital for medical care when `health_consent`); `rape` marks sexual violence.
  std::string OpenCase(bool rape = false, bool health_consent = false) {
    cases::NewCaseInput in;
    in.intake.unit_id = police_;
    in.intake.channel = "in_person";
    in.survivor.names = {"Fatima Zahra El Fictif"};
    cases::IncidentInput inc;
    inc.date = "2025-12-20";
    inc.province_code = "03.01";
    inc.place_type = "home";
    inc.forms = {"physical"};
    inc.time = "22:00";
    inc.facts.physical_assault = true;
    inc.facts.penetration = rape;
    in.incidents.push_back(inc);
    cases::ConsentInput c;
    c.unit_id = prosecution_;
    c.purposes = {"investigation_prosecution"};
    in.consents.push_back(c);
    if (health_consent) {
      c.unit_id = health_;
      c.purposes = {"medical_care"};
      in.consents.push_back(c);
    }
    auto created = cases_->Create(*officer_, in);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->view.core.id : "";
  }

  IssueInput GoToScene() {
    IssueInput in;
    in.case_id = case_id_;
    in.type = "go_to_scene";
    in.target_unit_id = police_;
    in.priority = "urgent";
    in.note = "Planted note: she is hiding at her sister's";
    return in;
  }

  int64_t Count(const std::string& sql, const storage::Params& params = {}) {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    return (*tx->QueryOne(sql, params))->Int(0);
  }

  WorkItem MustIssue(const IssueInput& in) {
    auto w = svc_->Issue(*prosecutor_, in);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : WorkItem{};
  }

  ActInput Action(std::string action) {
    ActInput a;
    a.action = std::move(action);
    return a;
  }

  fs::path dir_;
  std::string schema_;
  std::unique_ptr<storage::Store> pg_admin_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  FakeClock clock_;
  std::unique_ptr<identity::UnitService> units_;
  std::unique_ptr<identity::UserService> users_;
  std::unique_ptr<CoordinationCaseHooks> hooks_;
  std::unique_ptr<cases::CaseService> cases_;
  std::unique_ptr<cases::SharingService> sharing_;
  std::unique_ptr<CoordinationService> svc_;
  std::unique_ptr<Escalator> escalator_;
  std::vector<std::unique_ptr<Who>> people_;
  std::mutex changed_mu_;
  std::vector<std::string> changed_;
  std::string police_, health_, prosecution_, prosecution2_, commission_, case_id_;
  const access::RequestContext *officer_, *officer2_, *police_head_, *doctor_, *prosecutor_,
      *other_prosecutor_, *commission_member_, *admin_;
};

TEST_P(CoordinationTest, AnInstructionGoesFromIssuedToDoneAndEveryStepIsRecorded) {
  WorkItem w = MustIssue(GoToScene());
  EXPECT_EQ(w.state, "issued");
  EXPECT_EQ(w.kind, "instruction");
  EXPECT_EQ(w.issuer_unit_id, prosecution_);
  EXPECT_EQ(w.due_at, clock_.Now() + 60 * kMicrosPerMinute);  // urgent go_to_scene: 1 hour
  EXPECT_FALSE(w.reference_code.empty());
  EXPECT_EQ(changed_, (std::vector<std::string>{police_, prosecution_}));
  // The note is sealed in the database, never stored in clear.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE note_sealed IS NOT NULL"), 1);

  clock_.Advance(5 * kMicrosPerMinute);
  auto ack = svc_->Act(*officer_, w.id, Action("acknowledge"));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->state, "acknowledged");
  EXPECT_EQ(ack->version, 2);
  EXPECT_EQ(ack->acknowledged_by_user_id, officer_->subject->user_id);
  auto start = svc_->Act(*officer_, w.id, Action("start"));
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  ActInput done = Action("complete");
  done.outcome = "Went to the scene; the aggressor had left";
  done.version = start->version;
  auto finished = svc_->Act(*officer2_, w.id, done);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_EQ(finished->state, "done");
  EXPECT_EQ(finished->outcome, done.outcome);
  EXPECT_EQ(finished->completed_by_user_id, officer2_->subject->user_id);

  // The issuer reads the outcome; the case timeline and the audit log hold every step.
  auto read = svc_->Get(*prosecutor_, w.id);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->outcome, done.outcome);
  EXPECT_EQ(read->note, GoToScene().note);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = 'work_item'",
                  {case_id_}),
            4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'work_item.act' AND "
                  "decision = 'allowed' AND record_id = ?",
                  {w.id}),
            3);
  // Nothing more may happen to a done instruction.
  auto again = svc_->Act(*officer_, w.id, Action("refuse"));
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);  // a reason is required first
  ActInput refuse = Action("refuse");
  refuse.reason = "too late";
  again = svc_->Act(*officer_, w.id, refuse);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().field(), "action");
}

TEST_P(CoordinationTest, BadInstructionsNameTheFieldAndWriteNothing) {
  struct Bad {
    std::string name;
    std::function<void(IssueInput*)> spoil;
    StatusCode code;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {"unit that cannot perform it", [&](IssueInput* in) { in->target_unit_id = health_; },
       StatusCode::kInvalidArgument, "target_unit_id"},
      {"unknown unit", [](IssueInput* in) { in->target_unit_id = "nope"; },
       StatusCode::kInvalidArgument, "target_unit_id"},
      {"unknown type", [](IssueInput* in) { in->type = "fly_to_the_moon"; },
       StatusCode::kInvalidArgument, "type"},
      {"deadline in the past",
       [&](IssueInput* in) { in->due_at = clock_.Now() - kMicrosPerMinute; },
       StatusCode::kInvalidArgument, "due_at"},
      {"issued in the future",
       [&](IssueInput* in) { in->issued_at = clock_.Now() + kMicrosPerMinute; },
       StatusCode::kInvalidArgument, "issued_at"},
      {"issued long ago",
       [&](IssueInput* in) { in->issued_at = clock_.Now() - 30 * 24 * kMicrosPerHour; },
       StatusCode::kInvalidArgument, "issued_at"},
      {"unknown priority", [](IssueInput* in) { in->priority = "red"; },
       StatusCode::kInvalidArgument, "priority"},
      {"acting for a unit she is not in", [&](IssueInput* in) { in->acting_unit_id = police_; },
       StatusCode::kInvalidArgument, "acting_unit_id"},
      {"unknown case", [](IssueInput* in) { in->case_id = "nope"; }, StatusCode::kNotFound, ""},
  };
  for (const auto& b : bad) {
    IssueInput in = GoToScene();
    b.spoil(&in);
    auto r = svc_->Issue(*prosecutor_, in);
    EXPECT_EQ(r.status().code(), b.code) << b.name << ": " << r.status().ToString();
    EXPECT_EQ(r.status().field(), b.field) << b.name;
  }
  // Officers do not give instructions; a prosecutor whose unit does not work on the case neither.
  EXPECT_EQ(svc_->Issue(*officer_, GoToScene()).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Issue(*other_prosecutor_, GoToScene()).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'instruction.issue' AND "
                  "decision = 'denied'"),
            2);
  EXPECT_TRUE(changed_.empty());

  // A phone instruction recorded afterwards keeps its real time; its deadline runs from then.
  IssueInput phone = GoToScene();
  phone.issued_at = clock_.Now() - 2 * kMicrosPerHour;
  WorkItem w = MustIssue(phone);
  EXPECT_EQ(w.issued_at, *phone.issued_at);
  EXPECT_EQ(w.recorded_at, clock_.Now());
  EXPECT_TRUE(w.OverdueAt(clock_.Now()));
}

TEST_P(CoordinationTest, OnlyTheTargetUnitActsAndEachMoveNeedsWhatItNeeds) {
  WorkItem w = MustIssue(GoToScene());
  EXPECT_EQ(svc_->Act(*doctor_, w.id, Action("acknowledge")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Act(*prosecutor_, w.id, Action("acknowledge")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Get(*doctor_, w.id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Act(*officer_, "nope", Action("acknowledge")).status().code(),
            StatusCode::kNotFound);

  auto no_outcome = svc_->Act(*officer_, w.id, Action("complete"));
  EXPECT_EQ(no_outcome.status().field(), "outcome");
  ActInput with_doc = Action("complete");
  with_doc.outcome = "done";
  with_doc.document_ids = {"not-a-document"};
  auto bad_doc = svc_->Act(*officer_, w.id, with_doc);
  EXPECT_EQ(bad_doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad_doc.status().field(), "document_ids[0]");
  ActInput stale = Action("acknowledge");
  stale.version = 7;
  auto st = svc_->Act(*officer_, w.id, stale);
  EXPECT_EQ(st.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.status().field(), "version");
  auto review_code = Action("complete");
  review_code.outcome = "x";
  review_code.outcome_code = "no_pressure";
  EXPECT_EQ(svc_->Act(*officer_, w.id, review_code).status().field(), "outcome_code");
  // Nothing of the refused attempts was written.
  EXPECT_EQ(Count("SELECT version FROM work_items WHERE id = ?", {w.id}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_item_documents"), 0);

  ActInput refuse = Action("refuse");
  refuse.reason = "No patrol car available tonight";
  auto refused = svc_->Act(*officer_, w.id, refuse);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->state, "refused");
  EXPECT_EQ(refused->refusal_reason, refuse.reason);
}

TEST_P(CoordinationTest, OfConcurrentAcknowledgementsExactlyOneWins) {
  WorkItem w = MustIssue(GoToScene());
  constexpr int kThreads = 6;
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto r = svc_->Act(i % 2 == 0 ? *officer_ : *officer2_, w.id, Action("acknowledge"));
      if (r.ok()) {
        ++ok;
      } else if (r.status().code() == StatusCode::kFailedPrecondition ||
                 r.status().code() == StatusCode::kAborted) {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("SELECT version FROM work_items WHERE id = ?", {w.id}), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE kind = 'work_item' AND "
                  "to_value = 'acknowledged'"),
            1);
}

TEST_P(CoordinationTest, OverdueItemsEscalateOnceToBothUnits) {
  WorkItem urgent = MustIssue(GoToScene());
  IssueInput normal = GoToScene();
  normal.priority = "normal";  // 24 hours
  WorkItem later = MustIssue(normal);
  WorkItem finished = MustIssue(GoToScene());
  ActInput done = Action("complete");
  done.outcome = "done at once";
  ASSERT_TRUE(svc_->Act(*officer_, finished.id, done).ok());
  changed_.clear();

  auto none = escalator_->Sweep(clock_.Now());
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(*none, 0);
  clock_.Advance(61 * kMicrosPerMinute);
  auto one = escalator_->Sweep(clock_.Now());
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(*one, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE escalated_at IS NOT NULL AND id = ?",
                  {urgent.id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE kind = 'work_item_overdue' AND ref_id = ? "
                  "AND unit_id IN (?, ?)",
                  {urgent.id, police_, prosecution_}),
            2);
  EXPECT_EQ(changed_.size(), 2u);
  // Once only.
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 0);
  // The head of police sees the alert and the overdue item first in the inbox.
  auto inbox = svc_->InboxOf(*police_head_);
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
  ASSERT_EQ(inbox->items.size(), 2u);
  EXPECT_EQ(inbox->items[0].id, urgent.id);
  EXPECT_EQ(inbox->items[1].id, later.id);
  ASSERT_EQ(inbox->alerts.size(), 1u);
  EXPECT_EQ(inbox->alerts[0].ref_id, urgent.id);
  clock_.Advance(24 * kMicrosPerHour);
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 1);
}

TEST_P(CoordinationTest, TheInboxHoldsWhatIsMineOrderedAndNothingOfExcludedCases) {
  IssueInput normal = GoToScene();
  normal.priority = "normal";
  WorkItem n = MustIssue(normal);
  WorkItem u = MustIssue(GoToScene());
  auto officer = svc_->InboxOf(*officer_);
  ASSERT_TRUE(officer.ok());
  ASSERT_EQ(officer->items.size(), 2u);
  EXPECT_EQ(officer->items[0].id, u.id);  // urgent before normal
  EXPECT_EQ(officer->items[1].id, n.id);
  EXPECT_TRUE(officer->items[0].text_withheld);
  EXPECT_FALSE(officer->items[0].note.has_value());
  EXPECT_TRUE(officer->alerts.empty());                      // officers are not unit heads
  EXPECT_EQ(svc_->InboxOf(*prosecutor_)->items.size(), 2u);  // she issued them
  EXPECT_TRUE(svc_->InboxOf(*doctor_)->items.empty());
  // A done item leaves the inbox.
  ActInput done = Action("complete");
  done.outcome = "ok";
  ASSERT_TRUE(svc_->Act(*officer_, u.id, done).ok());
  EXPECT_EQ(svc_->InboxOf(*officer_)->items.size(), 1u);
  // An officer recorded as related to the case sees none of its items.
  ASSERT_TRUE(storage::WithTx(*store_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                return tx
                    .Exec(
                        "INSERT INTO case_exclusions (case_id, user_id, reason, created_at) "
                        "VALUES (?, ?, 'relative', 0)",
                        {case_id_, officer2_->subject->user_id})
                    .status();
              }).ok());
  EXPECT_TRUE(svc_->InboxOf(*officer2_)->items.empty());
  EXPECT_EQ(svc_->Act(*officer2_, n.id, Action("acknowledge")).status().code(),
            StatusCode::kNotFound);
  // The case page lists the items to those who see the case.
  auto list = svc_->ForCase(*officer_, case_id_);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(svc_->ForCase(*doctor_, case_id_).status().code(), StatusCode::kPermissionDenied);
}

TEST_P(CoordinationTest, TimelinessFiguresPerUnitAndSector) {
  const Micros from = clock_.Now() - kMicrosPerHour;
  WorkItem a = MustIssue(GoToScene());
  WorkItem b = MustIssue(GoToScene());
  clock_.Advance(30 * kMicrosPerMinute);
  ASSERT_TRUE(svc_->Act(*officer_, a.id, Action("acknowledge")).ok());
  clock_.Advance(60 * kMicrosPerMinute);
  ActInput done = Action("complete");
  done.outcome = "ok";
  ASSERT_TRUE(svc_->Act(*officer_, a.id, done).ok());  // 90 minutes: late (1 hour)
  TimelinessQuery q{from, clock_.Now() + kMicrosPerHour};
  auto t = svc_->TimelinessOf(*commission_member_, q);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->units.size(), 1u);
  const TimelinessRow& row = t->units[0];
  EXPECT_EQ(row.unit_id, police_);
  EXPECT_EQ(row.items, 2);
  EXPECT_EQ(row.done, 1);
  EXPECT_EQ(row.open, 1);
  EXPECT_EQ(row.overdue_open, 1);  // b, never acknowledged
  EXPECT_EQ(row.completed_late, 1);
  EXPECT_EQ(row.acknowledgement.count, 1);
  EXPECT_EQ(row.acknowledgement.median_minutes, 30);
  EXPECT_EQ(row.completion.median_minutes, 90);
  EXPECT_EQ(row.intake_to_first_instruction.count, 1);
  ASSERT_EQ(t->sectors.size(), 1u);
  EXPECT_EQ(t->sectors[0].sector, "police");
  EXPECT_EQ(t->sectors[0].items, 2);
  // Unit heads see their own units only; officers see nothing.
  auto head = svc_->TimelinessOf(*police_head_, q);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->units.size(), 1u);
  q.unit_id = health_;
  EXPECT_EQ(svc_->TimelinessOf(*police_head_, q).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->TimelinessOf(*officer_, q).status().code(), StatusCode::kPermissionDenied);
  q.to = q.from;
  EXPECT_EQ(svc_->TimelinessOf(*admin_, q).status().field(), "to");
  (void)b;
}

TEST_P(CoordinationTest, AdministratorsExtendTheCatalogue) {
  auto list = svc_->Catalogue(*officer_);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 8u);
  InstructionType t;
  t.code = "escort_to_court";
  t.label_ar = "مرافقة إلى المحكمة";
  t.label_fr = "Accompagner au tribunal";
  t.label_en = "Escort her to court";
  t.sectors = {"ngo_listening"};
  t.default_priority = "normal";
  EXPECT_EQ(svc_->AddType(*prosecutor_, t).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(svc_->AddType(*admin_, t).ok());
  auto dup = svc_->AddType(*admin_, t);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().field(), "code");
  EXPECT_EQ(svc_->Catalogue(*officer_)->size(), 9u);
  IssueInput in = GoToScene();
  in.type = t.code;  // a police unit cannot perform it
  EXPECT_EQ(svc_->Issue(*prosecutor_, in).status().field(), "target_unit_id");
}

TEST_P(CoordinationTest, AWithdrawalOpensAReviewAndTheJusticeTrackWaitsForIt) {
  WithdrawalInput in;
  in.case_id = case_id_;
  in.note = "She said her mother-in-law asked her to";
  EXPECT_EQ(svc_->RecordWithdrawal(*doctor_, in).status().code(), StatusCode::kPermissionDenied);
  in.withdrawn_at = clock_.Now() + kMicrosPerHour;
  EXPECT_EQ(svc_->RecordWithdrawal(*officer_, in).status().field(), "withdrawn_at");
  in.withdrawn_at.reset();
  auto review = svc_->RecordWithdrawal(*officer_, in);
  ASSERT_TRUE(review.ok()) << review.status().ToString();
  EXPECT_EQ(review->kind, "withdrawal_review");
  EXPECT_EQ(review->target_unit_id, prosecution_);  // the prosecution holding her consent
  EXPECT_EQ(review->due_at, clock_.Now() + 48 * kMicrosPerHour);
  auto again = svc_->RecordWithdrawal(*officer_, in);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().field(), "case_id");

  // The justice track cannot close while the review is open.
  cases::TransitionInput t;
  t.track = "justice";
  t.to = "complaint";
  ASSERT_TRUE(cases_->Transition(*officer_, case_id_, t).ok());
  t.to = "closed_without_action";
  t.reason = "complaint withdrawn";
  t.close_reason = "survivor_request";
  auto closed = cases_->Transition(*prosecutor_, case_id_, t);
  EXPECT_EQ(closed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(closed.status().field(), "to");

  // The prosecution reviews it: an outcome code is needed, a note when pressure is suspected;
  // a review cannot be refused.
  ActInput refuse = Action("refuse");
  refuse.reason = "not ours";
  EXPECT_EQ(svc_->Act(*prosecutor_, review->id, refuse).status().field(), "action");
  EXPECT_EQ(svc_->Act(*officer_, review->id, Action("acknowledge")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->Act(*prosecutor_, review->id, Action("complete")).status().field(),
            "outcome_code");
  ActInput done = Action("complete");
  done.outcome_code = "pressure_suspected";
  EXPECT_EQ(svc_->Act(*prosecutor_, review->id, done).status().field(), "outcome");
  done.outcome = "Heard alone: threatened by her husband's family";
  auto reviewed = svc_->Act(*prosecutor_, review->id, done);
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ(reviewed->outcome_code, "pressure_suspected");
  // Pressure suspected: the prosecutor asks the police to investigate, linked to the review.
  IssueInput investigate = GoToScene();
  investigate.type = "investigate_withdrawal";
  investigate.priority.reset();
  investigate.parent_id = review->id;
  WorkItem inv = MustIssue(investigate);
  EXPECT_EQ(inv.parent_id, review->id);
  EXPECT_EQ(inv.priority, "priority");
  // Now the track may close.
  EXPECT_TRUE(cases_->Transition(*prosecutor_, case_id_, t).ok());
}

TEST_P(CoordinationTest, SexualViolenceSchedulesHealthFollowupsFromTheIncidentTime) {
  const std::string id = OpenCase(/*rape=*/true, /*health_consent=*/true);
  const Micros incident = *IncidentTime("2025-12-20", "22:00");
  auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
  auto rows = *tx->Query(
      "SELECT type, target_unit_id, due_at, priority FROM work_items WHERE case_id = ? AND "
      "kind = 'health_followup' ORDER BY type",
      {id});
  tx.reset();
  ASSERT_EQ(rows.size(), 5u);
  std::map<std::string, Micros> due;
  for (const auto& r : rows) {
    EXPECT_EQ(r.Text(1), health_);
    due[r.Text(0)] = r.Int(2);
  }
  EXPECT_EQ(due["hiv_pep"], incident + 72 * kMicrosPerHour);
  EXPECT_EQ(due["emergency_contraception"], incident + 120 * kMicrosPerHour);
  EXPECT_EQ(due["pregnancy_test"], incident + 21 * 24 * kMicrosPerHour);
  // The health unit's inbox shows them, overdue ones (the incident was 11 days ago) first; the
  // police do not see them on the case page, the doctor does.
  auto inbox = svc_->InboxOf(*doctor_);
  ASSERT_TRUE(inbox.ok());
  ASSERT_EQ(inbox->items.size(), 5u);
  EXPECT_TRUE(inbox->items[0].OverdueAt(clock_.Now()));
  EXPECT_EQ(inbox->items[0].priority, "urgent");
  EXPECT_TRUE(svc_->ForCase(*officer_, id)->empty());
  EXPECT_EQ(svc_->ForCase(*doctor_, id)->size(), 5u);
  // She declines one; the doctor records another done.
  ActInput decline = Action("decline");
  decline.reason = "She does not want it";
  auto declined = svc_->Act(*doctor_, inbox->items[0].id, decline);
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_EQ(declined->state, "declined");
  EXPECT_TRUE(svc_->Act(*doctor_, inbox->items[1].id, Action("complete")).ok());
  // Writing to the case again does not schedule them twice.
  cases::ConsentInput more;
  more.unit_id = health_;
  more.purposes = {"psychological_care"};
  ASSERT_TRUE(sharing_->RecordConsent(*officer_, id, more, std::nullopt).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE case_id = ? AND kind = "
                  "'health_followup'",
                  {id}),
            5);
  // Physical violence alone schedules nothing.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE case_id = ?", {case_id_}), 0);
}

TEST_P(CoordinationTest, FollowupsWaitForAHealthUnitAndAreAddressedWhenOneGetsConsent) {
  const std::string id = OpenCase(/*rape=*/true, /*health_consent=*/false);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM work_items WHERE case_id = ? AND target_unit_id IS NULL", {id}),
      5);
  EXPECT_TRUE(svc_->InboxOf(*doctor_)->items.empty());
  // Unassigned, they alert no one yet (emergency contraception and PEP are already overdue).
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 0);
  cases::ConsentInput medical;
  medical.unit_id = health_;
  medical.purposes = {"medical_care"};
  ASSERT_TRUE(sharing_->RecordConsent(*officer_, id, medical, std::nullopt).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE case_id = ? AND target_unit_id = ?",
                  {id, health_}),
            5);
  EXPECT_EQ(svc_->InboxOf(*doctor_)->items.size(), 5u);
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE unit_id = ? AND kind = 'work_item_overdue'",
                  {health_}),
            2);
}

TEST_P(CoordinationTest, ProtectionMeasuresAreRecordedAndTheirEndIsRemindedOnce) {
  MeasureInput in;
  in.case_id = case_id_;
  in.kind = "contact_ban";
  in.issuing_authority = "Parquet de Fès (fictif)";
  in.starts_on = clock_.Now();
  in.ends_on = clock_.Now() + 30 * 24 * kMicrosPerHour;
  in.conditions = "No contact by any means, including through relatives";
  EXPECT_EQ(svc_->IssueMeasure(*officer_, in).status().code(), StatusCode::kPermissionDenied);
  MeasureInput bad = in;
  bad.kind = "exile";
  EXPECT_EQ(svc_->IssueMeasure(*prosecutor_, bad).status().field(), "kind");
  bad = in;
  bad.ends_on = in.starts_on;
  EXPECT_EQ(svc_->IssueMeasure(*prosecutor_, bad).status().field(), "ends_on");
  auto m = svc_->IssueMeasure(*prosecutor_, in);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->state, "active");
  auto listed = svc_->Measures(*officer_, case_id_);  // police read the justice compartment
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].conditions, in.conditions);
  EXPECT_EQ(svc_->Measures(*doctor_, case_id_).status().code(), StatusCode::kPermissionDenied);

  // 22 days later nothing; 23 days later (7 before the end) one reminder for the prosecution.
  clock_.Advance(22 * 24 * kMicrosPerHour);
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 0);
  clock_.Advance(24 * kMicrosPerHour + kMicrosPerMinute);
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 1);
  EXPECT_EQ(*escalator_->Sweep(clock_.Now()), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_items WHERE kind = 'measure_expiry' AND "
                  "target_unit_id = ? AND measure_id = ?",
                  {prosecution_, m->id}),
            1);
  // A violation: an urgent instruction to the police and a linked incident, all or nothing.
  ViolationInput v;
  v.measure_id = m->id;
  v.target_unit_id = health_;
  v.incident.date = "2026-01-20";
  v.incident.province_code = "03.01";
  v.incident.place_type = "home";
  v.incident.forms = {"psychological"};
  v.incident.facts.psychological_abuse = true;
  const int64_t incidents = Count("SELECT COUNT(*) FROM incidents WHERE case_id = ?", {case_id_});
  EXPECT_EQ(svc_->ReportViolation(*officer_, v).status().field(), "target_unit_id");
  v.target_unit_id = police_;
  v.incident.date = "2030-01-01";
  EXPECT_EQ(svc_->ReportViolation(*officer_, v).status().field(), "incident.date");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM incidents WHERE case_id = ?", {case_id_}), incidents);
  v.incident.date = "2026-01-20";
  auto reported = svc_->ReportViolation(*officer_, v);
  ASSERT_TRUE(reported.ok()) << reported.status().ToString();
  EXPECT_EQ(reported->instruction.priority, "urgent");
  EXPECT_EQ(reported->instruction.type, "arrest_aggressor");
  EXPECT_EQ(reported->instruction.measure_id, m->id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM incidents WHERE case_id = ?", {case_id_}), incidents + 1);
  EXPECT_EQ(svc_->ReportViolation(*doctor_, v).status().code(), StatusCode::kPermissionDenied);
  // At its end it is ended.
  clock_.Advance(8 * 24 * kMicrosPerHour);
  ASSERT_TRUE(escalator_->Sweep(clock_.Now()).ok());
  EXPECT_EQ((*svc_->Measures(*officer_, case_id_))[0].state, "ended");
  EXPECT_EQ(svc_->ReportViolation(*officer_, v).status().field(), "measure_id");
}

INSTANTIATE_TEST_SUITE_P(Backends, CoordinationTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::coordination
