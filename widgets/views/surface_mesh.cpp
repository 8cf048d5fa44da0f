#include "views/surface_mesh.h"

#include <algorithm>
#include <cmath>

namespace gradlab::widgets {

namespace {
double heightValue(double loss, bool logHeight) {
  if (!std::isfinite(loss)) return NAN;
  if (!logHeight) return loss;
  return loss > 0 ? std::log10(loss) : -INFINITY;  // 0: placed a decade below the rest
}
}  // namespace

SurfaceMesh buildSurface(const GridMap& g, bool logHeight) {
  SurfaceMesh m;
  if (g.w < 2 || g.h < 2 || g.values.size() != size_t(g.w) * size_t(g.h)) return m;
  m.w = g.w, m.h = g.h;
  m.x0 = g.x0, m.x1 = g.x1 > g.x0 ? g.x1 : g.x0 + 1;
  m.y0 = g.y0, m.y1 = g.y1 > g.y0 ? g.y1 : g.y0 + 1;
  m.logHeight = logHeight;
  const size_t n = g.values.size();
  std::vector<double> f(n);
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; ++i) {
    f[i] = heightValue(g.values[i], logHeight);
    if (std::isfinite(f[i])) lo = std::min(lo, f[i]), hi = std::max(hi, f[i]);
  }
  // A loss of exactly 0 on the log scale: a decade below the smallest positive one.
  for (size_t i = 0; i < n; ++i)
    if (f[i] == -INFINITY) f[i] = std::isfinite(lo) ? lo - 1 : 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(f[i])) lo = std::min(lo, f[i]), hi = std::max(hi, f[i]);
  if (!(lo <= hi)) lo = 0, hi = 1;               // nothing finite: a flat red sheet
  if (hi - lo < 1e-9) hi = lo + 1e-9;            // flat: t = 0 everywhere
  m.lo = lo, m.hi = hi;
  m.heights.resize(n);
  std::vector<float> t(n);
  for (size_t i = 0; i < n; ++i) {
    const bool finite = std::isfinite(f[i]);
    t[i] = finite ? float((f[i] - lo) / (hi - lo)) : -1.0f;
    m.heights[i] = SurfaceMesh::kHeight * (finite ? t[i] : 1.0f);
  }
  // Normals by central differences (one-sided at the border), in scene units.
  const float sx = 2.0f / float(m.w - 1), sz = 2.0f / float(m.h - 1);
  m.vertices.resize(n * SurfaceMesh::kStride);
  for (int r = 0; r < m.h; ++r)
    for (int c = 0; c < m.w; ++c) {
      auto H = [&](int rr, int cc) {
        return m.heights[size_t(std::clamp(rr, 0, m.h - 1)) * m.w + size_t(std::clamp(cc, 0, m.w - 1))];
      };
      const int cl = std::max(c - 1, 0), cr = std::min(c + 1, m.w - 1);
      const int rl = std::max(r - 1, 0), rh = std::min(r + 1, m.h - 1);
      const float dYdX = (H(r, cr) - H(r, cl)) / (sx * float(cr - cl));
      const float dYdZ = -(H(rh, c) - H(rl, c)) / (sz * float(rh - rl));  // Z falls as y grows
      float nx = -dYdX, ny = 1, nz = -dYdZ;
      const float len = std::sqrt(nx * nx + ny * ny + nz * nz);
      nx /= len, ny /= len, nz /= len;
      const size_t i = size_t(r) * m.w + c;
      float* v = &m.vertices[i * SurfaceMesh::kStride];
      v[0] = -1 + sx * float(c), v[1] = m.heights[i], v[2] = 1 - sz * float(r);
      v[3] = nx, v[4] = ny, v[5] = nz, v[6] = t[i];
    }
  m.indices.reserve(size_t(m.w - 1) * size_t(m.h - 1) * 6);
  for (int r = 0; r + 1 < m.h; ++r)
    for (int c = 0; c + 1 < m.w; ++c) {
      const uint32_t a = uint32_t(r * m.w + c), b = a + 1, d = a + uint32_t(m.w), e = d + 1;
      m.indices.insert(m.indices.end(), {a, b, e, a, e, d});
    }
  return m;
}

float SurfaceMesh::heightAt(double x, double y) const {
  if (empty()) return 0;
  const double u = std::clamp((x - x0) / (x1 - x0), 0.0, 1.0) * (w - 1);
  const double v = std::clamp((y - y0) / (y1 - y0), 0.0, 1.0) * (h - 1);
  const int c = std::min(int(u), w - 2), r = std::min(int(v), h - 2);
  const double fu = u - c, fv = v - r;
  auto H = [&](int rr, int cc) { return double(heights[size_t(rr) * w + size_t(cc)]); };
  return float((1 - fv) * ((1 - fu) * H(r, c) + fu * H(r, c + 1)) +
               fv * ((1 - fu) * H(r + 1, c) + fu * H(r + 1, c + 1)));
}

Vec3 SurfaceMesh::lift(double x, double y, float above) const {
  return {sceneX(x), heightAt(x, y) + above, sceneZ(y)};
}

float SurfaceMesh::heightOf(double loss) const {
  const double f = heightValue(loss, logHeight);
  if (f == -INFINITY) return 0;
  if (!std::isfinite(f)) return kHeight;
  return kHeight * float(std::clamp((f - lo) / (hi - lo), 0.0, 1.0));
}

std::vector<Vec3> liftPath(const SurfaceMesh& m, const std::vector<double>& pathX,
                           const std::vector<double>& pathY, float above) {
  std::vector<Vec3> out;
  std::vector<double> xs, ys;  // the finite points
  for (size_t i = 0; i < std::min(pathX.size(), pathY.size()); ++i)
    if (std::isfinite(pathX[i]) && std::isfinite(pathY[i])) xs.push_back(pathX[i]), ys.push_back(pathY[i]);
  const size_t n = xs.size();
  if (m.empty() || n == 0) return out;
  const double cellX = (m.x1 - m.x0) / (m.w - 1), cellY = (m.y1 - m.y0) / (m.h - 1);
  out.push_back(m.lift(xs[0], ys[0], above));
  for (size_t i = 1; i < n; ++i) {
    const double dx = xs[i] - xs[i - 1], dy = ys[i] - ys[i - 1];
    const int pieces = std::clamp(int(std::ceil(2 * std::max(std::abs(dx) / cellX, std::abs(dy) / cellY))), 1, 400);
    for (int k = 1; k <= pieces; ++k) {
      const double s = double(k) / pieces;
      out.push_back(m.lift(xs[i - 1] + s * dx, ys[i - 1] + s * dy, above));
    }
  }
  return out;
}

}  // namespace gradlab::widgets
