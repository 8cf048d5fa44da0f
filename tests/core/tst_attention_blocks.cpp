// The sequence-to-sequence blocks in a network: Attention, RepeatVector, PositionEncoding and
// Dense on every step. Shapes that do not fit and impossible parameters are problems naming the
// block and the fix (never a crash); the example networks analyse to the shapes the README
// gives; Attention's weights are an internal — each row a distribution over the keys — and
// `gradlab-cli forward --dump` writes them as "<id>.weights"; the networks follow the length
// of their data (RepeatVector takes T from a sequence, PositionEncoding's table from its input);
// the Attention probe gives a sample's weights and symbols, or says why it has none.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "blocks/position_encoding.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/analysis.h"
#include "spec/fit_to_data.h"
#include "train/probes/attention.h"
#include "train/trainer.h"
#include "data/catalog.h"
#include "support/cli_runner.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::CliResult;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::sourcePath;
using nlohmann::json;

namespace {

// Blocks and edges as given, with a cross-entropy loss on `loss`.
NetworkSpec net(const std::vector<json>& blocks, const std::vector<json>& edges, const std::string& loss) {
  json j = {{"format", "gradlab.network/1"}, {"blocks", blocks}, {"edges", edges},
            {"loss", {{"type", "cross_entropy"}, {"block", loss}}}};
  return fromJson(j, "test");
}

std::string problemsOf(const NetworkSpec& spec, const std::string& block) {
  std::string out;
  for (const auto& p : analyze(spec).problemsOf(block)) out += p.message + "\n";
  return out;
}

#define EXPECT_PROBLEM(spec, block, text)                                                     \
  do {                                                                                        \
    const std::string got_ = problemsOf(spec, block);                                         \
    QVERIFY2(got_.find(text) != std::string::npos,                                            \
             qPrintable(QString("expected \"%1\" among the problems of %2, got: %3")          \
                            .arg(QString::fromStdString(text), QString::fromStdString(block), \
                                 QString::fromStdString(got_))));                             \
  } while (0)

json input(const json& shape) { return {{"id", "x"}, {"type", "Input"}, {"shape", shape}}; }

NetworkSpec example(const char* name) {
  return loadNetwork(sourcePath(QString("examples/%1.net.json").arg(name)).toStdString());
}

}  // namespace

class TstAttentionBlocks : public QObject {
  Q_OBJECT
 private slots:
  void problemsNameTheFix() {
    // Queries and keys of different widths without projections.
    const auto widths = net({input({6, 4}), {{"id", "a"}, {"type", "Dense"}, {"units", 3}},
                             {{"id", "att"}, {"type", "Attention"}}},
                            {{"x", "a"}, {"a", "att"}, {"x", "att"}}, "att");
    EXPECT_PROBLEM(widths, "att", std::string("queries have 3 features but keys 4"));
    EXPECT_PROBLEM(widths, "att", std::string("set \"units\""));
    // A flat input.
    const auto flat = net({input({6}), {{"id", "att"}, {"type", "Attention"}, {"units", 4}}},
                          {{"x", "att"}}, "att");
    EXPECT_PROBLEM(flat, "att", std::string("expects sequences [steps, features], got 6"));
    // Negative units; three inputs.
    const auto negative = net({input({6, 2}), {{"id", "att"}, {"type", "Attention"}, {"units", -1}}},
                              {{"x", "att"}}, "att");
    EXPECT_PROBLEM(negative, "att", std::string("\"units\" must be"));
    // RepeatVector without a length, with a length that disagrees, on a sequence.
    const auto noLength = net({input({5}), {{"id", "rep"}, {"type", "RepeatVector"}}},
                              {{"x", "rep"}}, "rep");
    EXPECT_PROBLEM(noLength, "rep", std::string("needs a length: set \"times\""));
    const auto zeroTimes = net({input({5}), {{"id", "rep"}, {"type", "RepeatVector"}, {"times", -3}}},
                               {{"x", "rep"}}, "rep");
    EXPECT_PROBLEM(zeroTimes, "rep", std::string("\"times\" must be"));
    const auto seq = net({input({5, 2}), {{"id", "rep"}, {"type", "RepeatVector"}, {"times", 3}}},
                         {{"x", "rep"}}, "rep");
    EXPECT_PROBLEM(seq, "rep", std::string("repeats a flat vector, got 5×2"));
    const auto disagree = net({input({5, 2}), {{"id", "f"}, {"type", "Flatten"}},
                               {{"id", "rep"}, {"type", "RepeatVector"}, {"times", 3}}},
                              {{"x", "f"}, {"f", "rep"}, {"x", "rep"}}, "rep");
    EXPECT_PROBLEM(disagree, "rep", std::string("\"times\" is 3 but the second input has 5 steps"));
    // PositionEncoding on a flat input, and an unknown encoding.
    const auto posFlat = net({input({5}), {{"id", "pos"}, {"type", "PositionEncoding"}}},
                             {{"x", "pos"}}, "pos");
    EXPECT_PROBLEM(posFlat, "pos", std::string("expects a sequence [steps, features], got 5"));
    const auto posBad = net({input({5, 2}), {{"id", "pos"}, {"type", "PositionEncoding"}, {"encoding", "rotary"}}},
                            {{"x", "pos"}}, "pos");
    EXPECT_PROBLEM(posBad, "pos", std::string("\"encoding\" must be one of \"learned\", \"sinusoidal\""));
    // Dense still refuses an image.
    const auto image = net({input({1, 4, 4}), {{"id", "d"}, {"type", "Dense"}, {"units", 2}}},
                           {{"x", "d"}}, "d");
    EXPECT_PROBLEM(image, "d", std::string("insert Flatten"));
  }

  // The examples: [20, 8] one-hot steps in, [20, 8] scores out; the attention net attends from
  // the 20 decoder steps to the 20 encoder steps; both have about the same number of weights.
  void examples() {
    int64_t counts[2] = {0, 0};
    int i = 0;
    for (const char* name : {"reverse-attention", "reverse-no-attention"}) {
      const NetworkSpec spec = example(name);
      const Analysis a = analyze(spec);
      QVERIFY2(a.ok(), name);
      QCOMPARE(a.outShapes.at("out"), Shape({20, 8}));
      QCOMPARE(a.outShapes.at("rep"), Shape({20, 64}));
      Network n(spec, cpuBackend(), DType::F32, 1);
      for (const auto& [pname, p] : n.params()) counts[i] += numel(p->decl.shape);
      ++i;
    }
    QCOMPARE(analyze(example("reverse-attention")).outShapes.at("att"), Shape({20, 32}));
    qInfo("parameters: with attention %lld, without %lld", (long long)counts[0], (long long)counts[1]);
    QVERIFY(std::abs(double(counts[0] - counts[1])) < 0.02 * double(counts[1]));
  }

  // Fitted to reverse data of length 5 and 12 symbols, the same file runs.
  void followsTheDataLength() {
    const Split s = loadBuiltin("reverse", {.points = 40, .length = 5, .symbols = 12});
    const FitToData fit = fitSpecToData(example("reverse-attention"), s.train);
    const Analysis a = analyze(fit.spec);
    QVERIFY2(a.ok(), a.problems.empty() ? "" : a.problems[0].message.c_str());
    QCOMPARE(a.outShapes.at("out"), Shape({5, 12}));
    QCOMPARE(a.outShapes.at("att"), Shape({5, 32}));
  }

  // Each row of the weights is a distribution; the output row is that mixture of the values.
  void weightsAreDistributions() {
    const NetworkSpec spec = net({input({4, 3}), {{"id", "q"}, {"type", "Dense"}, {"units", 3}},
                                  {{"id", "att"}, {"type", "Attention"}}},
                                 {{"x", "q"}, {"q", "att"}, {"x", "att"}}, "att");
    Network n(spec, cpuBackend(), DType::F64, 2, LossUse::Optional);
    Tensor x = cpuBackend().empty({2, 4, 3}, DType::F64);
    std::vector<double> xv(24);
    Rng rng(3);
    for (auto& v : xv) v = rng.uniform(-2, 2);
    x.fromHost(std::span<const double>(xv));
    n.forward(x, false);
    std::vector<std::pair<std::string, Tensor>> internals;
    n.block("att")->internals(internals);
    QCOMPARE(internals.size(), size_t(1));
    QCOMPARE(internals[0].first, std::string("weights"));
    QCOMPARE(internals[0].second.shape(), Shape({2, 4, 4}));
    const std::vector<double> w = internals[0].second.toHost(), y = n.output("att").toHost();
    for (int r = 0; r < 8; ++r) {
      double sum = 0;
      for (int k = 0; k < 4; ++k) sum += w[size_t(r * 4 + k)];
      QVERIFY(std::abs(sum - 1) < 1e-12);
      const int b = r / 4;
      for (int f = 0; f < 3; ++f) {  // values = x (no projections)
        double mix = 0;
        for (int k = 0; k < 4; ++k) mix += w[size_t(r * 4 + k)] * xv[size_t((b * 4 + k) * 3 + f)];
        QVERIFY(std::abs(mix - y[size_t(r * 3 + f)]) < 1e-12);
      }
    }
  }

  void sinusoidalTable() {
    const std::vector<double> p = sinusoidalPositions(3, 4);
    // t = 2: [sin 2, cos 2, sin(2/100), cos(2/100)]
    QVERIFY(std::abs(p[8] - std::sin(2.0)) < 1e-15 && std::abs(p[9] - std::cos(2.0)) < 1e-15);
    QVERIFY(std::abs(p[10] - std::sin(0.02)) < 1e-15 && std::abs(p[11] - std::cos(0.02)) < 1e-15);
  }

  // The Attention probe: a test sample's weights [T, T] with its symbols; without an Attention
  // block, a note saying what to open.
  void probe() {
    const Split s = loadBuiltin("reverse", {.points = 50, .length = 6, .symbols = 4});
    TrainConfig c;
    c.batch = 8;
    const json none = json::object(), third = {{"sample", 3}};
    Trainer plain(fitSpecToData(example("reverse-no-attention"), s.train).spec, s, c, cpuBackend(), DType::F32);
    auto r = std::dynamic_pointer_cast<const AttentionProbe>(measureAttention(ProbeContext{plain, none, nullptr, nullptr, nullptr, PlotRange{}, false}));
    QVERIFY(r && r->why.find("no Attention block") != std::string::npos && r->weights.empty());
    Trainer att(fitSpecToData(example("reverse-attention"), s.train).spec, s, c, cpuBackend(), DType::F32);
    r = std::dynamic_pointer_cast<const AttentionProbe>(measureAttention(ProbeContext{att, third, nullptr, nullptr, nullptr, PlotRange{}, false}));
    QVERIFY(r && r->why.empty());
    QCOMPARE(r->blocks, std::vector<std::string>{"att"});
    QCOMPARE(r->sample, int64_t(3));
    QCOMPARE(r->queries, int64_t(6));
    QCOMPARE(r->keys, int64_t(6));
    QCOMPARE(r->weights.size(), size_t(36));
    QCOMPARE(r->inputs.size(), size_t(6));
    QCOMPARE(r->targets.size(), size_t(6));
    QCOMPARE(r->predicted.size(), size_t(6));
    for (int k = 0; k < 6; ++k) QCOMPARE(r->targets[size_t(k)], r->inputs[size_t(5 - k)]);
  }

  // gradlab-cli forward --dump: the attention weights beside every block's output.
  void forwardDumpsWeights() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HostTensor x{{3, 20, 8}, DType::F32, std::vector<double>(3 * 20 * 8, 0.0)};
    for (int s = 0; s < 60; ++s) x.values[size_t(s * 8 + s % 8)] = 1;
    writeSafetensors(dir.filePath("x.safetensors").toStdString(), {{"x", x}});
    const CliResult r = runCli({"forward", sourcePath("examples/reverse-attention.net.json"), "--input",
                                dir.filePath("x.safetensors"), "--dump", dir.filePath("d.safetensors")});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    const TensorMap dump = readSafetensors(dir.filePath("d.safetensors").toStdString());
    QCOMPARE(dump.at("att.weights").shape, Shape({3, 20, 20}));
    QCOMPARE(dump.at("att").shape, Shape({3, 20, 32}));
    QCOMPARE(dump.at("rep").shape, Shape({3, 20, 64}));
    QCOMPARE(dump.at("out").shape, Shape({3, 20, 8}));
    double rowSum = 0;
    for (int k = 0; k < 20; ++k) rowSum += dump.at("att.weights").values[size_t(k)];
    QVERIFY(std::abs(rowSum - 1) < 1e-5);
  }
};

QTEST_GUILESS_MAIN(TstAttentionBlocks)
#include "tst_attention_blocks.moc"
