#pragma once
// LessonDock: the lessons in the window — the player's dock beside the canvas (hidden until a
// lesson opens), File › Lessons… and Help › History (lesson/lessons_dialog.h), opening a lesson
// by name or path (`gradlab --lesson`), and the Welcome lesson on the very first start.
//
//   LessonDock lessons(window, hooks, /*useSettings=*/true);
//   fileMenu->addAction(lessons.lessonsAction());  helpMenu->addAction(lessons.historyAction());
//   lessons.open("04-xor");                  // false, with the error shown, when it cannot
#include <QObject>
#include <QPointer>
#include <functional>

#include "lesson/lesson_hooks.h"
#include "lesson/lesson_progress.h"
#include "lesson/lessons_dialog.h"

class QDockWidget;
class QMainWindow;
class QAction;

namespace gradlab::widgets {

class LessonPlayer;

class LessonDock : public QObject {
  Q_OBJECT
 public:
  // `error` shows a message in the window. `useSettings` false: no progress is remembered and
  // no first start is noticed (windows of tests).
  LessonDock(QMainWindow* window, LessonHooks hooks, std::function<void(const QString&)> error,
             bool useSettings);

  QDockWidget* dock() const { return dock_; }
  LessonPlayer* player() const { return player_; }
  QAction* lessonsAction() const { return lessonsAction_; }  // File › Lessons… (Ctrl+Shift+L)
  QAction* historyAction() const { return historyAction_; }  // Help › History of the Ideas…

  // A lesson id ("04-xor"), folder or lesson.md: opens it in the player (step `step`) and
  // shows the dock. On an error (no such lesson, a malformed file) shows it and returns false.
  bool open(const QString& nameOrPath, int step = 0);
  // The very first start (per user): opens lessons/00-welcome if it exists. True if it did.
  bool openWelcomeOnFirstStart();
  // File › Lessons… (or its History tab): a dialog over the window; the open one, for tests.
  LessonsDialog* showLessons(LessonsDialog::Tab tab = LessonsDialog::Lessons);
  LessonsDialog* dialog() const { return dialog_; }

 private:
  QMainWindow* window_;
  std::function<void(const QString&)> error_;
  LessonProgress progress_;
  QDockWidget* dock_;
  LessonPlayer* player_;
  QAction *lessonsAction_, *historyAction_;
  QPointer<LessonsDialog> dialog_;
};

}  // namespace gradlab::widgets
