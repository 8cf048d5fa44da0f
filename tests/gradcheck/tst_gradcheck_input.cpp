// Finite-difference checks (double precision, cpu) of the gradient with respect to the input
// (Network::setInputGradient, core/explain's base) and of Network::backwardFrom, on whole
// networks: dense, residual/concat (x read by two blocks: both add into ∂L/∂x), conv + pool +
// flatten, and recurrent (LSTM, GRU, SimpleRNN).
//   ∂L/∂x:           L = the network's loss, backward()
//   backwardFrom:    S = Σ r ⊙ out(block), r fixed and random; ∂S/∂x and ∂S/∂θ
// each compared with (f(v + h) − f(v − h)) / 2h element by element.
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "backend/backend.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "support/gradcheck.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;

namespace {
const char* kDense = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [5]},
  {"id": "h", "type": "Dense", "units": 4, "activation": "tanh"},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "h"], ["h", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})";
const char* kConcat = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [3]},
  {"id": "a", "type": "Dense", "units": 4, "activation": "sigmoid"},
  {"id": "both", "type": "Concat"},
  {"id": "out", "type": "Dense", "units": 2}],
  "edges": [["x", "a"], ["a", "both"], ["x", "both"], ["both", "out"]],
  "loss": {"type": "mse", "block": "out"}})";
const char* kConv = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [2, 6, 6]},
  {"id": "c", "type": "Conv2D", "filters": 3, "kernel": 3, "padding": "same", "activation": "tanh"},
  {"id": "p", "type": "AvgPool2D", "size": 2},
  {"id": "c2", "type": "Conv2D", "filters": 2, "kernel": 3, "activation": "tanh"},
  {"id": "f", "type": "Flatten"},
  {"id": "out", "type": "Dense", "units": 4}],
  "edges": [["x", "c"], ["c", "p"], ["p", "c2"], ["c2", "f"], ["f", "out"]],
  "loss": {"type": "cross_entropy", "block": "out"}})";
const char* kMaxPool = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [1, 6, 6]},
  {"id": "c", "type": "Conv2D", "filters": 2, "kernel": 3, "padding": "same", "activation": "tanh"},
  {"id": "p", "type": "MaxPool2D", "size": 2},
  {"id": "f", "type": "Flatten"},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "c"], ["c", "p"], ["p", "f"], ["f", "out"]],
  "loss": {"type": "cross_entropy", "block": "out"}})";
// BatchNorm in evaluation mode (running statistics), after one training pass has moved them.
const char* kBatchNorm = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [2, 4, 4]},
  {"id": "c", "type": "Conv2D", "filters": 3, "kernel": 3, "padding": "same"},
  {"id": "bn", "type": "BatchNorm"},
  {"id": "f", "type": "Flatten"},
  {"id": "h", "type": "Dense", "units": 4},
  {"id": "bn1", "type": "BatchNorm"},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "c"], ["c", "bn"], ["bn", "f"], ["f", "h"], ["h", "bn1"], ["bn1", "out"]],
  "loss": {"type": "cross_entropy", "block": "out"}})";
std::string recurrent(const char* type) {
  return std::string(R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [4, 3]},
  {"id": "r", "type": ")") + type + R"(", "units": 3},
  {"id": "out", "type": "Dense", "units": 2}],
  "edges": [["x", "r"], ["r", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})";
}

struct Case {
  std::unique_ptr<Network> net;
  Tensor x, y;
  std::vector<double> xs;
};

Case make(const std::string& json, int64_t batch, uint64_t seed) {
  Case c;
  c.net = std::make_unique<Network>(parseNetwork(json, "test"), cpuBackend(), DType::F64, seed);
  Backend& be = cpuBackend();
  Rng rng(seed + 7);
  const Shape xs = withBatch(batch, c.net->inputShape());
  c.xs.resize(size_t(numel(xs)));
  for (auto& v : c.xs) v = rng.uniform(-1, 1);
  c.x = be.empty(xs, DType::F64);
  c.x.fromHost(std::span<const double>(c.xs));
  const Shape& out = c.net->outputShape();
  std::vector<double> ys;
  if (c.net->lossKind() == LossKind::CrossEntropy) {
    for (int64_t b = 0; b < batch; ++b) ys.push_back(double(rng.below(uint64_t(out.back()))));
    c.y = be.empty({batch}, DType::F64);
  } else {
    for (int64_t i = 0; i < batch * numel(out); ++i) ys.push_back(rng.uniform(-1, 1));
    c.y = be.empty(withBatch(batch, out), DType::F64);
  }
  c.y.fromHost(std::span<const double>(ys));
  c.net->forward(c.x, /*training=*/true);  // running statistics away from their 0 and 1
  return c;
}

// max over elements of |analytic − numeric| / max(1, |analytic|, |numeric|)
double relError(double a, double n) { return std::abs(a - n) / std::max({1.0, std::abs(a), std::abs(n)}); }

// ∂f/∂x by central differences, f evaluated on x with element i moved.
std::vector<double> numericInput(Case& c, const std::function<double()>& f) {
  const double h = 1e-6;
  std::vector<double> g(c.xs.size());
  for (size_t i = 0; i < c.xs.size(); ++i) {
    std::vector<double> v = c.xs;
    v[i] += h;
    c.x.fromHost(std::span<const double>(v));
    const double up = f();
    v[i] -= 2 * h;
    c.x.fromHost(std::span<const double>(v));
    g[i] = (up - f()) / (2 * h);
  }
  c.x.fromHost(std::span<const double>(c.xs));
  return g;
}
}  // namespace

class TestGradcheckInput : public QObject {
  Q_OBJECT
 private slots:
  void lossGradient_data() {
    QTest::addColumn<QString>("json");
    QTest::newRow("dense") << kDense;
    QTest::newRow("concat: x read twice") << kConcat;
    QTest::newRow("conv+avgpool+flatten") << kConv;
    QTest::newRow("conv+maxpool+flatten") << kMaxPool;
    QTest::newRow("lstm") << QString::fromStdString(recurrent("LSTM"));
    QTest::newRow("gru") << QString::fromStdString(recurrent("GRU"));
    QTest::newRow("simple-rnn") << QString::fromStdString(recurrent("SimpleRNN"));
    QTest::newRow("batchnorm (evaluation)") << kBatchNorm;
  }
  // ∂L/∂x from backward() equals the finite differences of the loss.
  void lossGradient() {
    QFETCH(QString, json);
    Case c = make(json.toStdString(), 3, 5);
    Network& net = *c.net;
    net.setInputGradient(true);
    net.forward(c.x, false);
    net.loss(c.y, true);
    net.backward();
    const std::vector<double> analytic = net.inputGradient().toHost();
    QCOMPARE(net.inputGradient().shape(), c.x.shape());
    const auto numeric = numericInput(c, [&] {
      net.forward(c.x, false);
      return net.loss(c.y, false);
    });
    double worst = 0, largest = 0;
    for (size_t i = 0; i < analytic.size(); ++i) {
      worst = std::max(worst, relError(analytic[i], numeric[i]));
      largest = std::max(largest, std::abs(analytic[i]));
    }
    QVERIFY2(largest > 1e-4, "the input gradient is all zeros");  // something was compared
    QVERIFY2(worst < 1e-6, qPrintable(QString("max relative error %1").arg(worst)));
  }

  void backwardFrom_data() { lossGradient_data(); }
  // S = Σ r ⊙ out(loss block): ∂S/∂x and every ∂S/∂θ from backwardFrom(r).
  void backwardFrom() {
    QFETCH(QString, json);
    Case c = make(json.toStdString(), 2, 9);
    Network& net = *c.net;
    net.setInputGradient(true);
    net.forward(c.x, false);
    const Shape outShape = net.output(net.lossBlock()).shape();
    Rng rng(3);
    std::vector<double> r(size_t(numel(outShape)));
    for (auto& v : r) v = rng.uniform(-1, 1);
    Tensor seed = cpuBackend().empty(outShape, DType::F64);
    seed.fromHost(std::span<const double>(r));
    auto score = [&] {
      net.forward(c.x, false);
      const auto out = net.output(net.lossBlock()).toHost();
      double s = 0;
      for (size_t i = 0; i < r.size(); ++i) s += r[i] * out[i];
      return s;
    };
    net.forward(c.x, false);
    net.backwardFrom(seed);
    const std::vector<double> analytic = net.inputGradient().toHost();
    std::vector<std::vector<double>> paramGrads;
    for (auto& [name, p] : net.params())
      paramGrads.push_back(p->decl.trainable ? p->grad.toHost() : std::vector<double>());
    const auto numeric = numericInput(c, score);
    double worst = 0;
    for (size_t i = 0; i < analytic.size(); ++i) worst = std::max(worst, relError(analytic[i], numeric[i]));
    QVERIFY2(worst < 1e-6, qPrintable(QString("∂S/∂x: max relative error %1").arg(worst)));
    // ∂S/∂θ, for every parameter element.
    size_t k = 0;
    int64_t checked = 0;
    for (auto& [name, p] : net.params()) {
      if (!p->decl.trainable) {  // BatchNorm's running statistics: not trained, no gradient
        ++k;
        continue;
      }
      std::vector<double> w = p->value.toHost();
      for (size_t i = 0; i < w.size(); ++i) {
        const double h = 1e-6, keep = w[i];
        w[i] = keep + h;
        p->value.fromHost(std::span<const double>(w));
        const double up = score();
        w[i] = keep - h;
        p->value.fromHost(std::span<const double>(w));
        const double down = score();
        w[i] = keep;
        p->value.fromHost(std::span<const double>(w));
        const double e = relError(paramGrads[k][i], (up - down) / (2 * h));
        QVERIFY2(e < 1e-6, qPrintable(QString::fromStdString(name) + QString(" [%1]: %2").arg(i).arg(e)));
        ++checked;
      }
      ++k;
    }
    QVERIFY(checked > 0);
  }

  // A seed at an inner block: S = Σ r ⊙ out(c) for the conv block of the CNN.
  void backwardFromInnerBlock() {
    Case c = make(kConv, 2, 4);
    Network& net = *c.net;
    net.setInputGradient(true);
    net.forward(c.x, false);
    const Shape s = net.output("c").shape();
    std::vector<double> r(size_t(numel(s)));
    Rng rng(11);
    for (auto& v : r) v = rng.uniform(-1, 1);
    Tensor seed = cpuBackend().empty(s, DType::F64);
    seed.fromHost(std::span<const double>(r));
    net.backwardFrom(seed, "c");
    const std::vector<double> analytic = net.inputGradient().toHost();
    // The blocks after "c" got zero gradients.
    for (double g : net.params()[4].second->grad.toHost()) QCOMPARE(g, 0.0);  // out.weight
    const auto numeric = numericInput(c, [&] {
      net.forward(c.x, false);
      const auto out = net.output("c").toHost();
      double sum = 0;
      for (size_t i = 0; i < r.size(); ++i) sum += r[i] * out[i];
      return sum;
    });
    double worst = 0;
    for (size_t i = 0; i < analytic.size(); ++i) worst = std::max(worst, relError(analytic[i], numeric[i]));
    QVERIFY2(worst < 1e-6, qPrintable(QString("max relative error %1").arg(worst)));
  }

  // Off by default; asked for when off, before a backward, or after a new forward: an Error.
  // A wrong seed shape or a missing block names them.
  void misuseIsAnError() {
    Case c = make(kDense, 2, 1);
    Network& net = *c.net;
    QVERIFY(!net.inputGradientOn());
    QVERIFY_THROWS_EXCEPTION(Error, net.inputGradient());
    net.setInputGradient(true);
    net.forward(c.x, false);
    QVERIFY_THROWS_EXCEPTION(Error, net.inputGradient());
    Tensor bad = cpuBackend().zeros({2, 4}, DType::F64);
    try {
      net.backwardFrom(bad);
      QFAIL("a [2, 4] seed for a [2, 3] output was taken");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("out"), e.what());
    }
    try {
      net.backwardFrom(bad, "nope");
      QFAIL("a missing block was taken");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("\"nope\""), e.what());
    }
    net.loss(c.y, true);
    net.backward();
    QCOMPARE(net.inputGradient().shape(), (Shape{2, 5}));
    net.forward(c.x, false);
    QVERIFY_THROWS_EXCEPTION(Error, net.inputGradient());
    // Switching it off again: training's gradients are the same as before.
    net.setInputGradient(false);
    net.forward(c.x, true);
    net.loss(c.y, true);
    net.backward();
    QVERIFY_THROWS_EXCEPTION(Error, net.inputGradient());
  }
};

QTEST_GUILESS_MAIN(TestGradcheckInput)
#include "tst_gradcheck_input.moc"
