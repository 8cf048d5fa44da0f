// gradlab-cli explain saliency | adversarial | visualize: the dumps hold what the README says
// with the right shapes and the same numbers as core/explain in-process; every bad input (a
// wrong shape, a class out of range, a missing block, a bad --unit, --eps or --method) gets a
// message naming it and a non-zero exit, never a crash.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "explain/saliency.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::writeFile;

namespace {
const char* kNet = R"({"format": "gradlab.network/1", "name": "small-cnn", "blocks": [
  {"id": "x", "type": "Input", "shape": [1, 8, 8]},
  {"id": "c1", "type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "relu"},
  {"id": "p1", "type": "MaxPool2D", "size": 2},
  {"id": "f", "type": "Flatten"},
  {"id": "out", "type": "Dense", "units": 3}],
  "edges": [["x", "c1"], ["c1", "p1"], ["p1", "f"], ["f", "out"]],
  "loss": {"type": "cross_entropy", "block": "out"}})";

HostTensor uniform(const Shape& shape, uint64_t seed) {
  Rng rng(seed);
  HostTensor t{shape, DType::F32, std::vector<double>(size_t(numel(shape)))};
  for (auto& v : t.values) v = double(float(rng.uniform()));
  return t;
}
}  // namespace

class TstCliExplain : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString net_, weights_, input_, data_;
  std::unique_ptr<Network> network_;
  HostTensor x_;

  QString path(const QString& name) const { return dir_.filePath(name); }

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    net_ = writeFile(path("small.net.json"), kNet);
    network_ = std::make_unique<Network>(parseNetwork(kNet, "small"), cpuBackend(), DType::F32, 7);
    weights_ = path("w.safetensors");
    writeSafetensors(weights_.toStdString(), network_->weights());
    x_ = uniform({5, 1, 8, 8}, 2);
    input_ = path("x.safetensors");
    writeSafetensors(input_.toStdString(), {{"x", x_}});
    // A small classification set (x [60, 1, 8, 8] in [0, 1], y [60] classes 0..2) for adversarial.
    HostTensor y{{60}, DType::F32, {}};
    for (int i = 0; i < 60; ++i) y.values.push_back(i % 3);
    data_ = path("data.safetensors");
    writeSafetensors(data_.toStdString(), {{"x", uniform({60, 1, 8, 8}, 3)}, {"y", y}});
  }

  // The dump equals saliency() in-process: predicted classes and ∂score/∂x.
  void saliencyDump() {
    const auto r = runCli({"explain", "saliency", net_, "--weights", weights_, "--input", input_,
                           "--dump", path("s.safetensors"), "--backend", "cpu"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains("sample 4: class"), qPrintable(r.out));
    const TensorMap d = readSafetensors(path("s.safetensors").toStdString());
    QCOMPARE(d.at("saliency").shape, (Shape{5, 1, 8, 8}));
    QCOMPARE(d.at("class").shape, (Shape{5}));
    QCOMPARE(d.at("probabilities").shape, (Shape{5, 3}));
    Tensor x = cpuBackend().empty(x_.shape, DType::F32);
    x.fromHost(std::span<const double>(x_.values));
    const Saliency s = saliency(*network_, x, std::vector<int>(5, -1));
    for (size_t i = 0; i < 5; ++i) QCOMPARE(int(d.at("class").values[i]), s.classes[i]);
    for (size_t i = 0; i < s.gradient.size(); ++i)
      QCOMPARE(float(d.at("saliency").values[i]), s.gradient[i]);
    // --class for every sample; SmoothGrad.
    const auto r2 = runCli({"explain", "saliency", net_, "--weights", weights_, "--input", input_,
                            "--dump", path("s2.safetensors"), "--class", "2", "--smooth", "4"});
    QVERIFY2(!r2.crashed && r2.exitCode == 0, qPrintable(describe(r2)));
    const TensorMap d2 = readSafetensors(path("s2.safetensors").toStdString());
    for (double c : d2.at("class").values) QCOMPARE(c, 2.0);
    QVERIFY(d2.at("saliency").values != d.at("saliency").values);
  }

  void adversarialCurveAndDump() {
    const auto r = runCli({"explain", "adversarial", net_, "--weights", weights_, "--data", data_,
                           "--eps", "0,0.05,0.3", "--method", "pgd", "--steps", "3", "--dump",
                           path("adv.safetensors"), "--dump-samples", "4"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY2(r.out.contains("pgd attack (3 steps)"), qPrintable(r.out));
    // One line per ε: "eps accuracy samples", accuracies falling.
    std::vector<double> acc;
    for (const QString& line : r.out.split('\n')) {
      const QStringList f = line.split(' ', Qt::SkipEmptyParts);
      if (f.size() == 3 && f[2] == "12") acc.push_back(f[1].toDouble());
    }
    QCOMPARE(acc.size(), size_t(3));
    QVERIFY(acc[2] <= acc[0]);
    const TensorMap d = readSafetensors(path("adv.safetensors").toStdString());
    QCOMPARE(d.at("x").shape, (Shape{4, 1, 8, 8}));
    QCOMPARE(d.at("adv_2").shape, (Shape{4, 1, 8, 8}));
    QCOMPARE(d.at("eps").values, (std::vector<double>{0, 0.05f, 0.3f}));
    QCOMPARE(d.at("adv_0").values, d.at("x").values);
    for (size_t i = 0; i < d.at("x").values.size(); ++i)
      QVERIFY(std::abs(d.at("adv_2").values[i] - d.at("x").values[i]) <= 0.3 + 1e-6);
  }

  void visualizeDump() {
    const auto r = runCli({"explain", "visualize", net_, "--weights", weights_, "--class", "1",
                           "--steps", "30", "--dump", path("v.safetensors"), "--seed", "3"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    const TensorMap d = readSafetensors(path("v.safetensors").toStdString());
    QCOMPARE(d.at("image").shape, (Shape{1, 8, 8}));
    QVERIFY(d.at("score").values[0] > d.at("start_score").values[0]);
    const auto u = runCli({"explain", "visualize", net_, "--weights", weights_, "--unit", "c1:2",
                           "--steps", "10", "--jitter", "1", "--dump", path("u.safetensors")});
    QVERIFY2(!u.crashed && u.exitCode == 0, qPrintable(describe(u)));
    QVERIFY2(u.out.contains("c1:2: score"), qPrintable(u.out));
  }

  void errors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString n = net_, w = weights_, in = input_, out = path("e.safetensors");
    writeSafetensors(path("wrong.safetensors").toStdString(), {{"x", uniform({2, 1, 7, 8}, 1)}});
    writeSafetensors(path("nox.safetensors").toStdString(), {{"images", uniform({2, 1, 8, 8}, 1)}});
    QTest::newRow("class out of range")
        << QStringList{"explain", "saliency", n, "--weights", w, "--input", in, "--dump", out,
                       "--class", "3"} << "--class 3 is out of range";
    QTest::newRow("wrong input shape")
        << QStringList{"explain", "saliency", n, "--weights", w, "--input",
                       path("wrong.safetensors"), "--dump", out} << "2×1×7×8";
    QTest::newRow("no x") << QStringList{"explain", "saliency", n, "--weights", w, "--input",
                                         path("nox.safetensors"), "--dump", out}
                          << "has no tensor \"x\"";
    QTest::newRow("weights of another network")
        << QStringList{"explain", "saliency", n, "--weights", in, "--input", in, "--dump", out}
        << "do not fit this network";
    QTest::newRow("missing block")
        << QStringList{"explain", "visualize", n, "--weights", w, "--unit", "conv9:0", "--dump", out}
        << "\"conv9\"";
    QTest::newRow("channel out of range")
        << QStringList{"explain", "visualize", n, "--weights", w, "--unit", "c1:4", "--dump", out}
        << "channel 4";
    QTest::newRow("bad unit")
        << QStringList{"explain", "visualize", n, "--weights", w, "--unit", "c1", "--dump", out}
        << "BLOCK:CHANNEL";
    QTest::newRow("class and unit")
        << QStringList{"explain", "visualize", n, "--weights", w, "--unit", "c1:0", "--class",
                       "1", "--dump", out} << "exactly one";
    QTest::newRow("visualize class out of range")
        << QStringList{"explain", "visualize", n, "--weights", w, "--class", "7", "--dump", out}
        << "--class 7";
    QTest::newRow("bad method")
        << QStringList{"explain", "adversarial", n, "--weights", w, "--data", data_, "--method",
                       "deepfool"} << "deepfool";
    QTest::newRow("negative eps")
        << QStringList{"explain", "adversarial", n, "--weights", w, "--data", data_, "--eps",
                       "0,-0.1"} << "--eps must be between 0 and 1, got -0.1";
    QTest::newRow("no data")
        << QStringList{"explain", "adversarial", n, "--weights", w} << "--dataset";
  }
  void errors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    EXPECT_CLEAN_FAILURE(runCli(args), message);
  }
};

QTEST_GUILESS_MAIN(TstCliExplain)
#include "tst_cli_explain.moc"
