#pragma once
// Running a PyTorch reference script (tests/parity/*.py) and reading the per-step losses it
// logs, for parity tests that compare gradlab's training with PyTorch's step by step.
//
//   if (const QString why = torchMissing(); !why.isEmpty()) QSKIP(qPrintable(why));
//   const PythonRun r = runPython({sourcePath("tests/parity/shapes_ref.py"), ...});
//   QString error;
//   const auto losses = readStepLosses(tmp.filePath("torch.csv"), error);  // [step 1, step 2, …]
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace gradlab::test {

struct PythonRun {
  bool ok = false;
  QString message;  // exit code, stdout and stderr (or why it did not start)
};

// Runs /usr/bin/python3 with one thread for BLAS and OpenMP.
PythonRun runPython(const QStringList& args, int timeoutMs = 120000);
// Empty when /usr/bin/python3 imports torch (then *version, if given, is torch.__version__);
// else why not and how to install it.
QString torchMissing(QString* version = nullptr);
// The train_loss column of a `step,train_loss,...` CSV, checking that the steps run 1, 2, …;
// nullopt with `error` set when the file is missing or malformed.
std::optional<std::vector<double>> readStepLosses(const QString& path, QString& error);

}  // namespace gradlab::test
