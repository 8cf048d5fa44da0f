// Networks at the limits (issue 16): a chain of 100 000 blocks validated in minutes (every block
// scanned every edge: quadratic; now indexed, and more than kMaxNetworkBlocks are refused), and a shape of [1e6, 1e6, 1e6, 1e6] wrapped int64 around into
// "2003764205206896641 parameters". Both are answered at once now.
#include <QElapsedTimer>
#include <QtTest>

#include "network/network.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"
#include "util/error.h"

using namespace gradlab;

namespace {
std::string chain(int n) {
  std::string s = R"({"format": "gradlab.network/1", "blocks": [{"id": "x", "type": "Input", "shape": [2]})";
  for (int i = 0; i < n; ++i) s += R"(, {"id": "a)" + std::to_string(i) + R"(", "type": "Activation", "function": "tanh"})";
  s += R"(], "edges": [["x", "a0"])";
  for (int i = 1; i < n; ++i) s += R"(, ["a)" + std::to_string(i - 1) + R"(", "a)" + std::to_string(i) + R"("])";
  s += R"(], "loss": {"type": "mse", "block": "a)" + std::to_string(n - 1) + R"("}})";
  return s;
}

NetworkSpec huge() {
  return parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
    {"id": "x", "type": "Input", "shape": [1000000, 1000000, 1000000, 1000000]},
    {"id": "f", "type": "Flatten"},
    {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "f"], ["f", "out"]], "loss": {"type": "mse", "block": "out"}})", "huge.net.json");
}
}  // namespace

class TstSpecLimits : public QObject {
  Q_OBJECT
 private slots:
  void aLongChainValidatesInMoments() {
    const std::string text = chain(int(kMaxNetworkBlocks) - 1);
    QElapsedTimer t;
    t.start();
    const NetworkSpec spec = parseNetwork(text, "chain.net.json");
    const Analysis a = analyze(spec);
    QVERIFY2(a.ok(), describe(a.problems).c_str());
    QCOMPARE(a.order.size(), kMaxNetworkBlocks);
    const std::string last = std::string("a") + std::to_string(kMaxNetworkBlocks - 2);
    QCOMPARE(a.order.back(), last);
    QCOMPARE(a.inputs.at("a500"), std::vector<std::string>{"a499"});
    QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed()) + " ms"));
  }
  // 100 000 blocks took over 150 s (quadratic) and then 208 MB: refused when read.
  void tooManyBlocksAreRefusedWhenRead() {
    const std::string text = chain(100000);
    QElapsedTimer t;
    t.start();
    bool refused = false;
    try {
      parseNetwork(text, "chain.net.json");
    } catch (const Error& e) {
      refused = std::string(e.what()) == "chain.net.json: blocks: 100001 blocks; a Gradlab network has at most 10000";
      if (!refused) qWarning() << e.what();
    }
    QVERIFY(refused);
    QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed()) + " ms"));
  }
  void aShapeTooBigToCountIsAProblemNotAWrap() {
    const Analysis a = analyze(huge());
    QVERIFY(!a.ok());
    const std::string text = describe(a.problems);
    QVERIFY2(text.find("x: Input would produce 1000000×1000000×1000000×1000000 values (more than the "
                       "2147483648 one tensor may hold)") != std::string::npos,
             text.c_str());
    QVERIFY(a.totalParams >= 0 && a.totalParams <= kMaxElements);
  }
  void tooManyParametersInAllIsAProblem() {
    // Each layer fits, together they do not: 3 × 40 000 × 20 000 = 2.4e9 weights.
    const NetworkSpec spec = parseNetwork(R"({"format": "gradlab.network/1", "blocks": [
      {"id": "x", "type": "Input", "shape": [40000]},
      {"id": "h1", "type": "Dense", "units": 20000},
      {"id": "h2", "type": "Dense", "units": 40000},
      {"id": "h3", "type": "Dense", "units": 20000}],
      "edges": [["x", "h1"], ["h1", "h2"], ["h2", "h3"]], "loss": {"type": "mse", "block": "h3"}})",
                                          "big.net.json");
    const Analysis a = analyze(spec);
    const std::string text = describe(a.problems);
    QVERIFY2(text.find("would bring the network to more than 2147483648 parameters") != std::string::npos,
             text.c_str());
  }
  void buildingItIsRefusedBeforeAnyAllocation() {
    bool refused = false;
    try {
      Network n(huge(), cpuBackend(), DType::F32, 1);
    } catch (const Error& e) {
      refused = std::string(e.what()).find("one tensor may hold") != std::string::npos;
    }
    QVERIFY(refused);
  }
};

QTEST_APPLESS_MAIN(TstSpecLimits)
#include "tst_spec_limits.moc"
