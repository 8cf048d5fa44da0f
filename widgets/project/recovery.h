#pragma once
// Recovery: the autosave folder. While a window runs it holds a lock there (QLockFile) and
// writes its work every autosave interval; a clean exit removes the autosave. At the next
// start, an autosave without a live lock holder means the last session crashed (or was
// killed): the window offers to restore it. So a crash loses at most one interval of work.
// The autosave is an ordinary project file (core/io/project.h) with its weights beside it.
#include <QDateTime>
#include <QLockFile>
#include <QString>
#include <memory>

#include "io/project.h"

namespace gradlab::widgets {

class Recovery {
 public:
  explicit Recovery(const QString& dir);

  bool active() const { return lock_ != nullptr; }
  // An autosave left by a session that did not exit cleanly (found at construction).
  bool recoverable() const { return recoverable_; }
  QDateTime savedAt() const;
  QString projectPath() const;   // the autosaved project
  QString originalPath() const;  // the file the crashed session was editing, if any

  Project load() const;          // throws Error
  // Any thread (ProjectFiles writes from a worker); throws Error.
  void write(const Project& project, const QString& originalPath);
  void discard();                // the autosave is no longer needed

 private:
  QString dir_;
  std::unique_ptr<QLockFile> lock_;
  bool recoverable_ = false;
};

}  // namespace gradlab::widgets
