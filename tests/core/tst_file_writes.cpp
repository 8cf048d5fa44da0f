// Atomic writes and reads against a careless or hostile file system (issue 16): a planted
// symlink at the old temporary name, a device or FIFO as the target, an existing file's mode, a
// FIFO as input. Each case failed before the fix (the temporary was NAME.tmp-PID opened with
// O_TRUNC and followed links; rename replaced anything; reads of a FIFO blocked forever).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "support/error_text.h"
#include "util/file.h"

using namespace gradlab;
using gradlab::test::errorOf;
namespace fs = std::filesystem;

namespace {
std::string at(const QTemporaryDir& d, const char* name) { return QDir(d.path()).filePath(name).toStdString(); }
}  // namespace

class TstFileWrites : public QObject {
  Q_OBJECT
 private slots:
  void aPlantedLinkAtTheOldTemporaryNameIsNotFollowed() {
    QTemporaryDir d;
    const std::string victim = at(d, "victim.txt"), out = at(d, "out.safetensors");
    writeFileAtomically(victim, "precious");
    fs::create_symlink(victim, out + ".tmp-" + std::to_string(::getpid()));
    writeFileAtomically(out, "weights");
    QCOMPARE(readTextFile(victim), std::string("precious"));
    QCOMPARE(readTextFile(out), std::string("weights"));
  }
  void aFifoOrFolderIsNeverReplaced() {
    QTemporaryDir d;
    const std::string fifo = at(d, "pipe");
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    const QString e = errorOf([&] { writeFileAtomically(fifo, "x"); });
    QVERIFY2(e.contains("is a FIFO (named pipe), not a file; it is not replaced"), qPrintable(e));
    QVERIFY(fs::is_fifo(fifo));
    const QString e2 = errorOf([&] { writeFileAtomically(d.path().toStdString(), "x"); });
    QVERIFY2(e2.contains("is a folder"), qPrintable(e2));
    QVERIFY(errorOf([] { writeFileAtomically("/dev/null", "x"); }).contains("is a device"));
  }
  void anExistingFilesModeIsKept() {
    QTemporaryDir d;
    const std::string f = at(d, "w.safetensors");
    writeFileAtomically(f, "one");
    QCOMPARE(::chmod(f.c_str(), 0640), 0);
    writeFileAtomically(f, "two");
    struct stat st {};
    QCOMPARE(::stat(f.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0640);
    QCOMPARE(readTextFile(f), std::string("two"));
  }
  void aLinkIsKeptAndItsTargetReplaced() {
    QTemporaryDir d;
    const std::string target = at(d, "real.json"), link = at(d, "link.json");
    writeFileAtomically(target, "old");
    fs::create_symlink(target, link);
    writeFileAtomically(link, "new");
    QVERIFY(fs::is_symlink(link));
    QCOMPARE(readTextFile(target), std::string("new"));
  }
  void noTemporaryFileIsLeftBehind() {
    QTemporaryDir d;
    writeFileAtomically(at(d, "a.json"), "{}");
    QCOMPARE(QDir(d.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"a.json"});
    const QString e = errorOf([&] { writeFileAtomically(at(d, "missing/a.json"), "{}"); });
    QVERIFY2(e.contains("missing/a.json: the folder " + d.path() + "/missing does not exist"), qPrintable(e));
  }
  void readingAFifoIsRefusedAtOnce() {
    QTemporaryDir d;
    const std::string fifo = at(d, "net.json");
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    QElapsedTimer t;
    t.start();
    const QString e = errorOf([&] { readTextFile(fifo); });
    QVERIFY2(e.endsWith("is a FIFO (named pipe), not a file; give a regular file"), qPrintable(e));
    QVERIFY(t.elapsed() < 5000);
    QVERIFY(errorOf([&] { readTextFile(d.path().toStdString()); }).endsWith("is a folder, not a file"));
  }
};

QTEST_APPLESS_MAIN(TstFileWrites)
#include "tst_file_writes.moc"
