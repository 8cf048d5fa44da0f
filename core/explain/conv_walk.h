#pragma once
// ConvWalk: a kernel (or a pooling window) walked over a small 2-D input one position at a
// time, with every multiply-add written out and its running sum — what the convolution
// explainer (widgets/views/conv_explainer_view.h) steps through in lessons 13 and 14.
//
// The terms and running sums are the arithmetic spelled out; each output cell is the ENGINE's:
// the whole input goes once through Backend::conv2dForward / pool2dForward (cpuBackend() by
// default, float64), and position i shows y[i] from there. The walk's last running sum equals
// that cell (tests/core/tst_conv_walk.cpp checks both on the lecture's examples and on random
// inputs, strides and paddings).
//
// The lecture's example (curriculum topic 13): a 6×6 input, a 3×3 kernel, stride 1, no padding
//
//   2 4 3 5 6 8        1 0 1        out = ⌊(n + 2p − k) / s⌋ + 1 = ⌊(6 + 0 − 3) / 1⌋ + 1 = 4
//   3 8 5 7 5 1        0 0 1
//   1 2 1 5 6 7   *    1 0 1        position 0 (row 0, column 0):
//   2 4 6 2 3 4                       2·1 + 4·0 + 3·1 + 3·0 + 8·0 + 5·1 + 1·1 + 2·0 + 1·1 = 12
//   3 5 7 2 5 6                     running sums 2, 2, 5, 5, 5, 10, 11, 11, 12
//   6 8 9 7 9 8
//
//   ConvWalk w = walkConv(lectureConvInput(), lectureKernel(), /*stride*/ 1, /*padding*/ 0);
//   w.outRows == 4;  w.positions[0].terms[8].running == 12;  w.positions[0].engine == 12
//
// Max pooling (topic 14) walks the same way; the running value is the largest so far, and
// `best` marks the window's first maximum (the cell the engine's max pooling takes, as PyTorch).
// Average pooling's running value is the sum; the cell is sum / (k·k).
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "data/dataset.h"

namespace gradlab {

// A small matrix of numbers, row-major: an input, a kernel or an output.
struct Grid {
  int64_t rows = 0, cols = 0;
  std::vector<double> values;  // rows·cols

  Grid() = default;
  Grid(int64_t rows, int64_t cols, std::vector<double> values = {});
  double at(int64_t r, int64_t c) const { return values[size_t(r * cols + c)]; }
  double& at(int64_t r, int64_t c) { return values[size_t(r * cols + c)]; }
  bool empty() const { return rows == 0 || cols == 0; }
};

enum class WalkKind : uint8_t { Conv, MaxPool, AvgPool };
const char* walkKindName(WalkKind kind);  // "convolution", "max pooling", "average pooling"

// One term of a position: input cell × kernel cell (pooling: the value, weight 1).
struct WalkTerm {
  int64_t inRow = 0, inCol = 0;  // in the input without padding; outside it for padding cells
  int64_t kRow = 0, kCol = 0;    // in the kernel / window
  bool padding = false;          // a zero of the padding, outside the input
  double input = 0, weight = 1;  // x and w (pooling: w = 1)
  double product = 0;            // x · w
  double running = 0;            // conv, average: Σ of the products so far; max: the max so far
};

struct WalkPosition {
  int64_t outRow = 0, outCol = 0;
  std::vector<WalkTerm> terms;  // row-major over the kernel
  int best = -1;                // max pooling: the term holding the window's first maximum
  double walked = 0;            // the walk's own result: conv Σ, max, average Σ / (k·k)
  double engine = 0;            // the engine's output cell y[outRow, outCol]
};

struct ConvWalk {
  WalkKind kind = WalkKind::Conv;
  Grid input;
  Grid kernel;                      // conv only; pooling: empty
  int64_t size = 1;                 // kernel / window side k
  int64_t stride = 1, padding = 0;  // pooling: padding 0
  int64_t outRows = 0, outCols = 0;
  Grid output;                      // the engine's y, outRows × outCols
  std::vector<WalkPosition> positions;  // row by row, outRows·outCols of them

  // "⌊(6 + 2·0 − 3) / 1⌋ + 1 = 4": the output-size formula with the numbers filled in, for
  // the rows (or the columns).
  std::string sizeFormula(bool rows = true) const;
};

// Limits of the explainer: enough for the lectures, small enough to read every number.
inline constexpr int64_t kWalkMaxInput = 16;   // input sides
inline constexpr int64_t kWalkMaxKernel = 7;   // kernel / window side
inline constexpr int64_t kWalkMaxStride = 6;
inline constexpr int64_t kWalkMaxPadding = 3;

// Throws Error naming what does not fit (an empty or too large input, a kernel larger than the
// padded input, a stride or padding out of range) and what to change.
ConvWalk walkConv(const Grid& input, const Grid& kernel, int64_t stride, int64_t padding,
                  Backend& backend = cpuBackend());
ConvWalk walkPool(PoolMode mode, const Grid& input, int64_t window, int64_t stride,
                  Backend& backend = cpuBackend());

// Parameters of one layer from an input [C, H, W] to an output [O, outH, outW] with k×k
// kernels (bias: one per output unit, or one per filter for convolution):
//   fully connected     every output unit sees every input:   O·outH·outW · (C·H·W + bias)
//   locally connected   every output unit its own k×k patch:  O·outH·outW · (C·k·k + bias)
//   convolution         one k×k kernel shared by every position:          O · (C·k·k + bias)
// The lecture's 200×200 image and 40 000 hidden units (one 200×200 map), 10×10 kernels,
// without biases: 1.6 billion, 4 million, 100.
struct LayerParamCounts {
  int64_t dense = 0, local = 0, conv = 0;
};
LayerParamCounts layerParamCounts(int64_t inChannels, int64_t inH, int64_t inW,
                                  int64_t outChannels, int64_t outH, int64_t outW,
                                  int64_t kernel, bool bias = true);

// The lectures' examples (curriculum 13 and 14, the lecture on CNNs).
Grid lectureConvInput();   // the 6×6 image of "What is a convolution?"
Grid lectureKernel();      // its 3×3 kernel [1 0 1; 0 0 1; 1 0 1]
Grid lecturePoolInput();   // the 6×6 map of the pooling slide (3×3 windows, stride 3)
// Kernels to try: "edge" (Laplacian), "vertical" (Sobel, vertical edges), "blur" (box 1/9),
// "sharpen", "identity".
Grid presetKernel(const std::string& name);
const std::vector<std::string>& presetKernelNames();

// A rows×cols region of one sample of `data`, from (top, left), cut at the sample's edge:
// images [C, H, W] from `channel`; sequences [T, F] as a T×F matrix; vectors [F] as one row.
// Throws Error for a sample or channel out of range.
Grid sampleRegion(const Dataset& data, int64_t sample, int64_t channel, int64_t top, int64_t left,
                  int64_t rows, int64_t cols);

}  // namespace gradlab
