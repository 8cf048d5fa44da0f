// The adversarial view in the window (curriculum topic 22): the Fashion-MNIST CNN trained for a
// few hundred steps, a test image whose class an FGSM change of at most ε = 0.1 per pixel flips
// (original, perturbation and adversarial image with the predictions), the accuracy-vs-ε curve
// computed in the background for FGSM and PGD, a cancelled curve, and the user's own picture
// (a PNG the test writes); lesson 22's attack checks passing in the lesson player. Screenshots:
// adversarial-flip, adversarial-curve, adversarial-own-image, adversarial-lesson-22.
#include <QDockWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "gui_helpers.h"
#include "lesson/lesson_dock.h"
#include "lesson/lesson_player.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/adversarial_view.h"
#include "views/image_drop.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestAdversarialView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;
  std::unique_ptr<MainWindow> w_;
  AdversarialView* view_ = nullptr;

  // The probe's result for these settings, once the window shows it.
  const AdversarialProbe* shownFor(int sample, double eps, AttackMethod method) {
    const AdversarialProbe* r = nullptr;
    waitFor([&] {
      r = view_->shown();
      return r && r->why.empty() && !r->ownImage && r->sample == sample &&
             std::abs(r->eps - eps) < 1e-9 && r->method == method;
    }, 30000);
    return r && r->sample == sample && std::abs(r->eps - eps) < 1e-9 ? r : nullptr;
  }

 private slots:
  void initTestCase() {
    w_ = std::make_unique<MainWindow>(testOptions(tmp_.filePath("recovery")));
    w_->resize(1600, 1000);
    w_->show();
    QVERIFY(waitFor([&] { return w_->snapshot() && w_->snapshot()->ready; }));
    QVERIFY(w_->importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 1000;
    w_->datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w_->snapshot();
      return s && s->ready && s->data && s->data->train.yShape.empty() &&
             s->data->train.xShape == (Shape{1, 28, 28});
    }, 60000));
    view_ = w_->view<AdversarialView>();
    QVERIFY(view_);
    QDockWidget* dock = w_->views()->dockOf(view_);
    dock->show();
    dock->raise();
    // Floating at a size that shows it well (docked, it shares the window's right side).
    dock->setFloating(true);
    dock->resize(960, 660);
    QVERIFY(waitFor([&] { return view_->onScreen(); }));
    w_->session()->step(300);
    QVERIFY(waitFor([&] {
      auto s = w_->snapshot();
      return s->step == 300 && !s->running;
    }, 120000));
  }

  void aSampleFlips() {
    view_->setMethod(AttackMethod::Fgsm);
    view_->setEps(0.1);
    QCOMPARE(view_->eps(), 0.1);
    int found = -1;
    for (int i = 0; i < 40 && found < 0; ++i) {
      view_->setSample(i);
      const AdversarialProbe* r = shownFor(i, 0.1, AttackMethod::Fgsm);
      QVERIFY2(r, qPrintable(QString("no result for sample %1").arg(i)));
      QVERIFY(r->change <= 0.1 + 1e-6);
      if (r->before == r->truth && r->flipped() &&
          r->probabilitiesBefore[size_t(r->before)] > 0.8)
        found = i;
    }
    QVERIFY2(found >= 0, "no confidently right test image among the first 40 flips at eps 0.1");
    const AdversarialProbe* r = view_->shown();
    const auto& names = w_->snapshot()->data->test.classNames;
    qInfo("test sample %d: %s %.2f -> %s %.2f, largest change %.3f", found,
          names[size_t(r->before)].c_str(), r->probabilitiesBefore[size_t(r->before)],
          names[size_t(r->after)].c_str(), r->probabilitiesAfter[size_t(r->after)], r->change);
    // The adversarial image is the original within ε, and what the network now says differs.
    QCOMPARE(r->original.size(), size_t(784));
    for (size_t j = 0; j < r->original.size(); ++j)
      QVERIFY(std::abs(r->adversarial[j] - r->original[j]) <= 0.1f + 1e-6f);
    screenshot(view_, "adversarial-flip");
  }

  void accuracyCurve() {
    view_->setMethod(AttackMethod::Fgsm);
    QSignalSpy done(view_, &AdversarialView::curveFinished);
    QVERIFY(view_->computeCurve(100));
    QVERIFY(view_->curveRunning());
    QVERIFY(waitFor([&] { return done.count() == 1; }, 120000));
    const std::vector<EpsAccuracy> fgsm = view_->curve(AttackMethod::Fgsm);
    QCOMPARE(fgsm.size(), AdversarialView::curveEps().size());
    QCOMPARE(fgsm.front().eps, 0.0);
    QCOMPARE(fgsm.front().samples, int64_t(100));
    // ε = 0: the clean accuracy, as the trainer measures it on the same weights.
    QVERIFY(fgsm.front().accuracy > 0.6);
    QVERIFY(fgsm.back().accuracy < fgsm.front().accuracy / 3);
    view_->setMethod(AttackMethod::Pgd);
    QVERIFY(view_->computeCurve(100));
    QVERIFY(waitFor([&] { return done.count() == 2; }, 240000));
    const std::vector<EpsAccuracy> pgd = view_->curve(AttackMethod::Pgd);
    QCOMPARE(pgd.size(), fgsm.size());
    QString line;
    for (size_t i = 0; i < pgd.size(); ++i) {
      line += QString(" %1: %2/%3").arg(pgd[i].eps).arg(fgsm[i].accuracy).arg(pgd[i].accuracy);
      QCOMPARE(pgd[i].accuracy <= fgsm[i].accuracy + 0.02, true);  // PGD is at least as strong
    }
    qInfo("accuracy under attack, eps: FGSM/PGD on 100 test images:%s", qPrintable(line));
    view_->setEps(0.05);
    QVERIFY(shownFor(view_->sample(), 0.05, AttackMethod::Pgd));
    screenshot(view_, "adversarial-curve");
  }

  void cancelledCurve() {
    QSignalSpy done(view_, &AdversarialView::curveFinished);
    QVERIFY(view_->computeCurve(0));
    QTest::qWait(50);
    view_->cancelCurve();
    QVERIFY(!view_->curveRunning());
    QTest::qWait(200);
    QCOMPARE(done.count(), 0);
    QCOMPARE(view_->curve(AttackMethod::Pgd).front().samples, int64_t(100));  // the old one kept
  }

  void ownImage() {
    // The user's picture: a PNG the test writes (test image 5 as 8-bit grey), dropped on the
    // view's file chooser; decoded, it is attacked instead of a test sample.
    const Dataset& test = w_->snapshot()->data->test;
    QImage png(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y) {
      uchar* line = png.scanLine(y);
      for (int x = 0; x < 28; ++x)
        line[x] = uchar(std::lround(test.x[size_t(5 * 784 + y * 28 + x)] * 255));
    }
    const QString path = tmp_.filePath("my-picture.png");
    QVERIFY(png.save(path));
    view_->setMethod(AttackMethod::Fgsm);
    ImageDrop* drop = view_->imageDrop();
    drop->load(path);
    QVERIFY(waitFor([&] { return view_->shown() && view_->shown()->ownImage; }, 30000));
    const AdversarialProbe* r = view_->shown();
    QCOMPARE(r->truth, -1);
    QCOMPARE(r->original.size(), size_t(784));
    for (size_t j = 0; j < 784; ++j)
      QVERIFY(std::abs(r->original[j] - test.x[5 * 784 + j]) <= 0.5f / 255 + 1e-6f);
    // Attacked against the class the network gives it: that class loses probability.
    QVERIFY(r->probabilitiesAfter[size_t(r->before)] < r->probabilitiesBefore[size_t(r->before)]);
    screenshot(view_, "adversarial-own-image");
    // A file that is no image: a message, no crash, the samples stay.
    const QString bad = test::writeFile(tmp_.filePath("not-an-image.png"), "hello");
    drop->load(bad);
    QVERIFY(waitFor([&] { return !drop->error().isEmpty(); }, 30000));
    drop->clear();
    QVERIFY(waitFor([&] { return view_->shown() && !view_->shown()->ownImage; }, 30000));
  }

  void lessonChecksInThePlayer() {
    // Lesson 22 in the window: Show me trains, the player asks for the step's attack (the
    // AttackProbe) and its attack.* checks turn green, as `gradlab-cli lesson check` measures.
    QVERIFY(w_->openLesson("22-adversarial-examples"));
    LessonPlayer* p = w_->lessons()->player();
    QCOMPARE(p->stepIndex(), 0);
    // The lesson's data (500 images) loaded before Show me (the window had 1000).
    QVERIFY(waitFor([&] {
      auto s = w_->snapshot();
      return s && s->ready && s->data && s->data->train.size() == 500;
    }, 60000));
    p->showMe();
    const bool passed = waitFor([&] { return p->stepPassed(); }, 60000);
    for (const CheckResult& r : p->checkResults())
      qInfo("check: %s (%s)", r.explain.c_str(), !r.passed ? "pending" : *r.passed ? "pass" : "fail");
    qInfo("step %lld, running %d, attack probe %s", (long long)w_->snapshot()->step,
          int(w_->snapshot()->running), w_->snapshot()->probe<AttackProbe>() ? "measured" : "none");
    QVERIFY(passed);
    QCOMPARE(p->checkResults().size(), size_t(2));
    for (const CheckResult& r : p->checkResults()) QVERIFY(r.passed && *r.passed);
    screenshot(w_.get(), "adversarial-lesson-22");
  }

  void cleanupTestCase() { w_.reset(); }
};

QTEST_MAIN(TestAdversarialView)
#include "tst_adversarial_view.moc"
