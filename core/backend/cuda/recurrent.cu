#include "backend/cuda/cuda_check.h"
#include "backend/cuda/device_util.cuh"
#include "backend/cuda/recurrent.cuh"

namespace gradlab::cuda::ops {

namespace {
__device__ float sigmoid(float x) { return 1.f / (1.f + expf(-x)); }

__global__ void transpose01Kernel(const float* src, float* dst, int64_t a, int64_t b, int64_t inner,
                                  bool accumulate) {
  const int64_t n = a * b * inner;
  GRADLAB_GRID_LOOP(e, n) {
    const int64_t k = e % inner, ij = e / inner;
    const int64_t i = ij / b, j = ij % b;
    const int64_t d = (j * a + i) * inner + k;
    dst[d] = accumulate ? dst[d] + src[e] : src[e];
  }
}

// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c = f⊙c_prev + i⊙g; h = o⊙tanh(c)
__global__ void lstmForwardKernel(float* gates, const float* cPrev, float* c, float* h,
                                  int64_t batch, int64_t hidden) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    float* gi = gates + gateIndex(b, 0, j, 4, hidden);
    float* gf = gates + gateIndex(b, 1, j, 4, hidden);
    float* gg = gates + gateIndex(b, 2, j, 4, hidden);
    float* go = gates + gateIndex(b, 3, j, 4, hidden);
    const float i = sigmoid(*gi), f = sigmoid(*gf), g = tanhf(*gg), o = sigmoid(*go);
    *gi = i;
    *gf = f;
    *gg = g;
    *go = o;
    const float ct = f * cPrev[e] + i * g;
    c[e] = ct;
    h[e] = o * tanhf(ct);
  }
}

// dc += dh⊙o⊙(1 − tanh²c); d(a_i) = dc⊙g⊙i(1−i), d(a_f) = dc⊙c_prev⊙f(1−f),
// d(a_g) = dc⊙i⊙(1−g²), d(a_o) = dh⊙tanh(c)⊙o(1−o); dc ← dc⊙f
__global__ void lstmBackwardKernel(const float* gates, const float* cPrev, const float* c,
                                   const float* dh, float* dc, float* dgates, int64_t batch,
                                   int64_t hidden) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    const float i = gates[gateIndex(b, 0, j, 4, hidden)];
    const float f = gates[gateIndex(b, 1, j, 4, hidden)];
    const float g = gates[gateIndex(b, 2, j, 4, hidden)];
    const float o = gates[gateIndex(b, 3, j, 4, hidden)];
    const float tc = tanhf(c[e]), d = dh[e];
    const float dct = dc[e] + d * o * (1.f - tc * tc);
    dgates[gateIndex(b, 0, j, 4, hidden)] = dct * g * i * (1.f - i);
    dgates[gateIndex(b, 1, j, 4, hidden)] = dct * cPrev[e] * f * (1.f - f);
    dgates[gateIndex(b, 2, j, 4, hidden)] = dct * i * (1.f - g * g);
    dgates[gateIndex(b, 3, j, 4, hidden)] = d * tc * o * (1.f - o);
    dc[e] = dct * f;
  }
}

// [r z] = σ(xp[:, 0:2H] + hh);  rh = r⊙h_prev
__global__ void gruGatesKernel(const float* xp, const float* hh, const float* hPrev, float* rz,
                               float* rh, int64_t batch, int64_t hidden) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    const float r = sigmoid(xp[gateIndex(b, 0, j, 3, hidden)] + hh[gateIndex(b, 0, j, 2, hidden)]);
    const float z = sigmoid(xp[gateIndex(b, 1, j, 3, hidden)] + hh[gateIndex(b, 1, j, 2, hidden)]);
    rz[gateIndex(b, 0, j, 2, hidden)] = r;
    rz[gateIndex(b, 1, j, 2, hidden)] = z;
    rh[e] = r * hPrev[e];
  }
}

// g = tanh(xp[:, 2H:3H] + hg);  h = z⊙h_prev + (1 − z)⊙g
__global__ void gruCandidateKernel(const float* xp, const float* hg, const float* rz,
                                   const float* hPrev, float* g, float* h, int64_t batch,
                                   int64_t hidden) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    const float gt = tanhf(xp[gateIndex(b, 2, j, 3, hidden)] + hg[e]);
    const float z = rz[gateIndex(b, 1, j, 2, hidden)];
    g[e] = gt;
    h[e] = z * hPrev[e] + (1.f - z) * gt;
  }
}

// d(a_z) = dh⊙(h_prev − g)⊙z(1−z) → drz[:, H:2H];  d(a_g) = dh⊙(1 − z)⊙(1 − g²) → dg
__global__ void gruCandidateBackwardKernel(const float* dh, const float* rz, const float* g,
                                           const float* hPrev, float* drz, float* dg, int64_t batch,
                                           int64_t hidden) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    const float d = dh[e], z = rz[gateIndex(b, 1, j, 2, hidden)], gt = g[e];
    drz[gateIndex(b, 1, j, 2, hidden)] = d * (hPrev[e] - gt) * z * (1.f - z);
    dg[e] = d * (1.f - z) * (1.f - gt * gt);
  }
}

// d(a_r) = drh⊙h_prev⊙r(1−r) → drz[:, 0:H];  dh_prev (+)= dh⊙z + drh⊙r
__global__ void gruResetBackwardKernel(const float* dh, const float* drh, const float* rz,
                                       const float* hPrev, float* drz, float* dhPrev, int64_t batch,
                                       int64_t hidden, bool accumulate) {
  GRADLAB_GRID_LOOP(e, batch * hidden) {
    const int64_t b = e / hidden, j = e % hidden;
    const float r = rz[gateIndex(b, 0, j, 2, hidden)], z = rz[gateIndex(b, 1, j, 2, hidden)];
    const float dr = drh[e];
    drz[gateIndex(b, 0, j, 2, hidden)] = dr * hPrev[e] * r * (1.f - r);
    const float v = dh[e] * z + dr * r;
    dhPrev[e] = accumulate ? dhPrev[e] + v : v;
  }
}

unsigned blocks(int64_t n) { return unsigned(blocksFor(n)); }
}  // namespace

void transpose01(const float* src, float* dst, int64_t a, int64_t b, int64_t inner, bool accumulate,
                 cudaStream_t s) {
  if (a * b * inner <= 0) return;
  transpose01Kernel<<<blocks(a * b * inner), kThreads, 0, s>>>(src, dst, a, b, inner, accumulate);
  CUDA_CHECK_LAUNCH();
}

void lstmCellForward(float* gates, const float* cPrev, float* c, float* h, int64_t batch,
                     int64_t hidden, cudaStream_t s) {
  if (batch * hidden <= 0) return;
  lstmForwardKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(gates, cPrev, c, h, batch, hidden);
  CUDA_CHECK_LAUNCH();
}

void lstmCellBackward(const float* gates, const float* cPrev, const float* c, const float* dh,
                      float* dc, float* dgates, int64_t batch, int64_t hidden, cudaStream_t s) {
  if (batch * hidden <= 0) return;
  lstmBackwardKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(gates, cPrev, c, dh, dc, dgates,
                                                                 batch, hidden);
  CUDA_CHECK_LAUNCH();
}

void gruGatesForward(const float* xp, const float* hh, const float* hPrev, float* rz, float* rh,
                     int64_t batch, int64_t hidden, cudaStream_t s) {
  if (batch * hidden <= 0) return;
  gruGatesKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(xp, hh, hPrev, rz, rh, batch, hidden);
  CUDA_CHECK_LAUNCH();
}

void gruCandidateForward(const float* xp, const float* hg, const float* rz, const float* hPrev,
                         float* g, float* h, int64_t batch, int64_t hidden, cudaStream_t s) {
  if (batch * hidden <= 0) return;
  gruCandidateKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(xp, hg, rz, hPrev, g, h, batch,
                                                                 hidden);
  CUDA_CHECK_LAUNCH();
}

void gruCandidateBackward(const float* dh, const float* rz, const float* g, const float* hPrev,
                          float* drz, float* dg, int64_t batch, int64_t hidden, cudaStream_t s) {
  if (batch * hidden <= 0) return;
  gruCandidateBackwardKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(dh, rz, g, hPrev, drz, dg,
                                                                         batch, hidden);
  CUDA_CHECK_LAUNCH();
}

void gruResetBackward(const float* dh, const float* drh, const float* rz, const float* hPrev,
                      float* drz, float* dhPrev, int64_t batch, int64_t hidden, bool accumulate,
                      cudaStream_t s) {
  if (batch * hidden <= 0) return;
  gruResetBackwardKernel<<<blocks(batch * hidden), kThreads, 0, s>>>(
      dh, drh, rz, hPrev, drz, dhPrev, batch, hidden, accumulate);
  CUDA_CHECK_LAUNCH();
}

}  // namespace gradlab::cuda::ops
