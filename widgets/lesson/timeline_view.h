#pragma once
// TimelineView: the history of the ideas (topic 24, lessons/timeline.md) drawn down a time
// axis, 1940–2015: decades marked on the axis, each entry a card beside its year, joined to
// it by a line. Entries crowd in some years (1986, 2014), so a card moves down below the one
// before and its line slants back to its year. A card whose entry names a lesson is a link:
// clicking it emits lessonActivated. Sized to its content: put it in a QScrollArea.
//
//   auto* t = new TimelineView;  t->setEntries(loadTimeline(dir + "/timeline.md"));
//   connect(t, &TimelineView::lessonActivated, ..., [](const QString& id) { open(id); });
#include <QWidget>
#include <memory>
#include <vector>

#include "lesson/lesson.h"

class QTextDocument;

namespace gradlab::widgets {

class TimelineView : public QWidget {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);
  ~TimelineView() override;

  void setEntries(std::vector<TimelineEntry> entries);
  int entries() const { return int(entries_.size()); }
  // Where entry i's card is (after layout), for tests.
  QRect cardRect(int i) const;

  QSize sizeHint() const override;

 signals:
  void lessonActivated(const QString& lessonId);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void leaveEvent(QEvent*) override;

 private:
  void relayout();
  int yearY(double year) const;
  int cardAt(QPoint p) const;

  std::vector<TimelineEntry> entries_;
  std::vector<std::unique_ptr<QTextDocument>> docs_;
  std::vector<QRect> cards_;
  int height_ = 400;
  int hovered_ = -1;
};

}  // namespace gradlab::widgets
