// Hostile JSON (issue 16): values nested 100 000 deep used to crash every JSON reader (nlohmann's
// dump() in the error path recursed until the stack ran out), keys given twice were silently
// taken, and messages echoed whole values. Each reader now refuses with a short message naming
// the file.
#include <QtTest>
#include <cstring>

#include "io/project.h"
#include "io/safetensors.h"
#include "spec/network_spec.h"
#include "support/error_text.h"
#include "util/json.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

std::string nested(int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); }

std::vector<char> safetensorsWithHeader(const std::string& header) {
  const uint64_t n = header.size();
  std::vector<char> out(8 + header.size());
  std::memcpy(out.data(), &n, 8);
  std::memcpy(out.data() + 8, header.data(), header.size());
  return out;
}

const std::string kNet = R"({"format": "gradlab.network/1", "blocks": [
  {"id": "x", "type": "Input", "shape": [2]},
  {"id": "out", "type": "Dense", "units": UNITS, "activation": "sigmoid"}],
  "edges": [["x", "out"]], "loss": {"type": "bce", "block": "out"}})";

std::string netWithUnits(const std::string& units) {
  std::string s = kNet;
  s.replace(s.find("UNITS"), 5, units);
  return s;
}

}  // namespace

class TstHostileJson : public QObject {
  Q_OBJECT
 private slots:
  void deepNestingInANetworkIsRefused() {
    const QString e = errorOf([] { parseNetwork(netWithUnits(nested(100000)), "deep.net.json"); });
    QVERIFY2(e.startsWith("deep.net.json: nested deeper than 64 levels"), qPrintable(e));
  }
  void deepNestingInASafetensorsHeaderIsRefused() {
    for (const char* key : {"shape", "dtype", "data_offsets"}) {
      std::string header = R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})";
      const std::string value = std::string(key) == "shape" ? "[1]" : key == std::string("dtype") ? "\"F32\"" : "[0, 4]";
      header.replace(header.find(value, header.find(key)), value.size(), nested(100000));
      const QString e = errorOf([&] { parseSafetensors(safetensorsWithHeader(header), "w.safetensors"); });
      QVERIFY2(e.startsWith("w.safetensors (header): nested deeper than 64 levels"), qPrintable(e));
    }
    const std::string meta = R"({"__metadata__": {"a": )" + nested(100000) + "}}";
    QVERIFY(errorOf([&] { parseSafetensors(safetensorsWithHeader(meta), "m.safetensors"); })
                .contains("nested deeper"));
  }
  void deepNestingInAProjectIsRefused() {
    const std::string text = R"({"format": "gradlab.project/1", "network": )" + nested(100000) + "}";
    const QString e = errorOf([&] { parseProject(text, "deep.gradlab"); });
    QVERIFY2(e.startsWith("deep.gradlab: nested deeper than 64 levels"), qPrintable(e));
  }
  void nestingWithinTheLimitParses() {
    QVERIFY(parseJson(nested(kMaxJsonDepth), "ok.json").is_array());
    QVERIFY(errorOf([] { parseJson(nested(kMaxJsonDepth + 1), "x.json"); }).contains("nested deeper"));
  }
  void aKeyGivenTwiceIsRefused() {
    const QString e = errorOf([] {
      parseNetwork(R"({"format": "gradlab.network/1", "blocks": [], "blocks": []})", "twice.net.json");
    });
    QVERIFY2(e.startsWith("twice.net.json: the key \"blocks\" is given twice"), qPrintable(e));
    const std::string header = R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                                   "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})";
    QVERIFY(errorOf([&] { parseSafetensors(safetensorsWithHeader(header), "d.safetensors"); })
                .contains("given twice"));
  }
  void messagesQuoteAShortExcerpt() {
    // A 120 KB value where a number belongs: the message quotes at most a short prefix.
    const std::string big = "\"" + std::string(120000, 'a') + "\"";
    const QString e = errorOf([&] { parseNetwork(netWithUnits(big), "big.net.json"); });
    if (!e.isEmpty()) QVERIFY2(e.size() < 400, qPrintable(e.left(400)));
    // Control bytes come out escaped, never raw on the terminal.
    const std::string excerpt = jsonExcerpt(nlohmann::json(std::string("\x01\x1b[31m\xff", 7)));
    for (char c : excerpt) QVERIFY(c >= 0x20 && c < 0x7f);
  }
  void aNumberBeyondADoubleIsNamed() {
    const QString e = errorOf([] { parseNetwork(netWithUnits("1e400"), "u.net.json"); });
    QCOMPARE(e, QString("u.net.json: not valid JSON (number overflow parsing '1e400'; numbers must fit a double)"));
  }
  void brokenJsonNamesLineAndColumn() {
    const QString e = errorOf([] { parseJson("{\n  \"a\": 1,\n  oops\n}", "bad.json"); });
    QVERIFY2(e.startsWith("bad.json:3:3: not valid JSON"), qPrintable(e));
  }
};

QTEST_APPLESS_MAIN(TstHostileJson)
#include "tst_hostile_json.moc"
