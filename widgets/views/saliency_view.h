#pragma once
// SaliencyView (curriculum topic 21): which pixels the network's choice hangs on. For one test
// sample (‹ › or its number) and one class (the predicted one unless chosen), the heat map of
// |∂ score(class) / ∂x| — the largest over an image's channels — beside the image and laid over
// it, with the prediction's class probabilities. SmoothGrad averages the gradient over noisy
// copies of the sample (less speckled). Live while training (train/probes/saliency.h).
// Points and sequences get a bar per input value instead. A PNG or JPEG dropped on the view
// (or chosen with "Your image…", views/image_drop.h) is explained instead of the sample.
#include <QWidget>

#include "train/probes/saliency.h"
#include "views/view.h"

class QComboBox;
class QSpinBox;
class QToolButton;

namespace gradlab::widgets {

class ImageDrop;

// The pictures: input, heat map, overlay (or bars), and the class probabilities.
class SaliencyCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit SaliencyCanvas(QWidget* parent = nullptr);
  // The result to draw with the data's class names; null shows `emptyText`.
  void setResult(std::shared_ptr<const SaliencyProbe> result, std::vector<std::string> classNames,
                 const QString& emptyText);
  const SaliencyProbe* result() const { return result_.get(); }
  // The largest |∂score/∂x| drawn (the heat map's top), 0 before a result.
  float heatMax() const { return heatMax_; }
  QSize sizeHint() const override { return {760, 380}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  QString className(int c) const;
  void paintImage(QPainter& p, const QRect& area);
  void paintBars(QPainter& p, const QRect& area);
  void paintProbabilities(QPainter& p, const QRect& area);

  std::shared_ptr<const SaliencyProbe> result_;
  std::vector<std::string> names_;
  QString emptyText_;
  std::vector<float> heat_;  // |gradient|, an image's max over its channels
  float heatMax_ = 0;
};

class SaliencyView : public View {
  Q_OBJECT
 public:
  explicit SaliencyView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void setData(const Split& data, const QString& builtin) override;

  void setSample(int index);
  int sample() const;
  void setClass(int cls);  // -1: the predicted class
  void setSmooth(int copies);  // 0: the plain gradient
  ImageDrop* imageDrop() const { return drop_; }
  SaliencyCanvas* canvas() const { return canvas_; }

 private:
  void setClassNames(const std::vector<std::string>& names, int classes);

  QToolButton *prev_, *next_;
  QSpinBox* sample_;
  QComboBox* class_;
  QSpinBox* smooth_;
  ImageDrop* drop_;
  SaliencyCanvas* canvas_;
  std::shared_ptr<const SaliencyProbe> shown_;
  std::vector<std::string> names_;
  QString dropMessage_;  // why the last dropped file could not be used
};

}  // namespace gradlab::widgets
