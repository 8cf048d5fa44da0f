// The backend contract (backend/backend.h): every op goes through one checking wrapper, so a
// bad call is an Error naming the op and the shapes on every backend, before any backend code
// runs; a backend may lack ops, and a network that needs one is refused by name while other
// networks still run on that backend.
//
// The partial backend here keeps its tensors in cpu memory and runs the element-wise, matrix,
// activation, loss, optimizer and transpose ops by handing them to the cpu backend; it has no
// convolution, pooling, batch norm, dropout or recurrent cells (like a new GPU backend on its
// first day). So a dense network trains on it exactly as on the cpu, and a CNN or an LSTM is
// refused before anything is allocated.
#include <QtTest>
#include <cmath>
#include <string>
#include <thread>

#include "backend/backend.h"
#include "backend/select.h"
#include "network/network.h"
#include "optim/optimizer.h"
#include "spec/network_spec.h"
#include "support/error_text.h"
#include "util/error.h"

using namespace gradlab;
using gradlab::test::errorOf;

namespace {

class PartialBackend final : public Backend {
 public:
  std::string name() const override { return "partial"; }
  std::string description() const override { return "a partial backend (tests)"; }
  bool supports(DType dtype) const override { return dtype == DType::F32; }
  bool supportsOp(Op op) const override {
    // clang-format off
    switch (op) {
      case Op::Fill: case Op::Copy: case Op::Axpy: case Op::Scale: case Op::AddSign:
      case Op::Reduce: case Op::AllFinite: case Op::Gemm: case Op::AddRowVector:
      case Op::SumRows: case Op::CopyColumns: case Op::ActForward: case Op::ActBackward:
      case Op::Loss: case Op::OptimizerUpdate: case Op::Transpose01:
        return true;
      default:
        return false;
    }
    // clang-format on
  }
  void setThreads(int) override {}
  int threads() const override { return 1; }

  Tensor empty(const Shape& shape, DType dtype) override {
    if (dtype != DType::F32) throw Error("partial: f32 only");
    auto buf = std::make_shared<Storage>();
    buf->backend = this;
    buf->bytes = size_t(numel(shape)) * sizeOf(dtype);
    buf->host = cpu().empty({numel(shape)}, dtype);
    return Tensor(std::move(buf), shape, dtype);
  }
  void upload(Tensor& dst, const void* src, DType srcType) override {
    Tensor h = onCpu(dst);
    cpu().upload(h, src, srcType);
  }
  void download(const Tensor& src, void* dst, DType dstType) override {
    cpu().download(onCpu(src), dst, dstType);
  }

  int gemmCalls = 0;  // how often gemmImpl ran: never for a call the wrapper refused

 protected:
  void fillImpl(Tensor& t, double v) override {
    with(t, [&](Tensor& c) { cpu().fill(c, v); });
  }
  void copyImpl(const Tensor& s, Tensor& d) override {
    with(d, [&](Tensor& c) { cpu().copy(onCpu(s), c); });
  }
  void axpyImpl(double a, const Tensor& x, Tensor& y) override {
    with(y, [&](Tensor& c) { cpu().axpy(a, onCpu(x), c); });
  }
  void scaleImpl(Tensor& x, double a) override {
    with(x, [&](Tensor& c) { cpu().scale(c, a); });
  }
  void addSignImpl(double a, const Tensor& x, Tensor& y) override {
    with(y, [&](Tensor& c) { cpu().addSign(a, onCpu(x), c); });
  }
  double reduceImpl(Reduce op, const Tensor& x) override { return cpu().reduce(op, onCpu(x)); }
  bool allFiniteImpl(const Tensor& x) override { return cpu().allFinite(onCpu(x)); }
  void gemmImpl(bool ta, bool tb, double alpha, const Tensor& A, const Tensor& B, double beta,
                Tensor& C) override {
    ++gemmCalls;
    with(C, [&](Tensor& c) { cpu().gemm(ta, tb, alpha, onCpu(A), onCpu(B), beta, c); });
  }
  void addRowVectorImpl(Tensor& y, const Tensor& b) override {
    with(y, [&](Tensor& c) { cpu().addRowVector(c, onCpu(b)); });
  }
  void sumRowsImpl(const Tensor& dy, double beta, Tensor& db) override {
    with(db, [&](Tensor& c) { cpu().sumRows(onCpu(dy), beta, c); });
  }
  void copyColumnsImpl(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                       int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                       bool accumulate) override {
    with(dst, [&](Tensor& c) {
      cpu().copyColumns(onCpu(src), srcCols, srcCol, c, dstCols, dstCol, rows, width, accumulate);
    });
  }
  void actForwardImpl(Act f, const Tensor& z, Tensor& y) override {
    with(y, [&](Tensor& c) { cpu().actForward(f, onCpu(z), c); });
  }
  void actBackwardImpl(Act f, const Tensor& z, const Tensor& y, const Tensor& dy, Tensor& dz,
                       bool accumulate) override {
    with(dz,
         [&](Tensor& c) { cpu().actBackward(f, onCpu(z), onCpu(y), onCpu(dy), c, accumulate); });
  }
  void lossImpl(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                Tensor* grad) override {
    Tensor v = onCpu(value), g = grad ? onCpu(*grad) : Tensor();
    cpu().loss(kind, onCpu(pred), onCpu(target), v, grad ? &g : nullptr);
  }
  void optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                           const Tensor& g, Tensor& s1, Tensor& s2) override {
    Tensor cw = onCpu(w), c1 = s1.defined() ? onCpu(s1) : Tensor(),
           c2 = s2.defined() ? onCpu(s2) : Tensor();
    cpu().optimizerUpdate(kind, h, step, cw, onCpu(g), c1, c2);
  }
  void transpose01Impl(const Tensor& src, Tensor& dst, bool accumulate) override {
    with(dst, [&](Tensor& c) { cpu().transpose01(onCpu(src), c, accumulate); });
  }

 private:
  struct Storage : Buffer {
    Tensor host;  // flat, on the cpu backend
  };
  static Backend& cpu() { return cpuBackend(); }
  // The same elements as a cpu tensor (a view of the storage).
  static Tensor onCpu(const Tensor& t) {
    const Tensor& host = static_cast<Storage*>(t.buffer())->host;
    return host.slice(t.offset(), t.offset() + t.numel()).reshaped(t.shape());
  }
  template <class Fn>
  static void with(Tensor& t, Fn fn) {
    Tensor c = onCpu(t);
    fn(c);
  }
};

PartialBackend& partial() {
  static PartialBackend be;
  return be;
}

NetworkSpec spec(const char* json) { return fromJson(nlohmann::json::parse(json), "test"); }

const char* kMlp = R"({"blocks": [{"id": "x", "type": "Input", "shape": [3]},
    {"id": "h", "type": "Dense", "units": 5, "activation": "tanh"},
    {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "h"], ["h", "out"]], "loss": {"type": "mse", "block": "out"}})";

const char* kCnn = R"({"blocks": [{"id": "x", "type": "Input", "shape": [1, 6, 6]},
    {"id": "c1", "type": "Conv2D", "filters": 2, "kernel": 3, "activation": "relu"},
    {"id": "f", "type": "Flatten"},
    {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "c1"], ["c1", "f"], ["f", "out"]],
    "loss": {"type": "cross_entropy", "block": "out"}})";

const char* kLstm = R"({"blocks": [{"id": "x", "type": "Input", "shape": [4, 3]},
    {"id": "seq", "type": "LSTM", "units": 5},
    {"id": "out", "type": "Dense", "units": 2}],
    "edges": [["x", "seq"], ["seq", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})";

Tensor filled(Backend& be, const Shape& s, double v) {
  Tensor t = be.empty(s, DType::F32);
  be.fill(t, v);
  return t;
}

// The losses of `steps` sgd steps of the MLP on `be`, from the same weights and data.
std::vector<double> trainMlp(Backend& be, int steps) {
  Network net(spec(kMlp), be, DType::F32, 7);
  net.loadWeights(Network(spec(kMlp), cpuBackend(), DType::F32, 7).weights(), "init");
  Tensor x = be.empty({4, 3}, DType::F32), y = be.empty({4, 2}, DType::F32);
  x.fromHost(std::vector<double>{0.1, -0.2, 0.3, 0.5, 0.4, -0.6, -0.7, 0.8, 0.9, 1.0, -1.1, 0.2});
  y.fromHost(std::vector<double>{1, 0, 0, 1, 1, 1, 0, 0});
  Optimizer opt(OptimKind::Sgd, defaultHyper(OptimKind::Sgd), be);
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) {
    net.forward(x, true);
    losses.push_back(net.loss(y, true));
    net.backward();
    auto params = net.params();
    opt.update(params);
  }
  return losses;
}

}  // namespace

class TestBackendContract : public QObject {
  Q_OBJECT
 private slots:
  // Every op has a name, and the cpu reference runs every op.
  void opNames() {
    QSet<QString> names;
    for (size_t i = 0; i < size_t(Op::Count); ++i) {
      names.insert(opName(Op(i)));
      QVERIFY2(cpuBackend().supportsOp(Op(i)), opName(Op(i)));
    }
    QCOMPARE(names.size(), int(Op::Count));
    QCOMPARE(QString(opName(Op::Conv2dForward)), QString("conv2dForward"));
  }

  // A network that needs an op the backend lacks is refused, naming the block, the op and the
  // backend and saying to train on the CPU.
  void lackingOpIsRefusedByName() {
    const QString cnn = errorOf([] { Network(spec(kCnn), partial(), DType::F32, 1); });
    QVERIFY2(cnn.contains("partial backend") && cnn.contains("block \"c1\" (Conv2D)") &&
                 cnn.contains("conv2dForward") && cnn.contains("on the CPU"),
             qPrintable(cnn));
    // The LSTM's cell runs only inside forRowBlocks' parts (two of them with two threads).
    cpuBackend().setThreads(2);
    const QString lstm = errorOf([] { Network(spec(kLstm), partial(), DType::F32, 1); });
    cpuBackend().setThreads(1);
    QVERIFY2(lstm.contains("block \"seq\" (LSTM)") && lstm.contains("lstmCellForward"),
             qPrintable(lstm));
  }

  // An OpTrace sees the ops of forRowBlocks' parts that run on other threads (the cpu backend
  // runs one part per thread): an op issued only by the second part is recorded.
  void traceFollowsRowBlocks() {
    Backend& be = cpuBackend();
    be.setThreads(2);
    Tensor t = be.zeros({4}, DType::F32);
    std::thread::id caller = std::this_thread::get_id(), second;
    OpTrace trace;
    be.forRowBlocks(2, [&](int64_t begin, int64_t) {
      if (begin == 0) return;
      second = std::this_thread::get_id();
      be.scale(t, 2.0);
    });
    be.setThreads(1);
    QVERIFY2(second != caller, "the second part ran on the calling thread: nothing to test");
    QVERIFY(trace.used(Op::Scale));
    QVERIFY(!trace.used(Op::Gemm));
  }

  // The cpu backend runs ops from two threads at once (the GUI's activation plot while the
  // worker trains): convolutions, which use per-thread scratch, give on each thread what they
  // give alone, bit for bit.
  void cpuOpsFromTwoThreads() {
    Backend& be = cpuBackend();
    const Conv2dGeometry g = conv2dGeometry(3, 16, 16, 8, /*kernel=*/3, /*stride=*/1, /*pad=*/1);
    auto wave = [&](const Shape& shape, double seed) {  // sin(seed·i): deterministic values
      std::vector<double> v(size_t(numel(shape)));
      for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(seed * double(i + 1));
      Tensor t = be.empty(shape, DType::F32);
      t.fromHost(v);
      return t;
    };
    const Tensor filters = wave({8, 3, 3, 3}, 0.3);
    const Tensor x1 = wave({4, 3, 16, 16}, 0.7), x2 = wave({4, 3, 16, 16}, 1.9);
    auto conv = [&](const Tensor& x) {
      Tensor y = be.empty({4, 8, 16, 16}, DType::F32);
      be.conv2dForward(x, filters, g, y);
      Tensor z = be.empty({4, 8, 16, 16}, DType::F32);
      be.actForward(Act::Softmax, y, z);
      return z.toHost();
    };
    const std::vector<double> ref1 = conv(x1), ref2 = conv(x2);
    bool same1 = true, same2 = true;
    std::thread other([&] {
      for (int i = 0; i < 40; ++i) same2 = same2 && conv(x2) == ref2;
    });
    for (int i = 0; i < 40; ++i) same1 = same1 && conv(x1) == ref1;
    other.join();
    QVERIFY(same1);
    QVERIFY(same2);
  }

  // A network whose ops the backend has runs on it, as on the cpu.
  void partialBackendRunsWhatItHas() {
    const std::vector<double> cpuLosses = trainMlp(cpuBackend(), 5);
    const std::vector<double> partialLosses = trainMlp(partial(), 5);
    QVERIFY(partialLosses == cpuLosses);  // the same ops on the same numbers: bit for bit
    QVERIFY(cpuLosses.back() < cpuLosses.front());
  }

  // An op the backend lacks, called anyway (outside a network), is an Error, not a crash.
  void lackingOpCalledDirectly() {
    Backend& be = partial();
    Tensor x = filled(be, {1, 1, 4, 4}, 1.0), w = filled(be, {1, 1, 3, 3}, 1.0),
           y = be.empty({1, 1, 2, 2}, DType::F32);
    const Conv2dGeometry g = conv2dGeometry(1, 4, 4, 1, /*kernel=*/3, /*stride=*/1, /*pad=*/0);
    const QString m = errorOf([&] { be.conv2dForward(x, w, g, y); });
    QVERIFY2(m.contains("partial backend has no conv2dForward op"), qPrintable(m));
  }

  // The wrappers check before any backend code runs, with the same message on every backend:
  // the op, and the shapes.
  void wrappersRejectMismatches_data() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("cpu") << "cpu";
    QTest::newRow("partial") << "partial";
    QTest::newRow("cuda") << "cuda";
  }
  void wrappersRejectMismatches() {
    QFETCH(QString, backend);
    Backend* bp = backend == "cpu" ? &cpuBackend() : backend == "partial" ? &partial() : nullptr;
    if (!bp) {
      try {
        bp = selectBackend(backend.toStdString()).backend;
      } catch (const Error& e) {
        QSKIP(qPrintable("no usable GPU: " + QString(e.what())));
      }
    }
    Backend& be = *bp;
    const QString n = QString::fromStdString(be.name());
    const int gemmsBefore = partial().gemmCalls;
    Tensor a = filled(be, {4, 3}, 1.0), b = filled(be, {2, 3}, 1.0),
           c = be.empty({4, 5}, DType::F32);
    QString m = errorOf([&] { be.gemm(false, true, 1.0, a, b, 0.0, c); });
    QCOMPARE(m, n + " gemm: shapes do not fit (4×3 · 2×3ᵀ -> 4×5)");
    QCOMPARE(partial().gemmCalls, gemmsBefore);  // the implementation never ran

    Tensor z = filled(be, {2, 3}, 0.5), y = be.empty({3, 3}, DType::F32);
    m = errorOf([&] { be.actForward(Act::Tanh, z, y); });
    QVERIFY2(m.startsWith(n + " actForward: tensors differ (z 2×3 f32 vs y 3×3 f32)"),
             qPrintable(m));

    Tensor pred = filled(be, {4, 3}, 0.0), target = filled(be, {3}, 0.0),
           value = be.empty({1}, DType::F32);
    m = errorOf([&] { be.loss(LossKind::CrossEntropy, pred, target, value, nullptr); });
    QVERIFY2(m.startsWith(n + " loss: targets (3) do not fit predictions (4×3)"), qPrintable(m));

    // Shapes are checked before the op's presence: the partial backend says what is wrong.
    const Conv2dGeometry g = conv2dGeometry(1, 4, 4, 1, /*kernel=*/3, /*stride=*/1, /*pad=*/0);
    Tensor x = filled(be, {2, 1, 4, 4}, 1.0), w = filled(be, {1, 1, 3, 3}, 1.0),
           out = be.empty({2, 1, 3, 3}, DType::F32);
    m = errorOf([&] { be.conv2dForward(x, w, g, out); });
    QVERIFY2(m.startsWith(n + " conv2dForward: tensors do not fit the geometry (x 2×1×4×4, "
                              "w 1×1×3×3, y 2×1×3×3)"),
             qPrintable(m));

    Tensor cPrev = filled(be, {2, 3}, 0.0), cell = be.empty({2, 3}, DType::F32),
           h = be.empty({2, 3}, DType::F32);
    Tensor badGates = filled(be, {2, 10}, 0.0);
    m = errorOf([&] { be.lstmCellForward(badGates, cPrev, cell, h); });
    QVERIFY2(m.startsWith(n + " lstmCellForward: gates is 2×10 f32, expected 2×12 f32"),
             qPrintable(m));

    // Tensors of another backend, and undefined ones, are refused, not dereferenced.
    Backend& other = &be == &cpuBackend() ? static_cast<Backend&>(partial()) : cpuBackend();
    Tensor foreign = filled(other, {4, 3}, 1.0), none;
    m = errorOf([&] { be.axpy(1.0, foreign, a); });
    QVERIFY2(m.startsWith(n + " axpy: x lives on the " + QString::fromStdString(other.name()) +
                          " backend"),
             qPrintable(m));
    m = errorOf([&] { be.scale(none, 2.0); });
    QCOMPARE(m, n + " scale: x is an undefined tensor");
    m = errorOf([&] { be.dropoutForward(a, a, 1.5, a); });
    QVERIFY2(m.startsWith(n + " dropoutForward: the rate must be in [0, 1), got 1.5"),
             qPrintable(m));
  }

  // Elements of another type are refused by the wrapper on the cpu too (a f64 bias on f32).
  void mixedTypesAreRefused() {
    Backend& be = cpuBackend();
    Tensor y = be.zeros({2, 3}, DType::F32), b = be.zeros({3}, DType::F64);
    const QString m = errorOf([&] { be.addRowVector(y, b); });
    QVERIFY2(m.startsWith("cpu addRowVector: the row vector 3 f64 does not fit the rows of "
                          "2×3 f32"),
             qPrintable(m));
  }
};

QTEST_GUILESS_MAIN(TestBackendContract)
#include "tst_backend_contract.moc"
