#include "stats/stats_service.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "audit/guarded.h"
#include "reference/regions.h"
#include "stats/suppression.h"

namespace tamkine::stats {
namespace {

Status Bad(std::string_view field, std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message), std::string(field));
}

std::optional<int> ToInt(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool IsHierarchical(std::string_view by) {
  return by == "region" || by == "province" || by == "quarter" || by == "month";
}

// The months [first, last] of a period, as MonthIndex values.
std::pair<int, int> MonthRange(const Period& p) {
  if (p.month > 0) return {MonthIndex(p.year, p.month), MonthIndex(p.year, p.month)};
  if (p.quarter > 0) {
    int first = MonthIndex(p.year, (p.quarter - 1) * 3 + 1);
    return {first, first + 2};
  }
  return {MonthIndex(p.year, 1), MonthIndex(p.year, 12)};
}

// Counts of a year per region, province and month, and the withheld flags of every scope total
// and period total of that year, made consistent with each other: a total withheld in one
// breakdown (the region's provinces in July, the province's months in the third quarter, ...)
// is withheld in every other, so that no breakdown gives away another's complement.
class TotalsLattice {
 public:
  TotalsLattice(const std::vector<reference::Region>& regions, int year, int64_t k)
      : regions_(regions), first_month_(MonthIndex(year, 1)), k_(k) {
    offset_.push_back(0);  // scope 0 is the nation; then regions, then each region's provinces
    int next = 1 + static_cast<int>(regions.size());
    for (const auto& r : regions) {
      offset_.push_back(next);
      next += static_cast<int>(r.provinces.size());
    }
    scopes_ = next;
    counts_.assign(static_cast<size_t>(scopes_) * kPeriods, 0);
    withheld_.assign(counts_.size(), false);
  }

  static constexpr int kPeriods = 17;  // the year, its 4 quarters, its 12 months

  void Add(const Fact& f) {
    int m = f.month - first_month_;
    if (m < 0 || m >= 12 || f.region < 1 || f.region > static_cast<int>(regions_.size())) return;
    for (int scope : {0, static_cast<int>(f.region), offset_[f.region] + f.province}) {
      ++counts_[Index(scope, 0)];
      ++counts_[Index(scope, 1 + m / 3)];
      ++counts_[Index(scope, 5 + m)];
    }
  }

  void Settle() {
    for (size_t i = 0; i < counts_.size(); ++i) {
      withheld_[i] = counts_[i] > 0 && counts_[i] < k_;
    }
    bool changed = true;
    while (changed) {
      changed = false;
      for (int t = 0; t < kPeriods; ++t) {
        changed |= Apply(Index(0, t), RegionsOf(t));
        for (size_t r = 1; r <= regions_.size(); ++r) {
          changed |= Apply(Index(static_cast<int>(r), t), ProvincesOf(static_cast<int>(r), t));
        }
      }
      for (int s = 0; s < scopes_; ++s) {
        changed |= Apply(Index(s, 0), {Index(s, 1), Index(s, 2), Index(s, 3), Index(s, 4)});
        for (int q = 0; q < 4; ++q) {
          changed |= Apply(Index(s, 1 + q),
                           {Index(s, 5 + 3 * q), Index(s, 6 + 3 * q), Index(s, 7 + 3 * q)});
        }
      }
    }
  }

  int ScopeIndex(const Scope& s) const {
    if (s.region == 0) return 0;
    if (s.province.empty()) return s.region;
    const auto& provinces = regions_[s.region - 1].provinces;
    for (size_t i = 0; i < provinces.size(); ++i) {
      if (provinces[i].code == s.province) return offset_[s.region] + static_cast<int>(i);
    }
    return -1;
  }
  static int PeriodIndex(const Period& p) {
    if (p.month > 0) return 5 + p.month - 1;
    if (p.quarter > 0) return p.quarter;
    return 0;
  }

  int64_t Value(size_t i) const { return counts_[i]; }
  bool Withheld(size_t i) const { return withheld_[i]; }
  size_t Index(int scope, int period) const {
    return static_cast<size_t>(scope) * kPeriods + period;
  }

  // The children of a scope or period total along `by` (region, province, quarter, month).
  std::vector<size_t> Children(int scope, int period, std::string_view by) const {
    if (by == "region") return RegionsOf(period);
    if (by == "province") return ProvincesOf(scope, period);
    if (by == "quarter")
      return {Index(scope, 1), Index(scope, 2), Index(scope, 3), Index(scope, 4)};
    int q = period - 1;  // by == "month", period is a quarter
    return {Index(scope, 5 + 3 * q), Index(scope, 6 + 3 * q), Index(scope, 7 + 3 * q)};
  }

 private:
  std::vector<size_t> RegionsOf(int t) const {
    std::vector<size_t> v;
    for (size_t r = 1; r <= regions_.size(); ++r) v.push_back(Index(static_cast<int>(r), t));
    return v;
  }
  std::vector<size_t> ProvincesOf(int r, int t) const {
    std::vector<size_t> v;
    for (size_t p = 0; p < regions_[r - 1].provinces.size(); ++p) {
      v.push_back(Index(offset_[r] + static_cast<int>(p), t));
    }
    return v;
  }
  bool Apply(size_t parent, const std::vector<size_t>& children) {
    std::vector<int64_t> values;
    std::vector<bool> forced;
    for (size_t c : children) {
      values.push_back(counts_[c]);
      forced.push_back(withheld_[c]);
    }
    LineMask m = SuppressLine(values, counts_[parent], k_, withheld_[parent], forced);
    bool changed = false;
    for (size_t i = 0; i < children.size(); ++i) {
      if (m.cells[i] && !withheld_[children[i]]) changed = withheld_[children[i]] = true;
    }
    if (m.total && !withheld_[parent]) changed = withheld_[parent] = true;
    return changed;
  }

  const std::vector<reference::Region>& regions_;
  int first_month_;
  int64_t k_;
  std::vector<int> offset_;
  int scopes_ = 0;
  std::vector<int64_t> counts_;
  std::vector<bool> withheld_;
};

std::vector<std::string> Keys(std::string_view by, const StatsQuery& q) {
  std::vector<std::string> keys;
  const auto& regions = reference::Regions();
  if (by == "region") {
    for (const auto& r : regions) keys.push_back(std::to_string(r.code));
  } else if (by == "province") {
    for (const auto& p : regions[q.scope.region - 1].provinces) keys.push_back(p.code);
  } else if (by == "quarter") {
    for (int i = 1; i <= 4; ++i)
      keys.push_back(std::to_string(q.period.year) + "-Q" + std::to_string(i));
  } else if (by == "month") {
    for (int i = 0; i < 3; ++i) {
      int m = (q.period.quarter - 1) * 3 + 1 + i;
      keys.push_back(std::to_string(q.period.year) + (m < 10 ? "-0" : "-") + std::to_string(m));
    }
  } else if (const Dimension* d = FindDimension(by)) {
    for (auto v : *d->values) keys.emplace_back(v);
    if (!d->multi &&
        std::find(d->values->begin(), d->values->end(), "unknown") == d->values->end()) {
      keys.emplace_back("unknown");
    }
  }
  return keys;
}

// The category index of a fact along a non-hierarchical dimension (the "unknown" category is
// the last); -1 when it counts nowhere.
int CategoryOf(const Dimension& d, const Fact& f) {
  uint8_t v = d.of(f);
  if (v != kUnknown) return v;
  // A vocabulary that has its own "unknown" (age bands) collects the unrecorded there.
  auto it = std::find(d.values->begin(), d.values->end(), "unknown");
  return static_cast<int>(it - d.values->begin());
}

Count Publish(int64_t value, bool withheld) { return withheld ? Count{} : Count{value}; }

}  // namespace

StatusOr<Scope> ParseScope(std::string_view text, std::string_view field) {
  Scope s;
  if (text == "nation") return s;
  if (text.starts_with("region:")) {
    auto code = ToInt(text.substr(7));
    if (!code || !reference::FindRegion(*code)) return Bad(field, "unknown region");
    s.region = *code;
    return s;
  }
  if (text.starts_with("province:")) {
    std::string code(text.substr(9));
    if (!reference::FindProvince(code)) return Bad(field, "unknown province");
    s.region = reference::RegionOfProvince(code);
    s.province = code;
    return s;
  }
  return Bad(field, "expected nation, region:<code> or province:<code>");
}

StatusOr<Period> ParsePeriod(std::string_view text, std::string_view field) {
  Period p;
  auto year = text.size() >= 4 ? ToInt(text.substr(0, 4)) : std::nullopt;
  if (!year || *year < 2000 || *year > 2199) return Bad(field, "expected YYYY, YYYY-Qn or YYYY-MM");
  p.year = *year;
  std::string_view rest = text.substr(4);
  if (rest.empty()) return p;
  if (rest.size() == 3 && rest[0] == '-' && rest[1] == 'Q' && rest[2] >= '1' && rest[2] <= '4') {
    p.quarter = rest[2] - '0';
    return p;
  }
  auto month = rest.size() == 3 && rest[0] == '-' ? ToInt(rest.substr(1)) : std::nullopt;
  if (!month || *month < 1 || *month > 12) return Bad(field, "expected YYYY, YYYY-Qn or YYYY-MM");
  p.month = *month;
  p.quarter = (*month - 1) / 3 + 1;
  return p;
}

StatusOr<StatsResult> StatsService::Compute(const StatsQuery& q) const {
  // Which breakdowns a scope and period allow: geography and time only one level down, so that
  // every published total belongs to the lattice made consistent below.
  if (!q.by.empty() && !IsHierarchical(q.by) && !FindDimension(q.by)) {
    return Bad("by", "unknown dimension");
  }
  if (q.by == "region" && q.scope.region != 0) return Bad("by", "region needs the nation scope");
  if (q.by == "province" && (q.scope.region == 0 || !q.scope.province.empty())) {
    return Bad("by", "province needs a region scope");
  }
  if (q.by == "quarter" && q.period.quarter != 0) return Bad("by", "quarter needs a year");
  if (q.by == "month" && (q.period.quarter == 0 || q.period.month != 0)) {
    return Bad("by", "month needs a quarter");
  }
  const Dimension* d2 = nullptr;
  if (!q.by2.empty()) {
    d2 = FindDimension(q.by2);
    if (!d2) return Bad("by2", "unknown dimension (geography and time only as `by`)");
    if (q.by.empty() || q.by2 == q.by) return Bad("by2", "needs a different `by`");
  }

  const auto& regions = reference::Regions();
  const int64_t k = deps_.threshold;
  TotalsLattice lattice(regions, q.period.year, k);
  const int scope = lattice.ScopeIndex(q.scope);
  if (scope < 0) return Bad("scope", "unknown province");
  const int period = TotalsLattice::PeriodIndex(q.period);
  const std::pair<int, int> months = MonthRange(q.period);
  const int first = months.first;
  const int last = months.second;

  const Dimension* d1 = IsHierarchical(q.by) ? nullptr : FindDimension(q.by);
  std::vector<std::string> row_keys = Keys(q.by, q);
  std::vector<std::string> col_keys = d2 ? Keys(q.by2, q) : std::vector<std::string>{};
  std::vector<int64_t> rows(row_keys.size(), 0);
  std::vector<int64_t> cols(col_keys.size(), 0);
  std::vector<int64_t> cells(rows.size() * cols.size(), 0);
  const auto& forms = *FindDimension("form")->values;
  // One category list per fact along a dimension (several for forms of violence).
  auto categories = [&](const Dimension& d, const Fact& f, std::array<int, 8>& out) {
    int n = 0;
    if (d.multi) {
      for (size_t i = 0; i < forms.size() && i < 8; ++i) {
        if (f.forms & (1U << i)) out[n++] = static_cast<int>(i);
      }
    } else {
      out[n++] = CategoryOf(d, f);
    }
    return n;
  };
  auto in_scope = [&](const Fact& f) {
    if (f.month < first || f.month > last) return false;
    if (q.scope.region == 0) return true;
    if (f.region != q.scope.region) return false;
    return q.scope.province.empty() ||
           regions[f.region - 1].provinces[f.province].code == q.scope.province;
  };
  deps_.facts->ForEach([&](const Fact& f) {
    lattice.Add(f);
    if (!d1 || !in_scope(f)) return;
    std::array<int, 8> r{};
    std::array<int, 8> c{};
    int nr = categories(*d1, f, r);
    int nc = d2 ? categories(*d2, f, c) : 0;
    for (int i = 0; i < nr; ++i) {
      ++rows[r[i]];
      for (int j = 0; j < nc; ++j) ++cells[r[i] * cols.size() + c[j]];
    }
    for (int j = 0; j < nc; ++j) ++cols[c[j]];
  });
  if (d1 == nullptr && d2) {
    // Geography or time as rows with a dimension as columns: a second pass by row index.
    deps_.facts->ForEach([&](const Fact& f) {
      if (!in_scope(f)) return;
      int row = q.by == "region"     ? f.region - 1
                : q.by == "province" ? f.province
                : q.by == "quarter"  ? (f.month - first) / 3
                                     : f.month - first;
      std::array<int, 8> c{};
      int nc = categories(*d2, f, c);
      for (int j = 0; j < nc; ++j) {
        ++cols[c[j]];
        ++cells[row * cols.size() + c[j]];
      }
    });
  }
  lattice.Settle();

  StatsResult out;
  out.scope = q.scope;
  out.period = q.period;
  out.threshold = k;
  const size_t here = lattice.Index(scope, period);
  const int64_t total = lattice.Value(here);
  const bool total_withheld = lattice.Withheld(here);
  out.total = Publish(total, total_withheld);
  if (q.by.empty()) return out;
  out.by = q.by;
  out.multi_valued = d1 && d1->multi;

  LineMask row_mask;
  if (d1) {
    row_mask = SuppressLine(rows, total, k, total_withheld);
  } else {
    std::vector<size_t> children = lattice.Children(scope, period, q.by);
    std::vector<bool> forced;
    for (size_t i = 0; i < children.size(); ++i) {
      rows[i] = lattice.Value(children[i]);
      forced.push_back(lattice.Withheld(children[i]));
    }
    row_mask = SuppressLine(rows, total, k, total_withheld, forced);
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    out.rows.push_back({row_keys[i], Publish(rows[i], row_mask.cells[i])});
  }
  if (!d2) return out;

  out.by2 = q.by2;
  out.multi_valued = out.multi_valued || d2->multi;
  LineMask col_mask = SuppressLine(cols, total, k, total_withheld);
  for (size_t j = 0; j < cols.size(); ++j) {
    out.cols.push_back({col_keys[j], Publish(cols[j], col_mask.cells[j])});
  }
  Grid grid;
  grid.rows = static_cast<int>(rows.size());
  grid.cols = static_cast<int>(cols.size());
  grid.cells = cells;
  grid.row_totals = rows;
  grid.col_totals = cols;
  grid.total = total;
  GridMask mask = SuppressGrid(grid, k, row_mask, col_mask);
  out.cells_withheld = mask.withheld;
  out.cells.assign(rows.size(), std::vector<Count>(cols.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < cols.size(); ++j) {
      size_t at = i * cols.size() + j;
      out.cells[i][j] = Publish(cells[at], mask.cells[at]);
    }
  }
  return out;
}

StatusOr<StatsResult> StatsService::Query(const access::RequestContext& ctx, const StatsQuery& q) {
  StatusOr<StatsResult> result = Status(StatusCode::kInternal, "not computed");
  std::string scope_id = q.scope.region == 0        ? "nation"
                         : q.scope.province.empty() ? "region:" + std::to_string(q.scope.region)
                                                    : "province:" + q.scope.province;
  RETURN_IF_ERROR(audit::Guarded(
      *deps_.store, *deps_.clock, ctx, {"stats.read"},
      [&](storage::Tx&) -> StatusOr<access::Resource> {
        access::Resource r;
        r.type = "stats";
        r.id = scope_id;
        r.region_code = q.scope.region;
        return r;
      },
      [&](storage::Tx& tx, const access::Decision&) -> Status {
        RETURN_IF_ERROR(deps_.facts->Refresh(&tx));
        result = Compute(q);
        return result.status();
      }));
  return result;
}

}  // namespace tamkine::stats
