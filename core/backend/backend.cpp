// The checked entries of Backend (backend.h): each op's wrapper checks its arguments once for
// every backend, notes the op in the thread's OpTrace and calls the backend's <op>Impl. The
// default <op>Impl says that this backend lacks the op.
#include "backend/backend.h"

#include <iterator>

#include "util/error.h"

namespace gradlab {

namespace {

// In the order of enum Op.
// clang-format off
constexpr const char* kOpNames[] = {
    "fill", "copy", "axpy", "scale", "addSign", "reduce", "allFinite",
    "gemm", "addRowVector", "sumRows", "copyColumns",
    "actForward", "actBackward", "loss",
    "conv2dForward", "conv2dBackwardData", "conv2dBackwardFilter", "addChannelBias",
    "conv2dBackwardBias",
    "pool2dForward", "pool2dBackward",
    "batchNormForwardTraining", "batchNormForwardInference", "batchNormBackward",
    "dropoutMask", "dropoutForward", "dropoutBackward",
    "optimizerUpdate",
    "transpose01", "lstmCellForward", "lstmCellBackward", "gruGatesForward",
    "gruCandidateForward", "gruCandidateBackward", "gruResetBackward"};
// clang-format on
static_assert(std::size(kOpNames) == size_t(Op::Count), "one name per op");
static_assert(size_t(Op::Count) <= 64, "OpTrace keeps one bit per op");

thread_local OpTrace* tCurrentTrace = nullptr;
// OpTraces alive in the whole process: while there are none (nearly always), an op does not
// look at its thread's trace.
std::atomic<int> gLiveTraces{0};

// Installs a trace on the calling thread for a scope (forRowBlocks' parts on other threads).
struct TraceScope {
  OpTrace* saved;
  explicit TraceScope(OpTrace* t) : saved(tCurrentTrace) { tCurrentTrace = t; }
  ~TraceScope() { tCurrentTrace = saved; }
};

// "cpu gemm: …"
[[noreturn]] void fail(const Backend& be, Op op, const std::string& what) {
  throw Error(be.name() + " " + opName(op) + ": " + what);
}

std::string describe(const Tensor& t) { return toString(t.shape()) + " " + toString(t.dtype()); }

// Why t is not a tensor of this backend (the cold path of checkTensor).
[[noreturn, gnu::cold, gnu::noinline]] void badTensor(const Backend& be, Op op, const char* name,
                                                      const Tensor& t) {
  if (!t.defined()) fail(be, op, std::string(name) + " is an undefined tensor");
  fail(be, op,
       std::string(name) + " lives on the " + t.backend().name() + " backend, not on " +
           be.name() + " — make every tensor of one network with the same backend");
}

// Every tensor an op reads or writes: defined and on this backend, so of a type it stores
// (its empty() makes no other). Called for every tensor of every op: the test is two loads.
inline void checkTensor(const Backend& be, Op op, const char* name, const Tensor& t) {
  if (!t.defined() || t.buffer()->backend != &be) [[unlikely]]
    badTensor(be, op, name, t);
}

[[noreturn, gnu::cold, gnu::noinline]] void tensorsDiffer(const Backend& be, Op op,
                                                          const char* an, const Tensor& a,
                                                          const char* bn, const Tensor& b) {
  fail(be, op,
       std::string("tensors differ (") + an + " " + describe(a) + " vs " + bn + " " +
           describe(b) + ")");
}

// a and b hold as many elements of one type (element-wise ops; the optimizers call it for
// every parameter: inline, its message built in the cold path).
inline void checkSame(const Backend& be, Op op, const char* an, const Tensor& a, const char* bn,
                      const Tensor& b) {
  checkTensor(be, op, an, a);
  checkTensor(be, op, bn, b);
  if (a.numel() != b.numel() || a.dtype() != b.dtype()) [[unlikely]]
    tensorsDiffer(be, op, an, a, bn, b);
}

// A [rows, width] matrix of type dtype (the recurrent cells).
void checkMatrix(const Backend& be, Op op, const char* name, const Tensor& t, int64_t rows,
                 int64_t width, DType dtype) {
  checkTensor(be, op, name, t);
  if (t.dtype() != dtype || t.numel() != rows * width || t.rows() != rows)
    fail(be, op,
         std::string(name) + " is " + describe(t) + ", expected " + std::to_string(rows) +
             "\u00d7" + std::to_string(width) + " " + toString(dtype));
}

void checkConv(const Backend& be, Op op, const Tensor& x, const Tensor& w, const Tensor& y,
               const Conv2dGeometry& g) {
  checkTensor(be, op, "x", x);
  checkTensor(be, op, "w", w);
  checkTensor(be, op, "y", y);
  const int64_t n = x.rank() ? x.dim(0) : 0;
  const bool ok = g.valid() && x.rank() == 4 && y.rank() == 4 && w.rank() == 4 &&
                  x.shape() == Shape{n, g.inChannels, g.inH, g.inW} &&
                  w.shape() == Shape{g.outChannels, g.inChannels, g.kernelH, g.kernelW} &&
                  y.shape() == Shape{n, g.outChannels, g.outH, g.outW} && x.dtype() == w.dtype() &&
                  y.dtype() == w.dtype();
  if (!ok)
    fail(be, op,
         "tensors do not fit the geometry (x " + toString(x.shape()) + ", w " +
             toString(w.shape()) + ", y " + toString(y.shape()) + ")");
}

void checkPool(const Backend& be, Op op, const Tensor& x, const Tensor& y,
               const Pool2dGeometry& g) {
  checkTensor(be, op, "x", x);
  checkTensor(be, op, "y", y);
  const int64_t n = x.rank() ? x.dim(0) : 0;
  if (!g.valid() || x.shape() != Shape{n, g.channels, g.inH, g.inW} ||
      y.shape() != Shape{n, g.channels, g.outH, g.outW} || x.dtype() != y.dtype())
    fail(be, op,
         "tensors do not fit the geometry (x " + toString(x.shape()) + ", y " +
             toString(y.shape()) + ")");
}

// y [N, C, …] and a per-channel b [C] (channel bias and its gradient).
void checkChannelBias(const Backend& be, Op op, const Tensor& y, const Tensor& b) {
  checkTensor(be, op, "y", y);
  checkTensor(be, op, "bias", b);
  if (y.rank() < 2 || b.numel() != y.dim(1) || b.dtype() != y.dtype())
    fail(be, op, "bias " + describe(b) + " does not fit " + describe(y));
}

// Batch norm's x [N, C] or [N, C, H, W] and its per-channel tensors; returns m = N·H·W.
int64_t checkNorm(const Backend& be, Op op, const Tensor& x,
                  std::initializer_list<std::pair<const char*, const Tensor*>> perChannel) {
  checkTensor(be, op, "x", x);
  if (x.rank() != 2 && x.rank() != 4)
    fail(be, op, "expects [N, C] or [N, C, H, W], got " + toString(x.shape()));
  const int64_t c = x.dim(1);
  for (const auto& [name, t] : perChannel) {
    checkTensor(be, op, name, *t);
    if (t->numel() != c || t->dtype() != x.dtype())
      fail(be, op,
           std::string("the per-channel tensor ") + name + " is " + describe(*t) + ", expected " +
               std::to_string(c) + " values of " + toString(x.dtype()));
  }
  return x.dim(0) * (x.rank() == 4 ? x.dim(2) * x.dim(3) : 1);
}

void checkRate(const Backend& be, Op op, double rate) {
  if (!(rate >= 0 && rate < 1))
    fail(be, op, "the rate must be in [0, 1), got " + std::to_string(rate));
}

}  // namespace

const char* opName(Op op) {
  return size_t(op) < size_t(Op::Count) ? kOpNames[size_t(op)] : "(no op)";
}

OpTrace::OpTrace() : outer_(tCurrentTrace) {
  tCurrentTrace = this;
  gLiveTraces.fetch_add(1);
}
OpTrace::~OpTrace() {
  tCurrentTrace = outer_;
  gLiveTraces.fetch_sub(1);
}

void Backend::traced(Op op) {
  if (gLiveTraces.load(std::memory_order_relaxed) == 0) return;
  if (tCurrentTrace) tCurrentTrace->bits_.fetch_or(uint64_t(1) << unsigned(op));
}

// --- element-wise ------------------------------------------------------------------------------

void Backend::fill(Tensor& t, double value) {
  checkTensor(*this, Op::Fill, "t", t);
  traced(Op::Fill);
  fillImpl(t, value);
}

void Backend::copy(const Tensor& src, Tensor& dst) {
  checkSame(*this, Op::Copy, "src", src, "dst", dst);
  traced(Op::Copy);
  copyImpl(src, dst);
}

void Backend::axpy(double a, const Tensor& x, Tensor& y) {
  checkSame(*this, Op::Axpy, "x", x, "y", y);
  traced(Op::Axpy);
  axpyImpl(a, x, y);
}

void Backend::scale(Tensor& x, double a) {
  checkTensor(*this, Op::Scale, "x", x);
  traced(Op::Scale);
  scaleImpl(x, a);
}

void Backend::addSign(double a, const Tensor& x, Tensor& y) {
  checkSame(*this, Op::AddSign, "x", x, "y", y);
  traced(Op::AddSign);
  addSignImpl(a, x, y);
}

double Backend::reduce(Reduce op, const Tensor& x) {
  checkTensor(*this, Op::Reduce, "x", x);
  traced(Op::Reduce);
  return reduceImpl(op, x);
}

bool Backend::allFinite(const Tensor& x) {
  checkTensor(*this, Op::AllFinite, "x", x);
  traced(Op::AllFinite);
  return allFiniteImpl(x);
}

// --- matrix ------------------------------------------------------------------------------------

void Backend::gemm(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                   double beta, Tensor& C) {
  checkTensor(*this, Op::Gemm, "A", A);
  checkTensor(*this, Op::Gemm, "B", B);
  checkTensor(*this, Op::Gemm, "C", C);
  const int64_t m = transA ? A.cols() : A.rows(), k = transA ? A.rows() : A.cols();
  const int64_t kb = transB ? B.cols() : B.rows(), n = transB ? B.rows() : B.cols();
  if (k != kb || C.rows() != m || C.cols() != n || A.dtype() != C.dtype() || B.dtype() != C.dtype())
    fail(*this, Op::Gemm,
         "shapes do not fit (" + toString(A.shape()) + (transA ? "ᵀ" : "") + " · " +
             toString(B.shape()) + (transB ? "ᵀ" : "") + " -> " + toString(C.shape()) + ")");
  traced(Op::Gemm);
  gemmImpl(transA, transB, alpha, A, B, beta, C);
}

void Backend::addRowVector(Tensor& y, const Tensor& b) {
  checkTensor(*this, Op::AddRowVector, "y", y);
  checkTensor(*this, Op::AddRowVector, "b", b);
  if (b.numel() != y.cols() || b.dtype() != y.dtype())
    fail(*this, Op::AddRowVector,
         "the row vector " + describe(b) + " does not fit the rows of " + describe(y));
  traced(Op::AddRowVector);
  addRowVectorImpl(y, b);
}

void Backend::sumRows(const Tensor& dy, double beta, Tensor& db) {
  checkTensor(*this, Op::SumRows, "dy", dy);
  checkTensor(*this, Op::SumRows, "db", db);
  if (db.numel() != dy.cols() || db.dtype() != dy.dtype())
    fail(*this, Op::SumRows,
         "the sum " + describe(db) + " does not fit the rows of " + describe(dy));
  traced(Op::SumRows);
  sumRowsImpl(dy, beta, db);
}

void Backend::copyColumns(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                          int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                          bool accumulate) {
  checkTensor(*this, Op::CopyColumns, "src", src);
  checkTensor(*this, Op::CopyColumns, "dst", dst);
  if (rows < 0 || width < 0 || srcCol < 0 || dstCol < 0 || rows * srcCols > src.numel() ||
      rows * dstCols > dst.numel() || srcCol + width > srcCols || dstCol + width > dstCols ||
      src.dtype() != dst.dtype())
    fail(*this, Op::CopyColumns,
         "the block of " + std::to_string(rows) + " rows × " + std::to_string(width) +
             " columns (from column " + std::to_string(srcCol) + " of " + std::to_string(srcCols) +
             " to column " + std::to_string(dstCol) + " of " + std::to_string(dstCols) +
             ") lies outside src " + describe(src) + " or dst " + describe(dst));
  traced(Op::CopyColumns);
  copyColumnsImpl(src, srcCols, srcCol, dst, dstCols, dstCol, rows, width, accumulate);
}

// --- activations and losses ----------------------------------------------------------------

void Backend::actForward(Act f, const Tensor& z, Tensor& y) {
  checkSame(*this, Op::ActForward, "z", z, "y", y);
  traced(Op::ActForward);
  actForwardImpl(f, z, y);
}

void Backend::actBackward(Act f, const Tensor& z, const Tensor& y, const Tensor& dy, Tensor& dz,
                          bool accumulate) {
  checkSame(*this, Op::ActBackward, "z", z, "dz", dz);
  checkSame(*this, Op::ActBackward, "dy", dy, "dz", dz);
  checkSame(*this, Op::ActBackward, "y", y, "dz", dz);
  traced(Op::ActBackward);
  actBackwardImpl(f, z, y, dy, dz, accumulate);
}

void Backend::loss(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                   Tensor* grad) {
  checkTensor(*this, Op::Loss, "pred", pred);
  checkTensor(*this, Op::Loss, "target", target);
  checkTensor(*this, Op::Loss, "value", value);
  if (kind == LossKind::CrossEntropy ? target.numel() != pred.rows()
                                     : target.numel() != pred.numel())
    fail(*this, Op::Loss,
         "targets (" + toString(target.shape()) + ") do not fit predictions (" +
             toString(pred.shape()) + ")" +
             (kind == LossKind::CrossEntropy ? " — cross_entropy takes one class index per row"
                                             : ""));
  if (target.dtype() != pred.dtype() || value.dtype() != pred.dtype() || value.numel() < 1)
    fail(*this, Op::Loss,
         "pred " + describe(pred) + ", target " + describe(target) + " and value " +
             describe(value) + " must have one element type, value at least one element");
  if (grad) checkSame(*this, Op::Loss, "pred", pred, "grad", *grad);
  traced(Op::Loss);
  lossImpl(kind, pred, target, value, grad);
}

// --- convolution, pooling, normalisation, dropout ----------------------------------------------

void Backend::conv2dForward(const Tensor& x, const Tensor& w, const Conv2dGeometry& g, Tensor& y) {
  checkConv(*this, Op::Conv2dForward, x, w, y, g);
  traced(Op::Conv2dForward);
  conv2dForwardImpl(x, w, g, y);
}

void Backend::conv2dBackwardData(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                 Tensor& dx, bool accumulate) {
  checkConv(*this, Op::Conv2dBackwardData, dx, w, dy, g);
  traced(Op::Conv2dBackwardData);
  conv2dBackwardDataImpl(w, dy, g, dx, accumulate);
}

void Backend::conv2dBackwardFilter(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                   Tensor& dw) {
  checkConv(*this, Op::Conv2dBackwardFilter, x, dw, dy, g);
  traced(Op::Conv2dBackwardFilter);
  conv2dBackwardFilterImpl(x, dy, g, dw);
}

void Backend::addChannelBias(Tensor& y, const Tensor& b) {
  checkChannelBias(*this, Op::AddChannelBias, y, b);
  traced(Op::AddChannelBias);
  addChannelBiasImpl(y, b);
}

void Backend::conv2dBackwardBias(const Tensor& dy, Tensor& db) {
  checkChannelBias(*this, Op::Conv2dBackwardBias, dy, db);
  traced(Op::Conv2dBackwardBias);
  conv2dBackwardBiasImpl(dy, db);
}

void Backend::pool2dForward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x, Tensor& y) {
  checkPool(*this, Op::Pool2dForward, x, y, g);
  traced(Op::Pool2dForward);
  pool2dForwardImpl(mode, g, x, y);
}

void Backend::pool2dBackward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                             const Tensor& y, const Tensor& dy, Tensor& dx, bool accumulate) {
  checkPool(*this, Op::Pool2dBackward, x, y, g);
  checkSame(*this, Op::Pool2dBackward, "y", y, "dy", dy);
  checkSame(*this, Op::Pool2dBackward, "x", x, "dx", dx);
  traced(Op::Pool2dBackward);
  pool2dBackwardImpl(mode, g, x, y, dy, dx, accumulate);
}

void Backend::batchNormForwardTraining(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                       double momentum, double eps, Tensor& runningMean,
                                       Tensor& runningVar, Tensor& y, Tensor& saveMean,
                                       Tensor& saveVar) {
  const Op op = Op::BatchNormForwardTraining;
  const int64_t m = checkNorm(*this, op, x,
                              {{"gamma", &gamma},
                               {"beta", &beta},
                               {"running_mean", &runningMean},
                               {"running_var", &runningVar},
                               {"save_mean", &saveMean},
                               {"save_var", &saveVar}});
  checkSame(*this, op, "x", x, "y", y);
  if (m < 2) fail(*this, op, "needs at least 2 values per channel, got " + std::to_string(m));
  traced(op);
  batchNormForwardTrainingImpl(x, gamma, beta, momentum, eps, runningMean, runningVar, y, saveMean,
                               saveVar);
}

void Backend::batchNormForwardInference(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                        const Tensor& runningMean, const Tensor& runningVar,
                                        double eps, Tensor& y) {
  const Op op = Op::BatchNormForwardInference;
  checkNorm(*this, op, x,
            {{"gamma", &gamma},
             {"beta", &beta},
             {"running_mean", &runningMean},
             {"running_var", &runningVar}});
  checkSame(*this, op, "x", x, "y", y);
  traced(op);
  batchNormForwardInferenceImpl(x, gamma, beta, runningMean, runningVar, eps, y);
}

void Backend::batchNormBackward(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                const Tensor& saveMean, const Tensor& saveVar, double eps,
                                Tensor& dx, Tensor& dgamma, Tensor& dbeta, bool accumulate) {
  const Op op = Op::BatchNormBackward;
  checkNorm(*this, op, x,
            {{"gamma", &gamma},
             {"save_mean", &saveMean},
             {"save_var", &saveVar},
             {"dgamma", &dgamma},
             {"dbeta", &dbeta}});
  checkSame(*this, op, "x", x, "dy", dy);
  if (dx.defined()) checkSame(*this, op, "x", x, "dx", dx);
  traced(op);
  batchNormBackwardImpl(x, dy, gamma, saveMean, saveVar, eps, dx, dgamma, dbeta, accumulate);
}

void Backend::dropoutMask(double rate, uint64_t seed, uint64_t step, Tensor& mask) {
  checkRate(*this, Op::DropoutMask, rate);
  checkTensor(*this, Op::DropoutMask, "mask", mask);
  traced(Op::DropoutMask);
  dropoutMaskImpl(rate, seed, step, mask);
}

void Backend::dropoutForward(const Tensor& x, const Tensor& mask, double rate, Tensor& y) {
  checkRate(*this, Op::DropoutForward, rate);
  checkSame(*this, Op::DropoutForward, "x", x, "mask", mask);
  checkSame(*this, Op::DropoutForward, "x", x, "y", y);
  traced(Op::DropoutForward);
  dropoutForwardImpl(x, mask, rate, y);
}

void Backend::dropoutBackward(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                              bool accumulate) {
  checkRate(*this, Op::DropoutBackward, rate);
  checkSame(*this, Op::DropoutBackward, "dy", dy, "mask", mask);
  checkSame(*this, Op::DropoutBackward, "dy", dy, "dx", dx);
  traced(Op::DropoutBackward);
  dropoutBackwardImpl(dy, mask, rate, dx, accumulate);
}

// --- optimizers --------------------------------------------------------------------------------

void Backend::optimizerUpdate(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                              const Tensor& g, Tensor& s1, Tensor& s2) {
  checkSame(*this, Op::OptimizerUpdate, "w", w, "g", g);
  if (kind != OptimKind::Sgd) checkSame(*this, Op::OptimizerUpdate, "w", w, "s1", s1);
  if (kind == OptimKind::Adadelta || kind == OptimKind::Adam)
    checkSame(*this, Op::OptimizerUpdate, "w", w, "s2", s2);
  traced(Op::OptimizerUpdate);
  optimizerUpdateImpl(kind, h, step, w, g, s1, s2);
}

// --- recurrent ---------------------------------------------------------------------------------

void Backend::transpose01(const Tensor& src, Tensor& dst, bool accumulate) {
  checkTensor(*this, Op::Transpose01, "src", src);
  checkTensor(*this, Op::Transpose01, "dst", dst);
  if (src.rank() < 2 || dst.rank() < 2 || src.dim(0) != dst.dim(1) || src.dim(1) != dst.dim(0) ||
      src.numel() != dst.numel() || src.dtype() != dst.dtype())
    fail(*this, Op::Transpose01,
         toString(src.shape()) + " does not fit " + toString(dst.shape()) +
             " with the first two extents swapped");
  traced(Op::Transpose01);
  transpose01Impl(src, dst, accumulate);
}

void Backend::lstmCellForward(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h) {
  const Op op = Op::LstmCellForward;
  checkTensor(*this, op, "c", c);
  const int64_t B = c.rows(), H = c.cols();
  checkMatrix(*this, op, "gates", gates, B, 4 * H, c.dtype());
  checkMatrix(*this, op, "c_prev", cPrev, B, H, c.dtype());
  checkMatrix(*this, op, "h", h, B, H, c.dtype());
  traced(op);
  lstmCellForwardImpl(gates, cPrev, c, h);
}

void Backend::lstmCellBackward(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                               const Tensor& dh, Tensor& dc, Tensor& dgates) {
  const Op op = Op::LstmCellBackward;
  checkTensor(*this, op, "c", c);
  const int64_t B = c.rows(), H = c.cols();
  checkMatrix(*this, op, "gates", gates, B, 4 * H, c.dtype());
  checkMatrix(*this, op, "dgates", dgates, B, 4 * H, c.dtype());
  checkMatrix(*this, op, "c_prev", cPrev, B, H, c.dtype());
  checkMatrix(*this, op, "dh", dh, B, H, c.dtype());
  checkMatrix(*this, op, "dc", dc, B, H, c.dtype());
  traced(op);
  lstmCellBackwardImpl(gates, cPrev, c, dh, dc, dgates);
}

void Backend::gruGatesForward(const Tensor& xp, const Tensor& hh, const Tensor& hPrev, Tensor& rz,
                              Tensor& rh) {
  const Op op = Op::GruGatesForward;
  checkTensor(*this, op, "h_prev", hPrev);
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  checkMatrix(*this, op, "xp", xp, B, 3 * H, dt);
  checkMatrix(*this, op, "hh", hh, B, 2 * H, dt);
  checkMatrix(*this, op, "rz", rz, B, 2 * H, dt);
  checkMatrix(*this, op, "rh", rh, B, H, dt);
  traced(op);
  gruGatesForwardImpl(xp, hh, hPrev, rz, rh);
}

void Backend::gruCandidateForward(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                                  const Tensor& hPrev, Tensor& g, Tensor& h) {
  const Op op = Op::GruCandidateForward;
  checkTensor(*this, op, "h_prev", hPrev);
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  checkMatrix(*this, op, "xp", xp, B, 3 * H, dt);
  checkMatrix(*this, op, "hg", hg, B, H, dt);
  checkMatrix(*this, op, "rz", rz, B, 2 * H, dt);
  checkMatrix(*this, op, "g", g, B, H, dt);
  checkMatrix(*this, op, "h", h, B, H, dt);
  traced(op);
  gruCandidateForwardImpl(xp, hg, rz, hPrev, g, h);
}

void Backend::gruCandidateBackward(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                   const Tensor& hPrev, Tensor& drz, Tensor& dg) {
  const Op op = Op::GruCandidateBackward;
  checkTensor(*this, op, "h_prev", hPrev);
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  checkMatrix(*this, op, "dh", dh, B, H, dt);
  checkMatrix(*this, op, "rz", rz, B, 2 * H, dt);
  checkMatrix(*this, op, "g", g, B, H, dt);
  checkMatrix(*this, op, "drz", drz, B, 2 * H, dt);
  checkMatrix(*this, op, "dg", dg, B, H, dt);
  traced(op);
  gruCandidateBackwardImpl(dh, rz, g, hPrev, drz, dg);
}

void Backend::gruResetBackward(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                               const Tensor& hPrev, Tensor& drz, Tensor& dhPrev, bool accumulate) {
  const Op op = Op::GruResetBackward;
  checkTensor(*this, op, "h_prev", hPrev);
  const int64_t B = hPrev.rows(), H = hPrev.cols();
  const DType dt = hPrev.dtype();
  checkMatrix(*this, op, "dh", dh, B, H, dt);
  checkMatrix(*this, op, "drh", drh, B, H, dt);
  checkMatrix(*this, op, "rz", rz, B, 2 * H, dt);
  checkMatrix(*this, op, "drz", drz, B, 2 * H, dt);
  checkMatrix(*this, op, "dh_prev", dhPrev, B, H, dt);
  traced(op);
  gruResetBackwardImpl(dh, drh, rz, hPrev, drz, dhPrev, accumulate);
}

void Backend::forRowBlocks(int64_t rows, const std::function<void(int64_t, int64_t)>& body) {
  if (rows < 0) throw Error(name() + " forRowBlocks: " + std::to_string(rows) + " rows");
  OpTrace* trace = gLiveTraces.load(std::memory_order_relaxed) ? tCurrentTrace : nullptr;
  if (!trace) return forRowBlocksImpl(rows, body);
  // The parts may run on other threads: they note their ops in this thread's trace.
  forRowBlocksImpl(rows, [&](int64_t begin, int64_t end) {
    TraceScope scope(trace);
    body(begin, end);
  });
}

// --- what a backend does not override ----------------------------------------------------------
// A backend that lacks an op leaves its Impl alone and says so in supportsOp(); Network then
// refuses it for networks that need the op (network/required_ops.cpp). Reaching one of these
// anyway (an op outside any block: a probe, a test) is an Error, never a crash.

namespace {
[[noreturn]] void lacks(const Backend& be, Op op) {
  throw Error("the " + be.name() + " backend has no " + opName(op) +
              " op yet — run this on the cpu backend (choose cpu as the backend), or implement " +
              opName(op) + " in core/backend/" + be.name() + "/");
}
}  // namespace

void Backend::fillImpl(Tensor&, double) { lacks(*this, Op::Fill); }
void Backend::copyImpl(const Tensor&, Tensor&) { lacks(*this, Op::Copy); }
void Backend::axpyImpl(double, const Tensor&, Tensor&) { lacks(*this, Op::Axpy); }
void Backend::scaleImpl(Tensor&, double) { lacks(*this, Op::Scale); }
void Backend::addSignImpl(double, const Tensor&, Tensor&) { lacks(*this, Op::AddSign); }
double Backend::reduceImpl(Reduce, const Tensor&) { lacks(*this, Op::Reduce); }
bool Backend::allFiniteImpl(const Tensor&) { lacks(*this, Op::AllFinite); }
void Backend::gemmImpl(bool, bool, double, const Tensor&, const Tensor&, double, Tensor&) {
  lacks(*this, Op::Gemm);
}
void Backend::addRowVectorImpl(Tensor&, const Tensor&) { lacks(*this, Op::AddRowVector); }
void Backend::sumRowsImpl(const Tensor&, double, Tensor&) { lacks(*this, Op::SumRows); }
void Backend::copyColumnsImpl(const Tensor&, int64_t, int64_t, Tensor&, int64_t, int64_t, int64_t,
                              int64_t, bool) {
  lacks(*this, Op::CopyColumns);
}
void Backend::actForwardImpl(Act, const Tensor&, Tensor&) { lacks(*this, Op::ActForward); }
void Backend::actBackwardImpl(Act, const Tensor&, const Tensor&, const Tensor&, Tensor&, bool) {
  lacks(*this, Op::ActBackward);
}
void Backend::lossImpl(LossKind, const Tensor&, const Tensor&, Tensor&, Tensor*) {
  lacks(*this, Op::Loss);
}
void Backend::conv2dForwardImpl(const Tensor&, const Tensor&, const Conv2dGeometry&, Tensor&) {
  lacks(*this, Op::Conv2dForward);
}
void Backend::conv2dBackwardDataImpl(const Tensor&, const Tensor&, const Conv2dGeometry&, Tensor&,
                                     bool) {
  lacks(*this, Op::Conv2dBackwardData);
}
void Backend::conv2dBackwardFilterImpl(const Tensor&, const Tensor&, const Conv2dGeometry&,
                                       Tensor&) {
  lacks(*this, Op::Conv2dBackwardFilter);
}
void Backend::addChannelBiasImpl(Tensor&, const Tensor&) { lacks(*this, Op::AddChannelBias); }
void Backend::conv2dBackwardBiasImpl(const Tensor&, Tensor&) {
  lacks(*this, Op::Conv2dBackwardBias);
}
void Backend::pool2dForwardImpl(PoolMode, const Pool2dGeometry&, const Tensor&, Tensor&) {
  lacks(*this, Op::Pool2dForward);
}
void Backend::pool2dBackwardImpl(PoolMode, const Pool2dGeometry&, const Tensor&, const Tensor&,
                                 const Tensor&, Tensor&, bool) {
  lacks(*this, Op::Pool2dBackward);
}
void Backend::batchNormForwardTrainingImpl(const Tensor&, const Tensor&, const Tensor&, double,
                                           double, Tensor&, Tensor&, Tensor&, Tensor&, Tensor&) {
  lacks(*this, Op::BatchNormForwardTraining);
}
void Backend::batchNormForwardInferenceImpl(const Tensor&, const Tensor&, const Tensor&,
                                            const Tensor&, const Tensor&, double, Tensor&) {
  lacks(*this, Op::BatchNormForwardInference);
}
void Backend::batchNormBackwardImpl(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                    const Tensor&, double, Tensor&, Tensor&, Tensor&, bool) {
  lacks(*this, Op::BatchNormBackward);
}
void Backend::dropoutMaskImpl(double, uint64_t, uint64_t, Tensor&) {
  lacks(*this, Op::DropoutMask);
}
void Backend::dropoutForwardImpl(const Tensor&, const Tensor&, double, Tensor&) {
  lacks(*this, Op::DropoutForward);
}
void Backend::dropoutBackwardImpl(const Tensor&, const Tensor&, double, Tensor&, bool) {
  lacks(*this, Op::DropoutBackward);
}
void Backend::optimizerUpdateImpl(OptimKind, const OptimHyper&, int64_t, Tensor&, const Tensor&,
                                  Tensor&, Tensor&) {
  lacks(*this, Op::OptimizerUpdate);
}
void Backend::transpose01Impl(const Tensor&, Tensor&, bool) { lacks(*this, Op::Transpose01); }
void Backend::lstmCellForwardImpl(Tensor&, const Tensor&, Tensor&, Tensor&) {
  lacks(*this, Op::LstmCellForward);
}
void Backend::lstmCellBackwardImpl(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                   Tensor&, Tensor&) {
  lacks(*this, Op::LstmCellBackward);
}
void Backend::gruGatesForwardImpl(const Tensor&, const Tensor&, const Tensor&, Tensor&, Tensor&) {
  lacks(*this, Op::GruGatesForward);
}
void Backend::gruCandidateForwardImpl(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                      Tensor&, Tensor&) {
  lacks(*this, Op::GruCandidateForward);
}
void Backend::gruCandidateBackwardImpl(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                       Tensor&, Tensor&) {
  lacks(*this, Op::GruCandidateBackward);
}
void Backend::gruResetBackwardImpl(const Tensor&, const Tensor&, const Tensor&, const Tensor&,
                                   Tensor&, Tensor&, bool) {
  lacks(*this, Op::GruResetBackward);
}

}  // namespace gradlab
