// Random labels and early stopping in the window: the controls set them (and a project keeps
// them), training on the default spiral with random labels stops early with the message, the
// loss view's line marks the best step, and the network holds that step's weights.
#include <QCheckBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/controls_panel.h"
#include "views/loss_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestEarlyStoppingWindow : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void stopsEarlyAndMarksTheBestStep() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    auto* loss = w.view<LossView>();
    QVERIFY(loss);
    QCOMPARE(loss->markedBestStep(), int64_t(-1));

    // Through the controls, as a user sets them.
    w.controls()->randomLabels()->click();
    w.controls()->earlyStopping()->setValue(3);
    QVERIFY(w.session()->sync());
    QVERIFY(w.session()->snapshot()->config.randomLabels);
    QCOMPARE(w.session()->snapshot()->config.earlyStopping, int64_t(3));
    QVERIFY(w.currentProject().training.randomLabels);
    QCOMPARE(w.currentProject().training.earlyStopping, int64_t(3));

    w.controls()->setSpeed(2000);
    w.playAction()->trigger();
    QVERIFY(waitFor([&] { return w.snapshot()->stoppedEarly && !w.snapshot()->running; }, 60000));
    const auto snap = w.snapshot();
    qInfo("%s", snap->message.c_str());
    QVERIFY2(w.message().contains("stopped early at step"), qPrintable(w.message()));
    QVERIFY(snap->bestStep >= 0 && snap->bestStep < snap->step);
    QVERIFY(waitFor([&] { return loss->markedBestStep() == snap->bestStep; }, 5000));
    screenshot(&w, "early-stopping");

    // Off again: no mark.
    w.controls()->earlyStopping()->setValue(0);
    w.session()->reset();
    QVERIFY(waitFor([&] { return loss->markedBestStep() == -1; }, 5000));
  }
};

QTEST_MAIN(TestEarlyStoppingWindow)
#include "tst_early_stopping_window.moc"
