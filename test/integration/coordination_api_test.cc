// Coordination over HTTP against the real binary, on every backend: an intake at the police, an
// urgent instruction from the prosecution, acknowledged, in progress, and done with an outcome and
// the medical certificate attached; bad instructions answered 400 naming the field with nothing
// written; another unit's item refused; a second acknowledgement 409; the inbox; the timeliness
// figures.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "crypto/encoding.h"
#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kDemoPassword[] = "Tamkine-Demo-2026";
constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";

std::string FieldOf(const HttpResponse& r) {
  auto j = r.json();
  if (!j.contains("error") || !j["error"]["field"].is_string()) return "";
  return j["error"]["field"];
}

std::string B64(const std::string& s) {
  return crypto::Base64Encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

class CoordinationApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_, std::vector<std::string>{"--demo-cases", "0"});
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    const Json units = officer_->Get("/api/v1/units").json();
    for (const auto& u : units["items"]) {
      units_[u["sector"].get<std::string>()] = u["id"];
    }
    ASSERT_FALSE(units_["prosecution"].empty());
  }

  std::unique_ptr<Client> Login(const std::string& user, const std::string& totp = {}) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, totp);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  // An intake at the police with her consent for the prosecution and the hospital.
  std::string OpenCase() {
    Json body = {
        {"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
        {"survivor", {{"names", {"Naima El Fictif"}}, {"birth_date", "1990"}}},
        {"incidents",
         {{{"date", "2026-01-01"},
           {"province_code", "03.01"},
           {"place_type", "home"},
           {"forms", {"physical"}},
           {"facts", {{"physical_assault", true}}}}}},
        {"consents",
         {{{"unit_id", units_["prosecution"]}, {"purposes", {"investigation_prosecution"}}},
          {{"unit_id", units_["health"]}, {"purposes", {"medical_care"}}}}}};
    auto r = officer_->Send("POST", "/api/v1/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["case"]["id"];
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_;
  std::map<std::string, std::string> units_;
};

TEST_P(CoordinationApiTest, UrgentInstructionFromProsecutionToPoliceThroughToDone) {
  const std::string case_id = OpenCase();
  auto prosecutor = Login("prosecutor");
  const std::string path = "/api/v1/cases/" + case_id + "/instructions";

  // Bad instructions: 400 naming the field, nothing written.
  Json wrong_unit = {{"type", "go_to_scene"}, {"target_unit_id", units_["health"]}};
  auto r = prosecutor->Send("POST", path, wrong_unit);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(FieldOf(r), "target_unit_id");
  r = prosecutor->Send("POST", path,
                       {{"type", "go_to_scene"},
                        {"target_unit_id", units_["police"]},
                        {"due_at", "2020-01-01T00:00:00Z"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(FieldOf(r), "due_at");
  r = prosecutor->Send("POST", path,
                       {{"type", "go_to_scene"}, {"target_unit_id", units_["police"]}, {"x", 1}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FieldOf(r), "x");
  r = officer_->Send("POST", path, {{"type", "go_to_scene"}, {"target_unit_id", units_["police"]}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(officer_->Get("/api/v1/cases/" + case_id + "/work-items").json()["items"].empty());

  // The urgent instruction: accompany her to hospital within the hour.
  r = prosecutor->Send("POST", path,
                       {{"type", "accompany_to_hospital"},
                        {"target_unit_id", units_["police"]},
                        {"priority", "urgent"},
                        {"note", "She is at her sister's"}});
  ASSERT_EQ(r.status, 201) << r.body;
  Json item = r.json();
  const std::string id = item["id"];
  EXPECT_EQ(item["state"], "issued");
  EXPECT_EQ(item["priority"], "urgent");
  EXPECT_EQ(item["target_unit"]["id"], units_["police"]);
  EXPECT_EQ(item["issuer_unit"]["id"], units_["prosecution"]);

  // The police's on-duty officer sees it at once in the inbox.
  Json inbox = officer_->Get("/api/v1/inbox").json();
  ASSERT_EQ(inbox["items"].size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox["items"][0]["id"], id);
  EXPECT_FALSE(inbox["items"][0].contains("note"));

  // Another unit may not act on it; the target unit acknowledges; a second acknowledgement is 409.
  auto doctor = Login("doctor");
  EXPECT_EQ(
      doctor->Send("POST", "/api/v1/work-items/" + id + "/acknowledge", Json::object()).status,
      403);
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/acknowledge", Json::object());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "acknowledged");
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/acknowledge", Json::object());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(FieldOf(r), "action");
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/start", {{"version", 1}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(FieldOf(r), "version");
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/start", {{"version", 2}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "in_progress");

  // At the hospital the doctor adds the medical certificate; the police attach it on completion.
  const std::string pdf =
      "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  auto cert = doctor->Send("POST", "/api/v1/cases/" + case_id + "/documents",
                           {{"type", "medical_certificate"},
                            {"metadata",
                             {{"doctor_name", "Dr Fictif"},
                              {"issued_on", "2026-01-01"},
                              {"itt_days", 21},
                              {"copy_handed_to_survivor", true}}},
                            {"file",
                             {{"filename", "certificat.pdf"},
                              {"content_base64", B64(pdf)},
                              {"content_type", "application/pdf"}}}});
  ASSERT_EQ(cert.status, 201) << cert.body;
  const std::string doc = cert.json()["id"];
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/complete", {{"document_ids", {doc}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FieldOf(r), "outcome");
  r = officer_->Send("POST", "/api/v1/work-items/" + id + "/complete",
                     {{"outcome", "Accompanied to the hospital unit; certificate issued"},
                      {"document_ids", {doc}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["state"], "done");
  EXPECT_EQ(r.json()["document_ids"][0], doc);

  // The prosecutor reads the outcome; the case page lists the item; the timeline has each step.
  r = prosecutor->Get("/api/v1/work-items/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["outcome"], "Accompanied to the hospital unit; certificate issued");
  EXPECT_EQ(r.json()["note"], "She is at her sister's");
  EXPECT_EQ(doctor->Get("/api/v1/work-items/" + id).status, 403);
  Json list = officer_->Get("/api/v1/cases/" + case_id + "/work-items").json();
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["text_withheld"], true);
  int steps = 0;
  const Json timeline = officer_->Get("/api/v1/cases/" + case_id + "/timeline").json();
  for (const auto& e : timeline["items"]) {
    if (e["kind"] == "work_item") ++steps;
  }
  EXPECT_EQ(steps, 4);
  EXPECT_TRUE(officer_->Get("/api/v1/inbox").json()["items"].empty());

  // Timeliness: aggregates for the commission, refused to an officer.
  auto commission = Login("commission.member");
  r = commission->Get("/api/v1/stats/timeliness?sector=police");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["units"].size(), 1u) << r.body;
  EXPECT_EQ(r.json()["units"][0]["done"], 1);
  EXPECT_EQ(r.json()["units"][0]["acknowledgement"]["count"], 1);
  EXPECT_EQ(officer_->Get("/api/v1/stats/timeliness").status, 403);
  EXPECT_EQ(commission->Get("/api/v1/stats/timeliness?from=yesterday").status, 400);

  // The catalogue is read by staff and extended by administrators only.
  EXPECT_EQ(officer_->Get("/api/v1/instruction-types").json()["items"].size(), 8u);
  Json type = {{"code", "escort_to_court"},
               {"labels", {{"ar", "مرافقة"}, {"fr", "Accompagner au tribunal"}, {"en", "Escort"}}},
               {"sectors", {"ngo_listening"}},
               {"default_priority", "normal"},
               {"deadline_minutes", {{"urgent", 60}, {"priority", 600}, {"normal", 2880}}}};
  EXPECT_EQ(prosecutor->Send("POST", "/api/v1/instruction-types", type).status, 403);
  auto admin = Login("admin", kAdminTotp);
  r = admin->Send("POST", "/api/v1/instruction-types", type);
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_P(CoordinationApiTest, AWithdrawalIsReviewedBeforeTheJusticeTrackCloses) {
  const std::string case_id = OpenCase();
  auto prosecutor = Login("prosecutor");
  auto r = officer_->Send("POST", "/api/v1/cases/" + case_id + "/withdrawal",
                          {{"note", "She came with her brother-in-law"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string review = r.json()["id"];
  EXPECT_EQ(r.json()["kind"], "withdrawal_review");
  EXPECT_EQ(r.json()["target_unit"]["id"], units_["prosecution"]);
  EXPECT_EQ(
      officer_->Send("POST", "/api/v1/cases/" + case_id + "/withdrawal", Json::object()).status,
      409);
  ASSERT_EQ(officer_
                ->Send("POST", "/api/v1/cases/" + case_id + "/transitions",
                       {{"track", "justice"}, {"to", "complaint"}})
                .status,
            200);
  Json close = {{"track", "justice"},
                {"to", "closed_without_action"},
                {"reason", "complaint withdrawn"},
                {"close_reason", "survivor_request"}};
  r = prosecutor->Send("POST", "/api/v1/cases/" + case_id + "/transitions", close);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(FieldOf(r), "to");
  // The review appears in the prosecutor's inbox; done with pressure suspected, it suggests an
  // investigation.
  Json inbox = prosecutor->Get("/api/v1/inbox").json();
  ASSERT_EQ(inbox["items"].size(), 1u) << inbox.dump();
  EXPECT_EQ(inbox["items"][0]["id"], review);
  r = prosecutor->Send(
      "POST", "/api/v1/work-items/" + review + "/complete",
      {{"outcome_code", "pressure_suspected"}, {"outcome", "Threats by the husband's family"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["suggested_instruction_type"], "investigate_withdrawal");
  r = prosecutor->Send("POST", "/api/v1/cases/" + case_id + "/instructions",
                       {{"type", "investigate_withdrawal"},
                        {"target_unit_id", units_["police"]},
                        {"parent_id", review}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(prosecutor->Send("POST", "/api/v1/cases/" + case_id + "/transitions", close).status,
            200);
}

INSTANTIATE_TEST_SUITE_P(Backends, CoordinationApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
