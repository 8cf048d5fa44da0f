#include "record/recorder.h"

#include <QFileInfo>
#include <QImage>
#include <QPixmap>
#include <QScreen>
#include <QWidget>
#include <QWindow>
#include <bit>
#include <cmath>

#include "record/recording.h"
#include "util/error.h"

namespace gradlab::widgets {

namespace {

// Qt's RGB32 is 0xffRRGGBB in a 32-bit word: bytes blue, green, red, 0xff where words are
// stored little end first, as Frame wants.
static_assert(std::endian::native == std::endian::little, "Frame's byte order assumes little-endian words");

// What `w` shows now. Read back from its window where the platform can (xcb, offscreen,
// Windows, macOS): no widget paints again. Rendered afresh (`rendered` set) where it cannot
// (Wayland) or where the read-back would miss pixels (a window partly off the screen).
QImage grabPixels(QWidget* w, bool* rendered) {
  QWidget* top = w->window();
  QWindow* handle = top->windowHandle();
  *rendered = false;
  const QRect global(w->mapToGlobal(QPoint(0, 0)), w->size());
  if (handle && handle->screen() && w->isVisible() && handle->screen()->virtualGeometry().contains(global)) {
    const QPoint at = w->mapTo(top, QPoint(0, 0));
    const QPixmap shot = handle->screen()->grabWindow(top->winId(), at.x(), at.y(), w->width(), w->height());
    if (!shot.isNull() && shot.deviceIndependentSize().toSize() == w->size()) return shot.toImage();
  }
  *rendered = true;
  return w->grab().toImage();
}

QImage asRgb32(QImage img) {
  if (img.format() != QImage::Format_RGB32 && img.format() != QImage::Format_ARGB32 &&
      img.format() != QImage::Format_ARGB32_Premultiplied)
    img = img.convertToFormat(QImage::Format_RGB32);
  return img;
}

}  // namespace

Recorder::Recorder(QObject* parent) : QObject(parent) {
  grabTimer_.setTimerType(Qt::PreciseTimer);
  connect(&grabTimer_, &QTimer::timeout, this, &Recorder::grab);
  pollTimer_.setInterval(50);
  connect(&pollTimer_, &QTimer::timeout, this, &Recorder::poll);
}

Recorder::~Recorder() = default;  // a running recording ends its file (Recording's destructor)

bool Recorder::start(QWidget* target, const QString& path, double fps, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  if (rec_) return fail(tr("A recording runs already (to %1); stop it first.").arg(path_));
  if (!target) return fail(tr("Nothing to record: the view is gone."));
  if (!(fps >= 1 && fps <= 60)) return fail(tr("Record at 1 to 60 frames a second, not %1.").arg(fps));
  QImage first;
  try {
    checkRecordingPath(path.toStdString());
    bool rendered = false;
    first = asRgb32(grabPixels(target, &rendered));
    rendered_ = rendered ? 1 : 0;
    if (first.isNull()) return fail(tr("Could not grab the picture of %1.").arg(target->windowTitle()));
    rec_ = std::make_unique<Recording>(path.toStdString(), fps, first.width(), first.height());
  } catch (const Error& e) {
    return fail(QString::fromStdString(e.what()));
  }
  target_ = target;
  path_ = path;
  fps_ = fps;
  size_ = QSize(rec_->width(), rec_->height());
  grabbed_ = written_ = dropped_ = 0;  // rendered_ counts the first grab, set above
  longestGrabMs_ = grabMsTotal_ = 0;
  grabbing_ = true;
  clock_.start();
  auto keep = std::make_shared<QImage>(first);
  rec_->push({first.width(), first.height(), first.bytesPerLine(), keep->constBits(), keep, 0.0});
  ++grabbed_;
  grabTimer_.start(std::max(1, int(std::lround(1000.0 / fps))));
  emit started();
  return true;
}

void Recorder::grab() {
  if (!rec_ || !grabbing_) return;
  if (rec_->finished() || !target_) return stop();  // the worker failed, or the target closed
  QElapsedTimer t;
  t.start();
  const double at = clock_.nsecsElapsed() / 1e9;
  bool rendered = false;
  const QImage img = asRgb32(grabPixels(target_, &rendered));
  rendered_ += rendered;
  if (!img.isNull()) {
    auto keep = std::make_shared<QImage>(img);
    rec_->push({img.width(), img.height(), img.bytesPerLine(), keep->constBits(), keep, at});
    ++grabbed_;
  }
  const double ms = t.nsecsElapsed() / 1e6;
  longestGrabMs_ = std::max(longestGrabMs_, ms);
  grabMsTotal_ += ms;
}

void Recorder::stop() {
  if (!rec_ || !grabbing_) return;
  grabTimer_.stop();
  grabbing_ = false;
  elapsed_ = clock_.nsecsElapsed() / 1e9;
  rec_->requestStop(elapsed_);
  pollTimer_.start();
}

void Recorder::poll() {
  if (!rec_ || !rec_->finished()) return;
  QString error;
  try {
    rec_->stop(elapsed_);  // the worker is done: returns at once
  } catch (const Error& e) {
    error = QString::fromStdString(e.what());
  }
  finish(error);
}

void Recorder::finish(const QString& error) {
  pollTimer_.stop();
  written_ = rec_->framesWritten();
  dropped_ = rec_->framesDropped();
  rec_.reset();
  target_ = nullptr;
  if (!error.isEmpty()) emit failed(tr("Recording to %1 failed: %2").arg(QFileInfo(path_).fileName(), error));
  else emit stopped(path_, written_, dropped_);
}

int64_t Recorder::framesWritten() const { return rec_ ? rec_->framesWritten() : written_; }
int64_t Recorder::framesDropped() const { return rec_ ? rec_->framesDropped() : dropped_; }

}  // namespace gradlab::widgets
