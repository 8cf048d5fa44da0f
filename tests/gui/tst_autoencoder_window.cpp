// An autoencoder in the window, as a student builds one: the network from examples/, Fashion-MNIST
// with "Reconstruct the inputs" ticked in the data panel; the Reconstruction view comes to the
// front and shows test images above their reconstructions, which improve as it trains.
#include <QCheckBox>
#include <QDockWidget>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/picture_grid.h"
#include "views/reconstruction_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestAutoencoderWindow : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void reconstructionsImprove() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/autoencoder.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 1000;
    fashion.reconstruct = true;
    w.datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data->train.yShape == (Shape{1, 28, 28});
    }, 60000));
    QVERIFY(w.datasetPanel()->findChild<QCheckBox*>("reconstruct")->isChecked());
    auto* view = w.view<ReconstructionView>();
    QVERIFY2(view->onScreen(), "the view that suits reconstructed images comes to the front");

    w.session()->step(1);
    auto errorAt = [&](int64_t step) {
      double mean = -1;
      [&] {
        QVERIFY(waitFor([&] {
          auto r = w.snapshot()->probe<ReconstructionProbe>();
          return w.snapshot()->step == step && !w.snapshot()->running && r &&
                 view->pictures()->sections() == 2;
        }, 60000));
        auto r = w.snapshot()->probe<ReconstructionProbe>();
        QCOMPARE(r->errors.size(), size_t(8));
        mean = 0;
        for (double e : r->errors) mean += e / 8;
      }();
      return mean;
    };
    const double first = errorAt(1);
    QCOMPARE(view->pictures()->tiles(0), 8);  // eight test images above …
    QCOMPARE(view->pictures()->tiles(1), 8);  // … and their eight reconstructions
    w.session()->step(300);
    const double later = errorAt(301);
    qInfo("reconstruction error of 8 test images: %.4f after 1 step, %.4f after 301", first, later);
    QVERIFY(later < first * 0.8);
    screenshot(&w, "21-autoencoder-reconstructions");
  }
};

QTEST_MAIN(TestAutoencoderWindow)
#include "tst_autoencoder_window.moc"
