#include "project/recovery.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "util/error.h"

namespace gradlab::widgets {

Recovery::Recovery(const QString& dir) : dir_(dir) {
  QDir().mkpath(dir_);
  auto lock = std::make_unique<QLockFile>(QDir(dir_).filePath("session.lock"));
  lock->setStaleLockTime(0);  // a lock whose process is gone is stale at once
  if (!lock->tryLock(100)) return;  // another window owns this folder: no autosave here
  lock_ = std::move(lock);
  recoverable_ = QFileInfo::exists(projectPath());
}

QString Recovery::projectPath() const { return QDir(dir_).filePath("autosave.gradlab"); }

QDateTime Recovery::savedAt() const { return QFileInfo(projectPath()).lastModified(); }

QString Recovery::originalPath() const {
  QFile f(QDir(dir_).filePath("autosave.origin"));
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(f.readAll()).trimmed();
}

Project Recovery::load() const { return loadProject(projectPath().toStdString()); }

void Recovery::write(const Project& project, const QString& originalPath) {
  if (!active()) return;
  QSaveFile origin(QDir(dir_).filePath("autosave.origin"));
  if (origin.open(QIODevice::WriteOnly)) {
    origin.write(originalPath.toUtf8());
    origin.commit();
  }
  saveProject(projectPath().toStdString(), project);
}

void Recovery::discard() {
  if (!active()) return;
  QFile::remove(projectPath());
  for (const std::string& weights : weightsPathsFor(projectPath().toStdString()))
    QFile::remove(QString::fromStdString(weights));
  QFile::remove(QDir(dir_).filePath("autosave.origin"));
  recoverable_ = false;
}

}  // namespace gradlab::widgets
