// The "training" object (io/training_settings.h), one parser for projects and network files:
// every key read and checked (unknown keys, wrong types and ranges named with the file), a
// project keeps randomLabels and earlyStopping through save and load, and a network file's
// own settings train in gradlab-cli exactly as the same settings given as flags, the flags
// given winning.
#include <QtTest>

#include "io/project.h"
#include "io/training_settings.h"
#include "support/cli_runner.h"
#include "util/error.h"
#include "util/file.h"

using namespace gradlab;
using gradlab::test::runCli;
using gradlab::test::sourcePath;
using gradlab::test::writeFile;
using nlohmann::json;

namespace {
QByteArray logRows(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  QByteArray all = f.readAll();
  return all.mid(all.indexOf('\n') + 1);
}

QString errorOf(const json& training) {
  try {
    parseTrainingSettings(training, "dir/net.net.json");
  } catch (const Error& e) {
    return QString::fromUtf8(e.what());
  }
  return {};
}

// xor-mlp.net.json with a "training" object added.
QByteArray xorWith(const json& training) {
  json net = json::parse(readTextFile(sourcePath("examples/xor-mlp.net.json").toStdString()));
  net["training"] = training;
  return QByteArray::fromStdString(net.dump(2));
}
}  // namespace

class TestTrainingSettings : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString tmp(const QString& name) { return dir_.filePath(name); }

 private slots:
  void readsEveryKey() {
    const TrainingSettings t = parseTrainingSettings(
        json::parse(R"({"optimizer": "momentum", "lr": 0.05, "l1": 0.001, "l2": 0.002,
                        "clipNorm": 1.5, "batch": 32, "seed": 7, "speed": 300,
                        "randomLabels": true, "earlyStopping": 5})"),
        "x.gradlab");
    QCOMPARE(t.keys.size(), size_t(10));
    QCOMPARE(t.config.optimizer, std::string("momentum"));
    QCOMPARE(*t.config.lr, 0.05);
    QCOMPARE(t.config.l1, 0.001);
    QCOMPARE(t.config.l2, 0.002);
    QCOMPARE(t.config.clipNorm, 1.5);
    QCOMPARE(t.config.batch, int64_t(32));
    QCOMPARE(t.config.seed, uint64_t(7));
    QCOMPARE(*t.speed, 300.0);
    QVERIFY(t.config.randomLabels);
    QCOMPARE(t.config.earlyStopping, int64_t(5));
  }

  // over(): only the keys given replace the base's values.
  void onlyTheKeysGivenApply() {
    const TrainingSettings t = parseTrainingSettings(json::parse(R"({"lr": 0.001})"), "n.net.json");
    TrainConfig base;
    base.optimizer = "sgd";
    base.batch = 64;
    base.seed = 9;
    base.earlyStopping = 4;
    const TrainConfig c = t.over(base);
    QCOMPARE(*c.lr, 0.001);
    QCOMPARE(c.optimizer, std::string("sgd"));
    QCOMPARE(c.batch, int64_t(64));
    QCOMPARE(c.seed, uint64_t(9));
    QCOMPARE(c.earlyStopping, int64_t(4));
    QVERIFY(!t.speed);
  }

  void badValuesAreNamed_data() {
    QTest::addColumn<QString>("training");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << R"({"learningRate": 0.1})"
                                 << "net.net.json: training: unknown key \"learningRate\" — the keys are optimizer, lr";
    QTest::newRow("lr range") << R"({"lr": -1})" << "net.net.json: training: \"lr\" is out of range (1e-12 to 1e+06), got -1";
    QTest::newRow("lr type") << R"({"lr": "fast"})" << "training: \"lr\" must be a number";
    QTest::newRow("batch fraction") << R"({"batch": 2.5})" << "training: \"batch\" must be a whole number, got 2.5";
    QTest::newRow("optimizer") << R"({"optimizer": "adamw"})" << "net.net.json: training: ";
    QTest::newRow("random labels type") << R"({"randomLabels": 1})" << "training: \"randomLabels\" must be true or false, got 1";
    QTest::newRow("patience range") << R"({"earlyStopping": -3})" << "training: \"earlyStopping\" is out of range (0 to 1e+06)";
    QTest::newRow("patience fraction") << R"({"earlyStopping": 1.5})" << "training: \"earlyStopping\" must be a whole number";
    QTest::newRow("not an object") << R"([1, 2])" << "net.net.json: training: must be an object";
  }
  void badValuesAreNamed() {
    QFETCH(QString, training);
    QFETCH(QString, message);
    const QString e = errorOf(json::parse(training.toStdString()));
    QVERIFY2(e.contains(message), qPrintable(e));
  }

  void projectKeepsRandomLabelsAndEarlyStopping() {
    Project p = loadProject(sourcePath("resources/projects/spiral.gradlab").toStdString());
    QVERIFY(!p.training.randomLabels);
    QCOMPARE(p.training.earlyStopping, int64_t(0));
    p.training.randomLabels = true;
    p.training.earlyStopping = 7;
    p.speed = 250;
    saveProject(tmp("p.gradlab").toStdString(), p);
    const Project back = loadProject(tmp("p.gradlab").toStdString());
    QVERIFY(back.training.randomLabels);
    QCOMPARE(back.training.earlyStopping, int64_t(7));
    QCOMPARE(back.speed, 250.0);
    QCOMPARE(*back.training.lr, *p.training.lr);
    QCOMPARE(back.training.batch, p.training.batch);
  }

  void networkFileCarriesItsSettings() {
    const auto t = loadNetworkTraining(sourcePath("examples/fashion-cnn.net.json").toStdString());
    QVERIFY2(t && t->has("lr"), "fashion-cnn.net.json has no training lr");
    QVERIFY(*t->config.lr <= 0.003);  // the CNN dies at chance at the spiral's 0.03
    QVERIFY(!loadNetworkTraining(sourcePath("examples/xor-mlp.net.json").toStdString()));
  }

  // The file's settings train exactly as the same settings given as flags; a flag given
  // replaces the file's value for that key only.
  void cliUsesTheFileForOptionsNotGiven() {
    writeFile(tmp("xor.net.json"),
              xorWith(json::parse(R"({"optimizer": "momentum", "lr": 0.2, "batch": 4, "seed": 3})")));
    const QStringList run = {"--dataset", "xor", "--steps", "60", "--eval-every", "20"};
    auto a = runCli(QStringList{"train", tmp("xor.net.json"), "--log", tmp("a.csv")} + run);
    QVERIFY2(a.exitCode == 0, qPrintable(gradlab::test::describe(a)));
    const QStringList flags = {"--optimizer", "momentum", "--lr", "0.2", "--batch", "4", "--seed", "3"};
    auto b = runCli(QStringList{"train", sourcePath("examples/xor-mlp.net.json"), "--log",
                                tmp("b.csv")} + run + flags);
    QVERIFY2(b.exitCode == 0, qPrintable(gradlab::test::describe(b)));
    QCOMPARE(logRows(tmp("a.csv")).count('\n'), 60);
    QCOMPARE(logRows(tmp("a.csv")), logRows(tmp("b.csv")));

    a = runCli(QStringList{"train", tmp("xor.net.json"), "--lr", "0.05", "--log", tmp("c.csv")} + run);
    QVERIFY2(a.exitCode == 0, qPrintable(gradlab::test::describe(a)));
    QStringList over = flags;
    over[over.indexOf("--lr") + 1] = "0.05";
    b = runCli(QStringList{"train", sourcePath("examples/xor-mlp.net.json"), "--log",
                           tmp("d.csv")} + run + over);
    QVERIFY2(b.exitCode == 0, qPrintable(gradlab::test::describe(b)));
    QCOMPARE(logRows(tmp("c.csv")), logRows(tmp("d.csv")));
    QVERIFY(logRows(tmp("c.csv")) != logRows(tmp("a.csv")));
  }

  void cliRefusesABadTrainingObject() {
    writeFile(tmp("bad.net.json"), xorWith(json::parse(R"({"lr": 0.1, "momentum": 0.9})")));
    EXPECT_CLEAN_FAILURE(runCli({"train", tmp("bad.net.json"), "--dataset", "xor", "--steps", "5"}),
                         "bad.net.json: training: unknown key \"momentum\"");
  }
};

QTEST_GUILESS_MAIN(TestTrainingSettings)
#include "tst_training_settings.moc"
