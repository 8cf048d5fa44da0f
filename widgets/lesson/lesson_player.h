#pragma once
// LessonPlayer: the lesson dock beside the canvas. It shows the step's title and prose, "step k
// of n", Back / Next (each loads that step's setup: network, data, settings, speed, views),
// "Show me" (performs the step's actions, visibly: lesson/show_me.h), "Reset step" (loads the
// setup again), and each check's live state — what is measured now against what it needs,
// pending until measured and until the run has trained as many steps as the step's `play`
// actions (a check such as "test.accuracy < 0.7" holds before any training, and means nothing
// then), green once all hold (remembered: lesson/lesson_progress.h). A step with variants runs
// them in the Compare view (Show me) and its checks read the comparison's runs. After a
// failed try (training stopped after the learner ran some steps, and a check failed) a hint
// shows, one more each time. The learner edits freely meanwhile: the player never locks the
// window, it only reads the snapshots the window hands it.
//
//   LessonPlayer player(hooks, progress);
//   player.open(loadLesson("lessons/04-xor"));   // loads step 1
//   window timer: player.showSnapshot(snap);      // checks, tries, hints
#include <QWidget>
#include <memory>

#include "lesson/lesson.h"
#include "lesson/lesson_hooks.h"
#include "lesson/lesson_progress.h"
#include "train/probes/probe.h"
#include "train/snapshot.h"

class QLabel;
class QTimer;
class QPushButton;
class QTextBrowser;
class QVBoxLayout;

namespace gradlab::widgets {

class ShowMe;

class LessonPlayer : public QWidget {
  Q_OBJECT
 public:
  LessonPlayer(LessonHooks hooks, LessonProgress progress, QWidget* parent = nullptr);
  ~LessonPlayer() override;

  void open(const Lesson& lesson, int step = 0);
  bool hasLesson() const { return !lesson_.steps.empty(); }
  const Lesson& lesson() const { return lesson_; }
  int stepIndex() const { return index_; }
  const LessonStep* currentStep() const;

  // The window's newest snapshot: checks, tries and hints follow it.
  void showSnapshot(std::shared_ptr<const Snapshot> snap);
  // The probes the current step's checks read (gradients for grad.*), added to the views'.
  void addProbes(ProbeRequest& request) const;
  // Metrics of a side-by-side run's variants (`metric@NAME`); null: such checks stay pending.
  void setVariantLookup(MetricLookup lookup) { variants_ = std::move(lookup); }

  // State, for tests and classroom mode.
  const std::vector<CheckResult>& checkResults() const { return results_; }
  bool stepPassed() const;
  int tries() const { return tries_; }
  QString shownHint() const;
  QTextBrowser* text() const { return text_; }
  QPushButton* showMeButton() const { return showMe_; }
  bool showingMe() const;

 public slots:
  void back();
  void next();
  void goTo(int step);
  void showMe();     // or stop a running one
  void resetStep();

 signals:
  void stepChanged(int step);
  void progressChanged(const QString& lessonId);  // a step passed
  void probesChanged();

 private:
  void updateView();
  void updateChecks();
  void markPassed();
  int64_t requiredSteps() const;  // the steps of the step's `play` actions, at least 1
  MetricLookup compareLookup() const;

  LessonHooks hooks_;
  LessonProgress progress_;
  Lesson lesson_;
  int index_ = 0;
  QSet<int> passed_;
  MetricLookup variants_;
  std::shared_ptr<const Snapshot> snap_;
  std::vector<CheckResult> results_;
  // Tries: a run the learner stopped after some steps, its checks failed.
  int tries_ = 0;
  int64_t lastStep_ = -1;        // the previous snapshot's step
  bool moved_ = false;           // steps were taken since the last judged try
  ShowMe* show_ = nullptr;
  QTimer* refresh_;  // checks of a comparison follow it (it publishes apart from the session)

  QLabel *lessonTitle_, *stepTitle_, *counter_, *checksTitle_, *hint_, *status_;
  QTextBrowser* text_;
  QVBoxLayout* checks_;
  std::vector<QLabel*> checkLabels_;
  QPushButton *back_, *next_, *showMe_, *reset_;
};

}  // namespace gradlab::widgets
