#include "views/isolines.h"

#include <array>
#include <cmath>

namespace gradlab::widgets {

namespace {
// A crossing lies on a grid edge; each edge has one id, shared by the two cells beside it:
// the horizontal edge from (r, c) to (r, c + 1) is 2·(r·w + c), the vertical one from (r, c)
// to (r + 1, c) is 2·(r·w + c) + 1.
struct Segment {
  int a, b;  // edge ids of its two ends
};
}  // namespace

std::vector<IsoLine> isolines(const GridMap& g, double level) {
  std::vector<IsoLine> lines;
  if (g.w < 2 || g.h < 2 || g.values.size() != size_t(g.w) * size_t(g.h)) return lines;
  const int w = g.w, h = g.h;
  const double dx = (g.x1 - g.x0) / (w - 1), dy = (g.y1 - g.y0) / (h - 1);
  auto v = [&](int r, int c) { return double(g.values[size_t(r) * w + c]); };
  auto above = [&](double x) { return x >= level; };

  std::vector<IsoPoint> point(size_t(2) * w * h);
  std::vector<std::array<int, 2>> uses(point.size(), {-1, -1});  // segments ending on an edge
  std::vector<Segment> segments;
  // The crossing on the edge from corner (r0, c0) to (r1, c1): its id, its point remembered.
  auto crossing = [&](int r0, int c0, int r1, int c1) {
    const int id = 2 * (r0 * w + c0) + (r1 != r0);
    const double a = v(r0, c0), b = v(r1, c1);
    const double t = (level - a) / (b - a);
    point[size_t(id)] = {g.x0 + (c0 + t * (c1 - c0)) * dx, g.y0 + (r0 + t * (r1 - r0)) * dy};
    return id;
  };
  auto add = [&](int a, int b) {
    const int s = int(segments.size());
    segments.push_back({a, b});
    for (int e : {a, b}) (uses[size_t(e)][0] < 0 ? uses[size_t(e)][0] : uses[size_t(e)][1]) = s;
  };

  for (int r = 0; r + 1 < h; ++r)
    for (int c = 0; c + 1 < w; ++c) {
      const double v00 = v(r, c), v01 = v(r, c + 1), v11 = v(r + 1, c + 1), v10 = v(r + 1, c);
      if (std::isnan(v00) || std::isnan(v01) || std::isnan(v11) || std::isnan(v10)) continue;
      // The edges crossed, going round the cell: bottom, right, top, left.
      std::array<int, 4> e{};
      int n = 0;
      if (above(v00) != above(v01)) e[size_t(n++)] = crossing(r, c, r, c + 1);
      if (above(v01) != above(v11)) e[size_t(n++)] = crossing(r, c + 1, r + 1, c + 1);
      if (above(v10) != above(v11)) e[size_t(n++)] = crossing(r + 1, c, r + 1, c + 1);
      if (above(v00) != above(v10)) e[size_t(n++)] = crossing(r, c, r + 1, c);
      if (n == 2) {
        add(e[0], e[1]);
      } else if (n == 4) {
        // A saddle: v00 and v11 on one side, v01 and v10 on the other. The cell's mean says
        // which pair is joined through the middle; the lines cut off the other two corners.
        const bool middle = above((v00 + v01 + v11 + v10) / 4);
        if (middle == above(v00)) add(e[0], e[1]), add(e[2], e[3]);  // cut off v01 and v10
        else add(e[0], e[3]), add(e[1], e[2]);                       // cut off v00 and v11
      }
    }

  // Chain the segments into polylines through their shared edges.
  std::vector<char> used(segments.size(), 0);
  auto next = [&](int edge, int from) {
    for (int s : uses[size_t(edge)])
      if (s >= 0 && s != from && !used[size_t(s)]) return s;
    return -1;
  };
  for (int s0 = 0; s0 < int(segments.size()); ++s0) {
    if (used[size_t(s0)]) continue;
    used[size_t(s0)] = 1;
    std::vector<int> forward{segments[size_t(s0)].a, segments[size_t(s0)].b};
    for (int s = s0, edge = forward.back(); (s = next(edge, s)) >= 0;) {
      used[size_t(s)] = 1;
      edge = segments[size_t(s)].a == edge ? segments[size_t(s)].b : segments[size_t(s)].a;
      forward.push_back(edge);
    }
    std::vector<int> backward;  // from the first segment's start the other way (open lines)
    for (int s = s0, edge = forward.front(); (s = next(edge, s)) >= 0;) {
      used[size_t(s)] = 1;
      edge = segments[size_t(s)].a == edge ? segments[size_t(s)].b : segments[size_t(s)].a;
      backward.push_back(edge);
    }
    IsoLine line;
    line.reserve(forward.size() + backward.size());
    for (auto it = backward.rbegin(); it != backward.rend(); ++it) line.push_back(point[size_t(*it)]);
    for (int e : forward) line.push_back(point[size_t(e)]);
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<double> contourLevels(double lo, double hi, int count) {
  std::vector<double> levels;
  if (!(hi > lo) || count <= 0) return levels;
  for (int i = 0; i < count; ++i) levels.push_back(lo + (i + 1) * (hi - lo) / (count + 1));
  return levels;
}

}  // namespace gradlab::widgets
