// Finite-difference gradient checks (double precision) for the blocks an image decoder grows
// its picture with: ConvTranspose2D (strides, padding, output_padding, activations, no bias,
// several channels) and Upsample2D (factors 1 to 3); and the messages both give for parameters
// that do not fit (before any gradient could be taken).
#include <QtTest>

#include "blocks/registry.h"
#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;

class TestGradcheckDecoder : public QObject {
  Q_OBJECT
 private slots:
  void convTranspose2d_data() {
    QTest::addColumn<QString>("params");  // JSON
    QTest::addColumn<QString>("shape");   // JSON [C, H, W]
    QTest::newRow("s1") << R"({"filters": 3, "kernel": 3})" << "[2, 3, 4]";
    QTest::newRow("s2") << R"({"filters": 2, "kernel": 3, "stride": 2})" << "[2, 3, 3]";
    QTest::newRow("s2-pad1-outpad1")
        << R"({"filters": 2, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1})"
        << "[3, 3, 2]";
    QTest::newRow("k2-s2") << R"({"filters": 1, "kernel": 2, "stride": 2})" << "[2, 2, 3]";
    QTest::newRow("k4-s3-pad2")
        << R"({"filters": 2, "kernel": 4, "stride": 3, "padding": 2, "output_padding": 2})"
        << "[1, 3, 3]";
    QTest::newRow("no-bias") << R"({"filters": 2, "kernel": 3, "use_bias": false})"
                             << "[2, 2, 2]";
    QTest::newRow("relu-s2")
        << R"({"filters": 3, "kernel": 3, "stride": 2, "padding": 1, "activation": "relu"})"
        << "[2, 3, 3]";
    QTest::newRow("sigmoid") << R"({"filters": 2, "kernel": 2, "activation": "sigmoid"})"
                             << "[3, 2, 3]";
  }
  void convTranspose2d() {
    QFETCH(QString, params);
    QFETCH(QString, shape);
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(
        checkBlock(block("ConvTranspose2D", nlohmann::json::parse(params.toStdString())), {s}));
  }

  void badParameters_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("message");
    QTest::newRow("output_padding >= stride")
        << "ConvTranspose2D" << R"({"filters": 2, "stride": 2, "output_padding": 2})"
        << "[1, 4, 4]" << "output_padding must be smaller than the stride (use 0 to 1)";
    QTest::newRow("padding empties the image")
        << "ConvTranspose2D" << R"({"filters": 2, "kernel": 3, "padding": 3})" << "[1, 2, 2]"
        << "would make an empty image";
    QTest::newRow("flat input") << "ConvTranspose2D" << R"({"filters": 2})" << "[784]"
                                << "insert Reshape [1, 28, 28]";
    QTest::newRow("upsample flat input") << "Upsample2D" << R"({"factor": 2})" << "[16]"
                                         << "insert Reshape [1, 4, 4]";
  }
  void badParameters() {
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, shape);
    QFETCH(QString, message);
    const BlockInfo* info = findBlockType(type.toStdString());
    QVERIFY(info);
    const BlockSpec spec = block(type.toStdString(), nlohmann::json::parse(params.toStdString()));
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    try {
      info->infer(spec, {s});
      QFAIL("accepted");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains(message), e.what());
    }
    if (type == "Upsample2D")
      QVERIFY2(!checkParams(*info, block("Upsample2D", {{"factor", 0}})).empty(),
               "factor 0 accepted");
  }

  void upsample2d_data() {
    QTest::addColumn<int>("factor");
    QTest::addColumn<QString>("shape");
    QTest::newRow("1") << 1 << "[2, 3, 3]";
    QTest::newRow("2") << 2 << "[3, 2, 3]";
    QTest::newRow("3") << 3 << "[2, 3, 2]";
  }
  void upsample2d() {
    QFETCH(int, factor);
    QFETCH(QString, shape);
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(checkBlock(block("Upsample2D", {{"factor", factor}}), {s}));
  }
};

QTEST_APPLESS_MAIN(TestGradcheckDecoder)
#include "tst_gradcheck_decoder.moc"
