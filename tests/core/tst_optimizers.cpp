// Optimizer updates against values computed by hand from torch.optim's update rules.
// Two steps on w = [1, −2] with the constant gradient g = [0.5, −1].
#include <QtTest>

#include <cmath>

#include "backend/backend.h"
#include "optim/optimizer.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {
// Runs two updates and returns w after each.
std::vector<std::vector<double>> twoSteps(OptimKind kind, OptimHyper h, DType dtype) {
  Backend& be = cpuBackend();
  Param p;
  p.decl = ParamDecl{"weight", {2}, "zeros", 1, 1, /*penalised=*/false};
  p.value = be.empty({2}, dtype);
  p.value.fromHost(std::vector<double>{1.0, -2.0});
  p.grad = be.empty({2}, dtype);
  p.s1 = be.zeros({2}, dtype);
  p.s2 = be.zeros({2}, dtype);
  std::vector<std::pair<std::string, Param*>> params{{"w", &p}};
  Optimizer opt(kind, h, be);
  std::vector<std::vector<double>> out;
  for (int i = 0; i < 2; ++i) {
    p.grad.fromHost(std::vector<double>{0.5, -1.0});
    opt.update(params);
    out.push_back(p.value.toHost());
  }
  return out;
}

OptimHyper withLr(OptimKind k, double lr) {
  OptimHyper h = defaultHyper(k);
  h.lr = lr;
  return h;
}
}  // namespace

class TestOptimizers : public QObject {
  Q_OBJECT
 private slots:
  void updates_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("lr");
    QTest::addColumn<QList<double>>("expected");  // w after step 1 (2 values), after step 2
    // sgd: w ← w − 0.1 g
    QTest::newRow("sgd") << int(OptimKind::Sgd) << 0.1 << QList<double>{0.95, -1.9, 0.9, -1.8};
    // momentum: b₁ = g, w₁ = w − 0.1 b₁; b₂ = 0.9 b₁ + g = 1.9 g
    QTest::newRow("momentum") << int(OptimKind::Momentum) << 0.1
                              << QList<double>{0.95, -1.9, 0.95 - 0.1 * 0.95, -1.9 + 0.1 * 1.9};
    // nesterov: w₁ = w − 0.1 (g + 0.9 g); w₂ = w₁ − 0.1 (g + 0.9 · 1.9 g)
    QTest::newRow("nesterov") << int(OptimKind::Nesterov) << 0.1
                              << QList<double>{1 - 0.1 * 0.95, -2 + 0.1 * 1.9,
                                               1 - 0.1 * 0.95 - 0.1 * (0.5 + 0.9 * 0.95),
                                               -2 + 0.1 * 1.9 + 0.1 * (1 + 0.9 * 1.9)};
    // adagrad: s₁ = g², w₁ = w − 0.1 g/|g|; s₂ = 2g², w₂ = w₁ − 0.1 g/(√2 |g|)
    QTest::newRow("adagrad") << int(OptimKind::Adagrad) << 0.1
                             << QList<double>{0.9, -1.9, 0.9 - 0.1 / std::sqrt(2.0),
                                              -1.9 + 0.1 / std::sqrt(2.0)};
    // rmsprop (α 0.99): s₁ = 0.01 g², w₁ = w − 0.01 g/(0.1|g|); s₂ = 0.0199 g²
    QTest::newRow("rmsprop") << int(OptimKind::RmsProp) << 0.01
                             << QList<double>{0.9, -1.9, 0.9 - 0.01 / std::sqrt(0.0199),
                                              -1.9 + 0.01 / std::sqrt(0.0199)};
    // adam with a constant gradient: m̂ = g, v̂ = g², each step moves lr·sign(g)
    QTest::newRow("adam") << int(OptimKind::Adam) << 0.1 << QList<double>{0.9, -1.9, 0.8, -1.8};
    // adadelta (ρ 0.9, ε 1e−6, lr 1): s₁ = 0.1 g², Δ₁ = √ε/√(s₁+ε) g, u₁ = 0.1 Δ₁²;
    // s₂ = 0.19 g², Δ₂ = √(u₁+ε)/√(s₂+ε) g
    auto adadelta = [](double g) {
      const double s1 = 0.1 * g * g, d1 = std::sqrt(1e-6) / std::sqrt(s1 + 1e-6) * g;
      const double u1 = 0.1 * d1 * d1, s2 = 0.19 * g * g;
      const double d2 = std::sqrt(u1 + 1e-6) / std::sqrt(s2 + 1e-6) * g;
      return std::pair{d1, d2};
    };
    const auto [a1, a2] = adadelta(0.5);
    const auto [b1, b2] = adadelta(-1.0);
    QTest::newRow("adadelta") << int(OptimKind::Adadelta) << 1.0
                              << QList<double>{1 - a1, -2 - b1, 1 - a1 - a2, -2 - b1 - b2};
  }
  void updates() {
    QFETCH(int, kind);
    QFETCH(double, lr);
    QFETCH(QList<double>, expected);
    const auto k = OptimKind(kind);
    for (DType dt : {DType::F64, DType::F32}) {
      const auto w = twoSteps(k, withLr(k, lr), dt);
      const double tol = dt == DType::F64 ? 1e-7 : 1e-5;
      for (int s = 0; s < 2; ++s)
        for (int i = 0; i < 2; ++i)
          QVERIFY2(std::abs(w[size_t(s)][size_t(i)] - expected[s * 2 + i]) < tol,
                   qPrintable(QString("%1 step %2 w[%3] = %4, expected %5")
                                  .arg(toString(dt)).arg(s + 1).arg(i)
                                  .arg(w[size_t(s)][size_t(i)], 0, 'g', 12)
                                  .arg(expected[s * 2 + i], 0, 'g', 12)));
    }
  }
  void defaultsMatchTorch() {
    QCOMPARE(defaultHyper(OptimKind::Adam).lr, 0.001);
    QCOMPARE(defaultHyper(OptimKind::Adadelta).lr, 1.0);
    QCOMPARE(defaultHyper(OptimKind::RmsProp).rho, 0.99);
    QCOMPARE(defaultHyper(OptimKind::Adagrad).eps, 1e-10);
  }
  void clipping() {
    Backend& be = cpuBackend();
    Param p;
    p.decl = ParamDecl{"weight", {2}, "zeros", 1, 1, false};
    p.value = be.zeros({2}, DType::F64);
    p.grad = be.empty({2}, DType::F64);
    p.grad.fromHost(std::vector<double>{3.0, 4.0});  // norm 5
    p.s1 = be.zeros({2}, DType::F64);
    p.s2 = be.zeros({2}, DType::F64);
    std::vector<std::pair<std::string, Param*>> params{{"w", &p}};
    Optimizer opt(OptimKind::Sgd, OptimHyper{.lr = 1.0}, be);
    opt.setClipNorm(1.0);
    opt.update(params);
    const auto w = p.value.toHost();
    QCOMPARE(opt.lastGradNorm(), 5.0);
    QVERIFY(std::abs(w[0] + 0.6) < 1e-6 && std::abs(w[1] + 0.8) < 1e-6);
  }
  // A near miss ("adamw" is not "adam") is refused with the name quoted and every valid name
  // listed; every listed name parses.
  void unknownName() {
    QCOMPARE(errorOf([] { parseOptimKind("adamw"); }),
             QString("unknown optimizer \"adamw\" (use one of: sgd, momentum, nesterov, adagrad, "
                     "adadelta, rmsprop, adam)"));
    QCOMPARE(errorOf([] { parseOptimKind(""); }).left(20), QString("unknown optimizer \"\""));
    for (const std::string& name : optimNames()) QCOMPARE(errorOf([&] { parseOptimKind(name); }), QString());
  }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
