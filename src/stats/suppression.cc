#include "stats/suppression.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>

namespace tamkine::stats {
namespace {

bool Small(int64_t v, int64_t k) { return v > 0 && v < k; }

// The entries of a cross-tabulation as the edges of a bipartite graph: every entry lies on
// exactly one row line and one column line. Nodes 0..rows-1 are the rows, `rows` is the line of
// column totals; nodes rows+1 .. rows+cols are the columns, rows+cols+1 the line of row totals.
// An entry is determined by the published numbers exactly when its edge is a bridge of the graph
// of withheld entries (the null space of the line equations is its cycle space).
struct Edge {
  int a = 0;
  int b = 0;
};

class EntryGraph {
 public:
  explicit EntryGraph(const Grid& g) : rows_(g.rows), cols_(g.cols) {
    edges_.reserve(static_cast<size_t>(rows_) * cols_ + rows_ + cols_ + 1);
    for (int r = 0; r < rows_; ++r) {
      for (int c = 0; c < cols_; ++c) edges_.push_back({r, ColNode(c)});
    }
    for (int r = 0; r < rows_; ++r) edges_.push_back({r, ColNode(cols_)});  // row totals
    for (int c = 0; c < cols_; ++c) edges_.push_back({rows_, ColNode(c)});  // column totals
    edges_.push_back({rows_, ColNode(cols_)});                              // grand total
  }

  int Nodes() const { return rows_ + cols_ + 2; }
  int ColNode(int c) const { return rows_ + 1 + c; }
  size_t RowTotal(int r) const { return static_cast<size_t>(rows_) * cols_ + r; }
  size_t ColTotal(int c) const { return static_cast<size_t>(rows_) * cols_ + rows_ + c; }
  size_t GrandTotal() const { return edges_.size() - 1; }
  const std::vector<Edge>& edges() const { return edges_; }

  // The withheld edges that are bridges, in edge order.
  std::vector<size_t> Bridges(const std::vector<bool>& withheld) const {
    std::vector<std::vector<std::pair<int, size_t>>> adj(Nodes());
    for (size_t e = 0; e < edges_.size(); ++e) {
      if (!withheld[e]) continue;
      adj[edges_[e].a].emplace_back(edges_[e].b, e);
      adj[edges_[e].b].emplace_back(edges_[e].a, e);
    }
    std::vector<int> order(Nodes(), -1);
    std::vector<int> low(Nodes(), 0);
    std::vector<size_t> bridges;
    int counter = 0;
    std::function<void(int, size_t)> dfs = [&](int u, size_t via) {
      order[u] = low[u] = counter++;
      for (const auto& [v, e] : adj[u]) {
        if (e == via) continue;
        if (order[v] < 0) {
          dfs(v, e);
          low[u] = std::min(low[u], low[v]);
          if (low[v] > order[u]) bridges.push_back(e);
        } else {
          low[u] = std::min(low[u], order[v]);
        }
      }
    };
    for (int n = 0; n < Nodes(); ++n) {
      if (order[n] < 0) dfs(n, std::numeric_limits<size_t>::max());
    }
    std::sort(bridges.begin(), bridges.end());
    return bridges;
  }

  // The nodes reachable from `start` over withheld edges other than `skip`.
  std::vector<bool> Reach(const std::vector<bool>& withheld, int start, size_t skip) const {
    std::vector<bool> seen(Nodes(), false);
    std::vector<int> todo = {start};
    seen[start] = true;
    while (!todo.empty()) {
      int u = todo.back();
      todo.pop_back();
      for (size_t e = 0; e < edges_.size(); ++e) {
        if (!withheld[e] || e == skip) continue;
        int v = edges_[e].a == u ? edges_[e].b : (edges_[e].b == u ? edges_[e].a : -1);
        if (v >= 0 && !seen[v]) {
          seen[v] = true;
          todo.push_back(v);
        }
      }
    }
    return seen;
  }

 private:
  int rows_;
  int cols_;
  std::vector<Edge> edges_;
};

}  // namespace

LineMask SuppressLine(const std::vector<int64_t>& cells, int64_t total, int64_t k,
                      bool total_withheld, const std::vector<bool>& forced) {
  LineMask m;
  m.cells.assign(cells.size(), false);
  if (Small(total, k)) {
    for (size_t i = 0; i < cells.size(); ++i) m.cells[i] = cells[i] > 0;
    m.total = true;
    return m;
  }
  m.total = total_withheld && total > 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    m.cells[i] = Small(cells[i], k) || (i < forced.size() && forced[i] && cells[i] > 0);
  }
  for (;;) {
    int count = 0;
    int64_t sum = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (m.cells[i] && cells[i] > 0) {
        ++count;
        sum += cells[i];
      }
    }
    bool enough = m.total ? count >= 1 : (count == 0 || (count >= 2 && sum >= k));
    if (enough) return m;
    std::optional<size_t> pick;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (m.cells[i] || cells[i] <= 0) continue;
      if (!pick || cells[i] < cells[*pick]) pick = i;
    }
    if (pick) {
      m.cells[*pick] = true;
    } else if (!m.total) {
      // The withheld cells are all there is (a dimension where cases count several times):
      // withholding the total leaves two unknowns in the line.
      m.total = total > 0;
      if (!m.total) return m;
    } else {
      return m;  // total withheld and no non-zero cell: the line holds zeros only
    }
  }
}

GridMask SuppressGrid(const Grid& grid, int64_t k, const LineMask& row_margin,
                      const LineMask& col_margin) {
  GridMask out;
  out.rows = row_margin;
  out.cols = col_margin;
  out.rows.total = out.cols.total = row_margin.total || col_margin.total;
  EntryGraph graph(grid);
  const size_t inner = static_cast<size_t>(grid.rows) * grid.cols;
  std::vector<bool> withheld(graph.edges().size(), false);
  std::vector<bool> protect(graph.edges().size(), false);
  for (size_t i = 0; i < inner; ++i) withheld[i] = protect[i] = Small(grid.cells[i], k);
  for (int r = 0; r < grid.rows; ++r) withheld[graph.RowTotal(r)] = out.rows.cells[r];
  for (int c = 0; c < grid.cols; ++c) withheld[graph.ColTotal(c)] = out.cols.cells[c];
  withheld[graph.GrandTotal()] = out.rows.total;
  // A withheld margin protects a small count (or a complement protecting one) in its own
  // breakdown: the grid must not give it away either.
  for (size_t e = inner; e < withheld.size(); ++e) protect[e] = withheld[e];

  auto value = [&](size_t e) { return grid.cells[e]; };
  for (;;) {
    std::optional<size_t> exposed;
    for (size_t e : graph.Bridges(withheld)) {
      if (protect[e]) {
        exposed = e;
        break;
      }
    }
    if (!exposed) break;
    const Edge& bridge = graph.edges()[*exposed];
    std::vector<bool> a = graph.Reach(withheld, bridge.a, *exposed);
    std::vector<bool> b = graph.Reach(withheld, bridge.b, *exposed);
    // Best: the smallest inner cell joining the two sides (closes a cycle through the bridge);
    // else the smallest one leaving either side (grows it towards the other).
    std::optional<size_t> joining;
    std::optional<size_t> leaving;
    for (size_t e = 0; e < inner; ++e) {
      if (withheld[e] || value(e) <= 0) continue;
      const Edge& edge = graph.edges()[e];
      bool in_a = a[edge.a] || a[edge.b];
      bool in_b = b[edge.a] || b[edge.b];
      if (in_a && in_b) {
        if (!joining || value(e) < value(*joining)) joining = e;
      } else if (in_a || in_b) {
        if (!leaving || value(e) < value(*leaving)) leaving = e;
      }
    }
    std::optional<size_t> pick = joining ? joining : leaving;
    if (!pick) {
      out.withheld = true;
      break;
    }
    withheld[*pick] = true;
  }
  out.cells.assign(inner, false);
  for (size_t i = 0; i < inner; ++i) out.cells[i] = out.withheld || withheld[i];
  return out;
}

}  // namespace tamkine::stats
