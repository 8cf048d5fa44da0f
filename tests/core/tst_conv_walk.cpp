// The convolution explainer's walk (core/explain/conv_walk.h): the lecture's worked numbers, the
// walk's running sums equal to the engine's conv2d / pooling output cells (the lecture's examples
// and random inputs, kernels, strides and paddings), parameter counts, and bad input refused.
#include <QtTest>

#include <random>

#include "explain/conv_walk.h"
#include "util/error.h"

using namespace gradlab;

namespace {

Grid randomGrid(std::mt19937& rng, int64_t rows, int64_t cols) {
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  Grid g(rows, cols);
  for (double& v : g.values) v = u(rng);
  return g;
}

std::vector<double> values(std::initializer_list<double> v) { return v; }

}  // namespace

class TstConvWalk : public QObject {
  Q_OBJECT
 private slots:
  // "What is a convolution?": 2·1 + 4·0 + 3·1 + 3·0 + 8·0 + 5·1 + 1·1 + 2·0 + 1·1 = 12, and the
  // whole 4×4 feature map (the slide shows only its first cell right: "12 0 1 0 …").
  void lectureConvolution() {
    const ConvWalk w = walkConv(lectureConvInput(), lectureKernel(), 1, 0);
    QCOMPARE(w.outRows, int64_t(4));
    QCOMPARE(w.outCols, int64_t(4));
    QCOMPARE(w.sizeFormula(), std::string("⌊(6 + 2·0 − 3) / 1⌋ + 1 = 4"));
    QCOMPARE(w.positions.size(), size_t(16));
    const WalkPosition& first = w.positions[0];
    QCOMPARE(first.terms.size(), size_t(9));
    std::vector<double> running;
    for (const WalkTerm& t : first.terms) running.push_back(t.running);
    QCOMPARE(running, values({2, 2, 5, 5, 5, 10, 11, 11, 12}));
    QCOMPARE(first.terms[5].input, 5.0);  // row 1, column 2: 5 · 1
    QCOMPARE(first.terms[5].weight, 1.0);
    QCOMPARE(first.engine, 12.0);
    QCOMPARE(w.output.values, values({12, 23, 21, 26,  //
                                      17, 26, 25, 21,  //
                                      18, 16, 22, 24,  //
                                      30, 23, 32, 27}));
    for (const WalkPosition& p : w.positions) QCOMPARE(p.walked, p.engine);
  }

  // Padding 1, stride 2: ⌊(6 + 2 − 3) / 2⌋ + 1 = 3; the corner reads four zeros of padding.
  void lecturePaddedStrided() {
    const ConvWalk w = walkConv(lectureConvInput(), lectureKernel(), 2, 1);
    QCOMPARE(w.sizeFormula(false), std::string("⌊(6 + 2·1 − 3) / 2⌋ + 1 = 3"));
    QCOMPARE(w.output.values, values({12, 20, 16, 14, 26, 21, 17, 23, 27}));
    const WalkPosition& corner = w.positions[0];
    int pads = 0;
    for (const WalkTerm& t : corner.terms) pads += t.padding ? 1 : 0;
    QCOMPARE(pads, 5);  // the top row and the left column of the window
    QCOMPARE(corner.terms[0].inRow, int64_t(-1));
    QCOMPARE(corner.terms[0].input, 0.0);
    for (const WalkPosition& p : w.positions) QCOMPARE(p.walked, p.engine);
  }

  // The pooling slide: 3×3 windows, stride 3. Its answer [8 7; 5 9] is wrong in one cell: the
  // bottom-left window [2 4 6; 3 5 2; 6 4 5] holds 6 (twice), not 5. The engine says 6, and the
  // first 6 in reading order (row 3, column 2) is the cell max pooling takes.
  void lecturePooling() {
    const ConvWalk w = walkPool(PoolMode::Max, lecturePoolInput(), 3, 3);
    QCOMPARE(w.outRows, int64_t(2));
    QCOMPARE(w.output.values, values({8, 7, 6, 9}));
    const WalkPosition& bottomLeft = w.positions[2];
    QVERIFY(bottomLeft.engine != 5.0);
    QCOMPARE(bottomLeft.best, 2);
    QCOMPARE(bottomLeft.terms[2].inRow, int64_t(3));
    QCOMPARE(bottomLeft.terms[2].inCol, int64_t(2));
    QCOMPARE(bottomLeft.terms.back().running, 6.0);
    for (const WalkPosition& p : w.positions) {
      QCOMPARE(p.walked, p.engine);
      QCOMPARE(p.terms[size_t(p.best)].input, p.engine);
    }

    const ConvWalk avg = walkPool(PoolMode::Average, lecturePoolInput(), 3, 3);
    QCOMPARE(avg.positions[1].terms.back().running, 45.0);  // Σ of the top-right window
    QCOMPARE(avg.output.values[1], 5.0);                    // 45 / 9
    for (const WalkPosition& p : avg.positions) QVERIFY(std::abs(p.walked - p.engine) < 1e-12);
  }

  // Every position's running sum ends at the engine's output cell, for random inputs, kernels,
  // strides and paddings (float64 on the cpu backend: equal up to summation order).
  void walkAgreesWithEngine() {
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> side(1, 12), kside(1, 5), stride(1, 3), pad(0, 2);
    int walks = 0;
    for (int trial = 0; trial < 300; ++trial) {
      const int64_t k = kside(rng), s = stride(rng), p = pad(rng);
      const Grid x = randomGrid(rng, side(rng), side(rng));
      if (convOutSize(x.rows, k, s, p) < 1 || convOutSize(x.cols, k, s, p) < 1) {
        QVERIFY_THROWS_EXCEPTION(Error, walkConv(x, randomGrid(rng, k, k), s, p));
        continue;
      }
      const Grid kernel = randomGrid(rng, k, k);
      const ConvWalk w = walkConv(x, kernel, s, p);
      QCOMPARE(int64_t(w.positions.size()), w.outRows * w.outCols);
      for (const WalkPosition& pos : w.positions) {
        QCOMPARE(pos.terms.size(), size_t(k * k));
        QCOMPARE(pos.terms.back().running, pos.walked);
        QVERIFY2(std::abs(pos.walked - pos.engine) <= 1e-12 * (1 + std::abs(pos.engine)),
                 qPrintable(QString("conv %1x%2 k%3 s%4 p%5 at (%6, %7): walk %8, engine %9")
                                .arg(x.rows).arg(x.cols).arg(k).arg(s).arg(p)
                                .arg(pos.outRow).arg(pos.outCol).arg(pos.walked).arg(pos.engine)));
      }
      for (PoolMode mode : {PoolMode::Max, PoolMode::Average}) {
        if (convOutSize(x.rows, k, s, 0) < 1 || convOutSize(x.cols, k, s, 0) < 1) continue;
        const ConvWalk pw = walkPool(mode, x, k, s);
        for (const WalkPosition& pos : pw.positions)
          QVERIFY(std::abs(pos.walked - pos.engine) <= 1e-12 * (1 + std::abs(pos.engine)));
      }
      ++walks;
    }
    QVERIFY(walks > 150);
  }

  // The lecture's 200×200 image, 40 000 hidden units, 10×10 kernels, no biases: 1.6 billion
  // weights fully connected, 4 million locally connected, 100 for one convolution kernel. And
  // fashion-cnn's first layer ([1, 28, 28] -> [8, 28, 28], 5×5, biases): 208 as lesson 15 says.
  void parameterCounts() {
    const LayerParamCounts lecture = layerParamCounts(1, 200, 200, 1, 200, 200, 10, false);
    QCOMPARE(lecture.dense, int64_t(1'600'000'000));
    QCOMPARE(lecture.local, int64_t(4'000'000));
    QCOMPARE(lecture.conv, int64_t(100));
    const LayerParamCounts c1 = layerParamCounts(1, 28, 28, 8, 28, 28, 5);
    QCOMPARE(c1.conv, int64_t(208));
    QCOMPARE(c1.local, int64_t(8 * 28 * 28 * 26));
    QCOMPARE(c1.dense, int64_t(8 * 28 * 28 * 785));
  }

  void presetsAndRegions() {
    for (const std::string& name : presetKernelNames()) QCOMPARE(presetKernel(name).rows, int64_t(3));
    // A flat patch: the edge kernel gives 0, blur keeps the value.
    const Grid flat(4, 4, std::vector<double>(16, 2.0));
    QVERIFY(std::abs(walkConv(flat, presetKernel("edge"), 1, 0).output.values[0]) < 1e-12);
    QVERIFY(std::abs(walkConv(flat, presetKernel("blur"), 1, 0).output.values[0] - 2.0) < 1e-12);
    QVERIFY_THROWS_EXCEPTION(Error, presetKernel("emboss"));

    Dataset d;
    d.xShape = {2, 3, 4};  // 2 channels of 3×4
    for (int i = 0; i < 2 * 24; ++i) d.x.push_back(float(i));
    const Grid r = sampleRegion(d, 1, 1, 1, 2, 5, 5);  // cut at the edge: 2×2
    QCOMPARE(r.rows, int64_t(2));
    QCOMPARE(r.cols, int64_t(2));
    QCOMPARE(r.at(0, 0), double(24 + 12 + 1 * 4 + 2));
    QVERIFY_THROWS_EXCEPTION(Error, sampleRegion(d, 2, 0, 0, 0, 3, 3));
    QVERIFY_THROWS_EXCEPTION(Error, sampleRegion(d, 0, 2, 0, 0, 3, 3));
  }

  // What does not fit is refused with what to change, never a crash.
  void badInputRefused() {
    auto message = [](auto f) {
      try {
        f();
      } catch (const Error& e) {
        return std::string(e.what());
      }
      return std::string();
    };
    const Grid x = lectureConvInput();
    QVERIFY(message([&] { walkConv(Grid(2, 2), lectureKernel(), 1, 0); }).find("does not fit") !=
            std::string::npos);
    QVERIFY(message([&] { walkConv(x, lectureKernel(), 0, 0); }).find("stride 0") !=
            std::string::npos);
    QVERIFY(message([&] { walkConv(x, lectureKernel(), 1, 9); }).find("padding 9") !=
            std::string::npos);
    QVERIFY(message([&] { walkConv(x, Grid(2, 3), 1, 0); }).find("square") != std::string::npos);
    QVERIFY(message([&] { walkConv(Grid(20, 20), lectureKernel(), 1, 0); }).find("at most") !=
            std::string::npos);
    QVERIFY(message([&] { walkPool(PoolMode::Max, x, 7, 1); }).find("does not fit") !=
            std::string::npos);
    Grid nan = x;
    nan.values[3] = std::nan("");
    QVERIFY(message([&] { walkConv(nan, lectureKernel(), 1, 0); }).find("finite") !=
            std::string::npos);
    QVERIFY_THROWS_EXCEPTION(Error, Grid(2, 2, {1, 2, 3}));
  }
};

QTEST_APPLESS_MAIN(TstConvWalk)
#include "tst_conv_walk.moc"
