#pragma once
// Backend: where tensors live and how ops run on them.
//
// Every block, loss and optimizer works on tensors only through this interface, so adding a
// backend (cuda) changes no block. The cpu backend (backend/cpu) is the reference: every op
// exists there first, in float32 and float64.
//
// Conventions
// - Ops write into tensors the caller allocated with empty()/zeros().
// - "As a matrix" means rows = first extent, cols = the rest (Tensor::rows/cols).
// - Ops that take `accumulate` add into their output instead of overwriting it; blocks use
//   that to sum gradients from several consumers.
// - Nothing here synchronises except download(), reduce(), allFinite(), sumOfSquares() and
//   readScalar().
//
// Example: a dense layer's forward, z = x·Wᵀ + b, y = tanh(z):
//   be.gemm(false, true, 1.0, x, W, 0.0, z);
//   be.addRowVector(z, b);
//   be.actForward(Act::Tanh, z, y);
//
// One checked entry per op. Each public op below (gemm, actForward, …) is a non-virtual
// wrapper: it checks once, for every backend, that its tensors are defined and live on this
// backend (so have a type it stores) and that their shapes and types fit (throwing Error
// with the op and the shapes: "cpu gemm: shapes do not fit (4×3 · 2×3ᵀ -> 4×5)"),
// then calls the protected virtual <op>Impl that a backend overrides. An implementation may
// rely on those checks; it adds only limits of its own (cuBLAS' 32-bit sizes).
//
// A backend may be partial. supports(DType) says which element types it stores, supportsOp(Op)
// which ops it runs. So a new op does not force a kernel on every backend the day it is
// written: a backend that lacks it does not override its <op>Impl (the default throws Error
// naming the op and the backend) and returns false from supportsOp(op). Network refuses such
// a backend for a network whose blocks need the op, naming the block, the op and the backend
// and saying to train on the CPU (network/required_ops.h); other networks still run on it.
//
// Threads
// - A backend runs ops from any thread; what it keeps between ops is its own to protect.
//   cpu: no mutable state is shared between calls (per-thread scratch is thread_local, the
//   thread count is atomic), so the GUI thread may run ops on cpuBackend() (the activation
//   plot, probes) while the worker trains on it. setThreads() changes the thread count of the
//   process's Eigen and OpenMP, so call it only when no training runs (at start, or between
//   runs), from one thread.
//   cuda: not thread-safe; one thread at a time issues ops (the trainer's worker), and
//   tensors are used only by the thread that issues ops on them.
// - Tensors are not locked: two threads may read one tensor at once, never write one while
//   another reads or writes it.
// - forRowBlocks() runs its body on several threads at once (cpu), each on its own rows.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "backend/conv_geometry.h"
#include "tensor/tensor.h"

namespace gradlab {

// Activation functions (formulas in backend/cpu/cpu_activations.cpp and blocks/activation.h).
enum class Act : uint8_t { Identity, Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softmax };

// Losses, each the mean over the batch as PyTorch's reduction="mean" (formulas in
// backend/cpu/cpu_losses.cpp; names as in a network file in network/network.h).
enum class LossKind : uint8_t { Mse, Bce, BceLogits, CrossEntropy };

// Optimizers with torch.optim's update rules (optim/optimizer.h).
enum class OptimKind : uint8_t { Sgd, Momentum, Nesterov, Adagrad, Adadelta, RmsProp, Adam };

struct OptimHyper {
  double lr = 0.01;
  double momentum = 0.9;   // momentum, nesterov
  double beta1 = 0.9;      // adam
  double beta2 = 0.999;    // adam
  double rho = 0.9;        // adadelta (0.9), rmsprop alpha (0.99)
  double eps = 1e-8;
};

enum class Reduce : uint8_t { Sum, SumSquares, SumAbs, MaxAbs };

// Pooling modes (pool2dForward/pool2dBackward), as cuDNN's CUDNN_POOLING_MAX / _AVERAGE.
enum class PoolMode : uint8_t { Max, Average };

// A sequence of ops recorded once and replayed with one launch (cuda: a CUDA Graph); see
// Backend::newRecording(). Lifecycle per training step:
//   rec->begin(); …ops…; bool same = rec->end();   // the ops run (once) when end() returns
//   next steps, while nothing changed: rec->replay() instead of issuing the ops again.
class StepRecording {
 public:
  virtual ~StepRecording() = default;
  // Starts recording the ops issued on this backend (from this thread) until end().
  virtual void begin() = 0;
  // Stops recording and runs what was recorded. Returns true when replay() may stand in for
  // these ops from now on: this recording and the one before it issued the same ops with the
  // same arguments and tensors, and nothing between begin() and end() read data back to the
  // host or uploaded any (such a read runs the ops recorded so far and the rest eagerly).
  virtual bool end() = 0;
  // Abandons a recording begun but not ended (an exception in between): nothing recorded runs.
  virtual void cancel() = 0;
  // Runs the recorded ops again. Only after end() returned true, and only while every tensor
  // the ops touched still has its storage (the caller re-records after reallocating any).
  virtual void replay() = 0;
};

// The ops of the interface, one per public op method of Backend (opName: the method's name).
// Storage (empty, upload, download) is no op: every backend has it.
// clang-format off
enum class Op : uint8_t {
  Fill, Copy, Axpy, Scale, AddSign, Reduce, AllFinite,                   // element-wise
  Gemm, AddRowVector, SumRows, CopyColumns,                              // matrix
  ActForward, ActBackward, Loss,                                         // activations, losses
  Conv2dForward, Conv2dBackwardData, Conv2dBackwardFilter, AddChannelBias, Conv2dBackwardBias,
  Pool2dForward, Pool2dBackward,
  BatchNormForwardTraining, BatchNormForwardInference, BatchNormBackward,
  DropoutMask, DropoutForward, DropoutBackward,
  OptimizerUpdate,
  Transpose01, LstmCellForward, LstmCellBackward, GruGatesForward, GruCandidateForward,
  GruCandidateBackward, GruResetBackward,                                // recurrent
  Count
};
// clang-format on
const char* opName(Op op);  // "gemm", "lstmCellForward"

// Records which ops run on the calling thread while it lives, including in the parts that
// forRowBlocks() hands to other threads. Network uses it to find the ops a block needs
// (network/required_ops.cpp). Traces nest: an inner one hides the outer until it ends.
class OpTrace {
 public:
  OpTrace();
  ~OpTrace();
  OpTrace(const OpTrace&) = delete;
  OpTrace& operator=(const OpTrace&) = delete;
  bool used(Op op) const { return (bits_.load() >> unsigned(op)) & 1; }

 private:
  friend class Backend;
  std::atomic<uint64_t> bits_{0};
  OpTrace* outer_;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string name() const = 0;            // "cpu", "cuda"
  virtual std::string description() const = 0;     // "CPU (Eigen, 2 threads)"
  virtual bool supports(DType dtype) const = 0;
  // Whether this backend runs `op`: false for an op whose <op>Impl it does not override.
  virtual bool supportsOp(Op op) const {
    (void)op;
    return true;
  }
  virtual void setThreads(int threads) = 0;         // cpu: worker threads for GEMM etc.
  virtual int threads() const = 0;
  // Wait for queued work (cuda); a no-op on cpu.
  virtual void synchronize() {}

  // --- storage --------------------------------------------------------------------------
  virtual Tensor empty(const Shape& shape, DType dtype) = 0;
  Tensor zeros(const Shape& shape, DType dtype) {
    Tensor t = empty(shape, dtype);
    fill(t, 0.0);
    return t;
  }
  virtual void upload(Tensor& dst, const void* src, DType srcType) = 0;   // host -> backend
  virtual void download(const Tensor& src, void* dst, DType dstType) = 0; // backend -> host
  double readScalar(const Tensor& t) {
    double v = 0;
    download(t.slice(0, 1).reshaped({1}), &v, DType::F64);
    return v;
  }

  // --- element-wise -----------------------------------------------------------------------
  void fill(Tensor& t, double value);
  void copy(const Tensor& src, Tensor& dst);
  // y += a·x
  void axpy(double a, const Tensor& x, Tensor& y);
  void scale(Tensor& x, double a);
  // y += a·sign(x)   (the gradient of an L1 penalty a·‖x‖₁)
  void addSign(double a, const Tensor& x, Tensor& y);
  double reduce(Reduce op, const Tensor& x);
  // 1 if every element is finite (no NaN, no ±Inf).
  bool allFinite(const Tensor& x);

  // --- matrix -----------------------------------------------------------------------------
  // C = alpha·op(A)·op(B) + beta·C, each tensor as a matrix; op(X) = Xᵀ when its flag is set.
  void gemm(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B, double beta,
            Tensor& C);
  // y[i, :] += b for every row i (y as a matrix, b with y.cols() elements).
  void addRowVector(Tensor& y, const Tensor& b);
  // db = beta·db + Σᵢ dy[i, :]
  void sumRows(const Tensor& dy, double beta, Tensor& db);
  // Copies a block of columns between matrices of the same row count:
  //   dst[r, dstCol + j] (+)= src[r, srcCol + j] for r < rows, j < width,
  // where src is viewed as rows × srcCols and dst as rows × dstCols (concatenation).
  void copyColumns(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst, int64_t dstCols,
                   int64_t dstCol, int64_t rows, int64_t width, bool accumulate);

  // --- activations ------------------------------------------------------------------------
  // y = f(z). Softmax is taken over each row (z as a matrix).
  void actForward(Act f, const Tensor& z, Tensor& y);
  // dz (+)= f′(z) ⊙ dy, using z or y whichever is cheaper (softmax: the row Jacobian).
  void actBackward(Act f, const Tensor& z, const Tensor& y, const Tensor& dy, Tensor& dz,
                   bool accumulate);

  // --- losses -----------------------------------------------------------------------------
  // value[0] = mean loss over the batch; grad (if defined) = ∂loss/∂pred.
  // Targets: mse/bce/bce_logits the same shape as pred; cross_entropy one class index per row
  // (stored as a number, shape [B]).
  void loss(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value, Tensor* grad);

  // --- convolution, pooling, normalisation, dropout ---------------------------------------
  // Images are NCHW; output sizes and padding come from backend/conv_geometry.h. Names and
  // arguments follow cuDNN (cudnnConvolutionForward/BackwardData/BackwardFilter/BackwardBias,
  // cudnnAddTensor, cudnnPoolingForward/Backward, cudnnBatchNormalization*), so a cuDNN backend
  // maps one call to one call. Formulas use x[n,c,h,v] with h, v outside the image reading 0.
  //
  // y[n,o,i,j] = Σ_{c,p,q} w[o,c,p,q] · x[n, c, i·strideH − padH + p, j·strideW − padW + q]
  //   x [N, C, H, W], w [O, C, kH, kW] (PyTorch's Conv2d layout), y [N, O, outH, outW]
  void conv2dForward(const Tensor& x, const Tensor& w, const Conv2dGeometry& g, Tensor& y);
  // dx[n,c,h,v] (+)= Σ over (o,p,q,i,j) with i·strideH − padH + p = h, j·strideW − padW + q = v
  //                   of w[o,c,p,q] · dy[n,o,i,j]
  void conv2dBackwardData(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g, Tensor& dx,
                          bool accumulate);
  // dw[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] · x[n, c, i·strideH − padH + p, j·strideW − padW + q]
  void conv2dBackwardFilter(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g, Tensor& dw);
  // y[n,c,h,v] += b[c]   (cudnnAddTensor with a 1×C×1×1 bias; y [N, C, ...])
  void addChannelBias(Tensor& y, const Tensor& b);
  // db[c] = Σ_{n,h,v} dy[n,c,h,v]   (cudnnConvolutionBackwardBias)
  void conv2dBackwardBias(const Tensor& dy, Tensor& db);

  // Pooling windows of windowH × windowW moved by stride (no padding):
  //   max      y[n,c,i,j] = max_{p,q} x[n, c, i·strideH + p, j·strideW + q]
  //   average  y[n,c,i,j] = (1 / (windowH·windowW)) Σ_{p,q} x[n, c, i·strideH + p, j·strideW + q]
  void pool2dForward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x, Tensor& y);
  // max: dy[n,c,i,j] goes to the window's first maximum in row-major order (as PyTorch);
  // average: dy[n,c,i,j] / (windowH·windowW) to every element of the window. Where windows
  // overlap (stride < window) the contributions add up. dx (+)= that.
  void pool2dBackward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x, const Tensor& y,
                      const Tensor& dy, Tensor& dx, bool accumulate);

  // Batch normalisation of x [N, C] (per feature, BatchNorm1d) or [N, C, H, W] (per channel,
  // BatchNorm2d, cuDNN's "spatial" mode). Per channel c, over its m = N·H·W values:
  //   μ = (1/m) Σ x      σ² = (1/m) Σ (x − μ)²      x̂ = (x − μ) / √(σ² + ε)      y = γ·x̂ + β
  //   running_mean ← (1 − momentum)·running_mean + momentum·μ
  //   running_var  ← (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)   (unbiased, as
  //                                                                         PyTorch and cuDNN)
  // saveMean and saveVar [C] receive μ and σ² (the biased batch variance) for the backward pass
  // and for views. (cuDNN saves 1/√(σ² + ε) instead; a cuDNN backend converts.) Needs m ≥ 2.
  void batchNormForwardTraining(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                double momentum, double eps, Tensor& runningMean,
                                Tensor& runningVar, Tensor& y, Tensor& saveMean, Tensor& saveVar);
  // y = γ·(x − running_mean) / √(running_var + ε) + β
  void batchNormForwardInference(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                 const Tensor& runningMean, const Tensor& runningVar, double eps,
                                 Tensor& y);
  // The backward of batchNormForwardTraining, with g = ∂L/∂y and sums over a channel's m values:
  //   ∂L/∂γ = Σ g·x̂      ∂L/∂β = Σ g      ∂L/∂x (+)= γ / (m·√(σ² + ε)) · (m·g − Σ g − x̂·Σ g·x̂)
  // dx may be undefined (no input gradient wanted).
  void batchNormBackward(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                         const Tensor& saveMean, const Tensor& saveVar, double eps, Tensor& dx,
                         Tensor& dgamma, Tensor& dbeta, bool accumulate);

  // Dropout with a mask views can read (cuDNN keeps its mask private, so these are own kernels).
  // mask[i] = 1 if dropoutUniform(dropoutKey(seed, step), i) ≥ rate else 0: the same mask on
  // every backend (backend/dropout_rng.h); i is the element's flat index, step counts passes.
  void dropoutMask(double rate, uint64_t seed, uint64_t step, Tensor& mask);
  // y = x ⊙ mask / (1 − rate)   (inverted dropout: the expected value of y is x)
  void dropoutForward(const Tensor& x, const Tensor& mask, double rate, Tensor& y);
  // dx (+)= dy ⊙ mask / (1 − rate)
  void dropoutBackward(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                       bool accumulate);

  // --- optimizers -------------------------------------------------------------------------
  // One update of parameter w from its gradient g. s1, s2 are the optimizer's state tensors
  // (same shape as w; zero at the start; sgd uses neither, adadelta and adam both, the others
  // s1). step counts from 1.
  void optimizerUpdate(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                       const Tensor& g, Tensor& s1, Tensor& s2);

  // --- recurrent --------------------------------------------------------------------------
  // Sequences are [B, T, F] between blocks; recurrent blocks work time-major ([T, B, F]) so
  // that one time step is a contiguous [B, F] matrix. A block runs the loop over time itself
  // (blocks/lstm.cpp, gru.cpp, simple_rnn.cpp): one big gemm projects every x_t at once, one
  // gemm per step multiplies h_{t−1} by the recurrent weights, and the ops below do the
  // element-wise rest of a step. Gate blocks follow PyTorch's order.
  //
  // dst[j, i, …] (+)= src[i, j, …]: swaps the first two extents (src [A, B, …], dst [B, A, …]).
  void transpose01(const Tensor& src, Tensor& dst, bool accumulate);
  // One LSTM step. gates [B, 4H] holds the pre-activations a = [a_i a_f a_g a_o] and is
  // overwritten with the gates:  i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o);
  //   c = f⊙c_prev + i⊙g,   h = o⊙tanh(c)         (c_prev, c, h: [B, H])
  void lstmCellForward(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h);
  // Its backward. dh = ∂L/∂h_t; dc holds ∂L/∂c_t from step t+1 on entry, ∂L/∂c_{t−1} on exit:
  //   dc += dh⊙o⊙(1 − tanh²c);  dgates = [dc⊙g⊙i(1−i), dc⊙c_prev⊙f(1−f), dc⊙i⊙(1−g²),
  //   dh⊙tanh(c)⊙o(1−o)]  (∂L/∂a);  then dc ← dc⊙f.
  void lstmCellBackward(const Tensor& gates, const Tensor& cPrev, const Tensor& c, const Tensor& dh,
                        Tensor& dc, Tensor& dgates);
  // GRU step, first half. xp [B, 3H] = x_t's projection [a_r a_z a_g] (biases included),
  // hh [B, 2H] = h_{t−1}·[W_hr W_hz]ᵀ:  rz = [r z] = σ(xp[:, 0:2H] + hh);  rh = r⊙h_prev.
  void gruGatesForward(const Tensor& xp, const Tensor& hh, const Tensor& hPrev, Tensor& rz,
                       Tensor& rh);
  // GRU step, second half, with hg [B, H] = rh·W_hgᵀ:
  //   g = tanh(xp[:, 2H:3H] + hg),   h = z⊙h_prev + (1 − z)⊙g.
  void gruCandidateForward(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                           const Tensor& hPrev, Tensor& g, Tensor& h);
  // Backward through h = z⊙h_prev + (1 − z)⊙g and g = tanh(·), dh = ∂L/∂h_t:
  //   drz[:, H:2H] = dh⊙(h_prev − g)⊙z(1−z)  (∂L/∂a_z),   dg = dh⊙(1 − z)⊙(1 − g²)  (∂L/∂a_g).
  void gruCandidateBackward(const Tensor& dh, const Tensor& rz, const Tensor& g,
                            const Tensor& hPrev, Tensor& drz, Tensor& dg);
  // Backward through rh = r⊙h_prev, with drh = ∂L/∂rh (= dg·W_hg):
  //   drz[:, 0:H] = drh⊙h_prev⊙r(1−r)  (∂L/∂a_r),   dh_prev (+)= dh⊙z + drh⊙r.
  void gruResetBackward(const Tensor& dh, const Tensor& drh, const Tensor& rz, const Tensor& hPrev,
                        Tensor& drz, Tensor& dhPrev, bool accumulate);
  // Runs body(begin, end) on parts [begin, end) that together cover rows [0, rows), possibly
  // at the same time; the body issues ops on those rows only. For work whose rows never meet:
  // the batch rows of a recurrence (sample b's h_t depends on sample b alone), so the loop over
  // time runs once per part instead of synchronising threads at every step's small gemm. The
  // cpu backend runs one part per thread, each op in it single-threaded. The default (a GPU
  // backend) runs one part with every row: its ops are parallel already.
  void forRowBlocks(int64_t rows, const std::function<void(int64_t, int64_t)>& body);

  // --- whole steps ----------------------------------------------------------------------
  // Σ over the tensors of Σ x² (the global gradient norm for clipping) with one
  // synchronisation, however many tensors.
  virtual double sumOfSquares(std::span<const Tensor> xs) {
    double total = 0;
    for (const Tensor& x : xs) total += reduce(Reduce::SumSquares, x);
    return total;
  }
  // Tiny networks spend more time launching kernels than computing. A backend that can record
  // ops and replay them with a single launch returns a recording here (cuda: CUDA Graphs); the
  // Trainer records forward + loss + backward of its steps with it (train/trainer.cpp). Null:
  // this backend does not record (the cpu: nothing to gain).
  virtual std::unique_ptr<StepRecording> newRecording() { return nullptr; }

 protected:
  // The implementations, one per op, called by the wrappers above after their checks (the
  // arguments are the wrapper's). A backend overrides those it runs; the default throws Error
  // saying this backend lacks the op (and supportsOp(op) should then return false).
  virtual void fillImpl(Tensor& t, double value);
  virtual void copyImpl(const Tensor& src, Tensor& dst);
  virtual void axpyImpl(double a, const Tensor& x, Tensor& y);
  virtual void scaleImpl(Tensor& x, double a);
  virtual void addSignImpl(double a, const Tensor& x, Tensor& y);
  virtual double reduceImpl(Reduce op, const Tensor& x);
  virtual bool allFiniteImpl(const Tensor& x);
  virtual void gemmImpl(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                        double beta, Tensor& C);
  virtual void addRowVectorImpl(Tensor& y, const Tensor& b);
  virtual void sumRowsImpl(const Tensor& dy, double beta, Tensor& db);
  virtual void copyColumnsImpl(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                               int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                               bool accumulate);
  virtual void actForwardImpl(Act f, const Tensor& z, Tensor& y);
  virtual void actBackwardImpl(Act f, const Tensor& z, const Tensor& y, const Tensor& dy,
                               Tensor& dz, bool accumulate);
  virtual void lossImpl(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                        Tensor* grad);
  virtual void conv2dForwardImpl(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                                 Tensor& y);
  virtual void conv2dBackwardDataImpl(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                      Tensor& dx, bool accumulate);
  virtual void conv2dBackwardFilterImpl(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                        Tensor& dw);
  virtual void addChannelBiasImpl(Tensor& y, const Tensor& b);
  virtual void conv2dBackwardBiasImpl(const Tensor& dy, Tensor& db);
  virtual void pool2dForwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                 Tensor& y);
  virtual void pool2dBackwardImpl(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                                  const Tensor& y, const Tensor& dy, Tensor& dx, bool accumulate);
  virtual void batchNormForwardTrainingImpl(const Tensor& x, const Tensor& gamma,
                                            const Tensor& beta, double momentum, double eps,
                                            Tensor& runningMean, Tensor& runningVar, Tensor& y,
                                            Tensor& saveMean, Tensor& saveVar);
  virtual void batchNormForwardInferenceImpl(const Tensor& x, const Tensor& gamma,
                                             const Tensor& beta, const Tensor& runningMean,
                                             const Tensor& runningVar, double eps, Tensor& y);
  virtual void batchNormBackwardImpl(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                     const Tensor& saveMean, const Tensor& saveVar, double eps,
                                     Tensor& dx, Tensor& dgamma, Tensor& dbeta, bool accumulate);
  virtual void dropoutMaskImpl(double rate, uint64_t seed, uint64_t step, Tensor& mask);
  virtual void dropoutForwardImpl(const Tensor& x, const Tensor& mask, double rate, Tensor& y);
  virtual void dropoutBackwardImpl(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                                   bool accumulate);
  virtual void optimizerUpdateImpl(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                                   const Tensor& g, Tensor& s1, Tensor& s2);
  virtual void transpose01Impl(const Tensor& src, Tensor& dst, bool accumulate);
  virtual void lstmCellForwardImpl(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h);
  virtual void lstmCellBackwardImpl(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                                    const Tensor& dh, Tensor& dc, Tensor& dgates);
  virtual void gruGatesForwardImpl(const Tensor& xp, const Tensor& hh, const Tensor& hPrev,
                                   Tensor& rz, Tensor& rh);
  virtual void gruCandidateForwardImpl(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                                       const Tensor& hPrev, Tensor& g, Tensor& h);
  virtual void gruCandidateBackwardImpl(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                        const Tensor& hPrev, Tensor& drz, Tensor& dg);
  virtual void gruResetBackwardImpl(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                                    const Tensor& hPrev, Tensor& drz, Tensor& dhPrev,
                                    bool accumulate);
  // The default runs body(0, rows) on the calling thread.
  virtual void forRowBlocksImpl(int64_t rows, const std::function<void(int64_t, int64_t)>& body) {
    body(0, rows);
  }

 private:
  static void traced(Op op);  // marks op in this thread's OpTrace, if any
};

// The cpu backend, shared process-wide (it owns no device).
Backend& cpuBackend();

}  // namespace gradlab
