// The landscape's geometry, without a window or OpenGL: contour lines by marching squares
// (views/isolines.h), the surface's height field and the path lifted onto it
// (views/surface_mesh.h), tubes and balls (views/tube_mesh.h).
#include <QtTest>
#include <cmath>

#include "views/isolines.h"
#include "views/surface_mesh.h"
#include "views/tube_mesh.h"

using namespace gradlab;
using namespace gradlab::widgets;

namespace {
// f(x, y) = x² + y² on an n × n grid over [−1, 1]².
GridMap bowl(int n) {
  GridMap g;
  g.w = g.h = n;
  g.x0 = g.y0 = -1, g.x1 = g.y1 = 1;
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double x = -1 + 2.0 * c / (n - 1), y = -1 + 2.0 * r / (n - 1);
      g.values.push_back(float(x * x + y * y));
    }
  return g;
}
}  // namespace

class TestLandscapeMeshes : public QObject {
  Q_OBJECT

 private slots:
  // The worked example of isolines.h: a bump in a 3 × 3 grid gives a diamond through the
  // middles of the edges around it, closed.
  void bumpGivesADiamond() {
    GridMap g;
    g.w = g.h = 3;
    g.x0 = g.y0 = 0, g.x1 = g.y1 = 2;
    g.values = {0, 0, 0, 0, 2, 0, 0, 0, 0};
    const auto lines = isolines(g, 1.0);
    QCOMPARE(lines.size(), size_t(1));
    QCOMPARE(lines[0].size(), size_t(5));
    QCOMPARE(lines[0].front().x, lines[0].back().x);
    QCOMPARE(lines[0].front().y, lines[0].back().y);
    for (const IsoPoint& p : lines[0])  // |x − 1| + |y − 1| = 0.5: the edges' middles
      QVERIFY(std::abs(std::abs(p.x - 1) + std::abs(p.y - 1) - 0.5) < 1e-12);
  }

  // Contours of a bowl are circles: one closed line per level, every point at radius √level
  // up to the linear interpolation's error.
  void bowlGivesCircles() {
    const GridMap g = bowl(51);
    for (double level : {0.1, 0.25, 0.5, 0.8}) {
      const auto lines = isolines(g, level);
      QCOMPARE(lines.size(), size_t(1));
      const IsoLine& l = lines[0];
      QVERIFY(l.size() > 20);
      QCOMPARE(l.front().x, l.back().x);
      for (const IsoPoint& p : l) QVERIFY2(std::abs(std::hypot(p.x, p.y) - std::sqrt(level)) < 2e-3,
                                           qPrintable(QString("(%1, %2) at level %3").arg(p.x).arg(p.y).arg(level)));
    }
    // A level the grid crosses nowhere, and one above the bowl's rim in the corners only: four
    // open arcs cut by the border.
    QVERIFY(isolines(g, 5.0).empty());
    QCOMPARE(isolines(g, 1.5).size(), size_t(4));
  }

  // Cells with a NaN corner are left out; a saddle's lines do not cross.
  void nanAndSaddle() {
    GridMap g = bowl(11);
    g.values[size_t(5 * 11 + 8)] = NAN;  // (0.6, 0): beside the circle of level 0.3
    const auto lines = isolines(g, 0.3);
    QCOMPARE(lines.size(), size_t(1));
    QVERIFY(lines[0].front().x != lines[0].back().x || lines[0].front().y != lines[0].back().y);  // open
    GridMap s;
    s.w = s.h = 2;
    s.values = {1, 0, 0, 1};  // high corners (0, 0) and (1, 1); the mean 0.5 ≥ 0.4
    const auto saddle = isolines(s, 0.4);
    QCOMPARE(saddle.size(), size_t(2));  // the low corners cut off, one line each
    QCOMPARE(contourLevels(0, 1, 4), (std::vector<double>{0.2, 0.4, 0.6, 0.8}));
    QVERIFY(contourLevels(1, 1, 4).empty());
  }

  // The height field: t from 0 at the lowest to 1 at the highest point; height kHeight·t;
  // normals up at the bottom of the bowl and tilted outwards on its sides; NaN red on top.
  void surface() {
    GridMap g = bowl(21);
    g.values[0] = NAN;
    const SurfaceMesh m = buildSurface(g, /*logHeight=*/false);
    QCOMPARE(m.vertices.size(), size_t(SurfaceMesh::kStride * 21 * 21));
    QCOMPARE(m.indices.size(), size_t(6 * 20 * 20));
    auto vertex = [&](int r, int c) { return &m.vertices[size_t(r * 21 + c) * SurfaceMesh::kStride]; };
    QCOMPARE(vertex(10, 10)[6], 0.0f);        // the minimum
    QCOMPARE(vertex(0, 20)[6], 1.0f);         // a corner: the largest finite value
    QCOMPARE(vertex(0, 0)[6], -1.0f);         // NaN
    QCOMPARE(vertex(0, 0)[1], SurfaceMesh::kHeight);
    QVERIFY(std::abs(vertex(10, 10)[4] - 1) < 1e-6);  // flat at the bottom: n = (0, 1, 0)
    QVERIFY(vertex(10, 15)[3] < -0.1f);       // x > 0, rising with x: the normal leans to −X
    QVERIFY(vertex(15, 10)[5] > 0.1f);        // y > 0 is −Z, rising: the normal leans to +Z
    QCOMPARE(vertex(10, 20)[0], 1.0f);        // the plane's x1 is X = 1
    QCOMPARE(vertex(20, 10)[2], -1.0f);       // the plane's y1 is Z = −1
    // Bilinear height; the loss' own height; log height puts the 0.01 bowl bottom far lower.
    QVERIFY(std::abs(m.heightAt(0.5, 0) - SurfaceMesh::kHeight * 0.25f / 2.0f) < 0.01f);
    QVERIFY(std::abs(m.heightOf(1.0) - SurfaceMesh::kHeight * 0.5f) < 1e-6f);
    const SurfaceMesh lg = buildSurface(bowl(21), true);
    QVERIFY(lg.heightAt(0.1, 0) > m.heightAt(0.1, 0) * 3);
  }

  // A path lifted onto the surface follows it: cut into pieces of at most half a cell, every
  // point `above` over the surface there.
  void pathOnTheSurface() {
    const SurfaceMesh m = buildSurface(bowl(11), false);
    const auto pts = liftPath(m, {-1, 1}, {0, 0}, 0.02f);
    QCOMPARE(pts.size(), size_t(21));  // 10 cells across, two pieces each
    for (const Vec3& p : pts) {
      const double x = (p.x + 1) - 1;  // the scene's X is the plane's x here
      QVERIFY(std::abs(p.y - (m.heightAt(x, 0) + 0.02f)) < 1e-5f);
    }
    QVERIFY(pts[10].y < pts[0].y);  // down in the middle
    QVERIFY(liftPath(m, {NAN}, {0}, 0.02f).empty());
  }

  void tubeAndBall() {
    TubeMesh t;
    t.addTube({{0, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 1, 0}}, 0.1f, 6);  // the repeat is skipped
    QCOMPARE(t.vertices.size(), size_t(TubeMesh::kStride * 3 * 6));
    QCOMPARE(t.indices.size(), size_t(2 * 6 * 6));
    for (size_t i = 0; i < t.vertices.size(); i += TubeMesh::kStride) {  // unit normals, radius 0.1
      const float* v = &t.vertices[i];
      QVERIFY(std::abs(std::hypot(v[3], v[4], v[5]) - 1) < 1e-5);
    }
    const float* first = &t.vertices[0];  // the first ring is ⊥ the x axis
    QVERIFY(std::abs(first[0]) < 1e-6f && std::abs(std::hypot(first[1], first[2]) - 0.1f) < 1e-6f);
    TubeMesh b;
    b.addSphere({1, 2, 3}, 0.5f, 8, 4);
    for (size_t i = 0; i < b.vertices.size(); i += TubeMesh::kStride)
      QVERIFY(std::abs(std::hypot(b.vertices[i] - 1, b.vertices[i + 1] - 2, b.vertices[i + 2] - 3) - 0.5f) < 1e-5f);
    TubeMesh none;
    none.addTube({{0, 0, 0}}, 0.1f);
    QVERIFY(none.empty());
  }
};

QTEST_MAIN(TestLandscapeMeshes)
#include "tst_landscape_meshes.moc"
