#include "explain/conv_walk.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "util/error.h"

namespace gradlab {

Grid::Grid(int64_t r, int64_t c, std::vector<double> v) : rows(r), cols(c), values(std::move(v)) {
  if (values.empty()) values.assign(size_t(std::max<int64_t>(0, r * c)), 0.0);
  if (int64_t(values.size()) != r * c)
    throw Error("grid: " + std::to_string(values.size()) + " values for " + std::to_string(r) +
                "×" + std::to_string(c) + " cells; give rows·cols values, row by row");
}

const char* walkKindName(WalkKind kind) {
  switch (kind) {
    case WalkKind::Conv: return "convolution";
    case WalkKind::MaxPool: return "max pooling";
    case WalkKind::AvgPool: return "average pooling";
  }
  return "?";
}

std::string ConvWalk::sizeFormula(bool forRows) const {
  const int64_t n = forRows ? input.rows : input.cols;
  const int64_t out = forRows ? outRows : outCols;
  return "⌊(" + std::to_string(n) + " + 2·" + std::to_string(padding) + " − " +
         std::to_string(size) + ") / " + std::to_string(stride) + "⌋ + 1 = " +
         std::to_string(out);
}

namespace {

std::string sides(const Grid& g) { return std::to_string(g.rows) + "×" + std::to_string(g.cols); }

void checkInput(const std::string& what, const Grid& input, int64_t size, int64_t stride,
                int64_t padding) {
  if (input.empty())
    throw Error(what + ": the input is empty; give it at least one row and one column");
  if (input.rows > kWalkMaxInput || input.cols > kWalkMaxInput)
    throw Error(what + ": the input is " + sides(input) + "; the explainer shows at most " +
                std::to_string(kWalkMaxInput) + "×" + std::to_string(kWalkMaxInput) +
                " (choose a smaller region)");
  if (size < 1 || size > kWalkMaxKernel)
    throw Error(what + ": a " + std::to_string(size) + "×" + std::to_string(size) +
                " window; choose a side from 1 to " + std::to_string(kWalkMaxKernel));
  if (stride < 1 || stride > kWalkMaxStride)
    throw Error(what + ": stride " + std::to_string(stride) + "; choose 1 to " +
                std::to_string(kWalkMaxStride));
  if (padding < 0 || padding > kWalkMaxPadding)
    throw Error(what + ": padding " + std::to_string(padding) + "; choose 0 to " +
                std::to_string(kWalkMaxPadding));
  for (double v : input.values)
    if (!std::isfinite(v)) throw Error(what + ": the input holds a value that is not a finite number");
  if (convOutSize(input.rows, size, stride, padding) < 1 ||
      convOutSize(input.cols, size, stride, padding) < 1)
    throw Error(what + ": a " + std::to_string(size) + "×" + std::to_string(size) +
                " window does not fit the " + sides(input) + " input with padding " +
                std::to_string(padding) + "; use a smaller window or more padding");
}

// The input as a [1, 1, rows, cols] float64 tensor on `be`.
Tensor upload(Backend& be, const Grid& g) {
  Tensor t = be.empty({1, 1, g.rows, g.cols}, DType::F64);
  t.fromHost(std::span<const double>(g.values));
  return t;
}

// The positions' cells and terms, shared by convolution and pooling; the values come after.
void layOut(ConvWalk& w) {
  w.outRows = convOutSize(w.input.rows, w.size, w.stride, w.padding);
  w.outCols = convOutSize(w.input.cols, w.size, w.stride, w.padding);
  for (int64_t i = 0; i < w.outRows; ++i) {
    for (int64_t j = 0; j < w.outCols; ++j) {
      WalkPosition pos;
      pos.outRow = i;
      pos.outCol = j;
      for (int64_t p = 0; p < w.size; ++p) {
        for (int64_t q = 0; q < w.size; ++q) {
          WalkTerm t;
          t.inRow = i * w.stride - w.padding + p;  // as backend.h: i·stride − pad + p
          t.inCol = j * w.stride - w.padding + q;
          t.kRow = p;
          t.kCol = q;
          t.padding = t.inRow < 0 || t.inRow >= w.input.rows || t.inCol < 0 ||
                      t.inCol >= w.input.cols;
          t.input = t.padding ? 0.0 : w.input.at(t.inRow, t.inCol);
          pos.terms.push_back(t);
        }
      }
      w.positions.push_back(std::move(pos));
    }
  }
}

void takeEngineOutput(ConvWalk& w, const Tensor& y) {
  w.output = Grid(w.outRows, w.outCols, y.toHost());
  for (WalkPosition& pos : w.positions) pos.engine = w.output.at(pos.outRow, pos.outCol);
}

}  // namespace

ConvWalk walkConv(const Grid& input, const Grid& kernel, int64_t stride, int64_t padding,
                  Backend& be) {
  if (kernel.empty() || kernel.rows != kernel.cols)
    throw Error("convolution: the kernel is " + sides(kernel) +
                "; the explainer walks square kernels (k×k)");
  for (double v : kernel.values)
    if (!std::isfinite(v)) throw Error("convolution: the kernel holds a value that is not a finite number");
  checkInput("convolution", input, kernel.rows, stride, padding);
  ConvWalk w;
  w.kind = WalkKind::Conv;
  w.input = input;
  w.kernel = kernel;
  w.size = kernel.rows;
  w.stride = stride;
  w.padding = padding;
  layOut(w);

  // The terms: x · w, and Σ so far.
  for (WalkPosition& pos : w.positions) {
    double sum = 0;
    for (WalkTerm& t : pos.terms) {
      t.weight = kernel.at(t.kRow, t.kCol);
      t.product = t.input * t.weight;
      sum += t.product;
      t.running = sum;
    }
    pos.walked = sum;
  }

  // The engine's output: y = x * w in one conv2dForward.
  const Conv2dGeometry g = conv2dGeometry(1, input.rows, input.cols, 1, w.size, stride, padding);
  Tensor x = upload(be, input);
  Tensor k = upload(be, kernel);
  Tensor y = be.empty({1, 1, g.outH, g.outW}, DType::F64);
  be.conv2dForward(x, k, g, y);
  takeEngineOutput(w, y);
  return w;
}

ConvWalk walkPool(PoolMode mode, const Grid& input, int64_t window, int64_t stride, Backend& be) {
  const bool max = mode == PoolMode::Max;
  checkInput(max ? "max pooling" : "average pooling", input, window, stride, 0);
  ConvWalk w;
  w.kind = max ? WalkKind::MaxPool : WalkKind::AvgPool;
  w.input = input;
  w.size = window;
  w.stride = stride;
  layOut(w);

  for (WalkPosition& pos : w.positions) {
    double run = max ? -std::numeric_limits<double>::infinity() : 0.0;
    for (size_t n = 0; n < pos.terms.size(); ++n) {
      WalkTerm& t = pos.terms[n];
      t.product = t.input;
      if (max) {
        if (t.input > run) {  // strictly larger: the first maximum wins, as the engine's
          run = t.input;
          pos.best = int(n);
        }
      } else {
        run += t.input;
      }
      t.running = run;
    }
    pos.walked = max ? run : run / double(window * window);
  }

  const Pool2dGeometry g = pool2dGeometry(1, input.rows, input.cols, window, stride);
  Tensor x = upload(be, input);
  Tensor y = be.empty({1, 1, g.outH, g.outW}, DType::F64);
  be.pool2dForward(mode, g, x, y);
  takeEngineOutput(w, y);
  return w;
}

LayerParamCounts layerParamCounts(int64_t inChannels, int64_t inH, int64_t inW,
                                  int64_t outChannels, int64_t outH, int64_t outW, int64_t kernel,
                                  bool bias) {
  const int64_t b = bias ? 1 : 0;
  const int64_t units = outChannels * outH * outW;  // output units of the layer
  LayerParamCounts c;
  c.dense = units * (inChannels * inH * inW + b);
  c.local = units * (inChannels * kernel * kernel + b);
  c.conv = outChannels * (inChannels * kernel * kernel + b);
  return c;
}

Grid lectureConvInput() {
  return Grid(6, 6, {2, 4, 3, 5, 6, 8,  //
                     3, 8, 5, 7, 5, 1,  //
                     1, 2, 1, 5, 6, 7,  //
                     2, 4, 6, 2, 3, 4,  //
                     3, 5, 7, 2, 5, 6,  //
                     6, 8, 9, 7, 9, 8});
}

Grid lectureKernel() { return Grid(3, 3, {1, 0, 1, 0, 0, 1, 1, 0, 1}); }

Grid lecturePoolInput() {
  return Grid(6, 6, {2, 4, 3, 5, 6, 3,  //
                     3, 8, 5, 7, 5, 1,  //
                     1, 2, 1, 5, 6, 7,  //
                     2, 4, 6, 2, 3, 4,  //
                     3, 5, 2, 2, 5, 6,  //
                     6, 4, 5, 7, 9, 8});
}

const std::vector<std::string>& presetKernelNames() {
  static const std::vector<std::string> names = {"lecture", "edge",    "vertical",
                                                 "blur",    "sharpen", "identity"};
  return names;
}

Grid presetKernel(const std::string& name) {
  static const std::map<std::string, Grid> kernels = {
      {"lecture", lectureKernel()},
      {"edge", Grid(3, 3, {-1, -1, -1, -1, 8, -1, -1, -1, -1})},     // Laplacian: 0 on flat areas
      {"vertical", Grid(3, 3, {-1, 0, 1, -2, 0, 2, -1, 0, 1})},      // Sobel: dark→light left to right
      {"blur", Grid(3, 3, std::vector<double>(9, 1.0 / 9.0))},       // box: the mean of 3×3
      {"sharpen", Grid(3, 3, {0, -1, 0, -1, 5, -1, 0, -1, 0})},
      {"identity", Grid(3, 3, {0, 0, 0, 0, 1, 0, 0, 0, 0})},
  };
  auto it = kernels.find(name);
  if (it == kernels.end()) {
    std::string known;
    for (const std::string& n : presetKernelNames()) known += (known.empty() ? "" : ", ") + n;
    throw Error("no kernel named " + quoteText(name) + "; the kernels are " + known);
  }
  return it->second;
}

Grid sampleRegion(const Dataset& data, int64_t sample, int64_t channel, int64_t top, int64_t left,
                  int64_t rows, int64_t cols) {
  if (sample < 0 || sample >= data.size())
    throw Error("sample " + std::to_string(sample) + " is not in the set (it has " +
                std::to_string(data.size()) + "); choose 0 to " +
                std::to_string(std::max<int64_t>(0, data.size() - 1)));
  // The sample as channels of H×W matrices.
  const Shape& s = data.xShape;
  int64_t C = 1, H = 1, W = 1;
  if (s.size() == 3) {
    C = s[0], H = s[1], W = s[2];
  } else if (s.size() == 2) {
    H = s[0], W = s[1];
  } else if (s.size() == 1) {
    W = s[0];
  } else {
    throw Error("samples of shape " + toString(s) + " have no 2-D region to show");
  }
  if (channel < 0 || channel >= C)
    throw Error("channel " + std::to_string(channel) + " is not in the sample (it has " +
                std::to_string(C) + ")");
  top = std::clamp<int64_t>(top, 0, H - 1);
  left = std::clamp<int64_t>(left, 0, W - 1);
  rows = std::clamp<int64_t>(rows, 1, H - top);
  cols = std::clamp<int64_t>(cols, 1, W - left);
  const float* x = data.x.data() + sample * data.xStride() + channel * H * W;
  Grid g(rows, cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) g.at(r, c) = double(x[(top + r) * W + left + c]);
  return g;
}

}  // namespace gradlab
