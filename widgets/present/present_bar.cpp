#include "present/present_bar.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <cmath>

#include "live_box.h"

namespace gradlab::widgets {

PresentBar::PresentBar(QWidget* parent) : QWidget(parent) {
  setObjectName("presentBar");
  auto* h = new QHBoxLayout(this);
  h->setContentsMargins(12, 4, 12, 4);
  h->setSpacing(24);
  counter_ = new QLabel(this);
  counter_->setObjectName("presentCounter");
  detail_ = new QLabel(this);
  detail_->setObjectName("presentDetail");
  keys_ = new QLabel(tr("Space play/pause · S step · ← → lesson · 1–9 V views · Esc leave"), this);
  keys_->setStyleSheet("color: #555555;");
  keys_->setToolTip(tr("Space play/pause · S one step · ← → the lesson's steps · 1–9 a view large · "
                       "V / Shift+V the next / previous view · 0 one view only · + − scale · "
                       "N the network · Esc leave"));
  // The keys take the room left, cut off where there is none (a 1280-pixel projector at 2×
  // has little to spare; no word wrap: a toolbar would grow as tall as the words are many);
  // the counter and the numbers never give way.
  keys_->setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
  keys_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  keys_->setMinimumWidth(0);
  scale_ = new QDoubleSpinBox(this);
  scale_->setObjectName("presentScale");
  scale_->setRange(1.5, 3.0);
  scale_->setSingleStep(0.25);
  scale_->setSuffix(QStringLiteral("×"));
  scale_->setDecimals(2);
  scale_->setFocusPolicy(Qt::ClickFocus);  // keys go to the lecture, not to the spin box
  scale_->setToolTip(tr("Presentation scale: fonts, lines and points (+ and − keys)"));
  leave_ = new QPushButton(tr("Leave (Esc)"), this);
  leave_->setFocusPolicy(Qt::NoFocus);
  h->addWidget(new LiveBox(counter_, this));  // they change at every frame
  h->addWidget(new LiveBox(detail_, this));
  h->addWidget(keys_, 1);
  h->addWidget(scale_);
  h->addWidget(leave_);
  connect(scale_, &QDoubleSpinBox::valueChanged, this, &PresentBar::scaleChanged);
  connect(leave_, &QPushButton::clicked, this, &PresentBar::leaveClicked);
  showSnapshot(nullptr);
}

void PresentBar::showSnapshot(const Snapshot* s) {
  if (!s) {
    counter_->setText(tr("Step 0"));
    detail_->setText({});
    return;
  }
  counter_->setText(tr("Step %L1").arg(s->step));
  QStringList parts;
  parts << tr("epoch %L1").arg(s->epoch, 0, 'f', s->epoch < 10 ? 2 : 1);
  if (!s->metrics.empty()) {
    const MetricPoint& p = s->metrics.back();
    if (std::isfinite(p.testAcc)) parts << tr("test accuracy %1 %").arg(p.testAcc * 100, 0, 'f', 1);
    else if (std::isfinite(p.testLoss)) parts << tr("test loss %1").arg(p.testLoss, 0, 'g', 3);
  }
  parts << (s->running ? tr("training") : tr("paused"));
  detail_->setText(parts.join(QStringLiteral(" · ")));
}

QString PresentBar::counterText() const { return counter_->text() + " · " + detail_->text(); }

void PresentBar::setScale(double scale) {
  QSignalBlocker block(scale_);
  scale_->setValue(scale);
}

void PresentBar::applyScale(double scale, const QFont& base) {
  QFont big = base;
  big.setPointSizeF(base.pointSizeF() * scale * 1.8);  // the counter: readable from the back row
  big.setBold(true);
  counter_->setFont(big);
  QFont mid = base;
  mid.setPointSizeF(base.pointSizeF() * scale * 1.2);
  detail_->setFont(mid);
}

}  // namespace gradlab::widgets
