// The size limit of every JSON reader (issue 15): parseJson refuses text longer than
// kMaxJsonBytes before parsing it, naming the file — before, a network file of any size was
// parsed whole, and parsed JSON takes several times the memory of its text.
#include <QElapsedTimer>
#include <QtTest>

#include "spec/network_spec.h"
#include "support/error_text.h"
#include "util/json.h"

using namespace gradlab;
using gradlab::test::errorOf;

class TstJsonLimits : public QObject {
  Q_OBJECT
 private slots:
  void textOverTheLimitIsRefusedBeforeParsing() {
    // Leading spaces are valid JSON: only the size can be the reason.
    const std::string text = std::string(kMaxJsonBytes - 1, ' ') + "{}";
    QElapsedTimer t;
    t.start();
    VERIFY_ERROR(errorOf([&] { parseNetwork(text, "big.net.json"); }),
                 "big.net.json: 100000001 bytes of JSON; Gradlab reads at most 100 MB");
    QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed()) + " ms"));
  }

  void textAtTheLimitParses() {
    const std::string text = std::string(kMaxJsonBytes - 2, ' ') + "{}";
    QVERIFY(parseJson(text, "edge.json").is_object());
  }
};

QTEST_APPLESS_MAIN(TstJsonLimits)
#include "tst_json_limits.moc"
