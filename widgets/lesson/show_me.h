#pragma once
// ShowMe: performs a lesson step's `do` actions in the window, visibly — "play 2000" trains
// 2000 steps at the step's speed (the canvas and the views follow them), "set lr=0.3" changes
// the setting as the controls would, "reset" draws fresh weights. Exactly N steps are taken:
// the runner hands the session batches of steps paced by the clock (at speed 0, all at once).
// A step with variants runs them side by side in the Compare view instead, for the steps of
// all its `play` actions together at the step's speed (its `set` settings apply to every
// variant from the start).
//
//   ShowMe show(hooks);
//   show.start(step, lesson.path);   // from the step's setup, reloaded
//   connect(&show, &ShowMe::finished, ...);
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include "lesson/lesson_hooks.h"

namespace gradlab::widgets {

class ShowMe : public QObject {
  Q_OBJECT
 public:
  explicit ShowMe(LessonHooks hooks, QObject* parent = nullptr);

  // Reloads the step's setup, then performs its actions in order.
  void start(const LessonStep& step, const std::string& lessonPath);
  void stop();  // leaves the run where it is
  bool running() const { return timer_.isActive(); }

 signals:
  void progress(const QString& text);  // "play 2000: 812 of 2000 steps"
  // completed false: stopped by the user, by an error (`error` says which) or by divergence.
  void finished(bool completed, const QString& error);

 private:
  void tick();
  void begin();       // the next action
  void done(bool completed, const QString& error);
  void tickComparison();

  LessonHooks hooks_;
  QTimer timer_;
  std::vector<LessonAction> actions_;
  LessonSetup setup_;
  std::string lessonPath_;
  size_t next_ = 0;
  bool playing_ = false;   // within a play action
  bool waiting_ = false;   // for the session to be ready (data loading) before playing
  bool comparing_ = false; // a step with variants: its comparison runs in the Compare view
  std::vector<LessonVariant> variants_;
  int64_t steps_ = 0, base_ = 0, issued_ = 0;
  QElapsedTimer clock_;
};

}  // namespace gradlab::widgets
