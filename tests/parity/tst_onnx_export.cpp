// ONNX export (core/export/onnx_export.h) checked by the tools that read ONNX:
// - every examples/*.net.json exports and python3-onnx's checker accepts it, the input named
//   after the Input block with a dynamic batch; an example with a block the exporter lacks is
//   refused with a message naming the block;
// - OpenCV's DNN module (cv::dnn::readNetFromONNX, OpenCV 4.6) gives Gradlab's forward outputs
//   (evaluation mode, what `gradlab-cli forward` writes) within 1e-4 for xor-mlp and fashion-cnn
//   at two batch sizes from one file, for long-lag-lstm (exported with a fixed batch: OpenCV
//   4.6 builds its LSTM with the batch of the file), waveforms-conv1d-lstm (Conv1D, MaxPool1D),
//   fashion-conv-autoencoder (ConvTranspose2D, Upsample2D) and a network of every other
//   feed-forward block (BatchNorm with running statistics, Dropout, AvgPool, Add, Concat,
//   Reshape, every activation);
// - GRU and SimpleRNN, which OpenCV 4.6 cannot check (it has no RNN op and runs GRU as
//   linear_before_reset = 1 whatever the file says), against ONNX's equations written out in
//   numpy (onnx_ref.py; ONNX 1.12 has no reference evaluator, PyTorch cannot import ONNX);
// - gradlab-cli export onnx writes the file, and refuses bad input without touching an
//   existing one.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <opencv2/dnn.hpp>

#include "backend/backend.h"
#include "export/onnx_export.h"
#include "network/network.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;
using gradlab::test::runCli;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

namespace {

constexpr double kTolerance = 1e-4;

QString pythonOnnxMissing() {
  const auto r = runPython({"-c", "import onnx"});
  return r.ok ? QString() : "python3-onnx is missing (apt-get install python3-onnx): " + r.message;
}

std::vector<double> randomValues(size_t n, Rng& rng, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

Tensor upload(const Shape& shape, const std::vector<double>& values) {
  Tensor t = cpuBackend().empty(shape, DType::F32);
  t.fromHost(std::span<const double>(values));
  return t;
}

// Gradlab's evaluation-mode output of `block` for x [batch, ...input shape].
std::vector<double> gradlabForward(Network& net, const Shape& shape, const std::vector<double>& x,
                                   const std::string& block) {
  net.forward(upload(shape, x), /*training=*/false);
  return net.output(block).toHost();
}

// OpenCV's output of the model's `output` for x.
std::vector<double> openCvForward(const QString& model, const Shape& shape,
                                  const std::vector<double>& x, const std::string& output,
                                  Shape* outShape) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(model.toStdString());
  std::vector<int> dims(shape.begin(), shape.end());
  cv::Mat in(int(dims.size()), dims.data(), CV_32F);
  for (size_t i = 0; i < x.size(); ++i) in.ptr<float>()[i] = float(x[i]);
  net.setInput(in);
  cv::Mat out = net.forward(output);
  outShape->clear();
  for (int d = 0; d < out.dims; ++d) outShape->push_back(out.size[d]);
  return std::vector<double>(out.ptr<float>(), out.ptr<float>() + out.total());
}

double maxDifference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// A network of every feed-forward block and activation, BatchNorm after a convolution and
// after a dense layer.
NetworkSpec everyBlockSpec() {
  return parseNetwork(R"({"format": "gradlab.network/1", "name": "every-block",
    "blocks": [
      {"id": "x",   "type": "Input", "shape": [3, 8, 8]},
      {"id": "c1",  "type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "leaky_relu"},
      {"id": "bn1", "type": "BatchNorm"},
      {"id": "p1",  "type": "AvgPool2D", "size": 2},
      {"id": "c2",  "type": "Conv2D", "filters": 4, "kernel": 3, "padding": 1, "activation": "elu", "use_bias": false},
      {"id": "s",   "type": "Add"},
      {"id": "j",   "type": "Concat"},
      {"id": "m",   "type": "MaxPool2D", "size": 2},
      {"id": "f",   "type": "Flatten"},
      {"id": "d",   "type": "Dropout", "rate": 0.5},
      {"id": "h",   "type": "Dense", "units": 10, "activation": "tanh"},
      {"id": "bn2", "type": "BatchNorm"},
      {"id": "r",   "type": "Reshape", "shape": [2, 5]},
      {"id": "f2",  "type": "Flatten"},
      {"id": "h2",  "type": "Dense", "units": 6, "activation": "relu"},
      {"id": "h3",  "type": "Dense", "units": 4, "activation": "sigmoid"},
      {"id": "a",   "type": "Activation", "function": "softmax"}
    ],
    "edges": [["x", "c1"], ["c1", "bn1"], ["bn1", "p1"], ["p1", "c2"], ["p1", "s"], ["c2", "s"],
              ["s", "j"], ["c2", "j"], ["j", "m"], ["m", "f"], ["f", "d"], ["d", "h"],
              ["h", "bn2"], ["bn2", "r"], ["r", "f2"], ["f2", "h2"], ["h2", "h3"], ["h3", "a"]],
    "loss": {"type": "mse", "block": "a"}})",
                      "every-block");
}

// BatchNorm's running statistics, γ and β away from their starting 0, 1, 1, 0.
void randomiseBatchNorm(Network& net, Rng& rng) {
  TensorMap w = net.weights();
  for (auto& [name, t] : w) {
    const bool isVar = name.ends_with(".running_var");
    if (name.ends_with(".running_mean") || isVar || name.starts_with("bn"))
      t.values = randomValues(t.values.size(), rng, isVar ? 0.5 : -0.5, isVar ? 2.0 : 0.5);
  }
  net.loadWeights(w, "randomised BatchNorm");
}

}  // namespace

class TestOnnxExport : public QObject {
  Q_OBJECT

 private slots:
  void examplesPassTheOnnxChecker();
  void openCvMatchesGradlab_data();
  void openCvMatchesGradlab();
  void recurrentMatchesOnnxEquations();
  void cliExportsAndRefusesCleanly();
};

void TestOnnxExport::examplesPassTheOnnxChecker() {
  if (const QString why = pythonOnnxMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  QTemporaryDir tmp;
  const std::vector<std::string> exportable = onnxExportableTypes();
  QStringList files;
  std::map<QString, std::string> inputOf;
  const QDir examples(sourcePath("examples"));
  for (const QString& name : examples.entryList({"*.net.json"}, QDir::Files, QDir::Name)) {
    const NetworkSpec spec = loadNetwork(examples.filePath(name).toStdString());
    std::string refused;  // the first block of a type the exporter lacks
    for (const auto& b : spec.blocks)
      if (refused.empty() && std::find(exportable.begin(), exportable.end(), b.type) == exportable.end())
        refused = b.id;
    Network net(spec, cpuBackend(), DType::F32, 1, LossUse::Optional);
    const QString file = tmp.filePath(QString(name).replace(".net.json", ".onnx"));
    try {
      writeOnnx(file.toStdString(), spec, net.weights());
      QVERIFY2(refused.empty(), qPrintable(name + ": exported a block of a type it cannot export"));
      files << file;
      inputOf[file] = net.analysis().inputBlock;
    } catch (const Error& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(!refused.empty(), qPrintable(name + ": " + message));
      QVERIFY2(message.contains("cannot be exported") &&
                   message.contains(QString::fromStdString("\"" + refused + "\"")),
               qPrintable(name + ": " + message));
      QVERIFY(!QFile::exists(file));
      qInfo("%s: refused as it should be: %s", qPrintable(name), e.what());
    }
  }
  QVERIFY(files.size() >= 20);
  const auto r = runPython(QStringList{sourcePath("tests/parity/onnx_ref.py"), "check"} + files);
  QVERIFY2(r.ok, qPrintable(r.message));
  for (const QString& file : files) {
    const QString expect = file + ": ok opset 11 input " +
                           QString::fromStdString(inputOf[file]) + " [batch";
    QVERIFY2(r.message.contains(expect), qPrintable("no \"" + expect + "\" in " + r.message));
  }
  qInfo("python3-onnx's checker accepts %lld exported examples", (long long)files.size());
}

void TestOnnxExport::openCvMatchesGradlab_data() {
  QTest::addColumn<QString>("example");  // a file in examples/, or "every-block"
  QTest::addColumn<int>("fixedBatch");   // 0: exported with a dynamic batch
  QTest::addColumn<QList<int>>("batches");
  QTest::newRow("xor-mlp") << "xor-mlp" << 0 << QList<int>{1, 7};
  QTest::newRow("fashion-cnn") << "fashion-cnn" << 0 << QList<int>{2, 5};
  QTest::newRow("long-lag-lstm") << "long-lag-lstm" << 4 << QList<int>{4};
  QTest::newRow("waveforms-conv1d-lstm") << "waveforms-conv1d-lstm" << 3 << QList<int>{3};
  QTest::newRow("fashion-conv-autoencoder") << "fashion-conv-autoencoder" << 0 << QList<int>{2};
  QTest::newRow("every-block") << "every-block" << 0 << QList<int>{3, 6};
}

void TestOnnxExport::openCvMatchesGradlab() {
  QFETCH(QString, example);
  QFETCH(int, fixedBatch);
  QFETCH(QList<int>, batches);
  QTemporaryDir tmp;
  const QString file = sourcePath("examples/" + example + ".net.json");
  if (example != "every-block" && !QFile::exists(file))
    QSKIP(qPrintable(file + " is not there (ConvTranspose2D and Upsample2D come with it)"));
  const NetworkSpec spec =
      example == "every-block"
          ? everyBlockSpec()
          : loadNetwork(file.toStdString());
  Network net(spec, cpuBackend(), DType::F32, 7, LossUse::Optional);
  Rng rng(11);
  if (example == "every-block") randomiseBatchNorm(net, rng);
  const QString model = tmp.filePath("model.onnx");
  writeOnnx(model.toStdString(), spec, net.weights(), OnnxExportOptions{fixedBatch});

  const std::string output = spec.loss.block;
  for (int batch : batches) {
    const Shape shape = withBatch(batch, net.inputShape());
    const std::vector<double> x = randomValues(size_t(numel(shape)), rng, -1.0, 1.0);
    const std::vector<double> ours = gradlabForward(net, shape, x, output);
    Shape theirShape;
    std::vector<double> theirs;
    try {
      theirs = openCvForward(model, shape, x, output, &theirShape);
    } catch (const cv::Exception& e) {
      QFAIL(qPrintable(example + ": OpenCV could not run the model: " + e.what()));
    }
    QVERIFY2(theirShape == net.output(output).shape(), toString(theirShape).c_str());
    const double diff = maxDifference(ours, theirs);
    qInfo("%s, batch %d: OpenCV %s vs Gradlab, max |difference| %.2e", qPrintable(example),
          batch, toString(theirShape).c_str(), diff);
    QVERIFY2(diff <= kTolerance, qPrintable(QString("max difference %1").arg(diff)));
  }
}

void TestOnnxExport::recurrentMatchesOnnxEquations() {
  if (const QString why = pythonOnnxMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
  qInfo("GRU and SimpleRNN: OpenCV 4.6 cannot check them (no RNN op; its GRU ignores "
        "linear_before_reset = 0, which is Gradlab's candidate) — checked against ONNX's "
        "equations in numpy instead");
  struct Case {
    const char* type;
    const char* activation;
    bool sequences;
  };
  const int64_t B = 3, T = 6, F = 4, H = 5;
  QTemporaryDir tmp;
  for (const Case& c : {Case{"GRU", "", false}, Case{"GRU", "", true}, Case{"SimpleRNN", "tanh", false},
                        Case{"SimpleRNN", "relu", true}, Case{"LSTM", "", true}}) {
    nlohmann::json rec{{"id", "rec"}, {"type", c.type}, {"units", H}, {"return_sequences", c.sequences}};
    if (*c.activation) rec["activation"] = c.activation;
    nlohmann::json j{{"format", "gradlab.network/1"}, {"name", "rec"},
                     {"blocks", {{{"id", "x"}, {"type", "Input"}, {"shape", {T, F}}}, rec}},
                     {"edges", nlohmann::json::array({nlohmann::json::array({"x", "rec"})})}};
    const NetworkSpec spec = fromJson(j, "recurrent case");
    Network net(spec, cpuBackend(), DType::F32, 3, LossUse::Optional);
    Rng rng(5);
    const Shape shape{B, T, F};
    const std::vector<double> x = randomValues(size_t(B * T * F), rng, -1.5, 1.5);
    const std::vector<double> ours = gradlabForward(net, shape, x, "rec");

    const QString model = tmp.filePath("rec.onnx"), xFile = tmp.filePath("x.bin"),
                  yFile = tmp.filePath("y.bin");
    writeOnnx(model.toStdString(), spec, net.weights());
    QFile xf(xFile);
    QVERIFY(xf.open(QIODevice::WriteOnly));
    xf.write(reinterpret_cast<const char*>(x.data()), qint64(x.size() * sizeof(double)));
    xf.close();
    const auto r = runPython({sourcePath("tests/parity/onnx_ref.py"), "recurrent", model, "rec",
                              xFile, QString::number(B), QString::number(T), QString::number(F),
                              yFile});
    QVERIFY2(r.ok, qPrintable(r.message));
    QFile yf(yFile);
    QVERIFY(yf.open(QIODevice::ReadOnly));
    const QByteArray bytes = yf.readAll();
    QCOMPARE(bytes.size(), qsizetype(B * T * H * sizeof(double)));
    const double* all = reinterpret_cast<const double*>(bytes.constData());
    std::vector<double> theirs;  // every step's h, or the last step's
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = c.sequences ? 0 : T - 1; t < T; ++t)
        theirs.insert(theirs.end(), all + (b * T + t) * H, all + (b * T + t + 1) * H);
    QCOMPARE(theirs.size(), ours.size());
    const double diff = maxDifference(ours, theirs);
    qInfo("%s %s%s: ONNX's equations vs Gradlab, max |difference| %.2e", c.type, c.activation,
          c.sequences ? " (every step)" : " (last step)", diff);
    QVERIFY2(diff <= kTolerance, qPrintable(QString("max difference %1").arg(diff)));
  }
}

void TestOnnxExport::cliExportsAndRefusesCleanly() {
  QTemporaryDir tmp;
  const QString net = sourcePath("examples/xor-mlp.net.json");
  const QString weights = tmp.filePath("w.safetensors"), model = tmp.filePath("xor.onnx");
  const NetworkSpec spec = loadNetwork(net.toStdString());
  Network trained(spec, cpuBackend(), DType::F32, 42);
  writeSafetensors(weights.toStdString(), trained.weights());

  auto r = runCli({"export", "onnx", net, "--weights", weights, "-o", model});
  QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(gradlab::test::describe(r)));
  QVERIFY2(r.out.contains("opset 11") && r.out.contains("input \"x\" [batch, 2]"), qPrintable(r.out));
  // The file holds these weights: OpenCV's output is Gradlab's with them.
  const Shape shape{4, 2};
  const std::vector<double> x{0, 0, 0, 1, 1, 0, 1, 1};
  Shape theirShape;
  const double diff = maxDifference(gradlabForward(trained, shape, x, "out"),
                                    openCvForward(model, shape, x, "out", &theirShape));
  QVERIFY2(diff <= kTolerance, qPrintable(QString("max difference %1").arg(diff)));

  // Weights of another network: refused, naming the tensor; the file there is left alone.
  const QByteArray before = [&] {
    QFile f(model);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
  }();
  const QString other = tmp.filePath("other.safetensors");
  Network spiral(loadNetwork(sourcePath("examples/spiral.net.json").toStdString()), cpuBackend(),
                 DType::F32, 1);
  writeSafetensors(other.toStdString(), spiral.weights());
  EXPECT_CLEAN_FAILURE(runCli({"export", "onnx", net, "--weights", other, "-o", model}), "h1.weight");
  QFile after(model);
  QVERIFY(after.open(QIODevice::ReadOnly));
  QCOMPARE(after.readAll(), before);

  // A negative batch, a missing -o, a missing network file.
  EXPECT_CLEAN_FAILURE(runCli({"export", "onnx", net, "-o", model, "--batch", "-2"}), "batch");
  EXPECT_CLEAN_FAILURE(runCli({"export", "onnx", net}), "output");
  EXPECT_CLEAN_FAILURE(runCli({"export", "onnx", tmp.filePath("none.net.json"), "-o", model}),
                       "none.net.json");
  EXPECT_CLEAN_FAILURE(runCli({"export"}), "subcommand");
}

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnx_export.moc"
