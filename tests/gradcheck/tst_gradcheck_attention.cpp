// Finite-difference gradient checks (double precision) for what a non-autoregressive
// encoder–decoder is built from: Attention (cross and self, with and without learned
// projections, and with large inputs that make the softmax sharp), Dense on every step of a
// sequence (identity, tanh and softmax, which runs over each step's units), RepeatVector
// (a fixed count, and the length of a second input, which gets no gradient) and
// PositionEncoding (learned and sinusoidal).
#include <QtTest>

#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;
using gradlab::test::GradCheckOptions;

class TestGradcheckAttention : public QObject {
  Q_OBJECT
 private slots:
  void attention_data() {
    QTest::addColumn<int>("units");
    QTest::addColumn<QString>("shapes");  // JSON list of input shapes
    QTest::addColumn<double>("scale");
    QTest::newRow("cross-projected") << 4 << "[[5, 3], [6, 2]]" << 1.0;
    QTest::newRow("cross-plain") << 0 << "[[5, 4], [7, 4]]" << 1.0;
    QTest::newRow("self-projected") << 3 << "[[6, 4]]" << 1.0;
    QTest::newRow("self-plain") << 0 << "[[6, 3]]" << 1.0;
    QTest::newRow("one-key") << 2 << "[[4, 3], [1, 3]]" << 1.0;
    QTest::newRow("sharp-softmax") << 3 << "[[5, 4], [6, 4]]" << 3.0;
  }
  void attention() {
    QFETCH(int, units);
    QFETCH(QString, shapes);
    QFETCH(double, scale);
    GradCheckOptions o;
    o.inputScale = scale;
    const auto s = nlohmann::json::parse(shapes.toStdString()).get<std::vector<Shape>>();
    EXPECT_GRADS(checkBlock(block("Attention", {{"units", units}}), s, o));
  }

  void densePerStep_data() {
    QTest::addColumn<QString>("activation");
    for (const char* a : {"identity", "tanh", "softmax"}) QTest::newRow(a) << a;
  }
  void densePerStep() {
    QFETCH(QString, activation);
    EXPECT_GRADS(checkBlock(block("Dense", {{"units", 5}, {"activation", activation.toStdString()}}),
                            {{4, 3}}));
  }

  void repeatVector() {
    EXPECT_GRADS(checkBlock(block("RepeatVector", {{"times", 4}}), {{3}}));
    EXPECT_GRADS(checkBlock(block("RepeatVector"), {{3}, {6, 2}}));
  }

  void positionEncoding_data() {
    QTest::addColumn<QString>("encoding");
    for (const char* e : {"learned", "sinusoidal"}) QTest::newRow(e) << e;
  }
  void positionEncoding() {
    QFETCH(QString, encoding);
    EXPECT_GRADS(checkBlock(block("PositionEncoding", {{"encoding", encoding.toStdString()}}),
                            {{5, 4}}));
  }
};

QTEST_GUILESS_MAIN(TestGradcheckAttention)
#include "tst_gradcheck_attention.moc"
