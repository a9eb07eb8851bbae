#pragma once
/// Minimum-cost assignment (the Hungarian method with potentials, O(rows² · cols)), used by dispatch to pair
/// riders with orders. Pure and deterministic.
#include <vector>

namespace okada::brain::dispatch {

/// `cost` is rows × cols, row-major; a cell >= `forbidden` may not be used. Returns, for each row, the column
/// it gets, or -1 (more rows than columns, or only forbidden cells left for it). Minimises the sum of the used
/// cells' costs among assignments that use as many allowed cells as possible.
std::vector<int> MinCostAssignment(int rows, int cols, const std::vector<double>& cost, double forbidden);

}  // namespace okada::brain::dispatch
