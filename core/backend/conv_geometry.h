#pragma once
// Index arithmetic of 2-D convolution and pooling, shared by every backend (cpu here, cuda in
// kernels and when it fills cuDNN descriptors) and by shape inference. Plain inline functions
// on integers, callable from host and device code; tests/core/tst_conv_geometry.cpp covers them.
//
// Images are NCHW. A window of kernelH × kernelW slides over the input padded with padH zero
// rows above and below and padW zero columns left and right (symmetric, as cuDNN does), in
// steps of stride. Output pixel (i, j) reads input rows i·strideH − padH + p, p < kernelH, and
// columns j·strideW − padW + q, q < kernelW:
//
//   out = ⌊(in + 2·pad − kernel) / stride⌋ + 1           (PyTorch's and cuDNN's formula)
//
// Example, 28×28 input, 5×5 kernel: pad 2, stride 1 → 28 ("same"); pad 0 → 24 ("valid");
// pad 2, stride 2 → 14.
//
// "same" padding is (kernel − 1) / 2 on every side, for odd kernels only: then
// out = ⌈in / stride⌉ for every stride, as TensorFlow's "same". An even kernel cannot be centred
// with symmetric padding; TensorFlow pads one more zero at the bottom/right, which cuDNN cannot
// express, so Gradlab refuses it with a clear message (sameConvPadding returns −1).
#include <cstdint>

#if !defined(GRADLAB_HOST_DEVICE)
#if defined(__CUDACC__)
#define GRADLAB_HOST_DEVICE __host__ __device__
#else
#define GRADLAB_HOST_DEVICE
#endif
#endif

namespace gradlab {

// ⌊(in + 2·pad − kernel) / stride⌋ + 1, or 0 when the kernel does not fit the padded input.
GRADLAB_HOST_DEVICE inline int64_t convOutSize(int64_t in, int64_t kernel, int64_t stride,
                                               int64_t pad) {
  const int64_t span = in + 2 * pad - kernel;
  if (span < 0 || stride < 1) return 0;
  return span / stride + 1;
}

// Padding for "same" (out = ⌈in / stride⌉): (kernel − 1) / 2, or −1 for an even kernel.
GRADLAB_HOST_DEVICE inline int64_t sameConvPadding(int64_t kernel) {
  return kernel % 2 == 1 ? (kernel - 1) / 2 : -1;
}

// One convolution: x [N, inChannels, inH, inW] * w [outChannels, inChannels, kernelH, kernelW]
// -> y [N, outChannels, outH, outW].
struct Conv2dGeometry {
  int64_t inChannels = 1, inH = 1, inW = 1;
  int64_t outChannels = 1;
  int64_t kernelH = 1, kernelW = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t padH = 0, padW = 0;
  int64_t outH = 1, outW = 1;

  // Rows of the im2col matrix (= columns of w as a matrix): inChannels·kernelH·kernelW.
  GRADLAB_HOST_DEVICE int64_t patchSize() const { return inChannels * kernelH * kernelW; }
  GRADLAB_HOST_DEVICE int64_t inPlane() const { return inH * inW; }
  GRADLAB_HOST_DEVICE int64_t outPlane() const { return outH * outW; }
  GRADLAB_HOST_DEVICE bool valid() const { return outH > 0 && outW > 0; }
};

// Fills outH, outW from the rest (0 where the kernel does not fit).
GRADLAB_HOST_DEVICE inline Conv2dGeometry conv2dGeometry(int64_t inChannels, int64_t inH,
                                                         int64_t inW, int64_t outChannels,
                                                         int64_t kernel, int64_t stride,
                                                         int64_t pad) {
  Conv2dGeometry g;
  g.inChannels = inChannels;
  g.inH = inH;
  g.inW = inW;
  g.outChannels = outChannels;
  g.kernelH = g.kernelW = kernel;
  g.strideH = g.strideW = stride;
  g.padH = g.padW = pad;
  g.outH = convOutSize(inH, kernel, stride, pad);
  g.outW = convOutSize(inW, kernel, stride, pad);
  return g;
}

// Pooling windows (no padding; windows that do not fit entirely are dropped, as PyTorch's
// default ceil_mode=False): x [N, channels, inH, inW] -> y [N, channels, outH, outW].
struct Pool2dGeometry {
  int64_t channels = 1, inH = 1, inW = 1;
  int64_t windowH = 1, windowW = 1;
  int64_t strideH = 1, strideW = 1;
  int64_t outH = 1, outW = 1;

  GRADLAB_HOST_DEVICE int64_t inPlane() const { return inH * inW; }
  GRADLAB_HOST_DEVICE int64_t outPlane() const { return outH * outW; }
  GRADLAB_HOST_DEVICE bool valid() const { return outH > 0 && outW > 0; }
};

GRADLAB_HOST_DEVICE inline Pool2dGeometry pool2dGeometry(int64_t channels, int64_t inH,
                                                         int64_t inW, int64_t window,
                                                         int64_t stride) {
  Pool2dGeometry g;
  g.channels = channels;
  g.inH = inH;
  g.inW = inW;
  g.windowH = g.windowW = window;
  g.strideH = g.strideW = stride;
  g.outH = convOutSize(inH, window, stride, 0);
  g.outW = convOutSize(inW, window, stride, 0);
  return g;
}

// The first output index whose window (of `kernel`, moved by `stride`, over input padded by
// `pad`) covers input index `x`, and one past the last: out ∈ [begin, end) reads x. Used to
// gather instead of scatter in backward passes (no write conflicts between threads).
GRADLAB_HOST_DEVICE inline int64_t firstWindowCovering(int64_t x, int64_t kernel, int64_t stride,
                                                       int64_t pad) {
  const int64_t xp = x + pad;  // index in the padded input
  const int64_t lo = xp - kernel + 1;
  return lo <= 0 ? 0 : (lo + stride - 1) / stride;
}
GRADLAB_HOST_DEVICE inline int64_t endWindowCovering(int64_t x, int64_t stride, int64_t pad,
                                                     int64_t outSize) {
  const int64_t e = (x + pad) / stride + 1;
  return e < outSize ? e : outSize;
}

}  // namespace gradlab
