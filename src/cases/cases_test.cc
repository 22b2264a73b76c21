// The case services against a real SQLite store with an injected clock: opening cases from
// intakes, bad input (named field, nothing half-saved), the tracks, consents (revocation takes
// effect on the next request), break-the-glass (expiry, review), perpetrator exclusion, audit of
// every read and denial, search, the public status page, documents and sealing at rest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cases/case_service.h"
#include "cases/codes.h"
#include "cases/document_service.h"
#include "cases/duplicate_service.h"
#include "cases/duplicates.h"
#include "cases/media.h"
#include "cases/sharing_service.h"
#include "common/ids.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "identity/unit_service.h"
#include "identity/user_service.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::cases {
namespace {

constexpr char kPassword[] = "correct horse battery";

class CasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tamkine-cases-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = std::move(*storage::OpenStore((dir_ / "t.db").string()));
    ASSERT_TRUE(store_->Migrate(storage::SchemaMigrations(store_->Dialect())).ok());
    std::array<uint8_t, 32> kek{};
    kek.fill(9);
    keyring_ = std::make_unique<crypto::Keyring>(kek);
    ASSERT_TRUE(keys::LoadKeyring(*store_, *keyring_, clock_).ok());
    hasher_ = std::make_unique<crypto::PasswordHasher>(crypto::PasswordParams::ForTests());
    identity::Deps ideps{store_.get(), keyring_.get(), hasher_.get(), &clock_};
    units_ = std::make_unique<identity::UnitService>(ideps);
    users_ = std::make_unique<identity::UserService>(ideps);
    Deps deps{store_.get(), keyring_.get(), &clock_, nullptr, Options{}};
    cases_ = std::make_unique<CaseService>(deps);
    sharing_ = std::make_unique<SharingService>(deps);
    documents_ = std::make_unique<DocumentService>(deps);

    police_ = Unit("Police Fès", "police", "03.01");
    police_meknes_ = Unit("Police Meknès", "police", "03.02");
    health_ = Unit("Hôpital Fès", "health", "03.01");
    health_rabat_ = Unit("Hôpital Rabat", "health", "04.01");
    ngo_ = Unit("Centre d'écoute Fès", "ngo_listening", "03.01");
    shelter_ = Unit("Refuge Fès", "ngo_shelter", "03.01");
    prosecution_ = Unit("Parquet Fès", "prosecution", "03.01");
    upe_ = Unit("UPE Fès", "child_protection", "03.01");

    officer_ = User("officer", "officer", police_);
    officer2_ = User("officer2", "officer", police_);
    police_head_ = User("police.head", "unit_head", police_);
    meknes_officer_ = User("meknes", "officer", police_meknes_);
    doctor_ = User("doctor", "doctor", health_);
    rabat_doctor_ = User("rabat", "doctor", health_rabat_);
    social_ = User("social", "social_worker", ngo_);
    shelter_worker_ = User("shelter", "social_worker", shelter_);
    prosecutor_ = User("prosecutor", "prosecutor", prosecution_);
    upe_worker_ = User("upe", "social_worker", upe_);
    health_head_ = User("health.head", "unit_head", health_);
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Unit(const std::string& name, const std::string& sector, const std::string& prov) {
    identity::UnitInput in;
    in.name = name;
    in.sector = sector;
    in.province_code = prov;
    return units_->CreateBootstrap(in)->id;
  }

  struct Who {
    access::Subject subject;
    access::RequestContext ctx;
  };

  // Users live in a deque-like list so that ctx.subject pointers stay valid.
  const access::RequestContext& User(const std::string& username, const std::string& role,
                                     const std::string& unit) {
    identity::UserInput in;
    in.username = username;
    in.display_name = "User " + username;
    in.password = kPassword;
    in.memberships.push_back({unit, role});
    auto u = users_->CreateBootstrap(in, std::nullopt);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    auto w = std::make_unique<Who>();
    w->subject.user_id = u->id;
    w->subject.username = u->username;
    w->subject.memberships = u->memberships;
    w->ctx.subject = &w->subject;
    w->ctx.client_addr = "10.0.0.1";
    w->ctx.request_id = "req-" + username;
    people_.push_back(std::move(w));
    return people_.back()->ctx;
  }

  NewCaseInput Basic(const std::string& unit, const std::string& name = "Fatima Zahra El Idrissi") {
    NewCaseInput in;
    in.intake.unit_id = unit;
    in.intake.channel = "in_person";
    in.survivor.names = {name, "\xD9\x81\xD8\xA7\xD8\xB7\xD9\x85\xD8\xA9"};
    in.survivor.birth_date = "1994-03";
    in.survivor.id_number = "ab 123456";
    in.survivor.phones = {"06 12 34 56 78"};
    in.survivor.address = "Derb (fictif) 7, Fès";
    in.survivor.languages = {"darija", "tamazight"};
    in.survivor.needs_translator = true;
    in.survivor.reading_ability = "cannot_read";
    in.survivor.marital_status = "married";
    in.survivor.contact.safe_to_call = true;
    in.survivor.contact.safe_times = "mornings";
    IncidentInput inc;
    inc.date = "2025-12-20";
    inc.time = "22:30";
    inc.province_code = "03.01";
    inc.place_type = "home";
    inc.forms = {"psychological"};
    inc.facts.physical_assault = true;
    inc.facts.psychological_abuse = true;
    inc.description = "Planted narrative of what happened";
    PerpetratorInput p;
    p.relationship = "husband";
    p.cohabiting = true;
    p.prior_violence = true;
    p.name = "Planted Perpetrator";
    inc.perpetrators.push_back(p);
    in.incidents.push_back(inc);
    return in;
  }

  ConsentInput Consent(const std::string& unit, std::vector<std::string> purposes) {
    ConsentInput c;
    c.unit_id = unit;
    c.purposes = std::move(purposes);
    return c;
  }

  int64_t Count(const std::string& sql, const storage::Params& params = {}) {
    auto tx = std::move(*store_->Begin(storage::TxMode::kRead));
    return (*tx->QueryOne(sql, params))->Int(0);
  }

  int64_t Audits(const std::string& action, const std::string& decision,
                 const std::string& case_id = "") {
    if (case_id.empty()) {
      return Count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND decision = ?",
                   {action, decision});
    }
    return Count(
        "SELECT COUNT(*) FROM audit_log WHERE action = ? AND decision = ? AND "
        "record_id = ?",
        {action, decision, case_id});
  }

  CreatedCase Open(const NewCaseInput& in, const access::RequestContext& who) {
    auto c = cases_->Create(who, in);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : CreatedCase{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<crypto::PasswordHasher> hasher_;
  FakeClock clock_;
  std::unique_ptr<identity::UnitService> units_;
  std::unique_ptr<identity::UserService> users_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<SharingService> sharing_;
  std::unique_ptr<DocumentService> documents_;
  std::vector<std::unique_ptr<Who>> people_;
  std::string police_, police_meknes_, health_, health_rabat_, ngo_, shelter_, prosecution_, upe_;
  access::RequestContext officer_, officer2_, police_head_, meknes_officer_, doctor_, rabat_doctor_,
      social_, shelter_worker_, prosecutor_, upe_worker_, health_head_;
};

TEST_F(CasesTest, OpenCaseThenEachUnitSeesWhatItMay) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(health_, {"medical_care"}), Consent(ngo_, {"social_support"})};
  CreatedCase c = Open(in, officer_);
  const std::string id = c.view.core.id;
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(NormaliseReferenceCode(c.view.core.reference_code));
  EXPECT_TRUE(NormaliseFollowupCode(c.followup_code));
  EXPECT_EQ(c.view.core.status, "open");
  EXPECT_EQ(c.view.core.service.track, "care");
  EXPECT_EQ(c.view.core.service.status, "reception");
  EXPECT_EQ(c.view.core.service.next_step, "orientation");
  EXPECT_EQ(c.view.core.justice.status, "none");
  EXPECT_EQ(c.view.core.holder.id, police_);
  ASSERT_TRUE(c.view.summary);
  EXPECT_EQ(c.view.summary->masked_name, "F*** Z*** E*** I***");
  EXPECT_EQ(c.view.summary->age_band, "30-44");
  ASSERT_EQ(c.view.summary->incidents.size(), 1u);
  const IncidentView& inc = c.view.summary->incidents[0];
  EXPECT_EQ(inc.gbv_type, "physical_assault");
  EXPECT_EQ(inc.flags, std::vector<std::string>{"intimate_partner_violence"});
  EXPECT_EQ(inc.forms, (std::vector<std::string>{"physical", "psychological"}));
  EXPECT_EQ(c.view.summary->violence_forms,
            (std::vector<std::string>{"physical", "psychological"}));
  EXPECT_TRUE(c.view.permissions.read_identity);
  EXPECT_EQ(c.view.permissions.compartments, std::vector<std::string>{"justice"});

  // The doctor (consent for medical care) sees the summary and the clinical compartment only.
  auto seen = cases_->Get(doctor_, id);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_TRUE(seen->summary);
  EXPECT_EQ(seen->permissions.compartments, std::vector<std::string>{"clinical"});
  EXPECT_TRUE(cases_->GetCompartment(doctor_, id, "clinical").ok());
  EXPECT_EQ(cases_->GetCompartment(doctor_, id, "justice").status().code(),
            StatusCode::kPermissionDenied);
  // The police (opening unit) reads the narrative and the perpetrator in the justice compartment.
  auto justice = cases_->GetCompartment(officer_, id, "justice");
  ASSERT_TRUE(justice.ok());
  ASSERT_EQ(justice->perpetrators.size(), 1u);
  EXPECT_EQ(justice->perpetrators[0].name, "Planted Perpetrator");
  EXPECT_EQ(justice->incidents[0].description, "Planted narrative of what happened");
  // The NGO (social support) reads the social compartment, not the clinical one.
  EXPECT_TRUE(cases_->GetCompartment(social_, id, "social").ok());
  EXPECT_FALSE(cases_->GetCompartment(social_, id, "clinical").ok());
  // The shelter has no consent: nothing at all.
  EXPECT_EQ(cases_->Get(shelter_worker_, id).status().code(), StatusCode::kPermissionDenied);
  // Identity: an explicit view.
  auto identity = cases_->GetIdentity(officer_, id);
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->names[0], "Fatima Zahra El Idrissi");
  EXPECT_EQ(identity->phones[0], "+212612345678");
  EXPECT_EQ(identity->id_number, "AB123456");
  EXPECT_EQ(identity->birth_date, "1994-03");

  // Every read is audited, and so is every denial.
  EXPECT_EQ(Audits("case.read_core", "allowed", id), 1);
  EXPECT_EQ(Audits("case.read", "allowed", id), 1);
  EXPECT_EQ(Audits("case.read_core", "denied", id), 1);
  EXPECT_EQ(Audits("case.read_identity", "allowed", id), 1);
  EXPECT_EQ(Audits("case.read_compartment", "allowed", id), 3);
  EXPECT_EQ(Audits("case.read_compartment", "denied", id), 2);
  EXPECT_EQ(Audits("case.create", "allowed", id), 1);

  auto log = sharing_->AccessLog(officer_, id, true);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_GE(log->size(), 9u);
  bool saw_shelter_denial = false;
  for (const auto& e : *log) {
    if (e.username == "shelter" && e.decision == "denied") saw_shelter_denial = true;
  }
  EXPECT_TRUE(saw_shelter_denial);
  auto printable = sharing_->AccessLog(officer_, id, false);
  for (const auto& e : *printable) EXPECT_FALSE(e.username);
}

TEST_F(CasesTest, BadInputNamesTheFieldAndSavesNothing) {
  struct Row {
    const char* name;
    std::function<void(NewCaseInput*)> spoil;
    std::string field;
  };
  std::vector<Row> rows = {
      {"future incident", [](NewCaseInput* in) { in->incidents[0].date = "2026-01-03"; },
       "incidents[0].date"},
      {"birth after incident", [](NewCaseInput* in) { in->survivor.birth_date = "2025-12-25"; },
       "survivor.birth_date"},
      {"unknown place", [](NewCaseInput* in) { in->incidents[0].place_type = "moon"; },
       "incidents[0].place_type"},
      {"unknown form", [](NewCaseInput* in) { in->incidents[0].forms = {"cyber"}; },
       "incidents[0].forms[0]"},
      {"unknown channel", [](NewCaseInput* in) { in->intake.channel = "pigeon"; },
       "intake.channel"},
      {"unknown language", [](NewCaseInput* in) { in->survivor.languages = {"klingon"}; },
       "survivor.languages[0]"},
      {"bad phone", [](NewCaseInput* in) { in->survivor.phones = {"12"}; }, "survivor.phones[0]"},
      {"no such day", [](NewCaseInput* in) { in->incidents[0].date = "2025-02-30"; },
       "incidents[0].date"},
      {"consent for a unit that does not exist",
       [](NewCaseInput* in) {
         in->consents = {{"0000000000000000000000000z", {"medical_care"}, "consent", {}, "oral"}};
       },
       "consents[0].unit_id"},
      {"purpose that does not fit the unit",
       [this](NewCaseInput* in) {
         in->consents = {{shelter_, {"medical_care"}, "consent", {}, "oral"}};
       },
       "consents[0].purposes[0]"},
      {"legal ground on an adult's case",
       [this](NewCaseInput* in) {
         in->consents = {{upe_, {"child_protection"}, "legal_ground", "judicial_order", "oral"}};
       },
       "consents[0].basis"},
      {"perpetrator user that does not exist",
       [](NewCaseInput* in) {
         in->incidents[0].perpetrators[0].user_id = "0000000000000000000000000z";
       },
       "incidents[0].perpetrators[0].user_id"},
      {"unknown risk question",
       [](NewCaseInput* in) {
         in->risk = RiskInput{{{"moon", "yes"}}};
       },
       "risk.answers.moon"},
  };
  for (const auto& r : rows) {
    NewCaseInput in = Basic(police_);
    r.spoil(&in);
    auto c = cases_->Create(officer_, in);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << r.name;
    EXPECT_EQ(c.status().field(), r.field) << r.name << ": " << c.status().ToString();
  }
  for (const char* table : {"cases", "survivors", "incidents", "intakes", "consents", "case_events",
                            "case_name_keys", "followup_codes", "perpetrators"}) {
    EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  // A user may only open a case at a unit they belong to.
  auto elsewhere = cases_->Create(officer_, Basic(health_));
  EXPECT_EQ(elsewhere.status().field(), "intake.unit_id");
}

TEST_F(CasesTest, TracksFollowTheTable) {
  CreatedCase c = Open(Basic(police_), officer_);
  const std::string id = c.view.core.id;
  auto step = [&](const access::RequestContext& who, const std::string& track,
                  const std::string& to, std::optional<std::string> reason = std::nullopt,
                  std::optional<std::string> close = std::nullopt) {
    TransitionInput t;
    t.track = track;
    t.to = to;
    t.reason = std::move(reason);
    t.close_reason = std::move(close);
    return cases_->Transition(who, id, t);
  };
  EXPECT_TRUE(step(officer_, "care", "orientation").ok());
  auto skip = step(officer_, "care", "economic_integration");
  EXPECT_EQ(skip.status().code(), StatusCode::kPermissionDenied);  // police may not do that step
  auto impossible = step(officer_, "care", "orientation");
  EXPECT_EQ(impossible.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(impossible.status().field(), "to");
  EXPECT_EQ(step(officer_, "child", "reception").status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(
      sharing_->RecordConsent(officer_, id, Consent(upe_, {"social_support"}), std::nullopt).ok());
  EXPECT_EQ(step(upe_worker_, "child", "reception").status().field(), "track")
      << "an adult's case has no child protection track";
  EXPECT_EQ(step(officer_, "justice", "hearing").status().field(), "to");
  // Justice: police registers the complaint; only the prosecution decides.
  EXPECT_TRUE(step(officer_, "justice", "complaint").ok());
  EXPECT_EQ(step(officer_, "justice", "prosecution_decision").status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(sharing_
                  ->RecordConsent(officer_, id,
                                  Consent(prosecution_, {"investigation_prosecution"}),
                                  std::nullopt)
                  .ok());
  auto decided = step(prosecutor_, "justice", "prosecution_decision");
  ASSERT_TRUE(decided.ok()) << decided.status().ToString();
  EXPECT_EQ(decided->core.justice.next_step, "hearings");
  // Closing needs a close reason and a written reason; the head of the unit closes care.
  EXPECT_EQ(step(police_head_, "care", "closed").status().field(), "close_reason");
  EXPECT_EQ(step(police_head_, "care", "closed", std::nullopt, "survivor_request").status().field(),
            "reason");
  auto closed =
      step(police_head_, "care", "closed", "She asked to stop care for now.", "survivor_request");
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->core.status, "open") << "the justice track still runs";
  auto dropped =
      step(prosecutor_, "justice", "closed_without_action", "No grounds found.", "no_grounds");
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->core.status, "closed");
  EXPECT_EQ(dropped->core.close_reason, "no_grounds");
  EXPECT_EQ(step(officer_, "care", "orientation").status().field(), "reason");
  auto reopened = step(officer_, "care", "orientation", "She came back after new threats.");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->core.status, "open");
  EXPECT_FALSE(reopened->core.close_reason);

  auto timeline = cases_->Timeline(officer_, id);
  ASSERT_TRUE(timeline.ok());
  std::vector<std::string> moves;
  for (const auto& e : *timeline) {
    if (e.kind != "transition") continue;
    moves.push_back(*e.topic + ":" + *e.from + "->" + *e.to +
                    (e.reason_code ? ":" + *e.reason_code : ""));
  }
  EXPECT_EQ(moves, (std::vector<std::string>{
                       "care:reception->orientation", "justice:none->complaint",
                       "justice:complaint->prosecution_decision",
                       "care:orientation->closed:survivor_request",
                       "justice:prosecution_decision->closed_without_action:no_grounds",
                       "care:closed->orientation"}));
  for (size_t i = 1; i < timeline->size(); ++i) {
    EXPECT_LT((*timeline)[i - 1].seq, (*timeline)[i].seq);
  }
  bool reason_seen = false;
  for (const auto& e : *timeline)
    reason_seen = reason_seen || e.detail == "She asked to stop care for now.";
  EXPECT_TRUE(reason_seen);
}

TEST_F(CasesTest, ConsentRevocationTakesEffectOnTheNextRequest) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(health_, {"medical_care"})};
  const std::string id = Open(in, officer_).view.core.id;
  ASSERT_TRUE(cases_->Get(doctor_, id).ok());
  auto consents = sharing_->ListConsents(officer_, id);
  ASSERT_TRUE(consents.ok());
  ASSERT_EQ(consents->size(), 1u);
  EXPECT_EQ((*consents)[0].unit.id, health_);
  EXPECT_EQ((*consents)[0].recorded_by_unit.id, police_);
  // She tells the opening unit she withdraws it.
  auto revoked =
      sharing_->RevokeConsent(officer_, id, (*consents)[0].id, "survivor_request", std::nullopt);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->revoked_at);
  EXPECT_EQ(cases_->Get(doctor_, id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(cases_->GetCompartment(doctor_, id, "clinical").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(
      sharing_->RevokeConsent(officer_, id, (*consents)[0].id, "survivor_request", std::nullopt)
          .status()
          .code(),
      StatusCode::kFailedPrecondition);
  // A coordination-only consent shows the core and nothing else.
  ASSERT_TRUE(
      sharing_->RecordConsent(officer_, id, Consent(health_, {"coordination"}), std::nullopt).ok());
  auto core = cases_->Get(doctor_, id);
  ASSERT_TRUE(core.ok());
  EXPECT_FALSE(core->summary);
  EXPECT_EQ(cases_->GetIdentity(doctor_, id).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(CasesTest, HolderFallsBackWhenItsConsentIsRevoked) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(ngo_, {"social_support"})};
  const std::string id = Open(in, officer_).view.core.id;
  TransitionInput t;
  t.track = "care";
  t.to = "orientation";
  t.holder_unit_id = ngo_;
  auto moved = cases_->Transition(officer_, id, t);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->core.holder.id, ngo_);
  t.to = "medical";
  t.holder_unit_id = shelter_;  // no consent: cannot hold it
  EXPECT_EQ(cases_->Transition(officer_, id, t).status().field(), "holder_unit_id");
  auto consents = *sharing_->ListConsents(officer_, id);
  ASSERT_TRUE(
      sharing_->RevokeConsent(officer_, id, consents[0].id, "survivor_request", std::nullopt).ok());
  EXPECT_EQ(cases_->Get(officer_, id)->core.holder.id, police_);
}

TEST_F(CasesTest, BreakTheGlassIsTimeLimitedReadOnlyAlertedAndReviewed) {
  CreatedCase c = Open(Basic(police_), officer_);
  const std::string id = c.view.core.id;
  EXPECT_EQ(cases_->Get(meknes_officer_, id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(sharing_->BreakGlass(meknes_officer_, c.view.core.reference_code, "too short", 60)
                .status()
                .field(),
            "reason");
  EXPECT_EQ(sharing_
                ->BreakGlass(meknes_officer_, c.view.core.reference_code,
                             "She is at our station, injured, at night.", 90)
                .status()
                .field(),
            "minutes");
  // Another region's doctor cannot break the glass.
  EXPECT_EQ(sharing_
                ->BreakGlass(rabat_doctor_, c.view.core.reference_code,
                             "She is in our emergency room tonight.", 60)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto grant = sharing_->BreakGlass(meknes_officer_, c.view.core.reference_code,
                                    "She is at our station, injured, at night.", 60);
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  auto seen = cases_->Get(meknes_officer_, id);
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_TRUE(seen->summary);
  EXPECT_TRUE(seen->permissions.break_glass_until);
  EXPECT_TRUE(cases_->GetIdentity(meknes_officer_, id).ok());
  EXPECT_TRUE(cases_->GetCompartment(meknes_officer_, id, "justice").ok());
  TransitionInput t{"care", "orientation"};
  EXPECT_EQ(cases_->Transition(meknes_officer_, id, t).status().code(),
            StatusCode::kPermissionDenied)
      << "break-the-glass only reads";
  // The opening unit's head is alerted and reviews; the grantee cannot review their own.
  auto alerts = sharing_->ListAlerts(police_head_, police_, false);
  ASSERT_TRUE(alerts.ok()) << alerts.status().ToString();
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "break_glass");
  EXPECT_EQ(sharing_->ListAlerts(officer_, police_, false).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(sharing_->AcknowledgeAlert(police_head_, (*alerts)[0].id).ok());
  EXPECT_TRUE(sharing_->ListAlerts(police_head_, police_, false)->empty());
  auto pending = sharing_->ListBreakGlass(police_head_, police_, true);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].reason, "She is at our station, injured, at night.");
  EXPECT_EQ(sharing_->ReviewBreakGlass(meknes_officer_, grant->id, "justified", std::nullopt)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto reviewed = sharing_->ReviewBreakGlass(police_head_, grant->id, "justified", "Seen.");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ(reviewed->review_outcome, "justified");
  // After 60 minutes the grant is gone.
  clock_.Advance(60 * kMicrosPerMinute + 1);
  EXPECT_EQ(cases_->Get(meknes_officer_, id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Audits("case.break_glass", "allowed", id), 1);
  EXPECT_EQ(Audits("case.break_glass", "denied", id), 1);
}

TEST_F(CasesTest, APerpetratorWhoIsAUserCanNeverOpenTheCase) {
  NewCaseInput in = Basic(police_);
  in.incidents[0].perpetrators[0].user_id = officer2_.subject->user_id;
  in.incidents[0].perpetrators[0].works_in_sector = "police";
  CreatedCase c = Open(in, officer_);
  const std::string id = c.view.core.id;
  ASSERT_TRUE(c.view.summary);
  EXPECT_TRUE(c.view.summary->incidents[0].perpetrators[0].is_staff_user);
  // Same unit as the opening officer, and still nothing: not even that the case exists (the
  // answer is that of an unknown case; the audit keeps the real reason).
  EXPECT_EQ(cases_->Get(officer2_, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cases_->Get(officer2_, id).status().message(),
            cases_->Get(officer2_, NewId()).status().message());
  EXPECT_EQ(cases_->GetIdentity(officer2_, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(cases_->Timeline(officer2_, id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(documents_->List(officer2_, id).status().code(), StatusCode::kNotFound);
  const std::string urgent = "I need to see this case urgently now.";
  EXPECT_EQ(
      sharing_->BreakGlass(officer2_, c.view.core.reference_code, urgent, 30).status().message(),
      sharing_->BreakGlass(officer2_, NewReferenceCode(), urgent, 30).status().message());
  CaseFilter all;
  auto listed = cases_->Search(officer2_, all);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());
  auto by_name = cases_->SearchByName(officer2_, "Fatima Zahra", 10);
  ASSERT_TRUE(by_name.ok());
  EXPECT_TRUE(by_name->items.empty());
  EXPECT_EQ(cases_
                ->AttachIntake(
                    officer2_, id,
                    {c.view.core.reference_code, {police_, "in_person"}, {"coordination"}, "oral"})
                .status()
                .code(),
            StatusCode::kNotFound);
  // A unit head records a related user the same way.
  EXPECT_TRUE(cases_->Get(officer_, id).ok());
  EXPECT_TRUE(sharing_->AddExclusion(police_head_, id, officer_.subject->user_id, "related").ok());
  EXPECT_EQ(cases_->Get(officer_, id).status().code(), StatusCode::kNotFound);
  EXPECT_GE(Audits("case.read_core", "denied", id), 3);
  EXPECT_GE(Audits("case.break_glass", "denied", id), 1);
  // Every denial on this case was an exclusion, and the audit says so.
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM audit_log WHERE record_id = ? AND decision = 'denied' "
            "AND reason LIKE '%perpetrator%'",
            {id}),
      Count("SELECT COUNT(*) FROM audit_log WHERE record_id = ? AND decision = 'denied'", {id}));
}

TEST_F(CasesTest, HighRiskRaisesAnUrgentAlert) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(ngo_, {"social_support"})};
  const std::string id = Open(in, officer_).view.core.id;
  auto low = cases_->AssessRisk(social_, id, {{{"violence_increasing", "yes"}}}, std::nullopt);
  ASSERT_TRUE(low.ok()) << low.status().ToString();
  EXPECT_EQ(low->level, "low");
  EXPECT_TRUE(sharing_->ListAlerts(police_head_, police_, false)->empty());
  auto high = cases_->AssessRisk(
      social_, id, {{{"threatened_to_kill", "yes"}, {"forced_sex", "no"}}}, std::nullopt);
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(high->level, "high");
  EXPECT_EQ(high->critical_yes, std::vector<std::string>{"threatened_to_kill"});
  EXPECT_EQ(cases_->Get(officer_, id)->core.risk_level, "high");
  auto alerts = sharing_->ListAlerts(police_head_, police_, false);
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "high_risk");
  EXPECT_EQ((*alerts)[0].case_id, id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM alerts WHERE unit_id = ? AND kind = 'high_risk'", {ngo_}),
            1);
  EXPECT_EQ(cases_->AssessRisk(social_, id, {{{"threatened_to_kill", "perhaps"}}}, std::nullopt)
                .status()
                .field(),
            "answers.threatened_to_kill");
}

TEST_F(CasesTest, ChildCaseLinksToTheMotherAndTracksTheReportDeadline) {
  const std::string mother = Open(Basic(police_), officer_).view.core.id;
  NewCaseInput child;
  child.kind = "child";
  child.child_role = "accompanying";
  child.linked_case_id = mother;
  child.intake.unit_id = police_;
  child.intake.channel = "in_person";
  child.survivor.names = {"Salma"};
  child.survivor.birth_date = "2015";
  IncidentInput inc;
  inc.date = "2025-12-20";
  inc.province_code = "03.01";
  inc.place_type = "home";
  inc.facts.unwanted_sexual_contact = true;
  child.incidents.push_back(inc);
  child.consents = {
      {upe_, {"child_protection"}, "legal_ground", "child_protection_mandate", "oral"}};
  CreatedCase c = Open(child, officer_);
  const std::string id = c.view.core.id;
  EXPECT_EQ(c.view.core.service.track, "child");
  EXPECT_EQ(c.view.core.service.status, "report");
  ASSERT_TRUE(c.view.core.report_due_at);
  EXPECT_EQ(*c.view.core.report_due_at, clock_.Now() + 72 * kMicrosPerHour);
  EXPECT_FALSE(c.view.core.report_overdue);
  EXPECT_EQ(c.view.summary->incidents[0].flags, std::vector<std::string>{"child_sexual_abuse"});
  EXPECT_EQ(c.view.core.linked_case_id, mother);
  EXPECT_EQ(cases_->Get(officer_, mother)->summary->child_case_ids, std::vector<std::string>{id});
  // The child protection unit works on it through the legal ground.
  ASSERT_TRUE(cases_->GetCompartment(upe_worker_, id, "social").ok());
  TransitionInput t{"child", "reception"};
  ASSERT_TRUE(cases_->Transition(upe_worker_, id, t).ok());
  clock_.Advance(73 * kMicrosPerHour);
  EXPECT_TRUE(cases_->Get(officer_, id)->core.report_overdue);
  auto sent = cases_->MarkChildReportSent(officer_, id, std::nullopt);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_FALSE(sent->core.report_overdue);
  EXPECT_EQ(cases_->MarkChildReportSent(officer_, id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(cases_->MarkChildReportSent(officer_, mother, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  // A child's case cannot be linked to a case the user may not read.
  NewCaseInput other = child;
  other.intake.unit_id = health_;
  other.consents.clear();
  EXPECT_EQ(cases_->Create(doctor_, other).status().field(), "linked_case_id");
}

TEST_F(CasesTest, SearchByFiltersAndByName) {
  NewCaseInput a = Basic(police_);
  a.consents = {Consent(ngo_, {"social_support"})};
  const std::string first = Open(a, officer_).view.core.id;
  clock_.Advance(kMicrosPerHour);
  NewCaseInput b = Basic(police_, "Fatimezzahra Bennani");
  b.incidents[0].facts = {};
  b.incidents[0].forms = {"economic"};
  const std::string second = Open(b, officer_).view.core.id;
  clock_.Advance(kMicrosPerHour);
  const std::string third = Open(Basic(health_, "Khadija Alaoui"), doctor_).view.core.id;

  CaseFilter all;
  auto mine = cases_->Search(officer_, all);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->items.size(), 2u);
  EXPECT_EQ(mine->items[0].core.id, second);  // newest first
  EXPECT_EQ(mine->items[0].masked_name, "F*** B***");
  CaseFilter economic;
  economic.form = "economic";
  EXPECT_EQ(cases_->Search(officer_, economic)->items.size(), 1u);
  CaseFilter by_ref;
  by_ref.reference_code = cases_->Get(doctor_, third)->core.reference_code;
  EXPECT_TRUE(cases_->Search(officer_, by_ref)->items.empty()) << "not the police's case";
  EXPECT_EQ(cases_->Search(doctor_, by_ref)->items.size(), 1u);
  CaseFilter paged;
  paged.limit = 1;
  auto page = cases_->Search(officer_, paged);
  EXPECT_EQ(page->next_offset, 1);
  CaseFilter bad;
  bad.form = "cyber";
  EXPECT_EQ(cases_->Search(officer_, bad).status().field(), "form");
  bad = {};
  bad.from = "2026-13-01";
  EXPECT_EQ(cases_->Search(officer_, bad).status().field(), "from");
  // The NGO sees the first case only (its consent).
  auto ngo = cases_->Search(social_, all);
  ASSERT_EQ(ngo->items.size(), 1u);
  EXPECT_EQ(ngo->items[0].core.id, first);

  auto named = cases_->SearchByName(officer_, "Fatima Zahra", 10);
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  ASSERT_EQ(named->items.size(), 2u) << "both spellings";
  auto khadija = cases_->SearchByName(officer_, "Khadija", 10);
  EXPECT_TRUE(khadija->items.empty()) << "not a case the police may read";
  EXPECT_EQ(cases_->SearchByName(doctor_, "khadija alaoui", 10)->items.size(), 1u);
  // Searching by name is for authorised roles, and audited.
  auto psych = User("psy", "psychologist", health_);
  EXPECT_EQ(cases_->SearchByName(psych, "Khadija", 10).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Audits("case.search_by_name", "allowed"), 3);
  EXPECT_EQ(Audits("case.search_by_name", "denied"), 1);
}

TEST_F(CasesTest, PublicStatusIsNeutralThrottledAndAudited) {
  CreatedCase c = Open(Basic(police_), officer_);
  auto s = cases_->PublicStatusOf(c.followup_code, "1.2.3.4", "r1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->status, "received");
  EXPECT_EQ(s->updated_on, "2026-01-01");
  TransitionInput t{"care", "orientation"};
  ASSERT_TRUE(cases_->Transition(officer_, c.view.core.id, t).ok());
  EXPECT_EQ(cases_->PublicStatusOf(c.followup_code, "1.2.3.4", "r2")->status, "in_progress");
  auto unknown = cases_->PublicStatusOf("AAAAA-AAAAA-AAAAA-AAAAA", "1.2.3.4", "r3");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, "unknown");
  EXPECT_FALSE(unknown->updated_on);
  EXPECT_EQ(Audits("case.public_status", "allowed", c.view.core.id), 2);
  // Reissuing revokes the old code.
  auto fresh = cases_->ReissueFollowupCode(officer_, c.view.core.id, std::nullopt);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(cases_->PublicStatusOf(c.followup_code, "1.2.3.4", "r4")->status, "unknown");
  EXPECT_EQ(cases_->PublicStatusOf(*fresh, "1.2.3.4", "r5")->status, "in_progress");
  for (int i = 0; i < 10; ++i) (void)cases_->PublicStatusOf("garbage", "6.6.6.6", "x");
  EXPECT_EQ(cases_->PublicStatusOf(*fresh, "6.6.6.6", "y").status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_TRUE(cases_->PublicStatusOf(*fresh, "1.2.3.4", "z").ok()) << "other addresses unaffected";
}

TEST_F(CasesTest, AttachingAnIntakeNeedsHerReferenceCodeAndRecordsConsent) {
  CreatedCase c = Open(Basic(police_), officer_);
  const std::string id = c.view.core.id;
  AttachIntakeInput in;
  in.reference_code = NewReferenceCode();
  in.intake = {ngo_, "ngo_on_behalf"};
  in.intake.on_behalf_unit_id = ngo_;
  in.purposes = {"social_support"};
  clock_.Advance(kMicrosPerMinute);
  EXPECT_EQ(cases_->AttachIntake(social_, id, in).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Audits("case.intake", "denied", id), 1);
  EXPECT_EQ(cases_->Get(social_, id).status().code(), StatusCode::kPermissionDenied);
  in.reference_code = c.view.core.reference_code;
  auto attached = cases_->AttachIntake(social_, id, in);
  ASSERT_TRUE(attached.ok()) << attached.status().ToString();
  ASSERT_TRUE(attached->summary);
  EXPECT_EQ(attached->summary->intakes.size(), 2u);
  EXPECT_EQ(attached->summary->intakes[1].channel, "ngo_on_behalf");
  EXPECT_TRUE(cases_->Get(social_, id).ok());
  auto alerts = sharing_->ListAlerts(police_head_, police_, false);
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "intake_attached");
}

TEST_F(CasesTest, DocumentsAreTypedCheckedStrippedSealedAndVersioned) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(health_, {"medical_care"}), Consent(shelter_, {"shelter"})};
  const std::string id = Open(in, officer_).view.core.id;
  const std::string pdf =
      "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Author (Planted Author) "
      ">>\nendobj\ntrailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF\n";
  DocumentInput doc;
  doc.type = "medical_certificate";
  doc.metadata = {{"doctor_name", "Dr Planted"},
                  {"issued_on", "2025-12-21"},
                  {"itt_days", 21},
                  {"copy_handed_to_survivor", true}};
  doc.file = DocumentFileInput{"certificat_fatima.pdf", {pdf.begin(), pdf.end()}, std::nullopt};
  // Only health adds medical certificates.
  EXPECT_EQ(documents_->Create(officer_, id, doc).status().code(), StatusCode::kPermissionDenied);
  auto created = documents_->Create(doctor_, id, doc);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->current_version, 1);
  EXPECT_EQ(created->versions[0].mime, "application/pdf");
  EXPECT_EQ(created->versions[0].filename, "certificat_fatima.pdf");
  EXPECT_EQ((*created->metadata)["itt_days"], 21);
  // The police read it (evidence); the shelter does not.
  auto content = documents_->Content(officer_, id, created->id, 0);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  std::string bytes(content->bytes.begin(), content->bytes.end());
  EXPECT_EQ(bytes.find("Planted Author"), std::string::npos);
  EXPECT_EQ(content->download_name, "medical_certificate-v1.pdf");
  EXPECT_EQ(documents_->Get(shelter_worker_, id, created->id).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(documents_->List(shelter_worker_, id)->empty());
  EXPECT_EQ(documents_->List(officer_, id)->size(), 1u);
  // Versions are kept.
  std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string("\0\0\0\x0DIHDR", 8) +
                    std::string(13, '\x01') + "CRC!" + std::string("\0\0\0\0IEND", 8) + "CRC!";
  auto v2 = documents_->AddVersion(
      doctor_, id, created->id, {"scan.png", {png.begin(), png.end()}, "image/png"}, std::nullopt);
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->current_version, 2);
  EXPECT_EQ(documents_->Content(officer_, id, created->id, 1)->mime, "application/pdf");
  EXPECT_EQ(documents_->Content(officer_, id, created->id, 0)->mime, "image/png");
  // Bad input names the field.
  DocumentInput bad = doc;
  bad.file = DocumentFileInput{"x.gif", {'G', 'I', 'F', '8', '9', 'a'}, std::nullopt};
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "file.content_base64");
  bad.file =
      DocumentFileInput{"x.pdf", std::vector<uint8_t>(kMaxDocumentBytes + 1, '%'), std::nullopt};
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().code(), StatusCode::kPayloadTooLarge);
  bad.file = DocumentFileInput{"x.pdf", {pdf.begin(), pdf.end()}, "image/png"};
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "file.content_type");
  bad = doc;
  bad.metadata["itt_days"] = 1000;
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "metadata.itt_days");
  bad.metadata.erase("itt_days");
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "metadata.itt_days");
  bad = doc;
  bad.metadata["shelter_address"] = "x";
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "metadata.shelter_address");
  bad = doc;
  bad.type = "diary";
  EXPECT_EQ(documents_->Create(doctor_, id, bad).status().field(), "type");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM documents"), 1);
  // The shelter adds its admission (no address field exists); the police cannot read it.
  DocumentInput admission;
  admission.type = "shelter_admission";
  admission.metadata = {{"admitted_on", "2025-12-22"}, {"children_admitted", 2}};
  auto adm = documents_->Create(shelter_worker_, id, admission);
  ASSERT_TRUE(adm.ok()) << adm.status().ToString();
  EXPECT_EQ(documents_->Get(officer_, id, adm->id).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Audits("document.read", "denied", id), 2);
}

TEST_F(CasesTest, NotesStayInTheirCompartment) {
  NewCaseInput in = Basic(police_);
  in.consents = {Consent(health_, {"medical_care"}), Consent(ngo_, {"social_support"})};
  const std::string id = Open(in, officer_).view.core.id;
  ASSERT_TRUE(
      cases_->AddNote(doctor_, id, "clinical", "Planted clinical finding", std::nullopt).ok());
  EXPECT_EQ(cases_->AddNote(officer_, id, "clinical", "x", std::nullopt).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(cases_->AddNote(social_, id, "social", "Planted social note", std::nullopt).ok());
  auto clinical = cases_->GetCompartment(doctor_, id, "clinical");
  ASSERT_EQ(clinical->notes.size(), 1u);
  EXPECT_EQ(clinical->notes[0].text, "Planted clinical finding");
  EXPECT_EQ(clinical->notes[0].unit.id, health_);
  // The timeline shows each viewer only the steps they may see.
  auto police_view = cases_->Timeline(officer_, id);
  auto doctor_view = cases_->Timeline(doctor_, id);
  auto has = [](const std::vector<TimelineEntry>& t, const std::string& topic) {
    for (const auto& e : t) {
      if (e.kind == "note_added" && e.topic == topic) return true;
    }
    return false;
  };
  EXPECT_FALSE(has(*police_view, "clinical"));
  EXPECT_FALSE(has(*police_view, "social"));
  EXPECT_TRUE(has(*doctor_view, "clinical"));
  EXPECT_FALSE(has(*doctor_view, "social"));
}

TEST_F(CasesTest, PlantedValuesAreSealedAtRestAndSurviveRotation) {
  NewCaseInput in = Basic(police_, "Rkia Plantedsurname");
  in.survivor.phones = {"0677 88 99 11"};
  in.intake.notes = "Planted intake note";
  const std::string id = Open(in, officer_).view.core.id;
  ASSERT_TRUE(cases_->AddNote(officer_, id, "justice", "Planted minutes", std::nullopt).ok());
  store_.reset();
  std::string all;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir_)) {
    if (!f.is_regular_file()) continue;
    std::ifstream file(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << file.rdbuf();
    all += ss.str();
  }
  for (const char* s : {"Plantedsurname", "677889911", "AB123456", "Planted narrative",
                        "Planted Perpetrator", "Planted intake", "Planted minutes", "Derb"}) {
    EXPECT_EQ(all.find(s), std::string::npos) << s;
  }
  store_ = std::move(*storage::OpenStore((dir_ / "t.db").string()));
  Deps deps{store_.get(), keyring_.get(), &clock_, nullptr, Options{}};
  cases_ = std::make_unique<CaseService>(deps);
  auto rotated = keys::RotateKeys(*store_, *keyring_, clock_);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_GT(rotated->values_resealed, 10);
  EXPECT_EQ(cases_->GetIdentity(officer_, id)->names[0], "Rkia Plantedsurname");
  EXPECT_EQ(cases_->SearchByName(officer_, "Rkia", 5)->items.size(), 1u)
      << "the name index key survives rotation";
}

// The duplicate index follows committed writes only (creates, edits, merges, unmerges), stays
// internally consistent, and a rebuild from the database gives the same index.
TEST_F(CasesTest, DuplicateIndexFollowsCommittedWritesAndStaysConsistent) {
  MatchingDuplicateFinder finder(store_.get(), keyring_.get());
  ASSERT_TRUE(finder.Rebuild().ok());
  Deps deps{store_.get(), keyring_.get(), &clock_, &finder, Options{}};
  CaseService cases(deps);
  DuplicateService duplicates(deps);
  auto consistent = [&] { return finder.index().CheckConsistency(); };

  auto first = cases.Create(officer_, Basic(police_, "FATIMA ZAHRA ALAOUI"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(finder.index().size(), 1u);
  auto second = cases.Create(officer_, Basic(police_, "فاطمة الزهراء العلوي"));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->possible_duplicates.size(), 1u);
  EXPECT_EQ(second->possible_duplicates[0].case_ref.id, first->view.core.id);
  auto other = cases.Create(officer_, Basic(police_, "Khadija Bennani"));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(finder.index().size(), 3u);
  EXPECT_TRUE(consistent().ok()) << consistent().ToString();

  // A write that is rolled back is never indexed.
  NewCaseInput bad = Basic(police_, "Naima Rolled Back");
  bad.consents.push_back({"0000000000000000000000000z", {"coordination"}});
  EXPECT_FALSE(cases.Create(officer_, bad).ok());
  EXPECT_EQ(finder.index().size(), 3u);

  // An edit replaces her record.
  SurvivorInput edited = Basic(police_, "Khadija Bennani").survivor;
  edited.phones = {"0700000001"};
  ASSERT_TRUE(cases.UpdateSurvivor(officer_, other->view.core.id, edited, std::nullopt).ok());
  EXPECT_EQ(finder.index().size(), 3u);
  EXPECT_TRUE(consistent().ok()) << consistent().ToString();

  // A merge takes the absorbed case out; the unmerge brings it back.
  MergeInput merge{first->view.core.id, "Same woman, two channels.", std::nullopt};
  auto merged = duplicates.Merge(police_head_, second->view.core.id, merge);
  ASSERT_TRUE(merged.ok()) << merged.status().ToString();
  EXPECT_EQ(finder.index().size(), 2u);
  EXPECT_TRUE(consistent().ok()) << consistent().ToString();
  {
    MatchingDuplicateFinder rebuilt(store_.get(), keyring_.get());
    ASSERT_TRUE(rebuilt.Rebuild().ok());
    EXPECT_EQ(rebuilt.index().size(), 2u);
  }
  UnmergeInput unmerge{merged->id, "Two sisters after all.", std::nullopt};
  ASSERT_TRUE(duplicates.Unmerge(police_head_, second->view.core.id, unmerge).ok());
  EXPECT_EQ(finder.index().size(), 3u);
  EXPECT_TRUE(consistent().ok()) << consistent().ToString();
  EXPECT_EQ(finder.pending_refreshes(), 0u);

  // "Different" is remembered by the index and by a rebuild.
  DuplicateDecisionInput different{first->view.core.id, second->view.core.id, "different",
                                   "Namesakes.", std::nullopt};
  ASSERT_TRUE(duplicates.Decide(officer_, different).ok());
  MatchingDuplicateFinder rebuilt(store_.get(), keyring_.get());
  ASSERT_TRUE(rebuilt.Rebuild().ok());
  EXPECT_EQ(rebuilt.index().size(), 3u);
  EXPECT_TRUE(rebuilt.index().AreMarkedDifferent(first->view.core.id, second->view.core.id));
}

}  // namespace
}  // namespace tamkine::cases
