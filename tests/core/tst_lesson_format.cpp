// The lesson format (lessons/README.md) as a lecturer writes it: a complete lesson parses into
// its titles, inherited setups, actions, checks and variants; each kind of mistake gives an
// Error "…/lesson.md:LINE: …" naming the line it is on — never a crash.
#include <QTemporaryDir>
#include <QtTest>

#include "lesson/check_expr.h"
#include "lesson/lesson.h"
#include "support/error_text.h"
#include "util/error.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

// A complete lesson; line numbers matter to the malformed cases below.
const QStringList kLesson = {
    "# XOR and the limits of one layer",                   // 1
    "",                                                    // 2
    "```gradlab",                                          // 3
    "topic: 4",                                            // 4
    "group: Basics",                                       // 5
    "```",                                                 // 6
    "Four points, opposite corners alike.",                // 7
    "## One neuron",                                       // 8
    "A single Dense unit draws one line.",                 // 9
    "```gradlab",                                          // 10
    "network: xor-linear",                                 // 11
    "data: xor points=200 noise=0.05 test=0.5 seed=1",     // 12
    "optimizer: adam",                                     // 13
    "lr: 0.03   # a comment",                              // 14
    "batch: 10",                                           // 15
    "seed: 1",                                             // 16
    "speed: 200",                                          // 17
    "views: boundary loss",                                // 18
    "do: play 2000",                                       // 19
    "check: test.accuracy < 0.8",                          // 20
    "hint: Look at the boundary: it is a straight line.",  // 21
    "```",                                                 // 22
    "## One hidden layer",                                 // 23
    "````markdown",                                        // 24
    "```gradlab",                                          // 25  (an example inside prose)
    "lr: not parsed",                                      // 26
    "```",                                                 // 27
    "````",                                                // 28
    "```gradlab",                                          // 29
    "network: xor-mlp",                                    // 30
    "h1.activation: relu",                                 // 31
    "h1.units: 8",                                         // 32
    "do: play 500",                                        // 33
    "do: set lr=0.1 h1.activation=tanh",                   // 34
    "do: reset",                                           // 35
    "check: test.accuracy >= 0.95",                        // 36
    "```",                                                 // 37
    "## Side by side",                                     // 38
    "```gradlab",                                          // 39
    "variant: slow: lr=0.001",                             // 40
    "variant: fast-1: lr=0.1 h1.units=16",                 // 41
    "check: test.loss@fast-1 < test.loss@slow",            // 42
    "```",                                                 // 43
    "## Prose only",                                       // 44
    "Text.",                                               // 45
};

QTemporaryDir& dir() {
  static QTemporaryDir d;
  return d;
}
std::string lessonPath() { return (dir().path() + "/04-xor/lesson.md").toStdString(); }
Lesson parse(const QStringList& lines) {
  return parseLesson((lines.join('\n') + '\n').toStdString(), lessonPath());
}
QStringList replaced(int line, const QString& text) {
  QStringList l = kLesson;
  l[line - 1] = text;
  return l;
}

}  // namespace

class TestLessonFormat : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { QVERIFY(QDir(dir().path()).mkpath("04-xor")); }

  void completeLesson() {
    const Lesson l = parse(kLesson);
    QCOMPARE(l.id, std::string("04-xor"));
    QCOMPARE(l.title, std::string("XOR and the limits of one layer"));
    QCOMPARE(l.topic, 4);
    QCOMPARE(l.group, std::string("Basics"));
    QCOMPARE(l.markdown, std::string("Four points, opposite corners alike."));
    QCOMPARE(l.steps.size(), size_t(4));

    const LessonStep& s1 = l.steps[0];
    QCOMPARE(s1.title, std::string("One neuron"));
    QCOMPARE(s1.line, 8);
    QCOMPARE(s1.markdown, std::string("A single Dense unit draws one line."));
    QVERIFY(s1.setup.networkPath.ends_with("examples/xor-linear.net.json"));
    QCOMPARE(s1.setup.data.builtin, std::string("xor"));
    QCOMPARE(s1.setup.data.points, 200);
    QCOMPARE(s1.setup.data.noise, 0.05);
    QCOMPARE(s1.setup.data.testFraction, 0.5);
    QCOMPARE(s1.setup.data.seed, uint64_t(1));
    QCOMPARE(s1.setup.training.optimizer, std::string("adam"));
    QCOMPARE(*s1.setup.training.lr, 0.03);
    QCOMPARE(s1.setup.training.batch, int64_t(10));
    QCOMPARE(s1.setup.training.seed, uint64_t(1));
    QCOMPARE(s1.setup.speed, 200.0);
    QCOMPARE(s1.setup.views, (std::vector<std::string>{"boundary", "loss"}));
    QCOMPARE(s1.actions.size(), size_t(1));
    QCOMPARE(s1.actions[0].kind, LessonAction::Kind::Play);
    QCOMPARE(s1.actions[0].steps, int64_t(2000));
    QCOMPARE(s1.checks.size(), size_t(1));
    QCOMPARE(s1.checks[0].text, std::string("test.accuracy < 0.8"));
    QCOMPARE(s1.checks[0].line, 20);
    QCOMPARE(s1.hints, std::vector<std::string>{"Look at the boundary: it is a straight line."});

    // The second step keeps the data, optimizer, views; a new network with its block settings.
    const LessonStep& s2 = l.steps[1];
    QVERIFY(s2.setup.networkPath.ends_with("examples/xor-mlp.net.json"));
    QCOMPARE(s2.setup.network.find("h1")->params["activation"], nlohmann::json("relu"));
    QCOMPARE(s2.setup.network.find("h1")->params["units"], nlohmann::json(8));
    QCOMPARE(s2.setup.data, s1.setup.data);
    QCOMPARE(*s2.setup.training.lr, 0.03);
    QCOMPARE(s2.setup.views, s1.setup.views);
    QVERIFY2(s2.markdown.find("lr: not parsed") != std::string::npos,
             "a gradlab block inside a longer fence is prose");
    QCOMPARE(s2.actions.size(), size_t(3));
    QCOMPARE(s2.actions[1].kind, LessonAction::Kind::Set);
    QCOMPARE(s2.actions[1].line, 34);
    QCOMPARE(s2.actions[1].settings.size(), size_t(2));
    QCOMPARE(s2.actions[1].settings[1].key, std::string("h1.activation"));
    QCOMPARE(s2.actions[1].settings[1].value, std::string("tanh"));
    QCOMPARE(s2.actions[2].kind, LessonAction::Kind::Reset);

    // Variants: the step's setup with their settings over it.
    const LessonStep& s3 = l.steps[2];
    QCOMPARE(s3.variants.size(), size_t(2));
    QCOMPARE(s3.variants[0].name, std::string("slow"));
    QCOMPARE(*s3.variants[0].setup.training.lr, 0.001);
    QCOMPARE(s3.variants[1].name, std::string("fast-1"));
    QCOMPARE(*s3.variants[1].setup.training.lr, 0.1);
    QCOMPARE(s3.variants[1].setup.network.find("h1")->params["units"], nlohmann::json(16));
    QCOMPARE(s3.variants[0].setup.network.find("h1")->params["units"], nlohmann::json(8));
    const auto refs = s3.checks[0].expr->references();
    QCOMPARE(refs.size(), size_t(2));
    QCOMPARE(refs[0].second, std::string("fast-1"));
    QCOMPARE(refs[1].second, std::string("slow"));

    const LessonStep& s4 = l.steps[3];
    QCOMPARE(s4.markdown, std::string("Text."));
    QVERIFY(s4.checks.empty() && s4.actions.empty() && s4.variants.empty());
    QVERIFY2(s4.setup.networkPath.ends_with("xor-mlp.net.json"), "a prose step keeps the setup");
  }

  // A network file's own training settings apply (as the window opens it), the step's over them.
  // A data path relative to the lesson's folder may name a file or a folder of images (one
  // sub-folder per class); a name too long for the file system is "does not exist", not a crash.
  void dataFileOrImageFolder() {
    QVERIFY(QDir(dir().path()).mkpath("04-xor/photos/cat"));
    QFile csv(dir().path() + "/04-xor/points.csv");
    QVERIFY(csv.open(QIODevice::WriteOnly));
    csv.write("a,b,y\n1,2,0\n");
    csv.close();
    const LessonStep folder = parse(replaced(12, "data: photos/")).steps[0];
    QVERIFY(folder.setup.data.builtin.empty());
    QVERIFY2(folder.setup.data.path.ends_with("04-xor/photos/"), folder.setup.data.path.c_str());
    const LessonStep file = parse(replaced(12, "data: points.csv")).steps[0];
    QVERIFY2(file.setup.data.path.ends_with("04-xor/points.csv"), file.setup.data.path.c_str());
    VERIFY_ERROR(errorOf([] { parse(replaced(12, "data: " + QString(5000, 'x') + ".csv")); }),
                 QString::fromStdString(lessonPath()) + ":12: data file xxx");
  }

  void networkFileTrainingSettings() {
    const Lesson l = parse({"# T", "## Its own", "```gradlab", "network: fashion-cnn",
                            "data: fashion-mnist points=100", "lr: 0.03", "batch: 10", "```",
                            "## Again", "```gradlab", "network: fashion-cnn", "```",
                            "## Over it", "```gradlab", "lr: 0.01", "```"});
    QCOMPARE(*l.steps[0].setup.training.lr, 0.03);  // given in the same step: the lesson's
    QCOMPARE(l.steps[0].setup.training.batch, int64_t(10));
    QCOMPARE(*l.steps[1].setup.training.lr, 0.002);  // examples/fashion-cnn.net.json's
    QCOMPARE(l.steps[1].setup.training.batch, int64_t(32));
    QCOMPARE(*l.steps[2].setup.training.lr, 0.01);
    QCOMPARE(l.steps[2].setup.training.batch, int64_t(32));
  }

  // The example in lessons/README.md, the format's one reference, is a lesson that parses.
  void readmeExampleParses() {
    QFile f(QString(GRADLAB_SOURCE_DIR) + "/lessons/README.md");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString readme = QString::fromUtf8(f.readAll());
    const qsizetype begin = readme.indexOf("````markdown\n");
    QVERIFY(begin >= 0);
    const qsizetype end = readme.indexOf("````", begin + 12);
    QVERIFY(end > begin);
    const std::string text = readme.mid(begin + 12, end - begin - 12).toStdString();
    const Lesson l = parseLesson(text, lessonPath());
    QCOMPARE(l.title, std::string("XOR and the limits of one layer"));
    QCOMPARE(l.steps.size(), size_t(2));
    QCOMPARE(l.steps[1].setup.data, l.steps[0].setup.data);
    QCOMPARE(l.steps[1].checks.size(), size_t(1));
  }

  void malformed_data() {
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown key") << replaced(16, "sed: 1") << 16 << "unknown key \"sed\"";
    QTest::newRow("bad number") << replaced(14, "lr: 0.o3") << 14 << "lr must be a number";
    QTest::newRow("negative batch") << replaced(15, "batch: -2") << 15 << "batch must be between";
    QTest::newRow("unknown optimizer") << replaced(13, "optimizer: adamw") << 13 << "adamw";
    QTest::newRow("unknown metric") << replaced(20, "check: test.acc < 0.8") << 20
                                    << "unknown metric \"test.acc\"";
    QTest::newRow("unknown variant") << replaced(42, "check: test.loss@quick < test.loss@slow")
                                     << 42 << "unknown variant \"quick\"";
    QTest::newRow("variant without variants") << replaced(36, "check: test.loss@slow < 1") << 36
                                              << "no variant";
    QTest::newRow("missing network file") << replaced(11, "network: nets/missing.net.json") << 11
                                          << "does not exist";
    QTest::newRow("unknown network") << replaced(30, "network: xor-nope") << 30
                                     << "no network \"xor-nope\"";
    QTest::newRow("unknown view") << replaced(18, "views: boundary sparkle") << 18
                                  << "unknown view \"sparkle\"";
    QTest::newRow("check without operator") << replaced(36, "check: test.accuracy") << 36
                                            << "no comparison";
    QTest::newRow("two comparisons") << replaced(36, "check: 0.9 < test.accuracy < 1") << 36
                                     << "one comparison per check";
    QTest::newRow("unclosed fence") << replaced(43, "") << 39 << "never closed";
    QTest::newRow("unknown block") << replaced(31, "h9.activation: relu") << 31
                                   << "no block \"h9\"";
    QTest::newRow("bad block value") << replaced(31, "h1.activation: relux") << 31 << "relux";
    QTest::newRow("unknown action") << replaced(33, "do: jump 3") << 33 << "unknown action";
    QTest::newRow("play without steps") << replaced(33, "do: play") << 33 << "play takes";
    QTest::newRow("set without =") << replaced(34, "do: set lr") << 34 << "KEY=VALUE";
    QTest::newRow("one variant") << replaced(40, "# only one") << 41 << "2 to 4 variants";
    QTest::newRow("duplicate variant") << replaced(41, "variant: slow: lr=0.1") << 41
                                       << "two variants are named";
    QTest::newRow("unknown data set") << replaced(12, "data: spirals") << 12
                                      << "unknown data set \"spirals\"";
    QTest::newRow("unknown data option") << replaced(12, "data: xor dots=3") << 12
                                         << "unknown data option \"dots\"";
    QTest::newRow("no colon") << replaced(15, "batch 10") << 15 << "is not KEY: VALUE";
    QTest::newRow("topic in a step") << replaced(16, "topic: 3") << 16 << "lesson's block";
    QTest::newRow("check in the lesson block") << replaced(5, "check: steps > 1") << 5
                                               << "belongs in a step";
    QTest::newRow("given twice") << replaced(16, "lr: 0.1") << 16 << "given twice";
    // Read by nlohmann's parse, copying this value recursed until the stack ran out.
    QTest::newRow("a value nested 100 000 deep")
        << replaced(32, "h1.units: " + QString(100000, '[') + QString(100000, ']')) << 32
        << "\"units\" must be a whole number";
    // Parsing this check recursed until the stack ran out.
    QTest::newRow("a check 200 000 characters long")
        << replaced(36, "check: " + QString(100000, '(') + "1" + QString(100000, ')') + " < 2") << 36
        << "200005 characters; a check holds at most 500";
    QStringList early = kLesson;
    early.prepend("## Too early");
    QTest::newRow("step before title") << early << 1 << "before the lesson's title";
    QStringList noNetwork = kLesson;
    noNetwork[10] = "# no network";
    QTest::newRow("a step that runs without a network") << noNetwork << 8 << "none is given";
  }

  void malformed() {
    QFETCH(QStringList, lines);
    QFETCH(int, line);
    QFETCH(QString, says);
    const QString e = errorOf([&] { parse(lines); });
    const QString where = QString::fromStdString(lessonPath()) + ":" + QString::number(line) + ": ";
    QVERIFY2(e.startsWith(where), qPrintable("got: " + e + "\nexpected it to start with: " + where));
    QVERIFY2(e.contains(says), qPrintable("got: " + e + "\nexpected it to say: " + says));
  }

  // Anything at all: an Error or a lesson, never a crash.
  void garbageNeverCrashes() {
    const QStringList junk = {"", "#", "# T", "# T\n##", "# T\n## S\n```gradlab\n:\n```",
                              "# T\n## S\n```gradlab\ncheck: ((((\n```", "\x01\x02```",
                              "# T\n## S\n```gradlab\nvariant: a\nvariant: b\ncheck: steps@a >\n```"};
    for (const QString& text : junk) {
      try {
        parseLesson(text.toStdString(), lessonPath());
      } catch (const Error&) {
      }
    }
  }

  void timeline() {
    QVERIFY(QDir(dir().path()).mkpath("tl/02-perceptron"));
    QFile(dir().path() + "/tl/02-perceptron/lesson.md").open(QIODevice::WriteOnly);
    const QString path = dir().path() + "/tl/timeline.md";
    auto write = [&](const QByteArray& text) {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(text);
    };
    write("# History\n\n- 1943: McCulloch and Pitts: a neuron as logic.\n"
          "- 1958: Rosenblatt's perceptron learns. [Lesson](02-perceptron)\n");
    const auto t = loadTimeline(path.toStdString());
    QCOMPARE(t.size(), size_t(2));
    QCOMPARE(t[0].year, 1943);
    QCOMPARE(t[0].lesson, std::string());
    QCOMPARE(t[1].text, std::string("Rosenblatt's perceptron learns."));
    QCOMPARE(t[1].lesson, std::string("02-perceptron"));
    QCOMPARE(t[1].line, 4);
    write("# History\n- 1986: Backprop. [Lesson](05-backprop)\n");
    QVERIFY(errorOf([&] { loadTimeline(path.toStdString()); }).contains("timeline.md:2: "));
    write("- in 1986: Backprop.\n");
    QVERIFY(errorOf([&] { loadTimeline(path.toStdString()); }).contains("timeline.md:1: "));
  }
};

QTEST_GUILESS_MAIN(TestLessonFormat)
#include "tst_lesson_format.moc"
