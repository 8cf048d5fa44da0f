// gradlab-cli forward: the dump holds every block's output under its id and every internal
// under "<id>.<name>" with the right shapes and values (the same numbers as running the
// Network in-process; the LSTM's dumped gates satisfy the cell equations), dropout masks only
// with --train-mode; bad inputs give a clear message and a non-zero exit, never a crash.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "support/cli_runner.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::CliResult;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::writeFile;

namespace {

constexpr int64_t kBatch = 4, kSteps = 6, kFeatures = 3;

// Input [6, 3] → LSTM 5 (every step) → Dropout → GRU 4 (every step) → SimpleRNN 3 (last) → Dense 2
const char* kNet = R"({"format": "gradlab.network/1", "name": "recurrent-stack",
 "blocks": [{"id": "x", "type": "Input", "shape": [6, 3]},
            {"id": "lstm", "type": "LSTM", "units": 5, "return_sequences": true},
            {"id": "drop", "type": "Dropout", "rate": 0.5},
            {"id": "gru", "type": "GRU", "units": 4, "return_sequences": true},
            {"id": "rnn", "type": "SimpleRNN", "units": 3},
            {"id": "out", "type": "Dense", "units": 2}],
 "edges": [["x", "lstm"], ["lstm", "drop"], ["drop", "gru"], ["gru", "rnn"], ["rnn", "out"]],
 "loss": {"type": "mse", "block": "out"}})";

HostTensor randomTensor(const Shape& shape, uint64_t seed) {
  Rng rng(seed);
  HostTensor t{shape, DType::F32, std::vector<double>(size_t(numel(shape)))};
  for (auto& v : t.values) v = double(float(rng.uniform(-1, 1)));  // exact in f32
  return t;
}

}  // namespace

class TstCliForward : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void dumpsEveryBlockAndInternal();
  void twoThreadsSameDump();
  void trainModeDumpsDropoutMask();
  void oneSampleWithoutWeights();
  void errors_data();
  void errors();

 private:
  QString path(const QString& name) const { return dir_.filePath(name); }
  QTemporaryDir dir_;
  HostTensor x_;
};

void TstCliForward::initTestCase() {
  QVERIFY(dir_.isValid());
  writeFile(path("net.json"), kNet);
  // Weights: a network's own fresh weights, saved as a file (seed 7, so not the CLI's default).
  Network net(parseNetwork(kNet, "net.json"), cpuBackend(), DType::F64, 7);
  writeSafetensors(path("w.safetensors").toStdString(), net.weights());
  x_ = randomTensor({kBatch, kSteps, kFeatures}, 3);
  writeSafetensors(path("x.safetensors").toStdString(), {{"x", x_}});
}

void TstCliForward::dumpsEveryBlockAndInternal() {
  const CliResult r = runCli({"forward", path("net.json"), "--weights", path("w.safetensors"),
                              "--input", path("x.safetensors"), "--dump", path("dump.safetensors"),
                              "--dtype", "f64"});
  QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
  const TensorMap dump = readSafetensors(path("dump.safetensors").toStdString());

  const std::map<std::string, Shape> want{
      {"x", {kBatch, kSteps, kFeatures}},
      {"lstm", {kBatch, kSteps, 5}},
      {"lstm.gates.i", {kBatch, kSteps, 5}},
      {"lstm.gates.f", {kBatch, kSteps, 5}},
      {"lstm.gates.g", {kBatch, kSteps, 5}},
      {"lstm.gates.o", {kBatch, kSteps, 5}},
      {"lstm.cell", {kBatch, kSteps, 5}},
      {"lstm.hidden", {kBatch, kSteps, 5}},
      {"drop", {kBatch, kSteps, 5}},
      {"gru", {kBatch, kSteps, 4}},
      {"gru.gates.z", {kBatch, kSteps, 4}},
      {"gru.gates.r", {kBatch, kSteps, 4}},
      {"gru.gates.g", {kBatch, kSteps, 4}},
      {"gru.hidden", {kBatch, kSteps, 4}},
      {"rnn", {kBatch, 3}},
      {"rnn.hidden", {kBatch, kSteps, 3}},
      {"out", {kBatch, 2}},
  };
  for (const auto& [name, shape] : want) {
    auto it = dump.find(name);
    QVERIFY2(it != dump.end(), qPrintable(QString::fromStdString("no \"" + name + "\" in the dump")));
    QVERIFY2(it->second.shape == shape,
             qPrintable(QString::fromStdString(name + " is " + toString(it->second.shape) +
                                               ", expected " + toString(shape))));
    QCOMPARE(it->second.dtype, DType::F64);
  }
  QVERIFY2(dump.count("drop.mask") == 0, "evaluation mode must not dump a dropout mask");
  QCOMPARE(dump.size(), want.size());

  // The same numbers as the network run in-process with the same weights.
  Network net(parseNetwork(kNet, "net.json"), cpuBackend(), DType::F64, 99);
  net.loadWeights(readSafetensors(path("w.safetensors").toStdString()), "w.safetensors");
  Tensor x = cpuBackend().empty(x_.shape, DType::F64);
  x.fromHost(std::span<const double>(x_.values));
  net.forward(x, /*training=*/false);
  for (const char* id : {"lstm", "gru", "rnn", "out"}) {
    const auto expected = net.output(id).toHost();
    const auto& got = dump.at(id).values;
    for (size_t i = 0; i < got.size(); ++i)
      QVERIFY2(std::abs(got[i] - expected[i]) < 1e-12,
               qPrintable(QString("%1[%2]: %3 vs %4").arg(id).arg(i).arg(got[i]).arg(expected[i])));
  }

  // The dumped LSTM internals obey c_t = f⊙c_{t−1} + i⊙g and h_t = o⊙tanh(c_t), gates in
  // (0, 1), and hidden is the block's output (return_sequences).
  const auto& gi = dump.at("lstm.gates.i").values;
  const auto& gf = dump.at("lstm.gates.f").values;
  const auto& gg = dump.at("lstm.gates.g").values;
  const auto& go = dump.at("lstm.gates.o").values;
  const auto& c = dump.at("lstm.cell").values;
  const auto& h = dump.at("lstm.hidden").values;
  const auto& y = dump.at("lstm").values;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t t = 0; t < kSteps; ++t)
      for (int64_t u = 0; u < 5; ++u) {
        const size_t k = size_t((b * kSteps + t) * 5 + u);
        const double cPrev = t > 0 ? c[k - 5] : 0.0;
        QVERIFY(gi[k] > 0 && gi[k] < 1 && gf[k] > 0 && gf[k] < 1 && go[k] > 0 && go[k] < 1);
        QVERIFY(std::abs(c[k] - (gf[k] * cPrev + gi[k] * gg[k])) < 1e-12);
        QVERIFY(std::abs(h[k] - go[k] * std::tanh(c[k])) < 1e-12);
        QVERIFY(h[k] == y[k]);
      }
  // GRU: h_t = z⊙h_{t−1} + (1 − z)⊙g.
  const auto& z = dump.at("gru.gates.z").values;
  const auto& g = dump.at("gru.gates.g").values;
  const auto& gh = dump.at("gru.hidden").values;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t t = 0; t < kSteps; ++t)
      for (int64_t u = 0; u < 4; ++u) {
        const size_t k = size_t((b * kSteps + t) * 4 + u);
        const double hPrev = t > 0 ? gh[k - 4] : 0.0;
        QVERIFY(std::abs(gh[k] - (z[k] * hPrev + (1 - z[k]) * g[k])) < 1e-12);
      }
  // SimpleRNN: its output is the last hidden state.
  const auto& rh = dump.at("rnn.hidden").values;
  const auto& ry = dump.at("rnn").values;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t u = 0; u < 3; ++u)
      QCOMPARE(ry[size_t(b * 3 + u)], rh[size_t((b * kSteps + kSteps - 1) * 3 + u)]);
  QVERIFY2(r.out.contains("lstm.gates.f"), qPrintable(r.out));
}

// With two threads the recurrent blocks cut the batch into two lanes; the dump (outputs and
// internals gathered from both lanes) is the same.
void TstCliForward::twoThreadsSameDump() {
  const QStringList common{"forward", path("net.json"), "--weights", path("w.safetensors"),
                           "--input", path("x.safetensors"), "--dtype", "f64"};
  const CliResult one = runCli(common + QStringList{"--dump", path("t1.safetensors"), "--threads", "1"});
  const CliResult two = runCli(common + QStringList{"--dump", path("t2.safetensors"), "--threads", "2"});
  QVERIFY2(!one.crashed && one.exitCode == 0, qPrintable(describe(one)));
  QVERIFY2(!two.crashed && two.exitCode == 0, qPrintable(describe(two)));
  const TensorMap a = readSafetensors(path("t1.safetensors").toStdString());
  const TensorMap b = readSafetensors(path("t2.safetensors").toStdString());
  QCOMPARE(a.size(), b.size());
  for (const auto& [name, t] : a) {
    QVERIFY2(b.count(name), qPrintable(QString::fromStdString(name)));
    QVERIFY(b.at(name).shape == t.shape);
    for (size_t i = 0; i < t.values.size(); ++i)
      QVERIFY2(std::abs(t.values[i] - b.at(name).values[i]) <= 1e-12,
               qPrintable(QString("%1[%2]").arg(QString::fromStdString(name)).arg(i)));
  }
}

void TstCliForward::trainModeDumpsDropoutMask() {
  const CliResult r = runCli({"forward", path("net.json"), "--weights", path("w.safetensors"),
                              "--input", path("x.safetensors"), "--dump",
                              path("train.safetensors"), "--train-mode"});
  QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
  const TensorMap dump = readSafetensors(path("train.safetensors").toStdString());
  QVERIFY2(dump.count("drop.mask") == 1, "--train-mode must dump the dropout mask");
  const auto& mask = dump.at("drop.mask").values;
  const auto& in = dump.at("lstm").values;
  const auto& out = dump.at("drop").values;
  QCOMPARE(dump.at("drop.mask").shape, Shape({kBatch, kSteps, 5}));
  int zeros = 0;
  for (size_t i = 0; i < mask.size(); ++i) {
    QVERIFY(mask[i] == 0.0 || mask[i] == 1.0);
    zeros += mask[i] == 0.0;
    QVERIFY(std::abs(out[i] - in[i] * mask[i] / 0.5) < 1e-6);
  }
  QVERIFY2(zeros > 0 && zeros < int(mask.size()), "a rate-0.5 mask drops some values, not all");
  QCOMPARE(dump.at("out").dtype, DType::F32);
}

void TstCliForward::oneSampleWithoutWeights() {
  // x of exactly the Input's shape is one sample; without --weights the network starts fresh.
  writeSafetensors(path("one.safetensors").toStdString(),
                   {{"x", randomTensor({kSteps, kFeatures}, 5)}});
  const CliResult r = runCli({"forward", path("net.json"), "--input", path("one.safetensors"),
                              "--dump", path("one-dump.safetensors"), "--seed", "3"});
  QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
  const TensorMap dump = readSafetensors(path("one-dump.safetensors").toStdString());
  QCOMPARE(dump.at("out").shape, Shape({1, 2}));
  QCOMPARE(dump.at("gru.gates.r").shape, Shape({1, kSteps, 4}));
}

void TstCliForward::errors_data() {
  QTest::addColumn<QString>("input");    // file name in the temp dir (written below)
  QTest::addColumn<QString>("weights");  // empty: none
  QTest::addColumn<QStringList>("expect");  // substrings of stderr

  QTest::newRow("no tensor x") << "nox.safetensors" << "" << QStringList{"nox.safetensors", "\"x\"", "\"input\""};
  QTest::newRow("wrong sample shape") << "shape.safetensors" << ""
                                      << QStringList{"shape.safetensors", "5×3", "6×3"};
  QTest::newRow("flat x") << "flat.safetensors" << "" << QStringList{"flat.safetensors", "6×3"};
  QTest::newRow("weights of another network") << "x.safetensors" << "other-w.safetensors"
                                              << QStringList{"other-w.safetensors", "do not fit"};
  QTest::newRow("missing input file") << "absent.safetensors" << "" << QStringList{"absent.safetensors"};
  QTest::newRow("not a safetensors file") << "garbage.safetensors" << ""
                                          << QStringList{"garbage.safetensors"};
}

void TstCliForward::errors() {
  QFETCH(QString, input);
  QFETCH(QString, weights);
  QFETCH(QStringList, expect);
  writeSafetensors(path("nox.safetensors").toStdString(),
                   {{"input", randomTensor({kBatch, kSteps, kFeatures}, 1)}});
  writeSafetensors(path("shape.safetensors").toStdString(),
                   {{"x", randomTensor({kBatch, 5, kFeatures}, 1)}});
  writeSafetensors(path("flat.safetensors").toStdString(), {{"x", randomTensor({kBatch, 18}, 1)}});
  writeFile(path("garbage.safetensors"), QByteArray("\xff\xff\xff\xff\xff\xff\xff\x7f{not json", 18));
  {
    // Weights of an LSTM with 6 units instead of 5.
    QByteArray other(kNet);
    other.replace("\"units\": 5", "\"units\": 6");
    Network net(parseNetwork(other.toStdString(), "other"), cpuBackend(), DType::F32, 1);
    writeSafetensors(path("other-w.safetensors").toStdString(), net.weights());
  }
  QStringList args{"forward", path("net.json"), "--input", path(input), "--dump",
                   path("err-dump.safetensors")};
  if (!weights.isEmpty()) args << "--weights" << path(weights);
  QFile::remove(path("err-dump.safetensors"));
  const CliResult r = runCli(args);
  QVERIFY2(!r.crashed, qPrintable(describe(r)));
  QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
  QVERIFY2(r.err.startsWith("error: "), qPrintable(describe(r)));
  for (const QString& s : expect) QVERIFY2(r.err.contains(s), qPrintable(s + " not in: " + r.err));
  QVERIFY2(!QFile::exists(path("err-dump.safetensors")), "nothing is written on an error");
}

QTEST_GUILESS_MAIN(TstCliForward)
#include "tst_cli_forward.moc"
