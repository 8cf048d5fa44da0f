// Attention in the window, as a student watches it: the reverse-attention network on the reverse
// task (length 10, 8 symbols); the Attention view (View menu) shows test sample 0's weights — spread out after one step, on the anti-diagonal (output
// step t reads input step T−1−t) once trained. The sample spin box picks another sample.
#include <QDockWidget>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/attention_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
// Mean weight on the anti-diagonal of a square attention map.
double antiDiagonal(const AttentionProbe& r) {
  double sum = 0;
  for (int64_t q = 0; q < r.queries; ++q) sum += r.weights[size_t(q * r.keys + (r.keys - 1 - q))];
  return sum / double(r.queries);
}
}  // namespace

class TestAttentionView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void antiDiagonalAppears() {
    MainWindowOptions o = testOptions(tmp_.filePath("recovery"));
    MainWindow w(o);
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/reverse-attention.net.json")));
    DataSource reverse;
    reverse.builtin = "reverse";
    reverse.points = 2000;
    reverse.length = 10;
    reverse.symbols = 8;
    reverse.testFraction = 0.2;
    w.datasetPanel()->load(reverse);
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data->train.yShape == (Shape{10});
    }, 60000));
    auto* dock = w.findChild<QDockWidget*>("attentionDock");
    QVERIFY(dock);
    dock->show();
    dock->raise();
    auto* view = w.view<AttentionView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));

    auto shownAt = [&](int64_t step, int sample) {
      std::shared_ptr<const AttentionProbe> r;
      [&] {
        QVERIFY(waitFor([&] {
          auto s = w.snapshot();
          auto p = s->shared<AttentionProbe>();
          return s->step == step && !s->running && p && p->sample == sample && view->shown() == p.get();
        }, 60000));
        r = w.snapshot()->shared<AttentionProbe>();
      }();
      return r;
    };
    w.session()->step(1);
    auto first = shownAt(1, 0);
    QVERIFY(first);
    QCOMPARE(first->queries, int64_t(10));
    QCOMPARE(first->keys, int64_t(10));
    QCOMPARE(first->inputs.size(), size_t(10));   // the input's symbols label the columns
    QCOMPARE(first->targets.size(), size_t(10));  // the targets label the rows
    for (int k = 0; k < 10; ++k)  // target t is input T−1−t
      QCOMPARE(first->targets[size_t(k)], first->inputs[size_t(9 - k)]);
    const double before = antiDiagonal(*first);
    screenshot(&w, "37-attention-untrained");

    w.session()->step(600);
    auto later = shownAt(601, 0);
    QVERIFY(later);
    const double after = antiDiagonal(*later);
    qInfo("mean attention weight on the anti-diagonal: %.3f after 1 step, %.3f after 601 "
          "(uniform: 0.1); sample 0: %lld of 10 steps right",
          before, after, (long long)later->correct);
    QVERIFY(before < 0.3);
    QVERIFY(after > 0.6);
    screenshot(&w, "37-attention-reverse");

    view->findChild<QSpinBox*>("attentionSample")->setValue(3);
    auto third = shownAt(601, 3);
    QVERIFY(third);
    QCOMPARE(third->sample, int64_t(3));

  }
};

QTEST_MAIN(TestAttentionView)
#include "tst_attention_view.moc"
