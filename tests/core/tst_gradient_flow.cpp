// The gradient-flow probe a view asks the training session for: one RMS of ∂L/∂W per layer,
// input side first, from the step just taken; its history; and the effect the lesson on
// vanishing gradients shows (curriculum topic 10): in a deep sigmoid network the first layer's
// gradient is orders of magnitude below the last's, in the same network with ReLU it is not.
#include <QTest>
#include <cmath>

#include "data/catalog.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "support/wait.h"
#include "train/probes/gradients.h"
#include "train/session.h"

using namespace gradlab;

namespace {
ProbeRequest gradientsOnly() {
  ProbeRequest r;
  r.ask<GradientProbe>();
  return r;
}

// Takes `steps` more steps and returns the gradients once the probe has measured the last one
// (null if it never does: not asked for).
std::shared_ptr<const GradientProbe> stepAndProbe(TrainingSession& s, int64_t steps) {
  if (!s.sync()) return nullptr;
  const int64_t target = s.snapshot()->step + steps;
  s.step(steps);
  std::shared_ptr<const GradientProbe> probe;
  const bool done = test::waitUntil([&] {  // no sync(): the worker must measure them on its own
    auto snap = s.snapshot();
    if (snap->step != target || snap->running) return false;
    probe = snap->shared<GradientProbe>();
    return true;
  });
  return done ? probe : nullptr;
}

// RMS of ∂L/∂W at the last layer over that at the first, averaged over the first steps.
double lastOverFirst(const std::string& example) {
  TrainingSession s;
  s.setData(std::make_shared<Split>(loadBuiltin("spiral", {.seed = 1})));
  s.setNetwork(loadNetwork(test::sourcePath(QString::fromStdString("examples/" + example)).toStdString()));
  s.setProbes(gradientsOnly());
  double sum = 0;
  for (int i = 0; i < 5; ++i) {
    auto g = stepAndProbe(s, 1);
    if (!g || g->layers.size() < 2) return NAN;
    sum += std::log10(g->layers.back().gradRms / g->layers.front().gradRms);
  }
  return std::pow(10.0, sum / 5);
}
}  // namespace

class TestGradientFlow : public QObject {
  Q_OBJECT
 private slots:
  void oneRmsPerLayerFromTheLastStep() {
    TrainingSession s;
    s.setData(std::make_shared<Split>(loadBuiltin("spiral", {.seed = 1})));
    s.setNetwork(loadNetwork(test::sourcePath("examples/deep-sigmoid.net.json").toStdString()));
    s.setProbes(gradientsOnly());
    QVERIFY(s.sync());
    QVERIFY(s.snapshot()->ready);
    QVERIFY2(!s.snapshot()->probe<GradientProbe>(), "no step yet: there are no gradients to show");

    auto g = stepAndProbe(s, 1);
    QVERIFY(g);
    QCOMPARE(g->step, int64_t(1));
    QCOMPARE(g->layers.size(), size_t(7));  // h1..h6, out: every block with weights
    QCOMPARE(g->layers.front().block, std::string("h1"));
    QCOMPARE(g->layers.back().block, std::string("out"));
    QCOMPARE(g->layers.front().type, std::string("Dense"));
    QCOMPARE(g->layers.front().weights, int64_t(2 * 16));  // weights only, not the bias
    QCOMPARE(g->layers[1].weights, int64_t(16 * 16));
    for (const auto& l : g->layers) {
      QVERIFY2(std::isfinite(l.gradRms) && l.gradRms > 0, l.block.c_str());
      QVERIFY2(l.weightRms > 0.01 && l.weightRms < 2, l.block.c_str());
    }
    QCOMPARE(g->history.size(), size_t(1));
    // The signal flowing back: ∂L/∂output of every block behind the loss, vanishing towards
    // the input like the weights' gradients.
    for (const char* id : {"h1", "h2", "h3", "h4", "h5", "h6", "out"})
      QVERIFY2(g->signal.count(id) && g->signal.at(id) > 0, id);
    QVERIFY(g->signal.at("out") > 100 * g->signal.at("h1"));

    // Every measurement is kept, in step order; Reset starts the history again.
    for (int i = 0; i < 4; ++i) g = stepAndProbe(s, 3);
    QCOMPARE(g->step, int64_t(13));
    QCOMPARE(g->history.size(), size_t(5));
    QCOMPARE(g->history.back().step, int64_t(13));
    QCOMPARE(g->history.back().gradRms.size(), size_t(7));
    QCOMPARE(g->history.back().gradRms[0], g->layers[0].gradRms);
    s.reset();
    QVERIFY(s.sync());
    QVERIFY(!s.snapshot()->probe<GradientProbe>());
    g = stepAndProbe(s, 1);
    QCOMPARE(g->history.size(), size_t(1));

    // Not asked for: not computed.
    s.setProbes({});
    g = stepAndProbe(s, 1);
    QVERIFY(!g);
  }

  // Curriculum topic 10. Both networks: 2 → six Dense layers of 16 → 1, the same seed; sigmoid
  // with PyTorch's default init, ReLU with He's (examples/deep-*.net.json).
  void sigmoidVanishesReluDoesNot() {
    const double sigmoid = lastOverFirst("deep-sigmoid.net.json");
    const double relu = lastOverFirst("deep-relu.net.json");
    qInfo("last layer's gradient / first layer's: sigmoid %.1f×, relu %.2f×", sigmoid, relu);
    // Measured: about 6·10⁴ and 14. (PyTorch, both nets with its default init, random inputs,
    // gives 10⁵ and 27.)
    QVERIFY2(sigmoid > 1000, qPrintable(QString::number(sigmoid)));
    QVERIFY2(relu < 100, qPrintable(QString::number(relu)));
  }
};

QTEST_GUILESS_MAIN(TestGradientFlow)
#include "tst_gradient_flow.moc"
