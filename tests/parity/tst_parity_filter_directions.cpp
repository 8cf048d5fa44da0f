// Parity of the landscape's filter-normalised directions (train/landscape_directions.h) with
// Li et al.'s normalisation as their code writes it (tests/parity/filter_directions_ref.py:
// net_plotter.normalize_directions_for_weights, norm 'filter', ignore 'biasbn'), on the same
// raw draw and weights: relative error ≤ 1e-6 per tensor.
//
// Networks: the spiral MLP through `gradlab-cli landscape --dump-directions` (trained weights),
// and in-process a Conv2D + BatchNorm + Dense net and a GRU + LSTM + SimpleRNN net, whose
// [O, C, kH, kW] filters, BN vectors and per-gate recurrent rows take every branch. The
// reference runs the authors' torch code when python3-torch is there, else the same arithmetic
// in plain Python: the test runs either way.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "train/landscape.h"
#include "train/landscape_directions.h"

using namespace gradlab;
using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

namespace {
const char* kConv = R"({"format": "gradlab.network/1", "name": "conv-bn",
 "blocks": [{"id": "x", "type": "Input", "shape": [2, 6, 6]},
            {"id": "c1", "type": "Conv2D", "filters": 4, "kernel": 3, "activation": "relu"},
            {"id": "bn", "type": "BatchNorm"},
            {"id": "f", "type": "Flatten"},
            {"id": "out", "type": "Dense", "units": 3}],
 "edges": [["x", "c1"], ["c1", "bn"], ["bn", "f"], ["f", "out"]],
 "loss": {"type": "cross_entropy", "block": "out"}})";

const char* kRecurrent = R"({"format": "gradlab.network/1", "name": "recurrent",
 "blocks": [{"id": "x", "type": "Input", "shape": [5, 3]},
            {"id": "gru", "type": "GRU", "units": 4, "return_sequences": true},
            {"id": "lstm", "type": "LSTM", "units": 3, "return_sequences": true},
            {"id": "rnn", "type": "SimpleRNN", "units": 2},
            {"id": "out", "type": "Dense", "units": 2}],
 "edges": [["x", "gru"], ["gru", "lstm"], ["lstm", "rnn"], ["rnn", "out"]],
 "loss": {"type": "mse", "block": "out"}})";

// The worst relative error ‖ours − ref‖ / ‖ref‖ over the tensors, with each tensor's
// rank-≤1 zeros checked exactly; fails the test on a missing or misshapen tensor.
double worstError(const TensorMap& ours, const TensorMap& ref, int& tensors, QString& where) {
  double worst = 0;
  tensors = 0;
  for (const auto& [name, t] : ours) {
    if (name.rfind("d1.", 0) != 0 && name.rfind("d2.", 0) != 0) continue;
    auto it = ref.find(name);
    if (it == ref.end() || it->second.shape != t.shape) {
      where = QString::fromStdString(name) + " missing or misshapen in the reference";
      return INFINITY;
    }
    double diff = 0, norm = 0;
    for (size_t i = 0; i < t.values.size(); ++i) {
      diff += (t.values[i] - it->second.values[i]) * (t.values[i] - it->second.values[i]);
      norm += it->second.values[i] * it->second.values[i];
    }
    const double e = norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
    if (e > worst) worst = e, where = QString::fromStdString(name);
    ++tensors;
  }
  return worst;
}

}  // namespace

class TestParityFilterDirections : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }

  bool referenceRan_ = false;

  // Our directions in `label`.safetensors against the reference's `label`.ref.safetensors.
  void compare(const QString& label, int minTensors) {
    QVERIFY2(referenceRan_, "the reference did not run (see initTestCase)");
    int tensors = 0;
    QString where;
    const double e = worstError(readSafetensors(tmp(label + ".safetensors").toStdString()),
                                readSafetensors(tmp(label + ".ref.safetensors").toStdString()),
                                tensors, where);
    qInfo("%s: %d tensors, worst relative error %.3g %s", qPrintable(label), tensors, e,
          qPrintable(where));
    QVERIFY2(tensors >= minTensors, qPrintable(QString("%1 tensors compared").arg(tensors)));
    QVERIFY2(e <= 1e-6, qPrintable(QString("%1: relative error %2").arg(where).arg(e)));
  }

 private slots:
  // The three dumps, then one python process for all of them (importing torch takes seconds).
  void initTestCase() {
    // The spiral MLP's trained weights, through the command line.
    const QString net = sourcePath("examples/spiral.net.json");
    auto r = runCli({"train", net, "--dataset", "spiral", "--steps", "100", "--backend", "cpu",
                     "--save", tmp("w.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    r = runCli({"landscape", net, "--weights", tmp("w.safetensors"), "--dataset", "spiral",
                "--directions", "filter", "--grid", "5", "--seed", "11", "--dump",
                tmp("l.safetensors"), "--dump-directions", tmp("spiral.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    Network conv(parseNetwork(kConv, "conv-bn"), cpuBackend(), DType::F32, 5);
    writeSafetensors(tmp("conv.safetensors").toStdString(), filterDirectionTensors(conv, 2));
    Network rec(parseNetwork(kRecurrent, "recurrent"), cpuBackend(), DType::F32, 6);
    writeSafetensors(tmp("rec.safetensors").toStdString(), filterDirectionTensors(rec, 3));
    QStringList args{sourcePath("tests/parity/filter_directions_ref.py")};
    for (const char* label : {"spiral", "conv", "rec"})
      args << tmp(QString(label) + ".safetensors") << tmp(QString(label) + ".ref.safetensors");
    const auto py = runPython(args, 120000);
    QVERIFY2(py.ok, qPrintable(py.message));
    qInfo("%s", qPrintable(py.message.trimmed()));
    referenceRan_ = true;
  }

  void spiralThroughTheCli() {
    compare("spiral", 2 * 6);
    // Biases are left still; the draw itself is not.
    const TensorMap m = readSafetensors(tmp("spiral.safetensors").toStdString());
    for (double v : m.at("d1.h1.bias").values) QCOMPARE(v, 0.0);
    double raw = 0;
    for (double v : m.at("raw1.h1.bias").values) raw += std::abs(v);
    QVERIFY(raw > 0);
  }

  // [O, C, kH, kW] filters; BatchNorm's scale and shift left still.
  void convAndBatchNorm() { compare("conv", 2 * 6); }

  // Each gate's row of every recurrent weight, a filter of its own.
  void recurrentGates() { compare("rec", 2 * 8); }
};

QTEST_GUILESS_MAIN(TestParityFilterDirections)
#include "tst_parity_filter_directions.moc"
