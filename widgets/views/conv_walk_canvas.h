#pragma once
// ConvWalkCanvas: draws one position of a ConvWalk (core/explain/conv_walk.h), big enough to
// read from the back of a lecture hall — the input with its padding, the window over it and the
// kernel beside it, the output filled in up to this position, and under them every multiply-add
// of the position with its running sum (laid out as the kernel: row by row), ending in the
// engine's output cell:
//
//   2 4 3 5 6 8     1 0 1      12 .  .  .
//   3 8 5 7 5 1  ∗  0 0 1  =   .  .  .  .
//   ...
//   2 × 1 = 2  Σ 2     4 × 0 = 0  Σ 2     3 × 1 = 3  Σ 5
//   3 × 0 = 0  Σ 5     8 × 0 = 0  Σ 5     5 × 1 = 5  Σ 10
//   1 × 1 = 1  Σ 11    2 × 0 = 0  Σ 11    1 × 1 = 1  Σ 12
//   Σ = 12;  the engine's conv2d: y[0, 0] = 12
//
// Max pooling marks the window's maximum (the cell the engine takes); average pooling sums and
// divides. Sizes follow the widget and the font (classroom mode scales it); colours theme().
// Double-clicking an input cell asks for a new value (editCell), when editing is on.
#include <QWidget>

#include "explain/conv_walk.h"

namespace gradlab::widgets {

class ConvWalkCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit ConvWalkCanvas(QWidget* parent = nullptr);

  // The walk to draw (null or empty: `why` instead) and the position shown, 0-based.
  void setWalk(std::shared_ptr<const ConvWalk> walk, const QString& why = QString());
  void setPosition(int position);
  int position() const { return position_; }
  const ConvWalk* walk() const { return walk_.get(); }
  void setEditable(bool on) { editable_ = on; }

  QSize sizeHint() const override { return {720, 520}; }
  QSize minimumSizeHint() const override { return {320, 240}; }

 signals:
  void editCell(int row, int col);  // an input cell was double-clicked (editable only)

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  std::shared_ptr<const ConvWalk> walk_;
  QString why_;
  int position_ = 0;
  bool editable_ = false;
  // Where the input's cells were drawn last (for double-clicks): its top-left and cell size.
  QPointF inputOrigin_;
  double cell_ = 0;
};

// A number as the explainer writes it: whole numbers without decimals ("12", "-3"), others
// with two ("0.84", "0.00" for 0.0018), large ones in 3 significant digits.
QString walkNumber(double v);

}  // namespace gradlab::widgets
