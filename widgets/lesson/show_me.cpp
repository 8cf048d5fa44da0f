#include "lesson/show_me.h"

#include <QFileInfo>
#include <cmath>

#include "lesson/lesson_setup.h"

namespace gradlab::widgets {

ShowMe::ShowMe(LessonHooks hooks, QObject* parent) : QObject(parent), hooks_(std::move(hooks)) {
  timer_.setInterval(30);
  connect(&timer_, &QTimer::timeout, this, &ShowMe::tick);
}

void ShowMe::start(const LessonStep& step, const std::string& lessonPath) {
  stop();
  actions_ = step.actions;
  setup_ = step.setup;
  variants_ = step.variants;
  lessonPath_ = lessonPath;
  next_ = 0;
  playing_ = false;
  comparing_ = !variants_.empty();
  waiting_ = comparing_;
  hooks_.load(setup_);
  timer_.start();
  if (comparing_) {
    if (!hooks_.variants.available())
      return done(false, tr("This step compares variants; the window has no Compare view."));
    emit progress(tr("Waiting for the data…"));
    return;  // tickComparison starts it once the data is there
  }
  begin();
}

void ShowMe::tickComparison() {
  TrainingSession* s = hooks_.session;
  if (waiting_) {
    s->sync(2000);
    auto snap = s->snapshot();
    if (!snap || !snap->data) return;
    waiting_ = false;
    // The steps of all `play` actions; `set` settings over every variant.
    int64_t steps = 0;
    std::vector<Setting> settings;
    for (const LessonAction& a : actions_) {
      if (a.kind == LessonAction::Kind::Play) steps += a.steps;
      if (a.kind == LessonAction::Kind::Set) settings.insert(settings.end(), a.settings.begin(), a.settings.end());
    }
    std::vector<CompareVariant> runs;
    try {
      const SettingPlace place{lessonPath_, QFileInfo(QString::fromStdString(lessonPath_)).absolutePath().toStdString()};
      for (LessonVariant v : variants_) {
        applySettings(v.setup, settings, place);
        runs.push_back({v.name, v.setup.network, v.setup.training});
      }
    } catch (const std::exception& e) {
      return done(false, QString::fromUtf8(e.what()));
    }
    steps_ = std::max<int64_t>(steps, 1);
    hooks_.variants.start(std::move(runs), snap->data, steps_, setup_.speed);
    return;
  }
  const VariantRuns::Progress c = hooks_.variants.progress();
  if (!c.started) return;
  if (!c.error.empty()) return done(false, QString::fromStdString(c.error));
  emit progress(tr("%n variant(s) side by side: %1 of %2 steps", nullptr, int(variants_.size()))
                    .arg(c.step).arg(steps_));
  if (c.finished) done(true, {});
}

void ShowMe::stop() {
  if (!timer_.isActive()) return;
  timer_.stop();
  if (playing_) hooks_.session->pause();
  if (comparing_ && !waiting_ && hooks_.variants.pause) hooks_.variants.pause();
  comparing_ = false;
  playing_ = false;
  emit finished(false, tr("Stopped."));
}

void ShowMe::done(bool completed, const QString& error) {
  timer_.stop();
  playing_ = false;
  comparing_ = false;
  emit finished(completed, error);
}

void ShowMe::begin() {
  while (next_ < actions_.size()) {
    const LessonAction& a = actions_[next_++];
    emit progress(QString::fromStdString(a.text));
    switch (a.kind) {
      case LessonAction::Kind::Play:
        steps_ = a.steps;
        playing_ = true;
        waiting_ = true;  // the first tick starts once the session has a trainer
        hooks_.session->pause();
        return;
      case LessonAction::Kind::Set:
        try {
          const SettingPlace place{lessonPath_, QFileInfo(QString::fromStdString(lessonPath_))
                                                    .absolutePath().toStdString()};
          const LessonSetup before = setup_;
          applySettings(setup_, a.settings, place);
          hooks_.change(before, setup_);
        } catch (const std::exception& e) {
          done(false, QString::fromUtf8(e.what()));
          return;
        }
        break;
      case LessonAction::Kind::Reset:
        hooks_.session->reset();
        break;
    }
  }
  done(true, {});
}

void ShowMe::tick() {
  if (comparing_) return tickComparison();
  if (!playing_) return;
  TrainingSession* s = hooks_.session;
  if (waiting_) {
    // Everything queued so far (a new network, a reset) applied; the data may still load.
    s->sync(2000);
    auto snap = s->snapshot();
    if (!snap || !snap->ready) return;
    waiting_ = false;
    base_ = snap->step;
    issued_ = 0;
    clock_.start();
  }
  auto snap = s->snapshot();
  if (!snap->ready) return done(false, QString::fromStdString(snap->error));
  if (snap->step < base_) return done(false, tr("Stopped: the run was reset."));
  if (snap->step > 0 && !std::isfinite(snap->lastBatchLoss))
    return done(false, QString::fromStdString(snap->message));
  const int64_t taken = snap->step - base_;
  emit progress(tr("play %1: %2 of %1 steps").arg(steps_).arg(std::min(taken, steps_)));
  if (taken >= steps_) {
    playing_ = false;
    begin();
    return;
  }
  // Paced by the clock at the step's speed (steps per second; 0: flat out, all at once).
  const double speed = setup_.speed;
  const int64_t due =
      speed > 0 ? std::min<int64_t>(steps_, int64_t(speed * clock_.elapsed() / 1000.0) + 1) : steps_;
  if (due > issued_) {
    s->step(due - issued_);
    issued_ = due;
  }
}

}  // namespace gradlab::widgets
