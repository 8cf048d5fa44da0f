// A recording's worker and files (core/record/recording.h, frame_writer.h), without a window:
// frames at their times make a video whose frames follow the clock (missed slots repeat the frame
// before), odd sizes are cut to even, a frame of another size is scaled to fit on black, a busy
// worker drops frames and counts them instead of blocking, and paths Gradlab cannot write are
// refused up front with a message.
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "record/recording.h"
#include "util/error.h"

using namespace gradlab;

namespace {
// A w × h BGRA picture of one colour, kept alive by the frame itself.
Frame solid(int w, int h, uint8_t b, uint8_t g, uint8_t r, double seconds) {
  auto pixels = std::make_shared<std::vector<uint8_t>>(size_t(w) * h * 4);
  for (size_t i = 0; i < pixels->size(); i += 4) (*pixels)[i] = b, (*pixels)[i + 1] = g, (*pixels)[i + 2] = r;
  return {w, h, int64_t(w) * 4, pixels->data(), pixels, seconds};
}

std::vector<cv::Mat> readVideo(const std::string& path, double* fps = nullptr) {
  cv::VideoCapture video(path);
  std::vector<cv::Mat> frames;
  if (fps) *fps = video.get(cv::CAP_PROP_FPS);
  cv::Mat m;
  while (video.read(m)) frames.push_back(m.clone());
  return frames;
}
}  // namespace

class TestRecording : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  // Frames at 0, 0.1, 0.2 and 0.6 s at 10 frames/s, stopped at 1.0 s: slots 0–2, then 3–5
  // repeat the frame of 0.2 s, slot 6 is the last frame, which stays until slot 10.
  void videoFramesFollowTheClock() {
    for (const char* name : {"clock.avi", "clock.mp4"}) {
      const std::string path = tmp_.filePath(name).toStdString();
      Recording rec(path, 10, 101, 75);  // odd: 100 × 74
      QCOMPARE(rec.width(), 100);
      QCOMPARE(rec.height(), 74);
      const uint8_t level[] = {40, 90, 140, 220};
      const double at[] = {0.0, 0.1, 0.2, 0.6};
      for (int i = 0; i < 4; ++i) {
        QVERIFY(rec.push(solid(101, 75, level[i], level[i], level[i], at[i])));
        QTRY_VERIFY_WITH_TIMEOUT(rec.framesWritten() >= (i == 3 ? 7 : i + 1), 10000);  // one at a time
      }
      rec.stop(1.0);
      QCOMPARE(rec.framesDropped(), int64_t(0));
      QCOMPARE(rec.framesWritten(), int64_t(10));
      double fps = 0;
      const auto frames = readVideo(path, &fps);
      QCOMPARE(int(frames.size()), 10);
      QCOMPARE(fps, 10.0);
      QCOMPARE(frames[0].cols, 100);
      QCOMPARE(frames[0].rows, 74);
      const int expect[] = {40, 90, 140, 140, 140, 140, 220, 220, 220, 220};
      for (int i = 0; i < 10; ++i)
        QVERIFY2(std::abs(cv::mean(frames[size_t(i)])[1] - expect[i]) < 6,
                 qPrintable(QString("%1 frame %2: %3, want %4").arg(name).arg(i).arg(cv::mean(frames[size_t(i)])[1]).arg(expect[i])));
    }
  }

  // The window resized while recording: the later frame is scaled into the first one's size,
  // aspect kept, centred on black.
  void otherSizesAreFitted() {
    const QString dir = tmp_.filePath("fit");
    Recording rec(dir.toStdString(), 10, 200, 100);
    QVERIFY(rec.push(solid(200, 100, 0, 0, 255, 0)));
    QTRY_VERIFY_WITH_TIMEOUT(rec.framesWritten() >= 1, 10000);
    QVERIFY(rec.push(solid(100, 100, 0, 255, 0, 0.1)));  // square: 100 × 100 in the middle
    rec.stop(0.2);
    const cv::Mat second = cv::imread(QDir(dir).filePath("frame-000002.png").toStdString());
    QCOMPARE(second.cols, 200);
    QCOMPARE(second.rows, 100);
    QCOMPARE(second.at<cv::Vec3b>(50, 100), cv::Vec3b(0, 255, 0));
    QCOMPARE(second.at<cv::Vec3b>(50, 10), cv::Vec3b(0, 0, 0));
  }

  // A worker far behind (big frames as PNGs, a queue of 2): push never waits; what does not fit
  // is dropped and counted, and every frame is either written or dropped.
  void aBusyWorkerDropsFrames() {
    const QString dir = tmp_.filePath("busy");
    Recording rec(dir.toStdString(), 30, 1920, 1080, 2);
    const Frame big = solid(1920, 1080, 10, 200, 30, 0);
    int accepted = 0;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 40; ++i) {
      Frame f = big;
      f.seconds = i / 30.0;
      accepted += rec.push(f);
    }
    const double pushMs = t.nsecsElapsed() / 1e6;
    rec.stop(2);
    qInfo("40 pushes in %.2f ms: %d queued, %lld written, %lld dropped", pushMs, accepted,
          (long long)rec.framesWritten(), (long long)rec.framesDropped());
    QVERIFY(rec.framesDropped() > 0);
    QCOMPARE(rec.framesWritten() + rec.framesDropped(), int64_t(40));
    QCOMPARE(int64_t(QDir(dir).entryList({"*.png"}).size()), rec.framesWritten());
  }

  void pathsAreCheckedUpFront() {
    QCOMPARE(checkRecordingPath("a.MP4"), RecordFormat::Mp4);
    QCOMPARE(checkRecordingPath("a.avi"), RecordFormat::Avi);
    QCOMPARE(checkRecordingPath("a.gif"), RecordFormat::Gif);
    QCOMPARE(checkRecordingPath(tmp_.filePath("pngs/").toStdString()), RecordFormat::PngFolder);
    QCOMPARE(checkRecordingPath(tmp_.filePath("pngs").toStdString()), RecordFormat::PngFolder);
    auto refused = [&](const std::string& path, double fps, const char* text) {
      try {
        Recording rec(path, fps, 100, 100);
      } catch (const Error& e) {
        QVERIFY2(QString(e.what()).contains(text), e.what());
        return;
      }
      QFAIL(qPrintable("no error for " + QString::fromStdString(path)));
    };
    refused(tmp_.filePath("talk.webm").toStdString(), 10, ".mp4, .avi or .gif");
    refused(tmp_.filePath("no/such/talk.mp4").toStdString(), 10, "does not exist");
    refused(tmp_.filePath("no/such/pngs/").toStdString(), 10, "does not exist");
    QDir(tmp_.path()).mkdir("taken.mp4");
    refused(tmp_.filePath("taken.mp4").toStdString(), 10, "is a folder");
    refused(tmp_.filePath("slow.mp4").toStdString(), 0, "1 to 60 frames");
  }
};

QTEST_MAIN(TestRecording)
#include "tst_recording.moc"
