// Network files and validation: every malformed input gives an error naming the file and the
// place; every invalid network gives one problem per fault, naming its block and the fix.
#include <QtTest>

#include "network/network.h"
#include "spec/analysis.h"
#include "spec/network_spec.h"
#include "util/error.h"

using namespace gradlab;

namespace {
const char* kXor = R"({"format": "gradlab.network/1", "name": "xor",
  "blocks": [{"id": "x", "type": "Input", "shape": [2]},
             {"id": "h1", "type": "Dense", "units": 4, "activation": "tanh"},
             {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
  "edges": [["x", "h1"], ["h1", "out"]],
  "loss": {"type": "bce", "block": "out"}})";

QString parseError(const std::string& text) {
  try {
    parseNetwork(text, "net.json");
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// Analysis of kXor after `edit`, all problems joined.
QString problems(const std::function<void(NetworkSpec&)>& edit) {
  NetworkSpec s = parseNetwork(kXor, "net.json");
  edit(s);
  return QString::fromStdString(describe(analyze(s).problems));
}
}  // namespace

class TestNetworkSpec : public QObject {
  Q_OBJECT
 private slots:
  void validNetwork() {
    const NetworkSpec s = parseNetwork(kXor, "net.json");
    const Analysis a = analyze(s);
    QVERIFY2(a.ok(), describe(a.problems).c_str());
    QCOMPARE(a.outShapes.at("h1"), Shape{4});
    QCOMPARE(a.paramCounts.at("h1"), int64_t(2 * 4 + 4));
    QCOMPARE(a.totalParams, int64_t(12 + 5));
    QCOMPARE(a.order, (std::vector<std::string>{"x", "h1", "out"}));
  }
  void roundTrip() {
    NetworkSpec s = parseNetwork(kXor, "net.json");
    s.blocks[1].ui = {{"x", 10}, {"y", 20}};
    const NetworkSpec t = parseNetwork(toJson(s).dump(), "again.json");
    QCOMPARE(toJson(t), toJson(s));
    QCOMPARE(t.blocks[1].ui["x"].get<int>(), 10);
  }

  void malformed_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("truncated") << R"({"blocks": [{"id": "x", )" << "net.json:1:";
    QTest::newRow("bad token on line 3") << "{\n\"blocks\": [],\n\"edges\": [,]\n}" << "net.json:3:";
    QTest::newRow("not an object") << "[1, 2]" << "net.json: a network file holds one JSON object";
    QTest::newRow("no blocks") << R"({"edges": []})" << "net.json: blocks: missing";
    QTest::newRow("block without id") << R"({"blocks": [{"type": "Dense"}]})" << "blocks[0]: needs an \"id\"";
    QTest::newRow("block without type") << R"({"blocks": [{"id": "h"}]})" << "blocks[0] (\"h\"): needs a \"type\"";
    QTest::newRow("duplicate id") << R"({"blocks": [{"id": "h", "type": "Add"}, {"id": "h", "type": "Add"}]})" << "used twice";
    QTest::newRow("bad edge") << R"({"blocks": [], "edges": [["a"]]})" << "edges[0]: each edge is a pair";
    QTest::newRow("wrong format tag") << R"({"format": "other/2", "blocks": []})" << "format: expected";
    QTest::newRow("bad loss") << R"({"blocks": [], "loss": "bce"})" << "loss: must be an object";
  }
  void malformed() {
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const QString err = parseError(text.toStdString());
    QVERIFY2(err.contains(expected), qPrintable("got: " + err));
  }

  void invalid_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown type") << 0 << "h1: unknown block type \"Dense2\"";
    QTest::newRow("wrong parameter type") << 1 << "h1: Dense \"units\" must be a whole number, got \"four\"";
    QTest::newRow("parameter out of range") << 2 << "h1: Dense \"units\" must be between 1 and 1000000, got 0";
    QTest::newRow("misspelt parameter") << 3 << "did you mean \"units\"";
    QTest::newRow("bad activation") << 4 << "\"activation\" must be one of";
    QTest::newRow("cycle") << 5 << "part of a cycle";
    QTest::newRow("unconnected block") << 6 << "lonely: is not connected";
    QTest::newRow("no input edge") << 7 << "out: Dense has no input";
    QTest::newRow("missing loss") << 8 << "network: has no loss";
    QTest::newRow("loss on missing block") << 9 << "does not exist";
    QTest::newRow("shape mismatch") << 10 << "sum: Add inputs must have one shape, got 4 and 2";
    QTest::newRow("edge to unknown block") << 11 << "which is not a block";
    QTest::newRow("cross_entropy on 1 output") << 12 << "needs one output per class";
    QTest::newRow("two inputs") << 13 << "second Input block";
    QTest::newRow("image into Dense") << 14 << "expects a flat input, got 1×28×28 — insert Flatten";
    QTest::newRow("missing required") << 15 << "needs \"units\"";
  }
  void invalid() {
    QFETCH(int, which);
    QFETCH(QString, expected);
    const QString got = problems([which](NetworkSpec& s) {
      switch (which) {
        case 0: s.find("h1")->type = "Dense2"; break;
        case 1: s.find("h1")->params["units"] = "four"; break;
        case 2: s.find("h1")->params["units"] = 0; break;
        case 3: s.find("h1")->params.erase("units"); s.find("h1")->params["unit"] = 4; break;
        case 4: s.find("h1")->params["activation"] = "swish"; break;
        case 5: s.edges.push_back({"out", "h1"}); break;
        case 6: s.blocks.push_back({"lonely", "Dense", {{"units", 2}}, {}}); break;
        case 7: s.edges.erase(s.edges.begin() + 1); break;
        case 8: s.loss = {}; break;
        case 9: s.loss.block = "nowhere"; break;
        case 10:
          s.blocks.push_back({"sum", "Add", {}, {}});
          s.edges.push_back({"h1", "sum"});
          s.edges.push_back({"x", "sum"});
          s.edges.push_back({"sum", "out"});
          s.edges.erase(s.edges.begin() + 1);
          break;
        case 11: s.edges.push_back({"h1", "ghost"}); break;
        case 12: s.loss.type = "cross_entropy"; break;
        case 13: s.blocks.push_back({"x2", "Input", {{"shape", {2}}}, {}}); s.edges.push_back({"x2", "h1"}); break;
        case 14: s.find("x")->params["shape"] = {1, 28, 28}; break;
        case 15: s.find("h1")->params.erase("units"); break;
      }
    });
    QVERIFY2(got.contains(expected), qPrintable("got:\n" + got));
  }
  void everyProblemAtOnce() {
    const Analysis a = analyze(parseNetwork(R"({"blocks": [
        {"id": "x", "type": "Input", "shape": [2]},
        {"id": "h", "type": "Dense", "units": "many"},
        {"id": "y", "type": "Nope"}], "edges": [["x", "h"]]})", "n.json"));
    QVERIFY(a.problems.size() >= 3);  // bad units, unknown type, no loss
  }
  void compileRefusesInvalid() {
    NetworkSpec s = parseNetwork(kXor, "net.json");
    s.find("h1")->params["units"] = -3;
    try {
      Network net(s, cpuBackend(), DType::F32, 1);
      QFAIL("compiled an invalid network");
    } catch (const Error& e) {
      QVERIFY(QString(e.what()).contains("h1: Dense \"units\""));
    }
  }
  void examplesAreValid() {
    for (const char* f : {"xor-mlp", "xor-linear", "spiral", "residual-concat"}) {
      const auto s = loadNetwork(std::string(GRADLAB_SOURCE_DIR) + "/examples/" + f + ".net.json");
      const Analysis a = analyze(s);
      QVERIFY2(a.ok(), (std::string(f) + ": " + describe(a.problems)).c_str());
    }
  }
};

QTEST_APPLESS_MAIN(TestNetworkSpec)
#include "tst_network_spec.moc"
