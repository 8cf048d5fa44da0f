// Saliency and your own image in the window (issue 11, topics 21 and 15): the Fashion-MNIST CNN
// trains a little; the Saliency view shows the chosen test image, |∂ score / ∂x| and the overlay
// with the class probabilities, for the predicted class or a chosen one, with SmoothGrad; a PNG
// the test writes, dropped on the view (a QDropEvent with its file URL, as a file manager sends),
// is explained instead — inverted by itself, since it is dark on white — and on the Inside view
// its feature maps show; a text file and a 50 000 × 50 000 header dropped get a message.
#include <QDockWidget>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gui_helpers.h"
#include "panels/dataset_panel.h"
#include "support/cli_runner.h"
#include "views/image_drop.h"
#include "views/inside_view.h"
#include "views/picture_grid.h"
#include "views/saliency_view.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
// What the view's note line says now.
QString noteOf(QWidget* view) {
  for (QLabel* l : view->findChildren<QLabel*>())
    if (l->wordWrap() && !l->text().isEmpty()) return l->text();
  return {};
}

// Drops a file on `target` the way a file manager does: drag enter, move, drop with its URL.
void dropFile(QWidget* target, const QString& file) {
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(file)});
  const QPoint pos = target->rect().center();
  QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &enter);
  QVERIFY(enter.isAccepted());
  QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(target, &drop);
  QVERIFY(drop.isAccepted());
}
}  // namespace

class TestSaliencyView : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void saliencyAndOwnImage() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QVERIFY(w.importNetworkFrom(test::sourcePath("examples/fashion-cnn.net.json")));
    DataSource fashion;
    fashion.builtin = "fashion-mnist";
    fashion.points = 600;
    w.datasetPanel()->load(fashion);
    QVERIFY(waitFor([&] {
      auto s = w.snapshot();
      return s && s->ready && s->data && s->data->train.xShape == (Shape{1, 28, 28});
    }, 60000));
    auto* dock = w.findChild<QDockWidget*>("saliencyDock");
    QVERIFY(dock);
    dock->show();
    dock->raise();
    auto* view = w.view<SaliencyView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    view->setSample(1);
    w.session()->step(150);
    auto shown = [&]() { return view->canvas()->result(); };
    QVERIFY(waitFor([&] {
      auto r = shown();
      return w.snapshot()->step == 150 && r && r->sample == 1 && !r->ownImage && r->why.empty();
    }, 120000));
    const SaliencyProbe* r = shown();
    QCOMPARE(r->gradient.size(), size_t(784));
    QCOMPARE(r->probabilities.size(), size_t(10));
    QCOMPARE(r->cls, r->predicted);
    QVERIFY(view->canvas()->heatMax() > 0);
    // Where the gradient lies: on the garment more than on the empty background.
    double onObject = 0, offObject = 0;
    int nOn = 0, nOff = 0;
    for (size_t i = 0; i < 784; ++i)
      (r->input[i] > 0.05f ? (onObject += std::abs(r->gradient[i]), ++nOn)
                           : (offObject += std::abs(r->gradient[i]), ++nOff));
    qInfo("test sample 1 (class %d, predicted %d at %.2f): mean |dscore/dx| %.4g on the garment "
          "(%d px), %.4g around it (%d px)", r->truth, r->predicted,
          double(r->probabilities[size_t(r->predicted)]), onObject / nOn, nOn, offObject / std::max(1, nOff), nOff);
    QVERIFY(onObject / nOn > offObject / std::max(1, nOff));
    QVERIFY2(noteOf(view).contains("predicted"), qPrintable(noteOf(view)));
    screenshot(&w, "30-saliency-window");
    dock->setFloating(true);
    dock->resize(1150, 560);
    QTest::qWait(100);
    screenshot(dock, "30-saliency-fashion");

    // Another class, and SmoothGrad.
    view->setClass(3);
    view->setSmooth(16);
    QVERIFY(waitFor([&] { auto q = shown(); return q && q->cls == 3 && q->smooth == 16; }, 30000));
    QVERIFY(!shown()->predictedClass);
    QVERIFY(noteOf(view).contains("SmoothGrad"));
    screenshot(dock, "31-saliency-smoothgrad");
    view->setClass(-1);
    view->setSmooth(0);

    // Your own image: a dark trouser-like shape on white, 200 × 260 pixels, dropped on the view.
    cv::Mat img(260, 200, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::rectangle(img, cv::Point(60, 20), cv::Point(140, 60), cv::Scalar(60, 40, 30), cv::FILLED);
    cv::rectangle(img, cv::Point(60, 60), cv::Point(95, 245), cv::Scalar(60, 40, 30), cv::FILLED);
    cv::rectangle(img, cv::Point(105, 60), cv::Point(140, 245), cv::Scalar(60, 40, 30), cv::FILLED);
    const QString png = tmp_.filePath("my-trousers.png");
    QVERIFY(cv::imwrite(png.toStdString(), img));
    dropFile(view, png);
    QVERIFY(waitFor([&] { auto q = shown(); return q && q->ownImage && q->why.empty(); }, 30000));
    QVERIFY(view->imageDrop()->active());
    QVERIFY2(view->imageDrop()->image()->inverted, "dark on white: inverted by itself");
    QCOMPARE(shown()->truth, -1);
    QCOMPARE(shown()->input, view->imageDrop()->values());
    QVERIFY(shown()->input[0] < 0.01f);  // the white border is black now, as in Fashion-MNIST
    QVERIFY(view->imageDrop()->invertAction()->isChecked());
    QVERIFY2(noteOf(view).contains("your image my-trousers.png (200×260, inverted)"), qPrintable(noteOf(view)));
    screenshot(dock, "32-saliency-own-image");

    // The same file on the Inside view: its feature maps and the prediction's probabilities.
    auto* insideDock = w.findChild<QDockWidget*>("insideDock");
    insideDock->show();
    insideDock->raise();
    auto* inside = w.view<InsideView>();
    w.canvas()->selectBlocks({"c1"});
    QVERIFY(waitFor([&] { return inside->onScreen(); }));
    insideDock->setFloating(true);
    insideDock->resize(1150, 640);
    dropFile(inside, png);
    QVERIFY(waitFor([&] {
      auto p = w.snapshot()->probe<InsideProbe>();
      return p && p->ownImage && inside->pictures()->sections() >= 2 &&
             inside->pictures()->sectionTitle(0).startsWith("input");
    }, 30000));
    QCOMPARE(w.snapshot()->probe<InsideProbe>()->probabilities.size(), size_t(10));
    QVERIFY2(noteOf(inside).contains("your image my-trousers.png") && noteOf(inside).contains("%"),
             qPrintable(noteOf(inside)));
    screenshot(insideDock, "33-inside-own-image");
    // Back to the data set.
    inside->imageDrop()->backAction()->trigger();
    QVERIFY(waitFor([&] { auto p = w.snapshot()->probe<InsideProbe>(); return p && !p->ownImage; }, 30000));

    // Files it cannot use: a message in the view, the image shown stays.
    dock->raise();
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    const QString text = tmp_.filePath("notes.png");
    std::ofstream(text.toStdString()) << "not a picture\n";
    dropFile(view, text);
    QVERIFY(waitFor([&] { return noteOf(view).contains("cannot be used") && noteOf(view).contains("not an image"); }));
    QVERIFY(view->imageDrop()->active());
    std::string bomb("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
    for (uint32_t v : {50000u, 50000u})
      for (int s = 24; s >= 0; s -= 8) bomb.push_back(char((v >> s) & 0xFF));
    bomb.append(std::string("\x08\0\0\0\0\0\0\0\0", 9));
    const QString huge = tmp_.filePath("huge.png");
    std::ofstream(huge.toStdString(), std::ios::binary) << bomb;
    dropFile(view, huge);
    QVERIFY(waitFor([&] { return noteOf(view).contains("50000×50000 pixels is more than the 40 million"); }));
    screenshot(dock, "34-saliency-bad-file");
    view->imageDrop()->backAction()->trigger();
    QVERIFY(waitFor([&] { auto q = shown(); return q && !q->ownImage; }, 30000));
  }

  // Points (the spiral the window starts with): a bar per input value, signed.
  void pointsGetBars() {
    MainWindow w(testOptions(tmp_.filePath("recovery-points")));
    w.resize(1600, 1000);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QCOMPARE(w.snapshot()->data->train.xShape, Shape{2});
    auto* dock = w.findChild<QDockWidget*>("saliencyDock");
    dock->show();
    dock->raise();
    auto* view = w.view<SaliencyView>();
    QVERIFY(waitFor([&] { return view->onScreen(); }));
    dock->setFloating(true);
    dock->resize(900, 360);
    view->setSample(4);
    w.session()->step(50);
    QVERIFY(waitFor([&] {
      auto r = view->canvas()->result();
      return w.snapshot()->step == 50 && r && r->sample == 4 && r->why.empty();
    }, 30000));
    const SaliencyProbe* r = view->canvas()->result();
    QCOMPARE(r->inputShape, Shape{2});
    QCOMPARE(r->gradient.size(), size_t(2));
    QVERIFY(r->gradient[0] != 0.0f || r->gradient[1] != 0.0f);
    screenshot(dock, "37-saliency-points");
  }
};

QTEST_MAIN(TestSaliencyView)
#include "tst_saliency_view.moc"
