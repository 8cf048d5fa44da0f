// The convolution explainer (curriculum 13, 14) in the window: the lecture's example stepped
// mid-slide with the running sum and the engine's cell, max pooling with the maximum ringed,
// a filter of the network's Conv2D layer walked over a crop of a Fashion-MNIST picture, and
// settings that do not fit answered with a message. Screenshots at the default window size.
#include <QDockWidget>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "theme.h"
#include "views/conv_explainer_view.h"
#include "views/conv_walk_canvas.h"
#include "views/view_docks.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestConvExplainer : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::unique_ptr<MainWindow> w_;
  ConvExplainerView* view_ = nullptr;

 private slots:
  void initTestCase() {
    w_ = std::make_unique<MainWindow>(testOptions(tmp_.filePath("recovery")));
    w_->resize(1600, 1000);
    w_->show();
    QVERIFY(waitFor([&] { return w_->snapshot() && w_->snapshot()->ready; }));
    view_ = w_->view<ConvExplainerView>();
    QVERIFY(view_);
    w_->views()->dockOf(view_)->show();
    w_->views()->dockOf(view_)->raise();
    QVERIFY(waitFor([&] { return view_->onScreen(); }));
  }

  // The lecture's 6×6 image and kernel, padding 1, stride 2: ⌊(6 + 2 − 3) / 2⌋ + 1 = 3, nine
  // positions. At the 7th (output row 2, column 0) the running sums end at the engine's 17.
  void lectureMidSlide() {
    auto walk = view_->walk();
    QVERIFY(walk);
    QCOMPARE(walk->positions.size(), size_t(16));  // the default: stride 1, no padding
    QCOMPARE(walk->positions[0].engine, 12.0);
    view_->setSizes(3, 2, 1);
    walk = view_->walk();
    QCOMPARE(walk->positions.size(), size_t(9));
    QVERIFY(view_->findChild<QLabel*>("convFormula")->text().contains("⌊(6 + 2·1 − 3) / 2⌋ + 1 = 3"));
    auto* step = view_->findChild<QPushButton*>("convStep");
    for (int i = 0; i < 6; ++i) QTest::mouseClick(step, Qt::LeftButton);
    QCOMPARE(view_->position(), 6);
    const WalkPosition& p = walk->positions[6];
    QCOMPARE(p.outRow, int64_t(2));
    QCOMPARE(p.outCol, int64_t(0));
    QCOMPARE(p.terms.back().running, p.engine);
    QCOMPARE(p.engine, 17.0);
    QVERIFY(view_->countsText().contains("fully connected"));
    screenshot(w_.get(), "13-conv-explainer-mid-slide");
    screenshot(view_, "13-conv-explainer-view");

    // Back, then Play to the end: it stops at the last position.
    QTest::mouseClick(view_->findChild<QPushButton*>("convBack"), Qt::LeftButton);
    QCOMPARE(view_->position(), 5);
    view_->findChild<QSlider*>("convSpeed")->setValue(10);
    view_->play(true);
    QVERIFY(waitFor([&] { return !view_->playing(); }, 5000));
    QCOMPARE(view_->position(), 8);
    QVERIFY(!view_->findChild<QPushButton*>("convStep")->isEnabled());
    view_->reset();
    QCOMPARE(view_->position(), 0);
  }

  // The pooling slide: the bottom-left window's maximum is 6 (the slide says 5), ringed.
  void maxPoolingHighlightsTheMaximum() {
    view_->setKind(WalkKind::MaxPool);
    auto walk = view_->walk();
    QVERIFY(walk);
    QCOMPARE(walk->kind, WalkKind::MaxPool);
    QCOMPARE(walk->output.values, std::vector<double>({8, 7, 6, 9}));
    view_->setPosition(2);
    QCOMPARE(walk->positions[2].best, 2);
    QCOMPARE(walk->positions[2].engine, 6.0);
    QVERIFY(view_->countsText().contains("no parameters"));
    QVERIFY2(view_->countsText().contains("engine finds 6"), qPrintable(view_->countsText()));
    screenshot(view_, "14-pooling-max");
    view_->setKind(WalkKind::AvgPool);
    QCOMPARE(view_->walk()->output.values[1], 5.0);  // 45 / 9
  }

  // A window that does not fit is a message on the view, not a crash; fixing it brings the walk.
  void settingsThatDoNotFit() {
    view_->setKind(WalkKind::Conv);
    view_->setSizes(7, 1, 0);
    QVERIFY(!view_->walk());
    QVERIFY2(view_->problem().contains("does not fit"), qPrintable(view_->problem()));
    view_->setSizes(7, 1, 1);
    QVERIFY(view_->walk());
    QCOMPARE(view_->walk()->outRows, int64_t(2));
    view_->setSizes(3, 1, 0);
  }

  // fashion-cnn on Fashion-MNIST: one of c1's 5×5 filters (the Inside probe's weights) over an
  // 8×8 crop of test picture 0; the parameter counts of c1 (208 as a convolution).
  void networkFilterOverAPicture() {
    QVERIFY(w_->importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 300;
    w_->datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w_->snapshot();
      return s && s->ready && s->data && s->data->train.xShape == (Shape{1, 28, 28});
    }, 60000));
    w_->views()->dockOf(view_)->raise();
    view_->setSampleRegion(0, 10, 10, 8);
    view_->setKernel("network");
    view_->findChild<QSpinBox*>("convFilter")->setValue(3);
    w_->session()->step(20);
    QVERIFY(waitFor([&] {
      auto walk = view_->walk();
      return w_->snapshot()->step == 20 && walk && walk->kernel.rows == 5;
    }, 60000));
    auto walk = view_->walk();
    QCOMPARE(walk->input.rows, int64_t(8));
    QCOMPARE(walk->positions.size(), size_t(16));  // ⌊(8 − 5) / 1⌋ + 1 = 4 per side
    // The kernel is filter 3 of c1 as the Inside probe read it.
    QVERIFY(waitFor([&] {
      auto in = w_->snapshot()->probe<InsideProbe>();
      return in && in->block == "c1";
    }));
    const InsideProbe* in = w_->snapshot()->probe<InsideProbe>();
    const TensorPicture* weights = nullptr;
    for (const TensorPicture& p : in->pictures)
      if (p.name == "weights") weights = &p;
    QVERIFY(weights);
    QCOMPARE(weights->shape, (Shape{8, 1, 5, 5}));
    for (int i = 0; i < 25; ++i)
      QCOMPARE(float(view_->walk()->kernel.values[size_t(i)]), weights->values[size_t(3 * 25 + i)]);
    for (const WalkPosition& p : view_->walk()->positions)
      QVERIFY(std::abs(p.walked - p.engine) < 1e-9);
    const QString counts = view_->countsText();
    QVERIFY2(counts.contains("c1") && counts.contains("208"), qPrintable(counts));
    view_->setPosition(9);
    screenshot(view_, "13-conv-explainer-network-filter");

    // Classroom mode: the same view with the projector's palette and sizes.
    theme().setPresenting(true, 1.75);
    view_->setKernel("edge");
    view_->setInput(ConvExplainerView::Input::Lecture);
    view_->setPosition(6);
    screenshot(view_, "13-conv-explainer-classroom");
    theme().setPresenting(false, 1.75);
  }

  void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestConvExplainer)
#include "tst_conv_explainer.moc"
