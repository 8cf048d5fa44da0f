// Choosing a backend, and every fallback path, on whatever machine runs the tests: without a
// usable GPU (CI, this suite's usual home) "auto" trains on the CPU with one line saying why,
// "cuda" is a clear error with a non-zero exit; with one, "auto" takes it. A GPU failing
// mid-training is simulated (GRADLAB_TEST_DEVICE_ERROR_AT_STEP), on any backend: training
// stops, the last good weights are saved, and training continues on the CPU from them.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>
#include <cstdio>
#include <filesystem>

#include "backend/device_error.h"
#include "backend/select.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "support/cli_runner.h"
#include "train/weight_keeper.h"

using namespace gradlab;
using gradlab::test::runCli;
using gradlab::test::sourcePath;

namespace {
// Sets an environment variable for the processes started while it lives.
struct EnvGuard {
  QByteArray name, old;
  bool had;
  EnvGuard(const char* n, const QByteArray& value)
      : name(n), old(qgetenv(n)), had(qEnvironmentVariableIsSet(n)) {
    qputenv(n, value);
  }
  ~EnvGuard() {
    if (had)
      qputenv(name.constData(), old);
    else
      qunsetenv(name.constData());
  }
};

bool haveGpu(std::string* why = nullptr) {
  std::string w;
  const auto devices = listDevices(w);
  if (why) *why = w;
  return w.empty() && !devices.empty();
}

QStringList trainArgs(const QString& backend, int steps) {
  return {"train",     sourcePath("examples/xor-mlp.net.json"),
          "--dataset", "xor",
          "--steps",   QString::number(steps),
          "--backend", backend};
}
}  // namespace

class TestBackendSelect : public QObject {
  Q_OBJECT
 private slots:
  void cpuAlwaysWorks() {
    const BackendChoice c = selectBackend("cpu");
    QVERIFY(c.backend);
    QCOMPARE(QString::fromStdString(c.backend->name()), QStringLiteral("cpu"));
    QVERIFY(c.message.empty());
  }

  void unknownNamesAreRefused() {
    for (const char* name : {"gpu", "CUDA", "cuda:", "cuda:x", "cuda:-1", ""}) {
      try {
        selectBackend(name);
        QFAIL(qPrintable(QString("accepted \"%1\"").arg(name)));
      } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains("unknown backend"), e.what());
      }
    }
  }

  void autoFallsBackWithOneLine() {
    std::string why;
    if (haveGpu(&why)) {
      const BackendChoice c = selectBackend("auto");
      QCOMPARE(QString::fromStdString(c.backend->name()), QStringLiteral("cuda"));
      QVERIFY(c.message.empty());
      return;
    }
    QVERIFY2(!why.empty(), "no GPU but no reason given");
    if (!cudaCompiledIn()) QVERIFY(QString::fromStdString(why).contains("built without CUDA"));
    const BackendChoice c = selectBackend("auto");
    QCOMPARE(QString::fromStdString(c.backend->name()), QStringLiteral("cpu"));
    QCOMPARE(QString::fromStdString(c.message),
             QString::fromStdString("no usable GPU (" + why + "): training on the CPU"));
    QVERIFY(c.message.find('\n') == std::string::npos);
    std::printf("auto without a GPU: %s\n", c.message.c_str());
  }

  void cudaWithoutGpuIsAClearError() {
    std::string why;
    if (haveGpu(&why)) QSKIP("this machine has a usable GPU: \"cuda\" succeeds here");
    for (const char* name : {"cuda", "cuda:0", "cuda:3"}) {
      try {
        selectBackend(name);
        QFAIL("selectBackend(\"cuda\") succeeded without a usable GPU");
      } catch (const Error& e) {
        const QString msg = e.what();
        QVERIFY2(msg.contains("the cuda backend cannot run"), e.what());
        QVERIFY2(msg.contains(QString::fromStdString(why)), e.what());
      }
    }
  }

  void devicesCommand() {
    const auto r = runCli({"devices"});
    QVERIFY(!r.crashed);
    if (haveGpu()) {
      QCOMPARE(r.exitCode, 0);
      QVERIFY2(r.out.contains("GPU 0: ") && r.out.contains("compute "), qPrintable(r.out));
    } else {
      QCOMPARE(r.exitCode, 1);
      QVERIFY2(r.out.contains("no usable GPU: "), qPrintable(r.out));
    }
  }

  // The CLI: auto trains (on the CPU here, with the line on stderr); cuda refuses clearly.
  void cliAutoAndCuda() {
    const auto a = runCli(trainArgs("auto", 20));
    QVERIFY(!a.crashed);
    QVERIFY2(a.exitCode == 0, qPrintable(a.err));
    QVERIFY2(a.out.contains("trained 20 steps"), qPrintable(a.out));
    if (!haveGpu()) {
      QVERIFY2(a.err.contains("no usable GPU (") && a.err.contains("): training on the CPU"),
               qPrintable(a.err));
      QCOMPARE(a.err.count("no usable GPU"), 1);
      const auto c = runCli(trainArgs("cuda", 20));
      QVERIFY(!c.crashed);
      QCOMPARE(c.exitCode, 1);
      QVERIFY2(c.err.contains("error: the cuda backend cannot run"), qPrintable(c.err));
      QVERIFY2(!c.out.contains("trained"), qPrintable(c.out));
      const auto b =
          runCli({"bench", "--case", "mlp-tiny", "--seconds", "0.2", "--backend", "cuda"});
      QVERIFY(!b.crashed);
      QCOMPARE(b.exitCode, 1);
      QVERIFY2(b.err.contains("the cuda backend cannot run"), qPrintable(b.err));
    }
    const auto cpu = runCli(trainArgs("cpu", 5));
    QCOMPARE(cpu.exitCode, 0);
    QVERIFY2(!cpu.err.contains("GPU"), qPrintable(cpu.err));  // cpu asked: nothing to explain
    const auto bad = runCli(trainArgs("tpu", 5));
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("unknown backend \"tpu\""), qPrintable(bad.err));
  }

  // Hiding every GPU exercises the auto fallback on GPU machines too.
  void hiddenGpusFallBack() {
    EnvGuard hide("CUDA_VISIBLE_DEVICES", "");
    const auto a = runCli(trainArgs("auto", 5));
    QVERIFY(!a.crashed);
    QVERIFY2(a.exitCode == 0, qPrintable(a.err));
    QVERIFY2(a.err.contains("no usable GPU (") && a.err.contains("training on the CPU"),
             qPrintable(a.err));
    const auto c = runCli(trainArgs("cuda", 5));
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains("the cuda backend cannot run"), qPrintable(c.err));
  }

  void f64GoesToTheCpu() {
    QStringList args = trainArgs("auto", 5);
    args << "--dtype"
         << "f64";
    const auto r = runCli(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
  }

  // A GPU failing at step 7: training stops with the cause, the weights of the last kept step
  // are saved beside --save, and `--init that --backend cpu` continues from them.
  void deviceFailureSavesTheWeights() {
    QTemporaryDir dir;
    const QString save = dir.filePath("run.safetensors");
    const QString lastGood = dir.filePath("run.lastgood.safetensors");
    QStringList args = trainArgs("cpu", 20);
    args << "--save" << save;
    {
      EnvGuard fail("GRADLAB_TEST_DEVICE_ERROR_AT_STEP", "7");
      const auto r = runCli(args);
      QVERIFY(!r.crashed);
      QCOMPARE(r.exitCode, 1);
      QVERIFY2(r.err.contains("training stopped at step 7: the GPU failed — an injected failure"),
               qPrintable(r.err));
      QVERIFY2(r.err.contains("saved in " + lastGood), qPrintable(r.err));
      QVERIFY2(r.err.contains("--init " + lastGood + " --backend cpu"), qPrintable(r.err));
      QVERIFY(!QFile::exists(save));  // the run did not finish
    }
    QVERIFY(QFile::exists(lastGood));
    const TensorMap w = readSafetensors(lastGood.toStdString());
    QVERIFY(w.count("h1.weight") && w.count("out.weight"));
    for (const auto& [name, t] : w)
      for (double v : t.values) QVERIFY2(std::isfinite(v), name.c_str());
    QStringList more = trainArgs("cpu", 5);
    more << "--init" << lastGood;
    const auto c = runCli(more);
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    QVERIFY(c.out.contains("trained 5 steps"));
  }

  // Without --save the weights go to a temporary file, named in the message.
  void deviceFailureWithoutSave() {
    EnvGuard fail("GRADLAB_TEST_DEVICE_ERROR_AT_STEP", "3");
    const auto r = runCli(trainArgs("cpu", 10));
    QCOMPARE(r.exitCode, 1);
    const auto m =
        QRegularExpression("saved in (\\S+gradlab-lastgood-\\d+\\.safetensors)").match(r.err);
    QVERIFY2(m.hasMatch(), qPrintable(r.err));
    const QString path = m.captured(1);
    QVERIFY(QFile::exists(path));
    QVERIFY(!readSafetensors(path.toStdString()).empty());
    QFile::remove(path);
  }

  void weightKeeper() {
    const NetworkSpec spec = loadNetwork(sourcePath("examples/xor-mlp.net.json").toStdString());
    Network net(spec, cpuBackend(), DType::F32, 1);
    WeightKeeper keeper(3600.0);
    QVERIFY(keeper.empty());
    keeper.maybeKeep(net, 0);  // the first call always keeps
    QVERIFY(!keeper.empty());
    QCOMPARE(keeper.step(), int64_t(0));
    const TensorMap before = keeper.weights();
    net.initialize(2);
    keeper.maybeKeep(net, 5);  // within the interval: kept copy unchanged
    QCOMPARE(keeper.step(), int64_t(0));
    QVERIFY(keeper.weights().at("h1.weight").values == before.at("h1.weight").values);
    keeper.keep(net, 6);
    QCOMPARE(keeper.step(), int64_t(6));
    QVERIFY(keeper.weights().at("h1.weight").values == net.weights().at("h1.weight").values);
  }

  void deviceErrorIsAnError() {
    try {
      throw DeviceError("out of GPU memory", "out of GPU memory: could not allocate 2 MiB", false);
    } catch (const Error& e) {  // every caller that reports errors reports it
      QVERIFY(QString(e.what()).startsWith("out of GPU memory"));
    }
  }
};

QTEST_GUILESS_MAIN(TestBackendSelect)
#include "tst_backend_select.moc"
