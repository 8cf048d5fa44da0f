#pragma once
// DataPreview: a glance at the loaded data — 2-D points coloured by class (test points
// hollow), a 1-D function's samples, the first images of an image set, or a sequence.
#include <QWidget>
#include <memory>

#include "data/dataset.h"

namespace gradlab::widgets {

class DataPreview : public QWidget {
  Q_OBJECT
 public:
  explicit DataPreview(QWidget* parent = nullptr);
  void setData(std::shared_ptr<const Split> data);
  QSize sizeHint() const override { return {240, 200}; }

  // A sample of an image set as a QImage (grey or RGB), or a null image when x is not an image.
  static QImage sampleImage(const Dataset& d, int64_t index);
  static QColor classColor(int cls, int numClasses);

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  std::shared_ptr<const Split> data_;
};

}  // namespace gradlab::widgets
