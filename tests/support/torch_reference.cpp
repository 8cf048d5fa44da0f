#include "support/torch_reference.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>

namespace gradlab::test {

namespace {
const char* kPython = "/usr/bin/python3";
}

PythonRun runPython(const QStringList& args, int timeoutMs) {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  for (const char* v : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"})
    env.insert(v, "1");
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(kPython, args);
  PythonRun r;
  if (!p.waitForStarted()) {
    r.message = QString("could not start %1").arg(kPython);
    return r;
  }
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    r.message = "timed out";
    return r;
  }
  r.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
  r.message = QString("exit %1\n%2%3")
                  .arg(p.exitCode())
                  .arg(QString::fromUtf8(p.readAllStandardOutput()),
                       QString::fromUtf8(p.readAllStandardError()));
  return r;
}

QString torchMissing(QString* version) {
  const PythonRun r = runPython({"-c", "import torch; print(torch.__version__)"});
  if (r.ok) {
    if (version) *version = r.message.section('\n', 1, 1).trimmed();  // after "exit 0"
    return {};
  }
  return QString("PyTorch parity skipped: %1 cannot import torch (%2); install Debian's "
                 "python3-torch as the README's setup does")
      .arg(kPython, r.message.trimmed().section('\n', -1).trimmed());
}

std::optional<std::vector<double>> readStepLosses(const QString& path, QString& error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    error = path + ": cannot open";
    return std::nullopt;
  }
  const QList<QByteArray> lines = f.readAll().split('\n');
  const QList<QByteArray> header = lines.value(0).trimmed().split(',');
  const qsizetype stepCol = header.indexOf("step"), lossCol = header.indexOf("train_loss");
  if (stepCol < 0 || lossCol < 0) {
    error = path + ": the header has no step and train_loss columns";
    return std::nullopt;
  }
  std::vector<double> losses;
  for (qsizetype i = 1; i < lines.size(); ++i) {
    const QList<QByteArray> cells = lines[i].trimmed().split(',');
    if (lines[i].trimmed().isEmpty()) continue;
    bool okStep = false, okLoss = false;
    const int step = cells.value(stepCol).toInt(&okStep);
    const double loss = cells.value(lossCol).toDouble(&okLoss);
    if (!okStep || !okLoss || step != int(losses.size()) + 1) {
      error = QString("%1:%2: malformed row: %3").arg(path).arg(i + 1).arg(QString::fromUtf8(lines[i]));
      return std::nullopt;
    }
    losses.push_back(loss);
  }
  return losses;
}

}  // namespace gradlab::test
