#include "live_box.h"

#include <QEvent>
#include <QLabel>
#include <QResizeEvent>
#include <algorithm>

namespace gradlab::widgets {

LiveBox::LiveBox(QLabel* label, QWidget* parent) : QWidget(parent), label_(label) {
  const bool hidden = label_->isHidden() && label_->testAttribute(Qt::WA_WState_ExplicitShowHide);
  label_->setParent(this);
  label_->setVisible(!hidden);
  setSizePolicy(label_->sizePolicy());
  shrink_.setSingleShot(true);
  shrink_.setInterval(1000);
  connect(&shrink_, &QTimer::timeout, this, [this] {
    const int need = label_->heightForWidth(width());
    if (need < heightForWidth_) {
      heightForWidth_ = need;
      updateGeometry();
    }
  });
  takeHints();
}

bool LiveBox::hasHeightForWidth() const { return label_->hasHeightForWidth(); }

int LiveBox::heightForWidth(int w) const {
  const int need = label_->heightForWidth(w);
  return w == width() ? std::max(need, heightForWidth_) : need;  // the lines it holds on to
}

bool LiveBox::takeHints() {
  // A minimum size set on the label (the step counter's 150 pixels) holds as it would in a layout.
  QSize hint = label_->sizeHint().expandedTo(label_->minimumSize());
  QSize minimum = label_->minimumSizeHint().expandedTo(label_->minimumSize());
  // Hints only grow while the font stays: "step 999" → "step 1,000" makes room once, and the
  // digits of "5,745 steps/s" ticking leave the widgets beside them where they are.
  if (label_->font() == font_) {
    hint = hint.expandedTo(hint_);
    minimum = minimum.expandedTo(minimum_);
  }
  font_ = label_->font();
  // A wrapped label's height follows its width: what counts is the number of lines it needs
  // at the width it has.
  bool more = false;
  if (label_->hasHeightForWidth() && width() > 0) {
    const int need = label_->heightForWidth(width());
    more = need > heightForWidth_;
    if (more) heightForWidth_ = need;
    if (need < heightForWidth_ && !shrink_.isActive()) shrink_.start();
    if (need >= heightForWidth_) shrink_.stop();
  }
  const bool changed = more || hint != hint_ || minimum != minimum_;
  hint_ = hint;
  minimum_ = minimum;
  return changed;
}

bool LiveBox::event(QEvent* e) {
  // A QLabel asks for a new layout at every setText; a widget without a layout, like this box,
  // gets that request as a LayoutRequest event.
  if (e->type() == QEvent::LayoutRequest) {
    if (takeHints()) updateGeometry();
    return true;
  }
  return QWidget::event(e);
}

void LiveBox::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  label_->setGeometry(rect());
  if (label_->hasHeightForWidth() && e->size().width() != e->oldSize().width())
    heightForWidth_ = label_->heightForWidth(width());  // another width: lines counted anew
}

}  // namespace gradlab::widgets
