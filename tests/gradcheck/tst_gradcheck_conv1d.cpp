// Finite-difference gradient checks (double precision) for the sequence convolution blocks:
// Conv1D with one and several features (the transposes between [T, F] and nn.Conv1d's
// [F, T]), strides, valid/same/numeric padding, activations and no bias; MaxPool1D with the
// stride equal to, smaller and larger than the window.
#include <QtTest>

#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;
using gradlab::test::GradCheckOptions;

class TestGradcheckConv1d : public QObject {
  Q_OBJECT
 private slots:
  void conv1d_data() {
    QTest::addColumn<QString>("params");  // JSON
    QTest::addColumn<QString>("shape");   // JSON [T, F]
    QTest::addColumn<int>("batch");
    QTest::newRow("valid-f3") << R"({"filters": 3, "kernel": 3})" << "[9, 3]" << 3;
    QTest::newRow("valid-f1") << R"({"filters": 4, "kernel": 5})" << "[11, 1]" << 3;
    QTest::newRow("same-s2") << R"({"filters": 2, "kernel": 3, "stride": 2, "padding": "same"})"
                             << "[10, 2]" << 2;
    QTest::newRow("pad2-k4-s3") << R"({"filters": 3, "kernel": 4, "stride": 3, "padding": 2})"
                                << "[13, 2]" << 2;
    QTest::newRow("one-output-step") << R"({"filters": 2, "kernel": 6})" << "[6, 3]" << 2;
    QTest::newRow("batch-1") << R"({"filters": 3, "kernel": 3, "padding": 1})" << "[7, 4]" << 1;
    QTest::newRow("no-bias") << R"({"filters": 2, "kernel": 3, "use_bias": false})" << "[8, 2]"
                             << 3;
    QTest::newRow("tanh-f1")
        << R"({"filters": 3, "kernel": 5, "padding": "same", "activation": "tanh"})" << "[12, 1]"
        << 3;
    QTest::newRow("relu-f2") << R"({"filters": 4, "kernel": 3, "activation": "relu"})" << "[9, 2]"
                             << 2;
  }
  void conv1d() {
    QFETCH(QString, params);
    QFETCH(QString, shape);
    QFETCH(int, batch);
    GradCheckOptions o;
    o.batch = batch;
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(checkBlock(block("Conv1D", nlohmann::json::parse(params.toStdString())), {s}, o));
  }

  void maxPool1d_data() {
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("shape");
    QTest::newRow("2") << R"({"size": 2})" << "[8, 3]";
    QTest::newRow("2 odd length") << R"({"size": 2})" << "[9, 2]";
    QTest::newRow("3 stride 2 (overlap)") << R"({"size": 3, "stride": 2})" << "[11, 2]";
    QTest::newRow("2 stride 3 (gaps)") << R"({"size": 2, "stride": 3})" << "[10, 1]";
    QTest::newRow("4 one feature") << R"({"size": 4})" << "[16, 1]";
  }
  void maxPool1d() {
    QFETCH(QString, params);
    QFETCH(QString, shape);
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(checkBlock(block("MaxPool1D", nlohmann::json::parse(params.toStdString())), {s}));
  }
};

QTEST_APPLESS_MAIN(TestGradcheckConv1d)
#include "tst_gradcheck_conv1d.moc"
