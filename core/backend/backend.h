#pragma once
// Backend: where tensors live and how ops run on them.
//
// Every block, loss and optimizer works on tensors only through this interface, so adding a
// backend (cuda) changes no block. The cpu backend (backend/cpu) is the reference: every op
// exists there first, in float32 and float64. A backend may be partial: supports() says which
// element types it runs, and the caller falls back (or refuses) with a clear message.
//
// Conventions
// - Ops write into tensors the caller allocated with empty()/zeros(); shapes are checked.
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

// Losses, each the mean over the batch as PyTorch's reduction="mean" (losses/loss.h).
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

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string name() const = 0;            // "cpu", "cuda"
  virtual std::string description() const = 0;     // "CPU (Eigen, 2 threads)"
  virtual bool supports(DType dtype) const = 0;
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
  virtual void fill(Tensor& t, double value) = 0;
  virtual void copy(const Tensor& src, Tensor& dst) = 0;
  // y += a·x
  virtual void axpy(double a, const Tensor& x, Tensor& y) = 0;
  virtual void scale(Tensor& x, double a) = 0;
  // y += a·sign(x)   (the gradient of an L1 penalty a·‖x‖₁)
  virtual void addSign(double a, const Tensor& x, Tensor& y) = 0;
  virtual double reduce(Reduce op, const Tensor& x) = 0;
  // 1 if every element is finite (no NaN, no ±Inf).
  virtual bool allFinite(const Tensor& x) = 0;

  // --- matrix -----------------------------------------------------------------------------
  // C = alpha·op(A)·op(B) + beta·C, each tensor as a matrix; op(X) = Xᵀ when its flag is set.
  virtual void gemm(bool transA, bool transB, double alpha, const Tensor& A, const Tensor& B,
                    double beta, Tensor& C) = 0;
  // y[i, :] += b for every row i (y as a matrix, b with y.cols() elements).
  virtual void addRowVector(Tensor& y, const Tensor& b) = 0;
  // db = beta·db + Σᵢ dy[i, :]
  virtual void sumRows(const Tensor& dy, double beta, Tensor& db) = 0;
  // Copies a block of columns between matrices of the same row count:
  //   dst[r, dstCol + j] (+)= src[r, srcCol + j] for r < rows, j < width,
  // where src is viewed as rows × srcCols and dst as rows × dstCols (concatenation).
  virtual void copyColumns(const Tensor& src, int64_t srcCols, int64_t srcCol, Tensor& dst,
                           int64_t dstCols, int64_t dstCol, int64_t rows, int64_t width,
                           bool accumulate) = 0;

  // --- activations ------------------------------------------------------------------------
  // y = f(z). Softmax is taken over each row (z as a matrix).
  virtual void actForward(Act f, const Tensor& z, Tensor& y) = 0;
  // dz (+)= f′(z) ⊙ dy, using z or y whichever is cheaper (softmax: the row Jacobian).
  virtual void actBackward(Act f, const Tensor& z, const Tensor& y, const Tensor& dy, Tensor& dz,
                           bool accumulate) = 0;

  // --- losses -----------------------------------------------------------------------------
  // value[0] = mean loss over the batch; grad (if defined) = ∂loss/∂pred.
  // Targets: mse/bce/bce_logits the same shape as pred; cross_entropy one class index per row
  // (stored as a number, shape [B]).
  virtual void loss(LossKind kind, const Tensor& pred, const Tensor& target, Tensor& value,
                    Tensor* grad) = 0;

  // --- convolution, pooling, normalisation, dropout ---------------------------------------
  // Images are NCHW; output sizes and padding come from backend/conv_geometry.h. Names and
  // arguments follow cuDNN (cudnnConvolutionForward/BackwardData/BackwardFilter/BackwardBias,
  // cudnnAddTensor, cudnnPoolingForward/Backward, cudnnBatchNormalization*), so a cuDNN backend
  // maps one call to one call. Formulas use x[n,c,h,v] with h, v outside the image reading 0.
  //
  // y[n,o,i,j] = Σ_{c,p,q} w[o,c,p,q] · x[n, c, i·strideH − padH + p, j·strideW − padW + q]
  //   x [N, C, H, W], w [O, C, kH, kW] (PyTorch's Conv2d layout), y [N, O, outH, outW]
  virtual void conv2dForward(const Tensor& x, const Tensor& w, const Conv2dGeometry& g,
                             Tensor& y) = 0;
  // dx[n,c,h,v] (+)= Σ over (o,p,q,i,j) with i·strideH − padH + p = h, j·strideW − padW + q = v
  //                   of w[o,c,p,q] · dy[n,o,i,j]
  virtual void conv2dBackwardData(const Tensor& w, const Tensor& dy, const Conv2dGeometry& g,
                                  Tensor& dx, bool accumulate) = 0;
  // dw[o,c,p,q] = Σ_{n,i,j} dy[n,o,i,j] · x[n, c, i·strideH − padH + p, j·strideW − padW + q]
  virtual void conv2dBackwardFilter(const Tensor& x, const Tensor& dy, const Conv2dGeometry& g,
                                    Tensor& dw) = 0;
  // y[n,c,h,v] += b[c]   (cudnnAddTensor with a 1×C×1×1 bias; y [N, C, ...])
  virtual void addChannelBias(Tensor& y, const Tensor& b) = 0;
  // db[c] = Σ_{n,h,v} dy[n,c,h,v]   (cudnnConvolutionBackwardBias)
  virtual void conv2dBackwardBias(const Tensor& dy, Tensor& db) = 0;

  // Pooling windows of windowH × windowW moved by stride (no padding):
  //   max      y[n,c,i,j] = max_{p,q} x[n, c, i·strideH + p, j·strideW + q]
  //   average  y[n,c,i,j] = (1 / (windowH·windowW)) Σ_{p,q} x[n, c, i·strideH + p, j·strideW + q]
  virtual void pool2dForward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                             Tensor& y) = 0;
  // max: dy[n,c,i,j] goes to the window's first maximum in row-major order (as PyTorch);
  // average: dy[n,c,i,j] / (windowH·windowW) to every element of the window. Where windows
  // overlap (stride < window) the contributions add up. dx (+)= that.
  virtual void pool2dBackward(PoolMode mode, const Pool2dGeometry& g, const Tensor& x,
                              const Tensor& y, const Tensor& dy, Tensor& dx,
                              bool accumulate) = 0;

  // Batch normalisation of x [N, C] (per feature, BatchNorm1d) or [N, C, H, W] (per channel,
  // BatchNorm2d, cuDNN's "spatial" mode). Per channel c, over its m = N·H·W values:
  //   μ = (1/m) Σ x      σ² = (1/m) Σ (x − μ)²      x̂ = (x − μ) / √(σ² + ε)      y = γ·x̂ + β
  //   running_mean ← (1 − momentum)·running_mean + momentum·μ
  //   running_var  ← (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)   (unbiased, as
  //                                                                         PyTorch and cuDNN)
  // saveMean and saveVar [C] receive μ and σ² (the biased batch variance) for the backward pass
  // and for views. (cuDNN saves 1/√(σ² + ε) instead; a cuDNN backend converts.) Needs m ≥ 2.
  virtual void batchNormForwardTraining(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                        double momentum, double eps, Tensor& runningMean,
                                        Tensor& runningVar, Tensor& y, Tensor& saveMean,
                                        Tensor& saveVar) = 0;
  // y = γ·(x − running_mean) / √(running_var + ε) + β
  virtual void batchNormForwardInference(const Tensor& x, const Tensor& gamma,
                                         const Tensor& beta, const Tensor& runningMean,
                                         const Tensor& runningVar, double eps, Tensor& y) = 0;
  // The backward of batchNormForwardTraining, with g = ∂L/∂y and sums over a channel's m values:
  //   ∂L/∂γ = Σ g·x̂      ∂L/∂β = Σ g      ∂L/∂x (+)= γ / (m·√(σ² + ε)) · (m·g − Σ g − x̂·Σ g·x̂)
  virtual void batchNormBackward(const Tensor& x, const Tensor& dy, const Tensor& gamma,
                                 const Tensor& saveMean, const Tensor& saveVar, double eps,
                                 Tensor& dx, Tensor& dgamma, Tensor& dbeta, bool accumulate) = 0;

  // Dropout with a mask views can read (cuDNN keeps its mask private, so these are own kernels).
  // mask[i] = 1 if dropoutUniform(dropoutKey(seed, step), i) ≥ rate else 0: the same mask on
  // every backend (backend/dropout_rng.h); i is the element's flat index, step counts passes.
  virtual void dropoutMask(double rate, uint64_t seed, uint64_t step, Tensor& mask) = 0;
  // y = x ⊙ mask / (1 − rate)   (inverted dropout: the expected value of y is x)
  virtual void dropoutForward(const Tensor& x, const Tensor& mask, double rate, Tensor& y) = 0;
  // dx (+)= dy ⊙ mask / (1 − rate)
  virtual void dropoutBackward(const Tensor& dy, const Tensor& mask, double rate, Tensor& dx,
                               bool accumulate) = 0;

  // --- optimizers -------------------------------------------------------------------------
  // One update of parameter w from its gradient g. s1, s2 are the optimizer's state tensors
  // (same shape as w; zero at the start). step counts from 1.
  virtual void optimizerUpdate(OptimKind kind, const OptimHyper& h, int64_t step, Tensor& w,
                               const Tensor& g, Tensor& s1, Tensor& s2) = 0;

  // --- recurrent --------------------------------------------------------------------------
  // Sequences are [B, T, F] between blocks; recurrent blocks work time-major ([T, B, F]) so
  // that one time step is a contiguous [B, F] matrix. A block runs the loop over time itself
  // (blocks/lstm.cpp, gru.cpp, simple_rnn.cpp): one big gemm projects every x_t at once, one
  // gemm per step multiplies h_{t−1} by the recurrent weights, and the ops below do the
  // element-wise rest of a step. Gate blocks follow PyTorch's order.
  //
  // dst[j, i, …] (+)= src[i, j, …]: swaps the first two extents (src [A, B, …], dst [B, A, …]).
  virtual void transpose01(const Tensor& src, Tensor& dst, bool accumulate) = 0;
  // One LSTM step. gates [B, 4H] holds the pre-activations a = [a_i a_f a_g a_o] and is
  // overwritten with the gates:  i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o);
  //   c = f⊙c_prev + i⊙g,   h = o⊙tanh(c)         (c_prev, c, h: [B, H])
  virtual void lstmCellForward(Tensor& gates, const Tensor& cPrev, Tensor& c, Tensor& h) = 0;
  // Its backward. dh = ∂L/∂h_t; dc holds ∂L/∂c_t from step t+1 on entry, ∂L/∂c_{t−1} on exit:
  //   dc += dh⊙o⊙(1 − tanh²c);  dgates = [dc⊙g⊙i(1−i), dc⊙c_prev⊙f(1−f), dc⊙i⊙(1−g²),
  //   dh⊙tanh(c)⊙o(1−o)]  (∂L/∂a);  then dc ← dc⊙f.
  virtual void lstmCellBackward(const Tensor& gates, const Tensor& cPrev, const Tensor& c,
                                const Tensor& dh, Tensor& dc, Tensor& dgates) = 0;
  // GRU step, first half. xp [B, 3H] = x_t's projection [a_r a_z a_g] (biases included),
  // hh [B, 2H] = h_{t−1}·[W_hr W_hz]ᵀ:  rz = [r z] = σ(xp[:, 0:2H] + hh);  rh = r⊙h_prev.
  virtual void gruGatesForward(const Tensor& xp, const Tensor& hh, const Tensor& hPrev,
                               Tensor& rz, Tensor& rh) = 0;
  // GRU step, second half, with hg [B, H] = rh·W_hgᵀ:
  //   g = tanh(xp[:, 2H:3H] + hg),   h = z⊙h_prev + (1 − z)⊙g.
  virtual void gruCandidateForward(const Tensor& xp, const Tensor& hg, const Tensor& rz,
                                   const Tensor& hPrev, Tensor& g, Tensor& h) = 0;
  // Backward through h = z⊙h_prev + (1 − z)⊙g and g = tanh(·), dh = ∂L/∂h_t:
  //   drz[:, H:2H] = dh⊙(h_prev − g)⊙z(1−z)  (∂L/∂a_z),   dg = dh⊙(1 − z)⊙(1 − g²)  (∂L/∂a_g).
  virtual void gruCandidateBackward(const Tensor& dh, const Tensor& rz, const Tensor& g,
                                    const Tensor& hPrev, Tensor& drz, Tensor& dg) = 0;
  // Backward through rh = r⊙h_prev, with drh = ∂L/∂rh (= dg·W_hg):
  //   drz[:, 0:H] = drh⊙h_prev⊙r(1−r)  (∂L/∂a_r),   dh_prev (+)= dh⊙z + drh⊙r.
  virtual void gruResetBackward(const Tensor& dh, const Tensor& drh, const Tensor& rz,
                                const Tensor& hPrev, Tensor& drz, Tensor& dhPrev,
                                bool accumulate) = 0;
  // Runs body(begin, end) on parts [begin, end) that together cover rows [0, rows), possibly
  // at the same time; the body issues ops on those rows only. For work whose rows never meet:
  // the batch rows of a recurrence (sample b's h_t depends on sample b alone), so the loop over
  // time runs once per part instead of synchronising threads at every step's small gemm. The
  // cpu backend runs one part per thread, each op in it single-threaded. The default (a GPU
  // backend) runs one part with every row: its ops are parallel already.
  virtual void forRowBlocks(int64_t rows, const std::function<void(int64_t, int64_t)>& body) {
    body(0, rows);
  }

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
};

// The cpu backend, shared process-wide (it owns no device).
Backend& cpuBackend();

}  // namespace gradlab
