#pragma once
// SurfaceMesh: the landscape's loss grid as a height field the GPU draws (landscape_3d.h),
// Qt-free. The scene is a box: the plane's x runs along X ∈ [−1, 1], its y along −Z (away from
// the viewer) ∈ [−1, 1], and the loss goes up: Y = kHeight · t with
//   t = (f(L) − lo) / (hi − lo),   f = log₁₀ (log height) or the identity,
// lo, hi the smallest and largest finite f(L) on the grid. A NaN/Inf loss (training would blow
// up there) stands at the top with t = −1, which the shader paints red. Normals come from the
// grid by central differences: n ∝ (−∂Y/∂X, 1, −∂Y/∂Z).
//
//   SurfaceMesh m = buildSurface(probe.loss, /*logHeight=*/true);
//   m.vertices.size() == 7 * 51 * 51;  m.indices.size() == 6 * 50 * 50;
//   Vec3 p = m.lift(0.0, 0.0, 0.02);   // the point above the plane's (0, 0), on the surface
#include <cstdint>
#include <vector>

#include "train/probes/probe.h"

namespace gradlab::widgets {

struct Vec3 {
  float x = 0, y = 0, z = 0;
};

struct SurfaceMesh {
  static constexpr float kHeight = 0.9f;  // the surface's height in scene units (X, Z span 2)
  static constexpr int kStride = 7;       // floats per vertex: X Y Z, nx ny nz, t
  int w = 0, h = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // the grid's plane coordinates
  double lo = 0, hi = 1;                  // f(L) at t = 0 and t = 1
  bool logHeight = true;
  std::vector<float> vertices;            // w·h vertices, row-major as the grid
  std::vector<uint32_t> indices;          // two triangles per cell
  std::vector<float> heights;             // Y of each vertex

  bool empty() const { return w < 2 || h < 2; }
  // Scene X and Z of the plane point (x, y).
  float sceneX(double x) const { return float(-1 + 2 * (x - x0) / (x1 - x0)); }
  float sceneZ(double y) const { return float(1 - 2 * (y - y0) / (y1 - y0)); }
  // The surface's Y over the plane point (x, y), bilinear between the grid's points (clamped
  // to the grid).
  float heightAt(double x, double y) const;
  // The scene point `above` scene units over the surface at the plane point (x, y).
  Vec3 lift(double x, double y, float above) const;
  // A loss value's height (f and the range as above), clamped to the box.
  float heightOf(double loss) const;
};

SurfaceMesh buildSurface(const GridMap& grid, bool logHeight);

// A path on the plane lifted onto the surface, `above` scene units over it: every segment is
// cut into pieces no longer than half a grid cell, so that the line follows hills and valleys
// instead of cutting through them.
std::vector<Vec3> liftPath(const SurfaceMesh& mesh, const std::vector<double>& xs,
                           const std::vector<double>& ys, float above);

}  // namespace gradlab::widgets
