// The compare view as Training › Compare… starts it: the learning rate of the default spiral
// network at two values; both variants train side by side on their own thread, both loss curves
// are drawn (each labelled, in its own colour), each variant's boundary and gradient bars appear
// under its name, and the lesson metrics read each variant's numbers. The dialog refuses values
// that do not fit, saying why.
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTimer>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include "gui_helpers.h"
#include "support/cli_runner.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "present/present_mode.h"
#include "views/compare_dialog.h"
#include "views/compare_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestCompareView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void dialogSaysWhatIsWrong() {
    NetworkSpec spec = loadNetwork(test::sourcePath("examples/spiral.net.json").toStdString());
    TrainConfig cfg;
    cfg.lr = 0.03;
    CompareDialog d(spec, cfg);
    d.choose(CompareDialog::Vary::LearningRate, "0.003, 0.03");
    QVERIFY2(d.error().isEmpty(), qPrintable(d.error()));
    auto v = d.variants();
    QCOMPARE(v.size(), size_t(2));
    QCOMPARE(v[0].name, std::string("lr 0.003"));
    QCOMPARE(*v[1].config.lr, 0.03);
    d.choose(CompareDialog::Vary::LearningRate, "0.01");
    QVERIFY(d.error().contains("2 to 4"));
    QVERIFY(d.variants().empty());
    d.choose(CompareDialog::Vary::LearningRate, "0.01, fast");
    QVERIFY(d.error().contains("fast"));
    d.choose(CompareDialog::Vary::Optimizer, "sgd, adamw");
    QVERIFY2(d.error().contains("adamw"), qPrintable(d.error()));
    d.choose(CompareDialog::Vary::Parameter, "tanh, relu", "h1.activation");
    QVERIFY2(d.error().isEmpty(), qPrintable(d.error()));
    v = d.variants();
    QCOMPARE(v[1].spec.blocks[1].params["activation"], nlohmann::json("relu"));
    QCOMPARE(v[1].name, std::string("h1 activation relu"));
    d.choose(CompareDialog::Vary::Parameter, "tanh, banana", "h1.activation");
    QVERIFY2(d.error().contains("banana") && d.error().contains("relu"), qPrintable(d.error()));
  }

  void twoLearningRatesSideBySide() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    // Training › Compare…: the dialog offers the learning rate around the current one; its
    // Compare button starts the comparison in the view.
    QAction* menuEntry = w.findChild<QAction*>("compare");
    QVERIFY(menuEntry);
    QString offered;
    QTimer::singleShot(200, [&] {
      auto* d = qobject_cast<CompareDialog*>(QApplication::activeModalWidget());
      if (!d) return;
      offered = d->findChild<QLineEdit*>("values")->text();
      d->choose(CompareDialog::Vary::LearningRate, "0.003, 0.03");
      d->findChild<QSpinBox*>("steps")->setValue(100);
      d->accept();
    });
    menuEntry->trigger();
    qInfo() << "offered:" << offered;
    QVERIFY2(offered.count(',') == 2, qPrintable(offered));  // lr/10, lr, lr*10
    QVERIFY(waitFor([&] { return w.view<CompareView>()->comparison()->finished; }, 60000));
    QCOMPARE(w.view<CompareView>()->comparison()->runs.size(), size_t(2));
    QCOMPARE(w.view<CompareView>()->comparison()->step, int64_t(100));
    QCOMPARE(w.view<CompareView>()->comparison()->runs[1].name, std::string("lr 0.03"));

    auto* view = w.view<CompareView>();
    QVERIFY(view);
    w.views()->dockOf(view)->show();
    w.views()->dockOf(view)->raise();
    TrainConfig adam;
    adam.optimizer = "adam";
    const auto variants = CompareDialog::makeVariants(w.model()->spec(), adam, "lr", "0.001, 0.02");
    view->start(variants, w.datasetPanel()->data(), {.steps = 1500});
    QVERIFY(waitFor([&] { return view->comparison()->finished; }, 120000));
    auto s = view->comparison();
    QVERIFY2(s->error.empty(), s->error.c_str());
    QVERIFY(waitFor([&] { return view->drawnSerial() == int(s->serial); }));

    QCOMPARE(view->curveCount(), 4);  // test and train of each variant
    QVERIFY(view->pointCount(0) >= 100 && view->pointCount(1) >= 100);
    const QStringList labels = view->labels();
    qInfo() << labels;
    QVERIFY(labels.contains("lr 0.001 — test") && labels.contains("lr 0.02 — test"));
    QVERIFY(labels.filter("lr 0.001").size() >= 3 && labels.filter("lr 0.02").size() >= 3);  // + header
    // Each curve its own colour.
    QCustomPlot* plot = view->plot();
    QVERIFY(plot->graph(0)->pen().color() != plot->graph(2)->pen().color());

    const double slow = *view->metric(0, "test.accuracy"), fast = *view->metric(1, "test.accuracy");
    qInfo("spiral, 1500 steps: test accuracy %.3f at lr 0.001, %.3f at lr 0.02", slow, fast);
    QVERIFY(fast > slow);
    QVERIFY(!view->metric(2, "test.accuracy"));
    QCOMPARE(s->runs[0].boundary->output.w, 50);
    QVERIFY(s->runs[1].gradients && s->runs[1].gradients->layers.size() == 3);
    screenshot(&w, "23-compare-learning-rates");

    // The same in classroom mode (key 9 shows the comparison large).
    w.present()->setActive(true);
    QTest::keyClick(&w, Qt::Key_9);
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    QTest::qWait(200);
    screenshot(&w, "24-compare-presenting");
    w.present()->setActive(false);
  }
};

QTEST_MAIN(TestCompareView)
#include "tst_compare_view.moc"
