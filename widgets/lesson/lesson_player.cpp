#include "lesson/lesson_player.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "lesson/live_checks.h"
#include "lesson/show_me.h"
#include "train/probes/adversarial.h"
#include "train/probes/code.h"
#include "train/probes/explain_metrics.h"
#include "train/probes/gradients.h"
#include "train/probes/inside.h"

namespace gradlab::widgets {

namespace {
QString html(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }
}  // namespace

LessonPlayer::LessonPlayer(LessonHooks hooks, LessonProgress progress, QWidget* parent)
    : QWidget(parent), hooks_(hooks), progress_(progress), show_(new ShowMe(hooks, this)) {
  setObjectName("lessonPlayer");
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(8, 6, 8, 8);
  v->setSpacing(6);
  lessonTitle_ = new QLabel(this);
  lessonTitle_->setStyleSheet("color: #546e7a;");
  lessonTitle_->setWordWrap(true);
  stepTitle_ = new QLabel(this);
  stepTitle_->setWordWrap(true);
  QFont f = stepTitle_->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.3);
  stepTitle_->setFont(f);
  counter_ = new QLabel(this);
  counter_->setObjectName("lessonCounter");
  text_ = new QTextBrowser(this);
  text_->setObjectName("lessonText");
  text_->setOpenExternalLinks(true);
  text_->setFrameShape(QFrame::NoFrame);
  text_->setStyleSheet("QTextBrowser { background: transparent; }");

  auto* checksBox = new QFrame(this);
  checksBox->setObjectName("lessonChecks");
  checksBox->setStyleSheet("#lessonChecks { background: #f5f7f8; border: 1px solid #dfe4e7; "
                           "border-radius: 4px; }");
  checks_ = new QVBoxLayout(checksBox);
  checks_->setContentsMargins(8, 6, 8, 6);
  checks_->setSpacing(4);
  checksTitle_ = new QLabel(checksBox);
  checksTitle_->setStyleSheet("font-weight: bold;");
  checks_->addWidget(checksTitle_);
  hint_ = new QLabel(this);
  hint_->setObjectName("lessonHint");
  hint_->setWordWrap(true);
  hint_->setTextFormat(Qt::RichText);
  hint_->setStyleSheet("#lessonHint { background: #fff8e1; border: 1px solid #ffe082; "
                       "border-radius: 4px; padding: 6px; color: #5d4300; }");
  hint_->hide();
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setStyleSheet("color: #546e7a;");

  back_ = new QPushButton(tr("◀ Back"), this);
  next_ = new QPushButton(tr("Next ▶"), this);
  showMe_ = new QPushButton(tr("Show me"), this);
  showMe_->setObjectName("showMe");
  showMe_->setToolTip(tr("Load this step again and perform its actions in the window"));
  reset_ = new QPushButton(tr("Reset step"), this);
  reset_->setToolTip(tr("Load this step's network, data, settings and views again, with fresh "
                        "weights"));
  auto* row1 = new QHBoxLayout;
  row1->addWidget(showMe_, 1);
  row1->addWidget(reset_, 1);
  auto* row2 = new QHBoxLayout;
  row2->addWidget(back_);
  row2->addStretch(1);
  row2->addWidget(next_);

  v->addWidget(lessonTitle_);
  v->addWidget(stepTitle_);
  v->addWidget(counter_);
  v->addWidget(text_, 1);
  v->addWidget(checksBox);
  v->addWidget(hint_);
  v->addWidget(status_);
  v->addLayout(row1);
  v->addLayout(row2);

  connect(back_, &QPushButton::clicked, this, &LessonPlayer::back);
  connect(next_, &QPushButton::clicked, this, &LessonPlayer::next);
  connect(showMe_, &QPushButton::clicked, this, &LessonPlayer::showMe);
  connect(reset_, &QPushButton::clicked, this, &LessonPlayer::resetStep);
  refresh_ = new QTimer(this);
  refresh_->setInterval(250);
  connect(refresh_, &QTimer::timeout, this, [this] {
    updateChecks();
    if (allPassed(results_)) markPassed();
  });
  if (hooks_.variants.available()) variants_ = compareLookup();
  connect(show_, &ShowMe::progress, status_, &QLabel::setText);
  connect(show_, &ShowMe::finished, this, [this](bool completed, const QString& error) {
    const bool variants = currentStep() && !currentStep()->variants.empty();
    status_->setText(!completed ? error
                     : variants ? tr("Done: the variants ran side by side in the Compare view.")
                                : tr("Done. Now try it yourself: change something and press Play."));
    moved_ = false;  // the demonstration is not the learner's try
    updateView();
  });
  updateView();
}

LessonPlayer::~LessonPlayer() = default;

const LessonStep* LessonPlayer::currentStep() const {
  return index_ >= 0 && index_ < int(lesson_.steps.size()) ? &lesson_.steps[size_t(index_)] : nullptr;
}

bool LessonPlayer::showingMe() const { return show_->running(); }

bool LessonPlayer::stepPassed() const { return passed_.contains(index_); }

void LessonPlayer::open(const Lesson& lesson, int step) {
  show_->stop();
  lesson_ = lesson;
  passed_ = progress_.passed(QString::fromStdString(lesson_.id));
  text_->setSearchPaths({QFileInfo(QString::fromStdString(lesson_.path)).absolutePath()});
  goTo(step);
}

MetricLookup LessonPlayer::compareLookup() const {
  return [this](const std::string& metric, const std::string& variant) -> std::optional<double> {
    const VariantRuns::Progress c = hooks_.variants.progress();
    // Judged once the comparison has run the step's steps (or finished early: all stopped).
    if (!c.started || !(c.finished || c.step >= requiredSteps())) return std::nullopt;
    return hooks_.variants.metric(variant, metric);
  };
}

int64_t LessonPlayer::requiredSteps() const {
  int64_t steps = 0;
  if (const LessonStep* s = currentStep())
    for (const LessonAction& a : s->actions)
      if (a.kind == LessonAction::Kind::Play) steps += a.steps;
  return std::max<int64_t>(steps, 1);
}

void LessonPlayer::back() { goTo(index_ - 1); }
void LessonPlayer::next() { goTo(index_ + 1); }

void LessonPlayer::goTo(int step) {
  if (lesson_.steps.empty() || step < 0 || step >= int(lesson_.steps.size())) return;
  show_->stop();
  index_ = step;
  tries_ = 0;
  moved_ = false;
  lastStep_ = -1;
  results_.clear();
  status_->clear();
  hint_->hide();
  hooks_.load(currentStep()->setup);
  if (currentStep()->checks.empty()) markPassed();  // prose only: read is done
  updateView();
  emit stepChanged(index_);
  emit probesChanged();
}

void LessonPlayer::resetStep() {
  if (!currentStep()) return;
  show_->stop();
  moved_ = false;
  status_->clear();
  hooks_.load(currentStep()->setup);
}

void LessonPlayer::showMe() {
  if (!currentStep()) return;
  if (show_->running()) {
    show_->stop();
    return;
  }
  moved_ = false;
  show_->start(*currentStep(), lesson_.path);
  updateView();
}

void LessonPlayer::addProbes(ProbeRequest& request) const {
  const LessonStep* s = currentStep();
  if (!s) return;
  for (const LessonCheck& c : s->checks) {
    if (c.text.find("grad.") != std::string::npos && !request.asks().count(GradientProbe::kName))
      request.ask<GradientProbe>();
    // forget.mean: the first LSTM block on test sample 0, as `gradlab-cli lesson check` measures.
    if (c.text.find("forget.") != std::string::npos && !request.asks().count(InsideProbe::kName))
      for (const BlockSpec& b : s->setup.network.blocks)
        if (b.type == "LSTM") {
          request.ask<InsideProbe>({{"block", b.id}, {"sample", 0}});
          break;
        }
    // attack.*: the step's attack on its first test samples, as `gradlab-cli lesson check`.
    if (c.text.find("attack.") != std::string::npos && !s->setup.attack.is_null())
      request.ask<AttackProbe>(s->setup.attack);
    if (c.text.find("saliency.") != std::string::npos) request.ask<SaliencyFlipProbe>();
    if (c.text.find("visualize.") != std::string::npos) request.ask<ClassImagesProbe>();
    // pca.cos2: the code probe with the Code view's options (the narrowest block).
    if (c.text.find("pca.") != std::string::npos && !request.asks().count(CodeProbe::kName))
      request.ask<CodeProbe>({{"block", ""}, {"count", 1000}});
  }
}

QString LessonPlayer::shownHint() const { return hint_->isVisible() ? hint_->text() : QString(); }

void LessonPlayer::showSnapshot(std::shared_ptr<const Snapshot> snap) {
  if (!snap || !currentStep()) return;
  snap_ = std::move(snap);
  const Snapshot& s = *snap_;
  if (s.step < lastStep_) moved_ = false;          // reset: a new try begins
  else if (lastStep_ >= 0 && s.step > lastStep_ && !show_->running()) moved_ = true;
  lastStep_ = s.step;
  updateChecks();
  if (allPassed(results_)) markPassed();
  // A try ends when the learner's run stops and the final evaluation (on every sample) is in.
  const bool settled = !s.running && !s.metrics.empty() && s.metrics.back().step == s.step &&
                       !s.metrics.back().sampled;
  if (moved_ && settled && !show_->running()) {
    moved_ = false;
    if (anyFailed(results_)) {
      ++tries_;
      const auto& hints = currentStep()->hints;
      if (!hints.empty()) {
        QStringList shown;
        for (int i = 0; i < std::min<int>(tries_, int(hints.size())); ++i)
          shown << "💡 " + html(hints[size_t(i)]);
        hint_->setText(shown.join("<br>"));
        hint_->show();
      }
    }
  }
}

void LessonPlayer::markPassed() {
  if (passed_.contains(index_)) return;
  passed_.insert(index_);
  progress_.markPassed(QString::fromStdString(lesson_.id), index_);
  updateView();
  emit progressChanged(QString::fromStdString(lesson_.id));
}

void LessonPlayer::updateChecks() {
  const LessonStep* step = currentStep();
  if (!step) return;
  if (snap_) {
    MetricLookup lookup = liveLookup(*snap_, variants_);
    if (!step->variants.empty())  // a check without @NAME reads the first variant
      lookup = [this, first = step->variants.front().name](const std::string& m, const std::string& v) {
        return variants_ ? variants_(m, v.empty() ? first : v) : std::nullopt;
      };
    results_ = evaluateChecks(*step, lookup);
    // The learner's own run counts once it trained as long as the demonstration does.
    const int64_t need = requiredSteps();
    if (step->variants.empty() && snap_->step < need)
      for (CheckResult& r : results_)
        if (r.passed) {
          r.passed.reset();
          r.explain += tr(" — judged after %L1 steps (now %L2)").arg(need).arg(snap_->step).toStdString();
        }
  }
  while (checkLabels_.size() < step->checks.size()) {
    auto* l = new QLabel(this);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    checks_->addWidget(l);
    checkLabels_.push_back(l);
  }
  for (size_t i = 0; i < checkLabels_.size(); ++i) {
    QLabel* l = checkLabels_[i];
    l->setVisible(i < step->checks.size());
    if (i >= step->checks.size()) continue;
    const CheckResult* r = i < results_.size() ? &results_[i] : nullptr;
    QString mark = "○", colour = "#78909c", now = tr("not measured yet");
    if (r && r->passed) {
      mark = *r->passed ? "✓" : "✗";
      colour = *r->passed ? "#2e7d32" : "#c62828";
      now = html(r->explain);
    } else if (r && !r->explain.empty()) {
      now = html(r->explain);  // measured, not judged yet (or why it cannot be measured)
    }
    l->setText(QString("<span style='color:%1; font-weight:bold'>%2</span> <b>%3</b><br>"
                       "<span style='color:%1'>%4</span>")
                   .arg(colour, mark, html(step->checks[i].text), tr("now: %1").arg(now)));
  }
  const bool passed = passed_.contains(index_);
  checksTitle_->setText(passed ? tr("✓ Step passed") : tr("To pass this step"));
  // Only when it changes: this runs at every frame, and setStyleSheet parses the sheet and
  // re-polishes the label each time, even for the same sheet.
  const QString style = passed ? "font-weight: bold; color: #2e7d32;" : "font-weight: bold;";
  if (checksTitle_->styleSheet() != style) checksTitle_->setStyleSheet(style);
}

void LessonPlayer::updateView() {
  const LessonStep* step = currentStep();
  lessonTitle_->setText(step ? QString::fromStdString(lesson_.title) : tr("No lesson open"));
  stepTitle_->setText(step ? QString::fromStdString(step->title) : QString());
  const int n = int(lesson_.steps.size());
  counter_->setText(step ? tr("Step %1 of %2%3").arg(index_ + 1).arg(n).arg(
                               passed_.contains(index_) ? tr(" · passed ✓") : QString())
                         : tr("File › Lessons… lists the lessons."));
  if (step) {
    std::string md = index_ == 0 && !lesson_.markdown.empty() ? lesson_.markdown + "\n\n" : "";
    md += step->markdown;
    if (text_->property("shownMarkdown").toString() != QString::fromStdString(md)) {
      text_->setMarkdown(QString::fromStdString(md));
      text_->setProperty("shownMarkdown", QString::fromStdString(md));
    }
  } else {
    text_->clear();
  }
  back_->setEnabled(step && index_ > 0);
  next_->setEnabled(step && index_ + 1 < n);
  showMe_->setEnabled(step && !step->actions.empty());
  showMe_->setText(show_->running() ? tr("Stop") : tr("Show me"));
  reset_->setEnabled(step != nullptr);
  const bool checks = step && !step->checks.empty();
  checksTitle_->parentWidget()->setVisible(checks);
  if (step && !step->variants.empty() && !variants_)
    status_->setText(tr("This step runs %n variant(s) side by side; their checks wait for the "
                        "Compare view.", nullptr, int(step->variants.size())));
  if (step && !step->variants.empty() && variants_) refresh_->start();
  else refresh_->stop();
  updateChecks();
}

}  // namespace gradlab::widgets
