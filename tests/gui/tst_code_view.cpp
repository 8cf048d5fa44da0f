// The Code view of an autoencoder in the window: the linear autoencoder from examples/ (784 →
// 16 → 784) on 1000 Fashion-MNIST images with "Reconstruct the inputs" ticked. Each test image
// shows as a point (its 16-unit code projected on the code's top two principal components),
// coloured by the class the network never saw; the line under the plot gives the decoder's
// principal angles to the training data's PCA, which close as it trains. Then the code of
// another block, chosen in the toolbar, and the Reconstruction view from a chosen sample on.
#include <QComboBox>
#include <QDockWidget>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/code_view.h"
#include "views/picture_grid.h"
#include "views/reconstruction_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestCodeView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void codeAndAngles() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/linear-autoencoder.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 1000;
    fashion.reconstruct = true;
    w.datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data->train.yShape == (Shape{1, 28, 28});
    }, 60000));
    auto* dock = w.findChild<QDockWidget*>("codeDock");
    QVERIFY(dock);
    dock->show();
    dock->raise();
    auto* view = w.view<CodeView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));

    auto measuredAt = [&](int64_t step, const std::string& block) {
      std::shared_ptr<const CodeProbe> r;
      [&] {
        QVERIFY(waitFor([&] {
          auto s = w.snapshot();
          r = s->shared<CodeProbe>();
          return s->step == step && !s->running && r && r->block == block &&
                 view->pointsShown() == int(r->xs.size());
        }, 60000));
      }();
      return r;
    };
    w.session()->step(1);
    auto first = measuredAt(1, "code");
    QVERIFY(first);
    QCOMPARE(first->width, int64_t(16));
    QVERIFY(first->projected);
    QCOMPARE(first->xs.size(), size_t(1000));  // the 1000 test images
    QCOMPARE(first->classes, 10);               // coloured by the classes the data kept
    QCOMPARE(first->classNames.size(), size_t(10));
    QVERIFY(first->hasAngles);
    QCOMPARE(first->decoder.block, std::string("pixels"));
    QVERIFY2(view->anglesText().contains("mean cos²"), qPrintable(view->anglesText()));

    w.session()->step(600);
    auto later = measuredAt(601, "code");
    qInfo("decoder vs the top 16 principal components: mean cos² %.3f after 1 step, %.3f after "
          "601; the code's 2 components hold %.2f of its variance",
          first->decoder.meanCos2, later->decoder.meanCos2, later->explained);
    QVERIFY(later->decoder.meanCos2 > first->decoder.meanCos2 + 0.2);
    QCOMPARE(later->dataPca.get(), first->dataPca.get());  // the data's PCA computed once
    screenshot(&w, "37-code-window");
    dock->setFloating(true);
    dock->resize(900, 650);
    QTest::qWait(150);
    screenshot(dock, "37-code-linear-autoencoder");

    // Another block's output as the code: the 784 reconstructed pixels, projected.
    view->setBlock("pixels");
    auto pixels = measuredAt(601, "pixels");
    QCOMPARE(pixels->width, int64_t(784));
    QVERIFY(view->blocks()->currentText().startsWith("pixels"));
    dock->setFloating(false);

    // The Reconstruction view from test sample 40 on.
    auto* rdock = w.findChild<QDockWidget*>("reconstructionDock");
    QVERIFY(rdock);
    rdock->show();
    rdock->raise();
    auto* rview = w.view<ReconstructionView>();
    QVERIFY(waitFor([&] { return rview->onScreen(); }));
    QCOMPARE(rview->firstSample()->maximum(), 1000 - 8);
    rview->firstSample()->setValue(40);
    QVERIFY(waitFor([&] {
      auto r = w.snapshot()->shared<ReconstructionProbe>();
      return r && r->first == 40 && rview->pictures()->sections() == 2;
    }, 30000));
    auto r = w.snapshot()->shared<ReconstructionProbe>();
    const Dataset& test = w.snapshot()->data->test;
    for (int j = 0; j < 784; j += 97) QCOMPARE(r->inputs.values[size_t(j)], test.x[size_t(40 * 784 + j)]);
  }
};

QTEST_MAIN(TestCodeView)
#include "tst_code_view.moc"
