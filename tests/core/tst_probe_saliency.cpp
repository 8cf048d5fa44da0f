// The saliency probe (train/probes/saliency.h) on a small CNN: the gradient it reports is the
// class score's, checked by central differences on the network itself; the class, the
// probabilities, SmoothGrad and the user's own image (also through the Inside probe) reach the
// result; the weights stay as they were; a network that is no classifier gets a message.
#include <QTest>
#include <cmath>

#include "train/probes/inside.h"
#include "train/probes/saliency.h"
#include "train/trainer.h"

using namespace gradlab;

namespace {
// 200 8 × 8 images: a 3 × 3 bright square on the left half (class 0) or the right half (1).
Split squares() {
  Dataset d;
  d.name = "squares";
  d.xShape = {1, 8, 8};
  d.numClasses = 2;
  d.classNames = {"left", "right"};
  for (int i = 0; i < 200; ++i) {
    const int cls = i % 2, r0 = (i / 2) % 6, c0 = cls * 4 + (i / 12) % 2;
    for (int p = 0; p < 64; ++p) {
      const int r = p / 8, c = p % 8;
      d.x.push_back(r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3 ? 1.0f : 0.1f);
    }
    d.y.push_back(float(cls));
  }
  return splitDataset(d, 0.2, 1);
}

NetworkSpec cnn() {
  return parseNetwork(R"({"format": "gradlab.network/1",
    "blocks": [{"id": "x", "type": "Input", "shape": [1, 8, 8]},
               {"id": "c1", "type": "Conv2D", "filters": 4, "kernel": 3, "activation": "tanh"},
               {"id": "f", "type": "Flatten"},
               {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "c1"], ["c1", "f"], ["f", "out"]],
    "loss": {"type": "cross_entropy", "block": "out"}})", "test");
}

template <class P>
std::shared_ptr<const P> measure(Trainer& t, const nlohmann::json& options) {
  const ProbeContext ctx{t, options, nullptr, nullptr, nullptr, PlotRange{}, false};
  return std::dynamic_pointer_cast<const P>(P::kType.measure(ctx));
}

// The score of class `cls` for one input, by a plain forward pass.
double score(Trainer& t, const std::vector<float>& x, int cls) {
  Network& net = t.network();
  Tensor in = net.backend().empty(withBatch(1, net.inputShape()), net.dtype());
  in.fromHost(std::span<const float>(x));
  net.forward(in, false);
  return net.output(net.lossBlock()).toHost()[size_t(cls)];
}
}  // namespace

class TestProbeSaliency : public QObject {
  Q_OBJECT
 private slots:
  void gradientOfTheClassScore() {
    const Split data = squares();
    Trainer t(cnn(), data, TrainConfig{}, cpuBackend(), DType::F32);
    for (int i = 0; i < 60; ++i) t.step();
    const TensorMap before = t.network().weights();
    auto r = measure<SaliencyProbe>(t, {{"sample", 3}, {"class", -1}});
    QVERIFY(r && r->why.empty());
    QVERIFY(r->onTest && !r->ownImage);
    QCOMPARE(r->sample, int64_t(3));
    QCOMPARE(r->inputShape, (Shape{1, 8, 8}));
    QCOMPARE(r->gradient.size(), size_t(64));
    for (int j = 0; j < 64; ++j) QCOMPARE(r->input[size_t(j)], data.test.x[size_t(3 * 64 + j)]);
    QCOMPARE(r->truth, int(data.test.y[3]));
    // The predicted class is explained; the probabilities are a softmax.
    QVERIFY(r->predictedClass);
    QCOMPARE(r->cls, r->predicted);
    QCOMPARE(r->probabilities.size(), size_t(2));
    QVERIFY(std::abs(r->probabilities[0] + r->probabilities[1] - 1.0f) < 1e-5f);
    QVERIFY(r->probabilities[size_t(r->predicted)] >= 0.5f);
    // ∂score/∂x_i by central differences, for a few pixels (float: h = 1e-2, tolerance 2 %).
    double largest = 0;
    for (float g : r->gradient) largest = std::max(largest, std::abs(double(g)));
    QVERIFY(largest > 0);
    for (int i : {0, 9, 27, 36, 63}) {
      std::vector<float> plus = r->input, minus = r->input;
      plus[size_t(i)] += 0.01f;
      minus[size_t(i)] -= 0.01f;
      const double fd = (score(t, plus, r->cls) - score(t, minus, r->cls)) / 0.02;
      QVERIFY2(std::abs(fd - r->gradient[size_t(i)]) < 0.02 * largest + 1e-4,
               qPrintable(QString("pixel %1: probe %2, finite differences %3").arg(i).arg(r->gradient[size_t(i)]).arg(fd)));
    }
    // The weights are the trainer's as they were.
    const TensorMap after = t.network().weights();
    for (const auto& [name, w] : before) QCOMPARE(after.at(name).values, w.values);

    // Another class: its own gradient (for two classes of a linear head: of the other sign
    // wherever the shared features carry it, so not the same map).
    const int other = 1 - r->cls;
    auto o = measure<SaliencyProbe>(t, {{"sample", 3}, {"class", other}});
    QCOMPARE(o->cls, other);
    QVERIFY(!o->predictedClass);
    QVERIFY(o->gradient != r->gradient);
    // A class the network does not have (from an earlier network): the predicted one.
    QCOMPARE(measure<SaliencyProbe>(t, {{"sample", 3}, {"class", 7}})->cls, r->predicted);
  }

  void smoothGrad() {
    const Split data = squares();
    Trainer t(cnn(), data, TrainConfig{}, cpuBackend(), DType::F32);
    for (int i = 0; i < 30; ++i) t.step();
    auto plain = measure<SaliencyProbe>(t, {{"sample", 5}});
    auto smooth = measure<SaliencyProbe>(t, {{"sample", 5}, {"smooth", 8}});
    QCOMPARE(smooth->smooth, 8);
    QCOMPARE(smooth->gradient.size(), plain->gradient.size());
    QVERIFY(smooth->gradient != plain->gradient);
    QCOMPARE(smooth->cls, plain->cls);
    QCOMPARE(measure<SaliencyProbe>(t, {{"sample", 5}, {"smooth", 100000}})->smooth, SaliencyProbe::kMaxSmooth);
  }

  // The user's own image (data/own_image.h's values) goes through the network instead of a
  // sample: the same numbers give the same gradient; the Inside probe shows it with the
  // prediction's probabilities.
  void ownImage() {
    const Split data = squares();
    Trainer t(cnn(), data, TrainConfig{}, cpuBackend(), DType::F32);
    for (int i = 0; i < 30; ++i) t.step();
    const std::vector<float> image(data.test.x.begin() + 2 * 64, data.test.x.begin() + 3 * 64);
    auto sample = measure<SaliencyProbe>(t, {{"sample", 2}});
    auto own = measure<SaliencyProbe>(t, {{"image", image}});
    QVERIFY(own && own->why.empty());
    QVERIFY(own->ownImage);
    QCOMPARE(own->sample, int64_t(-1));
    QCOMPARE(own->truth, -1);
    QCOMPARE(own->gradient, sample->gradient);
    QCOMPARE(own->probabilities, sample->probabilities);
    auto wrong = measure<SaliencyProbe>(t, {{"image", std::vector<float>(10, 0.5f)}});
    QVERIFY2(wrong->why.starts_with("The image has 10 values; the network's input 1×8×8 takes 64"),
             wrong->why.c_str());

    auto inside = measure<InsideProbe>(t, {{"block", "c1"}, {"image", image}});
    QVERIFY(inside && inside->why.empty() && inside->ownImage);
    QCOMPARE(inside->input.values, image);
    QCOMPARE(inside->truth, -1);
    QCOMPARE(inside->predicted, sample->predicted);
    QCOMPARE(inside->probabilities.size(), size_t(2));
    QVERIFY(std::abs(inside->probabilities[0] - sample->probabilities[0]) < 1e-5f);
    QCOMPARE(inside->pictures.front().shape, (Shape{4, 6, 6}));  // c1's four feature maps
    auto insideWrong = measure<InsideProbe>(t, {{"block", "c1"}, {"image", std::vector<float>(3, 0.f)}});
    QVERIFY(!insideWrong->why.empty());
  }

  void notAClassifier() {
    Dataset d;
    d.xShape = {2};
    d.yShape = {1};
    for (int i = 0; i < 20; ++i) {
      d.x.insert(d.x.end(), {float(i), float(-i)});
      d.y.push_back(float(i));
    }
    const NetworkSpec reg = parseNetwork(R"({"format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "out", "type": "Dense", "units": 1}],
      "edges": [["x", "out"]], "loss": {"type": "mse", "block": "out"}})", "test");
    Trainer t(reg, splitDataset(d, 0.2, 1), TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure<SaliencyProbe>(t, {{"sample", 0}});
    QVERIFY(r);
    QVERIFY2(r->why.starts_with("Saliency explains a class score: it needs a classifier"), r->why.c_str());
  }
};

QTEST_MAIN(TestProbeSaliency)
#include "tst_probe_saliency.moc"
