// A network file's own training settings (its "training" object) come with it into the window:
// importing examples/fashion-cnn.net.json sets Adam at 0.002 and batch 32 in the controls and
// the session (the spiral's 0.03 can leave the CNN at chance); keys the file does not give stay
// as they were; a file without settings changes none; a bad one is refused, nothing changed.
#include <QComboBox>
#include <QTemporaryDir>
#include <QTest>

#include "editor/network_model.h"
#include "gui_helpers.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestImportSettings : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  MainWindowOptions options() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    return o;
  }
  static TrainConfig applied(MainWindow& w) {
    [&] { QVERIFY(w.session()->sync()); }();
    return w.session()->snapshot()->config;
  }

 private slots:
  void networkFileSetsItsTraining() {
    MainWindow w(options());
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    const TrainConfig before = applied(w);
    QVERIFY(*before.lr != 0.002);

    // No "training" in the file: the settings stay.
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/xor-mlp.net.json")));
    QCOMPARE(*applied(w).lr, *before.lr);
    QCOMPARE(applied(w).batch, before.batch);

    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    const TrainConfig c = applied(w);
    QCOMPARE(c.optimizer, std::string("adam"));
    QCOMPARE(*c.lr, 0.002);
    QCOMPARE(c.batch, int64_t(32));
    QCOMPARE(c.seed, before.seed);  // not in the file: kept
    QCOMPARE(w.controls()->learningRate()->currentText(), QString("0.002"));

    // A bad "training" object: refused with the file named; network and settings unchanged.
    const QString bad = test::writeFile(
        tmp_.filePath("bad.net.json"),
        R"({"format": "gradlab.network/1",
            "blocks": [{"id": "x", "type": "Input", "shape": [2]},
                       {"id": "out", "type": "Dense", "units": 2}],
            "edges": [["x", "out"]], "loss": {"type": "cross_entropy", "block": "out"},
            "training": {"lr": 0}})");
    const auto blocks = w.model()->spec().blocks.size();
    QVERIFY(!w.importNetworkFrom(bad));
    QVERIFY2(w.message().contains("bad.net.json: training: \"lr\" is out of range"),
             qPrintable(w.message()));
    QCOMPARE(w.model()->spec().blocks.size(), blocks);
    QCOMPARE(*applied(w).lr, 0.002);
  }
};

QTEST_MAIN(TestImportSettings)
#include "tst_import_settings.moc"
