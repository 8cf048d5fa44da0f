// TrainingSession's threads meet only where the session says they do (its queue, its snapshot,
// the race's outcome). Written for the ThreadSanitizer build (GRADLAB_SANITIZE=thread), where a
// race report fails the test; elsewhere it checks that the same sequence neither crashes nor
// hangs.
#include <QTest>

#include "data/catalog.h"
#include "support/cli_runner.h"
#include "support/wait.h"
#include "train/session.h"

using namespace gradlab;

namespace {
NetworkSpec spiralNet() {
  return loadNetwork(test::sourcePath("examples/spiral.net.json").toStdString());
}

std::shared_ptr<const Split> spiral() {
  return std::make_shared<const Split>(loadBuiltin("spiral", {.seed = 1}));
}
}  // namespace

class TestSessionThreads : public QObject {
  Q_OBJECT
 private slots:
  // A window closed as Step cancels the optimizer race: the worker, applying the step, cancels
  // the race (joins its thread, which stops only at its next progress report) while the
  // destructor cancelled it too. Two threads joined one std::thread: a data race on it, and a
  // second pthread_join of the same thread (std::system_error in a destructor: terminate).
  void destroyedWhileTheWorkerCancelsTheRace() {
    auto data = spiral();
    const NetworkSpec net = spiralNet();
    for (int i = 0; i < 3; ++i) {
      TrainingSession s;
      s.setData(data);
      s.setNetwork(net);
      QVERIFY(s.sync(60000));
      s.race(200000);  // far longer than the session lives
      QVERIFY(test::waitUntil([&] { return s.snapshot()->job == "race"; }));
      s.step(1);  // cancels the race on the worker: the session goes out of scope meanwhile
    }
  }
};

QTEST_GUILESS_MAIN(TestSessionThreads)
#include "tst_session_threads.moc"
