// Killing the window during training (SIGKILL) loses at most the autosave interval: a child
// process (this binary with GRADLAB_RECOVERY_CHILD set) opens the lab, edits the network,
// trains and is killed; a restarted window offers the autosaved work and restores it.
#include <QApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

#include "editor/network_model.h"
#include "gui_helpers.h"
#include "blocks/registry.h"
#include "io/safetensors.h"
#include "io/project.h"

using namespace gradlab;
using namespace gradlab::widgets;
using namespace gradlab::testing;

namespace {
constexpr int kAutosaveMs = 500;

int runChild() {
  MainWindowOptions o;
  o.dataDir = qEnvironmentVariable("GRADLAB_RECOVERY_DIR");
  o.autosaveMs = kAutosaveMs;
  o.useSettings = false;
  MainWindow w(o);
  w.show();
  if (!waitFor([&] { return w.snapshot() && w.snapshot()->ready; })) return 3;
  w.model()->setParam("h1", "units", 5);
  w.model()->edit("Rename network", [](NetworkSpec& s) { s.name = "killed while training"; });
  if (!waitFor([&] { return w.snapshot() && w.snapshot()->ready; })) return 4;
  w.session()->setSpeed(2000);  // steady, so that the weights keep changing
  w.session()->play();
  if (!waitFor([&] { return w.snapshot()->step > 300; })) return 5;
  QTest::qWait(3 * kAutosaveMs);
  std::printf("READY %lld\n", static_cast<long long>(w.snapshot()->step));
  std::fflush(stdout);
  QTest::qWait(600000);  // train until killed
  return 0;
}
}  // namespace

class TestRecovery : public QObject {
  Q_OBJECT
 private slots:
  void killedDuringTrainingIsRecovered() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("GRADLAB_RECOVERY_CHILD", "1");
    env.insert("GRADLAB_RECOVERY_DIR", dir.path());
    env.insert("QT_QPA_PLATFORM", "offscreen");
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted());
    QVERIFY2(waitFor([&] { return child.canReadLine() || child.state() == QProcess::NotRunning; }, 120000),
             "the child never got ready");
    const QByteArray line = child.readLine();
    QVERIFY2(line.startsWith("READY"), line.constData());
    QTest::qWait(2 * kAutosaveMs);
    child.kill();  // SIGKILL: no chance to clean up
    QVERIFY(child.waitForFinished());
    const QDateTime killedAt = QDateTime::currentDateTime();
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    // What the autosave holds: at most one interval (plus writing time) old.
    const QString autosave = QDir(dir.path()).filePath("autosave.gradlab");
    QVERIFY(QFileInfo::exists(autosave));
    const qint64 age = QFileInfo(autosave).lastModified().msecsTo(killedAt);
    QVERIFY2(age <= kAutosaveMs + 1500, qPrintable(QString("autosave %1 ms old").arg(age)));
    // The weights file the autosave names (saves alternate between two names, io/project.h).
    const Project autosaved = loadProject(autosave.toStdString());
    QVERIFY(autosaved.weights);
    const TensorMap saved = *autosaved.weights;
    QVERIFY(!saved.empty());

    // Restart: the window offers the work and restores it.
    MainWindowOptions o;
    o.dataDir = dir.path();
    o.autosaveMs = 3600 * 1000;
    o.useSettings = false;
    MainWindow w(o);
    w.resize(1400, 900);
    w.show();
    QVERIFY(w.recoveryOffered());
    QVERIFY2(w.message().contains("did not close properly"), qPrintable(w.message()));
    QVERIFY(waitFor([&] { return w.snapshot() && w.snapshot()->ready; }));
    screenshot(&w, "12-recovery-offered");
    QVERIFY(w.restoreRecovery());
    QCOMPARE(w.model()->spec().name, std::string("killed while training"));
    QCOMPARE(paramInt(*w.model()->spec().find("h1"), "units"), int64_t(5));
    QVERIFY(waitFor([&] {
      if (!(w.snapshot() && w.snapshot()->ready)) return false;
      const TensorMap now = w.session()->weights().get();
      if (now.size() != saved.size()) return false;
      for (const auto& [name, t] : saved)
        if (!now.count(name) || now.at(name).values != t.values) return false;
      return true;
    }));
    QVERIFY(w.isWindowModified());  // restored work is not saved anywhere yet
    QVERIFY(!w.recoveryOffered());
    screenshot(&w, "13-recovered");
  }
};

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  if (qEnvironmentVariableIsSet("GRADLAB_RECOVERY_CHILD")) return runChild();
  QStandardPaths::setTestModeEnabled(true);
  TestRecovery t;
  return QTest::qExec(&t, argc, argv);
}

#include "tst_recovery.moc"
