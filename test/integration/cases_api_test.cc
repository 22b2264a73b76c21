// The case file over HTTP against the real binary, on every backend: opening a case with her
// receipt, what each unit sees, bad input (4xx naming the field, nothing saved), moves, consent
// revocation, break-the-glass and alerts, perpetrator exclusion, documents (upload, stripping,
// download), the public follow-up page, audit of reads and denials, sealing at rest, demo data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/encoding.h"
#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";
constexpr char kHeadTotp[] = "TAMKINEPOLICEHEADDEMOSECRET23456";
constexpr char kDemoPassword[] = "Tamkine-Demo-2026";
constexpr int kDemoCases = 12;

std::string B64(const std::string& s) {
  return crypto::Base64Encode(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

class CasesApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(
        url_, std::vector<std::string>{"--demo-cases", std::to_string(kDemoCases)});
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    auto units = officer_->Get("/api/v1/units").json()["items"];
    for (const auto& u : units) {
      std::string sector = u["sector"];
      units_[sector] = u["id"];
    }
    ASSERT_FALSE(units_["police"].empty());
  }

  std::unique_ptr<Client> Login(const std::string& user, const std::string& totp = {}) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, totp);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  Json NewCase(const std::string& name = "Fatima Zahra El Fictif") {
    return {{"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
            {"survivor",
             {{"names", {name, "فاطمة الزهراء"}},
              {"birth_date", "1991-04"},
              {"id_number", "ZZ 998877"},
              {"phones", {"06 99 11 22 33"}},
              {"address", "Rue (fictive) 9, Fès"},
              {"languages", {"darija", "tachelhit"}},
              {"needs_translator", true},
              {"contact", {{"safe_to_call", true}, {"safe_times", "mornings"}}}}},
            {"incidents",
             {{{"date", "2026-01-01"},
               {"province_code", "03.01"},
               {"place_type", "home"},
               {"forms", {"physical"}},
               {"facts", {{"physical_assault", true}}},
               {"description", "Planted narrative"},
               {"perpetrators", {{{"relationship", "husband"}, {"cohabiting", true}}}}}}},
            {"consents", {{{"unit_id", units_["health"]}, {"purposes", {"medical_care"}}}}}};
  }

  // Opens a case as the police officer; returns the response body.
  Json Open(Json body) {
    auto r = officer_->Send("POST", "/api/v1/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_;
  std::map<std::string, std::string> units_;
};

TEST_P(CasesApiTest, OpenACaseAndEachUnitSeesWhatItMay) {
  Json created = Open(NewCase());
  const std::string id = created["case"]["id"];
  const std::string code = created["receipt"]["followup_code"];
  EXPECT_EQ(created["receipt"]["reference_code"], created["case"]["reference_code"]);
  EXPECT_EQ(created["case"]["summary"]["masked_name"], "F*** Z*** E*** F***");
  EXPECT_EQ(created["case"]["summary"]["incidents"][0]["gbv_type"], "physical_assault");
  EXPECT_EQ(created["case"]["summary"]["incidents"][0]["flags"][0], "intimate_partner_violence");
  EXPECT_EQ(created["case"]["tracks"]["service"]["next_step"], "orientation");

  auto identity = officer_->Get("/api/v1/cases/" + id + "/identity");
  ASSERT_EQ(identity.status, 200) << identity.body;
  EXPECT_EQ(identity.json()["phones"][0], "+212699112233");

  auto doctor = Login("doctor");
  auto seen = doctor->Get("/api/v1/cases/" + id);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json()["permissions"]["compartments"][0], "clinical");
  EXPECT_EQ(doctor->Get("/api/v1/cases/" + id + "/compartments/clinical").status, 200);
  EXPECT_EQ(doctor->Get("/api/v1/cases/" + id + "/compartments/justice").status, 403);
  auto justice = officer_->Get("/api/v1/cases/" + id + "/compartments/justice");
  EXPECT_EQ(justice.json()["incidents"][0]["description"], "Planted narrative");
  auto shelter = Login("shelter.worker");
  EXPECT_EQ(shelter->Get("/api/v1/cases/" + id).status, 403);
  EXPECT_EQ(shelter->Get("/api/v1/cases/" + id + "/identity").status, 403);

  // Her receipt: the public page answers with a neutral status only.
  Client anonymous(server_->port());
  auto status = anonymous.Send("POST", "/api/v1/public/case-status", {{"code", code}});
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["status"], "received");
  EXPECT_EQ(status.json().size(), 2u);
  auto unknown =
      anonymous.Send("POST", "/api/v1/public/case-status", {{"code", "AAAAA-BBBBB-CCCCC-DDDDD"}});
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.json()["status"], "unknown");
  EXPECT_EQ(unknown.json().size(), status.json().size());

  // Moves, and the timeline each viewer sees.
  auto moved = officer_->Send("POST", "/api/v1/cases/" + id + "/transitions",
                              {{"track", "care"}, {"to", "orientation"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(anonymous.Send("POST", "/api/v1/public/case-status", {{"code", code}}).json()["status"],
            "in_progress");
  auto note = doctor->Send("POST", "/api/v1/cases/" + id + "/compartments/clinical/notes",
                           {{"text", "Planted clinical note"}});
  ASSERT_EQ(note.status, 201) << note.body;
  auto police_timeline = officer_->Get("/api/v1/cases/" + id + "/timeline").json()["items"];
  auto doctor_timeline = doctor->Get("/api/v1/cases/" + id + "/timeline").json()["items"];
  auto has_note = [](const Json& items) {
    for (const auto& e : items) {
      if (e["kind"] == "note_added") return true;
    }
    return false;
  };
  EXPECT_FALSE(has_note(police_timeline));
  EXPECT_TRUE(has_note(doctor_timeline));

  // Who accessed what: the shelter's refusal is in the log; the survivor's copy has no usernames.
  auto log = officer_->Get("/api/v1/cases/" + id + "/access-log");
  ASSERT_EQ(log.status, 200) << log.body;
  bool denial = false;
  const Json listed1 = log.json()["items"];
  for (const auto& e : listed1) {
    if (e["username"] == "shelter.worker" && e["decision"] == "denied") denial = true;
  }
  EXPECT_TRUE(denial);
  const Json printable = officer_->Get("/api/v1/cases/" + id + "/access-log?for=survivor").json();
  for (const auto& e : printable["items"]) {
    EXPECT_TRUE(e["username"].is_null());
  }
}

TEST_P(CasesApiTest, BadInputIsA4xxNamingTheFieldAndNothingIsSaved) {
  const size_t before = officer_->Get("/api/v1/cases?limit=100").json()["items"].size();
  struct Row {
    const char* name;
    std::function<void(Json*)> spoil;
    int status;
    std::string field;
  };
  std::vector<Row> rows = {
      {"future incident", [](Json* b) { (*b)["incidents"][0]["date"] = "2099-01-01"; }, 400,
       "incidents[0].date"},
      {"birth after incident", [](Json* b) { (*b)["survivor"]["birth_date"] = "2026-01-15"; }, 400,
       "survivor.birth_date"},
      {"unknown enum", [](Json* b) { (*b)["incidents"][0]["place_type"] = "castle"; }, 400,
       "incidents[0].place_type"},
      {"unknown field", [](Json* b) { (*b)["survivor"]["nickname"] = "x"; }, 400,
       "survivor.nickname"},
      {"wrong type", [](Json* b) { (*b)["survivor"]["needs_translator"] = "yes"; }, 400,
       "survivor.needs_translator"},
      {"consent for a unit that does not exist",
       [](Json* b) { (*b)["consents"][0]["unit_id"] = "0000000000000000000000000z"; }, 400,
       "consents[0].unit_id"},
      {"receiving unit not the user's",
       [this](Json* b) { (*b)["intake"]["unit_id"] = units_["health"]; }, 400, "intake.unit_id"},
  };
  for (const auto& r : rows) {
    Json body = NewCase();
    r.spoil(&body);
    auto resp = officer_->Send("POST", "/api/v1/cases", body);
    EXPECT_EQ(resp.status, r.status) << r.name << ": " << resp.body;
    EXPECT_EQ(resp.json()["error"]["field"], r.field) << r.name << ": " << resp.body;
  }
  EXPECT_EQ(officer_->Get("/api/v1/cases?limit=100").json()["items"].size(), before);

  const std::string id = Open(NewCase())["case"]["id"];
  auto impossible = officer_->Send("POST", "/api/v1/cases/" + id + "/transitions",
                                   {{"track", "care"}, {"to", "reception"}});
  EXPECT_EQ(impossible.status, 409) << impossible.body;
  EXPECT_EQ(impossible.json()["error"]["field"], "to");
  auto close = officer_->Send("POST", "/api/v1/cases/" + id + "/transitions",
                              {{"track", "care"}, {"to", "closed"}});
  EXPECT_EQ(close.status, 403) << "officers do not close care: " << close.body;
  auto doctor = Login("doctor");
  auto gif = doctor->Send("POST", "/api/v1/cases/" + id + "/documents",
                          {{"type", "medical_certificate"},
                           {"metadata",
                            {{"doctor_name", "Dr Fictif"},
                             {"issued_on", "2026-01-02"},
                             {"itt_days", 3},
                             {"copy_handed_to_survivor", true}}},
                           {"file", {{"filename", "x.gif"}, {"content_base64", B64("GIF89a..")}}}});
  EXPECT_EQ(gif.status, 400) << gif.body;
  EXPECT_EQ(gif.json()["error"]["field"], "file.content_base64");
  auto bad64 = doctor->Send("POST", "/api/v1/cases/" + id + "/documents",
                            {{"type", "other"},
                             {"metadata", {{"title", "x"}}},
                             {"file", {{"filename", "x.pdf"}, {"content_base64", "%%%%"}}}});
  EXPECT_EQ(bad64.json()["error"]["field"], "file.content_base64");
  // Over the size limit: 413 naming the field (the body itself is under the route's limit).
  std::string big = "%PDF-1.4\n" + std::string(10 * 1024 * 1024 + 16, 'x');
  auto large = doctor->Send("POST", "/api/v1/cases/" + id + "/documents",
                            {{"type", "other"},
                             {"metadata", {{"title", "big"}}},
                             {"file", {{"filename", "big.pdf"}, {"content_base64", B64(big)}}}});
  EXPECT_EQ(large.status, 413) << large.body.substr(0, 200);
  EXPECT_EQ(large.json()["error"]["field"], "file.content_base64");
  EXPECT_TRUE(doctor->Get("/api/v1/cases/" + id + "/documents").json()["items"].empty());
}

TEST_P(CasesApiTest, DocumentsAreStrippedSealedVersionedAndTypedForReaders) {
  const std::string id = Open(NewCase())["case"]["id"];
  auto doctor = Login("doctor");
  const std::string pdf =
      "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Author (Planted Author) "
      ">>\nendobj\ntrailer\n<< /Root 1 0 R /Info 2 0 R >>\n%%EOF\n";
  auto created = doctor->Send("POST", "/api/v1/cases/" + id + "/documents",
                              {{"type", "medical_certificate"},
                               {"metadata",
                                {{"doctor_name", "Dr Fictif"},
                                 {"issued_on", "2026-01-02"},
                                 {"itt_days", 21},
                                 {"copy_handed_to_survivor", true}}},
                               {"file",
                                {{"filename", "certificat.pdf"},
                                 {"content_base64", B64(pdf)},
                                 {"content_type", "application/pdf"}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string doc = created.json()["id"];
  EXPECT_EQ(created.json()["versions"][0]["stripped"][0], "pdf:info");
  auto content = officer_->Get("/api/v1/cases/" + id + "/documents/" + doc + "/content");
  ASSERT_EQ(content.status, 200) << content.body;
  EXPECT_EQ(content.headers["content-type"], "application/pdf");
  EXPECT_NE(content.headers["content-disposition"].find("medical_certificate-v1.pdf"),
            std::string::npos);
  EXPECT_EQ(content.body.find("Planted Author"), std::string::npos);
  EXPECT_EQ(content.body.substr(0, 8), "%PDF-1.4");
  auto v2 = doctor->Send("POST", "/api/v1/cases/" + id + "/documents/" + doc + "/versions",
                         {{"file", {{"filename", "scan.pdf"}, {"content_base64", B64(pdf)}}}});
  ASSERT_EQ(v2.status, 201) << v2.body;
  EXPECT_EQ(v2.json()["current_version"], 2);
  EXPECT_EQ(
      officer_->Get("/api/v1/cases/" + id + "/documents/" + doc + "/content?version=1").status,
      200);
  // The NGO with consent for social support does not read medical certificates.
  auto social = Login("social.worker");
  ASSERT_EQ(officer_
                ->Send("POST", "/api/v1/cases/" + id + "/consents",
                       {{"unit_id", units_["ngo_listening"]}, {"purposes", {"social_support"}}})
                .status,
            201);
  EXPECT_EQ(social->Get("/api/v1/cases/" + id).status, 200);
  EXPECT_EQ(social->Get("/api/v1/cases/" + id + "/documents/" + doc).status, 403);
  EXPECT_TRUE(social->Get("/api/v1/cases/" + id + "/documents").json()["items"].empty());
}

TEST_P(CasesApiTest, RevocationBreakTheGlassAlertsAndReview) {
  const std::string id = Open(NewCase())["case"]["id"];
  Json core = officer_->Get("/api/v1/cases/" + id).json();
  auto doctor = Login("doctor");
  ASSERT_EQ(doctor->Get("/api/v1/cases/" + id).status, 200);
  auto consents = officer_->Get("/api/v1/cases/" + id + "/consents").json()["items"];
  ASSERT_EQ(consents.size(), 1u);
  std::string consent_id = consents[0]["id"];
  auto revoked =
      officer_->Send("POST", "/api/v1/cases/" + id + "/consents/" + consent_id + "/revoke",
                     {{"reason", "survivor_request"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json()["active"], false);
  EXPECT_EQ(doctor->Get("/api/v1/cases/" + id).status, 403) << "effective on the next request";

  // The gendarmerie of the same region breaks the glass in an emergency.
  auto gendarme = Login("gendarmerie.officer");
  EXPECT_EQ(gendarme->Get("/api/v1/cases/" + id).status, 403);
  auto grant = gendarme->Send("POST", "/api/v1/cases/break-glass",
                              {{"reference_code", core["reference_code"]},
                               {"reason", "She is at our post tonight, injured; he is outside."},
                               {"minutes", 30}});
  ASSERT_EQ(grant.status, 201) << grant.body;
  EXPECT_EQ(gendarme->Get("/api/v1/cases/" + id).status, 200);
  EXPECT_EQ(gendarme
                ->Send("POST", "/api/v1/cases/" + id + "/transitions",
                       {{"track", "care"}, {"to", "orientation"}})
                .status,
            403)
      << "break-the-glass only reads";

  auto head = Login("police.head", kHeadTotp);
  auto alerts = head->Get("/api/v1/alerts?unit_id=" + units_["police"]);
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  ASSERT_FALSE(alerts.json()["items"].empty());
  Json alert;
  const Json listed2 = alerts.json()["items"];
  for (const auto& a : listed2) {
    if (a["kind"] == "break_glass" && a["case_id"] == id) alert = a;
  }
  ASSERT_FALSE(alert.is_null()) << alerts.body;
  EXPECT_EQ(
      head->Send("POST", "/api/v1/alerts/" + std::string(alert["id"]) + "/ack", nullptr).status,
      200);
  EXPECT_EQ(officer_->Get("/api/v1/alerts?unit_id=" + units_["police"]).status, 403);
  auto pending = head->Get("/api/v1/break-glass?unit_id=" + units_["police"]);
  ASSERT_EQ(pending.status, 200) << pending.body;
  bool found = false;
  const Json listed3 = pending.json()["items"];
  for (const auto& g : listed3) {
    if (g["id"] == grant.json()["id"]) found = true;
  }
  EXPECT_TRUE(found);
  auto review =
      head->Send("POST", "/api/v1/break-glass/" + std::string(grant.json()["id"]) + "/review",
                 {{"outcome", "justified"}, {"note", "Confirmed with the duty officer."}});
  EXPECT_EQ(review.status, 200) << review.body;
  EXPECT_EQ(review.json()["review_outcome"], "justified");
}

TEST_P(CasesApiTest, APerpetratorWhoIsAUserNeverOpensTheCaseAndEverythingIsAudited) {
  auto admin = Login("admin", kAdminTotp);
  std::string gendarme_id;
  const Json listed4 = admin->Get("/api/v1/users").json()["items"];
  for (const auto& u : listed4) {
    if (u["username"] == "gendarmerie.officer") gendarme_id = u["id"];
  }
  ASSERT_FALSE(gendarme_id.empty());
  Json body = NewCase("Salma Ben Exemple");
  body["incidents"][0]["perpetrators"][0]["user_id"] = gendarme_id;
  body["incidents"][0]["perpetrators"][0]["works_in_sector"] = "gendarmerie";
  Json created = Open(body);
  const std::string id = created["case"]["id"];
  auto gendarme = Login("gendarmerie.officer");
  // He cannot even learn that the case exists: the answer of an unknown case.
  auto hidden = gendarme->Get("/api/v1/cases/" + id);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.json()["error"],
            gendarme->Get("/api/v1/cases/0000000000000000000000000z").json()["error"]);
  EXPECT_EQ(gendarme
                ->Send("POST", "/api/v1/cases/break-glass",
                       {{"reference_code", created["case"]["reference_code"]},
                        {"reason", "I need to see this case right now, urgent."}})
                .status,
            404);
  const Json listed5 = gendarme->Get("/api/v1/cases?limit=100").json()["items"];
  for (const auto& c : listed5) {
    EXPECT_NE(c["id"], id);
  }
  auto audit = admin->Get("/api/v1/audit?limit=200").json()["items"];
  int denied = 0, created_entries = 0;
  for (const auto& e : audit) {
    if (e["record_id"] == id && e["decision"] == "denied" &&
        e["username"] == "gendarmerie.officer") {
      ++denied;
    }
    if (e["record_id"] == id && e["action"] == "case.create") ++created_entries;
  }
  EXPECT_EQ(denied, 2);
  EXPECT_EQ(created_entries, 1);
  EXPECT_EQ(admin->Get("/api/v1/audit/verify").json()["ok"], true);
  // Administrators run the system, not cases.
  EXPECT_EQ(admin->Get("/api/v1/cases/" + id).status, 403);
}

TEST_P(CasesApiTest, SearchNameSearchDemoDataAndVocabulary) {
  auto vocab = Client(server_->port()).Get("/api/v1/reference/case-vocabulary");
  ASSERT_EQ(vocab.status, 200);
  EXPECT_EQ(vocab.json()["document_types"].size(), 9u);
  // The demo seeded synthetic cases; the police sees theirs, masked.
  auto mine = officer_->Get("/api/v1/cases?limit=100");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_FALSE(mine.json()["items"].empty());
  const std::string id = Open(NewCase("Khadidja Ouazzani"))["case"]["id"];
  auto found = officer_->Send("POST", "/api/v1/cases/name-search", {{"name", "Khadija Wazzani"}});
  ASSERT_EQ(found.status, 200) << found.body;
  bool hit = false;
  const Json hits = found.json();
  for (const auto& c : hits["items"]) hit = hit || c["id"] == id;
  EXPECT_TRUE(hit);
  auto judge = Login("judge");
  EXPECT_EQ(judge->Send("POST", "/api/v1/cases/name-search", {{"name", "Khadija"}}).status, 403);
  auto by_form = officer_->Get("/api/v1/cases?form=physical&status=open&limit=5");
  EXPECT_EQ(by_form.status, 200);
  EXPECT_EQ(officer_->Get("/api/v1/cases?form=cyber").json()["error"]["field"], "form");
}

TEST_P(CasesApiTest, PlantedPlaintextNeverReachesTheDataDirectory) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "file-level check applies to the embedded database";
  Json body = NewCase("Rkia Plantedsurname");
  body["survivor"]["phones"] = {"0677 88 99 11"};
  const std::string id = Open(body)["case"]["id"];
  auto doctor = Login("doctor");
  Json doc = {{"type", "other"},
              {"metadata", {{"title", "Planted title"}}},
              {"file",
               {{"filename", "planted-file-name.pdf"},
                {"content_base64", B64("%PDF-1.4\nPlanted document body\n%%EOF\n")}}}};
  auto added = doctor->Send("POST", "/api/v1/cases/" + id + "/documents", doc);
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_EQ(server_->Stop(), 0);
  std::string all;
  for (const auto& f : std::filesystem::recursive_directory_iterator(server_->data_dir())) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  for (const char* s : {"Plantedsurname", "677889911", "ZZ998877", "Planted narrative",
                        "Planted title", "planted-file-name", "Planted document body", "Fictif"}) {
    EXPECT_EQ(all.find(s), std::string::npos) << s;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CasesApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
