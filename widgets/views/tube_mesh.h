#pragma once
// TubeMesh: lit triangle meshes for lines and points in the landscape's 3-D scene, Qt-free — a
// path as a tube (a ring of `sides` vertices around every point, rings joined by quads) and a
// marker as a sphere. Vertices are X Y Z, nx ny nz (6 floats); the shader lights them.
//
//   TubeMesh m;
//   m.addTube(liftPath(surface, xs, ys, 0.02f), 0.012f);  // the weights' path on the surface
//   m.addSphere(points.back(), 0.035f);                    // now
//   draw m.vertices / m.indices as GL_TRIANGLES
//
// A ring's plane is perpendicular to the tube's direction there (the mean of the two segments'
// directions); its first axis is the direction's part perpendicular to the previous ring's
// first axis' … carried along (parallel transport), so that the tube does not twist.
#include <cstdint>
#include <vector>

#include "views/surface_mesh.h"

namespace gradlab::widgets {

struct TubeMesh {
  static constexpr int kStride = 6;
  std::vector<float> vertices;
  std::vector<uint32_t> indices;

  void clear() { vertices.clear(), indices.clear(); }
  bool empty() const { return indices.empty(); }
  // A tube of `radius` through `points` (repeated points are skipped; fewer than 2: nothing).
  void addTube(const std::vector<Vec3>& points, float radius, int sides = 8);
  // A sphere of `radius` around `centre`.
  void addSphere(Vec3 centre, float radius, int slices = 16, int stacks = 10);

 private:
  uint32_t addVertex(Vec3 p, Vec3 n);
};

}  // namespace gradlab::widgets
