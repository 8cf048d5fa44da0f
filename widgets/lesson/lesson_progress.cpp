#include "lesson/lesson_progress.h"

#include <QSettings>
#include <QVariantList>

namespace gradlab::widgets {

namespace {
QString key(const QString& lessonId) { return "lessons/" + lessonId + "/passed"; }
}  // namespace

QSet<int> LessonProgress::passed(const QString& lessonId) const {
  QSet<int> steps;
  if (!enabled_) return steps;
  for (const QVariant& v : QSettings().value(key(lessonId)).toList()) steps.insert(v.toInt());
  return steps;
}

void LessonProgress::markPassed(const QString& lessonId, int step) {
  if (!enabled_) return;
  QSet<int> steps = passed(lessonId);
  if (steps.contains(step)) return;
  steps.insert(step);
  QList<int> sorted(steps.begin(), steps.end());
  std::sort(sorted.begin(), sorted.end());
  QVariantList list;
  for (int s : sorted) list << s;
  QSettings().setValue(key(lessonId), list);
}

void LessonProgress::forget(const QString& lessonId) {
  if (enabled_) QSettings().remove("lessons/" + lessonId);
}

bool LessonProgress::firstStart() const {
  return enabled_ && !QSettings().value("lessons/started", false).toBool();
}

void LessonProgress::markStarted() {
  if (enabled_) QSettings().setValue("lessons/started", true);
}

}  // namespace gradlab::widgets
