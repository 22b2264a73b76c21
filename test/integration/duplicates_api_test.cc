// Duplicate detection at intake over HTTP against the real binary, on every backend: the same
// woman filed online in Latin script and then in person in Arabic script is flagged and her new
// intake attached; her sister (same family name, phone and town) is not probable; users who may
// not read her case (another unit, a perpetrator working in a sector) see no candidate at all;
// "different person" is remembered; the review queue; merge and unmerge.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kAdminTotp[] = "TAMKINEADMINDEMOTOTPSECRET234567";
constexpr char kHeadTotp[] = "TAMKINEPOLICEHEADDEMOSECRET23456";
constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

class DuplicatesApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_, std::vector<std::string>{"--demo-cases", "5"});
    ASSERT_TRUE(server_->started()) << server_->output();
    officer_ = Login("police.officer");
    prosecutor_ = Login("prosecutor");
    const Json units = officer_->Get("/api/v1/units").json()["items"];
    for (const auto& u : units) {
      units_[u["sector"].get<std::string>()] = u["id"];
    }
    ASSERT_FALSE(units_["police"].empty());
    ASSERT_FALSE(units_["prosecution"].empty());
  }

  std::unique_ptr<Client> Login(const std::string& user, const std::string& totp = {}) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, totp);
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  static Json Survivor(const std::string& name, const std::string& phone,
                       const std::string& birth = "") {
    Json s = {{"names", {name}}, {"phones", {phone}}, {"address", "Hay Saada, Fès"}};
    if (!birth.empty()) s["birth_date"] = birth;
    return s;
  }

  // A case opened by `who` at `unit` (sector) through `channel`, shared with the police unit (and
  // the gendarmerie) for the investigation.
  Json Open(Client& who, const std::string& unit, const std::string& channel, Json survivor,
            const std::string& excluded_user = {}) {
    Json body = {{"intake", {{"unit_id", units_[unit]}, {"channel", channel}}},
                 {"survivor", std::move(survivor)},
                 {"incidents",
                  {{{"date", "2026-01-10"},
                    {"province_code", "03.01"},
                    {"place_type", "home"},
                    {"forms", {"physical"}},
                    {"facts", {{"physical_assault", true}}},
                    {"perpetrators", {{{"relationship", "husband"}}}}}}},
                 {"consents", Json::array()}};
    for (const char* to : {"police", "gendarmerie"}) {
      if (to != unit) {
        body["consents"].push_back(
            {{"unit_id", units_[to]}, {"purposes", {"investigation_prosecution"}}});
      }
    }
    if (!excluded_user.empty()) {
      body["incidents"][0]["perpetrators"][0]["user_id"] = excluded_user;
    }
    auto r = who.Send("POST", "/api/v1/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  HttpResponse Check(Client& who, const std::string& unit, const Json& survivor,
                     const std::string& case_id = {}) {
    Json body = {{"acting_unit_id", units_[unit]}, {"survivor", survivor}};
    if (!case_id.empty()) body["case_id"] = case_id;
    return who.Send("POST", "/api/v1/cases/duplicate-check", body);
  }

  static const Json* Find(const Json& candidates, const std::string& id) {
    for (const auto& c : candidates) {
      if (c["case"]["id"] == id) return &c;
    }
    return nullptr;
  }

  // The administrator signs in once per test (a TOTP code is accepted only once).
  Client& Admin() {
    if (!admin_) admin_ = Login("admin", kAdminTotp);
    return *admin_;
  }

  std::string UserId(const std::string& username) {
    const Json users = Admin().Get("/api/v1/users").json()["items"];
    for (const auto& u : users) {
      if (u["username"] == username) return u["id"];
    }
    return "";
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> officer_, prosecutor_, admin_;
  std::map<std::string, std::string> units_;
};

TEST_P(DuplicatesApiTest, SameWomanOnlineThenInPersonInAnotherScriptIsFlaggedAndAttached) {
  const std::string gendarme = UserId("gendarmerie.officer");
  ASSERT_FALSE(gendarme.empty());
  // Filed online through the prosecution's platform, in capitals; the perpetrator works in the
  // gendarmerie and has a Tamkine account.
  Json online = Open(*prosecutor_, "prosecution", "online_self_report",
                     Survivor("FATIMA ZAHRA ALAOUI", "0612345678"), gendarme);
  const std::string her = online["case"]["id"];
  // Her sister: same family name, phone and town.
  Json sister = Open(*prosecutor_, "prosecution", "online_self_report",
                     Survivor("KHADIJA ALAOUI", "0612345678", "1995"));
  const std::string sister_id = sister["case"]["id"];

  // She comes to the police unit; the officer types her name in Arabic script.
  const Json typed = Survivor("فاطمة الزهراء العلوي", "06 12 34 56 78");
  auto checked = Check(*officer_, "police", typed);
  ASSERT_EQ(checked.status, 200) << checked.body;
  const Json candidates = checked.json()["candidates"];
  ASSERT_FALSE(candidates.empty()) << checked.body;
  EXPECT_EQ(candidates[0]["case"]["id"], her) << checked.body;
  EXPECT_EQ(candidates[0]["decision"], "probable") << checked.body;
  EXPECT_EQ(candidates[0]["case"]["reference_code"], online["case"]["reference_code"]);
  EXPECT_EQ(candidates[0]["case"]["masked_name"], "F*** Z*** A***");
  EXPECT_EQ(candidates[0]["case"]["status"], "open");
  EXPECT_FALSE(candidates[0]["case"]["held_by_unit_name"].get<std::string>().empty());
  std::map<std::string, std::string> evidence;
  const Json fields = candidates[0]["evidence"];
  for (const auto& e : fields) evidence[e["field"]] = e["agreement"];
  EXPECT_EQ(evidence["phone"], "exact");
  EXPECT_NE(evidence["given_name"], "disagree");
  EXPECT_EQ(evidence.size(), 6u);
  if (const Json* s = Find(candidates, sister_id)) {
    EXPECT_NE((*s)["decision"], "probable") << checked.body;
  }
  // Only levels and weights: nothing she typed comes back.
  for (const char* leak : {"ALAOUI", "0612345678", "+212612345678", "العلوي", "Saada"}) {
    EXPECT_EQ(checked.body.find(leak), std::string::npos) << leak;
  }

  // The officer attaches her new intake to the case found, with the code shown.
  auto attached =
      officer_->Send("POST", "/api/v1/cases/" + her + "/intakes",
                     {{"reference_code", candidates[0]["case"]["reference_code"]},
                      {"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
                      {"purposes", {"investigation_prosecution"}}});
  ASSERT_EQ(attached.status, 201) << attached.body;
  EXPECT_EQ(attached.json()["summary"]["intakes"].size(), 2u);

  // A unit that may not read her case sees no candidate at all: not a count, not a hint.
  auto shelter = Login("shelter.worker");
  auto none = Check(*shelter, "ngo_shelter", typed);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json()["candidates"].size(), 0u) << none.body;
  // Nor does the perpetrator, although his unit holds her consent.
  auto perpetrator = Login("gendarmerie.officer");
  auto hidden = Check(*perpetrator, "gendarmerie", typed);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(Find(hidden.json()["candidates"], her), nullptr) << hidden.body;
  // The same rule holds when a case is saved: the shelter's new case names no candidate.
  Json body = {{"intake", {{"unit_id", units_["ngo_shelter"]}, {"channel", "in_person"}}},
               {"survivor", Survivor("Fatima-Zahra El Alaoui", "+212612345678")}};
  auto saved = shelter->Send("POST", "/api/v1/cases", body);
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(saved.json()["possible_duplicates"].size(), 0u) << saved.body;

  // Bad input names the field; acting for a unit one does not belong to is refused.
  Json bad = typed;
  bad["birth_date"] = "1990-13";
  auto invalid = Check(*officer_, "police", bad);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json()["error"]["field"], "survivor.birth_date") << invalid.body;
  auto unknown =
      officer_->Send("POST", "/api/v1/cases/duplicate-check",
                     {{"acting_unit_id", units_["police"]}, {"survivor", typed}, {"surname", "x"}});
  EXPECT_EQ(unknown.status, 400);
  auto missing = officer_->Send("POST", "/api/v1/cases/duplicate-check", {{"survivor", typed}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["field"], "acting_unit_id") << missing.body;
  auto other_unit = Check(*officer_, "prosecution", typed);
  EXPECT_EQ(other_unit.status, 400) << other_unit.body;

  // The check is audited, with one entry per case shown, and without what was typed.
  auto audit = Admin().Get("/api/v1/audit?limit=500");
  ASSERT_EQ(audit.status, 200) << audit.body;
  int shown = 0;
  const Json entries = audit.json()["items"];
  for (const auto& e : entries) {
    if (e["action"] == "case.duplicate_check" && e["record_id"].is_string() &&
        e["record_id"] == her) {
      ++shown;
    }
  }
  EXPECT_GE(shown, 1);
  EXPECT_EQ(audit.body.find("ALAOUI"), std::string::npos);
}

TEST_P(DuplicatesApiTest, DifferentIsRememberedAndThePairLeavesTheReviewQueue) {
  Json online = Open(*prosecutor_, "prosecution", "online_self_report",
                     Survivor("FATIMA ZAHRA ALAOUI", "0612345678"));
  const std::string a = online["case"]["id"];
  // The officer saves a new case anyway: the candidate comes back with the case, and the pair
  // waits in the review queue of units that may read both.
  const Json typed = Survivor("فاطمة الزهراء العلوي", "06 12 34 56 78");
  Json body = {{"intake", {{"unit_id", units_["police"]}, {"channel", "in_person"}}},
               {"survivor", typed}};
  auto saved = officer_->Send("POST", "/api/v1/cases", body);
  ASSERT_EQ(saved.status, 201) << saved.body;
  const std::string b = saved.json()["case"]["id"];
  ASSERT_NE(Find(saved.json()["possible_duplicates"], a), nullptr) << saved.body;

  auto review = officer_->Get("/api/v1/duplicates/review?unit_id=" + units_["police"]);
  ASSERT_EQ(review.status, 200) << review.body;
  bool queued = false;
  const Json items = review.json()["items"];
  for (const auto& i : items) {
    std::set<std::string> ids = {i["case_a"]["id"], i["case_b"]["id"]};
    if (ids == std::set<std::string>{a, b}) {
      queued = true;
      EXPECT_EQ(i["status"], "pending");
      EXPECT_EQ(i["evidence"].size(), 6u);
    }
  }
  EXPECT_TRUE(queued) << review.body;
  // The shelter cannot read either case: its queue does not show the pair.
  auto shelter = Login("shelter.worker");
  auto theirs = shelter->Get("/api/v1/duplicates/review?unit_id=" + units_["ngo_shelter"]);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.body.find(a), std::string::npos);
  EXPECT_EQ(officer_->Get("/api/v1/duplicates/review?unit_id=" + units_["ngo_shelter"]).status,
            400);

  // They turn out to be namesakes: "different person", remembered.
  auto bad = officer_->Send("POST", "/api/v1/duplicates/decisions",
                            {{"case_a", a}, {"case_b", b}, {"decision", "maybe"}, {"reason", "x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "decision");
  auto decided = officer_->Send("POST", "/api/v1/duplicates/decisions",
                                {{"case_a", b},
                                 {"case_b", a},
                                 {"decision", "different"},
                                 {"reason", "Namesakes: different mothers, checked with her."}});
  ASSERT_EQ(decided.status, 201) << decided.body;
  EXPECT_EQ(decided.json()["status"], "different");
  auto after = officer_->Get("/api/v1/duplicates/review?unit_id=" + units_["police"]);
  EXPECT_EQ(after.body.find(b), std::string::npos) << after.body;
  // Checking an edit of her case no longer proposes the other one.
  auto edit = Check(*officer_, "police", typed, b);
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(Find(edit.json()["candidates"], a), nullptr) << edit.body;
  EXPECT_EQ(Find(edit.json()["candidates"], b), nullptr) << edit.body;
  // Nor does saving her edited identity queue the pair again.
  auto put = officer_->Send("PUT", "/api/v1/cases/" + b + "/survivor", typed);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(officer_->Get("/api/v1/duplicates/review?unit_id=" + units_["police"]).body.find(b),
            std::string::npos);
  // And after a restart (the index is rebuilt from the database) it is still remembered.
  ASSERT_EQ(server_->Stop(), 0);
  ASSERT_TRUE(server_->Start()) << server_->output();
  officer_ = Login("police.officer");
  auto restarted = Check(*officer_, "police", typed, b);
  ASSERT_EQ(restarted.status, 200) << restarted.body;
  EXPECT_EQ(Find(restarted.json()["candidates"], a), nullptr) << restarted.body;
  EXPECT_NE(Find(Check(*officer_, "police", typed).json()["candidates"], a), nullptr);

  // A user who may not work on one of the cases cannot decide about the pair.
  shelter = Login("shelter.worker");
  auto shelter_decides = shelter->Send(
      "POST", "/api/v1/duplicates/decisions",
      {{"case_a", a}, {"case_b", b}, {"decision", "same"}, {"reason", "I think so."}});
  EXPECT_EQ(shelter_decides.status, 403) << shelter_decides.body;
}

TEST_P(DuplicatesApiTest, MergeKeepsEveryRecordAndUnmergeRestoresBoth) {
  Json online = Open(*prosecutor_, "prosecution", "online_self_report",
                     Survivor("FATIMA ZAHRA ALAOUI", "0612345678"));
  const std::string a = online["case"]["id"];
  const Json typed = Survivor("فاطمة الزهراء العلوي", "06 12 34 56 78");
  Json in_person = Open(*officer_, "police", "in_person", typed);
  const std::string b = in_person["case"]["id"];
  auto before_a = officer_->Get("/api/v1/cases/" + a).json();
  auto before_b = officer_->Get("/api/v1/cases/" + b).json();

  // Merging is for unit heads and prosecutors.
  Json merge = {{"absorbed_case_id", a},
                {"reason", "Same woman: online complaint, then in person."}};
  auto refused = officer_->Send("POST", "/api/v1/cases/" + b + "/merge", merge);
  EXPECT_EQ(refused.status, 403) << refused.body;
  auto head = Login("police.head", kHeadTotp);
  auto merged = head->Send("POST", "/api/v1/cases/" + b + "/merge", merge);
  ASSERT_EQ(merged.status, 201) << merged.body;
  const std::string merge_id = merged.json()["id"];
  // Her consents moved with her records: the police now reach her file through the surviving
  // case only; merging again is refused.
  EXPECT_NE(head->Send("POST", "/api/v1/cases/" + b + "/merge", merge).status, 201);

  // The absorbed case is kept (its opening unit still reads it), pointing to hers; its records
  // show under the surviving case.
  auto absorbed = prosecutor_->Get("/api/v1/cases/" + a);
  ASSERT_EQ(absorbed.status, 200) << absorbed.body;
  EXPECT_EQ(absorbed.json()["status"], "merged");
  EXPECT_EQ(absorbed.json()["merged_into_case_id"], b);
  auto surviving = officer_->Get("/api/v1/cases/" + b).json();
  EXPECT_EQ(surviving["summary"]["intakes"].size(), 2u);
  EXPECT_EQ(surviving["summary"]["incidents"].size(), 2u);
  const Json timeline = officer_->Get("/api/v1/cases/" + b + "/timeline").json()["items"];
  int opened = 0, merged_events = 0;
  for (const auto& e : timeline) {
    opened += e["kind"] == "case_opened" ? 1 : 0;
    merged_events += e["kind"] == "case_merged" ? 1 : 0;
  }
  EXPECT_EQ(opened, 2);
  EXPECT_EQ(merged_events, 2);  // hers and the absorbed case's
  // No more work on the absorbed case; the check proposes only the surviving one.
  auto moved = prosecutor_->Send("POST", "/api/v1/cases/" + a + "/transitions",
                                 {{"track", "care"}, {"to", "orientation"}});
  EXPECT_EQ(moved.status, 409) << moved.body;
  const Json after = Check(*officer_, "police", typed).json()["candidates"];
  EXPECT_EQ(Find(after, a), nullptr);
  EXPECT_NE(Find(after, b), nullptr);

  // Unmerge restores both exactly.
  auto unknown = head->Send("POST", "/api/v1/cases/" + b + "/unmerge",
                            {{"merge_id", "0000000000000000000000000z"}, {"reason", "Undo it."}});
  EXPECT_EQ(unknown.status, 404);
  auto undone = head->Send("POST", "/api/v1/cases/" + b + "/unmerge",
                           {{"merge_id", merge_id}, {"reason", "Two sisters after all."}});
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_FALSE(undone.json()["unmerged_at"].is_null());
  auto after_a = officer_->Get("/api/v1/cases/" + a).json();
  auto after_b = officer_->Get("/api/v1/cases/" + b).json();
  for (const char* part : {"status", "merged_into_case_id", "tracks", "holder", "opened_by"}) {
    EXPECT_EQ(after_a[part], before_a[part]) << part;
    EXPECT_EQ(after_b[part], before_b[part]) << part;
  }
  EXPECT_EQ(after_a["summary"]["intakes"], before_a["summary"]["intakes"]);
  EXPECT_EQ(after_b["summary"]["intakes"], before_b["summary"]["intakes"]);
  EXPECT_EQ(after_a["summary"]["incidents"], before_a["summary"]["incidents"]);
  EXPECT_EQ(after_a["summary"]["violence_forms"], before_a["summary"]["violence_forms"]);
  EXPECT_NE(Find(Check(*officer_, "police", typed).json()["candidates"], a), nullptr);
  EXPECT_EQ(head->Send("POST", "/api/v1/cases/" + b + "/unmerge",
                       {{"merge_id", merge_id}, {"reason", "Again."}})
                .status,
            404);
}

INSTANTIATE_TEST_SUITE_P(Backends, DuplicatesApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
