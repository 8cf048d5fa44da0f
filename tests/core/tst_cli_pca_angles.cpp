// The linear-autoencoder-equals-PCA effect, end to end on the command line: train
// examples/linear-autoencoder.net.json (784 → 16 → 784, identity activations, mse,
// --reconstruct) on Fashion-MNIST with its own training settings, then `gradlab-cli pca-angles`
// compares the decoder's column space with the top 16 principal components of the training
// images: the mean cos² of the principal angles must reach 0.9, and the network's reconstruction
// error must come near PCA's (the best any linear 16-unit code can do). Bad input gets messages.
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "support/cli_runner.h"

using gradlab::test::describe;
using gradlab::test::runCli;
using gradlab::test::sourcePath;

namespace {
double number(const QString& text, const QString& pattern) {
  const auto m = QRegularExpression(pattern).match(text);
  return m.hasMatch() ? m.captured(1).toDouble() : -1;
}
}  // namespace

class TstCliPcaAngles : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void linearAutoencoderFindsPca() {
    const QString net = sourcePath("examples/linear-autoencoder.net.json");
    const QString weights = tmp_.filePath("linear.safetensors");
    const auto train = runCli({"train", net, "--dataset", "fashion-mnist", "--reconstruct",
                               "--steps", "5000", "--eval-every", "100000", "--save", weights});
    QVERIFY2(!train.crashed && train.exitCode == 0, qPrintable(describe(train)));
    const auto r = runCli({"pca-angles", net, "--weights", weights, "--dataset", "fashion-mnist"});
    QVERIFY2(!r.crashed && r.exitCode == 0, qPrintable(describe(r)));
    qInfo("%s", qPrintable(r.out));
    QVERIFY2(r.out.contains("decoder: Dense \"pixels\", weight [784, 16] of rank 16"),
             qPrintable(r.out));
    const double cos2 = number(r.out, "mean cos² of the principal angles: ([0-9.]+)");
    QVERIFY2(cos2 >= 0.9, qPrintable(r.out));
    const double mine = number(r.out, "network ([0-9.e-]+),"),
                 pca = number(r.out, "PCA with 16 components ([0-9.e-]+)");
    QVERIFY2(pca > 0 && mine >= pca * 0.999 && mine < pca * 1.1, qPrintable(r.out));
  }

  void badInput() {
    const QString lin = sourcePath("examples/linear-autoencoder.net.json");
    EXPECT_CLEAN_FAILURE(runCli({"pca-angles", lin, "--weights", tmp_.filePath("none.safetensors"),
                                 "--dataset", "fashion-mnist"}),
                         "none.safetensors");
    // A classifier has no decoder to compare.
    const QString spiral = sourcePath("examples/spiral.net.json");
    EXPECT_CLEAN_FAILURE(runCli({"pca-angles", spiral, "--weights", "x.safetensors", "--dataset",
                                 "spiral"}),
                         "no decoder");
    EXPECT_CLEAN_FAILURE(runCli({"pca-angles", lin, "--weights", "x.safetensors"}),
                         "--dataset");
  }
};

QTEST_GUILESS_MAIN(TstCliPcaAngles)
#include "tst_cli_pca_angles.moc"
