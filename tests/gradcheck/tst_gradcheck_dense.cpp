// Finite-difference gradient checks (double precision) for the dense-network blocks, every
// activation, every loss and the L1/L2 penalties.
#include <QtTest>

#include "backend/backend.h"
#include "blocks/activation.h"
#include "optim/optimizer.h"
#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;
using gradlab::test::checkLoss;
using gradlab::test::kGradTolerance;

class TestGradcheckDense : public QObject {
  Q_OBJECT
 private slots:
  void dense_data() {
    QTest::addColumn<QString>("activation");
    for (const auto& a : activationNames()) QTest::newRow(a.c_str()) << QString::fromStdString(a);
  }
  void dense() {
    QFETCH(QString, activation);
    EXPECT_GRADS(checkBlock(block("Dense", {{"units", 4}, {"activation", activation.toStdString()}}),
                            {{5}}));
  }
  void denseWithoutBias() {
    EXPECT_GRADS(checkBlock(block("Dense", {{"units", 3}, {"use_bias", false}}), {{4}}));
  }
  void activation_data() { dense_data(); }
  void activation() {
    QFETCH(QString, activation);
    EXPECT_GRADS(checkBlock(block("Activation", {{"function", activation.toStdString()}}), {{6}}));
  }
  void activationOnImages() {
    EXPECT_GRADS(checkBlock(block("Activation", {{"function", "tanh"}}), {{2, 3, 3}}));
  }
  void add() { EXPECT_GRADS(checkBlock(block("Add"), {{4}, {4}, {4}})); }
  void concatFlat() { EXPECT_GRADS(checkBlock(block("Concat"), {{3}, {2}, {4}})); }
  void concatSequences() { EXPECT_GRADS(checkBlock(block("Concat"), {{5, 2}, {5, 3}})); }
  void concatImages() { EXPECT_GRADS(checkBlock(block("Concat"), {{2, 3, 3}, {1, 3, 3}})); }

  void losses_data() {
    QTest::addColumn<QString>("loss");
    for (const char* l : {"mse", "bce", "bce_logits", "cross_entropy"}) QTest::newRow(l) << l;
  }
  void losses() {
    QFETCH(QString, loss);
    EXPECT_GRADS(checkLoss(loss.toStdString(), {5, 3}, 3));
  }

  // The penalty's gradient is what the optimizer adds to g: with g = 0 and SGD at lr 1,
  // w − w′ = ∂penalty/∂w, compared with central differences of Optimizer::penalty.
  void penalties_data() {
    QTest::addColumn<double>("l1");
    QTest::addColumn<double>("l2");
    QTest::newRow("l1") << 0.3 << 0.0;
    QTest::newRow("l2") << 0.0 << 0.7;
    QTest::newRow("both") << 0.2 << 0.5;
  }
  void penalties() {
    QFETCH(double, l1);
    QFETCH(double, l2);
    Backend& be = cpuBackend();
    Param p;
    p.decl = ParamDecl{"weight", {3, 4}, "zeros", 4, 3};
    p.value = be.empty({3, 4}, DType::F64);
    std::vector<double> w{0.3, -0.2, 0.5, -0.9, 0.11, 0.7, -0.4, 0.25, -0.6, 0.8, -0.05, 0.33};
    p.value.fromHost(std::span<const double>(w));
    p.grad = be.zeros({3, 4}, DType::F64);
    p.s1 = be.zeros({3, 4}, DType::F64);
    p.s2 = be.zeros({3, 4}, DType::F64);
    std::vector<std::pair<std::string, Param*>> params{{"b.weight", &p}};
    Optimizer opt(OptimKind::Sgd, OptimHyper{.lr = 1.0}, be);
    opt.setPenalties(l1, l2);
    opt.update(params);
    const auto after = p.value.toHost();
    for (size_t i = 0; i < w.size(); ++i) {
      const double h = 1e-6;
      auto at = [&](double v) {
        std::vector<double> x = w;
        x[i] = v;
        p.value.fromHost(std::span<const double>(x));
        return opt.penalty(params);
      };
      const double numeric = (at(w[i] + h) - at(w[i] - h)) / (2 * h);
      QVERIFY2(std::abs((w[i] - after[i]) - numeric) < kGradTolerance,
               qPrintable(QString("element %1: %2 vs %3").arg(i).arg(w[i] - after[i]).arg(numeric)));
    }
  }
};

QTEST_APPLESS_MAIN(TestGradcheckDense)
#include "tst_gradcheck_dense.moc"
