// Feature visualisation in the window (issue 11, topic 21): the Fashion-MNIST CNN trains a
// little; Visualize grows the input a class likes most from noise on a job thread (from a copy
// of the weights) — its score rises; "All classes" makes a grid of ten; a filter of c1 works the
// same; Cancel stops a long run and keeps the pictures shown.
#include <QDockWidget>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/visualize_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestVisualizeView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void classesAndFilters() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 600;
    w.datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data && s->data->train.xShape == (Shape{1, 28, 28});
    }, 60000));
    w.session()->step(150);
    QVERIFY(waitFor([&] { return w.snapshot()->step == 150; }, 120000));
    auto* dock = w.findChild<QDockWidget*>("visualizeDock");
    QVERIFY(dock);
    dock->show();
    dock->raise();
    auto* view = w.view<VisualizeView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    dock->setFloating(true);  // large, for the screenshots
    dock->resize(1150, 640);
    QSignalSpy done(view, &VisualizeView::finished);

    // One class: Trouser (1).
    view->setTarget(QString(), 1);
    view->setSteps(150);
    QVERIFY(view->visualize());
    QVERIFY(view->busy());
    QVERIFY(waitFor([&] { return done.count() == 1; }, 60000));
    QVERIFY(!view->busy());
    QCOMPARE(view->canvas()->tiles().size(), size_t(1));
    const VisualTile& t = view->canvas()->tiles().front();
    QCOMPARE(t.title, QString("Trouser"));
    QCOMPARE(t.picture.shape, (Shape{1, 28, 28}));
    qInfo("Trouser's score: %.3f from noise, %.3f after 150 steps", t.picture.startScore, t.picture.score);
    QVERIFY(t.picture.score > t.picture.startScore + 1);
    for (float v : t.picture.image) QVERIFY(v >= 0.0f && v <= 1.0f);

    // All classes: a grid of ten, every score raised.
    view->setTarget(QString(), 0, true);
    view->setSteps(100);
    QVERIFY(view->visualize());
    QVERIFY(waitFor([&] { return done.count() == 2; }, 90000));
    QCOMPARE(view->canvas()->tiles().size(), size_t(10));
    for (const VisualTile& c : view->canvas()->tiles())
      QVERIFY2(c.picture.score > c.picture.startScore, qPrintable(c.title + ": " + c.caption));
    QCOMPARE(view->canvas()->tiles()[9].title, QString("Ankle boot"));
    screenshot(dock, "35-visualize-all-classes");

    // A filter of the first convolution, then every channel of the second.
    view->setTarget("c1", 2);
    view->setSteps(100);
    QVERIFY(view->visualize());
    QVERIFY(waitFor([&] { return done.count() == 3; }, 60000));
    QCOMPARE(view->canvas()->tiles().size(), size_t(1));
    QCOMPARE(view->canvas()->tiles().front().title, QString("c1 channel 2"));
    QVERIFY(view->canvas()->tiles().front().picture.score > view->canvas()->tiles().front().picture.startScore);
    view->setTarget("c2", 0, true);
    QVERIFY(view->visualize());
    QVERIFY(waitFor([&] { return done.count() == 4; }, 60000));
    QCOMPARE(view->canvas()->tiles().size(), size_t(VisualizeView::kMaxChannels));
    QCOMPARE(view->canvas()->tiles()[5].title, QString("c2 channel 5"));
    int raised = 0;
    for (const VisualTile& c : view->canvas()->tiles()) raised += c.picture.score > c.picture.startScore;
    qInfo("c2: %d of 16 channels' mean activation raised from noise", raised);
    QVERIFY(raised >= 8);  // a dead ReLU channel stays at 0
    screenshot(dock, "36-visualize-filters");

    // Cancel: a long run stops; the picture shown stays, nothing more arrives.
    view->setTarget(QString(), 0, true);
    view->setSteps(2000);
    QVERIFY(view->visualize());
    QTest::qWait(300);
    view->cancel();
    QVERIFY(!view->busy());
    QTest::qWait(200);
    QCOMPARE(done.count(), 4);
    QCOMPARE(view->canvas()->tiles().front().title, QString("c2 channel 0"));
  }

  // Points are no images: Visualize says what it needs and starts nothing.
  void pointsAreNoImages() {
    MainWindow w(testOptions(tmp_.filePath("recovery-points")));
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    auto* dock = w.findChild<QDockWidget*>("visualizeDock");
    dock->show();
    dock->raise();
    auto* view = w.view<VisualizeView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    QVERIFY(!view->visualize());
    QVERIFY(!view->busy());
    bool said = false;
    for (QLabel* l : view->findChildren<QLabel*>())
      said = said || l->text().startsWith("Feature visualisation draws images");
    QVERIFY(said);
  }
};

QTEST_MAIN(TestVisualizeView)
#include "tst_visualize_view.moc"
