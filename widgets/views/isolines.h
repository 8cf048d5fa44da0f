#pragma once
// Isolines: the contour lines of a function sampled on a grid (marching squares), Qt-free, for
// the landscape's 2-D map. Each grid cell's four corners are compared with the level; the
// level crosses an edge where its two corners lie on either side, at the linear interpolation
//   t = (level − v₀) / (v₁ − v₀),   point = p₀ + t·(p₁ − p₀)
// and the crossings of one cell are joined in pairs (a saddle, two opposite corners above, is
// split by the cell's mean). Crossings on a shared edge are the same point, so segments chain
// into polylines. Cells with a NaN corner are skipped.
//
//   GridMap g;  g.w = g.h = 3;  g.values = {0,0,0, 0,2,0, 0,0,0};   // a bump in the middle
//   auto lines = isolines(g, 1.0);   // one closed polyline: a diamond through the edges' middles
//   lines[0].size() == 5             // 4 crossings, the first repeated to close it
#include <vector>

#include "train/probes/probe.h"

namespace gradlab::widgets {

struct IsoPoint {
  double x = 0, y = 0;
};
using IsoLine = std::vector<IsoPoint>;  // a polyline; closed when its last point is its first

// The polylines where the grid's function equals `level`, in the grid's coordinates
// ([x0, x1] × [y0, y1]; row r is at y0 + r·(y1 − y0)/(h − 1)).
std::vector<IsoLine> isolines(const GridMap& grid, double level);

// `count` levels evenly spaced strictly inside (lo, hi): lo + (i + 1)·(hi − lo)/(count + 1).
std::vector<double> contourLevels(double lo, double hi, int count);

}  // namespace gradlab::widgets
