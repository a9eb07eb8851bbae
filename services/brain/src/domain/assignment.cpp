#include "domain/assignment.hpp"

#include <algorithm>
#include <limits>

namespace okada::brain::dispatch {
namespace {

// Rows <= cols. Shortest augmenting paths with row and column potentials, one row at a time; `a` is 1-based
// through the lambda. Returns, per column (1-based), the row it got (1-based, 0 = none).
template <typename Cost>
std::vector<int> Hungarian(int n, int m, const Cost& a) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0), minv(m + 1);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  std::vector<char> used(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), kInf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      int i0 = p[j0], j1 = 0;
      double delta = kInf;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        double cur = a(i0, j) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  return p;
}

}  // namespace

std::vector<int> MinCostAssignment(int rows, int cols, const std::vector<double>& cost, double forbidden) {
  std::vector<int> out(static_cast<std::size_t>(std::max(rows, 0)), -1);
  if (rows <= 0 || cols <= 0) return out;
  // Forbidden cells cost more than any assignment of allowed cells, so the fewest possible are used; they are
  // then dropped from the answer.
  double top = 0;
  for (double c : cost)
    if (c < forbidden) top = std::max(top, std::abs(c));
  const double big = (top + 1) * (std::min(rows, cols) + 1) * 2;
  auto at = [&](int r, int c) {
    double x = cost[static_cast<std::size_t>(r) * cols + c];
    return x >= forbidden ? big : x;
  };
  if (rows <= cols) {
    std::vector<int> p = Hungarian(rows, cols, [&](int i, int j) { return at(i - 1, j - 1); });
    for (int j = 1; j <= cols; ++j)
      if (p[j] != 0 && at(p[j] - 1, j - 1) < big) out[p[j] - 1] = j - 1;
  } else {
    std::vector<int> p = Hungarian(cols, rows, [&](int i, int j) { return at(j - 1, i - 1); });
    for (int j = 1; j <= rows; ++j)
      if (p[j] != 0 && at(j - 1, p[j] - 1) < big) out[j - 1] = p[j] - 1;
  }
  return out;
}

}  // namespace okada::brain::dispatch
