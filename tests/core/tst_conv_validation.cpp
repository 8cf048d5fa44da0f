// Validation of convolutional and regularisation blocks: shapes that do not fit and bad
// parameters give clear problems naming the block and the fix; the right networks analyse
// to the expected shapes and parameter counts; data of the wrong shape is refused with a clear
// message, before any training, and so is a one-sample batch through BatchNorm in training.
#include <QtTest>

#include "backend/backend.h"
#include "blocks/conv2d.h"
#include "network/network.h"
#include "spec/analysis.h"
#include "train/trainer.h"
#include "util/error.h"

using namespace gradlab;
using nlohmann::json;

namespace {

// Input → the given blocks in a chain → the last one feeds a cross-entropy loss.
NetworkSpec chain(const json& input, const std::vector<json>& blocks) {
  json net = {{"format", "gradlab.network/1"},
              {"blocks", json::array({json{{"id", "x"}, {"type", "Input"}, {"shape", input}}})},
              {"edges", json::array()}};
  std::string prev = "x";
  for (const auto& b : blocks) {
    net["blocks"].push_back(b);
    net["edges"].push_back({prev, b["id"]});
    prev = b["id"];
  }
  net["loss"] = {{"type", "cross_entropy"}, {"block", prev}};
  return fromJson(net, "test");
}

// The problems of `block` as one string.
std::string problemsOf(const NetworkSpec& spec, const std::string& block) {
  std::string out;
  for (const auto& p : analyze(spec).problemsOf(block)) out += p.message + "\n";
  return out;
}

#define EXPECT_PROBLEM(spec, block, text)                                                     \
  do {                                                                                        \
    const std::string got_ = problemsOf(spec, block);                                         \
    QVERIFY2(got_.find(text) != std::string::npos,                                            \
             qPrintable(QString("expected \"%1\" among the problems of %2, got: %3")          \
                            .arg(QString::fromStdString(text), QString::fromStdString(block), \
                                 QString::fromStdString(got_))));                             \
  } while (0)

const json kDense10 = {{"id", "out"}, {"type", "Dense"}, {"units", 10}};

json conv(const std::string& id, json params) {
  params["id"] = id;
  params["type"] = "Conv2D";
  return params;
}

}  // namespace

class TstConvValidation : public QObject {
  Q_OBJECT
 private slots:
  void smallCnnAnalyses() {
    const NetworkSpec s = chain(
        {1, 28, 28},
        {conv("c1", {{"filters", 8}, {"kernel", 5}, {"padding", "same"}, {"activation", "relu"}}),
         {{"id", "p1"}, {"type", "MaxPool2D"}, {"size", 2}},
         conv("c2", {{"filters", 16}, {"kernel", 5}, {"padding", "same"}, {"activation", "relu"}}),
         {{"id", "p2"}, {"type", "AvgPool2D"}, {"size", 2}},
         {{"id", "bn"}, {"type", "BatchNorm"}},
         {{"id", "d"}, {"type", "Dropout"}, {"rate", 0.25}},
         {{"id", "f"}, {"type", "Flatten"}},
         kDense10});
    const Analysis a = analyze(s);
    QVERIFY2(a.ok(), describe(a.problems).c_str());
    QCOMPARE(a.outShapes.at("c1"), (Shape{8, 28, 28}));
    QCOMPARE(a.outShapes.at("p1"), (Shape{8, 14, 14}));
    QCOMPARE(a.outShapes.at("c2"), (Shape{16, 14, 14}));
    QCOMPARE(a.outShapes.at("p2"), (Shape{16, 7, 7}));
    QCOMPARE(a.outShapes.at("f"), (Shape{784}));
    QCOMPARE(a.paramCounts.at("c1"), int64_t(8 * 25 + 8));
    QCOMPARE(a.paramCounts.at("c2"), int64_t(16 * 8 * 25 + 16));
    QCOMPARE(a.paramCounts.at("bn"), int64_t(2 * 16));  // running statistics are not trained
    QCOMPARE(a.paramCounts.at("p1"), int64_t(0));
  }

  void strideAndPaddingShapes() {
    auto out = [](json params, Shape in) {
      const Analysis a =
          analyze(chain(in, {conv("c", params), {{"id", "f"}, {"type", "Flatten"}}, kDense10}));
      if (!a.ok()) throw Error(describe(a.problems));
      return a.outShapes.at("c");
    };
    QCOMPARE(out({{"filters", 4}, {"kernel", 3}}, {2, 10, 12}), (Shape{4, 8, 10}));
    QCOMPARE(out({{"filters", 4}, {"kernel", 3}, {"stride", 2}}, {2, 10, 12}), (Shape{4, 4, 5}));
    QCOMPARE(out({{"filters", 4}, {"kernel", 5}, {"stride", 2}, {"padding", "same"}}, {1, 28, 27}),
             (Shape{4, 14, 14}));
    QCOMPARE(out({{"filters", 1}, {"kernel", 3}, {"padding", 4}}, {1, 5, 5}), (Shape{1, 11, 11}));
    QCOMPARE(out({{"filters", 1}, {"kernel", 4}, {"padding", 1}}, {1, 5, 5}), (Shape{1, 4, 4}));
    const Analysis a =
        analyze(chain({3, 9, 9}, {{{"id", "p"}, {"type", "MaxPool2D"}, {"size", 3}, {"stride", 2}},
                                  {{"id", "f"}, {"type", "Flatten"}},
                                  kDense10}));
    QVERIFY2(a.ok(), describe(a.problems).c_str());
    QCOMPARE(a.outShapes.at("p"), (Shape{3, 4, 4}));
  }

  void convOnFlatInput() {
    const auto s = chain({784}, {conv("c1", {{"filters", 8}, {"kernel", 5}}), kDense10});
    EXPECT_PROBLEM(s, "c1",
                   std::string("Conv2D expects an image [channels, height, width], got "
                               "784 — insert Reshape [1, 28, 28]"));
    const auto rgb = chain({3 * 32 * 32}, {conv("c1", {{"filters", 8}}), kDense10});
    EXPECT_PROBLEM(rgb, "c1", std::string("insert Reshape [3, 32, 32]"));
    const auto odd = chain({10}, {conv("c1", {{"filters", 8}}), kDense10});
    EXPECT_PROBLEM(odd, "c1", std::string("insert Reshape [channels, height, width]"));
    const auto seq = chain({20, 8}, {{{"id", "p"}, {"type", "MaxPool2D"}}, kDense10});
    EXPECT_PROBLEM(seq, "p",
                   std::string("MaxPool2D expects an image [channels, height, width], "
                               "got 20×8 — insert Reshape [1, 20, 8]"));
  }

  void denseAfterConvWithoutFlatten() {
    const auto s = chain({1, 28, 28}, {conv("c1", {{"filters", 8}, {"kernel", 3}}), kDense10});
    EXPECT_PROBLEM(s, "out", std::string("expects a flat input, got 8×26×26 — insert Flatten"));
  }

  void kernelLargerThanInput() {
    const auto s = chain({1, 4, 4}, {conv("c1", {{"filters", 2}, {"kernel", 5}}),
                                     {{"id", "f"}, {"type", "Flatten"}},
                                     kDense10});
    EXPECT_PROBLEM(s, "c1",
                   std::string("Conv2D has a 5×5 kernel, larger than its input 4×4 — "
                               "use a smaller kernel or padding \"same\""));
    const auto padded =
        chain({1, 2, 2}, {conv("c1", {{"filters", 2}, {"kernel", 7}, {"padding", 1}}),
                          {{"id", "f"}, {"type", "Flatten"}},
                          kDense10});
    EXPECT_PROBLEM(padded, "c1", std::string("larger than its input 2×2 padded to 4×4"));
    const auto pool = chain({2, 3, 3}, {{{"id", "p"}, {"type", "AvgPool2D"}, {"size", 4}},
                                        {{"id", "f"}, {"type", "Flatten"}},
                                        kDense10});
    EXPECT_PROBLEM(pool, "p", std::string("AvgPool2D has a 4×4 window, larger than its input 3×3"));
    // Shapes that shrink to nothing after several blocks: the block where it happens is named.
    const auto deep = chain({1, 8, 8}, {{{"id", "p1"}, {"type", "MaxPool2D"}, {"size", 2}},
                                        {{"id", "p2"}, {"type", "MaxPool2D"}, {"size", 2}},
                                        {{"id", "p3"}, {"type", "MaxPool2D"}, {"size", 2}},
                                        {{"id", "p4"}, {"type", "MaxPool2D"}, {"size", 2}},
                                        {{"id", "f"}, {"type", "Flatten"}},
                                        kDense10});
    EXPECT_PROBLEM(deep, "p4", std::string("larger than its input 1×1"));
    QVERIFY(problemsOf(deep, "p3").empty());
  }

  void evenKernelSame() {
    const auto s =
        chain({1, 8, 8}, {conv("c1", {{"filters", 2}, {"kernel", 4}, {"padding", "same"}}),
                          {{"id", "f"}, {"type", "Flatten"}},
                          kDense10});
    EXPECT_PROBLEM(s, "c1", std::string("padding \"same\" needs an odd kernel, got 4"));
    EXPECT_PROBLEM(s, "c1", std::string("use kernel 5 or 3, or give the padding as a number"));
  }

  void badParameters() {
    const auto s =
        chain({1, 8, 8}, {conv("c1", {{"filters", 2}, {"padding", "full"}, {"stride", 0}}),
                          {{"id", "f"}, {"type", "Flatten"}},
                          kDense10});
    EXPECT_PROBLEM(s, "c1",
                   std::string("\"padding\" must be a number or one of \"valid\", "
                               "\"same\", got \"full\""));
    EXPECT_PROBLEM(s, "c1", std::string("\"stride\" must be between 1 and 1000, got 0"));
    const auto noFilters = chain(
        {1, 8, 8}, {conv("c1", json::object()), {{"id", "f"}, {"type", "Flatten"}}, kDense10});
    EXPECT_PROBLEM(noFilters, "c1", std::string("Conv2D needs \"filters\""));
    const auto drop = chain({4}, {{{"id", "d"}, {"type", "Dropout"}, {"rate", 1.5}}, kDense10});
    EXPECT_PROBLEM(drop, "d", std::string("\"rate\" must be between 0 and 0.99, got 1.5"));
    const auto pool = chain({1, 8, 8}, {{{"id", "p"}, {"type", "MaxPool2D"}, {"stride", "half"}},
                                        {{"id", "f"}, {"type", "Flatten"}},
                                        kDense10});
    EXPECT_PROBLEM(pool, "p",
                   std::string("\"stride\" must be a number or one of \"size\", got "
                               "\"half\""));
    const auto negative = chain({1, 8, 8}, {conv("c1", {{"filters", 2}, {"padding", -1}}),
                                            {{"id", "f"}, {"type", "Flatten"}},
                                            kDense10});
    EXPECT_PROBLEM(negative, "c1",
                   std::string("\"padding\" must be a whole number between 0 and "
                               "1000 or one of \"valid\", \"same\", got -1"));
  }

  void reshapeMismatch() {
    const auto s = chain({784}, {{{"id", "r"}, {"type", "Reshape"}, {"shape", {1, 28, 27}}},
                                 {{"id", "f"}, {"type", "Flatten"}},
                                 kDense10});
    EXPECT_PROBLEM(s, "r",
                   std::string("Reshape cannot make 1×28×27 (756 values) out of its input "
                               "784 (784 values) — give a shape with 784 values"));
    const auto ok = chain({784}, {{{"id", "r"}, {"type", "Reshape"}, {"shape", {1, 28, 28}}},
                                  conv("c", {{"filters", 2}}),
                                  {{"id", "f"}, {"type", "Flatten"}},
                                  kDense10});
    QVERIFY2(analyze(ok).ok(), describe(analyze(ok).problems).c_str());
  }

  void batchNormOnSequence() {
    const auto s = chain({20, 8}, {{{"id", "bn"}, {"type", "BatchNorm"}}, kDense10});
    EXPECT_PROBLEM(s, "bn",
                   std::string("BatchNorm expects features [F] or an image [channels, "
                               "height, width], got 20×8 (a sequence)"));
  }

  // Data whose samples do not fit the Input block: refused before training, with the fix.
  void dataOfTheWrongShape() {
    const auto s = chain({1, 28, 28}, {conv("c1", {{"filters", 2}, {"kernel", 3}}),
                                       {{"id", "f"}, {"type", "Flatten"}},
                                       kDense10});
    Dataset flat;
    flat.xShape = {784};
    flat.x.assign(4 * 784, 0.f);
    flat.y = {0, 1, 2, 3};
    flat.numClasses = 10;
    try {
      Trainer t(s, Split{flat, Dataset{}}, TrainConfig{}, cpuBackend(), DType::F32);
      QFAIL("a Trainer was built for data of the wrong shape");
    } catch (const Error& e) {
      const std::string msg = e.what();
      QVERIFY2(msg.find("has samples of shape 784 but the Input block \"x\" expects 1×28×28") !=
                   std::string::npos,
               msg.c_str());
    }
    // The network itself refuses a batch of the wrong shape.
    Network net(s, cpuBackend(), DType::F32, 1);
    Tensor bad = cpuBackend().zeros({2, 1, 28, 27}, DType::F32);
    QVERIFY_THROWS_EXCEPTION(Error, net.forward(bad, false));
    Tensor good = cpuBackend().zeros({2, 1, 28, 28}, DType::F32);
    net.forward(good, false);
    QCOMPARE(net.output("out").shape(), (Shape{2, 10}));
  }

  void batchNormNeedsTwoSamples() {
    const auto s = chain({6}, {{{"id", "bn"}, {"type", "BatchNorm"}}, kDense10});
    Network net(s, cpuBackend(), DType::F32, 1);
    Tensor one = cpuBackend().zeros({1, 6}, DType::F32);
    try {
      net.forward(one, /*training=*/true);
      QFAIL("BatchNorm trained on a single sample");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("use a batch of 2 or more") != std::string::npos,
               e.what());
    }
    net.forward(one, /*training=*/false);  // evaluation uses the running statistics: fine
  }
};

QTEST_APPLESS_MAIN(TstConvValidation)
#include "tst_conv_validation.moc"
