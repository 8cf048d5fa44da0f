// Saving never drops work. A save waits for the trainer's weights and writes off the GUI
// thread: when the weights cannot be had (the trainer is busy — here a weights future that is
// never answered), the save fails with a message naming the file and the reason, the previous
// file stays byte for byte, and the window stays modified. A normal save from the window writes
// weights that reload bit for bit and that gradlab-cli trains as the window does, and a window
// destroyed during an autosave waits for it. The data panel's reconstruct switch is saved.
// Save As onto a full disk (this process's file size limit, support/file_size_limit.h) or into a
// read-only folder fails with the path and the reason in the window's message, the earlier file
// intact and the window still modified.
#include <sys/stat.h>
#include <unistd.h>

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QFile>
#include <QMainWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include "blocks/registry.h"
#include "editor/network_model.h"
#include "gui_helpers.h"
#include "io/project.h"
#include "panels/dataset_panel.h"
#include "project/project_files.h"
#include "support/cli_runner.h"
#include "support/file_size_limit.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
QByteArray bytesOf(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

TensorMap someWeights(double scale) {
  HostTensor w;
  w.shape = {2, 2};
  w.values = {0.5 * scale, -1.25 * scale, 2 * scale, 0.375 * scale};
  HostTensor b;
  b.shape = {2};
  b.values = {0.25 * scale, -4 * scale};
  return {{"h1.weight", w}, {"h1.bias", b}};
}

bool sameWeights(const TensorMap& a, const TensorMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, t] : a)
    if (!b.count(name) || b.at(name).shape != t.shape || b.at(name).values != t.values) return false;
  return true;
}

// An edit on the undo stack, as the editor makes them.
void edit(QUndoStack& undo) { undo.push(new QUndoCommand("an edit")); }
}  // namespace

class TestProjectSave : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }

  // A ProjectFiles on a bare window whose trainer answers through `promise` (a fresh one per
  // weights request); messages are collected.
  struct Rig {
    QMainWindow window;
    QUndoStack undo;
    std::shared_ptr<std::promise<TensorMap>> promise = std::make_shared<std::promise<TensorMap>>();
    QStringList errors, notes;
    std::unique_ptr<ProjectFiles> files;
    explicit Rig(int timeoutMs) {
      ProjectFiles::Hooks h;
      h.current = [] {
        Project p;
        p.network = parseNetwork(R"({"format": "gradlab.network/1", "name": "rig",
          "blocks": [{"id": "x", "type": "Input", "shape": [2]},
                     {"id": "h1", "type": "Dense", "units": 2}],
          "edges": [["x", "h1"]], "loss": {"type": "mse", "block": "h1"}})", "rig");
        return p;
      };
      h.weights = [this] { return promise->get_future(); };
      h.apply = [](const Project&, const QString&) {};
      h.step = [] { return int64_t(0); };
      h.error = [this](const QString& m) { errors << m; };
      h.status = [this](const QString& m) { notes << m; };
      ProjectFiles::Options o;
      o.useSettings = false;
      o.weightsTimeoutMs = timeoutMs;
      files = std::make_unique<ProjectFiles>(&window, &undo, std::move(h), o);
      files->setParent(nullptr);  // owned here, so that it dies before the promise
    }
  };

 private slots:
  void busyTrainerFailsTheSaveAndKeepsTheFile() {
    // The file as an earlier save left it.
    const QString path = tmp("busy.gradlab");
    Project old;
    old.network.name = "earlier";
    old.weights = someWeights(1);
    saveProject(path.toStdString(), old);
    const QByteArray before = bytesOf(path), weightsBefore = bytesOf(tmp("busy.safetensors"));
    QVERIFY(!before.isEmpty() && !weightsBefore.isEmpty());

    Rig rig(400);
    edit(rig.undo);
    rig.files->updateTitle();
    QVERIFY(rig.window.isWindowModified());
    QSignalSpy finished(rig.files.get(), &ProjectFiles::saveFinished);
    QElapsedTimer t;
    t.start();
    QVERIFY(rig.files->save(path));  // the trainer never answers: the future stays unready
    QVERIFY2(t.elapsed() < 200, "save() blocked the GUI thread");
    QVERIFY(rig.files->saving());
    QVERIFY(!rig.files->save(path));  // one save at a time
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.at(0).at(1).toBool(), false);
    const QString error = finished.at(0).at(2).toString();
    QVERIFY2(error.contains(path) && error.contains("did not hand over the weights") &&
                 error.contains("nothing was written"),
             qPrintable(error));
    QCOMPARE(rig.errors, QStringList{error});  // shown in the window's banner
    QVERIFY(!rig.notes.join("|").contains("Saved"));
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(bytesOf(tmp("busy.safetensors")), weightsBefore);
    QVERIFY(rig.window.isWindowModified());
    QVERIFY(!rig.undo.isClean());
    QVERIFY(rig.files->path().isEmpty());  // not "saved as" busy.gradlab either

    // The trainer answers the next time: saved with its weights, the window clean.
    rig.promise = std::make_shared<std::promise<TensorMap>>();
    rig.promise->set_value(someWeights(3));
    QVERIFY(rig.files->saveAndWait(path));
    QVERIFY(rig.undo.isClean());
    QVERIFY(!rig.window.isWindowModified());
    QCOMPARE(rig.window.windowTitle(), QString("busy.gradlab[*] — Gradlab"));
    QVERIFY(rig.notes.last().startsWith("Saved busy.gradlab"));
    const Project saved = loadProject(path.toStdString());
    QCOMPARE(saved.network.name, std::string("rig"));
    QVERIFY(saved.weights && sameWeights(*saved.weights, someWeights(3)));
  }

  void anErrorFromTheTrainerFailsTheSave() {
    Rig rig(2000);
    rig.promise->set_exception(std::make_exception_ptr(std::runtime_error("gone")));
    QVERIFY(!rig.files->saveAndWait(tmp("err.gradlab")));
    QVERIFY(!QFileInfo::exists(tmp("err.gradlab")));
    QVERIFY2(rig.errors.size() == 1 && rig.errors[0].contains("err.gradlab") &&
                 rig.errors[0].contains("gone"),
             qPrintable(rig.errors.join("|")));
  }

  void editsDuringASaveStayUnsaved() {
    Rig rig(5000);
    edit(rig.undo);
    QSignalSpy finished(rig.files.get(), &ProjectFiles::saveFinished);
    QVERIFY(rig.files->save(tmp("moving.gradlab")));
    edit(rig.undo);  // while the save waits for the weights
    rig.promise->set_value(someWeights(1));
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.at(0).at(1).toBool());
    QVERIFY(!rig.undo.isClean());  // the second edit is not in the file
    QVERIFY(rig.window.isWindowModified());
  }

  // The real window: trained weights reload bit for bit; an unwritable place fails clearly.
  void windowSaveWritesItsWeights() {
    MainWindowOptions o = testOptions(tmp("recovery-a"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    w->session()->step(200);
    QVERIFY(waitFor([&] { return w->snapshot()->step == 200 && !w->snapshot()->running; }, 30000));
    const QString path = tmp("trained.gradlab");
    QVERIFY(w->saveProjectTo(path));
    const TensorMap now = w->session()->weights().get();
    QVERIFY(!now.empty());
    const Project saved = loadProject(path.toStdString());
    QVERIFY(saved.weights && sameWeights(*saved.weights, now));
    QCOMPARE(saved.step, int64_t(200));
    QVERIFY(!w->isWindowModified());
    QCOMPARE(w->currentPath(), path);

    w->model()->setParam("h1", "units", 6);
    QVERIFY(!w->saveProjectTo(tmp("no/such/folder/x.gradlab")));
    QVERIFY2(w->message().contains("x.gradlab"), qPrintable(w->message()));
    QVERIFY(w->isWindowModified());
    QCOMPARE(w->currentPath(), path);
  }

  void saveAsOntoAFullDiskKeepsTheWorkUnsaved() {
    MainWindowOptions o = testOptions(tmp("recovery-h"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    const QString path = tmp("full.gradlab");
    QVERIFY(w->saveProjectTo(path));
    const QByteArray before = bytesOf(path);
    const int64_t units = paramInt(*w->model()->spec().find("h1"), "units");
    w->model()->setParam("h1", "units", units + 1);
    QVERIFY(w->isWindowModified());
    bool saved = true;
    {
      test::FileSizeLimit full(256);  // smaller than the weights and the project file
      saved = w->saveProjectTo(path);
    }
    QVERIFY(!saved);
    QVERIFY2(w->message().contains(path) && w->message().contains("File too large") &&
                 w->message().contains("the project file is unchanged"),
             qPrintable(w->message()));
    QVERIFY(w->isWindowModified());
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(paramInt(*loadProject(path.toStdString()).network.find("h1"), "units"), units);
    // With room again, the same save goes through.
    QVERIFY(w->saveProjectTo(path));
    QVERIFY(!w->isWindowModified());
  }

  void saveAsIntoAReadOnlyFolderKeepsTheWorkUnsaved() {
    if (::geteuid() == 0)
      QSKIP("running as root, for whom a read-only folder is writable; the full-disk case covers "
            "the same path through the window, and tst_failing_saves the read-only folder as nobody");
    MainWindowOptions o = testOptions(tmp("recovery-i"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    w->model()->setParam("h1", "units", 7);
    const QString folder = tmp("readonly");
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(::chmod(folder.toUtf8().constData(), 0555) == 0);
    const bool saved = w->saveProjectTo(folder + "/x.gradlab");
    ::chmod(folder.toUtf8().constData(), 0755);
    QVERIFY(!saved);
    QVERIFY2(w->message().contains(folder + "/x.gradlab") &&
                 w->message().contains("the folder " + folder + " is not writable (Permission denied)"),
             qPrintable(w->message()));
    QVERIFY(w->isWindowModified());
    QVERIFY(w->currentPath() != folder + "/x.gradlab");
    QVERIFY(QDir(folder).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
  }

  // An opened project's weights wait for its data; if the data never comes (a missing file),
  // saving still writes those weights, not the fresh ones the window trains meanwhile.
  void weightsWaitingForDataAreSaved() {
    MainWindowOptions o = testOptions(tmp("recovery-f"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    w->session()->step(100);
    QVERIFY(waitFor([&] { return w->snapshot()->step == 100 && !w->snapshot()->running; }, 30000));
    QVERIFY(w->saveProjectTo(tmp("first.gradlab")));
    Project p = loadProject(tmp("first.gradlab").toStdString());
    p.data.builtin.clear();
    p.data.path = tmp("missing.csv").toStdString();
    saveProject(tmp("nodata.gradlab").toStdString(), p);

    o.dataDir = tmp("recovery-g");
    auto w2 = std::make_unique<MainWindow>(o);
    w2->show();
    QVERIFY(waitFor([&] { return w2->snapshot() && w2->snapshot()->ready; }));
    QVERIFY(w2->openProject(tmp("nodata.gradlab")));
    QVERIFY(waitFor([&] { return w2->message().contains("missing.csv"); }));
    QVERIFY(w2->saveProjectTo(tmp("again.gradlab")));
    const Project again = loadProject(tmp("again.gradlab").toStdString());
    QVERIFY(again.weights && sameWeights(*again.weights, *p.weights));
  }

  // A project saved by the window trains from the command line as in the window: saved before
  // training (its weights are the seed's draw), 200 steps in the window and 200 by gradlab-cli
  // end on the same weights.
  void windowProjectTrainsTheSameInTheCli() {
    MainWindowOptions o = testOptions(tmp("recovery-c"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    w->model()->setParam("h1", "units", 6);  // a user's edit: fresh weights for it
    QVERIFY(waitFor([&] { return w->snapshot()->ready && w->snapshot()->step == 0 &&
                                 w->session()->weights().get().at("h1.weight").shape ==
                                     Shape{6, 2}; }));
    const QString path = tmp("window.gradlab");
    QVERIFY(w->saveProjectTo(path));
    w->session()->step(200);
    QVERIFY(waitFor([&] { return w->snapshot()->step == 200 && !w->snapshot()->running; }, 30000));
    const TensorMap inWindow = w->session()->weights().get();

    const auto r = test::runCli({"train", path, "--steps", "200", "--save", tmp("cli.safetensors")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("starting from its weights window.safetensors"), qPrintable(r.out));
    const TensorMap inCli = readSafetensors(tmp("cli.safetensors").toStdString());
    QCOMPARE(inCli.size(), inWindow.size());
    double worst = 0;
    for (const auto& [name, t] : inWindow)
      for (size_t i = 0; i < t.values.size(); ++i)
        worst = std::max(worst, std::abs(t.values[i] - inCli.at(name).values[i]));
    qInfo("window vs gradlab-cli after 200 steps: largest weight difference %g", worst);
    QCOMPARE(worst, 0.0);
  }

  // The data panel's switch: targets = inputs; the network is fitted (mse, 2 outputs for the
  // 2-D spiral) and the project stores it, so it opens again with the switch on.
  void reconstructSwitchIsSaved() {
    MainWindowOptions o = testOptions(tmp("recovery-d"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    auto* box = w->datasetPanel()->findChild<QCheckBox*>("reconstruct");
    QVERIFY(box && !box->isChecked());
    QVERIFY(box->toolTip().contains("autoencoder"));
    box->click();
    QVERIFY(waitFor([&] {
      return w->datasetPanel()->source().reconstruct && w->snapshot()->ready &&
             w->snapshot()->data && !w->snapshot()->data->train.isClassification();
    }));
    QCOMPARE(w->model()->spec().loss.type, std::string("mse"));
    QCOMPARE(paramInt(*w->model()->spec().find("out"), "units"), int64_t(2));
    QVERIFY(w->saveProjectTo(tmp("auto.gradlab")));
    QVERIFY(loadProject(tmp("auto.gradlab").toStdString()).data.reconstruct);

    o.dataDir = tmp("recovery-e");
    auto w2 = std::make_unique<MainWindow>(o);
    w2->show();
    QVERIFY(w2->openProject(tmp("auto.gradlab")));
    QVERIFY(waitFor([&] {
      return w2->snapshot() && w2->snapshot()->ready && w2->snapshot()->data &&
             !w2->snapshot()->data->train.isClassification();
    }));
    QVERIFY(w2->datasetPanel()->findChild<QCheckBox*>("reconstruct")->isChecked());
  }

  // ~MainWindow waits for a running autosave: the autosave is complete, with its weights.
  void closingWaitsForTheAutosave() {
    MainWindowOptions o = testOptions(tmp("recovery-b"));
    auto w = std::make_unique<MainWindow>(o);
    w->show();
    QVERIFY(waitFor([&] { return w->snapshot() && w->snapshot()->ready; }));
    w->session()->step(50);
    QVERIFY(waitFor([&] { return w->snapshot()->step == 50 && !w->snapshot()->running; }, 30000));
    w->autosaveNow();  // runs on a worker
    w.reset();         // at once
    const Project p = loadProject(tmp("recovery-b/autosave.gradlab").toStdString());
    QVERIFY(p.weights && !p.weights->empty());
    QCOMPARE(p.step, int64_t(50));
  }
};

QTEST_MAIN(TestProjectSave)
#include "tst_project_save.moc"
