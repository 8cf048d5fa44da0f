#include "lesson/lesson_dock.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>

#include "lesson/lesson_player.h"

namespace gradlab::widgets {

LessonDock::LessonDock(QMainWindow* window, LessonHooks hooks,
                       std::function<void(const QString&)> error, bool useSettings)
    : QObject(window), window_(window), error_(std::move(error)), progress_(useSettings) {
  player_ = new LessonPlayer(std::move(hooks), progress_, window);
  dock_ = new QDockWidget(tr("Lesson"), window);
  dock_->setObjectName("lessonDock");
  dock_->setWidget(player_);
  dock_->setMinimumWidth(320);
  dock_->hide();
  lessonsAction_ = new QAction(tr("&Lessons…"), this);
  lessonsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
  lessonsAction_->setToolTip(tr("The bundled lessons, with your progress"));
  connect(lessonsAction_, &QAction::triggered, this, [this] { showLessons(); });
  historyAction_ = new QAction(tr("&History of the Ideas…"), this);
  historyAction_->setToolTip(tr("A timeline 1943–2014; each idea opens its lesson"));
  connect(historyAction_, &QAction::triggered, this, [this] { showLessons(LessonsDialog::History); });
}


bool LessonDock::open(const QString& nameOrPath, int step) {
  try {
    player_->open(loadLesson(findLesson(nameOrPath.toStdString())), step);
  } catch (const std::exception& e) {
    error_(tr("Could not open the lesson: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  const bool wasHidden = dock_->isHidden();
  dock_->show();
  dock_->raise();
  if (wasHidden) window_->resizeDocks({dock_}, {380}, Qt::Horizontal);
  return true;
}

bool LessonDock::openWelcomeOnFirstStart() {
  if (!progress_.firstStart()) return false;
  progress_.markStarted();
  std::string welcome;
  try {
    welcome = findLesson("00-welcome");
  } catch (const std::exception&) {
    return false;  // no Welcome lesson bundled: no player
  }
  return open(QString::fromStdString(welcome));
}

LessonsDialog* LessonDock::showLessons(LessonsDialog::Tab tab) {
  if (!dialog_) {
    dialog_ = new LessonsDialog(QString::fromStdString(bundledLessonsDir()), progress_, window_);
    dialog_->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog_, &LessonsDialog::lessonChosen, this, [this](const QString& path) { open(path); });
  }
  dialog_->showTab(tab);
  dialog_->show();
  dialog_->raise();
  return dialog_;
}

}  // namespace gradlab::widgets
