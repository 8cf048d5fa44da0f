#pragma once
// LiveBox: a box around a label whose text changes at every frame (a view's note, the step
// counter, steps per second), so that a new text re-lays out the box and not the window.
//
// QLabel::setText calls updateGeometry(), which invalidates the parent's layout and every layout
// above it up to the window: with 15 views each writing "Step 1,234: …" 60 times a second, the
// window laid out all of its docks again at every frame (about 12 % of its thread's time,
// mostly shaping the notes' text again for heightForWidth). The label's request stops at the
// box (a widget without a layout gets it as a LayoutRequest event); the box passes it on only
// when the label needs other room: another number of lines when wrapped, a wider text when not
// (then the width only grows, so that ticking digits do not shake the widgets beside it).
//
//   note_ = new QLabel(this);
//   layout->addWidget(new LiveBox(note_), 1);  // the box takes the label as its child
//   note_->setText(…);                         // as before
#include <QFont>
#include <QTimer>
#include <QWidget>

class QLabel;

namespace gradlab::widgets {

class LiveBox : public QWidget {
 public:
  explicit LiveBox(QLabel* label, QWidget* parent = nullptr);
  QLabel* label() const { return label_; }

  QSize sizeHint() const override { return hint_; }
  QSize minimumSizeHint() const override { return minimum_; }
  bool hasHeightForWidth() const override;
  int heightForWidth(int width) const override;

 protected:
  bool event(QEvent* e) override;
  void resizeEvent(QResizeEvent* e) override;

 private:
  // Takes the label's hints; true when they differ from the ones the layout has.
  bool takeHints();

  QLabel* label_;
  QSize hint_, minimum_;
  QFont font_;               // the label's font when the hints were taken
  int heightForWidth_ = -1;  // a wrapped label's height at the box's width, as laid out
  QTimer shrink_;            // gives lines back when the label has needed fewer for a second
};

}  // namespace gradlab::widgets
