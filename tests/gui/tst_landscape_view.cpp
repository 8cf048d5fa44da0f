// The loss landscape in the window (issue 13): the 3-D surface with the weights' path on it
// (OpenGL 3.3: under Xvfb that is Mesa's llvmpipe), the optimizer race on it, the 2-D map at
// the default dock size (square, contour lines), the probe options the view sends, a shader
// that does not compile, and the fallback on Qt's offscreen platform (a child run
// of this binary). Screenshots: landscape-3d, landscape-race-3d, landscape-map,
// landscape-fallback.
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "views/landscape_3d.h"
#include "views/landscape_colors.h"
#include "views/landscape_map.h"
#include "views/landscape_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
// Pixels of `img` within `tolerance` (per channel) of `c`.
int pixelsLike(const QImage& img, QColor c, int tolerance = 40) {
  int n = 0;
  for (int y = 0; y < img.height(); ++y)
    for (int x = 0; x < img.width(); ++x) {
      const QColor p = img.pixelColor(x, y);
      n += std::abs(p.red() - c.red()) < tolerance && std::abs(p.green() - c.green()) < tolerance &&
           std::abs(p.blue() - c.blue()) < tolerance;
    }
  return n;
}
}  // namespace

class TestLandscapeView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  int windows_ = 0;

  std::unique_ptr<MainWindow> makeWindow() {
    auto w = std::make_unique<MainWindow>(testOptions(tmp_.filePath("recovery-" + QString::number(++windows_))));
    w->resize(1600, 1000);
    w->show();
    [&] { QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; })); }();
    return w;
  }
  static LandscapeView* showLandscape(MainWindow* w) {
    auto* dock = w->findChild<QDockWidget*>("landscapeDock");
    if (!dock) return nullptr;
    dock->show();
    dock->raise();
    return w->view<LandscapeView>();
  }
  // Trains `n` steps in ten goes (the path gets a point at each) and waits for the landscape
  // at the last step on its full grid.
  static bool trainAndMeasure(MainWindow* w, int64_t n) {
    for (int go = 1; go <= 10; ++go) {
      const int64_t target = w->snapshot()->step + (go < 10 ? n / 10 : n - 9 * (n / 10));
      w->session()->step(target - w->snapshot()->step);
      const bool last = go == 10;
      if (!waitFor([&] {
            auto s = w->snapshot();
            auto p = s ? s->probe<LandscapeProbe>() : nullptr;
            return s->step == target && !s->running && p && p->step == target && p->why.empty() &&
                   (!last || p->loss.w >= p->gridTarget);
          }, 60000))
        return false;
    }
    return true;
  }

 private slots:
  // The surface with the path: drawn (not a blank widget), the path's orange on it, the mesh
  // built once per grid; orbit, zoom and reset.
  void surface3D() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    QString why;
    if (!canRender3D(&why)) QSKIP(qPrintable("no OpenGL 3.3 here (" + why + "); run under xvfb-run"));
    auto w = makeWindow();
    LandscapeView* v = showLandscape(w.get());
    QVERIFY(v);
    QVERIFY(!v->showing3D());  // the map first
    v->findChild<QAction*>("mode3D")->trigger();
    QVERIFY(waitFor([&] { return v->showing3D(); }));
    QVERIFY(trainAndMeasure(w.get(), 300));
    {
      auto p = w->snapshot()->probe<LandscapeProbe>();
      qInfo("probe: %dx%d (target %d), %zu path points, plane %s", p->loss.w, p->loss.h, p->gridTarget,
            p->pathX.size(), p->plane.c_str());
    }
    Landscape3D* gl = v->surface3D();
    QVERIFY(waitFor([&] { return gl->hasSurface() && gl->framesDrawn() > 0 && v->pathPoints() > 5; }));
    QVERIFY2(gl->error().isEmpty(), qPrintable(gl->error()));
    const auto p = w->snapshot()->shared<LandscapeProbe>();
    QCOMPARE(v->surfaceCells(), p->loss.w * p->loss.h);
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
    QVERIFY(p->loss.w >= 51);  // a sanitizer build may stop at a coarser grid (below)
#endif
    const QImage img = gl->grabFramebuffer();
    const QColor bg = gl->palette().color(QPalette::Base);
    img.save(screenshotPath("landscape-3d"));
    screenshot(w.get(), "landscape-3d-window");
    const int all = img.width() * img.height();
    const int background = pixelsLike(img, bg, 6);
    qInfo("3-D view %dx%d: %d %% background, %d path pixels, %d mesh builds", img.width(), img.height(),
          100 * background / all, pixelsLike(img, landscapePath()), gl->meshBuilds());
    QVERIFY2(background < all * 8 / 10, "the surface covers a good part of the view");
    QVERIFY2(pixelsLike(img, landscapePath()) > 40, "the orange path lies on the surface");
    QVERIFY2(pixelsLike(img, landscapeNow(), 30) > 10, "the red ball marks now");

    // The same grid again (a redraw: the slice strip comes and goes): no new mesh.
    const int builds = gl->meshBuilds();
    v->findChild<QCheckBox*>("showSlice")->setChecked(true);
    QVERIFY(waitFor([&] { return v->slicePlot()->graph(0)->dataCount() > 10; }));
    v->findChild<QCheckBox*>("showSlice")->setChecked(false);
    QCOMPARE(gl->meshBuilds(), builds);
    // Linear height is another mesh.
    v->findChild<QCheckBox*>("logHeight")->setChecked(false);
    QCOMPARE(gl->meshBuilds(), builds + 1);
    v->findChild<QCheckBox*>("logHeight")->setChecked(true);

    // Orbit with the mouse and the keys, zoom with the wheel, reset with R.
    const OrbitCamera start = gl->camera();
    QTest::mousePress(gl, Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseMove(gl, QPoint(160, 120));
    QMouseEvent move(QEvent::MouseMove, QPointF(160, 120), gl->mapToGlobal(QPointF(160, 120)), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(gl, &move);
    QVERIFY(gl->camera().yaw != start.yaw);
    QTest::keyClick(gl, Qt::Key_Up);
    QVERIFY(gl->camera().pitch > start.pitch);
    QWheelEvent wheel(QPointF(50, 50), gl->mapToGlobal(QPointF(50, 50)), {}, QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(gl, &wheel);
    QVERIFY(gl->camera().distance < start.distance);
    QTest::keyClick(gl, Qt::Key_R);
    QCOMPARE(gl->camera().yaw, start.yaw);
    QCOMPARE(gl->camera().distance, start.distance);
  }

  // The race: seven coloured paths on the surface.
  void race3D() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    QString why;
    if (!canRender3D(&why)) QSKIP(qPrintable("no OpenGL 3.3 here (" + why + "); run under xvfb-run"));
    auto w = makeWindow();
    LandscapeView* v = showLandscape(w.get());
    QVERIFY(!v->showing3D());  // the map first
    v->findChild<QAction*>("mode3D")->trigger();
    QVERIFY(waitFor([&] { return v->showing3D(); }));
    QVERIFY(trainAndMeasure(w.get(), 100));
    v->findChild<QAction*>("race")->trigger();
    QVERIFY(waitFor([&] { return v->raceRunners() == 7; }, 60000));
    Landscape3D* gl = v->surface3D();
    QCOMPARE(gl->pathCount(), 7);
    QVERIFY(waitFor([&] { return gl->framesDrawn() > 0; }));
    const QImage img = gl->grabFramebuffer();
    int colours = 0;  // race colours seen on screen
    for (const char* c : {"#e41a1c", "#ff7f00", "#4daf4a", "#f781bf", "#a65628"}) colours += pixelsLike(img, QColor(c), 30) > 15;
    QVERIFY2(colours >= 3, qPrintable(QString("%1 of 5 race colours visible").arg(colours)));
    img.save(screenshotPath("landscape-race-3d"));
  }

  // The map at the default dock size: a square data area, smooth colour with contour lines,
  // the path on top, few enough ticks; and the probe options the choices send.
  void map2D() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    auto w = makeWindow();
    LandscapeView* v = showLandscape(w.get());
    v->set3D(false);
    QVERIFY(!v->showing3D());
    QVERIFY(trainAndMeasure(w.get(), 300));
    LandscapeMap* map = v->map();
    // Refined to 51 x 51, or to the finest grid one measurement of which stays within
    // kLandscapePausedBudget: coarser in the sanitizer builds, 5-60 times slower.
    const int grid = w->snapshot()->probe<LandscapeProbe>()->loss.w;
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
    QCOMPARE(grid, 51);
#endif
    QVERIFY(waitFor([&] { return map->surfaceCells() >= grid * grid && map->pathPoints() > 5; }));
    // The last layout may change the tick labels the square was computed from; the replot that
    // settleSquare queues then squares it, even with training paused (TSan once saw 325 x 317).
    const auto square = [&] { return std::abs(map->dataArea().width() - map->dataArea().height()) <= 2; };
    waitFor(square, 2000);
    screenshot(v, "landscape-map");
    const QRect area = map->dataArea();
    qInfo("map %dx%d in a %dx%d plot, %d contour lines", area.width(), area.height(), map->width(),
          map->height(), map->contourLines());
    QVERIFY2(square(), "the data area is square");
    QVERIFY(area.width() >= std::min(map->width(), map->height()) / 2);
    QVERIFY(map->contourLines() >= 5);
    for (QCPAxis* a : {map->xAxis, map->yAxis})
      QVERIFY2(a->tickVector().size() <= area.width() / 50 + 1, "tick labels have room");

    // The choices travel as the probe's options.
    QCOMPARE(v->options()["plane"], "path");
    QCOMPARE(v->options()["grid"], 51);
    QSignalSpy asked(v, &View::probesChanged);
    auto* plane = v->findChild<QComboBox*>("plane");
    plane->setCurrentIndex(plane->findData("filter"));
    QCOMPARE(asked.count(), 1);
    QCOMPARE(v->options()["plane"], "filter");
    QVERIFY(waitFor([&] {
      auto p = w->snapshot()->probe<LandscapeProbe>();
      return p && p->plane == "filter" && p->loss.w >= p->gridTarget && map->surfaceCells() == p->loss.w * p->loss.h;
    }, 30000));
    auto* samples = v->findChild<QComboBox*>("samples");
    samples->setCurrentIndex(samples->findData(64));
    QCOMPARE(v->options()["samples"], 64);
    QVERIFY(waitFor([&] { auto p = w->snapshot()->probe<LandscapeProbe>(); return p && p->samples == 64; }, 30000));
    screenshot(v, "landscape-map-filter");
  }

  // A shader that does not compile: the view says so with the compiler's log and shows the map.
  // A paused network replots the map once, with its last surface. When that surface's tick
  // labels are wider than the last ones, the square computed before the layout is off by their
  // difference: the map squares itself with one more replot of its own.
  void mapSquaresAfterWiderTickLabels() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    LandscapeMap map;
    map.resize(385, 556);  // upright: the width decides the square's side
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    GridMap g{.w = 5, .h = 5, .x0 = -1, .x1 = 1, .y0 = -1, .y1 = 1, .values = std::vector<float>(25, 1.0f)};
    for (int i = 0; i < 25; ++i) g.values[size_t(i)] = 1.0f + float(i % 5 + i / 5);
    const auto square = [&] { return std::abs(map.dataArea().width() - map.dataArea().height()) <= 2; };
    map.setSurface(g);
    map.replot();
    QVERIFY(waitFor(square, 2000));
    const int before = map.dataArea().width();
    g.y0 = -12345.678;  // y tick labels like "-12000": the y axis's margin grows
    g.y1 = 12345.678;
    map.setSurface(g);
    map.replot();
    QVERIFY(waitFor(square, 2000));
    QVERIFY(map.dataArea().width() < before);  // the wider labels took their room
  }

  void shaderError() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    QString why;
    if (!canRender3D(&why)) QSKIP(qPrintable("no OpenGL 3.3 here (" + why + ")"));
    QTemporaryDir shaders;
    for (const char* name : {"surface.vert", "solid.vert", "solid.frag"})
      QVERIFY(QFile::copy(QString(":/shaders/") + name, shaders.filePath(name)));
    QFile broken(shaders.filePath("surface.frag"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("#version 330 core\nout vec4 c;\nvoid main() { c = vec4(undeclared, 1.0); }\n");
    broken.close();
    qputenv("GRADLAB_SHADERS", shaders.path().toUtf8());
    auto w = makeWindow();
    LandscapeView* v = showLandscape(w.get());
    v->set3D(true);
    const bool failed = waitFor([&] { return !v->fallbackReason().isEmpty(); });
    qunsetenv("GRADLAB_SHADERS");
    QVERIFY(failed);
    auto* note = v->findChild<QLabel*>("fallbackNote");
    qInfo("%s", qPrintable(note->text()));
    QVERIFY(note->isVisible());
    QVERIFY(note->text().contains("surface.frag does not compile"));
    QVERIFY(note->text().contains("undeclared"));  // the compiler's log
    QVERIFY(!v->showing3D());
    QVERIFY(trainAndMeasure(w.get(), 10));
    QVERIFY(waitFor([&] { return v->map()->surfaceCells() > 0; }));
  }

  // Qt's offscreen platform: no OpenGL widget, so the map and a line saying why.
  void fallbackOffscreen() {
    if (qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("the child run checks the fallback only");
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("GRADLAB_FALLBACK_CHILD", "1");
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(), {"fallbackChild"});
    QVERIFY(child.waitForFinished(60000));
    const QString out = QString::fromUtf8(child.readAll());
    QVERIFY2(child.exitCode() == 0 && out.contains("PASS   : TestLandscapeView::fallbackChild"), qPrintable(out));
  }
  void fallbackChild() {
    if (!qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD")) QSKIP("run by fallbackOffscreen in a child process");
    QCOMPARE(QGuiApplication::platformName(), QString("offscreen"));
    QVERIFY(!canRender3D());
    auto w = makeWindow();
    LandscapeView* v = showLandscape(w.get());
    QVERIFY(!v->showing3D());
    QVERIFY(v->surface3D() == nullptr);
    auto* note = v->findChild<QLabel*>("fallbackNote");
    QVERIFY(note->isVisible());
    QVERIFY2(note->text().contains("OpenGL") && note->text().contains("offscreen"), qPrintable(note->text()));
    QVERIFY(trainAndMeasure(w.get(), 100));
    QVERIFY(waitFor([&] { return v->map()->surfaceCells() > 0 && v->pathPoints() > 3; }));
    screenshot(v, "landscape-fallback");
  }
};

// CTest runs the GUI tests on Qt's offscreen platform, which cannot show OpenGL widgets: with a
// display (xvfb-run gives one) this binary uses it, so that the 3-D view is drawn by Mesa. The
// fallback's child run stays offscreen.
int main(int argc, char** argv) {
  if (qEnvironmentVariableIsSet("DISPLAY") && !qEnvironmentVariableIsSet("GRADLAB_FALLBACK_CHILD"))
    qputenv("QT_QPA_PLATFORM", "xcb");
  QApplication app(argc, argv);
  TestLandscapeView test;
  QTEST_SET_MAIN_SOURCE_PATH
  return QTest::qExec(&test, argc, argv);
}
#include "tst_landscape_view.moc"
