// The cpu backend's convolution, pooling, batch-norm and dropout ops against naive loops
// written straight from the formulas in backend/backend.h, in float32 and float64, on one and
// on two threads (the parallel paths split the batch differently).
#include <QtTest>
#include <cmath>
#include <limits>

#include "backend/backend.h"
#include "backend/dropout_rng.h"
#include "util/error.h"
#include "util/rng.h"

using namespace gradlab;

namespace {

std::vector<double> random(int64_t n, Rng& rng, double lo = -1, double hi = 1) {
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = rng.uniform(lo, hi);
  return v;
}

Tensor make(const Shape& s, DType t, const std::vector<double>& v) {
  Tensor x = cpuBackend().empty(s, t);
  x.fromHost(std::span<const double>(v));
  return x;
}

// Largest |a − b| relative to the largest |b|.
double relError(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0, scale = 1e-30;
  for (size_t i = 0; i < b.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return a.size() == b.size() ? worst / scale : 1e300;
}

double tolerance(DType t) { return t == DType::F32 ? 2e-6 : 1e-13; }

struct Naive {
  const Conv2dGeometry& g;
  int64_t n;
  int64_t xi(int64_t b, int64_t c, int64_t h, int64_t v) const {
    return ((b * g.inChannels + c) * g.inH + h) * g.inW + v;
  }
  int64_t yi(int64_t b, int64_t o, int64_t i, int64_t j) const {
    return ((b * g.outChannels + o) * g.outH + i) * g.outW + j;
  }
  int64_t wi(int64_t o, int64_t c, int64_t p, int64_t q) const {
    return ((o * g.inChannels + c) * g.kernelH + p) * g.kernelW + q;
  }
  // Calls f(x index, w index, y index) for every term of the convolution sum.
  template <class F>
  void each(F f) const {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t o = 0; o < g.outChannels; ++o)
        for (int64_t i = 0; i < g.outH; ++i)
          for (int64_t j = 0; j < g.outW; ++j)
            for (int64_t c = 0; c < g.inChannels; ++c)
              for (int64_t p = 0; p < g.kernelH; ++p)
                for (int64_t q = 0; q < g.kernelW; ++q) {
                  const int64_t h = i * g.strideH - g.padH + p, v = j * g.strideW - g.padW + q;
                  if (h < 0 || h >= g.inH || v < 0 || v >= g.inW) continue;
                  f(xi(b, c, h, v), wi(o, c, p, q), yi(b, o, i, j));
                }
  }
};

}  // namespace

class TstConvOps : public QObject {
  Q_OBJECT
 private slots:
  void cleanup() { cpuBackend().setThreads(1); }

  void conv_data() {
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("batch");
    QTest::addColumn<QList<int>>("geom");  // C H W O k stride pad
    const QList<QList<int>> geoms{{1, 28, 28, 8, 5, 1, 2}, {8, 14, 14, 16, 5, 1, 2},
                                  {3, 9, 11, 4, 3, 2, 1},  {2, 7, 6, 3, 4, 3, 2},
                                  {4, 5, 5, 2, 1, 1, 0},   {2, 6, 6, 5, 3, 1, 0},
                                  {2, 4, 4, 2, 5, 1, 1},   {3, 5, 9, 4, 3, 1, 1}};
    for (int t : {0, 1})
      for (int threads : {1, 2})
        for (const auto& g : geoms) {
          QString name = QString("%1 %2t C%3 %4x%5 O%6 k%7 s%8 p%9")
                             .arg(t ? "f64" : "f32")
                             .arg(threads)
                             .arg(g[0])
                             .arg(g[1])
                             .arg(g[2])
                             .arg(g[3])
                             .arg(g[4])
                             .arg(g[5])
                             .arg(g[6]);
          QTest::newRow(qPrintable(name)) << t << threads << 3 << g;
        }
  }
  void conv() {
    QFETCH(int, dtype);
    QFETCH(int, threads);
    QFETCH(int, batch);
    QFETCH(QList<int>, geom);
    const DType t = dtype ? DType::F64 : DType::F32;
    Backend& be = cpuBackend();
    be.setThreads(threads);
    const Conv2dGeometry g =
        conv2dGeometry(geom[0], geom[1], geom[2], geom[3], geom[4], geom[5], geom[6]);
    QVERIFY(g.valid());
    const Shape xs{batch, g.inChannels, g.inH, g.inW},
        ws{g.outChannels, g.inChannels, g.kernelH, g.kernelW},
        ys{batch, g.outChannels, g.outH, g.outW};
    Rng rng(5);
    const auto x = random(numel(xs), rng), w = random(numel(ws), rng), dy = random(numel(ys), rng);
    const auto prior = random(numel(xs), rng);
    std::vector<double> y(static_cast<size_t>(numel(ys))), dx = prior,
                                                           dw(static_cast<size_t>(numel(ws)));
    Naive nv{g, batch};
    nv.each([&](int64_t xi, int64_t wi, int64_t yi) {
      y[size_t(yi)] += w[size_t(wi)] * x[size_t(xi)];
      dx[size_t(xi)] += w[size_t(wi)] * dy[size_t(yi)];
      dw[size_t(wi)] += dy[size_t(yi)] * x[size_t(xi)];
    });

    Tensor X = make(xs, t, x), W = make(ws, t, w), DY = make(ys, t, dy);
    Tensor Y = be.empty(ys, t), DX = make(xs, t, prior), DW = be.empty(ws, t);
    be.conv2dForward(X, W, g, Y);
    QVERIFY2(relError(Y.toHost(), y) < tolerance(t), "forward");
    be.conv2dBackwardData(W, DY, g, DX, /*accumulate=*/true);
    QVERIFY2(relError(DX.toHost(), dx) < tolerance(t), "backward data (accumulate)");
    be.conv2dBackwardFilter(X, DY, g, DW);
    QVERIFY2(relError(DW.toHost(), dw) < tolerance(t), "backward filter");
    // Overwriting instead of accumulating.
    for (size_t i = 0; i < dx.size(); ++i) dx[i] -= prior[i];
    be.conv2dBackwardData(W, DY, g, DX, /*accumulate=*/false);
    QVERIFY2(relError(DX.toHost(), dx) < tolerance(t), "backward data (overwrite)");
  }

  // Every image is computed the same way whoever computes it, and the filter gradient is summed
  // per fixed chunk of images: one and two threads give the same bits.
  void sameBitsOnOneAndTwoThreads() {
    Backend& be = cpuBackend();
    for (const auto& geom :
         {conv2dGeometry(8, 14, 14, 16, 5, 1, 2), conv2dGeometry(3, 9, 11, 4, 3, 2, 1)}) {
      const int64_t N = 11;
      const Shape xs{N, geom.inChannels, geom.inH, geom.inW},
          ws{geom.outChannels, geom.inChannels, geom.kernelH, geom.kernelW},
          ys{N, geom.outChannels, geom.outH, geom.outW};
      Rng rng(8);
      Tensor X = make(xs, DType::F32, random(numel(xs), rng)),
             W = make(ws, DType::F32, random(numel(ws), rng));
      Tensor DY = make(ys, DType::F32, random(numel(ys), rng));
      std::vector<std::vector<double>> results[2];
      for (int threads : {1, 2}) {
        be.setThreads(threads);
        Tensor Y = be.empty(ys, DType::F32), DX = be.empty(xs, DType::F32),
               DW = be.empty(ws, DType::F32);
        be.conv2dForward(X, W, geom, Y);
        be.conv2dBackwardData(W, DY, geom, DX, false);
        be.conv2dBackwardFilter(X, DY, geom, DW);
        results[threads - 1] = {Y.toHost(), DX.toHost(), DW.toHost()};
      }
      QVERIFY(results[0] == results[1]);
    }
  }

  void channelBias() {
    Backend& be = cpuBackend();
    Rng rng(2);
    const Shape ys{3, 4, 2, 5};
    const auto y = random(numel(ys), rng), b = random(4, rng);
    Tensor Y = make(ys, DType::F64, y), B = make({4}, DType::F64, b),
           DB = be.empty({4}, DType::F64);
    be.addChannelBias(Y, B);
    be.conv2dBackwardBias(Y, DB);
    const auto got = Y.toHost(), db = DB.toHost();
    std::vector<double> want(4, 0.0);
    for (int64_t i = 0; i < numel(ys); ++i) {
      const int64_t c = (i / 10) % 4;
      QCOMPARE(got[size_t(i)], y[size_t(i)] + b[size_t(c)]);
      want[size_t(c)] += got[size_t(i)];
    }
    QVERIFY(relError(db, want) < 1e-14);
  }

  void pool_data() {
    QTest::addColumn<int>("mode");  // 0 max, 1 average
    QTest::addColumn<int>("dtype");
    QTest::addColumn<int>("threads");
    QTest::addColumn<QList<int>>("geom");  // C H W size stride
    const QList<QList<int>> geoms{
        {3, 28, 28, 2, 2}, {2, 7, 9, 3, 2}, {2, 8, 8, 2, 3}, {1, 6, 5, 3, 1}};
    for (int mode : {0, 1})
      for (int t : {0, 1})
        for (int threads : {1, 2})
          for (const auto& g : geoms)
            QTest::newRow(qPrintable(QString("%1 %2 %3t C%4 %5x%6 k%7 s%8")
                                         .arg(mode ? "avg" : "max")
                                         .arg(t ? "f64" : "f32")
                                         .arg(threads)
                                         .arg(g[0])
                                         .arg(g[1])
                                         .arg(g[2])
                                         .arg(g[3])
                                         .arg(g[4])))
                << mode << t << threads << g;
  }
  void pool() {
    QFETCH(int, mode);
    QFETCH(int, dtype);
    QFETCH(int, threads);
    QFETCH(QList<int>, geom);
    const DType t = dtype ? DType::F64 : DType::F32;
    const PoolMode m = mode ? PoolMode::Average : PoolMode::Max;
    Backend& be = cpuBackend();
    be.setThreads(threads);
    const int64_t N = 4;
    const Pool2dGeometry g = pool2dGeometry(geom[0], geom[1], geom[2], geom[3], geom[4]);
    const Shape xs{N, g.channels, g.inH, g.inW}, ys{N, g.channels, g.outH, g.outW};
    Rng rng(9);
    auto x = random(numel(xs), rng);
    // Ties: a quarter of the values rounded to a coarse grid (the first maximum must win).
    for (size_t i = 0; i < x.size(); i += 4) x[i] = std::round(x[i] * 2) / 2;
    const auto dy = random(numel(ys), rng);
    std::vector<double> y(static_cast<size_t>(numel(ys))), dx(static_cast<size_t>(numel(xs)), 0.0);
    for (int64_t k = 0; k < N * g.channels; ++k)
      for (int64_t i = 0; i < g.outH; ++i)
        for (int64_t j = 0; j < g.outW; ++j) {
          const size_t yi = size_t((k * g.outH + i) * g.outW + j);
          double best = -1e300, sum = 0;
          size_t arg = 0;
          for (int64_t p = 0; p < g.windowH; ++p)
            for (int64_t q = 0; q < g.windowW; ++q) {
              const size_t xi = size_t((k * g.inH + i * g.strideH + p) * g.inW + j * g.strideW + q);
              sum += x[xi];
              if (x[xi] > best) {
                best = x[xi];
                arg = xi;
              }
            }
          const double area = double(g.windowH * g.windowW);
          y[yi] = m == PoolMode::Max ? best : sum / area;
          if (m == PoolMode::Max) {
            dx[arg] += dy[yi];
          } else {
            for (int64_t p = 0; p < g.windowH; ++p)
              for (int64_t q = 0; q < g.windowW; ++q)
                dx[size_t((k * g.inH + i * g.strideH + p) * g.inW + j * g.strideW + q)] +=
                    dy[yi] / area;
          }
        }
    Tensor X = make(xs, t, x), DY = make(ys, t, dy), Y = be.empty(ys, t);
    Tensor DX = be.zeros(xs, t);
    be.pool2dForward(m, g, X, Y);
    QVERIFY2(relError(Y.toHost(), y) < tolerance(t), "forward");
    be.pool2dBackward(m, g, X, Y, DY, DX, /*accumulate=*/false);
    QVERIFY2(relError(DX.toHost(), dx) < tolerance(t), "backward");
    be.pool2dBackward(m, g, X, Y, DY, DX, /*accumulate=*/true);
    for (auto& v : dx) v *= 2;
    QVERIFY2(relError(DX.toHost(), dx) < tolerance(t), "backward (accumulate)");
  }

  // A NaN in a window is its maximum, as in PyTorch, and receives the gradient.
  void maxPoolNaN() {
    Backend& be = cpuBackend();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Pool2dGeometry g = pool2dGeometry(1, 2, 2, 2, 2);
    Tensor X = make({1, 1, 2, 2}, DType::F64, {1.0, nan, 3.0, 2.0});
    Tensor Y = be.empty({1, 1, 1, 1}, DType::F64), DX = be.zeros({1, 1, 2, 2}, DType::F64);
    be.pool2dForward(PoolMode::Max, g, X, Y);
    QVERIFY(std::isnan(Y.toHost()[0]));
    be.pool2dBackward(PoolMode::Max, g, X, Y, make({1, 1, 1, 1}, DType::F64, {1.0}), DX, false);
    QVERIFY(DX.toHost() == (std::vector<double>{0, 1, 0, 0}));
  }

  void batchNorm_data() {
    QTest::addColumn<int>("dtype");
    QTest::addColumn<QList<int>>("shape");
    for (int t : {0, 1}) {
      QTest::newRow(t ? "f64 [6, 4]" : "f32 [6, 4]") << t << QList<int>{6, 4};
      QTest::newRow(t ? "f64 [3, 2, 4, 5]" : "f32 [3, 2, 4, 5]") << t << QList<int>{3, 2, 4, 5};
    }
  }
  void batchNorm() {
    QFETCH(int, dtype);
    QFETCH(QList<int>, shape);
    const DType t = dtype ? DType::F64 : DType::F32;
    Backend& be = cpuBackend();
    const Shape xs(shape.begin(), shape.end());
    const int64_t N = xs[0], C = xs[1], S = numel(xs) / (N * C), m = N * S;
    const double eps = 1e-5, momentum = 0.1;
    Rng rng(4);
    const auto x = random(numel(xs), rng, -1, 3), dy = random(numel(xs), rng);
    const auto gamma = random(C, rng, 0.5, 1.5), beta = random(C, rng);
    const auto rm0 = random(C, rng), rv0 = random(C, rng, 0.5, 2);
    std::vector<double> y(x.size()), dx(x.size()), dg(static_cast<size_t>(C)),
        db(static_cast<size_t>(C)), rm = rm0, rv = rv0, mean(static_cast<size_t>(C)),
                                    var(static_cast<size_t>(C)), yEval(x.size());
    auto at = [&](int64_t n, int64_t c, int64_t s) { return size_t((n * C + c) * S + s); };
    for (int64_t c = 0; c < C; ++c) {
      double mu = 0, v = 0;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t s = 0; s < S; ++s) mu += x[at(n, c, s)] / double(m);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t s = 0; s < S; ++s)
          v += (x[at(n, c, s)] - mu) * (x[at(n, c, s)] - mu) / double(m);
      mean[size_t(c)] = mu;
      var[size_t(c)] = v;
      const double is = 1 / std::sqrt(v + eps);
      double sg = 0, sgx = 0;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t s = 0; s < S; ++s) {
          const double xh = (x[at(n, c, s)] - mu) * is;
          y[at(n, c, s)] = gamma[size_t(c)] * xh + beta[size_t(c)];
          sg += dy[at(n, c, s)];
          sgx += dy[at(n, c, s)] * xh;
        }
      dg[size_t(c)] = sgx;
      db[size_t(c)] = sg;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t s = 0; s < S; ++s) {
          const double xh = (x[at(n, c, s)] - mu) * is;
          dx[at(n, c, s)] =
              gamma[size_t(c)] * is / double(m) * (double(m) * dy[at(n, c, s)] - sg - xh * sgx);
        }
      rm[size_t(c)] = 0.9 * rm0[size_t(c)] + 0.1 * mu;
      rv[size_t(c)] = 0.9 * rv0[size_t(c)] + 0.1 * v * double(m) / double(m - 1);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t s = 0; s < S; ++s)
          yEval[at(n, c, s)] =
              gamma[size_t(c)] * (x[at(n, c, s)] - rm[size_t(c)]) / std::sqrt(rv[size_t(c)] + eps) +
              beta[size_t(c)];
    }
    Tensor X = make(xs, t, x), DY = make(xs, t, dy), G = make({C}, t, gamma),
           B = make({C}, t, beta);
    Tensor RM = make({C}, t, rm0), RV = make({C}, t, rv0), Y = be.empty(xs, t);
    Tensor SM = be.empty({C}, t), SV = be.empty({C}, t), DX = be.empty(xs, t);
    Tensor DG = be.empty({C}, t), DB = be.empty({C}, t);
    be.batchNormForwardTraining(X, G, B, momentum, eps, RM, RV, Y, SM, SV);
    const double tol = t == DType::F32 ? 1e-5 : 1e-12;
    QVERIFY2(relError(Y.toHost(), y) < tol, "forward");
    QVERIFY2(relError(SM.toHost(), mean) < tol, "saved mean");
    QVERIFY2(relError(SV.toHost(), var) < tol, "saved var");
    QVERIFY2(relError(RM.toHost(), rm) < tol, "running mean");
    QVERIFY2(relError(RV.toHost(), rv) < tol, "running var");
    be.batchNormBackward(X, DY, G, SM, SV, eps, DX, DG, DB, /*accumulate=*/false);
    QVERIFY2(relError(DX.toHost(), dx) < tol, "dx");
    QVERIFY2(relError(DG.toHost(), dg) < tol, "dgamma");
    QVERIFY2(relError(DB.toHost(), db) < tol, "dbeta");
    be.batchNormForwardInference(X, G, B, RM, RV, eps, Y);
    QVERIFY2(relError(Y.toHost(), yEval) < tol, "inference");
    Tensor one = be.empty({1, C}, t);
    QVERIFY_THROWS_EXCEPTION(
        Error, be.batchNormForwardTraining(one, G, B, momentum, eps, RM, RV, one, SM, SV));
  }

  void dropout() {
    Backend& be = cpuBackend();
    const Shape s{50, 40};
    const double rate = 0.3;
    Tensor M1 = be.empty(s, DType::F32), M2 = be.empty(s, DType::F32), M3 = be.empty(s, DType::F64);
    be.dropoutMask(rate, 42, 7, M1);
    be.dropoutMask(rate, 42, 7, M3);
    be.dropoutMask(rate, 42, 8, M2);
    const auto m1 = M1.toHost(), m2 = M2.toHost(), m3 = M3.toHost();
    QVERIFY(m1 == m3);  // the same numbers in both precisions: a function of (seed, step, index)
    QVERIFY(m1 != m2);  // a new pass, a new mask
    double kept = 0;
    for (size_t i = 0; i < m1.size(); ++i) {
      QVERIFY(m1[i] == 0.0 || m1[i] == 1.0);
      QCOMPARE(m1[i], dropoutUniform(dropoutKey(42, 7), i) >= rate ? 1.0 : 0.0);
      kept += m1[i];
    }
    const double n = double(m1.size());  // 2000 draws: 1 − rate ± 4 standard deviations
    QVERIFY2(std::abs(kept / n - 0.7) < 4 * std::sqrt(0.21 / n),
             qPrintable(QString::number(kept / n)));
    Rng rng(1);
    const auto x = random(numel(s), rng), dy = random(numel(s), rng);
    Tensor X = make(s, DType::F32, x), Y = be.empty(s, DType::F32), DY = make(s, DType::F32, dy);
    Tensor DX = be.zeros(s, DType::F32);
    be.dropoutForward(X, M1, rate, Y);
    be.dropoutBackward(DY, M1, rate, DX, /*accumulate=*/true);
    be.dropoutBackward(DY, M1, rate, DX, /*accumulate=*/true);
    const auto y = Y.toHost(), dx = DX.toHost();
    for (size_t i = 0; i < x.size(); ++i) {
      QVERIFY(std::abs(y[i] - double(float(x[i])) * m1[i] / 0.7) < 1e-6);
      QVERIFY(std::abs(dx[i] - 2 * double(float(dy[i])) * m1[i] / 0.7) < 1e-6);
    }
    QVERIFY_THROWS_EXCEPTION(Error, be.dropoutMask(1.0, 1, 1, M1));
  }
};

QTEST_APPLESS_MAIN(TstConvOps)
#include "tst_conv_ops.moc"
