#pragma once
// LessonsDialog: File › Lessons… and Help › History. The "Lessons" tab lists the lessons of a
// folder (the bundled ones: bundledLessonsDir()) under their groups, with the curriculum topic
// and the learner's progress (steps passed / steps, lesson/lesson_progress.h); a lesson that
// does not parse is listed too, under "Could not be read", with its error (FILE:LINE: …).
// The "History" tab is the timeline (lessons/timeline.md, lesson/timeline_view.h). A
// double-click on a lesson, or a click on a timeline entry with a lesson, emits lessonChosen.
#include <QDialog>

#include "lesson/lesson_progress.h"

class QLabel;
class QTabWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace gradlab::widgets {

class TimelineView;

class LessonsDialog : public QDialog {
  Q_OBJECT
 public:
  enum Tab { Lessons = 0, History = 1 };
  LessonsDialog(const QString& lessonsDir, LessonProgress progress, QWidget* parent = nullptr);

  void showTab(Tab tab);
  QTreeWidget* list() const { return list_; }
  TimelineView* timeline() const { return timeline_; }
  QLabel* timelineError() const { return timelineError_; }
  QLabel* detail() const { return detail_; }
  // The item of the lesson in `folder` (its id), or null.
  QTreeWidgetItem* itemFor(const QString& id) const;

 signals:
  void lessonChosen(const QString& lessonFile);  // a lesson.md path

 private:
  void fill();
  void fillTimeline();
  void choose(QTreeWidgetItem* item);

  QString dir_;
  LessonProgress progress_;
  QTabWidget* tabs_;
  QTreeWidget* list_;
  QLabel* detail_;
  TimelineView* timeline_;
  QLabel* timelineError_;
};

}  // namespace gradlab::widgets
