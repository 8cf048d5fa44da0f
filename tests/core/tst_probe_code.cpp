// The code probe (where an autoencoder puts each sample in its code): the narrowest block by
// default, a chosen block on request; a 2-unit code drawn as it is (the very outputs of the
// block), a wider one projected on its top two principal components; each point coloured by the
// class the data kept when its targets became its inputs; the decoder's principal angles to the
// data's PCA, carried over while the data stays; a plain message for a block that is not there.
#include <QTest>
#include <cmath>

#include "train/probes/code.h"
#include "train/trainer.h"
#include "util/rng.h"

using namespace gradlab;

namespace {
std::shared_ptr<const CodeProbe> measure(Trainer& t, const nlohmann::json& options,
                                         std::shared_ptr<const ProbeResult> last = nullptr) {
  const ProbeContext ctx{t, options, std::move(last), nullptr, nullptr, PlotRange{}, false};
  return std::dynamic_pointer_cast<const CodeProbe>(measureCode(ctx));
}

// 400 small "images" of 3 classes: a bright bar, row, column or diagonal, on a noisy 6 × 6 field.
Split bars() {
  Dataset d;
  d.name = "bars";
  d.xShape = {1, 6, 6};
  d.yShape = {};
  d.numClasses = 3;
  d.classNames = {"row", "column", "diagonal"};
  Rng rng(2);
  for (int i = 0; i < 400; ++i) {
    const int c = i % 3, at = int(rng.below(6));
    for (int p = 0; p < 36; ++p) {
      const int r = p / 6, q = p % 6;
      const bool on = c == 0 ? r == at : c == 1 ? q == at : r == q;
      d.x.push_back(float((on ? 0.9 : 0.05) + 0.05 * rng.uniform()));
    }
    d.y.push_back(float(c));
  }
  Split s = splitDataset(d, 0.25, 1);
  makeReconstruction(s);
  return s;
}

NetworkSpec autoencoder(int code) {
  return parseNetwork(R"({"format": "gradlab.network/1",
    "blocks": [{"id": "x", "type": "Input", "shape": [1, 6, 6]},
               {"id": "flat", "type": "Flatten"},
               {"id": "hidden", "type": "Dense", "units": 12, "activation": "tanh"},
               {"id": "code", "type": "Dense", "units": )" + std::to_string(code) + R"(},
               {"id": "pixels", "type": "Dense", "units": 36, "activation": "sigmoid"},
               {"id": "image", "type": "Reshape", "shape": [1, 6, 6]}],
    "edges": [["x", "flat"], ["flat", "hidden"], ["hidden", "code"], ["code", "pixels"],
              ["pixels", "image"]],
    "loss": {"type": "mse", "block": "image"}})", "test");
}
}  // namespace

class TestProbeCode : public QObject {
  Q_OBJECT
 private slots:
  void twoUnitCodeAsItIs() {
    const Split data = bars();
    QCOMPARE(data.test.labels.size(), size_t(data.test.size()));  // kept by makeReconstruction
    Trainer t(autoencoder(2), data, TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure(t, {{"count", 50}});
    QVERIFY(r && r->why.empty());
    QCOMPARE(r->block, std::string("code"));  // the narrowest
    QCOMPARE(r->width, int64_t(2));
    QVERIFY(!r->projected);
    QCOMPARE(r->xs.size(), size_t(50));
    QCOMPARE(r->classes, 3);
    QCOMPARE(r->classNames[2], std::string("diagonal"));
    for (int i = 0; i < 50; ++i) QCOMPARE(r->labels[size_t(i)], data.test.labels[size_t(i)]);
    // The points are the code block's outputs for the first test samples.
    t.network().forward(t.makeInput(data.test, 0, 2), false);
    const auto code = t.network().output("code").toHostF32();
    QCOMPARE(r->xs[1], code[2]);
    QCOMPARE(r->ys[1], code[3]);
    QCOMPARE(r->choices.size(), size_t(5));  // every block but the Input
  }

  void widerCodeProjected() {
    const Split data = bars();
    Trainer t(autoencoder(4), data, TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure(t, {{"block", "hidden"}});
    QVERIFY(r && r->why.empty());
    QCOMPARE(r->block, std::string("hidden"));
    QCOMPARE(r->width, int64_t(12));
    QVERIFY(r->projected);
    QVERIFY(r->explained > 0 && r->explained <= 1 + 1e-9);
    QCOMPARE(r->xs.size(), size_t(data.test.size()));  // count defaults to 1000: all 100

    auto missing = measure(t, {{"block", "nope"}});
    QVERIFY(missing && missing->xs.empty());
    QVERIFY2(QString::fromStdString(missing->why).contains("nope"), missing->why.c_str());
  }

  void projectionKeepsAPlane() {
    // Points on a tilted plane in 3-D: two components hold all the variance, and the projection
    // keeps the distances between points.
    std::vector<float> codes;
    Rng rng(3);
    for (int i = 0; i < 200; ++i) {
      const double a = rng.normal(), b = 3 * rng.normal();
      codes.insert(codes.end(), {float(a + 1), float(a + b), float(b - 2)});
    }
    std::vector<float> xs, ys;
    const double explained = projectCodes(codes, 200, 3, xs, ys);
    QVERIFY(std::abs(explained - 1) < 1e-6);
    auto dist3 = [&](int i, int j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += std::pow(codes[size_t(i * 3 + k)] - codes[size_t(j * 3 + k)], 2);
      return std::sqrt(s);
    };
    const double d2 = std::hypot(xs[0] - xs[7], ys[0] - ys[7]);
    QVERIFY(std::abs(d2 - dist3(0, 7)) < 1e-4 * dist3(0, 7));
  }

  void decoderAnglesCarriedOver() {
    const Split data = bars();
    Trainer t(autoencoder(2), data, TrainConfig{}, cpuBackend(), DType::F32);
    auto r = measure(t, nlohmann::json::object());
    QVERIFY(r->hasAngles);
    QCOMPARE(r->decoder.block, std::string("pixels"));
    QCOMPARE(r->decoder.angles.size(), size_t(2));
    QVERIFY(r->dataPca && r->dataPca->count() == 2);
    auto again = measure(t, nlohmann::json::object(), r);
    QCOMPARE(again->dataPca.get(), r->dataPca.get());  // computed once per data set
  }
};

QTEST_GUILESS_MAIN(TestProbeCode)
#include "tst_probe_code.moc"
