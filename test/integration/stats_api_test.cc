// The commissions' statistics over HTTP against the real binary, on every backend: who may ask,
// bad input naming the field, every published count either 0 or at least the threshold with no
// line giving a withheld count away, a new case counted on the next query, and the CSV export in
// Arabic and French.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>

#include "harness.h"

namespace tamkine::testing {
namespace {

constexpr char kDemoPassword[] = "Tamkine-Demo-2026";

std::string FieldOf(const HttpResponse& r) {
  auto j = r.json();
  if (!j.contains("error") || !j["error"]["field"].is_string()) return "";
  return j["error"]["field"];
}

std::string ThisYear() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return std::to_string(tm.tm_year + 1900);
}

class StatsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      url_ = FreshPostgresDatabase(std::getenv("TAMKINE_TEST_PG_URL"));
    }
    server_ = std::make_unique<ServerProcess>(url_);
    ASSERT_TRUE(server_->started()) << server_->output();
    member_ = Login("commission.member");
  }

  std::unique_ptr<Client> Login(const std::string& user) {
    auto c = std::make_unique<Client>(server_->port());
    auto r = c->Login(user, kDemoPassword, "");
    EXPECT_EQ(r.status, 200) << user << ": " << r.body;
    return c;
  }

  // Every count is null, 0 or at least the threshold; a line never has exactly one null.
  static void ExpectProtected(const Json& r) {
    int64_t k = r["threshold"];
    auto check = [k](const Json& c) {
      if (c.is_null()) return;
      EXPECT_TRUE(c.get<int64_t>() == 0 || c.get<int64_t>() >= k) << c;
    };
    check(r["total"]);
    int withheld = r["total"].is_null() ? 1 : 0;
    for (const auto& row : r["rows"]) {
      check(row["count"]);
      withheld += row["count"].is_null() ? 1 : 0;
    }
    if (!r["rows"].empty()) EXPECT_NE(withheld, 1) << r.dump();
    for (const auto& line : r["cells"]) {
      for (const auto& c : line) check(c);
    }
  }

  std::string url_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Client> member_;
};

TEST_P(StatsApiTest, OnlyAggregateReadersAndBadInputNamesTheField) {
  auto officer = Login("police.officer");
  auto denied = officer->Get("/api/v1/stats/cases?scope=nation&period=" + ThisYear());
  EXPECT_EQ(denied.status, 403) << denied.body;
  Client anonymous(server_->port());
  EXPECT_EQ(anonymous.Get("/api/v1/stats/cases?scope=nation&period=2026").status, 401);

  struct Bad {
    std::string query;
    std::string field;
  };
  for (const Bad& b : std::vector<Bad>{{"period=2026", "scope"},
                                       {"scope=nation", "period"},
                                       {"scope=region:99&period=2026", "scope"},
                                       {"scope=province:03.01&period=2026-Q9", "period"},
                                       {"scope=nation&period=2026&by=province", "by"},
                                       {"scope=region:3&period=2026&by=month", "by"},
                                       {"scope=nation&period=2026&by=age_band&by2=region", "by2"},
                                       {"scope=nation&period=2026&by=name", "by"}}) {
    auto r = member_->Get("/api/v1/stats/cases?" + b.query);
    EXPECT_EQ(r.status, 400) << b.query << ": " << r.body;
    EXPECT_EQ(FieldOf(r), b.field) << b.query;
  }
  auto lang = member_->Get("/api/v1/stats/cases.csv?scope=nation&period=2026&lang=en");
  EXPECT_EQ(lang.status, 400);
  EXPECT_EQ(FieldOf(lang), "lang");
}

TEST_P(StatsApiTest, PublishedCountsAreProtectedAndANewCaseIsCounted) {
  const std::string year = ThisYear();
  for (const std::string q : {"scope=nation&period=" + year + "&by=region",
                              "scope=region:3&period=" + year + "&by=province",
                              "scope=region:3&period=" + year + "&by=quarter",
                              "scope=region:3&period=" + year + "&by=age_band",
                              "scope=region:3&period=" + year + "&by=form&by2=age_band",
                              "scope=region:3&period=" + year + "&by=channel&by2=kind",
                              "scope=province:03.01&period=" + year + "&by=sector"}) {
    auto r = member_->Get("/api/v1/stats/cases?" + q);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
    ExpectProtected(r.json());
  }

  auto before = member_->Get("/api/v1/stats/cases?scope=nation&period=" + year).json();
  ASSERT_TRUE(before["total"].is_number()) << before.dump();  // the demo province's cases

  // A police officer opens one more case; the next query counts it.
  auto officer = Login("police.officer");
  std::string police;
  Json units = officer->Get("/api/v1/units").json();
  for (const auto& u : units["items"]) {
    if (u["sector"] == "police") police = u["id"];
  }
  Json intake = {{"intake", {{"unit_id", police}, {"channel", "in_person"}}},
                 {"survivor", {{"names", {"Nadia El Fictive"}}, {"birth_date", "1990"}}},
                 {"incidents",
                  {{{"date", year + "-01-02"},
                    {"province_code", "03.01"},
                    {"place_type", "home"},
                    {"forms", {"psychological"}},
                    {"perpetrators", {{{"relationship", "husband"}}}}}}}};
  auto opened = officer->Send("POST", "/api/v1/cases", intake);
  ASSERT_EQ(opened.status, 201) << opened.body;
  auto after = member_->Get("/api/v1/stats/cases?scope=nation&period=" + year).json();
  EXPECT_EQ(after["total"].get<int64_t>(), before["total"].get<int64_t>() + 1);
}

TEST_P(StatsApiTest, CsvInArabicAndFrench) {
  const std::string q = "scope=region:3&period=" + ThisYear() + "&by=age_band";
  auto fr = member_->Get("/api/v1/stats/cases.csv?" + q);
  ASSERT_EQ(fr.status, 200) << fr.body;
  EXPECT_EQ(fr.body.rfind("\xEF\xBB\xBF", 0), 0U);
  EXPECT_NE(fr.body.find("Tranche d'âge"), std::string::npos) << fr.body;
  EXPECT_NE(fr.body.find("Fès-Meknès"), std::string::npos);
  auto ar = member_->Get("/api/v1/stats/cases.csv?" + q + "&lang=ar");
  ASSERT_EQ(ar.status, 200);
  EXPECT_NE(ar.body.find("الفئة العمرية"), std::string::npos) << ar.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, StatsApiTest, ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tamkine::testing
