// The lesson player as a learner uses it, on the fixture lessons in tests/gui/lessons/
// (GRADLAB_LESSONS points there): "Show me" performs the step's actions on the real run — a
// `set` through the controls, `play 1000` as exactly 1000 visible steps — and the check turns
// green; Back/Next load each step's network and views; a failed try shows the hints one by
// one; File › Lessons… lists a malformed lesson with FILE:LINE; progress outlives the window;
// the first start opens the Welcome lesson once; the timeline opens a lesson.
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>
#include <set>

#include "gui_helpers.h"
#include "lesson/lesson_dock.h"
#include "lesson/lesson_player.h"
#include "lesson/lessons_dialog.h"
#include "lesson/timeline_view.h"
#include "panels/controls_panel.h"
#include "support/cli_runner.h"
#include "views/boundary_view.h"
#include "views/compare_view.h"
#include "views/gradient_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestLessonPlayer : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

  MainWindowOptions options(bool settings = false) {
    MainWindowOptions o;
    o.dataDir = tmp_.filePath("recovery");
    o.useSettings = settings;
    o.autosaveMs = 3600 * 1000;
    return o;
  }
  static bool ready(const MainWindow& w) { return w.snapshot() && w.snapshot()->ready; }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings in ~/.qttest, not the user's
    QCoreApplication::setOrganizationName("GradlabTest");
    QCoreApplication::setApplicationName("tst_lesson_player");
    QSettings().clear();
    qputenv("GRADLAB_LESSONS", test::sourcePath("tests/gui/lessons").toUtf8());
  }
  void cleanupTestCase() { QSettings().clear(); }

  void showMeRunsTheStepAndTheCheckTurnsGreen() {
    MainWindow w(options());
    w.resize(1600, 1000);
    w.show();
    QVERIFY(w.openLesson("10-xor-steps"));
    LessonPlayer* p = w.lessons()->player();
    QVERIFY(w.lessons()->dock()->isVisible());
    QCOMPARE(p->stepIndex(), 0);
    QVERIFY(w.model()->spec().find("h1"));  // xor-mlp
    QVERIFY(p->text()->toPlainText().contains("Press Show me"));
    QVERIFY(waitFor([&] { return ready(w); }));
    QVERIFY(w.view<BoundaryView>()->onScreen());
    QCOMPARE(p->checkResults().size(), size_t(1));
    QVERIFY(!p->stepPassed());

    // Show me: lr 0.05 through the controls, then 1000 steps at 2500 steps/s, not one jump.
    QTest::mouseClick(p->showMeButton(), Qt::LeftButton);
    QVERIFY(p->showingMe());
    std::set<int64_t> seen;
    QVERIFY(waitFor([&] {
      if (w.snapshot()) seen.insert(w.snapshot()->step);
      return !p->showingMe();
    }, 60000));
    QVERIFY(waitFor([&] { return w.snapshot()->step == 1000 && !w.snapshot()->running; }));
    QCOMPARE(w.controls()->learningRate()->currentText(), QString("0.05"));
    QCOMPARE(*w.snapshot()->config.lr, 0.05);
    qInfo("Show me: %zu distinct steps shown on the way to 1000", seen.size());
    QVERIFY2(seen.size() >= 8, "the run is shown on its way, not in one jump");
    QVERIFY(waitFor([&] { return p->stepPassed(); }));
    const CheckResult& r = p->checkResults().at(0);
    QVERIFY(r.passed && *r.passed);
    qInfo("check: %s", r.explain.c_str());
    QVERIFY(r.lhs >= 0.85);
    auto* counter = p->findChild<QLabel*>("lessonCounter");
    QVERIFY(counter->text().contains("passed"));
    screenshot(&w, "30-lesson-player");
  }

  void backAndNextLoadEachStepsSetup() {
    MainWindow w(options());
    w.show();
    QVERIFY(w.openLesson("10-xor-steps"));
    LessonPlayer* p = w.lessons()->player();
    QVERIFY(waitFor([&] { return ready(w); }));
    p->next();
    QCOMPARE(p->stepIndex(), 1);
    QVERIFY(!w.model()->spec().find("h1"));  // xor-linear: one Dense, no hidden layer
    QVERIFY(waitFor([&] { return w.view<GradientView>()->onScreen(); }));
    QVERIFY(p->text()->toPlainText().contains("single neuron"));
    p->back();
    QCOMPARE(p->stepIndex(), 0);
    QVERIFY(w.model()->spec().find("h1"));
    QVERIFY(waitFor([&] { return w.view<BoundaryView>()->onScreen(); }));
    // The learner edits freely: nothing in the window is locked by the player.
    QVERIFY(w.palette()->isEnabled() && w.canvas()->isEnabled() && w.playAction()->isEnabled());
  }

  void failedTriesShowTheHintsOneByOne() {
    MainWindow w(options());
    w.show();
    QVERIFY(w.openLesson("10-xor-steps"));
    LessonPlayer* p = w.lessons()->player();
    p->goTo(1);  // test.accuracy >= 0.95 with one neuron: every try fails
    QVERIFY(waitFor([&] { return ready(w); }));
    QVERIFY(p->shownHint().isEmpty());
    auto tryOnce = [&](int64_t upTo) {
      w.session()->step(upTo - w.snapshot()->step);
      return waitFor([&] { return w.snapshot()->step == upTo && p->tries() > 0 &&
                                  p->checkResults().at(0).passed.has_value(); });
    };
    QVERIFY(tryOnce(200));
    QCOMPARE(p->tries(), 1);
    QVERIFY(p->shownHint().contains("two opposite quadrants"));
    QVERIFY(!p->shownHint().contains("Go back"));
    QVERIFY(tryOnce(400));
    QVERIFY(waitFor([&] { return p->tries() == 2; }));
    QVERIFY(p->shownHint().contains("Go back"));
    QVERIFY(!p->stepPassed());
  }

  // A step's network file fitted to its data (xor-mlp on a 1-D regression), when the step is
  // entered and again when it is reset with the data already loaded (it was not: the trainer
  // could not be built and Show me waited for ever).
  void aStepsNetworkIsFittedToItsData() {
    MainWindow w(options());
    w.show();
    QVERIFY(w.openLesson("30-fitted"));
    LessonPlayer* p = w.lessons()->player();
    QVERIFY(waitFor([&] { return ready(w); }));
    p->resetStep();
    QVERIFY(waitFor([&] { return ready(w) && w.snapshot()->step == 0; }));
    QCOMPARE(w.model()->spec().loss.type, std::string("mse"));
    p->showMe();
    QVERIFY(waitFor([&] { return !p->showingMe(); }, 60000));
    QCOMPARE(w.snapshot()->step, int64_t(300));
    QVERIFY(waitFor([&] { return p->stepPassed(); }));
  }

  void lessonsDialogListsABrokenLessonWithItsLine() {
    MainWindow w(options());
    w.show();
    LessonsDialog* d = w.lessons()->showLessons();
    QVERIFY(d && d->isVisible());
    QTreeWidgetItem* broken = d->itemFor("99-broken");
    QVERIFY(broken);
    QCOMPARE(broken->parent()->text(0), QString("Could not be read"));
    const QString error = broken->toolTip(0);
    qInfo("listed with: %s", qPrintable(error));
    QVERIFY2(error.contains("99-broken/lesson.md:7:"), qPrintable(error));
    d->list()->setCurrentItem(broken);
    QVERIFY(d->detail()->text().contains("lesson.md:7:"));
    QTreeWidgetItem* good = d->itemFor("10-xor-steps");
    QVERIFY(good);
    QCOMPARE(good->parent()->text(0), QString("Fixtures"));
    QCOMPARE(good->text(1), QString("4"));
    QCOMPARE(good->text(2), QString("0 / 2 steps"));
    screenshot(d, "31-lessons-dialog");
    // Double-click opens it in the player.
    emit d->list()->itemDoubleClicked(good, 0);
    QCOMPARE(QString::fromStdString(w.lessons()->player()->lesson().id), QString("10-xor-steps"));
    QVERIFY(waitFor([&] { return !w.lessons()->dialog(); }));
  }

  void progressIsRememberedAcrossWindows() {
    QSettings().clear();
    LessonProgress(true).markStarted();  // not a first start: no Welcome lesson here
    {
      MainWindow w(options(/*settings=*/true));
      w.show();
      QVERIFY(w.openLesson("10-xor-steps"));
      QVERIFY(w.lessons()->player()->hasLesson());
      QCOMPARE(QString::fromStdString(w.lessons()->player()->lesson().id), QString("10-xor-steps"));
      QVERIFY(waitFor([&] { return ready(w); }));
      w.lessons()->player()->showMe();
      QVERIFY(waitFor([&] { return w.lessons()->player()->stepPassed(); }, 60000));
    }
    MainWindow w2(options(/*settings=*/true));
    w2.show();
    QVERIFY(!w2.lessons()->player()->hasLesson());
    LessonsDialog* d = w2.lessons()->showLessons();
    QCOMPARE(d->itemFor("10-xor-steps")->text(2), QString("1 / 2 steps"));
    d->close();
    QVERIFY(w2.openLesson("10-xor-steps"));
    QVERIFY(w2.lessons()->player()->stepPassed());
  }

  void firstStartOpensTheWelcomeLessonOnce() {
    QSettings().clear();
    {
      MainWindow w(options(/*settings=*/true));
      w.show();
      QVERIFY(w.lessons()->player()->hasLesson());
      QCOMPARE(QString::fromStdString(w.lessons()->player()->lesson().id), QString("00-welcome"));
      QVERIFY(w.lessons()->dock()->isVisible());
    }
    MainWindow again(options(/*settings=*/true));
    again.show();
    QVERIFY(!again.lessons()->player()->hasLesson());
    QVERIFY(!again.lessons()->dock()->isVisible());
    // Without settings (every other GUI test) there is no first start at all.
    QSettings().clear();
    MainWindow plain(options(/*settings=*/false));
    QVERIFY(!plain.lessons()->player()->hasLesson());
  }

  void timelineOpensTheLessonOfAnEntry() {
    MainWindow w(options());
    w.show();
    LessonsDialog* d = w.lessons()->showLessons(LessonsDialog::History);
    d->resize(760, 900);
    QTest::qWait(50);
    TimelineView* t = d->timeline();
    QCOMPARE(t->entries(), 8);
    QVERIFY(d->timelineError()->isHidden());
    // Cards never overlap, in year order down the axis (two entries share 1986).
    for (int i = 1; i < t->entries(); ++i)
      QVERIFY(t->cardRect(i).top() >= t->cardRect(i - 1).bottom());
    screenshot(d, "32-lessons-timeline");
    QTest::mouseClick(t, Qt::LeftButton, Qt::NoModifier, t->cardRect(2).center());  // 1969
    QCOMPARE(QString::fromStdString(w.lessons()->player()->lesson().id), QString("10-xor-steps"));
  }

  // A step with variants: Show me runs them side by side in the Compare view, and the checks
  // read each variant's metrics from it (test.accuracy@linear, @hidden).
  void variantsRunSideBySideInTheCompareView() {
    MainWindow w(options());
    w.resize(1600, 1000);
    w.show();
    QVERIFY(w.openLesson("20-side-by-side"));
    LessonPlayer* p = w.lessons()->player();
    QVERIFY(waitFor([&] { return ready(w); }));
    auto* compare = w.view<CompareView>();
    QVERIFY(compare);
    QVERIFY(waitFor([&] { return compare->onScreen(); }));
    QCOMPARE(p->checkResults().size(), size_t(2));
    QVERIFY(!p->checkResults()[0].passed && !p->checkResults()[1].passed);  // pending: no run yet
    p->showMe();
    QVERIFY(waitFor([&] { return !p->showingMe(); }, 60000));
    auto c = compare->comparison();
    QVERIFY(c && c->finished && c->error.empty());
    QCOMPARE(c->runs.size(), size_t(2));
    QCOMPARE(QString::fromStdString(c->runs[0].name), QString("linear"));
    QCOMPARE(c->step, int64_t(1000));
    QVERIFY(waitFor([&] { return p->stepPassed(); }));
    for (const CheckResult& r : p->checkResults()) qInfo("check: %s", r.explain.c_str());
    QVERIFY(p->checkResults()[1].lhs >= 0.85);
    screenshot(&w, "36-lesson-compare");
  }

  // The bundled lessons (lessons/) in the dialog and the player, for the screenshots a reader
  // of the issue looks at; that they all pass is the `lessons` label's test.
  void bundledLessonsTimelineAndPlayer() {
    qputenv("GRADLAB_LESSONS", test::sourcePath("lessons").toUtf8());
    MainWindow w(options());
    w.resize(1600, 1000);
    w.show();
    LessonsDialog* d = w.lessons()->showLessons();
    QVERIFY(d->itemFor("04-xor"));
    screenshot(d, "33-lessons-bundled");
    d->showTab(LessonsDialog::History);
    d->resize(760, 1000);
    QVERIFY(d->timelineError()->isHidden());
    QVERIFY(d->timeline()->entries() >= 10);
    screenshot(d, "34-timeline-bundled");
    d->close();
    QVERIFY(w.openLesson("04-xor"));
    QVERIFY(waitFor([&] { return ready(w); }));
    screenshot(&w, "35-lesson-04-xor");
    qputenv("GRADLAB_LESSONS", test::sourcePath("tests/gui/lessons").toUtf8());
  }
};

QTEST_MAIN(TestLessonPlayer)
#include "tst_lesson_player.moc"
