#pragma once
// PresentBar: the strip across the top of the window in classroom mode — the big step / epoch
// counter a hall reads from the back row, the test accuracy, the keys, the presentation scale
// and the way back to the lab.
#include <QWidget>

#include "train/snapshot.h"

class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace gradlab::widgets {

class PresentBar : public QWidget {
  Q_OBJECT
 public:
  explicit PresentBar(QWidget* parent = nullptr);

  // "Step 1 234 · epoch 12.3 · test accuracy 97.1 % · training"
  void showSnapshot(const Snapshot* snap);
  QString counterText() const;
  void setScale(double scale);  // the spin box, without emitting scaleChanged
  // Sizes the counter and the hints for the presentation scale.
  void applyScale(double scale, const QFont& base);

 signals:
  void scaleChanged(double scale);
  void leaveClicked();

 private:
  QLabel *counter_, *detail_, *keys_;
  QDoubleSpinBox* scale_;
  QPushButton* leave_;
};

}  // namespace gradlab::widgets
