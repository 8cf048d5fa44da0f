// core/explain: saliency (plain and SmoothGrad), FGSM/PGD attacks and accuracy under attack,
// and feature visualisation — on a linear classifier, where every gradient is known in closed
// form (∂z_c/∂x = W[c, :]; ∂L/∂x = Wᵀ(softmax(z) − onehot(y))/B), and on the Fashion-MNIST CNN.
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "backend/backend.h"
#include "explain/adversarial.h"
#include "explain/saliency.h"
#include "explain/visualize.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;

namespace {
const char* kLinear = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [4]},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})";
const char* kSmallCnn = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [1, 8, 8]},
  {"id": "c1", "type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "tanh"},
  {"id": "p1", "type": "MaxPool2D", "size": 2},
  {"id": "f", "type": "Flatten"},
  {"id": "h", "type": "Dense", "units": 16, "activation": "tanh"},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "c1"], ["c1", "p1"], ["p1", "f"], ["f", "h"], ["h", "out"]],
  "loss": {"type": "cross_entropy", "block": "out"}})";

Tensor hostTensor(const Shape& shape, const std::vector<float>& v) {
  Tensor t = cpuBackend().empty(shape, DType::F32);
  t.fromHost(std::span<const float>(v));
  return t;
}

std::vector<float> uniform(int64_t n, uint64_t seed, double lo = 0, double hi = 1) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = float(rng.uniform(lo, hi));
  return v;
}

// Mean cross-entropy of the network on (x, y).
double lossOf(Network& net, const Tensor& x, const Tensor& y) {
  net.forward(x, false);
  return net.loss(y, false);
}

std::unique_ptr<Network> cnn(uint64_t seed = 2) {
  return std::make_unique<Network>(
      loadNetwork(gradlab::test::sourcePath("examples/fashion-cnn.net.json").toStdString()),
      cpuBackend(), DType::F32, seed);
}

template <class F>
QString errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return QString::fromUtf8(e.what());
  }
  return "(no error)";
}
}  // namespace

class TestExplain : public QObject {
  Q_OBJECT
 private slots:
  // Linear scores z = Wx + b: ∂z_c/∂x = W[c, :] for every sample, the class asked or predicted.
  void saliencyOfALinearModel() {
    Network net(parseNetwork(kLinear, "linear"), cpuBackend(), DType::F32, 4);
    const std::vector<double> w = net.params()[0].second->value.toHost();  // [3, 4]
    const std::vector<float> xs = uniform(3 * 4, 1, -1, 1);
    const std::vector<int> cls{-1, 2, 0};
    const Saliency s = saliency(net, hostTensor({3, 4}, xs), cls);
    QCOMPARE(s.inputShape, (Shape{4}));
    QCOMPARE(s.gradient.size(), size_t(12));
    // The predicted class of sample 0: argmax of W x + b.
    net.forward(hostTensor({3, 4}, xs), false);
    const auto z = net.output("out").toHost();
    QCOMPARE(s.classes[0], int(std::max_element(z.begin(), z.begin() + 3) - z.begin()));
    QCOMPARE(s.classes[1], 2);
    QCOMPARE(s.classes[2], 0);
    for (int b = 0; b < 3; ++b) {
      double sum = 0;
      for (float p : s.probabilities[size_t(b)]) sum += p;
      QVERIFY(std::abs(sum - 1) < 1e-5);
      for (int i = 0; i < 4; ++i)
        QVERIFY(std::abs(s.gradient[size_t(b * 4 + i)] - w[size_t(s.classes[size_t(b)] * 4 + i)]) < 1e-6);
    }
    // SmoothGrad of a linear model: every noisy copy has the same gradient.
    SaliencyOptions smooth;
    smooth.smoothSamples = 5;
    const Saliency sg = saliency(net, hostTensor({3, 4}, xs), std::vector<int>{1, 1, 1}, smooth);
    for (int b = 0; b < 3; ++b)
      for (int i = 0; i < 4; ++i) QVERIFY(std::abs(sg.gradient[size_t(b * 4 + i)] - w[size_t(4 + i)]) < 1e-5);
  }

  // SmoothGrad on the CNN: noise 0 gives the plain gradient; with noise it differs, the same
  // seed gives the same map. The weights and the parameters' gradients are as before.
  void smoothGradAndNoSideEffects() {
    auto net = cnn();
    const std::vector<float> xs = uniform(2 * 784, 3);
    const Tensor x = hostTensor({2, 1, 28, 28}, xs);
    // A training step's gradients, which a gradient view may be showing.
    net->forward(x, true);
    net->loss(hostTensor({2}, {1, 7}), true);
    net->backward();
    std::vector<std::vector<double>> before;
    for (auto& [name, p] : net->params()) before.push_back(p->grad.toHost());
    const auto weights = net->weights();

    const std::vector<int> cls{-1, -1};
    const Saliency plain = saliency(*net, x, cls);
    SaliencyOptions o;
    o.smoothSamples = 4;
    o.smoothNoise = 0;
    const Saliency zeroNoise = saliency(*net, x, cls, o);
    for (size_t i = 0; i < plain.gradient.size(); ++i)
      QVERIFY(std::abs(plain.gradient[i] - zeroNoise.gradient[i]) <= 1e-6 + 1e-4 * std::abs(plain.gradient[i]));
    o.smoothNoise = 0.2;
    const Saliency a = saliency(*net, x, cls, o), b = saliency(*net, x, cls, o);
    QCOMPARE(a.gradient, b.gradient);
    QVERIFY(a.gradient != plain.gradient);

    size_t k = 0;
    for (auto& [name, p] : net->params()) QCOMPARE(p->grad.toHost(), before[k++]);
    for (const auto& [name, t] : net->weights()) QCOMPARE(t.values, weights.at(name).values);
    QVERIFY(!net->inputGradientOn());
  }

  void saliencyRefusesBadInput() {
    auto net = cnn();
    const Tensor x = hostTensor({1, 1, 28, 28}, uniform(784, 1));
    QVERIFY(errorOf([&] { saliency(*net, x, std::vector<int>{10}); }).contains("class 10"));
    QVERIFY(errorOf([&] { saliency(*net, x, std::vector<int>{-1, 2}); }).contains("2 classes given for 1"));
    const Tensor wrong = hostTensor({1, 1, 27, 28}, uniform(27 * 28, 1));
    const QString e = errorOf([&] { saliency(*net, wrong, std::vector<int>{-1}); });
    QVERIFY2(e.contains("\"x\"") && e.contains("1×28×28"), qPrintable(e));
    // An output that is not one score per class.
    Network seq(parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
      {"id": "x", "type": "Input", "shape": [3, 2]},
      {"id": "r", "type": "SimpleRNN", "units": 4, "return_sequences": true}],
      "edges": [["x", "r"]], "loss": {"type": "mse", "block": "r"}})", "seq"),
                cpuBackend(), DType::F32, 1);
    const QString e2 = errorOf([&] {
      saliency(seq, hostTensor({1, 3, 2}, uniform(6, 1)), std::vector<int>{-1});
    });
    QVERIFY2(e2.contains("\"r\"") && e2.contains("3×4"), qPrintable(e2));
  }

  // FGSM on a linear model: ∂L/∂x = Wᵀ(softmax(z) − onehot(y))/B, x' = clip(x + ε·sign(that)).
  void fgsmOfALinearModel() {
    Network net(parseNetwork(kLinear, "linear"), cpuBackend(), DType::F32, 6);
    const std::vector<double> w = net.params()[0].second->value.toHost();
    const std::vector<float> xs = uniform(2 * 4, 2), ys{0, 2};
    const Tensor x = hostTensor({2, 4}, xs), y = hostTensor({2}, ys);
    net.forward(x, false);
    const auto z = net.output("out").toHost();
    AttackOptions o;
    o.eps = 0.05;
    const std::vector<float> adv = attack(net, x, y, o).toHostF32();
    for (int b = 0; b < 2; ++b) {
      std::vector<double> p(z.begin() + b * 3, z.begin() + b * 3 + 3);
      const double m = *std::max_element(p.begin(), p.end());
      double sum = 0;
      for (auto& v : p) sum += v = std::exp(v - m);
      for (auto& v : p) v /= sum;
      p[size_t(ys[size_t(b)])] -= 1;
      for (int i = 0; i < 4; ++i) {
        double g = 0;
        for (int c = 0; c < 3; ++c) g += w[size_t(c * 4 + i)] * p[size_t(c)];
        const float want = std::clamp(xs[size_t(b * 4 + i)] + float(0.05 * ((g > 0) - (g < 0))), 0.0f, 1.0f);
        QVERIFY2(std::abs(adv[size_t(b * 4 + i)] - want) < 1e-6,
                 qPrintable(QString("%1 vs %2").arg(adv[size_t(b * 4 + i)]).arg(want)));
      }
    }
  }

  // ε = 0 is the identity; every value within ε of x and inside [lo, hi]; PGD's loss ≥ FGSM's
  // ≥ the clean loss.
  void attackBudgetsAndStrength() {
    Network net(parseNetwork(kSmallCnn, "cnn"), cpuBackend(), DType::F32, 5);
    const int64_t n = 16;
    const std::vector<float> xs = uniform(n * 64, 4);
    std::vector<float> ys;
    for (int64_t i = 0; i < n; ++i) ys.push_back(float(i % 3));
    const Tensor x = hostTensor({n, 1, 8, 8}, xs), y = hostTensor({n}, ys);
    AttackOptions o;
    o.eps = 0;
    QCOMPARE(attack(net, x, y, o).toHostF32(), xs);
    o.eps = 0.1;
    const Tensor fgsm = attack(net, x, y, o);
    o.method = AttackMethod::Pgd;
    o.steps = 10;
    const Tensor pgd = attack(net, x, y, o);
    o.randomStart = true;
    const Tensor pgdRandom = attack(net, x, y, o);
    for (const Tensor* t : {&fgsm, &pgd, &pgdRandom}) {
      const auto v = t->toHostF32();
      QCOMPARE(t->shape(), x.shape());
      for (size_t i = 0; i < v.size(); ++i) {
        QVERIFY(v[i] >= 0 && v[i] <= 1);
        QVERIFY2(std::abs(v[i] - xs[i]) <= 0.1f + 1e-6f, qPrintable(QString::number(v[i] - xs[i])));
      }
    }
    const double clean = lossOf(net, x, y), lf = lossOf(net, fgsm, y), lp = lossOf(net, pgd, y);
    qInfo("loss: clean %.4f, FGSM %.4f, PGD %.4f", clean, lf, lp);
    QVERIFY(lf > clean);
    QVERIFY(lp >= lf);
    // Bad options name themselves.
    o.eps = -1;
    QVERIFY(errorOf([&] { attack(net, x, y, o); }).contains("ε"));
    o.eps = 0.1;
    o.steps = 0;
    QVERIFY(errorOf([&] { attack(net, x, y, o); }).contains("steps"));
    QVERIFY(errorOf([] { parseAttackMethod("deepfool"); }).contains("fgsm"));
  }

  // A separable 2-class problem and a linear model that solves it: accuracy 1 at ε = 0, lower
  // for a larger ε, the curve never rises; `progress` may stop it after the first ε.
  void accuracyUnderAttackCurve() {
    Network net(parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
      {"id": "x", "type": "Input", "shape": [2]}, {"id": "out", "type": "Dense", "units": 2}],
      "edges": [["x", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})", "lin"),
                cpuBackend(), DType::F32, 1);
    net.params()[0].second->value.fromHost(std::vector<double>{10, -10, -10, 10});
    net.params()[1].second->value.fromHost(std::vector<double>{0, 0});
    Dataset d;
    d.name = "halves";
    d.xShape = {2};
    d.numClasses = 2;
    Rng rng(3);
    for (int i = 0; i < 600; ++i) {
      const float a = float(rng.uniform()), b = float(rng.uniform());
      if (std::abs(a - b) < 0.02f) continue;
      d.x.insert(d.x.end(), {a, b});
      d.y.push_back(a > b ? 0.0f : 1.0f);
    }
    const std::vector<double> eps{0, 0.02, 0.2, 0.5};
    std::vector<double> shares;
    const auto curve = accuracyUnderAttack(net, d, eps, {}, 0, [&](double s) {
      shares.push_back(s);
      return true;
    });
    QCOMPARE(curve.size(), size_t(4));
    QCOMPARE(curve[0].accuracy, 1.0);
    QCOMPARE(curve[0].samples, d.size());
    for (size_t i = 1; i < curve.size(); ++i) QVERIFY(curve[i].accuracy <= curve[i - 1].accuracy);
    QVERIFY(curve[3].accuracy < 0.1);  // |a − b| < 2ε = 1 for every point: all flipped
    QVERIFY(curve[1].accuracy > 0.8 && curve[1].accuracy < 1);
    QCOMPARE(shares.back(), 1.0);
    QVERIFY(std::is_sorted(shares.begin(), shares.end()));
    // Stopped after the first ε: only it is reported.
    const auto stopped = accuracyUnderAttack(net, d, eps, {}, 100, [](double s) { return s < 0.25; });
    QCOMPARE(stopped.size(), size_t(1));
    QCOMPARE(stopped[0].samples, int64_t(100));
    Dataset regression = d;
    regression.numClasses = 0;
    QVERIFY(errorOf([&] { accuracyUnderAttack(net, regression, eps, {}); }).contains("halves"));
  }

  // Gradient ascent raises the class's score and a conv channel's mean; the same seed gives
  // the same image, another seed another; the image stays in [lo, hi]; progress can stop it.
  void visualizeClassAndUnit() {
    auto net = cnn(4);
    VisualizeOptions o;
    o.steps = 40;
    VisualizeTarget cls;
    cls.cls = 3;
    const Visualization a = visualize(*net, cls, o), b = visualize(*net, cls, o);
    QCOMPARE(a.shape, (Shape{1, 28, 28}));
    QCOMPARE(a.image, b.image);
    qInfo("class 3: score %.3f → %.3f", a.startScore, a.score);
    QVERIFY(a.score > a.startScore);
    // Above the class score of any of 20 noise images in [0, 1] (random weights: small scores).
    double noiseBest = -1e30;
    for (uint64_t k = 0; k < 20; ++k) {
      net->forward(hostTensor({1, 1, 28, 28}, uniform(784, 100 + k)), false);
      noiseBest = std::max(noiseBest, double(net->output("out").toHostF32()[3]));
    }
    QVERIFY2(a.score > noiseBest, qPrintable(QString("%1 vs noise %2").arg(a.score).arg(noiseBest)));
    for (float p : a.image) QVERIFY(p >= 0 && p <= 1);
    o.seed = 2;
    QVERIFY(visualize(*net, cls, o).image != a.image);

    // A unit whose best input is known: a 3×3 all-ones kernel without bias ("valid": every
    // output sums 9 pixels) has its largest mean, 9, for the all-ones image.
    Network ones(parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
      {"id": "x", "type": "Input", "shape": [1, 8, 8]},
      {"id": "c", "type": "Conv2D", "filters": 2, "kernel": 3},
      {"id": "f", "type": "Flatten"}, {"id": "out", "type": "Dense", "units": 2}],
      "edges": [["x", "c"], ["c", "f"], ["f", "out"]],
      "loss": {"type": "cross_entropy", "block": "out"}})", "ones"), cpuBackend(), DType::F32, 1);
    std::vector<double> k(18, 1.0);
    for (int i = 9; i < 18; ++i) k[size_t(i)] = -1;  // channel 1: the opposite
    ones.params()[0].second->value.fromHost(k);
    ones.params()[1].second->value.fromHost(std::vector<double>{0, 0});
    VisualizeTarget unit;
    unit.block = "c";
    unit.channel = 0;
    const Visualization u = visualize(ones, unit, o);
    qInfo("c:0: mean %.3f → %.3f", u.startScore, u.score);
    QVERIFY(u.startScore > 3 && u.startScore < 6);
    QVERIFY2(u.score > 8.5, qPrintable(QString::number(u.score)));
    unit.channel = 1;
    const Visualization v = visualize(ones, unit, o);  // best: the all-zeros image, mean 0
    QVERIFY2(v.score > -0.5, qPrintable(QString::number(v.score)));

    int calls = 0;
    visualize(*net, cls, o, [&](double) { return ++calls < 5; });
    QCOMPARE(calls, 5);
    QVERIFY(!net->inputGradientOn());
  }

  void visualizeNamesWhatIsWrong() {
    auto net = cnn();
    VisualizeTarget t;
    t.block = "conv9";
    t.channel = 0;
    QString e = errorOf([&] { visualize(*net, t); });
    QVERIFY2(e.contains("\"conv9\"") && e.contains("c1"), qPrintable(e));
    t.block = "c1";
    t.channel = 8;
    e = errorOf([&] { visualize(*net, t); });
    QVERIFY2(e.contains("channel 8") && e.contains("0 to 7"), qPrintable(e));
    t = {};
    t.cls = 10;
    e = errorOf([&] { visualize(*net, t); });
    QVERIFY2(e.contains("class 10") && e.contains("0 to 9"), qPrintable(e));
    t = {};
    QVERIFY(errorOf([&] { visualize(*net, t); }).contains("class"));
  }
};

QTEST_GUILESS_MAIN(TestExplain)
#include "tst_explain.moc"
