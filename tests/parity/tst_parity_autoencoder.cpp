// PyTorch parity for an image autoencoder trained from the command line with --reconstruct:
// examples/autoencoder.net.json (Input [1, 28, 28] → Flatten → Dense 32 relu → Dense 784
// sigmoid → Reshape [1, 28, 28], mse on the reshaped output) on Fashion-MNIST, targets = the
// images. tests/parity/shapes_ref.py copies the first 320 training and 50 test images of
// Debian's dataset-fashion-mnist into a folder of IDX files, writes torch's seeded init and
// trains nn.Linear/nn.Sigmoid/reshape/nn.MSELoss in float64; gradlab-cli train then trains from
// that init on that folder (GRADLAB_FASHION_MNIST_DIR) with the same batches (file order), and
// the 20 per-step losses must agree to a relative 1e-6. The loss must also fall (it learns).
//
// Skipped (loudly) when /usr/bin/python3 cannot import torch or Fashion-MNIST is not installed.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "data/fashion_mnist.h"
#include "support/cli_runner.h"
#include "support/torch_reference.h"

using gradlab::test::readStepLosses;
using gradlab::test::runCli;
using gradlab::test::runPython;
using gradlab::test::sourcePath;

class TstParityAutoencoder : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
    fashionDir_ = QString::fromStdString(gradlab::defaultFashionMnistDir());
    if (!QFile::exists(fashionDir_ + "/train-images-idx3-ubyte.gz"))
      QSKIP(qPrintable("Fashion-MNIST is not in " + fashionDir_ +
                       " — apt-get install dataset-fashion-mnist"));
  }

  void reconstructMatchesTorch() {
    constexpr int kSteps = 20, kBatch = 16;
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString net = sourcePath("examples/autoencoder.net.json");
    const QString idx = tmp.filePath("fashion"), init = tmp.filePath("init.safetensors");
    const QString torchLog = tmp.filePath("torch.csv"), gradlabLog = tmp.filePath("gradlab.csv");
    const auto py = runPython({sourcePath("tests/parity/shapes_ref.py"), net, "--task",
                               "fashion-ae", "--rows", "320", "--test-rows", "50",
                               "--fashion-dir", fashionDir_, "--idx-out", idx, "--init", init,
                               "--log", torchLog, "--steps", QString::number(kSteps), "--batch",
                               QString::number(kBatch), "--optimizer", "adam", "--lr", "0.01",
                               "--seed", "7"});
    if (!py.ok) {
      tmp.setAutoRemove(false);
      QFAIL(qPrintable("shapes_ref.py failed (files kept in " + tmp.path() + "): " + py.message));
    }

    qputenv("GRADLAB_FASHION_MNIST_DIR", idx.toUtf8());
    const QStringList args = {"train", net, "--dataset", "fashion-mnist", "--reconstruct",
                              "--steps", QString::number(kSteps), "--batch",
                              QString::number(kBatch), "--optimizer", "adam", "--lr", "0.01",
                              "--no-shuffle", "--init", init, "--dtype", "f64", "--threads", "1",
                              "--log", gradlabLog};
    const auto cli = runCli(args);
    qunsetenv("GRADLAB_FASHION_MNIST_DIR");
    if (cli.crashed || cli.exitCode != 0) {
      tmp.setAutoRemove(false);
      QFAIL(qPrintable(QString("gradlab-cli %1: exit %2 (files kept in %3)\n%4%5")
                           .arg(args.join(' '))
                           .arg(cli.crashed ? -1 : cli.exitCode)
                           .arg(tmp.path(), cli.out, cli.err)));
    }
    // The run reports a test loss (the 50 test images, reconstructed) but no accuracy.
    QVERIFY2(cli.out.contains("test loss") && !cli.out.contains("accuracy"), qPrintable(cli.out));

    QString error;
    const auto want = readStepLosses(torchLog, error);
    QVERIFY2(want, qPrintable(error));
    const auto got = readStepLosses(gradlabLog, error);
    QVERIFY2(got, qPrintable(error));
    QCOMPARE(int(got->size()), kSteps);
    QCOMPARE(int(want->size()), kSteps);
    double worst = 0;
    for (int i = 0; i < kSteps; ++i) {
      const double a = (*got)[size_t(i)], b = (*want)[size_t(i)];
      worst = std::max(worst, std::abs(a - b) / std::abs(b));
      if (!(std::abs(a - b) <= 1e-6 * std::abs(b))) {
        tmp.setAutoRemove(false);
        QFAIL(qPrintable(QString("step %1: gradlab loss %2, torch %3 (files kept in %4)")
                             .arg(i + 1)
                             .arg(a, 0, 'g', 17)
                             .arg(b, 0, 'g', 17)
                             .arg(tmp.path())));
      }
    }
    qInfo("%d steps, loss %.6g → %.6g, largest relative difference %.2g", kSteps, want->front(),
          want->back(), worst);
    QVERIFY2(want->back() < 0.7 * want->front(),
             qPrintable(QString("the loss went from %1 to %2").arg(want->front()).arg(want->back())));
  }

 private:
  QString fashionDir_;
};

QTEST_MAIN(TstParityAutoencoder)
#include "tst_parity_autoencoder.moc"
