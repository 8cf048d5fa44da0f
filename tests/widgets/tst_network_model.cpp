// The editor's model (widgets/editor/network_model.h) without any window: blocks added and
// wired through its helpers, the analysis (problems and shapes) following every edit, undo
// and redo back to the exact spec, a network file imported as one undoable edit and laid out,
// and the signals the canvas and the trainer listen to.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "blocks/registry.h"
#include "editor/network_model.h"
#include "support/cli_runner.h"

using namespace gradlab;
using gradlab::widgets::NetworkModel;

namespace {
std::string json(const NetworkSpec& s) { return toJson(s).dump(); }

// x1 (Input [2]) -> h1 (Dense 8 tanh) -> h2 (Dense 2) -> cross_entropy, built with the
// model's own helpers.
void buildSmallNetwork(NetworkModel& m) {
  QCOMPARE(m.addBlock("Input", {0, 0}), QString("x1"));
  m.setParam("x1", "shape", {2});
  QCOMPARE(m.addBlock("Dense", {240, 0}), QString("h1"));
  m.setParam("h1", "activation", "tanh");
  QCOMPARE(m.addBlock("Dense", {480, 0}), QString("h2"));
  m.setParam("h2", "units", 2);
  m.connectBlocks("x1", "h1");
  m.connectBlocks("h1", "h2");
  m.edit("Loss", [](NetworkSpec& s) { s.loss = {"cross_entropy", "h2"}; });
}

bool mentions(const std::vector<Problem>& problems, const char* text) {
  for (const Problem& p : problems)
    if (p.message.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

class TestNetworkModel : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  // Add, wire, set: the spec, the analysis and the loss follow; a block without input is a
  // problem named for it until it is wired.
  void buildWithTheHelpers() {
    NetworkModel m;
    QVERIFY(m.spec().blocks.empty());
    QCOMPARE(m.addBlock("Input", {10.4, -20.6}), QString("x1"));
    QCOMPARE(m.addBlock("Dense", {240, 0}), QString("h1"));
    QCOMPARE(NetworkModel::position(*m.spec().find("x1")), QPointF(10, -21));  // whole pixels
    QCOMPARE(paramInt(*m.spec().find("h1"), "units"), int64_t(8));  // required: a sensible start
    QVERIFY2(!m.analysis().problemsOf("h1").empty(), "a Dense without input is not a problem");
    m.connectBlocks("x1", "h1");
    QCOMPARE(m.spec().edges.size(), size_t(1));
    QVERIFY2(m.analysis().ok(), describe(m.analysis().problems).c_str());
    // The loss reads the only block nothing consumes, as soon as there is one.
    QCOMPARE(m.spec().loss.block, std::string("h1"));
    QCOMPARE(m.spec().loss.type, std::string("cross_entropy"));
    QCOMPARE(m.analysis().outShapes.at("h1"), Shape{8});
    QCOMPARE(m.analysis().paramCounts.at("h1"), int64_t(2 * 8 + 8));  // Input's default [2]

    // What the canvas refuses to wire, with the reason it shows.
    QString why;
    QVERIFY(!m.canConnect("x1", "h1", &why));
    QCOMPARE(why, QString("already connected"));
    QVERIFY(!m.canConnect("h1", "h1", &why));
    QCOMPARE(why, QString("a block cannot feed itself"));
    QVERIFY(!m.canConnect("h1", "x1", &why));
    QCOMPARE(why, QString("Input takes no input"));
    QVERIFY(!m.canConnect("h1", "nope", &why));
    QCOMPARE(why, QString("no such block"));
    QCOMPARE(m.addBlock("Dense", {480, 0}), QString("h2"));
    QVERIFY(!m.canConnect("h2", "h1", &why));
    QVERIFY2(why.contains("remove the existing edge first"), qPrintable(why));
    const size_t edges = m.spec().edges.size();
    m.connectBlocks("h1", "x1");  // refused: nothing changes
    QCOMPARE(m.spec().edges.size(), edges);
  }

  // A bad edit shows as a problem on its block saying what to do; undo takes it away.
  void problemsFollowEdits() {
    NetworkModel m;
    buildSmallNetwork(m);
    QVERIFY2(m.analysis().ok(), describe(m.analysis().problems).c_str());
    m.setParam("h1", "units", -4);
    const auto problems = m.analysis().problemsOf("h1");
    QCOMPARE(problems.size(), size_t(1));
    QCOMPARE(problems[0].message, std::string("Dense \"units\" must be between 1 and 1000000, got -4"));
    QVERIFY(!m.analysis().outShapes.count("h1"));
    m.undoStack()->undo();
    QVERIFY2(m.analysis().ok(), describe(m.analysis().problems).c_str());

    // A convolution on a flat input: the problem names the block and the fix.
    const QString c = m.addBlock("Conv2D", {720, 0});
    m.removeItems({}, {{"h1", "h2"}});
    m.connectBlocks("h1", c);
    const auto conv = m.analysis().problemsOf(c.toStdString());
    QVERIFY2(mentions(conv, "Reshape"), describe(conv).c_str());
    // Deleting a block deletes its edges with it.
    m.removeItems({c}, {});
    QVERIFY(!m.spec().find(c.toStdString()));
    for (const Edge& e : m.spec().edges) QVERIFY(e.from != c.toStdString() && e.to != c.toStdString());
  }

  // Every edit is one step on the undo stack; undoing all gives back the exact spec, redoing
  // all the edited one. An edit that changes nothing is not a step.
  void undoAndRedo() {
    NetworkModel m;
    buildSmallNetwork(m);
    const std::string built = json(m.spec());
    const int base = m.undoStack()->index();
    QCOMPARE(m.undoStack()->count(), base);

    m.setParam("h2", "units", 2);  // already 2
    QCOMPARE(m.undoStack()->index(), base);
    m.edit("nothing", [](NetworkSpec&) {});
    QCOMPARE(m.undoStack()->index(), base);

    m.setParam("h1", "units", 16);
    m.moveBlocks({{"h2", QPointF(500, 120)}});
    m.removeItems({"h1"}, {});
    QCOMPARE(m.undoStack()->index(), base + 3);
    QCOMPARE(m.undoStack()->undoText(), QString("Delete h1"));
    QVERIFY(!m.spec().find("h1"));
    QVERIFY(m.spec().edges.empty());
    const std::string edited = json(m.spec());

    while (m.undoStack()->index() > base) m.undoStack()->undo();
    QCOMPARE(json(m.spec()), built);
    QVERIFY(m.analysis().ok());
    while (m.undoStack()->canRedo()) m.undoStack()->redo();
    QCOMPARE(json(m.spec()), edited);
    QVERIFY(!m.analysis().problemsOf("h2").empty());  // h2 has lost its input again
    while (m.undoStack()->index() > 0) m.undoStack()->undo();
    QVERIFY(m.spec().blocks.empty());
  }

  // The trainer rebuilds on engineSpecChanged only: moving a block is not such a change.
  void changeSignals() {
    NetworkModel m;
    buildSmallNetwork(m);
    QSignalSpy changed(&m, &NetworkModel::changed);
    QSignalSpy engine(&m, &NetworkModel::engineSpecChanged);
    m.moveBlocks({{"h1", QPointF(250, 40)}});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(engine.count(), 0);
    m.setParam("h1", "units", 4);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(engine.count(), 1);
    m.undoStack()->undo();  // units back to 8
    QCOMPARE(engine.count(), 2);
    m.undoStack()->undo();  // the position back
    QCOMPARE(changed.count(), 4);
    QCOMPARE(engine.count(), 2);
  }

  // File › Import Network: a hand-written file (no canvas positions) replaces the network as
  // one undoable edit and is laid out left to right; Open (setSpec) starts a fresh history.
  void importANetworkFile() {
    const QString path = test::writeFile(dir_.filePath("mlp.net.json"), R"({
      "format": "gradlab.network/1",
      "blocks": [{"id": "in", "type": "Input", "shape": [2]},
                 {"id": "a", "type": "Dense", "units": 6, "activation": "relu"},
                 {"id": "b", "type": "Dense", "units": 6, "activation": "relu"},
                 {"id": "out", "type": "Dense", "units": 2}],
      "edges": [["in", "a"], ["a", "b"], ["b", "out"]],
      "loss": {"type": "cross_entropy", "block": "out"}})");
    const NetworkSpec file = loadNetwork(path.toStdString());
    QVERIFY(!NetworkModel::placed(file));

    NetworkModel m;
    buildSmallNetwork(m);
    const std::string before = json(m.spec());
    const int base = m.undoStack()->index();
    m.importSpec(file, "Import mlp.net.json");
    QCOMPARE(m.undoStack()->index(), base + 1);
    QCOMPARE(m.undoStack()->undoText(), QString("Import mlp.net.json"));
    QCOMPARE(NetworkModel::engineJson(m.spec()), NetworkModel::engineJson(file));
    QVERIFY2(m.analysis().ok(), describe(m.analysis().problems).c_str());
    QCOMPARE(m.analysis().totalParams, int64_t(2 * 6 + 6 + 6 * 6 + 6 + 6 * 2 + 2));
    // Laid out: every block placed, each a column further right along the chain.
    QVERIFY(NetworkModel::placed(m.spec()));
    double x = -1e9;
    for (const char* id : {"in", "a", "b", "out"}) {
      const double next = NetworkModel::position(*m.spec().find(id)).x();
      QVERIFY2(next > x, id);
      x = next;
    }
    m.undoStack()->undo();  // the import and its layout go in one step
    QCOMPARE(json(m.spec()), before);
    m.undoStack()->redo();
    QCOMPARE(NetworkModel::engineJson(m.spec()), NetworkModel::engineJson(file));

    m.setSpec(file);
    QCOMPARE(m.undoStack()->count(), 0);
    QVERIFY(m.undoStack()->isClean());
    QVERIFY(NetworkModel::placed(m.spec()));
  }
};

QTEST_GUILESS_MAIN(TestNetworkModel)
#include "tst_network_model.moc"
