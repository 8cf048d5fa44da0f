// PyTorch parity for the recurrent blocks, in float64: the same weights, input and output
// gradient dy go through Gradlab's block and through PyTorch (tests/parity/recurrent_ref.py);
// the outputs and the gradients of L = Σ dy ⊙ y with respect to the input and all four
// parameters must agree to a relative 1e-4.
//   SimpleRNN ↔ torch.nn.RNN (tanh and relu), LSTM ↔ torch.nn.LSTM (loaded with
//   load_state_dict: PyTorch's names, shapes and gate order i, f, g, o), GRU ↔ the lecture's
//   equations written out with torch ops (nn.GRU applies the reset gate elsewhere; gru.h).
// Every case runs with return_sequences false and true. All cases go to one python process
// (importing torch takes seconds).
// forget_bias: Gradlab initialises an LSTM with forget_bias 1 (Network's initParam); PyTorch
// gets the same draw without the bias and adds it as one would by hand,
// lstm.bias_ih_l0[H:2H] += 1; the biases themselves (init.bias_ih_l0) must agree as well.
//
// Skipped (loudly) only when /usr/bin/python3 cannot import torch.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <map>

#include "backend/backend.h"
#include "blocks/registry.h"
#include "io/safetensors.h"
#include "optim/optimizer.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

namespace {

constexpr double kRelTol = 1e-4;
const char* kParams[] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};

struct Case {
  std::string name, type, activation;
  int64_t batch, steps, features, units;
  bool sequences;
  double forgetBias = 0;  // LSTM: the parameters come from initParam instead
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<Case> v;
    for (bool seq : {false, true}) {
      const std::string tag = seq ? "-seq" : "-last";
      v.push_back({"rnn-tanh" + tag, "SimpleRNN", "tanh", 3, 7, 4, 5, seq});
      v.push_back({"rnn-relu" + tag, "SimpleRNN", "relu", 3, 7, 4, 5, seq});
      v.push_back({"lstm" + tag, "LSTM", "", 3, 9, 4, 6, seq});
      v.push_back({"gru" + tag, "GRU", "", 3, 9, 4, 6, seq});
    }
    // Long sequences: the gradient has to travel 40 steps back.
    v.push_back({"lstm-long", "LSTM", "", 2, 40, 3, 8, false});
    v.push_back({"gru-long", "GRU", "", 2, 40, 3, 8, false});
    v.push_back({"lstm-forget-bias", "LSTM", "", 3, 12, 4, 6, false, 1.0});
    return v;
  }();
  return all;
}

HostTensor host(const Tensor& t) { return HostTensor{t.shape(), DType::F64, t.toHost()}; }

HostTensor randomTensor(const Shape& shape, Rng& rng, double scale) {
  HostTensor h{shape, DType::F64, std::vector<double>(size_t(numel(shape)))};
  for (auto& v : h.values) v = rng.uniform(-scale, scale);
  return h;
}

Tensor upload(const HostTensor& h) {
  Tensor t = cpuBackend().empty(h.shape, DType::F64);
  t.fromHost(std::span<const double>(h.values));
  return t;
}

// Runs one case through Gradlab's block: writes its inputs into `in` and its results
// (y, dx, grad.<param>) into `ours`, all under "<case name>.".
void runGradlab(const Case& c, uint64_t seed, TensorMap& in, TensorMap& ours) {
  Backend& be = cpuBackend();
  nlohmann::json params{{"units", c.units}, {"return_sequences", c.sequences}};
  if (!c.activation.empty()) params["activation"] = c.activation;
  if (c.forgetBias != 0) params["forget_bias"] = c.forgetBias;
  const BlockSpec spec{"b", c.type, params, {}};
  const BlockInfo& info = *findBlockType(c.type);
  const std::vector<Shape> inShapes{{c.steps, c.features}};
  const Shape outShape = info.infer(spec, inShapes);
  auto block = info.create(BlockArgs{spec, inShapes, outShape, be, DType::F64, seed});
  Rng rng(seed);
  const std::string p = c.name + ".";
  for (const auto& decl : info.paramDecls(spec, inShapes)) {
    Param param;
    param.decl = decl;
    if (c.forgetBias != 0) {
      // Ours: the initialiser with the shift; theirs: the same draw without it.
      Rng again = rng;
      param.value = be.empty(decl.shape, DType::F64);
      initParam(param, rng);
      Param base{decl, be.empty(decl.shape, DType::F64), {}, {}, {}};
      base.decl.shift = 0;
      initParam(base, again);
      in[p + decl.name] = host(base.value);
      ours[p + "init." + decl.name] = host(param.value);
    } else {
      const HostTensor v = randomTensor(decl.shape, rng, 0.6);
      in[p + decl.name] = v;
      param.value = upload(v);
    }
    param.grad = be.zeros(decl.shape, DType::F64);
    block->params().push_back(std::move(param));
  }
  const HostTensor x = randomTensor({c.batch, c.steps, c.features}, rng, 1.0);
  const HostTensor dy = randomTensor(withBatch(c.batch, outShape), rng, 1.0);
  in[p + "x"] = x;
  in[p + "dy"] = dy;

  block->resize(c.batch);
  std::vector<Tensor> xs{upload(x)}, dxs{be.zeros(x.shape, DType::F64)};
  Tensor y = be.empty(dy.shape, DType::F64);
  block->forward(xs, y, /*training=*/true);
  block->backward(xs, y, upload(dy), dxs);
  ours[p + "y"] = host(y);
  ours[p + "dx"] = host(dxs[0]);
  for (const auto& param : block->params()) ours[p + "grad." + param.decl.name] = host(param.grad);
}

}  // namespace

class TstParityRecurrent : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void parity_data();
  void parity();

 private:
  QTemporaryDir dir_;
  TensorMap ours_, theirs_;
};

void TstParityRecurrent::initTestCase() {
  if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  QVERIFY(dir_.isValid());
  TensorMap in;
  nlohmann::json list = nlohmann::json::array();
  uint64_t seed = 100;
  for (const Case& c : cases()) {
    runGradlab(c, seed++, in, ours_);
    nlohmann::json j{{"name", c.name}, {"type", c.type}, {"units", c.units},
                     {"return_sequences", c.sequences}};
    if (c.forgetBias != 0) j["forget_bias"] = c.forgetBias;
    if (!c.activation.empty()) j["activation"] = c.activation;
    list.push_back(j);
  }
  const std::string inPath = dir_.filePath("in.safetensors").toStdString();
  const std::string outPath = dir_.filePath("out.safetensors").toStdString();
  writeSafetensors(inPath, in, {{"cases", list.dump()}});

  const auto py = runPython({sourcePath("tests/parity/recurrent_ref.py"),
                             QString::fromStdString(inPath), QString::fromStdString(outPath)},
                            300000);
  QVERIFY2(py.ok, qPrintable("recurrent_ref.py failed: " + py.message));
  theirs_ = readSafetensors(outPath);
}

void TstParityRecurrent::parity_data() {
  QTest::addColumn<QString>("name");
  for (const Case& c : cases()) QTest::newRow(c.name.c_str()) << QString::fromStdString(c.name);
}

void TstParityRecurrent::parity() {
  QFETCH(QString, name);
  const std::string p = name.toStdString() + ".";
  std::vector<std::string> keys{"y", "dx"};
  for (const char* param : kParams) keys.push_back(std::string("grad.") + param);
  if (ours_.count(p + "init.bias_ih_l0")) keys.push_back("init.bias_ih_l0");
  for (const auto& key : keys) {
    const auto a = ours_.find(p + key), b = theirs_.find(p + key);
    QVERIFY2(a != ours_.end(), qPrintable(QString::fromStdString("Gradlab gave no " + p + key)));
    QVERIFY2(b != theirs_.end(), qPrintable(QString::fromStdString("PyTorch gave no " + p + key)));
    QVERIFY2(a->second.shape == b->second.shape,
             qPrintable(QString::fromStdString(key + ": Gradlab " + toString(a->second.shape) +
                                               ", PyTorch " + toString(b->second.shape))));
    const auto& ua = a->second.values;
    const auto& va = b->second.values;
    double scale = 0;
    for (double v : va) scale = std::max(scale, std::abs(v));
    QVERIFY2(scale > 0, qPrintable(QString::fromStdString(key + " is all zeros: nothing tested")));
    // Relative error per element; elements near 0 relative to 1e-8 of the tensor's largest.
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < ua.size(); ++i) {
      const double err =
          std::abs(ua[i] - va[i]) / std::max({std::abs(ua[i]), std::abs(va[i]), 1e-8 * scale});
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    }
    const double u = ua[at], v = va[at];
    const bool ok = worst <= kRelTol;
    QVERIFY2(ok, qPrintable(QString("%1: element %2: Gradlab %3, PyTorch %4 (relative %5)")
                                .arg(QString::fromStdString(key))
                                .arg(at)
                                .arg(u, 0, 'g', 17)
                                .arg(v, 0, 'g', 17)
                                .arg(worst)));
  }
}

QTEST_GUILESS_MAIN(TstParityRecurrent)
#include "tst_parity_recurrent.moc"
