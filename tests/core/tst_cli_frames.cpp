// gradlab-cli train --frames DIR --frame-every N: a headless run drawn as PNG frames for slides —
// the loss curve so far and, for 2-D data, the decision boundary with the points. A frame every
// N steps (and the last step's), of one size through the run; a trained XOR boundary has both
// classes' colours where their points are; bad options are refused before training.
#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "record/training_frames.h"
#include "support/cli_runner.h"

using gradlab::TrainingFrames;
using gradlab::test::runCli;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;

namespace {
QStringList framesIn(const QString& dir) { return QDir(dir).entryList({"frame-*.png"}, QDir::Files, QDir::Name); }

// The mean colour (BGR) of a square of the boundary's area around a point given as fractions of
// its width and height from the bottom left.
cv::Scalar boundaryColour(const cv::Mat& img, double fx, double fy) {
  const int side = TrainingFrames::kBoundarySide;
  const int px = TrainingFrames::kPlotWidth + int(fx * side);
  const int py = 30 + side - 1 - int(fy * side);
  return cv::mean(img(cv::Rect(px - 6, py - 6, 12, 12)));
}
}  // namespace

class TestCliFrames : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void xorRunAsFrames() {
    const QString dir = dir_.filePath("xor-frames");
    const auto r = runCli({"train", sourcePath("examples/xor-mlp.net.json"), "--dataset", "xor", "--steps",
                           "300", "--lr", "0.05", "--frames", dir, "--frame-every", "40"});
    QVERIFY2(r.exitCode == 0, qPrintable(gradlab::test::describe(r)));
    QVERIFY2(r.out.contains("wrote 8 frames to"), qPrintable(r.out));
    const QStringList files = framesIn(dir);
    QCOMPARE(files.size(), 8);  // steps 40, 80, …, 280 and the last, 300
    QCOMPARE(files.first(), QString("frame-000001.png"));
    cv::Mat first, last;
    for (const QString& f : files) {
      const cv::Mat img = cv::imread(QDir(dir).filePath(f).toStdString());
      QCOMPARE(img.cols, TrainingFrames::kPlotWidth + TrainingFrames::kBoundarySide + 20);
      QCOMPARE(img.rows, TrainingFrames::kHeight);
      if (first.empty()) first = img;
      last = img;
    }
    QVERIFY2(cv::norm(first, last, cv::NORM_L1) > 0, "the frames change as it trains");
    // XOR: class 1 where x·y > 0 (in the points' quadrants), class 0 elsewhere; trained, the
    // boundary's background is blue (class 1) in the first quadrant and orange in the second.
    // Blue has more blue than red, orange the other way round (BGR).
    const cv::Scalar q1 = boundaryColour(last, 0.75, 0.75);
    const cv::Scalar q2 = boundaryColour(last, 0.25, 0.75);
    qInfo("quadrant 1 BGR %.0f %.0f %.0f, quadrant 2 %.0f %.0f %.0f", q1[0], q1[1], q1[2], q2[0], q2[1], q2[2]);
    QVERIFY(q1[0] > q1[2] + 40);
    QVERIFY(q2[2] > q2[0] + 40);
  }

  void sequencesGetTheLossCurveOnly() {
    const QString dir = dir_.filePath("lag-frames");
    const auto r = runCli({"train", sourcePath("examples/long-lag-lstm.net.json"), "--dataset", "long-lag",
                           "--lag", "20", "--steps", "20", "--frames", dir});
    QVERIFY2(r.exitCode == 0, qPrintable(gradlab::test::describe(r)));
    const QStringList files = framesIn(dir);
    QCOMPARE(files.size(), 20);  // default: 100 frames a run, at most one a step
    const cv::Mat img = cv::imread(QDir(dir).filePath(files.last()).toStdString());
    QCOMPARE(img.cols, TrainingFrames::kPlotWidth);
  }

  void badOptionsAreRefused() {
    const QString net = sourcePath("examples/xor-mlp.net.json");
    EXPECT_CLEAN_FAILURE(runCli({"train", net, "--dataset", "xor", "--steps", "5", "--frames",
                                 dir_.filePath("f"), "--frame-every", "0"}),
                         "--frame-every must be between 1");
    const QString file = writeFile(dir_.filePath("plain-file"), "x");
    EXPECT_CLEAN_FAILURE(runCli({"train", net, "--dataset", "xor", "--steps", "5", "--frames", file}),
                         "cannot create the folder");
  }
};

QTEST_MAIN(TestCliFrames)
#include "tst_cli_frames.moc"
