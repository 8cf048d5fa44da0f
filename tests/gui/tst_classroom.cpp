// Classroom mode as a lecturer uses it: View › Present hides the editing chrome, scales fonts
// and lines for the projector, switches to the colour-blind-safe palette and shows two views
// large with a big step counter; Space, S, the digits and the arrows drive it from the keyboard
// wherever the focus is; Esc gives back the window exactly as it was.
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QMenuBar>
#include <QStatusBar>
#include <QToolBar>
#include <qcustomplot.h>

#include "gui_helpers.h"
#include "panels/controls_panel.h"
#include "panels/data_preview.h"
#include "panels/dataset_panel.h"
#include "panels/problems_panel.h"
#include "editor/inspector.h"
#include "lesson/lesson_dock.h"
#include "lesson/lesson_player.h"
#include "present/present_bar.h"
#include "present/present_mode.h"
#include "theme.h"
#include "views/boundary_view.h"
#include "views/fit_view.h"
#include "views/gradient_view.h"
#include "views/loss_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
std::map<QString, bool> dockVisibility(MainWindow& w) {
  std::map<QString, bool> out;
  for (QDockWidget* d : w.findChildren<QDockWidget*>()) out[d->objectName()] = d->isVisible();
  return out;
}

// What the user sees of the layout: each visible dock's and toolbar's place and size, the
// canvas's and the status bar's.
QStringList layout(MainWindow& w) {
  QStringList out;
  auto place = [](QWidget* x) {
    const QRect r(x->mapTo(x->window(), QPoint(0, 0)), x->size());
    return QString("%1 %2,%3 %4x%5").arg(x->objectName()).arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
  };
  for (QDockWidget* d : w.findChildren<QDockWidget*>())  // (a tab behind another is parked off-screen)
    if (d->isVisible() && !d->visibleRegion().isEmpty()) out << place(d);
  for (QToolBar* b : w.findChildren<QToolBar*>())
    if (b->isVisible() && b->parentWidget() == &w) out << place(b);
  out << place(w.centralWidget()) << place(w.statusBar());
  out.sort();
  return out;
}
}  // namespace

class TestClassroom : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void presentDriveAndLeave() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    w.controls()->setSpeed(0);  // flat out, as a lab left running
    QTest::qWait(50);

    const auto layoutBefore = layout(w);
    const auto docksBefore = dockVisibility(w);
    const double fontBefore = w.font().pointSizeF();
    QCustomPlot* lossPlot = w.view<LossView>()->plot();
    const double tickBefore = lossPlot->xAxis->tickLabelFont().pointSizeF();
    QVERIFY(w.palette()->isVisible() && w.inspector()->isVisible() && w.canvas()->isVisible());

    PresentMode* p = w.present();
    QVERIFY(p->scale() >= 1.5);
    p->toggleAction()->trigger();  // View › Present
    QVERIFY(p->active());
    QTest::qWait(50);

    // Editing chrome hidden, the training toolbar too; the present bar shows.
    QVERIFY(!w.palette()->isVisible());
    QVERIFY(!w.inspector()->isVisible());
    QVERIFY(!w.problems()->isVisible());
    QVERIFY(!w.datasetPanel()->isVisible());
    QVERIFY(!w.canvas()->isVisible());
    QVERIFY(!w.findChild<QToolBar*>("trainingBar")->isVisible());
    QVERIFY(p->bar()->isVisible());

    // Fonts, plot labels and lines scaled at least 1.5×; the Okabe–Ito palette.
    qInfo("window font %.1f -> %.1f pt, loss tick labels %.1f -> %.1f pt", fontBefore,
          w.font().pointSizeF(), tickBefore, lossPlot->xAxis->tickLabelFont().pointSizeF());
    QVERIFY(w.font().pointSizeF() >= 1.5 * fontBefore - 1e-9);
    QVERIFY(lossPlot->xAxis->tickLabelFont().pointSizeF() >= 1.5 * tickBefore - 1e-9);
    QVERIFY(theme().presenting());
    QCPGraph* trainLoss = lossPlot->graph(0);
    QCOMPARE(trainLoss->pen().color(), QColor("#0072B2"));
    QVERIFY(trainLoss->pen().widthF() >= 3.0);
    QCOMPARE(DataPreview::classColor(0, 2), QColor("#D55E00"));
    QCPGraph* fit = w.view<FitView>()->plot()->graph(3);  // the network's curve
    QCOMPARE(fit->pen().color(), QColor("#000000"));
    QVERIFY(fit->pen().widthF() >= 1.5 * 2.5);

    // Two views large: the boundary (in front for the spiral) and the loss.
    auto shown = p->shownViews();
    QCOMPARE(shown.size(), size_t(2));
    QCOMPARE(shown[0], static_cast<View*>(w.view<BoundaryView>()));
    QCOMPARE(shown[1], static_cast<View*>(w.view<LossView>()));
    QVERIFY(waitFor([&] { return w.view<BoundaryView>()->onScreen() && w.view<LossView>()->onScreen(); }));
    const int bigWidth = w.views()->dockOf(w.view<BoundaryView>())->width();
    QVERIFY2(bigWidth > 600, qPrintable(QString("boundary dock %1 px wide").arg(bigWidth)));

    // A pace a hall can follow (the window was flat out).
    const double hall = w.controls()->speed();
    QVERIFY(hall > 0 && hall <= 1.2 * PresentMode::kDefaultHallSpeed);

    // Keys work wherever the focus is — on a button Space would click it otherwise.
    w.activateWindow();
    QWidget* target = QApplication::focusWidget() ? QApplication::focusWidget() : &w;
    const int64_t before = w.snapshot()->step;
    QTest::keyClick(target, Qt::Key_S);
    QVERIFY(waitFor([&] { return w.snapshot()->step == before + 1 && !w.snapshot()->running; }));
    QTest::keyClick(target, Qt::Key_Space);
    QVERIFY(waitFor([&] { return w.snapshot()->running; }));
    QVERIFY(waitFor([&] { return w.snapshot()->step > before + 30; }));
    QTest::keyClick(target, Qt::Key_Space);
    QVERIFY(waitFor([&] { return !w.snapshot()->running; }));
    QTest::qWait(150);
    QVERIFY(p->bar()->counterText().contains(QString("Step %L1").arg(w.snapshot()->step)));

    // Digits switch the large view; the one shown before goes beside it.
    QTest::keyClick(target, Qt::Key_4);  // the 4th view: gradients
    shown = p->shownViews();
    QCOMPARE(shown.size(), size_t(2));
    QCOMPARE(shown[0], static_cast<View*>(w.view<GradientView>()));
    QCOMPARE(shown[1], static_cast<View*>(w.view<BoundaryView>()));
    QVERIFY(waitFor([&] { return w.view<GradientView>()->onScreen(); }));
    QVERIFY(!w.view<LossView>()->isVisible());
    QTest::keyClick(target, Qt::Key_1);
    QTest::keyClick(target, Qt::Key_8, Qt::ShiftModifier);  // as AZERTY types 8: loss large
    shown = p->shownViews();
    QCOMPARE(shown[0], static_cast<View*>(w.view<LossView>()));
    QCOMPARE(shown[1], static_cast<View*>(w.view<BoundaryView>()));
    // V steps through every view, past the nine the digits reach, round to the first; Shift+V
    // goes back.
    const auto& all = w.views()->views();
    for (size_t k = 8; k < all.size(); ++k) {  // from the 8th (loss) to the last
      QTest::keyClick(target, Qt::Key_V);
      QCOMPARE(p->shownViews().at(0), all[k]);
    }
    QVERIFY(all.size() >= 15);
    QTest::keyClick(target, Qt::Key_V);
    QCOMPARE(p->shownViews().at(0), all[0]);
    QTest::keyClick(target, Qt::Key_V, Qt::ShiftModifier);
    QCOMPARE(p->shownViews().at(0), all.back());
    QCOMPARE(p->shownViews().at(1), all[0]);
    QVERIFY(waitFor([&] { return all.back()->onScreen(); }));
    QTest::keyClick(target, Qt::Key_1);  // as before: loss large, the boundary beside it
    QTest::keyClick(target, Qt::Key_8);

    // The arrows step through the lesson (the player's back/next).
    int backs = 0, nexts = 0;
    p->lessonBack = [&] { ++backs; };
    p->lessonNext = [&] { ++nexts; };
    QTest::keyClick(target, Qt::Key_Right);
    QTest::keyClick(target, Qt::Key_Right);
    QTest::keyClick(target, Qt::Key_Left);
    QCOMPARE(nexts, 2);
    QCOMPARE(backs, 1);

    // The scale is a setting: + makes everything larger.
    const double scale = p->scale();
    const double font = w.font().pointSizeF();
    QTest::keyClick(target, Qt::Key_Plus);
    QCOMPARE(p->scale(), std::min(PresentMode::kMaxScale, scale + 0.25));
    QVERIFY(w.font().pointSizeF() > font);
    QTest::keyClick(target, Qt::Key_Minus);
    QCOMPARE(p->scale(), scale);

    w.session()->step(300);
    QVERIFY(waitFor([&] { return w.snapshot()->step >= before + 300 && !w.snapshot()->running; }));
    QTest::qWait(300);
    screenshot(&w, "22-classroom-mode");

    // Esc: the window exactly as it was.
    QTest::keyClick(target, Qt::Key_Escape);
    QVERIFY(waitFor([&] { return !p->active(); }));
    QTest::qWait(50);
    QVERIFY(!p->toggleAction()->isChecked());
    QVERIFY(!theme().presenting());
    QCOMPARE(w.font().pointSizeF(), fontBefore);
    QCOMPARE(lossPlot->xAxis->tickLabelFont().pointSizeF(), tickBefore);
    QVERIFY(w.palette()->isVisible() && w.inspector()->isVisible() && w.canvas()->isVisible());
    QVERIFY(w.findChild<QToolBar*>("trainingBar")->isVisible());
    QVERIFY(!p->bar()->isVisible());
    QCOMPARE(dockVisibility(w), docksBefore);
    // Every dock, toolbar and the canvas where it was, at the same size. (saveState's bytes
    // may differ in the hidden lesson dock's width: laid out for the first time while
    // presenting, it asks for its content's width, which it had not measured before.)
    waitFor([&] { return layout(w) == layoutBefore; }, 3000);
    QCOMPARE(layout(w), layoutBefore);
    QCOMPARE(w.controls()->speed(), 0.0);  // flat out again
    QCOMPARE(trainLoss->pen().color(), QColor("#0877bd"));
    QCOMPARE(fit->pen().color(), QColor("#d62728"));
    QCOMPARE(fit->pen().widthF(), 2.5);
    screenshot(&w, "22-classroom-mode-left");

    // Keys are the lab's again: 4 does not switch views.
    QTest::keyClick(target, Qt::Key_4);
    QVERIFY(p->shownViews().empty());
  }

  // `gradlab --lesson 04-xor --present`: the lesson opened, then classroom mode — the lesson's
  // text beside the two views, in the projector's font; → and ← step through the lesson.
  void lessonInClassroom() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery2"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.openLesson("04-xor"));  // as main.cpp does for --lesson, before --present
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QDockWidget* lessonDock = w.lessons()->dock();
    LessonPlayer* player = w.lessons()->player();
    const double textBefore = player->findChild<QWidget*>("lessonText")->font().pointSizeF();
    w.present()->setActive(true);
    QTest::qWait(100);
    QVERIFY(lessonDock->isVisible());
    QVERIFY2(lessonDock->width() >= 320, qPrintable(QString::number(lessonDock->width())));
    const double text = player->findChild<QWidget*>("lessonText")->font().pointSizeF();
    qInfo("lesson text %.1f -> %.1f pt; lesson dock %d px, views %d + %d px", textBefore, text,
          lessonDock->width(), w.views()->dockOf(w.present()->shownViews()[0])->width(),
          w.views()->dockOf(w.present()->shownViews()[1])->width());
    QVERIFY(text >= 1.5 * textBefore - 1e-9);
    QCOMPARE(player->stepIndex(), 0);
    QTest::keyClick(&w, Qt::Key_Right);
    QVERIFY(waitFor([&] { return player->stepIndex() == 1; }));
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QTest::qWait(300);
    screenshot(&w, "25-lesson-04-xor-presenting");
    QTest::keyClick(&w, Qt::Key_Left);
    QVERIFY(waitFor([&] { return player->stepIndex() == 0; }));
    w.present()->setActive(false);
    QCOMPARE(player->findChild<QWidget*>("lessonText")->font().pointSizeF(), textBefore);
  }
};

QTEST_MAIN(TestClassroom)
#include "tst_classroom.moc"
