#include "record/recorder.h"

#include <QBackingStore>
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

// What `w` shows now, cheapest first:
// 1. Copied from its window's backing store, where that is an image in memory (the raster
//    backing stores of xcb, offscreen and Windows): the picture the widgets last painted, the
//    whole window even where it lies beyond the screen; a copy of its rectangle and nothing
//    painted again (about 3 ms for a 2793×1134 window; asking X for it took 60–160 ms).
// 2. Read back from the screen (macOS, or a backing store of another kind).
// 3. Rendered afresh (`rendered` set) where neither can (Wayland, a window partly off screen).
QImage fromBackingStore(QWidget* w) {
  QWidget* top = w->window();
  QBackingStore* store = top->backingStore();
  QPaintDevice* device = store ? store->paintDevice() : nullptr;
  if (!device || device->devType() != QInternal::Image) return {};
  const auto* image = static_cast<const QImage*>(device);
  const qreal dpr = image->devicePixelRatio();
  const QRect part(QPointF(w->mapTo(top, QPoint(0, 0))).toPoint() * dpr, w->size() * dpr);
  if (image->isNull() || !image->rect().contains(part)) return {};
  QImage copy = image->copy(part);
  copy.setDevicePixelRatio(1);
  return copy;
}

QImage grabPixels(QWidget* w, bool* rendered) {
  QWidget* top = w->window();
  QWindow* handle = top->windowHandle();
  *rendered = false;
  if (w->isVisible())
    if (QImage fast = fromBackingStore(w); !fast.isNull()) return fast;
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
