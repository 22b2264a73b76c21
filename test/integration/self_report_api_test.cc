// The online self-report over HTTP against the real binary, on every backend: a report without
// an account reaches the demo province's prosecution unit, she gets a receipt whose follow-up code
// works on the public status page, the prosecutor finds the case by its reference code, and bad or
// hostile input gets a 4xx naming the field with nothing saved.
#include <gtest/gtest.h>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

class SelfReportApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_, std::vector<std::string>{"--demo-cases", "0"});
    ASSERT_TRUE(server_->started()) << server_->output();
  }

  static Json Report() {
    return {{"survivor",
             {{"names", {"FATIMA ZAHRA ALAOUI"}},
              {"phones", {"0612345678"}},
              {"contact", {{"safe_to_call", false}, {"safe_to_text", true}}}}},
            {"incident",
             {{"date", "2025-11-02"},
              {"province_code", "03.01"},
              {"place_type", "home"},
              {"forms", {"physical", "psychological"}},
              {"description", "He threatens me every night"}}},
            {"filled_by", "ngo"}};
  }

  int CaseCount() {
    Client prosecutor(server_->port());
    EXPECT_EQ(prosecutor.Login("prosecutor", kDemoPassword).status, 200);
    return static_cast<int>(prosecutor.Get("/api/v1/cases").json()["items"].size());
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(SelfReportApiTest, SheReportsWithoutAnAccountAndTheProsecutionSeesIt) {
  Client anonymous(server_->port());
  auto r = anonymous.Send("POST", "/api/v1/public/self-report", Report());
  ASSERT_EQ(r.status, 201) << r.body;
  const Json receipt = r.json();
  EXPECT_EQ(receipt["unit"]["sector"], "prosecution");
  const std::string reference = receipt["reference_code"];
  const std::string followup = receipt["followup_code"];
  ASSERT_FALSE(reference.empty());
  auto status = anonymous.Send("POST", "/api/v1/public/case-status", {{"code", followup}});
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["status"], "received");

  Client prosecutor(server_->port());
  ASSERT_EQ(prosecutor.Login("prosecutor", kDemoPassword).status, 200);
  auto found = prosecutor.Get("/api/v1/cases?reference_code=" + reference);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()["items"].size(), 1u) << found.body;
  const std::string id = found.json()["items"][0]["id"];
  auto view = prosecutor.Get("/api/v1/cases/" + id);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(view.body.find("online_self_report"), std::string::npos) << view.body;
  // The police of the same province did not receive it and has no consent: nothing to see.
  Client police(server_->port());
  ASSERT_EQ(police.Login("police.officer", kDemoPassword).status, 200);
  EXPECT_EQ(police.Get("/api/v1/cases/" + id).status, 403);
}

TEST_P(SelfReportApiTest, BadAndHostileInputNamesTheFieldAndSavesNothing) {
  Client anonymous(server_->port());
  struct Case {
    const char* name;
    Json body;
    const char* field;
  };
  Json future = Report();
  future["incident"]["date"] = "2099-01-01";
  Json unknown = Report();
  unknown["is_admin"] = true;
  Json wrong_type = Report();
  wrong_type["survivor"]["names"] = "not a list";
  Json who = Report();
  who["filled_by"] = "police";
  Json no_incident = Report();
  no_incident.erase("incident");
  Json formula = Report();
  formula["incident"]["forms"] = {"=HYPERLINK(\"x\")"};
  for (const auto& c : std::vector<Case>{{"future", future, "incident.date"},
                                         {"unknown field", unknown, "is_admin"},
                                         {"wrong type", wrong_type, "survivor.names"},
                                         {"filled_by", who, "filled_by"},
                                         {"no incident", no_incident, "incident"},
                                         {"formula as a form", formula, "incident.forms[0]"}}) {
    auto resp = anonymous.Send("POST", "/api/v1/public/self-report", c.body);
    EXPECT_EQ(resp.status, 400) << c.name << ": " << resp.body;
    EXPECT_EQ(resp.json()["error"]["field"], c.field) << c.name << ": " << resp.body;
  }
  auto not_json = anonymous.Request("POST", "/api/v1/public/self-report",
                                    "{\"survivor\":", {{"Content-Type", "application/json"}});
  EXPECT_EQ(not_json.status, 400) << not_json.body;
  EXPECT_EQ(CaseCount(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SelfReportApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
