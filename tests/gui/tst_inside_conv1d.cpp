// Raw signals in the window (lesson 23): the Conv1D + LSTM classifier from examples/ on the
// `waveforms` set. On the Conv1D block the Inside view draws the raw signal, each filter's
// feature map over time and each filter's taps as traces lined up in time; on the MaxPool1D
// block the pooled maps. The data panel offers the set with its noise slider on, at 20 %.
// Screenshots inside-conv1d and inside-maxpool1d.
#include <QComboBox>
#include <QDockWidget>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/inside_view.h"
#include "views/picture_grid.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestInsideConv1d : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void featureMapsAsTraces() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/waveforms-conv1d-lstm.net.json")));
    // Chosen in the data panel as a user would: its noise slider on, at the set's 20 %.
    auto* sets = w.datasetPanel()->findChild<QComboBox*>("datasets");
    QVERIFY(sets);
    const int index = sets->findData("waveforms");
    sets->setCurrentIndex(index);
    emit sets->activated(index);  // what a click in the list sends
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data->train.name == "waveforms";
    }, 30000));
    QSlider* noise = nullptr;
    for (QSlider* slider : w.datasetPanel()->findChildren<QSlider*>())
      if (slider->maximum() == 50) noise = slider;  // the noise slider, 0 to 50 %
    QVERIFY(noise && noise->isEnabled());
    QCOMPARE(noise->value(), 20);
    // The network fitted to the data's length T (64 unless the source says otherwise).
    const int64_t T = w.snapshot()->data->train.xShape[0];
    auto* dock = w.findChild<QDockWidget*>("insideDock");
    QVERIFY(dock);
    dock->show();
    dock->raise();
    auto* inside = w.view<InsideView>();
    PictureGrid* grid = inside->pictures();
    auto sectionStarting = [&](const QString& start) {
      for (int i = 0; i < grid->sections(); ++i)
        if (grid->sectionTitle(i).startsWith(start)) return i;
      return -1;
    };
    auto titles = [&] {
      QStringList t;
      for (int i = 0; i < grid->sections(); ++i) t << grid->sectionTitle(i);
      return t.join("\n");
    };

    w.canvas()->selectBlocks({"conv"});
    QCOMPARE(inside->block(), QString("conv"));
    w.session()->step(200);
    QVERIFY(waitFor([&] {
      auto p = w.snapshot()->probe<InsideProbe>();
      return w.snapshot()->step == 200 && !w.snapshot()->running && p && p->block == "conv" &&
             sectionStarting("filters") > 0;
    }, 60000));
    QVERIFY2(sectionStarting("input") == 0 && grid->tiles(0) == 1, qPrintable(titles()));
    QVERIFY2(grid->sectionTitle(0).contains("one trace per feature"), qPrintable(titles()));
    const int out = sectionStarting("output"), pre = sectionStarting("pre-activation z");
    QVERIFY2(out > 0 && pre > 0, qPrintable(titles()));
    QCOMPARE(grid->tiles(out), 8);  // one trace per filter
    QCOMPARE(grid->tiles(pre), 8);
    QCOMPARE(grid->tiles(sectionStarting("filters")), 8);
    QVERIFY(grid->sectionTitle(sectionStarting("filters")).contains("7 taps"));
    screenshot(&w, "inside-conv1d");

    w.canvas()->selectBlocks({"pool"});
    w.session()->step(1);
    QVERIFY(waitFor([&] {
      auto p = w.snapshot()->probe<InsideProbe>();
      return w.snapshot()->step == 201 && p && p->block == "pool" && sectionStarting("output") > 0;
    }, 30000));
    QVERIFY2(grid->sectionTitle(sectionStarting("output"))
                 .startsWith(QString("output  %1 × 8").arg(T / 4)),
             qPrintable(titles()));
    QCOMPARE(grid->tiles(sectionStarting("output")), 8);
    screenshot(&w, "inside-maxpool1d");

    // The LSTM after them keeps its maps of gates (rows: units), not traces.
    w.canvas()->selectBlocks({"lstm"});
    w.session()->step(1);
    QVERIFY(waitFor([&] {
      auto p = w.snapshot()->probe<InsideProbe>();
      return w.snapshot()->step == 202 && p && p->block == "lstm" &&
             sectionStarting("forget gate f") > 0;
    }, 30000));
    QCOMPARE(grid->tiles(sectionStarting("forget gate f")), 1);
  }
};

QTEST_MAIN(TestInsideConv1d)
#include "tst_inside_conv1d.moc"
