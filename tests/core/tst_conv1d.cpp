// Conv1D and MaxPool1D on sequences [T, F]: the shapes and parameter counts of a raw-signal
// network (Conv1D → MaxPool1D → LSTM → Dense); problems that name the fix (a flat or image input,
// a kernel or window longer than the sequence, "same" with an even kernel); and
// `gradlab-cli forward --dump`, whose Conv1D output and pre-activation equal the formula
//   z[n,t,o] = b[o] + Σ_{c,p} W[o,c,p] · x[n, t·s − pad + p, c],   y = relu(z)
// computed here from the dumped input and the saved weights.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/analysis.h"
#include "support/cli_runner.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::writeFile;
using nlohmann::json;

namespace {

// Input → the given blocks in a chain → the last one feeds a cross-entropy loss.
NetworkSpec chain(const json& input, const std::vector<json>& blocks) {
  json net = {{"format", "gradlab.network/1"},
              {"blocks", json::array({json{{"id", "x"}, {"type", "Input"}, {"shape", input}}})},
              {"edges", json::array()}};
  std::string prev = "x";
  for (const auto& b : blocks) {
    net["blocks"].push_back(b);
    net["edges"].push_back({prev, b["id"]});
    prev = b["id"];
  }
  net["loss"] = {{"type", "cross_entropy"}, {"block", prev}};
  return fromJson(net, "test");
}

std::string problemsOf(const NetworkSpec& spec, const std::string& block) {
  std::string out;
  for (const auto& p : analyze(spec).problemsOf(block)) out += p.message + "\n";
  return out;
}

const json kDense4 = {{"id", "out"}, {"type", "Dense"}, {"units", 4}};

// Input [9, 2] → Conv1D 3 filters, kernel 4, stride 2, padding 1, relu → Dense 2.
const char* kNet = R"({"format": "gradlab.network/1", "name": "conv1d",
 "blocks": [{"id": "x", "type": "Input", "shape": [9, 2]},
            {"id": "c", "type": "Conv1D", "filters": 3, "kernel": 4, "stride": 2, "padding": 1,
             "activation": "relu"},
            {"id": "p", "type": "MaxPool1D", "size": 2},
            {"id": "out", "type": "Dense", "units": 2}],
 "edges": [["x", "c"], ["c", "p"], ["p", "out"]],
 "loss": {"type": "mse", "block": "out"}})";

}  // namespace

#define EXPECT_PROBLEM(spec, block, text)                                                     \
  do {                                                                                        \
    const std::string got_ = problemsOf(spec, block);                                         \
    QVERIFY2(got_.find(text) != std::string::npos,                                            \
             qPrintable(QString("expected \"%1\" among the problems of %2, got: %3")          \
                            .arg(QString::fromStdString(text), QString::fromStdString(block), \
                                 QString::fromStdString(got_))));                             \
  } while (0)

class TstConv1d : public QObject {
  Q_OBJECT
 private slots:
  void rawSignalNetworkAnalyses() {
    const NetworkSpec s = chain(
        {64, 1},
        {{{"id", "c1"}, {"type", "Conv1D"}, {"filters", 8}, {"kernel", 9}, {"padding", "same"},
          {"activation", "relu"}},
         {{"id", "p1"}, {"type", "MaxPool1D"}, {"size", 4}},
         {{"id", "c2"}, {"type", "Conv1D"}, {"filters", 16}, {"kernel", 3}, {"stride", 2}},
         {{"id", "lstm"}, {"type", "LSTM"}, {"units", 16}},
         kDense4});
    const Analysis a = analyze(s);
    QVERIFY2(a.ok(), describe(a.problems).c_str());
    QCOMPARE(a.outShapes.at("c1"), (Shape{64, 8}));
    QCOMPARE(a.outShapes.at("p1"), (Shape{16, 8}));
    QCOMPARE(a.outShapes.at("c2"), (Shape{7, 16}));  // ⌊(16 − 3) / 2⌋ + 1
    QCOMPARE(a.outShapes.at("lstm"), (Shape{16}));
    QCOMPARE(a.paramCounts.at("c1"), int64_t(8 * 1 * 9 + 8));
    QCOMPARE(a.paramCounts.at("p1"), int64_t(0));
    QCOMPARE(a.paramCounts.at("c2"), int64_t(16 * 8 * 3 + 16));
  }

  void problemsNameTheFix() {
    const json c9 = {{"id", "c"}, {"type", "Conv1D"}, {"filters", 4}, {"kernel", 9}};
    EXPECT_PROBLEM(chain({784}, {c9, kDense4}), "c",
                   "give the Input block a shape such as [784, 1]");
    EXPECT_PROBLEM(chain({1, 28, 28}, {c9, kDense4}), "c",
                   "expects a sequence [time steps, features], got 1×28×28 — use Conv2D for images");
    EXPECT_PROBLEM(chain({5, 2}, {c9, kDense4}), "c",
                   "has a kernel of 9 steps, longer than its input's 5 time steps — use a kernel "
                   "of at most 5, padding \"same\" or longer sequences");
    EXPECT_PROBLEM(chain({5, 2}, {{{"id", "c"}, {"type", "Conv1D"}, {"filters", 4}, {"kernel", 9},
                                   {"padding", 1}},
                                  kDense4}),
                   "c", "padded to 7 — use a kernel of at most 7");
    EXPECT_PROBLEM(chain({20, 2}, {{{"id", "c"}, {"type", "Conv1D"}, {"filters", 4}, {"kernel", 4},
                                    {"padding", "same"}},
                                   kDense4}),
                   "c", "padding \"same\" needs an odd kernel, got 4");
    EXPECT_PROBLEM(chain({20, 2}, {{{"id", "c"}, {"type", "Conv1D"}, {"filters", 0}}, kDense4}),
                   "c", "\"filters\" must be between 1");
    EXPECT_PROBLEM(chain({20, 2}, {{{"id", "c"}, {"type", "Conv1D"}}, kDense4}), "c",
                   "needs \"filters\"");
    EXPECT_PROBLEM(chain({5, 2}, {{{"id", "p"}, {"type", "MaxPool1D"}, {"size", 8}}, kDense4}), "p",
                   "has a window of 8 steps, longer than its input's 5 time steps — use a size of "
                   "at most 5");
    EXPECT_PROBLEM(chain({784}, {{{"id", "p"}, {"type", "MaxPool1D"}}, kDense4}), "p",
                   "expects a sequence [time steps, features]");
    EXPECT_PROBLEM(chain({20, 2}, {{{"id", "p"}, {"type", "MaxPool1D"}, {"size", 0}}, kDense4}),
                   "p", "\"size\" must be between 1");
  }

  void forwardDumpFollowsTheFormula() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto path = [&](const char* name) { return dir.filePath(name); };
    writeFile(path("net.json"), kNet);
    Network net(parseNetwork(kNet, "net.json"), cpuBackend(), DType::F64, 5);
    writeSafetensors(path("w.safetensors").toStdString(), net.weights());
    const int64_t B = 3, T = 9, F = 2, O = 3, K = 4, S = 2, P = 1, T2 = 4;  // ⌊(9 + 2 − 4)/2⌋ + 1
    HostTensor x{{B, T, F}, DType::F64, std::vector<double>(size_t(B * T * F))};
    Rng rng(3);
    for (auto& v : x.values) v = rng.uniform(-1, 1);
    writeSafetensors(path("x.safetensors").toStdString(), {{"x", x}});
    const auto r = runCli({"forward", path("net.json"), "--weights", path("w.safetensors"),
                           "--input", path("x.safetensors"), "--dump", path("dump.safetensors"),
                           "--dtype", "f64"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    const TensorMap dump = readSafetensors(path("dump.safetensors").toStdString());
    for (const char* name : {"c", "c.pre", "p"})
      QVERIFY2(dump.count(name), qPrintable(QString("no \"%1\" in the dump").arg(name)));
    QCOMPARE(dump.at("c.pre").shape, (Shape{B, T2, O}));
    QCOMPARE(dump.at("c").shape, (Shape{B, T2, O}));
    QCOMPARE(dump.at("p").shape, (Shape{B, 2, O}));
    const TensorMap w = readSafetensors(path("w.safetensors").toStdString());
    QCOMPARE(w.at("c.weight").shape, (Shape{O, F, K}));  // nn.Conv1d's layout
    const auto& W = w.at("c.weight").values;
    const auto& b = w.at("c.bias").values;
    const auto& z = dump.at("c.pre").values;
    const auto& y = dump.at("c").values;
    const auto& pooled = dump.at("p").values;
    for (int64_t n = 0; n < B; ++n)
      for (int64_t t = 0; t < T2; ++t)
        for (int64_t o = 0; o < O; ++o) {
          double want = b[size_t(o)];
          for (int64_t c = 0; c < F; ++c)
            for (int64_t p = 0; p < K; ++p) {
              const int64_t at = t * S - P + p;
              if (at >= 0 && at < T)
                want += W[size_t((o * F + c) * K + p)] * x.values[size_t((n * T + at) * F + c)];
            }
          const size_t i = size_t((n * T2 + t) * O + o);
          QVERIFY2(std::abs(z[i] - want) < 1e-12,
                   qPrintable(QString("z[%1,%2,%3] = %4, formula %5")
                                  .arg(n).arg(t).arg(o).arg(z[i]).arg(want)));
          QCOMPARE(y[i], std::max(0.0, want));
        }
    // MaxPool1D: the larger of each two steps, per filter.
    for (int64_t n = 0; n < B; ++n)
      for (int64_t t = 0; t < 2; ++t)
        for (int64_t o = 0; o < O; ++o)
          QCOMPARE(pooled[size_t((n * 2 + t) * O + o)],
                   std::max(y[size_t((n * T2 + 2 * t) * O + o)],
                            y[size_t((n * T2 + 2 * t + 1) * O + o)]));
  }
};

QTEST_APPLESS_MAIN(TstConv1d)
#include "tst_conv1d.moc"
