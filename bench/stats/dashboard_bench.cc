// Issue 7's target: a regional dashboard over 1,000,000 cases answers in under 200 ms. The
// dashboard is the seven outputs the statistics screen shows for a region and a year (total, by
// province, by quarter, by age group, by form of violence, by relationship, entry channel against
// woman/child), each with its disclosure control, computed from in-memory case facts
// (src/stats/facts.h). Reference, measured in the same run: the same seven counts as GROUP BY
// queries on SQLite (in memory, the same rows, an index on (region, month)), without disclosure
// control. Prints `key: value` lines for bench/run.
//
//   dashboard_bench [--cases N] [--runs R]
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "cases/classify.h"
#include "cases/vocab.h"
#include "reference/regions.h"
#include "stats/stats_service.h"

namespace {

using tamkine::stats::Fact;
using Clock = std::chrono::steady_clock;

std::vector<Fact> Generate(int n) {
  std::mt19937 rng(7);
  const auto& regions = tamkine::reference::Regions();
  auto pick = [&rng](size_t size) {
    return static_cast<uint8_t>(std::uniform_int_distribution<size_t>(0, size - 1)(rng));
  };
  std::vector<Fact> facts(n);
  for (auto& f : facts) {
    f.region = static_cast<uint8_t>(1 + pick(regions.size()));
    f.province = pick(regions[f.region - 1].provinces.size());
    f.month = static_cast<uint16_t>(tamkine::stats::MonthIndex(2025, 1) + pick(24));
    f.kind = pick(2);
    f.age_band = pick(tamkine::cases::AgeBands().size());
    f.gbv_type = pick(tamkine::cases::GbvTypes().size());
    f.relationship = pick(tamkine::cases::Relationships().size());
    f.channel = pick(tamkine::cases::Channels().size());
    f.sector = pick(6);
    f.status = pick(2);
    f.risk_level = pick(tamkine::cases::RiskLevels().size());
    f.forms = static_cast<uint8_t>(1 + pick(15));
  }
  return facts;
}

std::vector<tamkine::stats::StatsQuery> Dashboard() {
  std::vector<tamkine::stats::StatsQuery> v;
  for (auto [by, by2] : std::vector<std::pair<std::string, std::string>>{{"", ""},
                                                                         {"province", ""},
                                                                         {"quarter", ""},
                                                                         {"age_band", ""},
                                                                         {"form", ""},
                                                                         {"relationship", ""},
                                                                         {"channel", "kind"}}) {
    tamkine::stats::StatsQuery q;
    q.scope.region = 3;
    q.period.year = 2026;
    q.by = by;
    q.by2 = by2;
    v.push_back(q);
  }
  return v;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double P90(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * 9 / 10)];
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int cases = 1'000'000;
  int runs = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--cases") cases = std::atoi(argv[i + 1]);
    if (a == "--runs") runs = std::atoi(argv[i + 1]);
  }
  std::vector<Fact> facts = Generate(cases);

  tamkine::stats::CaseFacts store(nullptr);
  store.Assign(facts);
  tamkine::stats::StatsService service({nullptr, nullptr, &store, 5});
  const auto dashboard = Dashboard();
  std::vector<double> times;
  int64_t withheld = 0;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    for (const auto& q : dashboard) {
      auto res = service.Compute(q);
      if (!res.ok()) {
        std::fprintf(stderr, "query failed: %s\n", res.status().ToString().c_str());
        return 1;
      }
      if (r == 0) {
        for (const auto& c : res->rows) withheld += c.count.Withheld() ? 1 : 0;
      }
    }
    times.push_back(Ms(Clock::now() - start));
  }

  // The reference: the same counts from SQLite.
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  Exec(db,
       "CREATE TABLE facts (region INTEGER, province INTEGER, month INTEGER, kind INTEGER, "
       "age_band INTEGER, relationship INTEGER, channel INTEGER, forms INTEGER)");
  Exec(db, "BEGIN");
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO facts VALUES (?,?,?,?,?,?,?,?)", -1, &ins, nullptr);
  for (const auto& f : facts) {
    int col = 1;
    for (int v : {int{f.region}, int{f.province}, int{f.month}, int{f.kind}, int{f.age_band},
                  int{f.relationship}, int{f.channel}, int{f.forms}}) {
      sqlite3_bind_int(ins, col++, v);
    }
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  Exec(db, "CREATE INDEX facts_by_region_month ON facts (region, month)");
  const int first = tamkine::stats::MonthIndex(2026, 1);
  const std::string where = " FROM facts WHERE region = 3 AND month BETWEEN " +
                            std::to_string(first) + " AND " + std::to_string(first + 11);
  const std::vector<std::string> sql = {
      "SELECT COUNT(*)" + where,
      "SELECT province, COUNT(*)" + where + " GROUP BY province",
      "SELECT (month - " + std::to_string(first) + ") / 3, COUNT(*)" + where + " GROUP BY 1",
      "SELECT age_band, COUNT(*)" + where + " GROUP BY age_band",
      "SELECT SUM(forms & 1 > 0), SUM(forms & 2 > 0), SUM(forms & 4 > 0), SUM(forms & 8 > 0)" +
          where,
      "SELECT relationship, COUNT(*)" + where + " GROUP BY relationship",
      "SELECT channel, kind, COUNT(*)" + where + " GROUP BY channel, kind"};
  std::vector<double> ref;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    for (const auto& s : sql) {
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(db, s.c_str(), -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) {
      }
      sqlite3_finalize(st);
    }
    ref.push_back(Ms(Clock::now() - start));
  }
  sqlite3_close(db);

  std::printf("stats_cases: %d\n", cases);
  std::printf("stats_dashboard_queries: %zu\n", dashboard.size());
  std::printf("stats_dashboard_p50_ms: %.1f\n", Median(times));
  std::printf("stats_dashboard_p90_ms: %.1f\n", P90(times));
  std::printf("stats_sqlite_dashboard_p50_ms: %.1f\n", Median(ref));
  std::printf("stats_ratio_vs_sqlite: %.2f\n", Median(times) / Median(ref));
  std::printf("stats_facts_mb: %.1f\n", static_cast<double>(sizeof(Fact)) * cases / 1e6);
  std::printf("stats_fact_bytes: %zu\n", sizeof(Fact));
  std::printf("stats_withheld_rows_first_run: %lld\n", static_cast<long long>(withheld));
  return 0;
}
