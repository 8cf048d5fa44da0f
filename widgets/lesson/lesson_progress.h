#pragma once
// LessonProgress: which steps of which lessons the learner has passed, remembered per user in
// QSettings ("lessons/<id>/passed" = the passed step numbers, 0-based). The player marks a step
// when its checks all hold (a step without checks when it is shown); File › Lessons… shows
// "passed / steps" from here. Also the first-start flag (the Welcome lesson opens once).
//
//   LessonProgress progress;                 // the application's QSettings
//   progress.markPassed("04-xor", 1);
//   progress.passed("04-xor")                // {1}
#include <QSet>
#include <QString>

namespace gradlab::widgets {

class LessonProgress {
 public:
  // `enabled` false: nothing is read or written (windows that keep no settings, tests).
  explicit LessonProgress(bool enabled = true) : enabled_(enabled) {}

  bool enabled() const { return enabled_; }
  QSet<int> passed(const QString& lessonId) const;
  void markPassed(const QString& lessonId, int step);
  void forget(const QString& lessonId);

  // True until markStarted() was called once for this user: the very first start.
  bool firstStart() const;
  void markStarted();

 private:
  bool enabled_;
};

}  // namespace gradlab::widgets
