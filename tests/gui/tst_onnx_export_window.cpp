// File › Export › ONNX… in the window: the default project trained for a few steps and exported;
// OpenCV's DNN module runs the file and gives what the window's network computes with the
// trainer's weights (not fresh ones) for the same points. A folder that does not exist gets a
// message box saying nothing was written.
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <future>
#include <opencv2/dnn.hpp>

#include "backend/backend.h"
#include "gui_helpers.h"
#include "network/network.h"
#include "project/export_onnx.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
// The output of `block` for the points x [n, 2], by Gradlab with `weights` (or fresh ones).
std::vector<double> gradlabOutput(const NetworkSpec& spec, const TensorMap* weights,
                                  const std::vector<double>& x, const std::string& block) {
  Network net(spec, cpuBackend(), DType::F32, 12345, LossUse::Optional);
  if (weights) net.loadWeights(*weights, "the trainer's weights");
  Tensor t = cpuBackend().empty({int64_t(x.size() / 2), 2}, DType::F32);
  t.fromHost(std::span<const double>(x));
  net.forward(t, false);
  return net.output(block).toHost();
}

double maxDifference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return a.size() == b.size() ? worst : INFINITY;
}
}  // namespace

class TestOnnxExportWindow : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void exportsTheTrainersWeights() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1400, 900);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QMenu* exportMenu = w.menuBar()->findChild<QMenu*>("exportMenu");
    QVERIFY2(exportMenu && exportMenu->actions().size() >= 1 &&
                 exportMenu->actions().first()->text().contains("ONNX"),
             "File › Export › ONNX… is there");
    w.session()->step(30);
    QVERIFY(waitFor([&] { return w.snapshot()->step == 30 && !w.snapshot()->running; }));

    const QString path = tmp_.filePath("spiral.onnx");
    w.exportOnnxTo(path);
    QVERIFY(waitFor([&] { return w.statusBar()->currentMessage().startsWith("Exported"); }));
    QVERIFY(QFile::exists(path));

    const NetworkSpec spec = w.currentProject().network;
    const TensorMap weights = w.currentWeights().get();
    const std::string out = spec.loss.block;
    const std::vector<double> x{0.1, -0.4, 0.8, 0.3, -0.7, -0.2, 0.0, 0.9, -1.0, 1.0};
    cv::dnn::Net onnx = cv::dnn::readNetFromONNX(path.toStdString());
    cv::Mat in(5, 2, CV_32F);
    for (size_t i = 0; i < x.size(); ++i) in.ptr<float>()[i] = float(x[i]);
    onnx.setInput(in);
    const cv::Mat y = onnx.forward(out);
    const std::vector<double> theirs(y.ptr<float>(), y.ptr<float>() + y.total());
    const double trained = maxDifference(theirs, gradlabOutput(spec, &weights, x, out));
    const double fresh = maxDifference(theirs, gradlabOutput(spec, nullptr, x, out));
    qInfo("OpenCV vs the window's network after 30 steps: max |difference| %.2e (vs fresh "
          "weights: %.2e)", trained, fresh);
    QVERIFY(trained <= 1e-4);
    QVERIFY(fresh > 1e-3);

    // A folder that does not exist: a message box, no file.
    const QString bad = tmp_.filePath("no/such/folder/spiral.onnx");
    w.exportOnnxTo(bad);
    QMessageBox* box = nullptr;
    QVERIFY(waitFor([&] {
      box = w.findChild<QMessageBox*>("onnxExportError");
      return box && box->isVisible();
    }));
    QVERIFY2(box->text().contains("nothing was written"), qPrintable(box->text()));
    QVERIFY(!QFile::exists(bad));
    screenshot(box, "onnx-export-error");
    box->close();
  }

  // The window closed while an export waits for the trainer's weights: the export finishes on
  // its thread and its answer is dropped — no call into the closed window, no crash.
  void windowClosedDuringAnExport() {
    std::promise<TensorMap> weights;
    bool called = false;
    auto* window = new QObject;
    exportOnnxInBackground(window, NetworkSpec{}, weights.get_future(), tmp_.filePath("late.onnx"),
                           [&](const QString&) { called = true; });
    delete window;
    weights.set_value(TensorMap{});  // now the worker goes on (and refuses the empty weights)
    QTest::qWait(500);
    QVERIFY(!called);
  }
};

QTEST_MAIN(TestOnnxExportWindow)
#include "tst_onnx_export_window.moc"
