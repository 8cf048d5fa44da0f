// Finite-difference gradient checks (double precision) for the convolution and regularisation
// blocks: Conv2D (strides, valid/same/numeric padding, activations, no bias), MaxPool2D and
// AvgPool2D (stride equal to, smaller and larger than the window), Flatten, Reshape, Dropout
// with its mask held fixed, and BatchNorm in training mode on features and on images.
#include <QtTest>

#include "backend/backend.h"
#include "blocks/dropout.h"
#include "support/gradcheck.h"

using namespace gradlab;
using gradlab::test::block;
using gradlab::test::checkBlock;
using gradlab::test::GradCheckOptions;

class TestGradcheckConv : public QObject {
  Q_OBJECT
 private slots:
  void conv2d_data() {
    QTest::addColumn<QString>("params");  // JSON
    QTest::addColumn<QString>("shape");   // JSON [C, H, W]
    QTest::newRow("valid-s1") << R"({"filters": 3, "kernel": 3})"
                              << "[2, 6, 7]";
    QTest::newRow("valid-s2") << R"({"filters": 2, "kernel": 3, "stride": 2})"
                              << "[2, 7, 8]";
    QTest::newRow("same-s1") << R"({"filters": 3, "kernel": 3, "padding": "same"})"
                             << "[2, 5, 5]";
    QTest::newRow("same-s2-k5") << R"({"filters": 2, "kernel": 5, "stride": 2, "padding": "same"})"
                                << "[1, 7, 6]";
    QTest::newRow("pad1-s2") << R"({"filters": 2, "kernel": 3, "stride": 2, "padding": 1})"
                             << "[3, 6, 5]";
    QTest::newRow("pad2-k2-s3") << R"({"filters": 2, "kernel": 2, "stride": 3, "padding": 2})"
                                << "[2, 5, 7]";
    QTest::newRow("k1") << R"({"filters": 4, "kernel": 1})"
                        << "[3, 3, 4]";
    QTest::newRow("no-bias") << R"({"filters": 2, "kernel": 3, "use_bias": false})"
                             << "[2, 5, 5]";
    QTest::newRow("tanh")
        << R"({"filters": 3, "kernel": 3, "padding": "same", "activation": "tanh"})"
        << "[2, 5, 4]";
    QTest::newRow("sigmoid-s2")
        << R"({"filters": 2, "kernel": 3, "stride": 2, "activation": "sigmoid"})"
        << "[1, 7, 7]";
    QTest::newRow("relu") << R"({"filters": 3, "kernel": 3, "padding": 1, "activation": "relu"})"
                          << "[2, 4, 4]";
  }
  void conv2d() {
    QFETCH(QString, params);
    QFETCH(QString, shape);
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(checkBlock(block("Conv2D", nlohmann::json::parse(params.toStdString())), {s}));
  }

  void pool_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("params");
    QTest::addColumn<QString>("shape");
    for (const char* t : {"MaxPool2D", "AvgPool2D"}) {
      const QString type(t);
      QTest::newRow(qPrintable(type + " 2")) << type << R"({"size": 2})"
                                             << "[2, 6, 6]";
      QTest::newRow(qPrintable(type + " 2 odd input")) << type << R"({"size": 2})"
                                                       << "[1, 7, 5]";
      QTest::newRow(qPrintable(type + " 3 stride 2 (overlap)"))
          << type << R"({"size": 3, "stride": 2})"
          << "[2, 7, 7]";
      QTest::newRow(qPrintable(type + " 2 stride 3 (gaps)"))
          << type << R"({"size": 2, "stride": 3})"
          << "[2, 8, 7]";
      QTest::newRow(qPrintable(type + " 3 stride 1")) << type << R"({"size": 3, "stride": 1})"
                                                      << "[1, 5, 6]";
    }
  }
  void pool() {
    QFETCH(QString, type);
    QFETCH(QString, params);
    QFETCH(QString, shape);
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(
        checkBlock(block(type.toStdString(), nlohmann::json::parse(params.toStdString())), {s}));
  }

  void flatten() { EXPECT_GRADS(checkBlock(block("Flatten"), {{2, 3, 4}})); }
  void reshape() {
    EXPECT_GRADS(checkBlock(block("Reshape", {{"shape", {2, 3, 2}}}), {{12}}));
    EXPECT_GRADS(checkBlock(block("Reshape", {{"shape", {18}}}), {{2, 3, 3}}));
  }

  void dropoutFixedMask_data() {
    QTest::addColumn<double>("rate");
    QTest::newRow("0.3") << 0.3;
    QTest::newRow("0.5") << 0.5;
    QTest::newRow("0.8") << 0.8;
  }
  void dropoutFixedMask() {
    QFETCH(double, rate);
    GradCheckOptions o;
    o.batch = 4;
    o.prepare = [](Block& b) { dynamic_cast<DropoutBlock&>(b).setMaskFrozen(true); };
    EXPECT_GRADS(checkBlock(block("Dropout", {{"rate", rate}}), {{3, 2, 2}}, o));
    EXPECT_GRADS(checkBlock(block("Dropout", {{"rate", rate}}), {{7}}, o));
  }
  void dropoutEvaluation() {
    GradCheckOptions o;
    o.training = false;
    EXPECT_GRADS(checkBlock(block("Dropout", {{"rate", 0.5}}), {{6}}, o));
  }

  void batchNormTraining_data() {
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("batch");
    QTest::newRow("1d") << "[4]" << 5;
    QTest::newRow("1d batch 2") << "[3]" << 2;
    QTest::newRow("2d") << "[3, 3, 2]" << 3;
    QTest::newRow("2d batch 1") << "[2, 3, 3]" << 1;
  }
  void batchNormTraining() {
    QFETCH(QString, shape);
    QFETCH(int, batch);
    GradCheckOptions o;
    o.batch = batch;
    o.inputScale = 2.0;
    const auto s = nlohmann::json::parse(shape.toStdString()).get<Shape>();
    EXPECT_GRADS(checkBlock(block("BatchNorm"), {s}, o));
  }
};

QTEST_APPLESS_MAIN(TestGradcheckConv)
#include "tst_gradcheck_conv.moc"
