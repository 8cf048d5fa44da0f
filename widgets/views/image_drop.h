#pragma once
// ImageDrop: "your own image" on a view (curriculum topic 15) — a PNG or JPEG file dropped on the
// view, or chosen with its "Your image…" button, decoded to the network's input on a thread of
// its own (data/own_image.h: header checked first, to the input's channels, resized to H × W,
// pixels / 255), then handed to the view's probe instead of a data set sample.
//
//   drop_ = new ImageDrop(this, toolbar());   // accepts drops on the view; adds Your image…,
//                                             // Invert and Back to the data set to the toolbar
//   drop_->setInputShape({1, 28, 28});        // setNetwork: the Input block's shape
//   connect(drop_, &ImageDrop::changed, this, [this] { emit probesChanged(); });
//   if (drop_->active()) options["image"] = drop_->values();   // addProbes
//   connect(drop_, &ImageDrop::failed, this, [this](const QString& m) { setNote(m); });
//
// Invert starts as "auto": the first decode inverts an image whose border is light (a shirt on
// white) since Fashion-MNIST is light on black, and the button then shows what was done; pressing
// it decodes again the other way. A new input shape decodes the same file again to fit it.
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "data/own_image.h"
#include "train/background_job.h"

class QAction;
class QMimeData;
class QToolBar;
class QWidget;

namespace gradlab::widgets {

class ImageDrop : public QObject {
  Q_OBJECT
 public:
  // Accepts image files dropped anywhere on `target` (its children included) and adds its
  // buttons to `bar`.
  ImageDrop(QWidget* target, QToolBar* bar);
  ~ImageDrop() override;

  // The network's input shape without the batch ([C, H, W]); another decodes the file again.
  void setInputShape(const Shape& shape);
  // Decodes `path` (what a drop and the chooser do); `changed` or `failed` follows.
  void load(const QString& path);
  // Back to the data set: the image is dropped (emits `changed` when one was shown).
  void clear();

  bool active() const { return image_ && image_->shape == shape_; }  // decoded for this input
  bool busy() const { return job_.running(); }       // decoding
  const OwnImage* image() const { return image_.get(); }
  const std::vector<float>& values() const;  // C × H × W in [0, 1]; empty when not active
  QString fileName() const;                  // the file's name without its folder
  QString error() const { return error_; }   // why the last file could not be used

  QAction* chooseAction() const { return choose_; }
  QAction* invertAction() const { return invert_; }
  QAction* backAction() const { return back_; }

  // Whether the files of a drag are one this takes (a local file with an image extension).
  static QString imageFileOf(const QMimeData* mime);

 signals:
  void changed();                       // an image came, went, or was decoded anew
  void failed(const QString& message);  // the file could not be used: what is wrong

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void decode(Invert invert);
  void finished();  // on the window's thread, once the job's outcome can be taken
  void updateActions();

  QWidget* target_;
  QAction *choose_, *invert_, *back_;
  Shape shape_;
  QString path_;
  std::shared_ptr<const OwnImage> image_;
  QString error_;
  BackgroundJob<OwnImage> job_;
};

}  // namespace gradlab::widgets
