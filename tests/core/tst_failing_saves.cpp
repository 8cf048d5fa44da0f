// Saves that fail (issue 15): into a read-only folder, a folder that does not exist, onto a full
// disk, and to a path that is a folder — for each writer the window and gradlab-cli use
// (writeFileAtomically, saveProject, saveNetwork, writeSafetensors). Each time the message names
// the path and the reason, the file saved before is byte for byte as it was, and nothing else is
// left in the folder (no temporary file, no weights without their project).
// The full disk is this process's file size limit (support/file_size_limit.h): writes fail with
// EFBIG through the writers' own write(2) calls, also as root. A read-only folder is writable
// for root, so that case runs in a child process that drops to the user nobody when it is root
// (skipped, saying why, where that is not allowed).
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "io/project.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "support/error_text.h"
#include "support/file_size_limit.h"
#include "util/file.h"

using namespace gradlab;
using gradlab::test::errorOf;
using gradlab::test::FileSizeLimit;
namespace fs = std::filesystem;

namespace {
const char* kNet = R"({"format": "gradlab.network/1", "name": "saved",
  "blocks": [{"id": "x", "type": "Input", "shape": [2]}, {"id": "h1", "type": "Dense", "units": 2}],
  "edges": [["x", "h1"]], "loss": {"type": "mse", "block": "h1"}})";

// Weights of `values` numbers: a few hundred bytes, or more than a small disk holds.
TensorMap weights(size_t values, double v) {
  HostTensor t;
  t.shape = {int64_t(values)};
  t.values.assign(values, v);
  return {{"h1.weight", t}};
}

// The network's own weights (h1: Dense 2 -> 2), which loadProject accepts.
TensorMap fitting() {
  HostTensor w, b;
  w.shape = {2, 2};
  w.values = {0.5, -1, 2, 0.25};
  b.shape = {2};
  b.values = {0.125, -4};
  return {{"h1.weight", w}, {"h1.bias", b}};
}

// A project with `weightValues` numbers of weights (0: the fitting ones).
Project project(size_t weightValues) {
  Project p;
  p.network = parseNetwork(kNet, "saved");
  p.weights = weightValues ? weights(weightValues, 0.5) : fitting();
  p.step = 7;
  return p;
}

QByteArray bytesOf(const std::string& path) {
  QFile f(QString::fromStdString(path));
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList entries(const std::string& dir) {
  return QDir(QString::fromStdString(dir)).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot,
                                                     QDir::Name);
}

// What each writer says when it fails to write into `folder`: t.txt, p.gradlab (with weights
// beside it), n.net.json, w.safetensors. Each is larger than 4096 bytes.
QStringList failuresWriting(const std::string& folder) {
  NetworkSpec longName = parseNetwork(kNet, "n");
  longName.name = std::string(8000, 'n');
  return {errorOf([&] { writeFileAtomically(folder + "/t.txt", std::string(100000, 'x')); }),
          errorOf([&] { saveProject(folder + "/p.gradlab", project(20000)); }),
          errorOf([&] { saveNetwork(longName, folder + "/n.net.json"); }),
          errorOf([&] { writeSafetensors(folder + "/w.safetensors", weights(20000, 1)); })};
}
}  // namespace

class TstFailingSaves : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::string at(const QString& name) const { return dir_.filePath(name).toStdString(); }

  // Earlier saves of every kind in `folder`: what a failing save must leave alone.
  void saveEarlier(const std::string& folder) {
    fs::create_directories(folder);
    writeFileAtomically(folder + "/t.txt", "the earlier text");
    saveProject(folder + "/p.gradlab", project(0));
    saveNetwork(parseNetwork(kNet, "n"), folder + "/n.net.json");
    writeSafetensors(folder + "/w.safetensors", weights(4, 2));
  }
  std::map<std::string, QByteArray> contents(const std::string& folder) {
    std::map<std::string, QByteArray> out;
    for (const QString& name : entries(folder)) out[name.toStdString()] = bytesOf(folder + "/" + name.toStdString());
    return out;
  }

 private slots:
  void aFullDiskKeepsTheEarlierFiles() {
    const std::string folder = at("full");
    saveEarlier(folder);
    const auto before = contents(folder);
    QStringList errors;
    {
      FileSizeLimit full(4096);  // the earlier files are smaller, the new ones larger
      errors = failuresWriting(folder);
    }
    QCOMPARE(errors.size(), 4);
    for (const QString& e : errors) {
      QVERIFY2(e.startsWith(QString::fromStdString(folder) + "/"), qPrintable(e));
      QVERIFY2(e.contains("File too large") && e.contains("choose another disk"), qPrintable(e));
      QVERIFY2(e.contains("unchanged"), qPrintable(e));
    }
    QVERIFY2(errors[1].contains("p.gradlab: the weights could not be saved, so the project file is unchanged"),
             qPrintable(errors[1]));
    QVERIFY(contents(folder) == before);  // byte for byte, and no file more
    // The limit is gone with the guard: the same saves succeed.
    QCOMPARE(failuresWriting(folder), QStringList({"", "", "", ""}));
  }

  // The project's weights fit, the project file does not: the new weights go again, the earlier
  // project still names its own.
  void aProjectThatDoesNotFitLeavesNoWeightsBehind() {
    const std::string folder = at("half");
    saveEarlier(folder);
    const auto before = contents(folder);
    Project big = project(0);
    big.network.name = std::string(8000, 'n');
    QString e;
    {
      FileSizeLimit full(4096);
      e = errorOf([&] { saveProject(folder + "/p.gradlab", big); });
    }
    QVERIFY2(e.startsWith(QString::fromStdString(folder) + "/p.gradlab: the file is larger"), qPrintable(e));
    QVERIFY(contents(folder) == before);
    QVERIFY(loadProject(folder + "/p.gradlab").weights);
  }

  void aMissingFolderIsNamed() {
    const std::string missing = at("no/such");
    const QStringList errors = failuresWriting(missing);
    for (const QString& e : errors)
      QVERIFY2(e.startsWith(QString::fromStdString(missing) + "/") &&
                   e.contains("the folder " + QString::fromStdString(missing) +
                              " does not exist (No such file or directory); create it") &&
                   e.endsWith("Nothing was written"),
               qPrintable(e));
    QVERIFY(!fs::exists(at("no")));
  }

  void aFolderIsNotAFile() {
    const std::string folder = at("dirs");
    for (const char* name : {"t.txt", "p.gradlab", "n.net.json", "w.safetensors"})
      fs::create_directories(folder + "/" + name);
    const QStringList errors = failuresWriting(folder);
    for (const QString& e : errors)
      QVERIFY2(e.startsWith(QString::fromStdString(folder) + "/") && e.contains("is a folder"), qPrintable(e));
    // saveProject refuses before writing the weights beside it.
    QCOMPARE(entries(folder), QStringList({"n.net.json", "p.gradlab", "t.txt", "w.safetensors"}));
    for (const QString& name : entries(folder)) QVERIFY(fs::is_empty(folder + "/" + name.toStdString()));
  }

  // In a child, as nobody when this runs as root (root may write into a read-only folder).
  void aReadOnlyFolderKeepsTheEarlierFiles() {
    const std::string folder = at("readonly");
    saveEarlier(folder);
    const auto before = contents(folder);
    QVERIFY(::chmod(dir_.path().toUtf8().constData(), 0755) == 0);
    QVERIFY(::chmod(folder.c_str(), 0555) == 0);
    int out[2];
    QVERIFY(::pipe(out) == 0);
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0) {
      ::close(out[0]);
      if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0))
        ::_exit(77);
      const QByteArray text = failuresWriting(folder).join('\n').toUtf8();
      if (::write(out[1], text.constData(), size_t(text.size())) != text.size()) ::_exit(1);
      ::_exit(0);
    }
    ::close(out[1]);
    QByteArray text;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, n);
    ::close(out[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::chmod(folder.c_str(), 0755);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
      QSKIP("running as root without the right to become nobody: a read-only folder is writable "
            "for root, so this case cannot be made here (the full-disk case covers the same path)");
    QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const QStringList errors = QString::fromUtf8(text).split('\n');
    QCOMPARE(errors.size(), 4);
    for (const QString& e : errors)
      QVERIFY2(e.startsWith(QString::fromStdString(folder) + "/") &&
                   e.contains("the folder " + QString::fromStdString(folder) +
                              " is not writable (Permission denied)") &&
                   e.contains("unchanged"),
               qPrintable(e));
    QVERIFY(contents(folder) == before);
  }
};

QTEST_APPLESS_MAIN(TstFailingSaves)
#include "tst_failing_saves.moc"
