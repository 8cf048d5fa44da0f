// The cuda backend's host-callable arithmetic (backend/cuda/cuda_index.h): launch shapes,
// reduction partitions, column tiles, column blocks, gate indexing, allocator size classes, and
// the recording fingerprint (cuda_graph.h). These headers compile without nvcc, so this runs on
// every machine; the kernels that use them are checked on a GPU by tests/cuda.
#include <QtTest>
#include <cmath>
#include <numeric>
#include <random>

#include "backend/cuda/cuda_graph.h"
#include "backend/cuda/cuda_index.h"

using namespace gradlab::cuda;

class TestCudaIndex : public QObject {
  Q_OBJECT
 private slots:
  void launchShapes() {
    QCOMPARE(ceilDiv(0, 256), int64_t(0));
    QCOMPARE(ceilDiv(1, 256), int64_t(1));
    QCOMPARE(ceilDiv(256, 256), int64_t(1));
    QCOMPARE(ceilDiv(257, 256), int64_t(2));
    QCOMPARE(blocksFor(0), int64_t(1));  // a launch needs at least one block
    QCOMPARE(blocksFor(1), int64_t(1));
    QCOMPARE(blocksFor(257), int64_t(2));
    QCOMPARE(blocksFor(int64_t(1) << 40), kMaxBlocks);  // grid-stride beyond
    // Every element is visited exactly once by the grid-stride loop.
    for (int64_t n : {1, 255, 256, 257, 100000, 4096 * 256 + 17, 3 * 4096 * 256}) {
      const int64_t blocks = blocksFor(n), stride = blocks * kThreads;
      int64_t visits = 0;
      for (int64_t t = 0; t < stride; ++t)
        for (int64_t i = t; i < n; i += stride) ++visits;
      QCOMPARE(visits, n);
    }
  }

  void reducePartition() {
    for (int64_t n : {int64_t(1), int64_t(7), int64_t(255), int64_t(256), int64_t(1024),
                      int64_t(1025), int64_t(100003), int64_t(1) << 22, (int64_t(1) << 30) + 5}) {
      const ReducePlan p = reducePlan(n);
      QVERIFY(p.blocks >= 1 && p.blocks <= kMaxReduceBlocks);
      QCOMPARE(p.chunk % kReduceThreads, int64_t(0));
      // Blocks tile [0, n): contiguous, no gap, no overlap, none empty.
      int64_t next = 0;
      for (int64_t b = 0; b < p.blocks; ++b) {
        QCOMPARE(reduceBegin(p, b), next);
        const int64_t e = reduceEnd(p, b, n);
        QVERIFY2(e > next, qPrintable(QString("n %1 block %2 empty").arg(n).arg(b)));
        next = e;
      }
      QCOMPARE(next, n);
    }
    // Deterministic: the plan depends on n only.
    QCOMPARE(reducePlan(123457).chunk, reducePlan(123457).chunk);
  }

  // The reduction as the kernels order it (per block: thread t sums t, t + 256, …; then the
  // block's tree; then the partials in block order) equals the plain sum.
  void reduceOrderEmulated() {
    std::mt19937 gen(3);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int64_t n : {1, 300, 5000, 70001}) {
      std::vector<double> x(static_cast<size_t>(n));
      for (auto& v : x) v = u(gen);
      const ReducePlan p = reducePlan(n);
      double total = 0;
      for (int64_t b = 0; b < p.blocks; ++b) {
        std::vector<double> lane(kReduceThreads, 0.0);
        for (int64_t t = 0; t < kReduceThreads; ++t)
          for (int64_t i = reduceBegin(p, b) + t; i < reduceEnd(p, b, n); i += kReduceThreads)
            lane[size_t(t)] += x[size_t(i)];
        for (int s = kReduceThreads / 2; s > 0; s /= 2)
          for (int t = 0; t < s; ++t) lane[size_t(t)] += lane[size_t(t + s)];
        total += lane[0];
      }
      QVERIFY(std::abs(total - std::accumulate(x.begin(), x.end(), 0.0)) < 1e-9);
    }
  }

  void columnTiles() {
    for (int64_t cols : {1, 31, 32, 33, 100, 1000}) {
      std::vector<int> seen(size_t(cols), 0);
      for (int64_t tile = 0; tile < gradlab::cuda::columnTiles(cols); ++tile)
        for (int64_t lane = 0; lane < kColTile; ++lane) {
          const int64_t c = tileColumn(tile, lane);
          if (c < cols) ++seen[size_t(c)];
        }
      for (int s : seen) QCOMPARE(s, 1);
    }
    // sumRows: lanes y take rows y, y + kRowLanes, …; every row once per column.
    for (int64_t rows : {1, 7, 8, 9, 64, 1000}) {
      std::vector<int> seen(size_t(rows), 0);
      for (int64_t y = 0; y < kRowLanes; ++y)
        for (int64_t r = y; r < rows; r += kRowLanes) ++seen[size_t(r)];
      for (int s : seen) QCOMPARE(s, 1);
    }
  }

  void rowThreads() {
    QCOMPARE(gradlab::cuda::rowThreads(1), 32);
    QCOMPARE(gradlab::cuda::rowThreads(10), 32);
    QCOMPARE(gradlab::cuda::rowThreads(33), 64);
    QCOMPARE(gradlab::cuda::rowThreads(100), 128);
    QCOMPARE(gradlab::cuda::rowThreads(100000), kRowThreads);
    for (int64_t c = 1; c < 300; ++c) {
      const int t = gradlab::cuda::rowThreads(c);
      QVERIFY((t & (t - 1)) == 0);  // blockReduce needs a power of two
    }
  }

  // The example in cuda_index.h, and every element of a block against plain loops.
  void columnBlocks() {
    const ColumnBlockIndex k = columnBlockIndex(3, 2, 3, 1, 4, 2);
    QCOMPARE(k.src, int64_t(5));
    QCOMPARE(k.dst, int64_t(7));
    const int64_t rows = 3, width = 2, srcCols = 5, srcCol = 2, dstCols = 4, dstCol = 1;
    int64_t i = 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < width; ++j, ++i) {
        const ColumnBlockIndex e = columnBlockIndex(i, width, srcCols, srcCol, dstCols, dstCol);
        QCOMPARE(e.src, r * srcCols + srcCol + j);
        QCOMPARE(e.dst, r * dstCols + dstCol + j);
      }
  }

  void channelsAndGates() {
    // [N=2, C=3, inner=4]: element (n, c, s) at (n·3 + c)·4 + s.
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t s = 0; s < 4; ++s) QCOMPARE(channelOf((n * 3 + c) * 4 + s, 3, 4), c);
    // LSTM gates [B, 4H] in PyTorch's order i, f, g, o: sample 1, gate f, unit 2 of H = 5.
    QCOMPARE(gateIndex(1, 1, 2, 4, 5), int64_t(1 * 20 + 5 + 2));
    QCOMPARE(gateIndex(0, 3, 4, 4, 5), int64_t(19));
    QCOMPARE(gateIndex(2, 0, 0, 2, 3), int64_t(12));  // GRU rz [B, 2H]
  }

  void sizeClasses() {
    // Sizes no GPU has come back as they are (the allocation then fails), without looping.
    QCOMPARE(bucketBytes(SIZE_MAX - 5), SIZE_MAX - 5);
    QCOMPARE(bucketBytes(size_t(1) << 62), size_t(1) << 62);
    QCOMPARE(bucketBytes(0), size_t(512));
    QCOMPARE(bucketBytes(1), size_t(512));
    QCOMPARE(bucketBytes(512), size_t(512));
    QCOMPARE(bucketBytes(513), size_t(1024));
    QCOMPARE(bucketBytes(size_t(1) << 20), size_t(1) << 20);
    QCOMPARE(bucketBytes((size_t(1) << 20) + 1), (size_t(1) << 20) + (size_t(1) << 18));
    QCOMPARE(bucketBytes(size_t(3) << 20), size_t(3) << 20);
    size_t previous = 0;
    for (size_t b = 1; b < (size_t(1) << 28); b = b * 5 / 4 + 7) {
      const size_t c = bucketBytes(b);
      QVERIFY(c >= b);
      QVERIFY(c >= previous);       // monotone
      QCOMPARE(bucketBytes(c), c);  // a class is its own class
      if (b > (size_t(1) << 20))
        QVERIFY(double(c) <= 1.25 * double(b) + 1);
      else
        QCOMPARE(c % 512, size_t(0));
      previous = c;
    }
  }

  void fingerprint() {
    auto fp = [](std::initializer_list<uint64_t> words) {
      uint64_t h = kFingerprintSeed;
      for (uint64_t w : words) h = fingerprintMix(h, w);
      return h;
    };
    QCOMPARE(fp({1, 2, 3}), fp({1, 2, 3}));
    QVERIFY(fp({1, 2, 3}) != fp({1, 3, 2}));      // order matters
    QVERIFY(fp({1, 2, 3}) != fp({1, 2, 3, 0}));   // so does length
    QVERIFY(fp({0x1000}) != fp({0x1000 + 256}));  // a moved tensor changes it
  }
};

QTEST_GUILESS_MAIN(TestCudaIndex)
#include "tst_cuda_index.moc"
