#include "support/cli_runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

namespace gradlab::test {

CliResult runCli(const QStringList& args, int timeoutMs) {
  QProcess p;
  p.start(QStringLiteral(GRADLAB_CLI), args);
  CliResult r;
  if (!p.waitForStarted()) {
    r.err = "could not start " + QStringLiteral(GRADLAB_CLI);
    return r;
  }
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    r.crashed = true;
    return r;
  }
  r.crashed = p.exitStatus() == QProcess::CrashExit;
  r.exitCode = p.exitCode();
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  return r;
}

QString describe(const CliResult& r) {
  return QString("exit %1%2\nstdout: %3\nstderr: %4")
      .arg(r.exitCode)
      .arg(r.crashed ? " (crashed)" : "")
      .arg(r.out, r.err);
}

QString sourcePath(const QString& relative) {
  return QDir(QStringLiteral(GRADLAB_SOURCE_DIR)).filePath(relative);
}

QString writeFile(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile f(path);
  if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) f.write(bytes);
  return path;
}

}  // namespace gradlab::test
