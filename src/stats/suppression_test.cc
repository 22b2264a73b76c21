#include "stats/suppression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

namespace tamkine::stats {
namespace {

// The attacker: knows every published number of a cross-tabulation and its margins and solves
// the line equations for the withheld ones. Returns, for each withheld entry (cells row-major,
// then row totals, column totals, grand total), whether the published numbers determine it.
struct Published {
  Grid grid;
  GridMask mask;
};

std::vector<bool> Withheld(const Published& p) {
  std::vector<bool> w(p.mask.cells.begin(), p.mask.cells.end());
  for (bool b : p.mask.rows.cells) w.push_back(b);
  for (bool b : p.mask.cols.cells) w.push_back(b);
  w.push_back(p.mask.rows.total || p.mask.cols.total);
  return w;
}

std::vector<int64_t> Values(const Grid& g) {
  std::vector<int64_t> v = g.cells;
  v.insert(v.end(), g.row_totals.begin(), g.row_totals.end());
  v.insert(v.end(), g.col_totals.begin(), g.col_totals.end());
  v.push_back(g.total);
  return v;
}

// Gauss-Jordan elimination over the withheld entries; an entry is determined when its column is a
// pivot whose row has no other non-zero coefficient.
std::vector<bool> Determined(const Published& p) {
  const Grid& g = p.grid;
  const int n_inner = g.rows * g.cols;
  const int n = n_inner + g.rows + g.cols + 1;
  std::vector<std::vector<double>> lines;
  auto line = [&](const std::vector<int>& plus, int minus) {
    std::vector<double> row(n, 0.0);
    for (int i : plus) row[i] += 1.0;
    row[minus] -= 1.0;
    lines.push_back(row);
  };
  for (int r = 0; r < g.rows; ++r) {
    std::vector<int> plus;
    for (int c = 0; c < g.cols; ++c) plus.push_back(r * g.cols + c);
    line(plus, n_inner + r);
  }
  for (int c = 0; c < g.cols; ++c) {
    std::vector<int> plus;
    for (int r = 0; r < g.rows; ++r) plus.push_back(r * g.cols + c);
    line(plus, n_inner + g.rows + c);
  }
  std::vector<int> row_totals;
  std::vector<int> col_totals;
  for (int r = 0; r < g.rows; ++r) row_totals.push_back(n_inner + r);
  for (int c = 0; c < g.cols; ++c) col_totals.push_back(n_inner + g.rows + c);
  line(row_totals, n - 1);
  line(col_totals, n - 1);

  std::vector<bool> w = Withheld(p);
  std::vector<int> unknown;
  for (int i = 0; i < n; ++i) {
    if (w[i]) unknown.push_back(i);
  }
  // Keep only the unknown columns (the known ones move to the right-hand side, which does not
  // affect which unknowns are determined).
  std::vector<std::vector<double>> m;
  for (const auto& l : lines) {
    std::vector<double> row;
    for (int i : unknown) row.push_back(l[i]);
    m.push_back(row);
  }
  const int cols = static_cast<int>(unknown.size());
  std::vector<int> pivot_of_row;
  int r = 0;
  for (int c = 0; c < cols && r < static_cast<int>(m.size()); ++c) {
    int best = -1;
    for (int i = r; i < static_cast<int>(m.size()); ++i) {
      if (std::fabs(m[i][c]) > 1e-9 && (best < 0 || std::fabs(m[i][c]) > std::fabs(m[best][c]))) {
        best = i;
      }
    }
    if (best < 0) continue;
    std::swap(m[r], m[best]);
    double d = m[r][c];
    for (double& x : m[r]) x /= d;
    for (int i = 0; i < static_cast<int>(m.size()); ++i) {
      if (i == r || std::fabs(m[i][c]) < 1e-12) continue;
      double f = m[i][c];
      for (int j = 0; j < cols; ++j) m[i][j] -= f * m[r][j];
    }
    pivot_of_row.push_back(c);
    ++r;
  }
  std::vector<bool> determined(n, false);
  for (int i = 0; i < r; ++i) {
    int nonzero = 0;
    for (int j = 0; j < cols; ++j) nonzero += std::fabs(m[i][j]) > 1e-9 ? 1 : 0;
    if (nonzero == 1) determined[unknown[pivot_of_row[i]]] = true;
  }
  return determined;
}

Grid MakeGrid(int rows, int cols, std::vector<int64_t> cells) {
  Grid g;
  g.rows = rows;
  g.cols = cols;
  g.cells = std::move(cells);
  g.row_totals.assign(rows, 0);
  g.col_totals.assign(cols, 0);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      g.row_totals[r] += g.At(r, c);
      g.col_totals[c] += g.At(r, c);
      g.total += g.At(r, c);
    }
  }
  return g;
}

// What the statistics layer publishes for one cross-tabulation: both breakdowns, then the grid
// with their masks as its margins.
Published Protect(const Grid& g, int64_t k) {
  LineMask rows = SuppressLine(g.row_totals, g.total, k);
  LineMask cols = SuppressLine(g.col_totals, g.total, k);
  return {g, SuppressGrid(g, k, rows, cols)};
}

// Every small count, and every withheld margin, is left undetermined by everything published.
void ExpectNothingRecovered(const Published& p, int64_t k, const std::string& what) {
  std::vector<bool> w = Withheld(p);
  std::vector<bool> d = Determined(p);
  std::vector<int64_t> v = Values(p.grid);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] > 0 && v[i] < k) {
      EXPECT_TRUE(w[i]) << what << ": small entry " << i << " (" << v[i] << ") published";
    }
    bool margin = i >= p.grid.cells.size();
    if (w[i] && (margin || (v[i] > 0 && v[i] < k))) {
      EXPECT_FALSE(d[i]) << what << ": entry " << i << " (" << v[i] << ") recovered";
    }
  }
}

TEST(SuppressLine, SmallCellsAreWithheldWithAComplementThatCoversThem) {
  LineMask m = SuppressLine({2, 40, 9, 0}, 51, 5);
  EXPECT_EQ(m.cells, (std::vector<bool>{true, false, true, false}));  // 2 and its complement 9
  EXPECT_FALSE(m.total);
}

TEST(SuppressLine, TwoSmallCellsStillNeedAtLeastKTogether) {
  // 1 + 2 < 5: the attacker would know both are tiny; the next smallest joins them.
  LineMask m = SuppressLine({1, 2, 30, 7}, 40, 5);
  EXPECT_EQ(m.cells, (std::vector<bool>{true, true, false, true}));
}

TEST(SuppressLine, NothingSmallNothingWithheld) {
  LineMask m = SuppressLine({5, 0, 12}, 17, 5);
  EXPECT_EQ(m.cells, (std::vector<bool>{false, false, false}));
  EXPECT_FALSE(m.total);
}

TEST(SuppressLine, ASmallTotalWithholdsEverythingButZeros) {
  LineMask m = SuppressLine({3, 0, 1}, 4, 5);
  EXPECT_EQ(m.cells, (std::vector<bool>{true, false, true}));
  EXPECT_TRUE(m.total);
}

TEST(SuppressLine, AWithheldTotalNeedsAWithheldCell) {
  LineMask m = SuppressLine({20, 30}, 50, 5, /*total_withheld=*/true);
  EXPECT_TRUE(m.total);
  EXPECT_EQ(m.cells, (std::vector<bool>{true, false}));
}

TEST(SuppressLine, NonAdditiveLineWithNoComplementWithholdsItsTotal) {
  // Forms of violence: a case counts under several forms; one small form and nothing else.
  LineMask m = SuppressLine({3, 0}, 12, 5);
  EXPECT_EQ(m.cells, (std::vector<bool>{true, false}));
  EXPECT_TRUE(m.total);
}

TEST(SuppressLine, PropertyNoSmallCellCanBeComputedFromTheTotal) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> size(1, 8);
  std::uniform_int_distribution<int64_t> count(0, 30);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<int64_t> cells(size(rng));
    int64_t total = 0;
    for (auto& c : cells) {
      c = count(rng) < 12 ? count(rng) % 5 : count(rng);
      total += c;
    }
    LineMask m = SuppressLine(cells, total, 5);
    int withheld = 0;
    int64_t sum = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (cells[i] > 0 && cells[i] < 5) {
        ASSERT_TRUE(m.cells[i]);
      }
      if (m.cells[i] && cells[i] > 0) {
        ++withheld;
        sum += cells[i];
      }
    }
    if (withheld > 0 && !m.total) {
      // total minus the published cells is the sum of at least two withheld cells, >= k.
      EXPECT_GE(withheld, 2);
      EXPECT_GE(sum, 5);
    }
  }
}

TEST(SuppressGrid, TheDifferencingAttackRecoversASmallCellWithoutComplements) {
  // The attack is real: withholding only the small cell gives it away through its row total.
  Grid g = MakeGrid(2, 3, {2, 10, 12, 8, 9, 20});
  Published naive{g, {}};
  naive.mask.cells = {true, false, false, false, false, false};
  naive.mask.rows.cells = {false, false};
  naive.mask.cols.cells = {false, false, false};
  EXPECT_TRUE(Determined(naive)[0]);

  Published p = Protect(g, 5);
  EXPECT_FALSE(p.mask.withheld);
  ExpectNothingRecovered(p, 5, "2x3");
  // The smallest complements: 8 (same column) and 9 or 10 to close the cycle.
  int withheld = 0;
  for (bool b : p.mask.cells) withheld += b ? 1 : 0;
  EXPECT_EQ(withheld, 4);
}

TEST(SuppressGrid, MarginsFromTheBreakdownsAreNotGivenAwayByTheGrid) {
  // Row 0 is small overall (its total 4 is withheld in the one-way breakdown, with a complement);
  // the grid must not let its cells add back up to it.
  Grid g = MakeGrid(3, 3, {1, 3, 0, 10, 12, 9, 7, 0, 15});
  Published p = Protect(g, 5);
  EXPECT_TRUE(p.mask.rows.cells[0]);
  ExpectNothingRecovered(p, 5, "3x3 small row");
}

TEST(SuppressGrid, PropertyRandomTablesLeakNothing) {
  std::mt19937 rng(103);
  std::uniform_int_distribution<int> dim(2, 5);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int64_t> small(1, 4);
  std::uniform_int_distribution<int64_t> large(5, 60);
  int withheld_tables = 0;
  for (int trial = 0; trial < 1500; ++trial) {
    int rows = dim(rng);
    int cols = dim(rng);
    std::vector<int64_t> cells(static_cast<size_t>(rows) * cols);
    for (auto& c : cells) {
      int t = kind(rng);
      c = t < 3 ? 0 : (t < 6 ? small(rng) : large(rng));
    }
    Published p = Protect(MakeGrid(rows, cols, cells), 5);
    withheld_tables += p.mask.withheld ? 1 : 0;
    ExpectNothingRecovered(p, 5, "trial " + std::to_string(trial));
    if (HasFailure()) return;
  }
  // Withholding a whole interior is the last resort, not the common case.
  EXPECT_LT(withheld_tables, 150);
}

}  // namespace
}  // namespace tamkine::stats
