#include "views/image_drop.h"

#include <QAction>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QPointer>
#include <QToolBar>
#include <QUrl>
#include <QWidget>

#include "handoff.h"

namespace gradlab::widgets {

ImageDrop::ImageDrop(QWidget* target, QToolBar* bar) : QObject(target), target_(target) {
  target_->setAcceptDrops(true);
  target_->installEventFilter(this);
  choose_ = bar->addAction(tr("Your image…"));
  choose_->setObjectName("ownImageChoose");
  choose_->setToolTip(tr("Run your own picture (PNG or JPEG) through the network instead of a "
                         "data set sample — or drop the file on this view"));
  connect(choose_, &QAction::triggered, this, [this] {
    const QString file = QFileDialog::getOpenFileName(
        target_, tr("Your own image"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm);;All files (*)"));
    if (!file.isEmpty()) load(file);
  });
  invert_ = bar->addAction(tr("Invert"));
  invert_->setObjectName("ownImageInvert");
  invert_->setCheckable(true);
  invert_->setToolTip(tr("Light and dark swapped: Fashion-MNIST's clothes are light on black, "
                         "most photos dark on white (set by itself from the picture's border)"));
  connect(invert_, &QAction::triggered, this, [this](bool on) {
    if (!path_.isEmpty()) decode(on ? Invert::Yes : Invert::No);
  });
  back_ = bar->addAction(tr("Back to the data set"));
  back_->setObjectName("ownImageBack");
  back_->setToolTip(tr("Show the data set's samples again instead of your image"));
  connect(back_, &QAction::triggered, this, &ImageDrop::clear);
  updateActions();
}

ImageDrop::~ImageDrop() { job_.cancel(); }

void ImageDrop::updateActions() {
  invert_->setEnabled(image_ != nullptr);
  back_->setEnabled(image_ != nullptr || !path_.isEmpty());
  back_->setVisible(image_ != nullptr);
  invert_->setVisible(image_ != nullptr);
}

const std::vector<float>& ImageDrop::values() const {
  static const std::vector<float> none;
  return active() ? image_->values : none;
}

QString ImageDrop::fileName() const { return QFileInfo(path_).fileName(); }

QString ImageDrop::imageFileOf(const QMimeData* mime) {
  if (!mime || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls())
    if (url.isLocalFile()) return url.toLocalFile();
  return {};
}

bool ImageDrop::eventFilter(QObject* watched, QEvent* e) {
  if (watched == target_ && (e->type() == QEvent::DragEnter || e->type() == QEvent::DragMove)) {
    auto* d = static_cast<QDragMoveEvent*>(e);
    if (!imageFileOf(d->mimeData()).isEmpty()) {
      d->acceptProposedAction();
      return true;
    }
  } else if (watched == target_ && e->type() == QEvent::Drop) {
    auto* d = static_cast<QDropEvent*>(e);
    const QString file = imageFileOf(d->mimeData());
    if (!file.isEmpty()) {
      d->acceptProposedAction();
      load(file);
      return true;
    }
  }
  return QObject::eventFilter(watched, e);
}

void ImageDrop::setInputShape(const Shape& shape) {
  if (shape == shape_) return;
  shape_ = shape;
  // The same file again, to the new input, inverted as it was.
  if (image_) decode(image_->inverted ? Invert::Yes : Invert::No);
}

void ImageDrop::load(const QString& path) {
  path_ = path;
  decode(Invert::Auto);
}

void ImageDrop::clear() {
  job_.cancel();
  const bool had = image_ != nullptr;
  image_.reset();
  path_.clear();
  error_.clear();
  updateActions();
  if (had) emit changed();
}

void ImageDrop::decode(Invert invert) {
  if (shape_.empty()) {
    error_ = tr("%1: build a network with an image input first (such as Fashion-MNIST's "
                "[1, 28, 28]), then drop the picture again.")
                 .arg(QFileInfo(path_).fileName());
    emit failed(error_);
    return;
  }
  job_.start(
      [path = path_.toStdString(), shape = shape_, invert](const auto&) {
        return loadOwnImage(path, shape, {.invert = invert});
      },
      [this, guard = QPointer<QObject>(this)] { postToGui(guard, [this] { finished(); }); });
}

void ImageDrop::finished() {
  std::optional<BackgroundJob<OwnImage>::Outcome> outcome = job_.take();
  if (!outcome) return;  // cancelled or replaced since
  if (!outcome->value) {
    error_ = QString::fromStdString(outcome->error);
    // A file that no longer fits a new network leaves the data set in view.
    if (image_ && image_->shape != shape_) {
      image_.reset();
      updateActions();
      emit changed();
    }
    path_ = image_ ? QString::fromStdString(image_->path) : QString();
    emit failed(error_);
    return;
  }
  error_.clear();
  image_ = std::make_shared<const OwnImage>(std::move(*outcome->value));
  path_ = QString::fromStdString(image_->path);
  invert_->setChecked(image_->inverted);
  updateActions();
  emit changed();
}

}  // namespace gradlab::widgets
