// PyTorch parity for the gradient with respect to the input, on the Fashion-MNIST CNN
// (examples/fashion-cnn.net.json) from the same weights (a seeded random init, saved to
// safetensors) and the same images:
//   saliency:  `gradlab-cli explain saliency --dump` equals x.grad of the predicted class's
//              logit (tests/parity/explain_ref.py, float64) to a relative 1e-4 (relative to the
//              tensor's largest magnitude), and the classes agree;
//   ∂L/∂x:     the cross-entropy loss's input gradient likewise;
//   FGSM:      attack() equals clamp(x + ε·sign(x.grad), 0, 1) wherever the gradient is not
//              vanishingly small (there float32 rounding may flip the sign).
// Skipped (loudly) only when /usr/bin/python3 cannot import torch (apt-get install python3-torch).
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "backend/backend.h"
#include "explain/adversarial.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

namespace {
constexpr double kRelTol = 1e-4;
constexpr int64_t kSamples = 6;
constexpr double kEps = 0.1;

// max |a − b| / max |b|
double relDiff(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, scale = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return diff / std::max(scale, 1e-30);
}
}  // namespace

class TestParitySaliency : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::string netPath_, weights_, input_;
  std::unique_ptr<Network> net_;
  std::vector<float> x_, y_;
  TensorMap ref_;

  std::string path(const char* name) { return tmp_.filePath(name).toStdString(); }

 private slots:
  void initTestCase() {
    if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
    QVERIFY(tmp_.isValid());
    netPath_ = sourcePath("examples/fashion-cnn.net.json").toStdString();
    net_ = std::make_unique<Network>(loadNetwork(netPath_), cpuBackend(), DType::F32, 3);
    weights_ = path("w.safetensors");
    writeSafetensors(weights_, net_->weights());
    // Images with pixels in [0, 1] and a few blank corners (so some gradients are exactly 0
    // behind the ReLUs), and random labels.
    Rng rng(17);
    for (int64_t i = 0; i < kSamples * 784; ++i) {
      const int64_t r = (i % 784) / 28, c = i % 28;
      x_.push_back(r < 3 && c < 3 ? 0.0f : float(rng.uniform()));
    }
    for (int64_t i = 0; i < kSamples; ++i) y_.push_back(float(rng.below(10)));
    input_ = path("x.safetensors");
    writeSafetensors(input_,
                     {{"x", {{kSamples, 1, 28, 28}, DType::F32, {x_.begin(), x_.end()}}},
                      {"y", {{kSamples}, DType::F32, {y_.begin(), y_.end()}}}},
                     {{"eps", "0.1"}});
    const auto py = runPython({sourcePath("tests/parity/explain_ref.py"),
                               QString::fromStdString(netPath_), QString::fromStdString(weights_),
                               QString::fromStdString(input_), tmp_.filePath("ref.safetensors")});
    QVERIFY2(py.ok, qPrintable(py.message));
    ref_ = readSafetensors(path("ref.safetensors"));
  }

  // The dump of `gradlab-cli explain saliency` against torch's x.grad of the predicted logit.
  void saliencyDump() {
    const auto r = runCli({"explain", "saliency", QString::fromStdString(netPath_), "--weights",
                           QString::fromStdString(weights_), "--input",
                           QString::fromStdString(input_), "--dump",
                           tmp_.filePath("sal.safetensors"), "--backend", "cpu"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    const TensorMap dump = readSafetensors(path("sal.safetensors"));
    QCOMPARE(dump.at("saliency").shape, (Shape{kSamples, 1, 28, 28}));
    QCOMPARE(dump.at("class").values, ref_.at("class").values);
    const double err = relDiff(dump.at("saliency").values, ref_.at("saliency").values);
    qInfo("saliency: relative error %.3g (torch %s)", err, "float64");
    QVERIFY2(err <= kRelTol, qPrintable(QString("relative error %1").arg(err)));
    double largest = 0;
    for (double v : ref_.at("saliency").values) largest = std::max(largest, std::abs(v));
    QVERIFY2(largest > 1e-6, "the reference gradient is all zeros");
  }

  // ∂ CrossEntropy/∂x through backward() with the input gradient on.
  void lossGradient() {
    Network& net = *net_;
    net.setInputGradient(true);
    Tensor x = cpuBackend().empty({kSamples, 1, 28, 28}, DType::F32);
    x.fromHost(std::span<const float>(x_));
    Tensor y = cpuBackend().empty({kSamples}, DType::F32);
    y.fromHost(std::span<const float>(y_));
    net.forward(x, false);
    net.loss(y, true);
    net.backward();
    const double err = relDiff(net.inputGradient().toHost(), ref_.at("loss_grad").values);
    net.setInputGradient(false);
    qInfo("∂L/∂x: relative error %.3g", err);
    QVERIFY2(err <= kRelTol, qPrintable(QString("relative error %1").arg(err)));
  }

  // FGSM against clamp(x + ε·sign(x.grad), 0, 1).
  void fgsm() {
    Tensor x = cpuBackend().empty({kSamples, 1, 28, 28}, DType::F32);
    x.fromHost(std::span<const float>(x_));
    Tensor y = cpuBackend().empty({kSamples}, DType::F32);
    y.fromHost(std::span<const float>(y_));
    AttackOptions o;
    o.eps = kEps;
    const std::vector<double> adv = attack(*net_, x, y, o).toHost();
    const auto& want = ref_.at("fgsm").values;
    const auto& g = ref_.at("loss_grad").values;
    double gmax = 0;
    for (double v : g) gmax = std::max(gmax, std::abs(v));
    int64_t compared = 0, moved = 0;
    for (size_t i = 0; i < adv.size(); ++i) {
      if (std::abs(g[i]) < 1e-4 * gmax && g[i] != 0) continue;  // sign decided by rounding
      ++compared;
      moved += std::abs(adv[i] - x_[i]) > 1e-6;
      QVERIFY2(std::abs(adv[i] - want[i]) < 1e-6,
               qPrintable(QString("pixel %1: gradlab %2, torch %3").arg(i).arg(adv[i]).arg(want[i])));
    }
    QVERIFY2(compared > int64_t(adv.size()) * 9 / 10, qPrintable(QString::number(compared)));
    QVERIFY2(moved > 0, "FGSM moved no pixel");
  }
};

QTEST_GUILESS_MAIN(TestParitySaliency)
#include "tst_parity_saliency.moc"
