// Referrals on every backend (SQLite always; PostgreSQL with TAMKINE_TEST_PG_URL, each store in a
// schema of its own): the shelter reads exactly the document the police sent and loses it when
// her consent is revoked; bad input names the field and writes nothing; only the receiving unit
// decides and only the referring unit cancels; of two users deciding at once one wins and the
// other is refused; a decline carries a next step and the path shows both; the inbox; the hook.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "cases/case_service.h"
#include "cases/document_service.h"
#include "cases/sharing_service.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "referrals/referral_service.h"
#include "storage/migrations/schema.h"

namespace tamkine::referrals {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

class ReferralsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tamkine-referrals-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    std::string url;
    if (GetParam() == "sqlite") {
      url = (dir_ / "t.db").string();
    } else {
      const std::string base = Env("TAMKINE_TEST_PG_URL");
      if (base.empty()) {
        if (Env("TAMKINE_REQUIRE_PG") == "1") FAIL() << "TAMKINE_REQUIRE_PG=1 without a URL";
        GTEST_SKIP() << "PostgreSQL skipped: TAMKINE_TEST_PG_URL is not set";
      }
      auto admin = storage::OpenStore(base);
      ASSERT_TRUE(admin.ok()) << admin.status().ToString();
      admin_ = std::move(*admin);
      std::random_device rd;
      schema_ = "referrals_" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000);
      ASSERT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
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
    kek.fill(5);
    keyring_ = std::make_unique<crypto::Keyring>(kek);
    ASSERT_TRUE(keys::LoadKeyring(*store_, *keyring_, clock_).ok());
    hasher_ = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    identity::Deps ideps{store_.get(), keyring_.get(), hasher_.get(), &clock_};
    units_ = std::make_unique<identity::UnitService>(ideps);
    users_ = std::make_unique<identity::UserService>(ideps);
    Deps deps{store_.get(), keyring_.get(), &clock_, [this](const std::string& unit) {
                std::lock_guard<std::mutex> lock(changed_mu_);
                changed_.push_back(unit);
              }};
    referrals_ = std::make_unique<ReferralService>(deps);
    cases::Deps cdeps{store_.get(), keyring_.get(),   &clock_,
                      nullptr,      cases::Options{}, referrals_->shares()};
    cases_ = std::make_unique<cases::CaseService>(cdeps);
    sharing_ = std::make_unique<cases::SharingService>(cdeps);
    documents_ = std::make_unique<cases::DocumentService>(cdeps);

    police_ = Unit("Police Fès", "police", "03.01");
    shelter_ = Unit("Refuge Fès", "ngo_shelter", "03.01");
    shelter2_ = Unit("Refuge Meknès", "ngo_shelter", "03.02");
    health_ = Unit("Hôpital Fès", "health", "03.01");
    officer_ = &User("officer", "officer", police_);
    shelter_worker_ = &User("shelter.worker", "social_worker", shelter_);
    shelter_head_ = &User("shelter.head", "unit_head", shelter_);
    shelter2_worker_ = &User("shelter2.worker", "social_worker", shelter2_);
    doctor_ = &User("doctor", "doctor", health_);
  }

  void TearDown() override {
    store_.reset();
    if (admin_ && !schema_.empty()) {
      EXPECT_TRUE(storage::WithTx(*admin_, storage::TxMode::kWrite, [&](storage::Tx& tx) {
                    return tx.ExecScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
                  }).ok());
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string Unit(const std::string& name, const std::string& sector, const std::string& prov) {
    identity::UnitInput in;
    in.name = name;
    in.sector = sector;
    in.province_code = prov;
    auto u = units_->CreateBootstrap(in);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? u->id : "";
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

  // A case opened by the police with her consent for the shelter (shelter) and the second
  // shelter (shelter), a complaint and police minutes.
  void OpenCase() {
    cases::NewCaseInput in;
    in.intake.unit_id = police_;
    in.intake.channel = "in_person";
    in.survivor.names = {"Fatima Zahra El Idrissi"};
    in.survivor.birth_date = "1994-03";
    cases::IncidentInput inc;
    inc.date = "2025-12-20";
    inc.province_code = "03.01";
    inc.place_type = "home";
    inc.forms = {"physical"};
    inc.facts.physical_assault = true;
    cases::PerpetratorInput p;
    p.relationship = "husband";
    inc.perpetrators.push_back(p);
    in.incidents.push_back(inc);
    cases::ConsentInput c;
    c.unit_id = shelter_;
    c.purposes = {"shelter"};
    in.consents.push_back(c);
    c.unit_id = shelter2_;
    in.consents.push_back(c);
    auto made = cases_->Create(*officer_, in);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    case_id_ = made->view.core.id;
    complaint_ = Document("complaint", {{"filed_on", "2025-12-21"}, {"route", "in_person"}});
    minutes_ = Document("police_minutes", {{"recorded_on", "2025-12-21"}});
  }

  std::string Document(const std::string& type, Json metadata) {
    cases::DocumentInput d;
    d.type = type;
    d.metadata = std::move(metadata);
    auto doc = documents_->Create(*officer_, case_id_, d);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? doc->id : "";
  }

  ReferralInput ToShelter(const std::string& unit) {
    ReferralInput in;
    in.to_unit_id = unit;
    in.service = "shelter";
    in.priority = "urgent";
    in.reason = "Planted referral reason: she cannot go home tonight";
    in.document_ids = {complaint_};
    in.documents_agreement = "oral";
    return in;
  }

  int64_t Count(const std::string& sql, const storage::Params& params = {}) {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    return (*tx->QueryOne(sql, params))->Int(0);
  }

  bool Reads(const access::RequestContext& who, const std::string& doc) {
    return documents_->Get(who, case_id_, doc).ok() &&
           documents_->Content(who, case_id_, doc, 0).status().code() !=
               StatusCode::kPermissionDenied;
  }

  fs::path dir_;
  std::unique_ptr<storage::Store> admin_;
  std::string schema_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  FakeClock clock_;
  std::unique_ptr<identity::UnitService> units_;
  std::unique_ptr<identity::UserService> users_;
  std::unique_ptr<ReferralService> referrals_;
  std::unique_ptr<cases::CaseService> cases_;
  std::unique_ptr<cases::SharingService> sharing_;
  std::unique_ptr<cases::DocumentService> documents_;
  std::vector<std::unique_ptr<Who>> people_;
  std::mutex changed_mu_;
  std::vector<std::string> changed_;
  std::string police_, shelter_, shelter2_, health_;
  const access::RequestContext *officer_ = nullptr, *shelter_worker_ = nullptr,
                               *shelter_head_ = nullptr, *shelter2_worker_ = nullptr,
                               *doctor_ = nullptr;
  std::string case_id_, complaint_, minutes_;
};

TEST_P(ReferralsTest, TheShelterReadsExactlyTheSentDocumentUntilHerConsentIsRevoked) {
  OpenCase();
  // Before: the shelter reaches the case but a complaint is not a shelter's to read.
  EXPECT_FALSE(Reads(*shelter_worker_, complaint_));
  auto r = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state, "proposed");
  EXPECT_EQ(r->consent_basis, "consent");
  EXPECT_EQ(r->purpose, "shelter");
  EXPECT_EQ(r->from_unit.id, police_);
  ASSERT_EQ(r->documents.size(), 1u);
  EXPECT_EQ(r->documents[0].id, complaint_);
  EXPECT_EQ(r->documents[0].agreement, "oral");
  EXPECT_EQ(r->version, 1);

  // Exactly that document: the complaint, never the minutes; not another shelter either.
  EXPECT_TRUE(Reads(*shelter_worker_, complaint_));
  EXPECT_FALSE(Reads(*shelter_worker_, minutes_));
  EXPECT_FALSE(Reads(*shelter2_worker_, complaint_));
  auto listed = documents_->List(*shelter_worker_, case_id_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, complaint_);

  auto accepted = referrals_->Accept(*shelter_worker_, r->id, {1, std::nullopt, std::nullopt});
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->state, "accepted");
  EXPECT_EQ(accepted->version, 2);
  ASSERT_TRUE(accepted->decided_by_unit.has_value());
  EXPECT_EQ(accepted->decided_by_unit->id, shelter_);
  EXPECT_TRUE(Reads(*shelter_worker_, complaint_));

  // The path, the timeline and the audit log show it.
  auto path = referrals_->ListForCase(*officer_, case_id_);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  ASSERT_EQ(path->size(), 1u);
  EXPECT_EQ((*path)[0].reason, "Planted referral reason: she cannot go home tonight");
  auto timeline = cases_->Timeline(*officer_, case_id_);
  ASSERT_TRUE(timeline.ok());
  int referral_events = 0;
  for (const auto& t : *timeline) {
    if (t.kind == "referral_created" || t.kind == "referral_accepted") {
      ++referral_events;
      ASSERT_TRUE(t.related_unit.has_value());
      EXPECT_EQ(t.related_unit->id, shelter_);
    }
  }
  EXPECT_EQ(referral_events, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'referral.create' AND decision = "
                  "'allowed' AND record_id = ?",
                  {case_id_}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'referral.decide' AND decision = "
                  "'allowed' AND record_id = ?",
                  {case_id_}),
            1);
  // The reason is sealed at rest.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals WHERE reason_sealed LIKE '%Planted%'"), 0);

  // Revoking her consent for the shelter ends the share on the next request.
  auto consents = sharing_->ListConsents(*officer_, case_id_);
  ASSERT_TRUE(consents.ok());
  for (const auto& c : *consents) {
    if (c.unit.id != shelter_) continue;
    ASSERT_TRUE(
        sharing_->RevokeConsent(*officer_, case_id_, c.id, "survivor_request", std::nullopt).ok());
  }
  EXPECT_FALSE(Reads(*shelter_worker_, complaint_));

  // The hook heard of both units on each change.
  std::lock_guard<std::mutex> lock(changed_mu_);
  EXPECT_EQ(std::count(changed_.begin(), changed_.end(), shelter_), 2);
  EXPECT_EQ(std::count(changed_.begin(), changed_.end(), police_), 2);
}

TEST_P(ReferralsTest, BadInputNamesTheFieldAndWritesNothing) {
  OpenCase();
  // A document the police may not read: a note the hospital added (with her consent).
  cases::ConsentInput c;
  c.unit_id = health_;
  c.purposes = {"medical_care"};
  ASSERT_TRUE(sharing_->RecordConsent(*officer_, case_id_, c, std::nullopt).ok());
  cases::DocumentInput d;
  d.type = "other";
  d.metadata = {{"title", "Planted clinical page"}};
  auto clinical = documents_->Create(*doctor_, case_id_, d);
  ASSERT_TRUE(clinical.ok()) << clinical.status().ToString();

  struct Row {
    const char* name;
    std::function<void(ReferralInput&)> edit;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"no consent for that unit", [&](ReferralInput& in) { in.to_unit_id = health_; },
       "to_unit_id"},
      {"unit that does not provide the service",
       [&](ReferralInput& in) {
         in.to_unit_id = health_;
         in.service = "legal_aid";
       },
       "to_unit_id"},
      {"unknown unit",
       [&](ReferralInput& in) { in.to_unit_id = "0123456789abcdef0123456789abcdef"; },
       "to_unit_id"},
      {"unknown service", [&](ReferralInput& in) { in.service = "spa"; }, "service"},
      {"unknown priority", [&](ReferralInput& in) { in.priority = "whenever"; }, "priority"},
      {"a document of no case",
       [&](ReferralInput& in) { in.document_ids = {"0123456789abcdef0123456789abcdef"}; },
       "document_ids[0]"},
      {"a document the police may not read",
       [&](ReferralInput& in) {
         in.document_ids = {complaint_, clinical->id};
       },
       "document_ids[1]"},
      {"a document twice",
       [&](ReferralInput& in) {
         in.document_ids = {complaint_, complaint_};
       },
       "document_ids[1]"},
      {"documents without her agreement",
       [&](ReferralInput& in) { in.documents_agreement.reset(); }, "documents_agreement"},
      {"an agreement that is no method", [&](ReferralInput& in) { in.documents_agreement = "nod"; },
       "documents_agreement"},
      {"to itself", [&](ReferralInput& in) { in.to_unit_id = police_; }, "to_unit_id"},
  };
  for (const auto& row : rows) {
    ReferralInput in = ToShelter(shelter_);
    row.edit(in);
    auto r = referrals_->Create(*officer_, case_id_, in);
    ASSERT_FALSE(r.ok()) << row.name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << row.name;
    EXPECT_EQ(r.status().field(), row.field) << row.name << ": " << r.status().ToString();
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referral_documents"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE kind LIKE 'referral%'"), 0);

  // Someone outside the case cannot refer her at all.
  auto outsider = referrals_->Create(*shelter2_worker_, "0123456789abcdef0123456789abcdef",
                                     ToShelter(shelter_));
  EXPECT_EQ(outsider.status().code(), StatusCode::kNotFound);
}

TEST_P(ReferralsTest, OnlyTheReceivingUnitDecidesAndOnlyTheReferringUnitCancels) {
  OpenCase();
  auto r = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(referrals_->Accept(*shelter2_worker_, r->id, {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(referrals_->Accept(*officer_, r->id, {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(referrals_->Cancel(*shelter_worker_, r->id, {}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('referral.decide', "
                  "'referral.cancel') AND decision = 'denied'"),
            3);
  auto cancelled = referrals_->Cancel(*officer_, r->id, {});
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->state, "cancelled");
  // Cancelled: the share ends and no decision applies any more.
  EXPECT_FALSE(Reads(*shelter_worker_, complaint_));
  auto late = referrals_->Accept(*shelter_worker_, r->id, {});
  EXPECT_EQ(late.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(late.status().field(), "state");
}

TEST_P(ReferralsTest, TwoUsersDecidingAtOnceOneWins) {
  OpenCase();
  // A stale version is refused by name.
  auto r = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(referrals_->Accept(*shelter_worker_, r->id, {1, std::nullopt, std::nullopt}).ok());
  DeclineInput stale;
  stale.version = 1;
  stale.reason = "no room";
  stale.next_step.text = "call the shelter in Meknès";
  stale.next_step.holder_unit_id = police_;
  auto refused = referrals_->Decline(*shelter_head_, r->id, stale);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().field(), "version");

  // Racing threads on a fresh referral: exactly one decision applies.
  for (int round = 0; round < 3; ++round) {
    auto fresh = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    std::atomic<int> ok{0};
    std::atomic<int> conflict{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&, i] {
        StatusOr<ReferralView> got = Internal("not decided");
        if (i % 2 == 0) {
          got = referrals_->Accept(i == 0 ? *shelter_worker_ : *shelter_head_, fresh->id,
                                   {1, std::nullopt, std::nullopt});
        } else {
          got = referrals_->Decline(i == 1 ? *shelter_worker_ : *shelter_head_, fresh->id, stale);
        }
        if (got.ok()) {
          ++ok;
        } else if (got.status().code() == StatusCode::kFailedPrecondition ||
                   got.status().code() == StatusCode::kAborted) {
          ++conflict;
        } else {
          ++other;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(conflict.load(), 3);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(Count("SELECT version FROM referrals WHERE id = ?", {fresh->id}), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE kind IN ('referral_accepted', "
                    "'referral_declined') AND case_id = ? AND detail_sealed IS NOT NULL",
                    {case_id_}),
              Count("SELECT COUNT(*) FROM referrals WHERE state = 'declined'"));
  }
}

TEST_P(ReferralsTest, ADeclineCarriesANextStepAndThePathShowsBoth) {
  OpenCase();
  auto r = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  clock_.Advance(kMicrosPerMinute);  // the path is in time order

  DeclineInput d;
  d.reason = "Planted decline: no bed tonight";
  auto none = referrals_->Decline(*shelter_worker_, r->id, d);
  EXPECT_EQ(none.status().field(), "next_step");
  d.next_step.text = "call back";
  auto no_holder = referrals_->Decline(*shelter_worker_, r->id, d);
  EXPECT_EQ(no_holder.status().field(), "next_step.holder_unit_id");
  d.next_step.holder_unit_id = health_;  // does not work on the case
  auto outsider = referrals_->Decline(*shelter_worker_, r->id, d);
  EXPECT_EQ(outsider.status().field(), "next_step.holder_unit_id");
  // A new referral without her consent for that unit: refused, and the decline with it.
  d.next_step = {};
  ReferralInput onward = ToShelter(shelter2_);
  onward.to_unit_id = health_;
  onward.service = "medical_care";
  onward.document_ids.clear();
  onward.documents_agreement.reset();
  d.next_step.referral = onward;
  auto no_consent = referrals_->Decline(*shelter_worker_, r->id, d);
  EXPECT_EQ(no_consent.status().field(), "next_step.referral.to_unit_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals WHERE state = 'proposed'"), 1);

  // The shelter passes her on to the other shelter, with the complaint it was sent.
  d.next_step.referral = ToShelter(shelter2_);
  auto declined = referrals_->Decline(*shelter_worker_, r->id, d);
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_EQ(declined->state, "declined");
  EXPECT_EQ(declined->decision_note, "Planted decline: no bed tonight");
  ASSERT_TRUE(declined->next_step_referral_id.has_value());
  EXPECT_FALSE(Reads(*shelter_worker_, complaint_));
  EXPECT_TRUE(Reads(*shelter2_worker_, complaint_));

  // The second shelter declines too, naming a step the police hold.
  DeclineInput d2;
  d2.reason = "she needs a place for her three children";
  d2.next_step.text = "find a place with Entraide Nationale";
  d2.next_step.holder_unit_id = police_;
  auto second = referrals_->Decline(*shelter2_worker_, *declined->next_step_referral_id, d2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(second->next_step_unit.has_value());
  EXPECT_EQ(second->next_step_unit->id, police_);

  auto path = referrals_->ListForCase(*officer_, case_id_);
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  ASSERT_EQ(path->size(), 2u);
  EXPECT_EQ((*path)[0].id, r->id);
  EXPECT_EQ((*path)[0].next_step_referral_id, (*path)[1].id);
  EXPECT_EQ((*path)[1].parent_referral_id, r->id);
  EXPECT_EQ((*path)[1].from_unit.id, shelter_);
  EXPECT_EQ((*path)[1].next_step, "find a place with Entraide Nationale");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'referral.create' AND decision = "
                  "'allowed'"),
            2);
}

TEST_P(ReferralsTest, InboxListsTheUnitsReferralsWithoutIdentity) {
  OpenCase();
  ReferralInput normal = ToShelter(shelter_);
  normal.priority = "normal";
  auto first = referrals_->Create(*officer_, case_id_, normal);
  ASSERT_TRUE(first.ok());
  clock_.Advance(kMicrosPerMinute);
  auto urgent = referrals_->Create(*officer_, case_id_, ToShelter(shelter_));
  ASSERT_TRUE(urgent.ok());
  auto in = referrals_->Inbox(*shelter_worker_, {});
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  ASSERT_EQ(in->size(), 2u);
  EXPECT_EQ((*in)[0].id, urgent->id);  // urgent first
  EXPECT_FALSE((*in)[0].reference_code.empty());
  InboxFilter out;
  out.box = "outgoing";
  EXPECT_EQ(referrals_->Inbox(*officer_, out)->size(), 2u);
  EXPECT_EQ(referrals_->Inbox(*shelter2_worker_, {})->size(), 0u);
  InboxFilter accepted;
  accepted.state = "accepted";
  EXPECT_EQ(referrals_->Inbox(*shelter_worker_, accepted)->size(), 0u);
  InboxFilter bad;
  bad.box = "sideways";
  EXPECT_EQ(referrals_->Inbox(*shelter_worker_, bad).status().field(), "box");
  bad = {};
  bad.unit_id = police_;
  EXPECT_EQ(referrals_->Inbox(*shelter_worker_, bad).status().field(), "unit_id");
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferralsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::referrals
