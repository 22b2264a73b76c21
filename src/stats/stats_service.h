// The commissions' statistics: counts of cases for a scope (the nation, a region, a province)
// and a calendar period (a year, a quarter, a month), broken down along one or two dimensions.
// Aggregates only, from CaseFacts; every number passes disclosure control (suppression.h) before
// it leaves, and every query is authorized ("stats.read") and audited. See docs/statistics.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/subject.h"
#include "common/clock.h"
#include "common/status.h"
#include "stats/facts.h"
#include "storage/store.h"

namespace tamkine::stats {

struct Scope {
  int region = 0;        // 0: the nation
  std::string province;  // "": the whole region (or nation)
};

struct Period {
  int year = 0;
  int quarter = 0;  // 1..4, 0: the whole year
  int month = 0;    // 1..12 (then quarter is the month's), 0: the whole quarter or year
};

struct StatsQuery {
  Scope scope;
  Period period;
  std::string by;   // a Dimensions() name, or "region" (nation), "province" (region),
                    // "quarter" (year), "month" (quarter); "" for the total only
  std::string by2;  // a Dimensions() name; only with `by`
};

// Parses "nation", "region:3", "province:03.01" and "2026", "2026-Q3", "2026-07";
// InvalidArgument naming `field` otherwise.
StatusOr<Scope> ParseScope(std::string_view text, std::string_view field);
StatusOr<Period> ParsePeriod(std::string_view text, std::string_view field);

// A published count: `value` is empty when withheld.
struct Count {
  std::optional<int64_t> value;
  bool Withheld() const { return !value.has_value(); }
};

struct Category {
  std::string key;
  Count count;
};

struct StatsResult {
  Scope scope;
  Period period;
  int64_t threshold = 0;
  Count total;
  std::string by;
  std::vector<Category> rows;
  std::string by2;
  std::vector<Category> cols;
  std::vector<std::vector<Count>> cells;  // rows x cols
  bool cells_withheld = false;            // no inner cell could be protected: all withheld
  bool multi_valued = false;              // a case counts in several categories (forms)
};

struct StatsDeps {
  storage::Store* store = nullptr;
  const Clock* clock = nullptr;
  CaseFacts* facts = nullptr;
  int64_t threshold = 5;
};

class StatsService {
 public:
  explicit StatsService(StatsDeps deps) : deps_(deps) {}

  // Authorizes and audits, brings the facts up to date, and answers.
  StatusOr<StatsResult> Query(const access::RequestContext& ctx, const StatsQuery& q);

  // The answer without authorization, audit or refresh (benchmarks, tests of the arithmetic).
  StatusOr<StatsResult> Compute(const StatsQuery& q) const;

 private:
  StatsDeps deps_;
};

}  // namespace tamkine::stats
