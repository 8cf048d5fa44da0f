#pragma once
// Recorder: records a widget (the whole window, or one view) while the lab trains — to a video
// (.mp4, .avi), an animated GIF or a folder of PNG frames (core's record/frame_writer.h).
//
// The window's thread only grabs, at the chosen rate: the pixels already on screen, read back
// from the window (QScreen::grabWindow; nothing is painted again), or, where the platform
// cannot read a window back (Wayland) or the window is partly off the screen, the widget
// rendered into an image (QWidget::grab). The
// picture goes to the recording's worker thread without a copy (record/recording.h), which
// converts, scales and encodes it; when it is behind, frames are dropped and counted rather
// than the window waiting.
//
//   Recorder rec;
//   QString error;
//   if (!rec.start(window, "run.mp4", 10, &error)) showMessage(error);
//   …  rec.stop();   // the worker finishes the file; stopped() / failed() tell when it is done
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSize>
#include <QString>
#include <QTimer>
#include <memory>

class QWidget;

namespace gradlab {
class Recording;
}

namespace gradlab::widgets {

class Recorder : public QObject {
  Q_OBJECT
 public:
  explicit Recorder(QObject* parent = nullptr);
  ~Recorder() override;

  // Starts recording `target` at `fps` frames a second (1–60) to `path`; false, with the reason
  // in `error`, when the path cannot be written or a recording runs. The size is the target's
  // when it starts (rounded down to even); later frames of another size are scaled to fit.
  bool start(QWidget* target, const QString& path, double fps, QString* error = nullptr);
  // Stops grabbing; the worker writes what is queued and ends the file off the window's thread,
  // then stopped() (or failed()) is emitted. Does nothing when not recording.
  void stop();

  // Recording: grabbing frames. Finishing: stopped, the file still being written.
  bool recording() const { return grabbing_; }
  bool finishing() const { return rec_ && !grabbing_; }
  double elapsedSeconds() const { return grabbing_ ? clock_.nsecsElapsed() / 1e9 : elapsed_; }
  int64_t framesGrabbed() const { return grabbed_; }
  int64_t framesRendered() const { return rendered_; }  // of those grabbed: rendered, not read back
  int64_t framesWritten() const;
  int64_t framesDropped() const;
  double fps() const { return fps_; }
  QString path() const { return path_; }
  QSize size() const { return size_; }
  // The longest time one grab took on the window's thread so far, in ms (the benchmark prints it).
  double longestGrabMs() const { return longestGrabMs_; }
  double meanGrabMs() const { return grabbed_ ? grabMsTotal_ / double(grabbed_) : 0; }

 signals:
  void started();
  // The file is complete: its frames written (a video's repeated slots included) and dropped.
  void stopped(const QString& path, qint64 written, qint64 dropped);
  // Writing failed (disk full, the target closed); the message says what and where.
  void failed(const QString& error);

 private:
  void grab();
  void poll();  // while finishing: the worker done?
  void finish(const QString& error);

  QPointer<QWidget> target_;
  std::unique_ptr<Recording> rec_;
  QTimer grabTimer_, pollTimer_;
  QElapsedTimer clock_;
  bool grabbing_ = false;
  double elapsed_ = 0, fps_ = 10;
  int64_t grabbed_ = 0, rendered_ = 0, written_ = 0, dropped_ = 0;
  double longestGrabMs_ = 0, grabMsTotal_ = 0;
  QString path_;
  QSize size_;
};

}  // namespace gradlab::widgets
