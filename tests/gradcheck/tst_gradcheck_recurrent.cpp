// Finite-difference gradient checks through time (double precision) for SimpleRNN, LSTM and
// GRU: ∂L/∂x for every step and ∂L/∂θ for all four parameters, with return_sequences false
// (the loss sees only h_T, so every earlier step is reached through the recurrence alone) and
// true (each step also gets its own gradient from the output).
#include <QtTest>

#include "backend/backend.h"
#include "blocks/registry.h"
#include "network/network.h"
#include "util/rng.h"
#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;
using gradlab::test::GradCheckOptions;

class TestGradcheckRecurrent : public QObject {
  Q_OBJECT
 private slots:
  void recurrent_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("activation");
    QTest::addColumn<bool>("sequences");
    QTest::addColumn<int>("steps");
    for (bool seq : {false, true}) {
      const char* tag = seq ? "sequences" : "last";
      QTest::newRow(qPrintable(QString("SimpleRNN-tanh-%1").arg(tag))) << "SimpleRNN" << "tanh" << seq << 6;
      QTest::newRow(qPrintable(QString("SimpleRNN-relu-%1").arg(tag))) << "SimpleRNN" << "relu" << seq << 6;
      QTest::newRow(qPrintable(QString("LSTM-%1").arg(tag))) << "LSTM" << "" << seq << 6;
      QTest::newRow(qPrintable(QString("GRU-%1").arg(tag))) << "GRU" << "" << seq << 6;
      // One step: no recurrence, ∂L/∂W_hh must be exactly 0 (h_0 = 0).
      QTest::newRow(qPrintable(QString("LSTM-one-step-%1").arg(tag))) << "LSTM" << "" << seq << 1;
      QTest::newRow(qPrintable(QString("GRU-one-step-%1").arg(tag))) << "GRU" << "" << seq << 1;
      QTest::newRow(qPrintable(QString("SimpleRNN-one-step-%1").arg(tag))) << "SimpleRNN" << "tanh" << seq << 1;
    }
  }
  void recurrent() {
    QFETCH(QString, type);
    QFETCH(QString, activation);
    QFETCH(bool, sequences);
    QFETCH(int, steps);
    nlohmann::json p{{"units", 4}, {"return_sequences", sequences}};
    if (!activation.isEmpty()) p["activation"] = activation.toStdString();
    GradCheckOptions o;
    o.batch = 3;
    EXPECT_GRADS(checkBlock(block(type.toStdString(), p), {{steps, 3}}, o));
  }

  // Larger weights push the gates towards saturation and h towards ±1: the regime where
  // mistakes in σ′ and tanh′ show.
  void lstmLargeInputs() {
    GradCheckOptions o;
    o.batch = 2;
    o.inputScale = 3.0;
    EXPECT_GRADS(checkBlock(block("LSTM", {{"units", 3}, {"return_sequences", true}}), {{8, 2}}, o));
  }
  void gruLargeInputs() {
    GradCheckOptions o;
    o.batch = 2;
    o.inputScale = 3.0;
    EXPECT_GRADS(checkBlock(block("GRU", {{"units", 3}}), {{8, 2}}, o));
  }

  // With two threads the batch is cut into two lanes (Backend::forRowBlocks), each running
  // a whole pass: the gradients still check, and outputs and gradients
  // equal the one-thread run's. Batch 5 splits unevenly (2 + 3 rows).
  void twoThreads_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<bool>("sequences");
    for (const char* t : {"SimpleRNN", "LSTM", "GRU"})
      for (bool seq : {false, true})
        QTest::newRow(qPrintable(QString("%1-%2").arg(t).arg(seq ? "sequences" : "last")))
            << QString(t) << seq;
  }
  void twoThreads() {
    QFETCH(QString, type);
    QFETCH(bool, sequences);
    Backend& be = cpuBackend();
    const int before = be.threads();
    be.setThreads(2);
    GradCheckOptions o;
    o.batch = 5;
    const auto check = checkBlock(block(type.toStdString(), {{"units", 4}, {"return_sequences", sequences}}),
                                  {{6, 3}}, o);

    // One thread against two on a whole network: Input [6, 3] → block → Dense 2.
    using nlohmann::json;
    const json net{
        {"blocks",
         {{{"id", "x"}, {"type", "Input"}, {"shape", {6, 3}}},
          {{"id", "r"}, {"type", type.toStdString()}, {"units", 4}, {"return_sequences", sequences}},
          {{"id", "f"}, {"type", "Flatten"}},
          {{"id", "out"}, {"type", "Dense"}, {"units", 2}}}},
        {"edges", json::array({json::array({"x", "r"}), json::array({"r", "f"}),
                               json::array({"f", "out"})})},
        {"loss", {{"type", "mse"}, {"block", "out"}}}};
    Rng rng(5);
    std::vector<double> xv(5 * 6 * 3), yv(5 * 2);
    for (auto& v : xv) v = rng.uniform(-1, 1);
    for (auto& v : yv) v = rng.uniform(-1, 1);
    // One network, its thread count changed between steps (the lanes are re-cut).
    be.setThreads(1);
    Network n(fromJson(net, "net"), be, DType::F64, 3);
    Tensor x = be.empty({5, 6, 3}, DType::F64), y = be.empty({5, 2}, DType::F64);
    x.fromHost(std::span<const double>(xv));
    y.fromHost(std::span<const double>(yv));
    auto run = [&](int threads) {
      be.setThreads(threads);
      n.forward(x, true);
      n.loss(y, true);
      n.backward();
      std::vector<double> all = n.output("r").toHost();
      for (auto& [name, p] : n.params()) {
        const auto g = p->grad.toHost();
        all.insert(all.end(), g.begin(), g.end());
      }
      return all;
    };
    const auto one = run(1), two = run(2);
    be.setThreads(before);
    EXPECT_GRADS(check);
    QCOMPARE(one.size(), two.size());
    for (size_t i = 0; i < one.size(); ++i)
      QVERIFY2(std::abs(one[i] - two[i]) <= 1e-12 * std::max(1.0, std::abs(one[i])),
               qPrintable(QString("value %1: %2 vs %3").arg(i).arg(one[i]).arg(two[i])));
  }

  void shapes() {
    const BlockInfo* lstm = findBlockType("LSTM");
    QVERIFY(lstm);
    const BlockSpec last = block("LSTM", {{"units", 7}});
    const BlockSpec seq = block("LSTM", {{"units", 7}, {"return_sequences", true}});
    QCOMPARE(lstm->infer(last, {{10, 3}}), Shape({7}));
    QCOMPARE(lstm->infer(seq, {{10, 3}}), Shape({10, 7}));
    const auto decls = lstm->paramDecls(last, {{10, 3}});
    QCOMPARE(decls.size(), size_t(4));
    QCOMPARE(decls[0].name, std::string("weight_ih_l0"));
    QCOMPARE(decls[0].shape, Shape({28, 3}));
    QCOMPARE(decls[1].shape, Shape({28, 7}));
    QCOMPARE(decls[3].name, std::string("bias_hh_l0"));
    QCOMPARE(findBlockType("GRU")->paramDecls(last, {{10, 3}})[1].shape, Shape({21, 7}));
    QCOMPARE(findBlockType("SimpleRNN")->paramDecls(last, {{10, 3}})[0].shape, Shape({7, 3}));
    // A flat input is refused with a hint.
    bool threw = false;
    try {
      lstm->infer(last, {{10}});
    } catch (const Error& e) {
      threw = true;
      QVERIFY2(std::string(e.what()).find("[time, features]") != std::string::npos, e.what());
    }
    QVERIFY(threw);
  }
};

QTEST_APPLESS_MAIN(TestGradcheckRecurrent)
#include "tst_gradcheck_recurrent.moc"
