// Recording while training (View › Record…, widgets/record/) and SVG export of views: what a
// lecturer makes slides from. The recorded MP4 plays back — OpenCV reads it with the frame count
// and size asked for; a GIF of one view is read back by Qt's GIF reader; a path Gradlab cannot
// write gives a message and no recording; views export SVG that parses and holds drawing.
#include <QDockWidget>
#include <QImageReader>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>
#include <qcustomplot.h>
#include <opencv2/videoio.hpp>

#include "gui_helpers.h"
#include "panels/controls_panel.h"
#include "record/record_control.h"
#include "record/recorder.h"
#include "views/inside_view.h"
#include "views/loss_view.h"
#include "views/view_docks.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
// Elements of an SVG file by name (path, polyline, text, image, …), and whether it parsed.
std::map<QString, int> svgElements(const QString& file, bool* ok) {
  QFile f(file);
  std::map<QString, int> count;
  *ok = f.open(QIODevice::ReadOnly);
  if (!*ok) return count;
  QXmlStreamReader xml(&f);
  while (!xml.atEnd())
    if (xml.readNext() == QXmlStreamReader::StartElement) ++count[xml.name().toString()];
  *ok = !xml.hasError() && count["svg"] == 1;
  return count;
}
}  // namespace

class TestRecordWindow : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::unique_ptr<MainWindow> w_;
  QSize startSize_;  // the target's size when the last recording started

  // Records for `seconds` while the window trains and waits until the file is complete.
  void record(QWidget* target, const QString& path, double fps, double seconds) {
    Recorder* rec = w_->recording()->recorder();
    QSignalSpy done(rec, &Recorder::stopped);
    startSize_ = (target ? target : w_.get())->size();
    QVERIFY2(w_->recording()->startRecording(target, path, fps), qPrintable(w_->message()));
    QVERIFY(rec->recording());
    QVERIFY(w_->recording()->indicator()->isVisible());
    QVERIFY(waitFor([&] { return rec->elapsedSeconds() >= seconds; }, int(seconds * 1000) + 20000));
    w_->recording()->stopRecording();
    QVERIFY(waitFor([&] { return done.count() == 1; }));
    QVERIFY(!w_->recording()->indicator()->isVisible());
  }

 private slots:
  void initTestCase() {
    w_ = std::make_unique<MainWindow>(testOptions(tmp_.filePath("recovery")));
    w_->resize(1280, 800);
    w_->show();
    QVERIFY(QTest::qWaitForWindowExposed(w_.get()));
    QVERIFY(waitFor([&] { return w_->snapshot() && w_->snapshot()->ready; }));
    w_->session()->play();
  }

  // The brief's check: 5 s of training at 10 frames/s is an MP4 of about 50 frames of the
  // window's size, which OpenCV plays back frame by frame.
  void mp4OfTheWindowPlaysBack() {
    const QString path = tmp_.filePath("training.mp4");
    record(nullptr, path, 10, 5.0);
    if (QTest::currentTestFailed()) return;
    Recorder* rec = w_->recording()->recorder();
    const QSize size = rec->size();
    QCOMPARE(size, QSize(startSize_.width() & ~1, startSize_.height() & ~1));
    QVERIFY2(w_->message().contains("training.mp4"), qPrintable(w_->message()));
    cv::VideoCapture video(path.toStdString());
    QVERIFY(video.isOpened());
    QCOMPARE(int(video.get(cv::CAP_PROP_FRAME_WIDTH)), size.width());
    QCOMPARE(int(video.get(cv::CAP_PROP_FRAME_HEIGHT)), size.height());
    QCOMPARE(video.get(cv::CAP_PROP_FPS), 10.0);
    int frames = 0;
    cv::Mat frame, first, last;
    while (video.read(frame)) {
      if (frames == 0) frame.copyTo(first);
      frame.copyTo(last);
      ++frames;
    }
    qInfo("recorded %d frames (%lld grabbed, %lld dropped), %dx%d", frames,
          (long long)rec->framesGrabbed(), (long long)rec->framesDropped(), size.width(), size.height());
    QCOMPARE(int64_t(frames), rec->framesWritten());
    QVERIFY2(frames >= 50 && frames <= 52, qPrintable(QString("%1 frames for %2 s at 10/s").arg(frames).arg(rec->elapsedSeconds())));
    // The window on the frames, not black, and training moved the views between first and last.
    QVERIFY(cv::mean(first)[1] > 100);
    QVERIFY(cv::norm(first, last, cv::NORM_L1) > 0);
  }

  // One view as an animated GIF; Qt's own GIF reader decodes every frame at the view's size.
  void gifOfOneView() {
    View* loss = w_->view<LossView>();
    w_->views()->dockOf(loss)->show();
    w_->views()->dockOf(loss)->raise();
    QVERIFY(waitFor([&] { return loss->isVisible(); }));
    const QString path = tmp_.filePath("loss.gif");
    record(loss, path, 10, 1.5);
    if (QTest::currentTestFailed()) return;
    const QSize size = w_->recording()->recorder()->size();
    QCOMPARE(size, QSize(startSize_.width() & ~1, startSize_.height() & ~1));
    QImageReader gif(path);
    QVERIFY2(gif.canRead(), qPrintable(gif.errorString()));
    QCOMPARE(gif.size(), size);
    int frames = 0, delays = 0;
    QImage image;
    while (gif.read(&image)) {
      QCOMPARE(image.size(), size);
      delays += gif.nextImageDelay();
      ++frames;
    }
    QVERIFY2(frames >= 2, qPrintable(QString("%1 frames").arg(frames)));
    QVERIFY2(delays >= 1200 && delays <= 1800, qPrintable(QString("%1 ms played").arg(delays)));
    QCOMPARE(int64_t(frames), w_->recording()->recorder()->framesWritten());
  }

  // A PNG folder: one file per grab.
  void pngFrames() {
    const QString dir = tmp_.filePath("frames");
    record(nullptr, dir, 5, 1.0);
    if (QTest::currentTestFailed()) return;
    const QStringList files = QDir(dir).entryList({"frame-*.png"}, QDir::Files, QDir::Name);
    QCOMPARE(int64_t(files.size()), w_->recording()->recorder()->framesWritten());
    QVERIFY(files.size() >= 4);
    QCOMPARE(QImage(QDir(dir).filePath(files.first())).size(), w_->recording()->recorder()->size());
  }

  void pathsThatCannotBeWritten() {
    QVERIFY(!w_->recording()->startRecording(nullptr, tmp_.filePath("talk.bmpx"), 10));
    QVERIFY2(w_->message().contains(".mp4"), qPrintable(w_->message()));
    QVERIFY(!w_->recording()->startRecording(nullptr, tmp_.filePath("no/such/folder/talk.mp4"), 10));
    QVERIFY2(w_->message().contains("does not exist"), qPrintable(w_->message()));
    QVERIFY(!w_->recording()->recorder()->recording());
    QVERIFY(!w_->recording()->indicator()->isVisible());
  }

  // SVG beside PNG and PDF: a plot as vector paths with its axis labels as text; a view drawn
  // by itself (the Inside view, no plot) rendered into the SVG. Both parse and render.
  void viewsExportSvg() {
    w_->session()->pause();
    auto* loss = w_->view<LossView>();
    const QString lossSvg = tmp_.filePath("loss.svg");
    QVERIFY(loss->exportTo(lossSvg));
    bool ok = false;
    auto elements = svgElements(lossSvg, &ok);
    QVERIFY2(ok, "loss.svg is not well-formed SVG");
    QVERIFY2(elements["path"] + elements["polyline"] >= 10, "the plot's lines are in the SVG");
    QVERIFY2(elements["text"] >= 5, "the axes' labels are in the SVG as text");
    QVERIFY(QSvgRenderer(lossSvg).isValid());
    QCOMPARE(QSvgRenderer(lossSvg).viewBoxF().size().toSize(), loss->plot()->size());

    auto* inside = w_->view<InsideView>();
    QVERIFY(!inside->plot());
    w_->views()->dockOf(inside)->show();
    w_->views()->dockOf(inside)->raise();
    QVERIFY(waitFor([&] { return inside->isVisible(); }));
    const QString insideSvg = tmp_.filePath("inside.svg");
    QVERIFY(inside->exportTo(insideSvg));
    elements = svgElements(insideSvg, &ok);
    QVERIFY2(ok, "inside.svg is not well-formed SVG");
    QVERIFY2(elements["text"] >= 1, "the view's note and buttons are in the SVG as text");
    QVERIFY(QSvgRenderer(insideSvg).isValid());
    QCOMPARE(QSvgRenderer(insideSvg).viewBoxF().size().toSize(), inside->size());

    QString error;
    QVERIFY(!loss->exportTo(tmp_.filePath("no/such/folder/loss.svg"), &error));
    QVERIFY2(error.contains("writable"), qPrintable(error));
  }

  void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestRecordWindow)
#include "tst_record_window.moc"
