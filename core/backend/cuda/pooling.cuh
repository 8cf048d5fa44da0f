#pragma once
// The max-pooling backward (pooling.cu). cuDNN runs the pooling forwards and the average
// backward (cuda_pool.cpp), but does not promise which of several equal maxima receives the
// gradient; Gradlab's rule (backend.h) is PyTorch's: the window's first maximum in row-major
// order, a NaN counting as the maximum. So this kernel gathers: one thread per input element
// sums dy over the windows covering it (backend/conv_geometry.h, firstWindowCovering) whose
// first maximum it is, in output order — the cpu's order of additions.
#include <cuda_runtime_api.h>

#include <cstdint>

#include "backend/conv_geometry.h"

namespace gradlab::cuda::ops {

// dx (+)= the max-pooling backward of dy; x, dx: planes × inH × inW; dy: planes × outH × outW.
void maxPoolBackward(const Pool2dGeometry& g, int64_t planes, const float* x, const float* dy,
                     float* dx, bool accumulate, cudaStream_t stream);

}  // namespace gradlab::cuda::ops
