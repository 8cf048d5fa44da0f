// The index arithmetic of backend/conv_geometry.h that every backend relies on: output sizes,
// "same" padding, and which output windows cover an input index (checked by brute force).
#include <QtTest>

#include "backend/conv_geometry.h"

using namespace gradlab;

class TstConvGeometry : public QObject {
  Q_OBJECT
 private slots:
  void outSize_data() {
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("pad");
    QTest::addColumn<int>("out");
    QTest::newRow("28 k5 same") << 28 << 5 << 1 << 2 << 28;
    QTest::newRow("28 k5 valid") << 28 << 5 << 1 << 0 << 24;
    QTest::newRow("28 k5 pad2 s2") << 28 << 5 << 2 << 2 << 14;
    QTest::newRow("pool 28 k2 s2") << 28 << 2 << 2 << 0 << 14;
    QTest::newRow("pool 7 k2 s2 (floor)") << 7 << 2 << 2 << 0 << 3;
    QTest::newRow("k = in") << 5 << 5 << 1 << 0 << 1;
    QTest::newRow("k > in") << 4 << 5 << 1 << 0 << 0;
    QTest::newRow("k > in, padded fits") << 4 << 5 << 1 << 1 << 2;
    QTest::newRow("stride > kernel") << 10 << 2 << 3 << 0 << 3;
    QTest::newRow("1x1") << 9 << 1 << 1 << 0 << 9;
    QTest::newRow("bad stride") << 9 << 1 << 0 << 0 << 0;
  }
  void outSize() {
    QFETCH(int, in);
    QFETCH(int, kernel);
    QFETCH(int, stride);
    QFETCH(int, pad);
    QFETCH(int, out);
    QCOMPARE(convOutSize(in, kernel, stride, pad), int64_t(out));
  }

  // "same" keeps ⌈in / stride⌉ for odd kernels at every stride; even kernels are refused.
  void samePadding() {
    for (int64_t k = 1; k <= 9; k += 2) {
      QCOMPARE(sameConvPadding(k), (k - 1) / 2);
      for (int64_t in = 1; in <= 30; ++in)
        for (int64_t s = 1; s <= 4; ++s)
          if (in + 2 * sameConvPadding(k) >= k)
            QCOMPARE(convOutSize(in, k, s, sameConvPadding(k)), (in + s - 1) / s);
    }
    QCOMPARE(sameConvPadding(2), int64_t(-1));
    QCOMPARE(sameConvPadding(4), int64_t(-1));
  }

  void geometry() {
    const Conv2dGeometry g = conv2dGeometry(3, 28, 20, 8, 5, 2, 2);
    QCOMPARE(g.outH, int64_t(14));
    QCOMPARE(g.outW, int64_t(10));
    QCOMPARE(g.patchSize(), int64_t(3 * 25));
    QCOMPARE(g.outPlane(), int64_t(140));
    QVERIFY(g.valid());
    QVERIFY(!conv2dGeometry(1, 3, 3, 1, 5, 1, 0).valid());
    const Pool2dGeometry p = pool2dGeometry(4, 9, 8, 3, 2);
    QCOMPARE(p.outH, int64_t(4));
    QCOMPARE(p.outW, int64_t(3));
    QVERIFY(!pool2dGeometry(1, 1, 5, 2, 2).valid());
  }

  // [firstWindowCovering, endWindowCovering) is exactly the set of outputs whose window reads x.
  void windowsCovering() {
    for (int64_t in = 1; in <= 12; ++in)
      for (int64_t k = 1; k <= 5; ++k)
        for (int64_t s = 1; s <= 3; ++s)
          for (int64_t pad = 0; pad < k; ++pad) {
            const int64_t out = convOutSize(in, k, s, pad);
            for (int64_t x = 0; x < in; ++x) {
              int64_t lo = out, hi = 0;
              for (int64_t o = 0; o < out; ++o)
                if (o * s - pad <= x && x < o * s - pad + k) {
                  lo = std::min(lo, o);
                  hi = o + 1;
                }
              if (hi == 0) lo = 0;  // no window reads x: compare as an empty range
              int64_t b = firstWindowCovering(x, k, s, pad);
              int64_t e = endWindowCovering(x, s, pad, out);
              if (b >= e) b = e = 0;
              QVERIFY2(b == lo && e == hi,
                       qPrintable(QString("in %1 k %2 s %3 pad %4 x %5: [%6, %7) vs [%8, %9)")
                                      .arg(in)
                                      .arg(k)
                                      .arg(s)
                                      .arg(pad)
                                      .arg(x)
                                      .arg(b)
                                      .arg(e)
                                      .arg(lo)
                                      .arg(hi)));
            }
          }
  }
};

QTEST_APPLESS_MAIN(TstConvGeometry)
#include "tst_conv_geometry.moc"
