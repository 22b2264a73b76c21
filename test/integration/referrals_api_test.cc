// Referrals over HTTP against the real binary, on every backend: a case at the police with her
// consent for the shelter; the police refer her to the shelter with the complaint attached; the
// shelter reads exactly that document (not the minutes it otherwise could not read) and accepts;
// a second user acting on the same version gets 409; bad input is a 4xx naming the field; a
// declined referral carries a next step and the path shows both.
#include <gtest/gtest.h>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

class ReferralsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_, std::vector<std::string>{"--demo-cases", "2"});
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    const Json units = officer_->Get("/api/v1/units").json()["items"];
    for (const auto& u : units) {
      units_[u["sector"].get<std::string>()] = u["id"];
    }
    ASSERT_FALSE(units_["ngo_shelter"].empty());
    ASSERT_FALSE(units_["entraide_nationale"].empty());
  }

  std::unique_ptr<Client> Login(const std::string& user) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, "");
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  // A case at the police with her consent for the shelter and Entraide Nationale (shelter), a
  // complaint and police minutes.
  void OpenCase() {
    Json body = {{"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
                 {"survivor", {{"names", {"Khadija Fictive"}}, {"birth_date", "1990"}}},
                 {"incidents",
                  {{{"date", "2026-01-01"},
                    {"province_code", "03.01"},
                    {"place_type", "home"},
                    {"forms", {"physical"}},
                    {"facts", {{"physical_assault", true}}},
                    {"perpetrators", {{{"relationship", "husband"}}}}}}},
                 {"consents",
                  {{{"unit_id", units_["ngo_shelter"]}, {"purposes", {"shelter"}}},
                   {{"unit_id", units_["entraide_nationale"]}, {"purposes", {"shelter"}}}}}};
    auto r = officer_->Send("POST", "/api/v1/cases", body);
    ASSERT_EQ(r.status, 201) << r.body;
    case_id_ = r.json()["case"]["id"];
    auto complaint =
        officer_->Send("POST", "/api/v1/cases/" + case_id_ + "/documents",
                       {{"type", "complaint"},
                        {"metadata", {{"filed_on", "2026-01-02"}, {"route", "in_person"}}}});
    ASSERT_EQ(complaint.status, 201) << complaint.body;
    complaint_ = complaint.json()["id"];
    auto minutes =
        officer_->Send("POST", "/api/v1/cases/" + case_id_ + "/documents",
                       {{"type", "police_minutes"}, {"metadata", {{"recorded_on", "2026-01-02"}}}});
    ASSERT_EQ(minutes.status, 201) << minutes.body;
    minutes_ = minutes.json()["id"];
  }

  Json ToShelter(const std::string& sector) {
    return {{"to_unit_id", units_[sector]}, {"service", "shelter"},
            {"priority", "urgent"},         {"reason", "Planted referral reason"},
            {"document_ids", {complaint_}}, {"documents_agreement", "written"}};
  }

  // The items of this test's case (the demo data has referrals of its own).
  Json OfCase(const Json& items) const {
    Json out = Json::array();
    for (const auto& i : items) {
      if (i["case_id"] == case_id_) out.push_back(i);
    }
    return out;
  }

  std::string Doc(const std::string& id) {
    return "/api/v1/cases/" + case_id_ + "/documents/" + id;
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_;
  std::map<std::string, std::string> units_;
  std::string case_id_, complaint_, minutes_;
};

TEST_P(ReferralsApiTest, PoliceReferToTheShelterWithTheComplaintAndTheShelterAccepts) {
  OpenCase();
  auto shelter = Login("shelter.worker");
  auto shelter_head_like = Login("shelter.worker");  // a second session: a second user acting
  EXPECT_EQ(shelter->Get(Doc(complaint_)).status, 403);

  // Bad input: a 4xx naming the field, and nothing saved.
  Json no_consent = ToShelter("ngo_shelter");
  no_consent["to_unit_id"] = units_["health"];
  no_consent["service"] = "medical_care";
  Json wrong_sector = ToShelter("ngo_shelter");
  wrong_sector["to_unit_id"] = units_["court"];
  Json foreign_doc = ToShelter("ngo_shelter");
  foreign_doc["document_ids"] = {"0123456789abcdef0123456789abcdef"};
  Json no_agreement = ToShelter("ngo_shelter");
  no_agreement.erase("documents_agreement");
  Json unknown_field = ToShelter("ngo_shelter");
  unknown_field["survivor_name"] = "x";
  for (const auto& [body, field] :
       std::vector<std::pair<Json, std::string>>{{no_consent, "to_unit_id"},
                                                 {wrong_sector, "to_unit_id"},
                                                 {foreign_doc, "document_ids[0]"},
                                                 {no_agreement, "documents_agreement"},
                                                 {unknown_field, "survivor_name"}}) {
    auto r = officer_->Send("POST", "/api/v1/cases/" + case_id_ + "/referrals", body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << r.body;
  }
  EXPECT_TRUE(officer_->Get("/api/v1/cases/" + case_id_ + "/referrals").json()["items"].empty());

  auto made =
      officer_->Send("POST", "/api/v1/cases/" + case_id_ + "/referrals", ToShelter("ngo_shelter"));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = made.json()["id"];
  EXPECT_EQ(made.json()["state"], "proposed");
  EXPECT_EQ(made.json()["documents"][0]["id"], complaint_);

  // Exactly the complaint: not the minutes.
  EXPECT_EQ(shelter->Get(Doc(complaint_)).status, 200);
  EXPECT_EQ(shelter->Get(Doc(minutes_)).status, 403);
  auto docs = shelter->Get("/api/v1/cases/" + case_id_ + "/documents").json()["items"];
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0]["id"], complaint_);

  // The shelter's inbox: the reference code, no identity, no free text.
  auto inbox = shelter->Get("/api/v1/referrals?box=incoming&state=proposed");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  const Json incoming = OfCase(inbox.json()["items"]);
  ASSERT_EQ(incoming.size(), 1u);
  EXPECT_EQ(incoming[0]["id"], id);
  EXPECT_EQ(incoming[0]["priority"], "urgent");
  EXPECT_FALSE(incoming[0]["reference_code"].get<std::string>().empty());
  EXPECT_EQ(inbox.body.find("Planted"), std::string::npos);
  EXPECT_EQ(inbox.body.find("Khadija"), std::string::npos);
  EXPECT_EQ(shelter->Get("/api/v1/referrals?box=sideways").json()["error"]["field"], "box");

  // Only the receiving unit decides; two acting on the same version: one wins, one gets 409.
  EXPECT_EQ(officer_->Send("POST", "/api/v1/referrals/" + id + "/accept", {{"version", 1}}).status,
            403);
  auto accepted = shelter->Send("POST", "/api/v1/referrals/" + id + "/accept", {{"version", 1}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json()["state"], "accepted");
  EXPECT_EQ(accepted.json()["version"], 2);
  auto late = shelter_head_like->Send(
      "POST", "/api/v1/referrals/" + id + "/decline",
      {{"version", 1},
       {"reason", "full"},
       {"next_step", {{"text", "call Entraide"}, {"holder_unit_id", units_["police"]}}}});
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(late.json()["error"]["field"], "version");
  EXPECT_EQ(shelter->Get(Doc(complaint_)).status, 200);

  auto timeline = officer_->Get("/api/v1/cases/" + case_id_ + "/timeline").json()["items"];
  int events = 0;
  for (const auto& e : timeline) {
    if (e["kind"] == "referral_created" || e["kind"] == "referral_accepted") ++events;
  }
  EXPECT_EQ(events, 2);
}

TEST_P(ReferralsApiTest, ADeclinedReferralCarriesANextStepAndThePathShowsBoth) {
  OpenCase();
  auto shelter = Login("shelter.worker");
  auto entraide = Login("entraide.worker");
  auto made =
      officer_->Send("POST", "/api/v1/cases/" + case_id_ + "/referrals", ToShelter("ngo_shelter"));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string id = made.json()["id"];

  // No dead end: a decline without a next step is refused, and changes nothing.
  auto bare = shelter->Send("POST", "/api/v1/referrals/" + id + "/decline",
                            {{"reason", "no bed tonight"}, {"next_step", Json::object()}});
  EXPECT_EQ(bare.status, 400) << bare.body;
  EXPECT_EQ(bare.json()["error"]["field"], "next_step");
  auto missing =
      shelter->Send("POST", "/api/v1/referrals/" + id + "/decline", {{"reason", "no bed tonight"}});
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.json()["error"]["field"], "next_step");

  // Declined with a new referral to Entraide Nationale, in the same call, carrying the complaint.
  Json onward = ToShelter("entraide_nationale");
  auto declined =
      shelter->Send("POST", "/api/v1/referrals/" + id + "/decline",
                    {{"reason", "Planted decline reason"}, {"next_step", {{"referral", onward}}}});
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.json()["state"], "declined");
  const std::string next = declined.json()["next_step_referral_id"];
  EXPECT_EQ(shelter->Get(Doc(complaint_)).status, 403);  // its referral is over
  EXPECT_EQ(entraide->Get(Doc(complaint_)).status, 200);
  EXPECT_EQ(entraide->Get(Doc(minutes_)).status, 403);

  // Entraide declines too, naming a step the police hold.
  auto second = entraide->Send(
      "POST", "/api/v1/referrals/" + next + "/decline",
      {{"reason", "no place for her children"},
       {"next_step", {{"text", "find a family placement"}, {"holder_unit_id", units_["police"]}}}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["next_step_unit"]["id"], units_["police"]);

  auto path = officer_->Get("/api/v1/cases/" + case_id_ + "/referrals");
  ASSERT_EQ(path.status, 200) << path.body;
  const Json items = path.json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["id"], id);
  EXPECT_EQ(items[0]["to_unit"]["id"], units_["ngo_shelter"]);
  EXPECT_EQ(items[0]["decision_note"], "Planted decline reason");
  EXPECT_EQ(items[0]["next_step_referral_id"], next);
  EXPECT_EQ(items[1]["parent_referral_id"], id);
  EXPECT_EQ(items[1]["from_unit"]["id"], units_["ngo_shelter"]);
  EXPECT_EQ(items[1]["to_unit"]["id"], units_["entraide_nationale"]);
  EXPECT_EQ(items[1]["next_step"], "find a family placement");

  // Outgoing for the police: the first referral only (the second is the shelter's).
  auto outgoing = OfCase(officer_->Get("/api/v1/referrals?box=outgoing").json()["items"]);
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(outgoing[0]["state"], "declined");
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferralsApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
