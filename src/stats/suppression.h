// Disclosure control for published counts: primary suppression of small cells and complementary
// suppression so that no suppressed small cell can be computed back from the totals and the other
// cells of the same output. Pure functions over counts; the statistics query layer applies them to
// every table it returns (docs/statistics.md).
//
// A count v with 0 < v < k is "primary": never published. Zeros are published. A table is
// additive when its cells add up to its totals (one category per case); a dimension where a case
// may count several times (forms of violence) is not additive, and is protected as if it were,
// which is at least as safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tamkine::stats {

inline constexpr int64_t kDefaultThreshold = 5;

// Which entries of a one-dimensional table (cells and their total) are withheld.
struct LineMask {
  std::vector<bool> cells;
  bool total = false;
};

// A breakdown along one dimension: cells[i] cases in category i, `total` in all. Suppresses the
// small cells and, whenever a line holds suppressed entries, adds the smallest non-zero cells
// until at least two are withheld and they hold at least k cases together, so that
// total - published cells tells nothing about any one of them. A small total withholds every
// non-zero entry. `total_withheld` forces the total out (it is withheld by another output of the
// same family); the cells then need at least one withheld non-zero cell.
// `forced` (empty, or one flag per cell) withholds cells that another output of the family
// withholds already (their own total is withheld elsewhere), so that the two agree.
LineMask SuppressLine(const std::vector<int64_t>& cells, int64_t total, int64_t k,
                      bool total_withheld = false, const std::vector<bool>& forced = {});

// A cross-tabulation: rows x cols cells (row-major) with their row totals, column totals and
// grand total.
struct Grid {
  int rows = 0;
  int cols = 0;
  std::vector<int64_t> cells;
  std::vector<int64_t> row_totals;
  std::vector<int64_t> col_totals;
  int64_t total = 0;

  int64_t At(int r, int c) const { return cells[static_cast<size_t>(r) * cols + c]; }
};

struct GridMask {
  std::vector<bool> cells;  // row-major, like Grid::cells
  LineMask rows;            // the row totals and the grand total, as SuppressLine gave them
  LineMask cols;            // the column totals and the grand total
  bool withheld = false;    // nothing inside the table could be protected: every cell,
                            // zeros included, is withheld (the margins stay as given)
};

// Protects a cross-tabulation whose margins are published elsewhere in the same output (the two
// one-dimensional breakdowns): the margins keep exactly the given masks and only inner cells are
// added as complements. Every small inner cell ends up on a cycle of withheld entries (rows and
// columns alternating), which is exactly the condition under which the published numbers leave
// it undetermined; when no choice of inner cells achieves that, the whole interior is withheld.
GridMask SuppressGrid(const Grid& grid, int64_t k, const LineMask& row_margin,
                      const LineMask& col_margin);

}  // namespace tamkine::stats
