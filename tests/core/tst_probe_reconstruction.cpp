// The reconstruction probe (an autoencoder's samples beside their reconstructions): pictures of
// the right shape, each sample's error agreeing with the trainer's mse loss, errors falling as it
// trains, samples from a chosen one on, and a plain message for a network that is no
// autoencoder. Added with the view recipe of CONTRIBUTING.md (a probe file, a view file, a line
// in the view table).
#include <QTest>

#include "data/catalog.h"
#include "support/cli_runner.h"
#include "train/probes/reconstruction.h"

using namespace gradlab;

namespace {
NetworkSpec example(const char* name) {
  return loadNetwork(test::sourcePath(QString("examples/") + name).toStdString());
}

std::shared_ptr<const ReconstructionProbe> measure(Trainer& t, const nlohmann::json& options) {
  const ProbeContext ctx{t, options, nullptr, nullptr, nullptr, PlotRange{}, false};
  return std::dynamic_pointer_cast<const ReconstructionProbe>(measureReconstruction(ctx));
}

// 300 small "images": a bright square somewhere on a dark 8 × 8 field, as [1, 8, 8].
Split squares() {
  Dataset d;
  d.name = "squares";
  d.xShape = {1, 8, 8};
  for (int i = 0; i < 300; ++i)
    for (int p = 0; p < 64; ++p) {
      const int r = p / 8, c = p % 8, r0 = i % 5, c0 = (i / 5) % 5;
      d.x.push_back(r >= r0 && r < r0 + 3 && c >= c0 && c < c0 + 3 ? 1.0f : 0.0f);
    }
  d.yShape = {1};
  d.y.assign(300, 0.0f);
  Split s = splitDataset(d, 0.2, 1);
  makeReconstruction(s);
  return s;
}

NetworkSpec autoencoder8x8() {
  return parseNetwork(R"({"format": "gradlab.network/1",
    "blocks": [{"id": "x", "type": "Input", "shape": [1, 8, 8]},
               {"id": "flat", "type": "Flatten"},
               {"id": "code", "type": "Dense", "units": 8, "activation": "relu"},
               {"id": "pixels", "type": "Dense", "units": 64, "activation": "sigmoid"},
               {"id": "image", "type": "Reshape", "shape": [1, 8, 8]}],
    "edges": [["x", "flat"], ["flat", "code"], ["code", "pixels"], ["pixels", "image"]],
    "loss": {"type": "mse", "block": "image"}})", "test");
}
}  // namespace

class TestProbeReconstruction : public QObject {
  Q_OBJECT
 private slots:
  void picturesAndErrors() {
    const Split data = squares();
    TrainConfig c;
    c.seed = 3;
    Trainer t(autoencoder8x8(), data, c, cpuBackend(), DType::F32);
    auto r = measure(t, {{"count", 6}});
    QVERIFY(r && r->why.empty());
    QVERIFY(r->onTest);
    QCOMPARE(r->inputs.shape, (Shape{6, 8, 8}));
    QCOMPARE(r->outputs.shape, (Shape{6, 8, 8}));
    QCOMPARE(r->inputs.values.size(), size_t(6 * 64));
    QCOMPARE(r->errors.size(), size_t(6));
    // The inputs are the first test samples, as they are.
    for (int j = 0; j < 64; ++j) QCOMPARE(r->inputs.values[size_t(j)], data.test.x[size_t(j)]);
    // Each error is that sample's mean squared error: their mean is the mse loss on them.
    double mean = 0;
    for (double e : r->errors) mean += e / 6;
    QVERIFY(std::abs(mean - t.evaluate(data.test, 6).loss) < 1e-6);

    for (int i = 0; i < 600; ++i) t.step();
    auto later = measure(t, {{"count", 6}});
    double meanLater = 0;
    for (double e : later->errors) meanLater += e / 6;
    qInfo("mean squared error on 6 test squares: %.4f untrained, %.4f after 600 steps", mean, meanLater);
    QVERIFY(meanLater < mean / 2);
  }

  void chosenSamples() {
    const Split data = squares();
    Trainer t(autoencoder8x8(), data, TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure(t, {{"count", 4}, {"first", 10}});
    QVERIFY(r && r->why.empty());
    QCOMPARE(r->first, int64_t(10));
    QCOMPARE(r->inputs.shape, (Shape{4, 8, 8}));
    for (int j = 0; j < 4 * 64; ++j)
      QCOMPARE(r->inputs.values[size_t(j)], data.test.x[size_t(10 * 64 + j)]);
    // Past the end: the set's last samples (60 test squares).
    auto last = measure(t, {{"count", 4}, {"first", 1000}});
    QCOMPARE(last->first, int64_t(data.test.size() - 4));
  }

  void notAnAutoencoder() {
    Trainer t(example("spiral.net.json"), loadBuiltin("spiral", {.seed = 1}), TrainConfig{},
              cpuBackend(), DType::F32);
    auto r = measure(t, nlohmann::json::object());
    QVERIFY(r);
    QVERIFY2(QString::fromStdString(r->why).contains("autoencoder"), r->why.c_str());
    QVERIFY(r->errors.empty());

    // A classifier whose output is as large as its input (2 points in, 2 class scores out) is
    // no autoencoder either.
    NetworkSpec two = example("spiral.net.json");
    for (auto& b : two.blocks)
      if (b.id == two.loss.block) b.params["units"] = 2;
    two.loss.type = "cross_entropy";
    Trainer c(two, loadBuiltin("spiral", {.seed = 1}), TrainConfig{}, cpuBackend(), DType::F32);
    auto rc = measure(c, nlohmann::json::object());
    QVERIFY(rc);
    QVERIFY2(QString::fromStdString(rc->why).contains("autoencoder"), rc->why.c_str());
    QVERIFY(rc->errors.empty());

    // Nor a regression of one number on another (y = sin x: targets as large as the inputs).
    const NetworkSpec fit = parseNetwork(R"({"format": "gradlab.network/1",
      "blocks": [{"id": "x", "type": "Input", "shape": [1]},
                 {"id": "h", "type": "Dense", "units": 8, "activation": "tanh"},
                 {"id": "y", "type": "Dense", "units": 1}],
      "edges": [["x", "h"], ["h", "y"]], "loss": {"type": "mse", "block": "y"}})", "test");
    Trainer f(fit, loadBuiltin("fn-sine", {.seed = 1}), TrainConfig{}, cpuBackend(), DType::F32);
    auto rf = measure(f, nlohmann::json::object());
    QVERIFY(rf);
    QVERIFY2(QString::fromStdString(rf->why).contains("autoencoder"), rf->why.c_str());
  }
};

QTEST_GUILESS_MAIN(TestProbeReconstruction)
#include "tst_probe_reconstruction.moc"
