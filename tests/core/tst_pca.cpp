// Principal components and principal angles (explain/pca.h), the parts of the
// linear-autoencoder-equals-PCA check: components of data with known axes, angles between
// subspaces with known angles, and the decoder comparison on a network whose decoder spans the
// components exactly (mixed by an invertible matrix, shifted by a bias) or spans other
// directions. tst_cli_pca_angles trains the real thing on Fashion-MNIST.
#include <QtTest>
#include <cmath>

#include "explain/pca.h"
#include "spec/network_spec.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;

namespace {
// n samples in 4-D: independent Gaussians of standard deviations 3, 2, 1, 0.5 along the axes
// e₂, e₀, e₃, e₁ (in that order of size), around the mean (1, −2, 0.5, 4).
Dataset axes(int64_t n) {
  Dataset d;
  d.name = "axes";
  d.xShape = {4};
  d.yShape = {4};
  Rng rng(5);
  const double sd[4] = {2, 0.5, 3, 1}, mean[4] = {1, -2, 0.5, 4};
  for (int64_t i = 0; i < n; ++i)
    for (int j = 0; j < 4; ++j) d.x.push_back(float(mean[j] + sd[j] * rng.normal()));
  d.y = d.x;
  return d;
}

constexpr double kPi = 3.14159265358979323846;

// A linear autoencoder d → k → d.
NetworkSpec linearAutoencoder(int64_t d, int64_t k) {
  return parseNetwork(
      R"({"format": "gradlab.network/1", "blocks": [
        {"id": "x", "type": "Input", "shape": [)" + std::to_string(d) + R"(]},
        {"id": "code", "type": "Dense", "units": )" + std::to_string(k) + R"(},
        {"id": "out", "type": "Dense", "units": )" + std::to_string(d) + R"(}],
        "edges": [["x", "code"], ["code", "out"]], "loss": {"type": "mse", "block": "out"}})",
      "test");
}
}  // namespace

class TestPca : public QObject {
  Q_OBJECT
 private slots:
  void componentsOfKnownAxes() {
    const Pca p = principalComponents(axes(20000), 2);
    QCOMPARE(p.count(), int64_t(2));
    QCOMPARE(p.samples, int64_t(20000));
    // The largest variance lies along e₂ (sd 3), the next along e₀ (sd 2).
    QVERIFY2(std::abs(std::abs(p.components[2]) - 1) < 1e-3, "component 1 is not ±e₂");
    QVERIFY2(std::abs(std::abs(p.components[4 + 0]) - 1) < 1e-3, "component 2 is not ±e₀");
    QVERIFY(std::abs(p.variances[0] - 9) < 0.3);
    QVERIFY(std::abs(p.variances[1] - 4) < 0.15);
    QVERIFY(std::abs(p.totalVariance - (9 + 4 + 1 + 0.25)) < 0.4);
    QVERIFY(std::abs(p.explained() - 13 / 14.25) < 0.01);
    QVERIFY(std::abs(p.mean[3] - 4) < 0.05);
  }

  void anglesBetweenPlanes() {
    // In 3-D: the x-y plane against the plane through x tilted by 30° about the x axis.
    const double t = 30 * kPi / 180;
    const std::vector<double> a{1, 0, 0, 1, 0, 0};  // [3, 2] columns e₀, e₁
    const std::vector<double> b{2, 0, 0, std::cos(t), 0, std::sin(t)};  // e₀·2, tilted e₁
    const auto angles = principalAngles(a, 2, b, 2, 3);
    QCOMPARE(angles.size(), size_t(2));
    QVERIFY(std::abs(angles[0]) < 1e-9);
    QVERIFY(std::abs(angles[1] - t) < 1e-9);
    // A rank-1 matrix spans one direction: one angle.
    const std::vector<double> c{1, 2, 0, 0, 0, 0};
    QCOMPARE(principalAngles(c, 2, b, 2, 3).size(), size_t(1));
  }

  void decoderSpanningTheComponents() {
    const Dataset data = axes(5000);
    const Pca p = principalComponents(data, 2);
    Network net(linearAutoencoder(4, 2), cpuBackend(), DType::F64, 1);
    // Decoder weight [4, 2] = components · M for an invertible M: the same subspace.
    const double m[2][2] = {{0.7, -1.3}, {2.1, 0.4}};
    std::vector<double> w(8);
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 2; ++j)
        w[size_t(i * 2 + j)] = p.components[size_t(i)] * m[0][j] + p.components[size_t(4 + i)] * m[1][j];
    Block* out = net.block("out");
    out->params()[0].value.fromHost(std::span<const double>(w));
    DecoderPca r = decoderPca(net, p);
    QCOMPARE(r.block, std::string("out"));
    QCOMPARE(r.width, int64_t(2));
    QCOMPARE(r.rank, int64_t(2));
    QVERIFY2(r.meanCos2 > 1 - 1e-9, qPrintable(QString::number(r.meanCos2)));

    // The coordinate axes e₁, e₃ (the two smallest variances) are orthogonal to the top two.
    std::vector<double> other(8, 0.0);
    other[1 * 2 + 0] = 1;
    other[3 * 2 + 1] = 1;
    out->params()[0].value.fromHost(std::span<const double>(other));
    r = decoderPca(net, p);
    QVERIFY2(r.meanCos2 < 1e-3, qPrintable(QString::number(r.meanCos2)));
    QVERIFY(std::abs(r.angles[0] - kPi / 2) < 0.05);
  }

  void notAnAutoencoder() {
    const NetworkSpec spec = parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
        {"id": "x", "type": "Input", "shape": [4]}, {"id": "y", "type": "Dense", "units": 3}],
        "edges": [["x", "y"]], "loss": {"type": "mse", "block": "y"}})", "test");
    Network net(spec, cpuBackend(), DType::F32, 1);
    try {
      decoderDense(net);
      QFAIL("a network without a decoder was accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("Dense 4"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(Error, principalComponents(axes(10), 5));
    QVERIFY_THROWS_EXCEPTION(Error, principalComponents(axes(1), 1));
  }
};

QTEST_APPLESS_MAIN(TestPca)
#include "tst_pca.moc"
