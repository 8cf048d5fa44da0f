// PyTorch parity for the sequence-to-sequence blocks, in float64: the same parameters, inputs
// and output gradient dy go through Gradlab's block and through PyTorch
// (tests/parity/attention_ref.py); the outputs, the attention weights and the gradients of
// L = Σ dy ⊙ y with respect to every input and parameter must agree to a relative 1e-6.
//   Attention ↔ softmax(Q·Kᵀ/√d)·V written with torch ops (cross and self, projected or not)
//   Dense on a sequence ↔ nn.Linear on [B, T, F] (+ tanh / softmax over the last axis)
//   RepeatVector ↔ unsqueeze + expand;  PositionEncoding ↔ x + P (learned; the sinusoidal
//   table of PyTorch's Transformer tutorial)
// All cases go to one python process (importing torch takes seconds).
//
// Skipped (loudly) only when /usr/bin/python3 cannot import torch.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "backend/backend.h"
#include "blocks/registry.h"
#include "io/safetensors.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

namespace {

constexpr double kRelTol = 1e-6;

struct Case {
  std::string name, type;
  nlohmann::json params;
  std::vector<Shape> inputs;  // without batch
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all{
      {"att-cross-projected", "Attention", {{"units", 5}}, {{6, 3}, {7, 4}}},
      {"att-cross-plain", "Attention", {{"units", 0}}, {{6, 4}, {8, 4}}},
      {"att-self-projected", "Attention", {{"units", 4}}, {{7, 3}}},
      {"att-self-plain", "Attention", {{"units", 0}}, {{5, 6}}},
      {"dense-steps", "Dense", {{"units", 5}}, {{6, 3}}},
      {"dense-steps-tanh", "Dense", {{"units", 4}, {"activation", "tanh"}}, {{6, 3}}},
      {"dense-steps-softmax", "Dense", {{"units", 4}, {"activation", "softmax"}}, {{5, 3}}},
      {"repeat-times", "RepeatVector", {{"times", 5}}, {{4}}},
      {"repeat-like", "RepeatVector", nlohmann::json::object(), {{4}, {7, 2}}},
      {"pos-learned", "PositionEncoding", {{"encoding", "learned"}}, {{6, 4}}},
      {"pos-sinusoidal", "PositionEncoding", {{"encoding", "sinusoidal"}}, {{9, 8}}},
  };
  return all;
}

constexpr int64_t kBatch = 3;

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

// Runs one case through Gradlab's block: its inputs into `in`, its results (y, dx0, dx1,
// grad.<param>, weights) into `ours`, all under "<case name>.".
void runGradlab(const Case& c, uint64_t seed, TensorMap& in, TensorMap& ours) {
  Backend& be = cpuBackend();
  const BlockSpec spec{"b", c.type, c.params, {}};
  const BlockInfo& info = *findBlockType(c.type);
  const Shape outShape = info.infer(spec, c.inputs);
  auto block = info.create(BlockArgs{spec, c.inputs, outShape, be, DType::F64, seed});
  Rng rng(seed);
  const std::string p = c.name + ".";
  for (const auto& decl : info.paramDecls(spec, c.inputs)) {
    const HostTensor v = randomTensor(decl.shape, rng, 0.8);
    in[p + decl.name] = v;
    Param param;
    param.decl = decl;
    param.value = upload(v);
    param.grad = be.zeros(decl.shape, DType::F64);
    block->params().push_back(std::move(param));
  }
  std::vector<Tensor> xs, dxs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const HostTensor x = randomTensor(withBatch(kBatch, c.inputs[i]), rng, 1.5);
    in[p + "x" + std::to_string(i)] = x;
    xs.push_back(upload(x));
    dxs.push_back(be.zeros(x.shape, DType::F64));
  }
  const HostTensor dy = randomTensor(withBatch(kBatch, outShape), rng, 1.0);
  in[p + "dy"] = dy;

  block->resize(kBatch);
  Tensor y = be.empty(dy.shape, DType::F64);
  block->forward(xs, y, /*training=*/true);
  block->backward(xs, y, upload(dy), dxs);
  ours[p + "y"] = host(y);
  for (size_t i = 0; i < dxs.size(); ++i) ours[p + "dx" + std::to_string(i)] = host(dxs[i]);
  for (const auto& param : block->params()) ours[p + "grad." + param.decl.name] = host(param.grad);
  std::vector<std::pair<std::string, Tensor>> internals;
  block->internals(internals);
  for (const auto& [name, t] : internals)
    if (name == "weights") ours[p + "weights"] = host(t);
}

}  // namespace

class TstParityAttention : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void parity_data();
  void parity();

 private:
  QTemporaryDir dir_;
  TensorMap ours_, theirs_;
};

void TstParityAttention::initTestCase() {
  if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  QVERIFY(dir_.isValid());
  TensorMap in;
  nlohmann::json list = nlohmann::json::array();
  uint64_t seed = 300;
  for (const Case& c : cases()) {
    runGradlab(c, seed++, in, ours_);
    list.push_back({{"name", c.name}, {"type", c.type}, {"params", c.params},
                    {"inputs", c.inputs.size()}});
  }
  const std::string inPath = dir_.filePath("in.safetensors").toStdString();
  const std::string outPath = dir_.filePath("out.safetensors").toStdString();
  writeSafetensors(inPath, in, {{"cases", list.dump()}});
  const auto py = runPython({sourcePath("tests/parity/attention_ref.py"),
                             QString::fromStdString(inPath), QString::fromStdString(outPath)});
  QVERIFY2(py.ok, qPrintable("attention_ref.py failed: " + py.message));
  theirs_ = readSafetensors(outPath);
}

void TstParityAttention::parity_data() {
  QTest::addColumn<QString>("name");
  for (const Case& c : cases()) QTest::newRow(c.name.c_str()) << QString::fromStdString(c.name);
}

// Every tensor PyTorch gave for the case has Gradlab's counterpart, and agrees with it. The
// list is PyTorch's, so a missing gradient on Gradlab's side fails.
void TstParityAttention::parity() {
  QFETCH(QString, name);
  const std::string p = name.toStdString() + ".";
  int compared = 0;
  for (const auto& [key, theirs] : theirs_) {
    if (key.rfind(p, 0) != 0) continue;
    ++compared;
    const auto a = ours_.find(key);
    QVERIFY2(a != ours_.end(), qPrintable(QString::fromStdString("Gradlab gave no " + key)));
    const HostTensor& ours = a->second;
    QVERIFY2(ours.shape == theirs.shape,
             qPrintable(QString::fromStdString(key + ": Gradlab " + toString(ours.shape) +
                                               ", PyTorch " + toString(theirs.shape))));
    double scale = 0;
    for (double v : theirs.values) scale = std::max(scale, std::abs(v));
    const bool lengthOnly = key == p + "dx1" && name.startsWith("repeat");  // no gradient
    QVERIFY2(scale > 0 || lengthOnly,
             qPrintable(QString::fromStdString(key + " is all zeros: nothing tested")));
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < ours.values.size(); ++i) {
      const double u = ours.values[i], v = theirs.values[i];
      const double err = std::abs(u - v) / std::max({std::abs(u), std::abs(v), 1e-8 * scale, 1e-300});
      if (!(err <= worst)) worst = err, at = i;
    }
    QVERIFY2(worst <= kRelTol,
             qPrintable(QString("%1: element %2: Gradlab %3, PyTorch %4 (relative %5)")
                            .arg(QString::fromStdString(key))
                            .arg(at)
                            .arg(ours.values[at], 0, 'g', 17)
                            .arg(theirs.values[at], 0, 'g', 17)
                            .arg(worst)));
  }
  // y and dx0 always; Attention adds its weights.
  QVERIFY2(compared >= (name.startsWith("att") ? 3 : 2), qPrintable(QString("only %1 tensors").arg(compared)));
}

QTEST_GUILESS_MAIN(TstParityAttention)
#include "tst_parity_attention.moc"
