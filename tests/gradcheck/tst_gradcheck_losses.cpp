// Finite-difference gradient checks (double precision) of whole networks whose loss reads an
// output that is not flat: mse, bce and bce_logits on [C, H, W] and [T, F] outputs (the mean
// over every element), cross_entropy on [T, classes] outputs with one class per step (the mean
// over batch and time). L(θ) = net.loss(target) after net.forward(x); net.backward() gives
// ∂L/∂θ, compared with (L(θ + h) − L(θ − h)) / 2h for every parameter element.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "backend/backend.h"
#include "network/network.h"
#include "support/gradcheck.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::GradCheckResult;

namespace {

constexpr int64_t kBatch = 3;

// Input `in` → `body` (one block) → the loss `loss` on the body's output.
NetworkSpec chain(const Shape& in, const nlohmann::json& body, const std::string& loss) {
  nlohmann::json net = {{"format", "gradlab.network/1"},
                        {"blocks", {{{"id", "x"}, {"type", "Input"}, {"shape", in}}, body}},
                        {"edges", nlohmann::json::array({nlohmann::json::array({"x", body["id"]})})},
                        {"loss", {{"type", loss}, {"block", body["id"]}}}};
  return parseNetwork(net.dump(), "gradcheck.net.json");
}

Tensor randomTensor(const Shape& shape, Rng& rng, double lo, double hi) {
  Tensor t = cpuBackend().empty(shape, DType::F64);
  std::vector<double> v(size_t(numel(shape)));
  for (auto& e : v) e = rng.uniform(lo, hi);
  t.fromHost(std::span<const double>(v));
  return t;
}

// Targets for `loss` on outputs of shape `out` (per sample): values in (0, 1) for mse and the
// binary losses, a class index per row of the last extent for cross_entropy.
Tensor randomTarget(const std::string& loss, const Shape& out, Rng& rng) {
  if (loss != "cross_entropy") return randomTensor(withBatch(kBatch, out), rng, 0.05, 0.95);
  const int64_t classes = out.back(), rows = kBatch * numel(out) / classes;
  std::vector<double> v(static_cast<size_t>(rows));
  for (auto& e : v) e = double(rng.below(uint64_t(classes)));
  Tensor t = cpuBackend().empty({kBatch, rows / kBatch}, DType::F64);
  t.fromHost(std::span<const double>(v));
  return t;
}

GradCheckResult checkNetwork(const NetworkSpec& spec, double h = 1e-6) {
  Network net(spec, cpuBackend(), DType::F64, 5);
  Rng rng(9);
  const Tensor x = randomTensor(withBatch(kBatch, net.inputShape()), rng, -1, 1);
  const Tensor target = randomTarget(spec.loss.type, net.outputShape(), rng);
  auto lossAt = [&] {
    net.forward(x, /*training=*/false);
    return net.loss(target, /*withGrad=*/false);
  };
  net.forward(x, false);
  net.loss(target, /*withGrad=*/true);
  net.backward();
  GradCheckResult r;
  for (auto& [name, p] : net.params()) {
    const std::vector<double> analytic = p->grad.toHost();
    std::vector<double> v = p->value.toHost();
    for (size_t i = 0; i < v.size(); ++i) {
      const double keep = v[i];
      v[i] = keep + h;
      p->value.fromHost(std::span<const double>(v));
      const double up = lossAt();
      v[i] = keep - h;
      p->value.fromHost(std::span<const double>(v));
      const double down = lossAt();
      v[i] = keep;
      p->value.fromHost(std::span<const double>(v));
      const double numeric = (up - down) / (2 * h);
      const double err = std::abs(analytic[i] - numeric) /
                         std::max({1.0, std::abs(analytic[i]), std::abs(numeric)});
      if (err >= r.maxError) {
        r.maxError = err;
        r.where = name + " [" + std::to_string(i) + "]";
      }
      ++r.checked;
    }
  }
  return r;
}

nlohmann::json conv(const std::string& activation, int filters) {
  return {{"id", "c"}, {"type", "Conv2D"}, {"filters", filters}, {"kernel", 3},
          {"padding", "same"}, {"activation", activation}};
}

nlohmann::json rnn(int units) {
  return {{"id", "r"}, {"type", "SimpleRNN"}, {"units", units}, {"return_sequences", true}};
}

}  // namespace

class TestGradcheckLosses : public QObject {
  Q_OBJECT
 private slots:
  // [C, H, W] outputs: a same-padded Conv2D, 2 filters on a 1×4×4 image.
  void imageOutputs_data() {
    QTest::addColumn<QString>("loss");
    QTest::addColumn<QString>("activation");
    QTest::newRow("mse") << "mse" << "tanh";
    QTest::newRow("bce") << "bce" << "sigmoid";
    QTest::newRow("bce_logits") << "bce_logits" << "identity";
  }
  void imageOutputs() {
    QFETCH(QString, loss);
    QFETCH(QString, activation);
    EXPECT_GRADS(checkNetwork(chain({1, 4, 4}, conv(activation.toStdString(), 2), loss.toStdString())));
  }

  // [T, F] outputs: a SimpleRNN over 4 steps returning every step (3 units).
  void sequenceOutputs_data() {
    QTest::addColumn<QString>("loss");
    QTest::newRow("mse") << "mse";
    QTest::newRow("bce_logits") << "bce_logits";
    QTest::newRow("cross_entropy") << "cross_entropy";  // [4, 3]: 3 classes at each step
  }
  void sequenceOutputs() {
    QFETCH(QString, loss);
    EXPECT_GRADS(checkNetwork(chain({4, 2}, rnn(3), loss.toStdString())));
  }

  // The loss over every element is the plain mean, whatever the shape: mse on a [2, 4, 4]
  // output equals the mean of the squared differences computed here.
  void mseIsTheMeanOverEveryElement() {
    const NetworkSpec spec = chain({1, 4, 4}, conv("tanh", 2), "mse");
    Network net(spec, cpuBackend(), DType::F64, 5);
    Rng rng(3);
    const Tensor x = randomTensor({kBatch, 1, 4, 4}, rng, -1, 1);
    const Tensor t = randomTensor({kBatch, 2, 4, 4}, rng, 0, 1);
    net.forward(x, false);
    const double got = net.loss(t, false);
    const std::vector<double> y = net.output("c").toHost(), tv = t.toHost();
    double sum = 0;
    for (size_t i = 0; i < y.size(); ++i) sum += (y[i] - tv[i]) * (y[i] - tv[i]);
    QCOMPARE(int(y.size()), int(kBatch * 32));
    QVERIFY(std::abs(got - sum / double(y.size())) < 1e-12);
  }

  // cross_entropy on [T, classes] is the mean over batch and time of −log softmax at the
  // step's class, computed here from the dumped logits.
  void crossEntropyPerStepIsTheMeanOverBatchAndTime() {
    const NetworkSpec spec = chain({4, 2}, rnn(3), "cross_entropy");
    Network net(spec, cpuBackend(), DType::F64, 5);
    Rng rng(4);
    const Tensor x = randomTensor({kBatch, 4, 2}, rng, -1, 1);
    const Tensor t = randomTarget("cross_entropy", {4, 3}, rng);
    net.forward(x, false);
    const double got = net.loss(t, false);
    const std::vector<double> z = net.output("r").toHost(), cls = t.toHost();
    double sum = 0;
    for (size_t row = 0; row < cls.size(); ++row) {
      const double* zr = z.data() + row * 3;
      const double logZ = std::log(std::exp(zr[0]) + std::exp(zr[1]) + std::exp(zr[2]));
      sum += logZ - zr[size_t(cls[row])];
    }
    QCOMPARE(int(cls.size()), int(kBatch * 4));
    QVERIFY(std::abs(got - sum / double(cls.size())) < 1e-12);
  }

  // A target of the wrong size is an Error naming the loss block and the sizes, not a crash.
  void wrongTargetSizeIsAnError() {
    Network net(chain({4, 2}, rnn(3), "cross_entropy"), cpuBackend(), DType::F64, 5);
    Rng rng(5);
    net.forward(randomTensor({kBatch, 4, 2}, rng, -1, 1), false);
    const Tensor t = randomTensor({kBatch}, rng, 0, 1);  // one class per sample, not per step
    try {
      net.loss(t, false);
      QFAIL("no error for a target of the wrong size");
    } catch (const Error& e) {
      const QString msg = e.what();
      QVERIFY2(msg.contains("block \"r\"") && msg.contains("needs 12 class indices") &&
                   msg.contains("3×4×3"),
               qPrintable(msg));
    }
  }
};

QTEST_APPLESS_MAIN(TestGradcheckLosses)
#include "tst_gradcheck_losses.moc"
