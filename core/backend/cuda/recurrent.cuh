#pragma once
// Recurrent kernels (recurrent.cu): the layout swap [A, B, …] ↔ [B, A, …] and the element-wise
// parts of one LSTM / GRU time step, one thread per (sample b, unit j), formulas as in
// backend/backend.h ("--- recurrent ---") and backend/cpu/cpu_recurrent.cpp. Gates are stored
// [B, G·H] (cuda_index.h, gateIndex): LSTM i, f, g, o; GRU r, z (rz) and the candidate apart.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace gradlab::cuda::ops {

// dst[j, i, k] (+)= src[i, j, k] for i < a, j < b, k < inner.
void transpose01(const float* src, float* dst, int64_t a, int64_t b, int64_t inner, bool accumulate,
                 cudaStream_t stream);
void lstmCellForward(float* gates, const float* cPrev, float* c, float* h, int64_t batch,
                     int64_t hidden, cudaStream_t stream);
void lstmCellBackward(const float* gates, const float* cPrev, const float* c, const float* dh,
                      float* dc, float* dgates, int64_t batch, int64_t hidden, cudaStream_t stream);
void gruGatesForward(const float* xp, const float* hh, const float* hPrev, float* rz, float* rh,
                     int64_t batch, int64_t hidden, cudaStream_t stream);
void gruCandidateForward(const float* xp, const float* hg, const float* rz, const float* hPrev,
                         float* g, float* h, int64_t batch, int64_t hidden, cudaStream_t stream);
void gruCandidateBackward(const float* dh, const float* rz, const float* g, const float* hPrev,
                          float* drz, float* dg, int64_t batch, int64_t hidden,
                          cudaStream_t stream);
void gruResetBackward(const float* dh, const float* drh, const float* rz, const float* hPrev,
                      float* drz, float* dhPrev, int64_t batch, int64_t hidden, bool accumulate,
                      cudaStream_t stream);

}  // namespace gradlab::cuda::ops
