#include "lesson/timeline_view.h"

#include <QAbstractTextDocumentLayout>
#include <QMouseEvent>
#include <QPainter>
#include <QTextDocument>
#include <algorithm>

namespace gradlab::widgets {

namespace {
constexpr int kFirstYear = 1940, kLastYear = 2015;
constexpr int kTop = 24;          // the axis starts here
constexpr int kAxisX = 64;        // the axis line
constexpr int kCardX = 104;       // cards start here
constexpr double kPerYear = 13;   // pixels per year on the axis
constexpr int kGap = 6;           // between two cards
constexpr int kPad = 8;           // inside a card
}  // namespace

TimelineView::TimelineView(QWidget* parent) : QWidget(parent) {
  setObjectName("timeline");
  setMouseTracking(true);
  setAutoFillBackground(true);
  QPalette p = palette();
  p.setColor(QPalette::Window, Qt::white);
  setPalette(p);
}

TimelineView::~TimelineView() = default;

void TimelineView::setEntries(std::vector<TimelineEntry> entries) {
  entries_ = std::move(entries);
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.year < b.year; });
  docs_.clear();
  for (const TimelineEntry& e : entries_) {
    auto doc = std::make_unique<QTextDocument>();
    doc->setDefaultFont(font());
    QString md = QString("**%1** — %2").arg(e.year).arg(QString::fromStdString(e.text));
    if (!e.lesson.empty())  // drawn as a link (the whole card is the click target)
      md += tr("  \n[Open the lesson ›](%1)").arg(QString::fromStdString(e.lesson));
    doc->setMarkdown(md);
    docs_.push_back(std::move(doc));
  }
  relayout();
  update();
}

int TimelineView::yearY(double year) const {
  return kTop + int((year - kFirstYear) * kPerYear);
}

QSize TimelineView::sizeHint() const { return {640, height_}; }

QRect TimelineView::cardRect(int i) const {
  return i >= 0 && i < int(cards_.size()) ? cards_[size_t(i)] : QRect();
}

void TimelineView::relayout() {
  cards_.clear();
  const int width = std::max(260, this->width() - kCardX - 16);
  int bottom = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    QTextDocument& doc = *docs_[i];
    doc.setTextWidth(width - 2 * kPad);
    const int h = int(doc.size().height()) + 2 * kPad;
    // Centred on its year where there is room, else right below the card before.
    const int top = std::max(yearY(entries_[i].year) - h / 2, i == 0 ? kTop - 8 : bottom + kGap);
    cards_.emplace_back(kCardX, top, width, h);
    bottom = top + h;
  }
  height_ = std::max(yearY(kLastYear), bottom) + 24;
  setMinimumHeight(height_);
  updateGeometry();
}

void TimelineView::resizeEvent(QResizeEvent*) { relayout(); }

void TimelineView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QColor axis("#455a64"), muted("#90a4ae"), accent("#1565c0");
  // The axis: a line, decades marked and labelled, years between as small ticks.
  const int axisEnd = std::max(yearY(kLastYear), height_ - 24);
  p.setPen(QPen(axis, 2));
  p.drawLine(kAxisX, kTop, kAxisX, axisEnd);
  QFont bold = font();
  bold.setBold(true);
  for (int y = kFirstYear; y <= kLastYear; ++y) {
    const int py = yearY(y);
    if (y % 10 == 0) {
      p.setPen(QPen(axis, 2));
      p.drawLine(kAxisX - 8, py, kAxisX, py);
      p.setFont(bold);
      p.drawText(QRect(4, py - 10, kAxisX - 14, 20), Qt::AlignRight | Qt::AlignVCenter,
                 QString::number(y));
    } else if (y % 5 == 0) {
      p.setPen(QPen(muted, 1));
      p.drawLine(kAxisX - 4, py, kAxisX, py);
    }
  }
  p.setFont(font());
  // Entries: a dot at the year, a line to the card, the card.
  for (size_t i = 0; i < entries_.size(); ++i) {
    const QRect& c = cards_[i];
    const bool link = !entries_[i].lesson.empty();
    const int py = yearY(entries_[i].year);
    const QColor colour = link ? accent : axis;
    p.setPen(QPen(colour, 1.2));
    p.drawLine(QPoint(kAxisX, py), QPoint(c.left(), c.top() + std::min(c.height() / 2, 14)));
    p.setBrush(colour);
    p.drawEllipse(QPoint(kAxisX, py), 4, 4);
    const bool hot = int(i) == hovered_ && link;
    p.setPen(QPen(hot ? accent : QColor("#cfd8dc"), hot ? 2 : 1));
    p.setBrush(hot ? QColor("#e3f2fd") : (link ? QColor("#f5f9ff") : QColor("#fafafa")));
    p.drawRoundedRect(c, 5, 5);
    p.save();
    p.translate(c.topLeft() + QPoint(kPad, kPad));
    docs_[i]->drawContents(&p);
    p.restore();
  }
  if (entries_.empty()) {
    p.setPen(axis);
    p.drawText(rect().adjusted(kCardX, 0, 0, 0), Qt::AlignLeft | Qt::AlignTop,
               tr("No timeline entries."));
  }
}

int TimelineView::cardAt(QPoint pos) const {
  for (size_t i = 0; i < cards_.size(); ++i)
    if (cards_[i].contains(pos)) return int(i);
  return -1;
}

void TimelineView::mouseMoveEvent(QMouseEvent* e) {
  const int i = cardAt(e->position().toPoint());
  const bool link = i >= 0 && !entries_[size_t(i)].lesson.empty();
  setCursor(link ? Qt::PointingHandCursor : Qt::ArrowCursor);
  setToolTip(link ? tr("Open the lesson %1").arg(QString::fromStdString(entries_[size_t(i)].lesson))
                  : QString());
  if (i != hovered_) {
    hovered_ = i;
    update();
  }
}

void TimelineView::leaveEvent(QEvent*) {
  hovered_ = -1;
  update();
}

void TimelineView::mousePressEvent(QMouseEvent* e) {
  const int i = cardAt(e->position().toPoint());
  if (e->button() == Qt::LeftButton && i >= 0 && !entries_[size_t(i)].lesson.empty())
    emit lessonActivated(QString::fromStdString(entries_[size_t(i)].lesson));
}

}  // namespace gradlab::widgets
