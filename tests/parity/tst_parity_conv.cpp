// PyTorch parity for the convolution, pooling and batch-norm blocks: the same input, weights
// and upstream gradient in Gradlab (the block on the cpu backend) and in PyTorch
// (tests/parity/conv_ref.py) must give the same output, input gradient and parameter gradients
// to a relative 1e-4 (relative to the tensor's largest magnitude); BatchNorm also its running
// statistics after the training pass and its evaluation-mode output.
//
// Every case is written to one safetensors file, one python process computes them all (importing
// torch takes seconds), and each data row compares one case. Most cases run in float64, a few
// in float32 to cover the single-precision kernels.
//
// Skipped (loudly) only when /usr/bin/python3 cannot import torch (apt-get install python3-torch).
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <map>

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

constexpr double kRelTol = 1e-4;

struct Case {
  std::string name;
  nlohmann::json spec;  // {"type": ..., params...}
  Shape inShape;        // one sample
  int64_t batch;
  DType dtype;
};

// Conv2D with stride and padding (valid, same, numeric), with and without bias and activation;
// MaxPool2d/AvgPool2d with stride equal to, smaller than and larger than the window;
// BatchNorm 1d and 2d (train forward and backward, running statistics, eval forward).
// Conv1D and MaxPool1D on sequences [T, F] (nn.Conv1d/MaxPool1d on the transposed [F, T]):
// stride, padding (valid, same, numeric), one and several features, activations, no bias.
// ConvTranspose2D with stride, padding, output_padding, activations, no bias; Upsample2D
// (nn.Upsample, mode "nearest") by 2 and 3.
const std::vector<Case>& cases() {
  static const std::vector<Case> all{
      {"conv-same-s1",
       {{"type", "Conv2D"}, {"filters", 4}, {"kernel", 3}, {"padding", "same"}},
       {2, 9, 9},
       3,
       DType::F64},
      {"conv-valid-k5",
       {{"type", "Conv2D"}, {"filters", 6}, {"kernel", 5}},
       {1, 12, 12},
       2,
       DType::F64},
      {"conv-pad1-s2",
       {{"type", "Conv2D"}, {"filters", 5}, {"kernel", 3}, {"stride", 2}, {"padding", 1}},
       {3, 10, 11},
       2,
       DType::F64},
      {"conv-same-s2-k5",
       {{"type", "Conv2D"}, {"filters", 3}, {"kernel", 5}, {"stride", 2}, {"padding", "same"}},
       {2, 13, 13},
       2,
       DType::F64},
      {"conv-pad2-s3-nobias",
       {{"type", "Conv2D"},
        {"filters", 2},
        {"kernel", 4},
        {"stride", 3},
        {"padding", 2},
        {"use_bias", false}},
       {3, 11, 9},
       2,
       DType::F64},
      {"conv-tanh",
       {{"type", "Conv2D"}, {"filters", 4}, {"kernel", 3}, {"activation", "tanh"}},
       {2, 7, 8},
       3,
       DType::F64},
      {"conv-relu-f32",
       {{"type", "Conv2D"},
        {"filters", 8},
        {"kernel", 5},
        {"padding", "same"},
        {"activation", "relu"}},
       {3, 14, 14},
       4,
       DType::F32},
      {"maxpool-2", {{"type", "MaxPool2D"}, {"size", 2}}, {3, 8, 8}, 2, DType::F64},
      {"maxpool-3-s2",
       {{"type", "MaxPool2D"}, {"size", 3}, {"stride", 2}},
       {2, 9, 10},
       2,
       DType::F64},
      {"maxpool-2-s3",
       {{"type", "MaxPool2D"}, {"size", 2}, {"stride", 3}},
       {2, 8, 8},
       2,
       DType::F64},
      {"maxpool-2-f32", {{"type", "MaxPool2D"}, {"size", 2}}, {4, 10, 10}, 3, DType::F32},
      {"avgpool-2", {{"type", "AvgPool2D"}, {"size", 2}}, {3, 8, 9}, 2, DType::F64},
      {"avgpool-3-s1",
       {{"type", "AvgPool2D"}, {"size", 3}, {"stride", 1}},
       {2, 7, 7},
       2,
       DType::F64},
      {"avgpool-3-f32", {{"type", "AvgPool2D"}, {"size", 3}}, {2, 9, 9}, 2, DType::F32},
      {"batchnorm2d", {{"type", "BatchNorm"}}, {3, 5, 4}, 4, DType::F64},
      {"batchnorm1d", {{"type", "BatchNorm"}, {"momentum", 0.3}}, {5}, 6, DType::F64},
      {"batchnorm2d-f32", {{"type", "BatchNorm"}, {"eps", 1e-3}}, {4, 6, 6}, 5, DType::F32},
      {"conv1d-same-f3",
       {{"type", "Conv1D"}, {"filters", 4}, {"kernel", 3}, {"padding", "same"}},
       {11, 3},
       3,
       DType::F64},
      {"conv1d-valid-k5-f1",
       {{"type", "Conv1D"}, {"filters", 6}, {"kernel", 5}},
       {16, 1},
       2,
       DType::F64},
      {"conv1d-pad2-s2-tanh",
       {{"type", "Conv1D"},
        {"filters", 3},
        {"kernel", 4},
        {"stride", 2},
        {"padding", 2},
        {"activation", "tanh"}},
       {13, 2},
       2,
       DType::F64},
      {"conv1d-s3-nobias",
       {{"type", "Conv1D"}, {"filters", 2}, {"kernel", 3}, {"stride", 3}, {"use_bias", false}},
       {14, 4},
       2,
       DType::F64},
      {"conv1d-relu-f32",
       {{"type", "Conv1D"},
        {"filters", 8},
        {"kernel", 9},
        {"padding", "same"},
        {"activation", "relu"}},
       {64, 1},
       4,
       DType::F32},
      {"maxpool1d-2", {{"type", "MaxPool1D"}, {"size", 2}}, {9, 3}, 2, DType::F64},
      {"maxpool1d-3-s2", {{"type", "MaxPool1D"}, {"size", 3}, {"stride", 2}}, {10, 2}, 2, DType::F64},
      {"maxpool1d-4-f32", {{"type", "MaxPool1D"}, {"size", 4}}, {64, 8}, 3, DType::F32},
      {"convtranspose-s1",
       {{"type", "ConvTranspose2D"}, {"filters", 3}, {"kernel", 3}},
       {2, 5, 6},
       2,
       DType::F64},
      {"convtranspose-s2-pad1-outpad1-relu",
       {{"type", "ConvTranspose2D"},
        {"filters", 4},
        {"kernel", 3},
        {"stride", 2},
        {"padding", 1},
        {"output_padding", 1},
        {"activation", "relu"}},
       {3, 7, 7},
       2,
       DType::F64},
      {"convtranspose-k4-s3-pad2-nobias",
       {{"type", "ConvTranspose2D"},
        {"filters", 2},
        {"kernel", 4},
        {"stride", 3},
        {"padding", 2},
        {"output_padding", 2},
        {"use_bias", false}},
       {2, 4, 5},
       2,
       DType::F64},
      {"convtranspose-s2-sigmoid-f32",
       {{"type", "ConvTranspose2D"},
        {"filters", 1},
        {"kernel", 2},
        {"stride", 2},
        {"activation", "sigmoid"}},
       {8, 7, 7},
       3,
       DType::F32},
      {"upsample-2", {{"type", "Upsample2D"}, {"factor", 2}}, {3, 4, 5}, 2, DType::F64},
      {"upsample-3-f32", {{"type", "Upsample2D"}, {"factor", 3}}, {2, 5, 4}, 3, DType::F32},
  };
  return all;
}

BlockSpec specOf(const Case& c) {
  BlockSpec s{c.name, c.spec.at("type").get<std::string>(), nlohmann::json::object(), {}};
  for (const auto& [k, v] : c.spec.items())
    if (k != "type") s.params[k] = v;
  return s;
}

std::vector<double> randomValues(int64_t n, Rng& rng, double lo, double hi) {
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

// Rounded to the case's dtype, so that both sides start from the very same numbers.
std::vector<double> rounded(std::vector<double> v, DType t) {
  if (t == DType::F32)
    for (auto& x : v) x = double(float(x));
  return v;
}

Tensor upload(Backend& be, const Shape& s, DType t, const std::vector<double>& v) {
  Tensor x = be.empty(s, t);
  x.fromHost(std::span<const double>(v));
  return x;
}

// What Gradlab computed for one case, under conv_ref.py's output names.
struct Computed {
  std::map<std::string, HostTensor> outputs;
};

Computed runGradlab(const Case& c, TensorMap& in) {
  Backend& be = cpuBackend();
  be.setThreads(1);
  const BlockSpec spec = specOf(c);
  const BlockInfo* info = findBlockType(spec.type);
  if (!info) throw Error("no block type " + spec.type);
  const std::vector<Shape> inShapes{c.inShape};
  const Shape out = info->infer(spec, inShapes);
  BlockArgs args{spec, inShapes, out, be, c.dtype, 7};
  auto block = info->create(args);
  Rng rng(std::hash<std::string>{}(c.name) & 0xffff);

  for (auto& decl : info->paramDecls(spec, inShapes)) {
    Param p;
    p.decl = decl;
    // Weights around PyTorch's scale; running variances positive.
    const bool positive = decl.name == "running_var";
    std::vector<double> v = rounded(
        randomValues(numel(decl.shape), rng, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5), c.dtype);
    if (decl.name == "weight" && spec.type == "BatchNorm")
      for (auto& x : v) x = double(c.dtype == DType::F32 ? float(x + 1.0) : x + 1.0);
    p.value = upload(be, decl.shape, c.dtype, v);
    if (decl.trainable) p.grad = be.zeros(decl.shape, c.dtype);
    in[c.name + "." + decl.name] = HostTensor{decl.shape, c.dtype, v};
    block->params().push_back(std::move(p));
  }
  const Shape xs = withBatch(c.batch, c.inShape), ys = withBatch(c.batch, out);
  // BatchNorm inputs off-centre and scaled, so that normalising does something.
  const double hi = spec.type == "BatchNorm" ? 3.0 : 1.0;
  const auto xv = rounded(randomValues(numel(xs), rng, -1.0, hi), c.dtype);
  const auto dyv = rounded(randomValues(numel(ys), rng, -1, 1), c.dtype);
  in[c.name + ".x"] = HostTensor{xs, c.dtype, xv};
  in[c.name + ".dy"] = HostTensor{ys, c.dtype, dyv};

  block->resize(c.batch);
  Tensor x = upload(be, xs, c.dtype, xv), dy = upload(be, ys, c.dtype, dyv);
  Tensor y = be.empty(ys, c.dtype);
  std::vector<Tensor> ins{x}, dins{be.zeros(xs, c.dtype)};
  block->forward(ins, y, /*training=*/true);
  block->backward(ins, y, dy, dins);

  Computed r;
  r.outputs[c.name + ".y"] = HostTensor{ys, c.dtype, y.toHost()};
  r.outputs[c.name + ".dx"] = HostTensor{xs, c.dtype, dins[0].toHost()};
  for (const auto& p : block->params()) {
    if (p.decl.trainable)
      r.outputs[c.name + ".grad." + p.decl.name] =
          HostTensor{p.decl.shape, c.dtype, p.grad.toHost()};
    else
      r.outputs[c.name + "." + p.decl.name] = HostTensor{p.decl.shape, c.dtype, p.value.toHost()};
  }
  if (spec.type == "BatchNorm") {
    const auto x2v = rounded(randomValues(numel(xs), rng, -2, 2), c.dtype);
    in[c.name + ".x2"] = HostTensor{xs, c.dtype, x2v};
    Tensor x2 = upload(be, xs, c.dtype, x2v);
    std::vector<Tensor> ins2{x2};
    block->forward(ins2, y, /*training=*/false);
    r.outputs[c.name + ".y_eval"] = HostTensor{ys, c.dtype, y.toHost()};
  }
  return r;
}

}  // namespace

class TstParityConv : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase();
  void parity_data();
  void parity();

 private:
  QTemporaryDir tmp_;
  std::map<std::string, Computed> gradlab_;
  TensorMap torch_;
};

void TstParityConv::initTestCase() {
  if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  QVERIFY2(tmp_.isValid(), "cannot create a temporary folder");
  TensorMap in;
  nlohmann::json list = nlohmann::json::array();
  for (const Case& c : cases()) {
    gradlab_[c.name] = runGradlab(c, in);
    nlohmann::json params = c.spec;
    params.erase("type");
    list.push_back({{"name", c.name},
                    {"type", c.spec.at("type")},
                    {"params", params},
                    {"dtype", c.dtype == DType::F64 ? "F64" : "F32"}});
  }
  const QString inPath = tmp_.filePath("in.safetensors"),
                outPath = tmp_.filePath("out.safetensors");
  writeSafetensors(inPath.toStdString(), in, {{"cases", list.dump()}});
  const auto py = runPython({sourcePath("tests/parity/conv_ref.py"), inPath, outPath}, 180000);
  if (!py.ok) {
    tmp_.setAutoRemove(false);
    QFAIL(qPrintable("conv_ref.py failed (files kept in " + tmp_.path() + "): " + py.message));
  }
  torch_ = readSafetensors(outPath.toStdString());
}

void TstParityConv::parity_data() {
  QTest::addColumn<QString>("name");
  for (const Case& c : cases()) QTest::newRow(c.name.c_str()) << QString::fromStdString(c.name);
}

void TstParityConv::parity() {
  QFETCH(QString, name);
  const Computed& got = gradlab_.at(name.toStdString());
  int compared = 0;
  double largest = 0;
  for (const auto& [key, mine] : got.outputs) {
    auto it = torch_.find(key);
    if (it == torch_.end()) {
      // Parameters without gradient PyTorch does not report (e.g. a bias that is not there).
      QFAIL(qPrintable(QString("PyTorch gave no \"%1\"").arg(QString::fromStdString(key))));
    }
    const HostTensor& ref = it->second;
    QVERIFY2(ref.shape == mine.shape,
             qPrintable(QString("%1: shape %2 vs PyTorch's %3")
                            .arg(QString::fromStdString(key),
                                 QString::fromStdString(toString(mine.shape)),
                                 QString::fromStdString(toString(ref.shape)))));
    double scale = 0, worst = 0;
    size_t at = 0;
    for (double v : ref.values) scale = std::max(scale, std::abs(v));
    QVERIFY2(
        scale > 0,
        qPrintable(
            QString("%1 is all zeros: the case tests nothing").arg(QString::fromStdString(key))));
    for (size_t i = 0; i < ref.values.size(); ++i) {
      const double d = std::abs(mine.values[i] - ref.values[i]);
      if (!(d <= worst)) {  // NaN lands here too
        worst = d;
        at = i;
      }
    }
    const double rel = worst / std::max(scale, 1e-12);
    QVERIFY2(rel <= kRelTol,
             qPrintable(QString("%1: element %2 is %3 in Gradlab, %4 in PyTorch (difference %5 "
                                "of the largest magnitude %6, > 1e-4)")
                            .arg(QString::fromStdString(key))
                            .arg(at)
                            .arg(mine.values[at], 0, 'g', 12)
                            .arg(ref.values[at], 0, 'g', 12)
                            .arg(rel, 0, 'g', 3)
                            .arg(scale, 0, 'g', 4)));
    largest = std::max(largest, rel);
    ++compared;
  }
  // Everything PyTorch computed for the case must have been compared.
  int expected = 0;
  for (const auto& [key, t] : torch_)
    if (key.rfind(name.toStdString() + ".", 0) == 0) ++expected;
  QCOMPARE(compared, expected);
  qInfo("%d tensors agree; largest relative difference %.3g", compared, largest);
}

QTEST_GUILESS_MAIN(TstParityConv)
#include "tst_parity_conv.moc"
