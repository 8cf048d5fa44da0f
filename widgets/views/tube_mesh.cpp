#include "views/tube_mesh.h"

#include <cmath>

namespace gradlab::widgets {

namespace {
Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3 operator*(float s, Vec3 a) { return {s * a.x, s * a.y, s * a.z}; }
float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
float norm(Vec3 a) { return std::sqrt(dot(a, a)); }
Vec3 unit(Vec3 a) {
  const float n = norm(a);
  return n > 0 ? (1 / n) * a : Vec3{1, 0, 0};
}
constexpr float kPi = 3.14159265358979f;
}  // namespace

uint32_t TubeMesh::addVertex(Vec3 p, Vec3 n) {
  const uint32_t i = uint32_t(vertices.size() / kStride);
  vertices.insert(vertices.end(), {p.x, p.y, p.z, n.x, n.y, n.z});
  return i;
}

void TubeMesh::addTube(const std::vector<Vec3>& raw, float radius, int sides) {
  std::vector<Vec3> pts;
  for (Vec3 p : raw)
    if (std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z) &&
        (pts.empty() || norm(p - pts.back()) > 1e-6f))
      pts.push_back(p);
  if (pts.size() < 2 || sides < 3) return;
  // Direction at each point: the mean of its segments'.
  std::vector<Vec3> dir(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    const Vec3 in = i > 0 ? unit(pts[i] - pts[i - 1]) : Vec3{0, 0, 0};
    const Vec3 out = i + 1 < pts.size() ? unit(pts[i + 1] - pts[i]) : Vec3{0, 0, 0};
    dir[i] = unit(in + out);
    if (norm(in + out) < 1e-6f) dir[i] = out.x || out.y || out.z ? out : in;  // a U-turn
  }
  // The first ring's axis: any direction ⊥ the tube (up, unless the tube goes straight up).
  Vec3 axis = std::abs(dir[0].y) < 0.9f ? Vec3{0, 1, 0} : Vec3{1, 0, 0};
  const uint32_t first = uint32_t(vertices.size() / kStride);
  for (size_t i = 0; i < pts.size(); ++i) {
    axis = unit(axis - dot(axis, dir[i]) * dir[i]);  // carried along: the part ⊥ this direction
    const Vec3 other = cross(dir[i], axis);
    for (int k = 0; k < sides; ++k) {
      const float a = 2 * kPi * float(k) / float(sides);
      const Vec3 n = std::cos(a) * axis + std::sin(a) * other;
      addVertex(pts[i] + radius * n, n);
    }
  }
  const uint32_t s = uint32_t(sides);
  for (uint32_t i = 0; i + 1 < pts.size(); ++i)
    for (uint32_t k = 0; k < s; ++k) {
      const uint32_t a = first + i * s + k, b = first + i * s + (k + 1) % s;
      const uint32_t c = a + s, d = b + s;
      indices.insert(indices.end(), {a, b, d, a, d, c});
    }
}

void TubeMesh::addSphere(Vec3 centre, float radius, int slices, int stacks) {
  const uint32_t first = uint32_t(vertices.size() / kStride);
  for (int i = 0; i <= stacks; ++i) {
    const float phi = kPi * float(i) / float(stacks);  // from the top down
    for (int j = 0; j <= slices; ++j) {
      const float theta = 2 * kPi * float(j) / float(slices);
      const Vec3 n{std::sin(phi) * std::cos(theta), std::cos(phi), std::sin(phi) * std::sin(theta)};
      addVertex(centre + radius * n, n);
    }
  }
  const uint32_t row = uint32_t(slices + 1);
  for (uint32_t i = 0; i < uint32_t(stacks); ++i)
    for (uint32_t j = 0; j < uint32_t(slices); ++j) {
      const uint32_t a = first + i * row + j, b = a + 1, c = a + row, d = c + 1;
      indices.insert(indices.end(), {a, c, b, b, c, d});
    }
}

}  // namespace gradlab::widgets
