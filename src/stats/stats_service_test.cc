// The statistics against hand-computed fixtures, the consistency of totals across geography and
// time (the differencing attack between two outputs), and the case facts read from a real
// database seeded with the demo province.
#include "stats/stats_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "cases/vocab.h"
#include "crypto/keyring.h"
#include "crypto/password.h"
#include "demo/seed.h"
#include "keys/keyring_store.h"
#include "storage/migrations/schema.h"

namespace tamkine::stats {
namespace {

namespace fs = std::filesystem;

uint8_t Code(const std::vector<std::string_view>& values, std::string_view v) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == v) return static_cast<uint8_t>(i);
  }
  ADD_FAILURE() << "no code " << v;
  return kUnknown;
}

// A fact in Fès (region 3, first province "03.01") opened in `month` of 2026.
Fact Case(int month, std::string_view age, const std::vector<std::string_view>& forms,
          uint8_t province = 0, uint8_t region = 3) {
  Fact f;
  f.month = static_cast<uint16_t>(MonthIndex(2026, month));
  f.region = region;
  f.province = province;
  f.age_band = Code(cases::AgeBands(), age);
  for (auto form : forms) f.forms |= static_cast<uint8_t>(1U << Code(cases::ViolenceForms(), form));
  f.kind = Code(cases::CaseKinds(), age == "0-11" || age == "12-17" ? "child" : "adult");
  return f;
}

struct Fixture {
  CaseFacts facts{nullptr};
  StatsService service{{nullptr, nullptr, &facts, 5}};

  StatsResult Ask(const std::string& scope, const std::string& period, const std::string& by = "",
                  const std::string& by2 = "") {
    StatsQuery q;
    q.scope = *ParseScope(scope, "scope");
    q.period = *ParsePeriod(period, "period");
    q.by = by;
    q.by2 = by2;
    auto r = service.Compute(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : StatsResult{};
  }
};

std::optional<int64_t> Row(const StatsResult& r, std::string_view key) {
  for (const auto& c : r.rows) {
    if (c.key == key) return c.count.value;
  }
  ADD_FAILURE() << "no row " << key;
  return std::nullopt;
}

TEST(StatsParse, ScopesAndPeriodsNameTheirField) {
  EXPECT_EQ(ParseScope("region:3", "scope")->region, 3);
  EXPECT_EQ(ParseScope("province:03.01", "scope")->region, 3);
  EXPECT_EQ(ParseScope("region:99", "scope").status().field(), "scope");
  EXPECT_EQ(ParseScope("province:99.99", "scope").status().field(), "scope");
  EXPECT_EQ(ParsePeriod("2026-Q3", "period")->quarter, 3);
  EXPECT_EQ(ParsePeriod("2026-07", "period")->month, 7);
  for (const char* bad : {"", "26", "2026-Q5", "2026-13", "2026-7", "1999", "2026-Q", "x026"}) {
    EXPECT_EQ(ParsePeriod(bad, "period").status().field(), "period") << bad;
  }
}

TEST(StatsService, BreakdownsMatchHandCountsAndWithholdSmallCells) {
  Fixture fx;
  std::vector<Fact> facts;
  for (int i = 0; i < 20; ++i) facts.push_back(Case(7, "18-29", {"physical"}));
  for (int i = 0; i < 12; ++i) facts.push_back(Case(8, "30-44", {"physical", "psychological"}));
  for (int i = 0; i < 3; ++i) facts.push_back(Case(8, "60+", {"sexual"}));
  for (int i = 0; i < 6; ++i) facts.push_back(Case(1, "18-29", {"economic"}));  // Q1
  facts.push_back(Case(4, "18-29", {"economic"}));                              // Q2: one
  fx.facts.Assign(facts);

  StatsResult r = fx.Ask("region:3", "2026-Q3", "age_band");
  EXPECT_EQ(r.total.value, 35);
  EXPECT_EQ(Row(r, "0-11"), 0);              // zeros are published
  EXPECT_EQ(Row(r, "60+"), std::nullopt);    // 3 < 5
  EXPECT_EQ(Row(r, "30-44"), std::nullopt);  // its complement: the smallest other non-zero
  EXPECT_EQ(Row(r, "18-29"), 20);
  // Age bands have their own "unknown": it is one row, not two.
  EXPECT_EQ(std::count_if(r.rows.begin(), r.rows.end(),
                          [](const Category& c) { return c.key == "unknown"; }),
            1);

  StatsResult forms = fx.Ask("region:3", "2026-Q3", "form");
  EXPECT_TRUE(forms.multi_valued);
  EXPECT_EQ(Row(forms, "physical"), 32);
  EXPECT_EQ(Row(forms, "psychological"), std::nullopt);  // 12: the complement of sexual (3)
  EXPECT_EQ(Row(forms, "sexual"), std::nullopt);

  StatsResult year = fx.Ask("nation", "2026");
  EXPECT_EQ(year.total.value, 42);
  StatsResult tiny = fx.Ask("region:3", "2026-Q2");
  EXPECT_EQ(tiny.total.value, std::nullopt);  // one case
  // ... and the year's quarters do not give it back: its complement is the first quarter (6),
  // withheld in the quarter's own output too.
  StatsResult quarters = fx.Ask("region:3", "2026", "quarter");
  EXPECT_EQ(Row(quarters, "2026-Q2"), std::nullopt);
  EXPECT_EQ(Row(quarters, "2026-Q1"), std::nullopt);
  EXPECT_EQ(fx.Ask("region:3", "2026-Q1").total.value, std::nullopt);
  EXPECT_EQ(Row(quarters, "2026-Q3"), 35);
}

TEST(StatsService, CrossTabulationKeepsTheMarginsOfItsBreakdowns) {
  Fixture fx;
  std::vector<Fact> facts;
  for (int i = 0; i < 20; ++i) facts.push_back(Case(7, "18-29", {"physical"}));
  for (int i = 0; i < 9; ++i) facts.push_back(Case(7, "30-44", {"psychological"}));
  for (int i = 0; i < 2; ++i) facts.push_back(Case(7, "30-44", {"physical"}));
  for (int i = 0; i < 8; ++i) facts.push_back(Case(7, "45-59", {"economic"}));
  fx.facts.Assign(facts);
  StatsResult one = fx.Ask("region:3", "2026-07", "age_band");
  StatsResult two = fx.Ask("region:3", "2026-07", "age_band", "form");
  ASSERT_EQ(one.rows.size(), two.rows.size());
  for (size_t i = 0; i < one.rows.size(); ++i) {
    EXPECT_EQ(one.rows[i].count.value, two.rows[i].count.value) << one.rows[i].key;
  }
  // 2 cases aged 30-44 with physical violence: withheld, and not the only one in its row.
  size_t age = 3;  // "30-44"
  ASSERT_EQ(two.rows[age].key, "30-44");
  int withheld_in_row = 0;
  for (const auto& c : two.cells[age]) withheld_in_row += c.Withheld() ? 1 : 0;
  EXPECT_GE(withheld_in_row, 2);
}

// The differencing attack across outputs: a province's own total and the region's breakdown by
// province, month by month and for the quarter. Whatever is withheld in one is withheld in all,
// so subtracting the published numbers of one from another never recovers a withheld count.
TEST(StatsService, TotalsAgreeAcrossGeographyAndTime) {
  Fixture fx;
  std::mt19937 rng(7);
  std::vector<Fact> facts;
  const auto& provinces = 5;  // the first provinces of region 3
  for (int p = 0; p < provinces; ++p) {
    for (int m = 7; m <= 9; ++m) {
      int n = std::uniform_int_distribution<int>(0, 9)(rng);
      for (int i = 0; i < n; ++i) facts.push_back(Case(m, "18-29", {"physical"}, p));
    }
  }
  fx.facts.Assign(facts);
  auto key = [](int p) { return "03.0" + std::to_string(p + 1); };
  for (int m = 7; m <= 9; ++m) {
    std::string month = "2026-0" + std::to_string(m);
    StatsResult by_province = fx.Ask("region:3", month, "province");
    for (int p = 0; p < provinces; ++p) {
      StatsResult own = fx.Ask("province:" + key(p), month);
      EXPECT_EQ(own.total.value, Row(by_province, key(p))) << key(p) << " " << month;
      StatsResult by_month = fx.Ask("province:" + key(p), "2026-Q3", "month");
      EXPECT_EQ(own.total.value, Row(by_month, month)) << key(p) << " " << month;
    }
  }
  // And no line of any of these tables has exactly one withheld entry.
  for (int m = 7; m <= 9; ++m) {
    StatsResult t = fx.Ask("region:3", "2026-0" + std::to_string(m), "province");
    int withheld = t.total.Withheld() ? 1 : 0;
    for (const auto& row : t.rows) withheld += row.count.Withheld() ? 1 : 0;
    EXPECT_NE(withheld, 1);
  }
}

TEST(StatsService, RejectsBreakdownsOutsideTheLattice) {
  Fixture fx;
  StatsQuery q;
  q.scope = *ParseScope("province:03.01", "scope");
  q.period = *ParsePeriod("2026", "period");
  for (auto [by, by2] :
       std::vector<std::pair<std::string, std::string>>{{"province", ""},
                                                        {"region", ""},
                                                        {"month", ""},
                                                        {"nope", ""},
                                                        {"", "age_band"},
                                                        {"age_band", "age_band"},
                                                        {"age_band", "province"}}) {
    q.by = by;
    q.by2 = by2;
    auto r = fx.service.Compute(q);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << by << "/" << by2;
    EXPECT_FALSE(r.status().field().empty());
  }
}

TEST(CaseFacts, ReadsTheSeededCasesFromTheDatabase) {
  fs::path dir = fs::temp_directory_path() / ("tamkine-stats-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto store = storage::OpenStore((dir / "t.db").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate(storage::SchemaMigrations((*store)->Dialect())).ok());
  crypto::Key256 kek;
  kek.fill(0x42);
  crypto::Keyring keyring(kek);
  FakeClock clock;
  ASSERT_TRUE(keys::LoadKeyring(**store, keyring, clock).ok());
  crypto::PasswordHasher hasher(crypto::PasswordParams::ForTests());
  identity::Deps deps{store->get(), &keyring, &hasher, &clock};
  demo::SeedOptions seed;
  seed.cases = 30;
  ASSERT_TRUE(demo::SeedDemo(deps, seed).ok());

  CaseFacts facts(store->get());
  ASSERT_TRUE(facts.Refresh().ok());
  int64_t live = 0;
  std::map<std::string, int64_t> by_age;
  ASSERT_TRUE(storage::WithTx(**store, storage::TxMode::kRead, [&](storage::Tx& tx) -> Status {
                ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT age_band, COUNT(*) FROM cases "
                                                     "WHERE merged_into_case_id IS NULL "
                                                     "GROUP BY age_band"));
                for (const auto& r : rows) {
                  by_age[r.Text(0)] = r.Int(1);
                  live += r.Int(1);
                }
                return Status::Ok();
              }).ok());
  int64_t seen = 0;
  std::map<std::string, int64_t> seen_by_age;
  facts.ForEach([&](const Fact& f) {
    ++seen;
    ASSERT_NE(f.age_band, kUnknown);
    ++seen_by_age[std::string(cases::AgeBands()[f.age_band])];
    EXPECT_EQ(f.region, 3);
    EXPECT_NE(f.sector, kUnknown);
    EXPECT_NE(f.channel, kUnknown);
  });
  EXPECT_EQ(seen, live);
  EXPECT_EQ(seen_by_age, by_age);
  // A second refresh with nothing changed reads nothing new and counts nothing twice.
  ASSERT_TRUE(facts.Refresh().ok());
  int64_t again = 0;
  facts.ForEach([&](const Fact&) { ++again; });
  EXPECT_EQ(again, live);
  store->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tamkine::stats
