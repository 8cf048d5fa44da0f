// The lab window driven as a user would: the default project trains; blocks are dragged from
// the palette, wired, edited in the inspector; a problem appears and goes away; undo/redo;
// save and reopen gives the same network and weights; bad input leaves the work intact.
// Screenshots land in <build>/tests/screenshots/.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "blocks/registry.h"
#include "editor/activation_plot.h"
#include "editor/inspector.h"
#include "editor/network_model.h"
#include "gui_helpers.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "panels/problems_panel.h"
#include "views/boundary_view.h"
#include "views/confusion_view.h"
#include "views/fit_view.h"
#include "views/gradient_view.h"
#include "views/inside_view.h"
#include "views/landscape_view.h"
#include "views/picture_grid.h"
#include "views/loss_view.h"
#include "views/neuron_maps.h"
#include "support/cli_runner.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestLabWindow : public QObject {
  Q_OBJECT

  QTemporaryDir tmp_;

  std::unique_ptr<MainWindow> makeWindow() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery-" + QString::number(++windows_)));
    auto w = std::make_unique<MainWindow>(o);
    w->resize(1600, 1000);
    w->show();
    w->activateWindow();  // keyboard shortcuts (Space, S, R) go to the active window
    [&] { QVERIFY(QTest::qWaitForWindowActive(w.get())); }();
    return w;
  }
  static bool ready(MainWindow* w) { return w->snapshot() && w->snapshot()->ready; }
  static int64_t step(MainWindow* w) { return w->snapshot() ? w->snapshot()->step : -1; }
  static bool hasProblemFor(MainWindow* w, const QString& id) {
    for (int i = 0; i < w->problems()->count(); ++i)
      if (w->problems()->item(i)->data(Qt::UserRole).toString() == id) return true;
    return false;
  }
  static std::string json(const NetworkSpec& s) { return NetworkModel::engineJson(s).dump(); }
  // Trains on to step n (from wherever training stopped) with the session's Step, then waits
  // for the window to show it. The long limit only stops a hung test: no speed is asserted.
  static bool trainTo(MainWindow* w, int64_t n) {
    if (!w->session()->sync()) return false;
    const int64_t now = w->session()->snapshot()->step;
    const int64_t target = std::max(n, now);
    w->session()->step(target - now);
    return waitFor([&] { return step(w) == target && !w->snapshot()->running; }, 600000);
  }
  // Shows a view's dock and brings its tab to the front.
  static QDockWidget* showDock(MainWindow* w, const char* name) {
    auto* dock = w->findChild<QDockWidget*>(name);
    if (!dock) return nullptr;
    dock->show();
    dock->raise();
    return dock;
  }
  int windows_ = 0;

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(tmp_.isValid());
  }

  // A first start: the spiral project is there; Space trains it; the loss falls and the views move.
  void defaultProjectLearns() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    QCOMPARE(w->model()->spec().blocks.size(), size_t(4));
    QVERIFY(w->playAction()->isEnabled());
    // The toolbar and palette icons are SVG: they render only with Qt's SVG plugin installed.
    QVERIFY2(!w->playAction()->icon().pixmap(24).isNull(), "no SVG icon engine (libqt6svg6)");
    screenshot(w.get(), "01-first-start");
    const double before = w->view<BoundaryView>()->heatmapChecksum();

    w->canvas()->setFocus();
    QTest::keyClick(w->canvas(), Qt::Key_Space);  // Play
    QVERIFY(waitFor([&] { return w->snapshot()->running; }));
    QTest::keyClick(w->canvas(), Qt::Key_Space);  // Pause
    QVERIFY(waitFor([&] { return !w->snapshot()->running; }));
    // Flat out, Play took however many steps the machine managed before Pause; at this
    // learning rate where a run ends up depends on that. From fresh weights, exactly 3000 steps
    // are the same run every time.
    w->session()->reset();
    QVERIFY(trainTo(w.get(), 3000));
    const auto& m = w->snapshot()->metrics;
    QVERIFY(m.size() >= 2);
    qInfo("spiral, 3000 steps from the seed: train loss %.4f -> %.4f", m.front().trainLoss,
          m.back().trainLoss);
    QCOMPARE(m.front().step, int64_t(0));
    QVERIFY2(m.back().trainLoss < 0.6 * m.front().trainLoss,
             qPrintable(QString("loss %1 -> %2").arg(m.front().trainLoss).arg(m.back().trainLoss)));
    QVERIFY(w->view<LossView>()->pointCount() >= 2);
    QVERIFY(w->view<BoundaryView>()->heatmapChecksum() != before);
    // Hovering a hidden block shows its neurons' maps (none before: no block is hovered or
    // selected yet).
    QCOMPARE(w->view<BoundaryView>()->neuronMaps()->count(), 0);
    emit w->canvas()->blockHovered("h1");
    QVERIFY(waitFor([&] { return w->view<BoundaryView>()->neuronMaps()->count() == 16; }, 5000));
    screenshot(w.get(), "02-spiral-trained");

    // Step and Reset by keyboard.
    const int64_t s0 = step(w.get());
    QTest::keyClick(w->canvas(), Qt::Key_S);
    QVERIFY(waitFor([&] { return step(w.get()) == s0 + 1; }));
    QTest::keyClick(w->canvas(), Qt::Key_R);
    QVERIFY(waitFor([&] { return step(w.get()) == 0; }));
  }

  // Build by hand: drag, wire, set parameters, watch a problem appear and go away, undo, redo.
  void editLikeAUser() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    Canvas* c = w->canvas();
    const std::string original = json(w->model()->spec());
    const int undoBase = w->model()->undoStack()->index();

    // 1. Drag a Dense block from the palette below the network.
    const QPoint below = c->mapFromScene(QPointF(640, 260));
    dragFromPalette(w->palette(), c, "Dense", below);
    QCOMPARE(w->model()->spec().blocks.size(), size_t(5));
    const QString id = QString::fromStdString(w->model()->spec().blocks.back().id);
    QCOMPARE(id, QString("h3"));
    // It has no input yet: a problem on the card, in the list, and Play is off with the reason.
    QVERIFY(!w->model()->analysis().problemsOf("h3").empty());
    QVERIFY(!c->blockItem("h3")->problems().isEmpty());
    QVERIFY(hasProblemFor(w.get(), "h3"));
    QVERIFY(!w->playAction()->isEnabled());
    QVERIFY2(w->playAction()->toolTip().contains("problem"), qPrintable(w->playAction()->toolTip()));
    screenshot(w.get(), "03-problem-shown");

    // 2. Remove the edge h2 -> out: click it, press Delete.
    EdgeItem* e = c->edgeItem({"h2", "out"});
    QVERIFY(e);
    const QPoint mid = c->mapFromScene(e->path().pointAtPercent(0.5));
    QTest::mouseClick(c->viewport(), Qt::LeftButton, Qt::NoModifier, mid);
    QVERIFY2(e->isSelected(), qPrintable(QString("clicked at %1,%2; item there: %3")
                                             .arg(mid.x()).arg(mid.y())
                                             .arg(c->itemAt(mid) ? c->itemAt(mid)->type() : -1)));
    QTest::keyClick(c, Qt::Key_Delete);
    QVERIFY(!c->edgeItem({"h2", "out"}));

    // 3. Wire h2 -> h3 -> out by dragging from output ports onto the blocks.
    mouseDrag(c, c->outputPortInView("h2"), c->inputPortInView("h3"));
    QVERIFY(c->edgeItem({"h2", "h3"}));
    mouseDrag(c, c->outputPortInView("h3"), c->inputPortInView("out"));
    QVERIFY(c->edgeItem({"h3", "out"}));
    QVERIFY2(w->model()->analysis().ok(), describe(w->model()->analysis().problems).c_str());
    QVERIFY(!hasProblemFor(w.get(), "h3"));
    QVERIFY(w->playAction()->isEnabled());

    // 4. The inspector: select h3, type an impossible unit count, then a good one.
    c->selectBlocks({"h3"});
    QCOMPARE(w->inspector()->block(), QString("h3"));
    auto* units = qobject_cast<QLineEdit*>(w->inspector()->field("units"));
    QVERIFY(units);
    units->setFocus();
    units->selectAll();
    QTest::keyClicks(units, "-4");
    QVERIFY2(!w->inspector()->errorOf("units").isEmpty(), "no message for units = -4");
    QTest::keyClick(units, Qt::Key_Return);
    QCOMPARE(paramInt(*w->model()->spec().find("h3"), "units"), int64_t(8));  // unchanged
    screenshot(w.get(), "04-impossible-parameter");
    units->selectAll();
    QTest::keyClicks(units, "6");
    QVERIFY(w->inspector()->errorOf("units").isEmpty());
    QTest::keyClick(units, Qt::Key_Return);
    QCOMPARE(paramInt(*w->model()->spec().find("h3"), "units"), int64_t(6));
    auto* act = qobject_cast<QComboBox*>(w->inspector()->field("activation"));
    QVERIFY(act);
    act->setCurrentText("tanh");
    emit act->activated(act->currentIndex());
    QCOMPARE(paramString(*w->model()->spec().find("h3"), "activation"), std::string("tanh"));
    QCOMPARE(w->model()->analysis().outShapes.at("h3"), Shape{6});

    // 5. Train the edited network: loss falls, views change.
    QVERIFY(waitFor([&] { return ready(w.get()) && w->playAction()->isEnabled(); }));
    const double before = w->view<BoundaryView>()->heatmapChecksum();
    w->playAction()->trigger();
    QVERIFY(waitFor([&] { return w->snapshot()->running; }));
    w->playAction()->trigger();
    QVERIFY(waitFor([&] { return !w->snapshot()->running; }));
    w->session()->reset();  // the same 2000 steps every time, however far Play got
    QVERIFY(trainTo(w.get(), 2000));
    const auto& m = w->snapshot()->metrics;
    QVERIFY(m.size() >= 2);
    QVERIFY2(m.back().trainLoss < m.front().trainLoss,
             qPrintable(QString("loss %1 at step %2 -> %3 at step %4")
                            .arg(m.front().trainLoss).arg(m.front().step)
                            .arg(m.back().trainLoss).arg(m.back().step)));
    QVERIFY(w->view<BoundaryView>()->heatmapChecksum() != before);
    c->zoomToFit();
    screenshot(w.get(), "05-edited-and-trained");

    // 6. Undo everything: the original network; redo everything: the edited one.
    const std::string edited = json(w->model()->spec());
    while (w->model()->undoStack()->index() > undoBase) w->undoAction()->trigger();
    QCOMPARE(json(w->model()->spec()), original);
    while (w->model()->undoStack()->canRedo()) w->redoAction()->trigger();
    QCOMPARE(json(w->model()->spec()), edited);
    // Keyboard too.
    c->setFocus();
    QTest::keyClick(c, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(paramString(*w->model()->spec().find("h3"), "activation"), std::string("identity"));
    QTest::keyClick(c, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY2(json(w->model()->spec()) == edited,
             qPrintable(QKeySequence::listToString(w->redoAction()->shortcuts())));

    // 7. Copy, paste, delete, move, auto-layout — each one undoable.
    c->selectBlocks({"h3"});
    c->copySelection();
    c->paste();
    QCOMPARE(w->model()->spec().blocks.size(), size_t(6));
    QCOMPARE(c->selectedBlocks().size(), 1);
    QTest::keyClick(c, Qt::Key_Delete);
    QCOMPARE(w->model()->spec().blocks.size(), size_t(5));
    const QPointF p0 = NetworkModel::position(*w->model()->spec().find("out"));
    const QPoint grab = c->mapFromScene(p0 + QPointF(100, 12));
    mouseDrag(c, grab, grab + QPoint(0, 120));
    const QPointF p1 = NetworkModel::position(*w->model()->spec().find("out"));
    QVERIFY2(p1.y() > p0.y() + 50, qPrintable(QString("out at %1 -> %2").arg(p0.y()).arg(p1.y())));
    w->undoAction()->trigger();
    QCOMPARE(NetworkModel::position(*w->model()->spec().find("out")), p0);
    c->autoLayout();
    QVERIFY(NetworkModel::position(*w->model()->spec().find("h3")).x() >
            NetworkModel::position(*w->model()->spec().find("h2")).x());
    screenshot(w.get(), "06-auto-layout");
  }

  // Save, reopen: the same network, the same weights.
  void saveAndReopen() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    w->model()->setParam("h2", "units", 5);
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->ready; }));
    w->session()->step(300);
    QVERIFY(waitFor([&] { return step(w.get()) == 300 && !w->snapshot()->running; }, 30000));
    const QString path = tmp_.filePath("saved.gradlab");
    QVERIFY(w->saveProjectTo(path));
    QVERIFY(QFileInfo::exists(tmp_.filePath("saved.safetensors")));
    const TensorMap weights = w->session()->weights().get();
    QVERIFY(!weights.empty());
    const std::string spec = toJson(w->model()->spec()).dump();

    auto w2 = makeWindow();
    QVERIFY(waitFor([&] { return ready(w2.get()); }));
    QVERIFY(w2->openProject(path));
    QCOMPARE(toJson(w2->model()->spec()).dump(), spec);
    QVERIFY(waitFor([&] {
      if (!ready(w2.get())) return false;
      const TensorMap w2w = w2->session()->weights().get();
      if (w2w.size() != weights.size()) return false;
      for (const auto& [name, t] : weights)
        if (!w2w.count(name) || w2w.at(name).values != t.values) return false;
      return true;
    }));
    QCOMPARE(w2->windowTitle().left(13), QString("saved.gradlab"));
  }

  // A corrupt project file: a clear message, the current work untouched.
  void corruptProjectLeavesWorkIntact() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    w->model()->setParam("h1", "units", 7);
    const std::string before = toJson(w->model()->spec()).dump();
    const QString bad = tmp_.filePath("corrupt.gradlab");
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("{\"format\": \"gradlab.project/1\", \"network\": {\"blocks\": [ {\"id\": ");
    }
    QVERIFY(!w->openProject(bad));
    QVERIFY2(w->message().contains("corrupt.gradlab"), qPrintable(w->message()));
    QVERIFY(w->message().contains("unchanged"));
    QCOMPARE(toJson(w->model()->spec()).dump(), before);
    screenshot(w.get(), "07-corrupt-project");
    // Valid JSON but not a project; a project whose weights file is garbage.
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("[1, 2, 3]");
    }
    QVERIFY(!w->openProject(bad));
    QCOMPARE(toJson(w->model()->spec()).dump(), before);
    const QString good = tmp_.filePath("weights-broken.gradlab");
    QVERIFY(w->saveProjectTo(good));
    {
      QFile f(tmp_.filePath("weights-broken.safetensors"));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("\xff\xff\xff\xff\xff\xff\xff\x7fgarbage");
    }
    w->model()->setParam("h1", "units", 9);
    const std::string before2 = toJson(w->model()->spec()).dump();
    QVERIFY(!w->openProject(good));
    QVERIFY2(w->message().contains("weights-broken.safetensors"), qPrintable(w->message()));
    QCOMPARE(toJson(w->model()->spec()).dump(), before2);
  }

  // An unreadable data file: a clear message, the data in use stays.
  void unreadableDataLeavesDataIntact() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    const auto data = w->datasetPanel()->data();
    QVERIFY(data);
    const QString bad = tmp_.filePath("broken.csv");
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("a,b,label\n1,2,0\n3,oops\n");
    }
    w->datasetPanel()->openFile(bad);
    QVERIFY(waitFor([&] { return !w->datasetPanel()->loading(); }));
    QVERIFY2(w->message().contains("broken.csv"), qPrintable(w->message()));
    QCOMPARE(w->datasetPanel()->data(), data);
    QCOMPARE(w->datasetPanel()->source().builtin, std::string("spiral"));
    w->datasetPanel()->openFile(tmp_.filePath("does-not-exist.safetensors"));
    QVERIFY(waitFor([&] { return !w->datasetPanel()->loading(); }));
    QVERIFY2(w->message().contains("does-not-exist"), qPrintable(w->message()));
    QCOMPARE(w->datasetPanel()->data(), data);
    QVERIFY(ready(w.get()));
    screenshot(w.get(), "08-unreadable-data");
  }

  // Too large a learning rate: training pauses with what happened and the fix; Reset recovers.
  void divergencePausesAndResetRecovers() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    auto* lr = w->controls()->learningRate();
    w->controls()->findChild<QComboBox*>("optimizer")->setCurrentText("sgd");
    lr->setEditText("1e6");  // the largest rate the field takes (io/training_settings.h)
    emit lr->lineEdit()->editingFinished();
    w->playAction()->trigger();
    QVERIFY(waitFor([&] { return w->message().contains("learning rate"); }, 30000));
    // The loss turns NaN/Inf, or the weights blow up while it is still finite (divergence.h):
    // which comes first depends on when the worker evaluates.
    QVERIFY2(w->message().contains("NaN") || w->message().contains("infinite") ||
                 w->message().contains("blew up"),
             qPrintable(w->message()));
    QVERIFY(w->message().contains("lower it"));
    QVERIFY(waitFor([&] { return !w->snapshot()->running; }));
    screenshot(w.get(), "09-diverged");
    lr->setEditText("0.03");
    emit lr->lineEdit()->editingFinished();
    w->resetAction()->trigger();
    QVERIFY(waitFor([&] { return step(w.get()) == 0 && w->message().isEmpty(); }));
    w->stepAction()->trigger();
    QVERIFY(waitFor([&] { return step(w.get()) == 1; }));
    QVERIFY(std::isfinite(w->snapshot()->lastBatchLoss));
  }

  // Other data: the fit view for 1-D regression, the confusion view for classes.
  void otherViews() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    w->showAllViews();
    DataSource fn;
    fn.builtin = "fn-sine";
    fn.points = 200;
    fn.noise = 0.1;
    fn.testFraction = 0.3;
    w->datasetPanel()->load(fn);
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->data->train.xShape == Shape{1}; }));
    QCOMPARE(w->model()->spec().loss.type, std::string("mse"));  // adapted to the data
    w->session()->step(1500);
    QVERIFY(waitFor([&] { return step(w.get()) == 1500 && w->view<FitView>()->fitPoints() == 200; }, 60000));
    screenshot(w.get(), "10-fit-view");

    DataSource gauss;
    gauss.builtin = "xor";
    gauss.noise = 0.3;
    w->datasetPanel()->load(gauss);
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->data->train.xShape == Shape{2}; }));
    QCOMPARE(w->model()->spec().loss.type, std::string("cross_entropy"));
    w->session()->step(600);
    QVERIFY(waitFor([&] { return step(w.get()) == 600 && w->view<ConfusionView>()->total() > 0; }, 60000));
    // Every view follows the new data: XOR's classes on the matrix, no stale sine fit.
    QStringList xorClasses;
    for (const std::string& n : w->snapshot()->data->test.classNames) xorClasses << QString::fromStdString(n);
    QCOMPARE(w->view<ConfusionView>()->classLabels(), xorClasses);
    QCOMPARE(w->view<FitView>()->fitPoints(), 0);
    screenshot(w.get(), "11-all-views");

    // A view closed while training moves on catches up when opened again, training paused.
    auto* lossDock = w->findChild<QDockWidget*>("lossDock");
    QVERIFY(lossDock);
    lossDock->hide();
    const int points = w->view<LossView>()->pointCount();
    w->session()->step(400);
    QVERIFY(waitFor([&] { return step(w.get()) == 1000 && !w->snapshot()->running; }));
    QTest::qWait(100);
    QCOMPARE(w->view<LossView>()->pointCount(), points);  // hidden: not drawn
    lossDock->show();
    QVERIFY(waitFor([&] { return w->view<LossView>()->pointCount() > points; }, 2000));
    QVERIFY(w->view<LossView>()->exportTo(tmp_.filePath("loss.png")));
    QVERIFY(w->view<LossView>()->exportTo(tmp_.filePath("loss.pdf")));
    QVERIFY(w->view<ConfusionView>()->exportTo(tmp_.filePath("confusion.pdf")));
    QVERIFY(QFileInfo(tmp_.filePath("loss.pdf")).size() > 500);
    QVERIFY(QFileInfo(tmp_.filePath("confusion.pdf")).size() > 500);
    QString error;
    QVERIFY(!w->view<LossView>()->exportTo(tmp_.filePath("loss.bmpx"), &error));
    QVERIFY(error.contains(".png"));
  }

  // Gradient flow (curriculum topic 10): a deep sigmoid network, stepped once at a time; the
  // Gradients view shows one bar per layer, the first layer's orders of magnitude below the last.
  void gradientFlow() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    QDockWidget* dock = showDock(w.get(), "gradientDock");
    QVERIFY(dock);
    QVERIFY(waitFor([&] { return w->view<GradientView>()->isVisible(); }));
    QVERIFY(w->importNetworkFrom(test::sourcePath("examples/deep-sigmoid.net.json")));
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->step == 0; }));
    QCOMPARE(w->view<GradientView>()->layerCount(), 0);  // no step yet
    w->canvas()->setFocus();
    for (int i = 1; i <= 3; ++i) {
      QTest::keyClick(w->canvas(), Qt::Key_S);
      QVERIFY(waitFor([&] { return step(w.get()) == i; }));
    }
    QVERIFY(waitFor([&] { return w->view<GradientView>()->historyPoints() == 3; }, 5000));
    QCOMPARE(w->view<GradientView>()->layerCount(), 7);
    const QVector<double> bars = w->view<GradientView>()->barValues();
    QVERIFY2(bars.back() > 1000 * bars.front(),
             qPrintable(QString("first layer %1, last %2").arg(bars.front()).arg(bars.back())));
    // The canvas shows the same: edges out of the last layers strong, out of the first faint.
    const double early = w->canvas()->edgeItem({"h1", "h2"})->flow();
    const double late = w->canvas()->edgeItem({"h6", "out"})->flow();
    QVERIFY2(early >= 0 && late > early, qPrintable(QString("h1→h2 %1, h6→out %2").arg(early).arg(late)));
    // Why: the inspector plots the selected block's f and f′ — the sigmoid's slope is at
    // most 1/4, the factor each layer multiplies the gradient passing back by.
    w->canvas()->selectBlocks({"h3"});
    ActivationPlot* act = w->inspector()->activationPlot();
    QVERIFY(waitFor([&] { return act->isVisible() && act->activation() == "sigmoid"; }));
    QCOMPARE(act->valueAt(0), 0.5);
    QCOMPARE(act->slopeAt(0), 0.25);
    QVERIFY(act->slopeAt(2) < 0.25 && act->slopeAt(-2) < 0.25);
    screenshot(w.get(), "15-gradient-flow-sigmoid");
    w->canvas()->selectBlocks({"x"});
    QVERIFY(waitFor([&] { return !act->isVisible(); }));
    QVERIFY(w->view<GradientView>()->exportTo(tmp_.filePath("gradients.pdf")));
    QVERIFY(QFileInfo(tmp_.filePath("gradients.pdf")).size() > 500);
    // Reset: the history starts again, and the view says to step.
    QTest::keyClick(w->canvas(), Qt::Key_R);
    QVERIFY(waitFor([&] { return step(w.get()) == 0 && w->view<GradientView>()->layerCount() == 0; }));
  }

  // The loss landscape around the weights with their path (curriculum topics 7 and 8): it
  // grows step by step; the optimizer race draws every optimizer's path from here.
  void landscape() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    QDockWidget* dock = showDock(w.get(), "landscapeDock");
    QVERIFY(dock);
    w->canvas()->setFocus();
    QTest::keyClick(w->canvas(), Qt::Key_S);
    // Paused, the surface is refined 13 -> 25 -> 51 as far as one measurement stays within
    // kLandscapePausedBudget (the worker answers nothing meanwhile): the sanitizer builds, 5-60
    // times slower, stop at a coarser grid by that design.
    QVERIFY(waitFor([&] {
      const auto* p = w->snapshot()->probe<LandscapeProbe>();
      return p && p->why.empty() && p->loss.w > 0 && !p->refining() &&
             w->view<LandscapeView>()->surfaceCells() == p->loss.w * p->loss.h;
    }));
#if !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
    QCOMPARE(w->view<LandscapeView>()->surfaceCells(), 51 * 51);
#endif
    QCOMPARE(w->view<LandscapeView>()->pathPoints(), 2);  // the start and now
    for (int i = 0; i < 5; ++i) {
      QTest::keyClick(w->canvas(), Qt::Key_S);
      QVERIFY(waitFor([&] { return w->view<LandscapeView>()->pathPoints() == i + 3; }));
    }
    w->session()->step(300);
    QVERIFY(waitFor([&] { return step(w.get()) == 306 && !w->snapshot()->running &&
                                 w->snapshot()->probe<LandscapeProbe>() &&
                                 w->snapshot()->probe<LandscapeProbe>()->step == 306; }, 30000));
    QVERIFY(waitFor([&] { return w->view<LandscapeView>()->pathPoints() > 7; }));
    const auto p = w->snapshot()->shared<LandscapeProbe>();
    QVERIFY(p->lossHere < p->loss.values[0] || p->lossHere < p->loss.values.back());
    screenshot(w.get(), "19-landscape");
    QVERIFY(w->view<LandscapeView>()->exportTo(tmp_.filePath("landscape.png")));
    // Race optimizers: every optimizer's path from here; the next step brings the path back.
    QAction* race = nullptr;
    for (QAction* a : w->view<LandscapeView>()->findChildren<QAction*>())
      if (a->text() == "Race optimizers") race = a;
    QVERIFY(race);
    race->trigger();
    QVERIFY(waitFor([&] { return w->view<LandscapeView>()->raceRunners() == 7; }, 30000));
    screenshot(w.get(), "20-optimizer-race");
    QTest::keyClick(w->canvas(), Qt::Key_S);
    QVERIFY(waitFor([&] { return w->view<LandscapeView>()->raceRunners() == 0 &&
                                 w->view<LandscapeView>()->pathPoints() > 7; }));
    // Reset: the path starts again.
    QTest::keyClick(w->canvas(), Qt::Key_R);
    QVERIFY(waitFor([&] { return step(w.get()) == 0 && w->view<LandscapeView>()->pathPoints() == 0; }));
  }

  // Inside a block: a CNN's feature maps and filters for one image, an LSTM's gates along a
  // sequence, a dropout mask from the last training batch. The block follows the canvas.
  void insideBlocks() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    QDockWidget* dock = showDock(w.get(), "insideDock");
    QVERIFY(dock);
    PictureGrid* grid = w->view<InsideView>()->pictures();
    auto titles = [&] {
      QStringList t;
      for (int i = 0; i < grid->sections(); ++i) t << grid->sectionTitle(i);
      return t;
    };
    auto sectionStarting = [&](const QString& start) {
      for (int i = 0; i < grid->sections(); ++i)
        if (grid->sectionTitle(i).startsWith(start)) return i;
      return -1;
    };

    QVERIFY(w->importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 300;
    w->datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->data->train.xShape == (Shape{1, 28, 28}); }, 60000));
    dock->raise();  // loading data raised the view that fits it (the confusion matrix)
    w->canvas()->selectBlocks({"c1"});
    QCOMPARE(w->view<InsideView>()->block(), QString("c1"));
    w->view<InsideView>()->setSample(7);
    w->session()->step(20);
    QVERIFY(waitFor([&] { return step(w.get()) == 20 && w->snapshot()->probe<InsideProbe>() &&
                                 w->snapshot()->probe<InsideProbe>()->sample == 7 && grid->sections() >= 4; }, 30000));
    QVERIFY2(sectionStarting("input") == 0 && grid->tiles(0) == 1, qPrintable(titles().join("\n")));
    QCOMPARE(grid->tiles(sectionStarting("output")), 8);  // 8 feature maps
    QCOMPARE(grid->tiles(sectionStarting("filters")), 8);  // 8 filters of 1 × 5 × 5
    QVERIFY(w->snapshot()->probe<InsideProbe>()->truth >= 0);
    screenshot(w.get(), "16-inside-cnn");

    // The LSTM on the long-lag task: its four gates, cell and hidden state over time.
    QVERIFY(w->importNetworkFrom(test::sourcePath("examples/long-lag-lstm.net.json")));
    DataSource lag;
    lag.builtin = "long-lag";
    w->datasetPanel()->load(lag);
    QVERIFY(waitFor([&] { return ready(w.get()) && w->snapshot()->data->train.xShape.size() == 2; }, 30000));
    dock->raise();
    w->canvas()->selectBlocks({"lstm"});
    QCOMPARE(w->view<InsideView>()->block(), QString("lstm"));
    const int64_t s0 = step(w.get());
    w->session()->step(5);
    QVERIFY(waitFor([&] { return step(w.get()) == s0 + 5 && w->snapshot()->probe<InsideProbe>() &&
                                 w->snapshot()->probe<InsideProbe>()->block == "lstm"; }, 30000));
    QVERIFY(waitFor([&] { return sectionStarting("forget gate f") > 0; }));
    for (const char* s : {"input gate i", "candidate g", "output gate o", "cell state c", "hidden state h"})
      QVERIFY2(sectionStarting(s) > 0, s);
    screenshot(w.get(), "17-inside-lstm");

    // Dropout: the mask exists only while training; it comes from the last training batch.
    DataSource spiral;
    w->datasetPanel()->load(spiral);
    QVERIFY(waitFor([&] { return w->snapshot()->data->train.xShape == Shape{2}; }, 30000));
    QVERIFY(w->importNetworkFrom(test::sourcePath("examples/spiral-dropout.net.json")));
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    dock->raise();
    w->canvas()->selectBlocks({"drop"});
    const int64_t s1 = step(w.get());
    w->session()->step(3);
    QVERIFY(waitFor([&] { return step(w.get()) == s1 + 3 && sectionStarting("dropout mask") > 0; }, 30000));
    QVERIFY(grid->sectionTitle(sectionStarting("dropout mask")).contains("last training batch"));
    screenshot(w.get(), "18-inside-dropout");
  }

  // Images: the small CNN on Fashion-MNIST trains in the window; the confusion matrix counts
  // every test image and the misclassified ones are shown as pictures.
  void imageClassifier() {
    auto w = makeWindow();
    QVERIFY(waitFor([&] { return ready(w.get()); }));
    // File › Import Network: a malformed file is refused with a message, nothing changes.
    const std::string spiral = json(w->model()->spec());
    QFile bad(tmp_.filePath("bad.net.json"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"format\": \"gradlab.network/1\", \"blocks\": [");
    bad.close();
    QVERIFY(!w->importNetworkFrom(bad.fileName()));
    QVERIFY2(w->message().contains("bad.net.json"), qPrintable(w->message()));
    QCOMPARE(json(w->model()->spec()), spiral);
    // The CNN's file, hand-written for gradlab-cli, has no canvas positions: it is laid out
    // left to right, no two cards on each other; one Undo brings the spiral network back.
    QVERIFY(w->importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    const QPointF c1 = w->canvas()->blockItem("c1")->pos(), p1 = w->canvas()->blockItem("p1")->pos();
    QVERIFY2(p1.x() > c1.x(), qPrintable(QString("c1 at x %1, p1 at x %2").arg(c1.x()).arg(p1.x())));
    const std::string cnn = json(w->model()->spec());
    w->undoAction()->trigger();
    QCOMPARE(json(w->model()->spec()), spiral);
    w->redoAction()->trigger();
    QCOMPARE(json(w->model()->spec()), cnn);
    // Export Network writes a file gradlab-cli reads: the same network, positions kept.
    QVERIFY(w->exportNetworkTo(tmp_.filePath("cnn.net.json")));
    const NetworkSpec exported = loadNetwork(tmp_.filePath("cnn.net.json").toStdString());
    QCOMPARE(json(exported), cnn);
    QVERIFY(NetworkModel::placed(exported));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 5000;  // Samples: the first 5000 training and test images (0 = all)
    w->datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      return ready(w.get()) && w->snapshot()->data->train.xShape == (Shape{1, 28, 28});
    }, 60000));
    QCOMPARE(w->snapshot()->data->train.size(), int64_t(5000));
    QCOMPARE(w->snapshot()->data->test.size(), int64_t(5000));
    QVERIFY2(w->model()->analysis().ok(), describe(w->model()->analysis().problems).c_str());
    // The CNN's recipe: Adam at 0.001 (the spiral's 0.03 is too large for it), typed in.
    QComboBox* lr = w->controls()->learningRate();
    lr->lineEdit()->selectAll();
    QTest::keyClicks(lr->lineEdit(), "0.001");
    QTest::keyClick(lr->lineEdit(), Qt::Key_Return);
    QVERIFY(waitFor([&] { return w->snapshot()->config.lr && *w->snapshot()->config.lr == 0.001; }));
    w->session()->step(400);
    QVERIFY(waitFor([&] { return step(w.get()) == 400 && !w->snapshot()->running; }, 120000));
    QVERIFY(waitFor([&] { return w->view<ConfusionView>()->total() == 5000; }, 60000));
    // While training the curve measures the first 2000 images of each set; paused, all of them.
    QVERIFY(waitFor([&] { return !w->snapshot()->metrics.back().sampled; }, 30000));
    const auto snap = w->snapshot();
    const auto& m = snap->metrics;
    QVERIFY(m.size() >= 2);
    qInfo("Fashion-MNIST CNN in the window: test accuracy %.3f after 400 steps of 10", m.back().testAcc);
    QVERIFY2(m.back().testAcc > 0.6, qPrintable(QString("test accuracy %1 after 400 steps").arg(m.back().testAcc)));
    QVERIFY(w->view<ConfusionView>()->misses() > 0);
    QCOMPARE(w->view<ConfusionView>()->classLabels().size(), 10);
    QCOMPARE(w->view<ConfusionView>()->classLabels().front(), QString("0  T-shirt/top"));
    screenshot(w.get(), "14-fashion-mnist-cnn");
  }
};

QTEST_MAIN(TestLabWindow)
#include "tst_lab_window.moc"
