// File › Export › PyTorch… in the window: the default project trained for 30 steps and
// exported; init.safetensors holds the trainer's weights (not fresh ones), data.safetensors the
// session's training set, and the exported train.py trains on from them under /usr/bin/python3
// (skipped, loudly, without PyTorch).
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "data/data_source.h"
#include "gui_helpers.h"
#include "io/safetensors.h"
#include "support/torch_reference.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

class TestPytorchExportWindow : public QObject {
  Q_OBJECT
  QTemporaryDir tmp_;

 private slots:
  void exportsTheSessionsRun() {
    MainWindow w(testOptions(tmp_.filePath("recovery")));
    w.resize(1400, 900);
    w.show();
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    QMenu* exportMenu = w.menuBar()->findChild<QMenu*>("exportMenu");
    bool listed = false;
    for (QAction* a : exportMenu ? exportMenu->actions() : QList<QAction*>{})
      listed = listed || a->text().contains("PyTorch");
    QVERIFY2(listed, "File › Export › PyTorch… is there");
    w.session()->step(30);
    QVERIFY(waitFor([&] { return w.snapshot()->step == 30 && !w.snapshot()->running; }));

    const QString dir = tmp_.filePath("torch");
    w.exportPytorchTo(dir);
    QVERIFY(waitFor([&] { return w.statusBar()->currentMessage().startsWith("Exported"); }));
    for (const char* f : {"model.py", "train.py", "data.safetensors", "init.safetensors"})
      QVERIFY2(QFile::exists(dir + "/" + f), f);

    // The trainer's weights after 30 steps, value for value.
    const TensorMap weights = w.currentWeights().get();
    const TensorMap init = readSafetensors((dir + "/init.safetensors").toStdString());
    QCOMPARE(init.size(), weights.size());
    for (const auto& [name, t] : weights) {
      QVERIFY2(init.count(name), name.c_str());
      QCOMPARE(init.at(name).shape, t.shape);
      QVERIFY2(init.at(name).values == t.values, name.c_str());
    }
    // The session's training set.
    const TensorMap data = readSafetensors((dir + "/data.safetensors").toStdString());
    const Split split = loadSource(w.currentProject().data);
    QCOMPARE(data.at("x").shape.at(0), split.train.size());
    QCOMPARE(data.at("x_test").shape.at(0), split.test.size());

    if (const QString why = gradlab::test::torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
    const gradlab::test::PythonRun run = gradlab::test::runPython(
        {dir + "/train.py", "--steps", "5", "--device", "cpu", "--out", dir + "/more.safetensors"});
    QVERIFY2(run.ok, qPrintable(run.message));
    QVERIFY2(run.message.contains("trained 5 steps on 1 process"), qPrintable(run.message));
  }
};

QTEST_MAIN(TestPytorchExportWindow)
#include "tst_pytorch_export_window.moc"
