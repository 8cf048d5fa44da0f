// ONNX export of the blocks that work on whole sequences [N, T, F]: Attention, RepeatVector,
// PositionEncoding (opset 11).
#include <cmath>

#include "blocks/position_encoding.h"
#include "blocks/registry.h"
#include "export/onnx_graph.h"

namespace gradlab::onnx_export {

// Attention (blocks/attention.h), per sample, as batched MatMuls:
//   Q = X_q·W_qᵀ, K = X_kv·W_kᵀ, V = X_kv·W_vᵀ   (W as stored [d, D], given to MatMul as Wᵀ [D, d];
//                                                  units 0: Q = X_q, K = V = X_kv)
//   S = Q·Kᵀ · (1/√d)   A = Softmax(S) over the keys (the last axis)   Y = A·V
void exportAttention(OnnxBlock& b) {
  const std::string xq = b.input(0), xkv = b.input(b.inputs.size() > 1 ? 1 : 0);
  const int64_t units = paramInt(b.spec, "units");
  const int64_t d = units > 0 ? units : b.inShapes.at(b.inputs.size() > 1 ? 1 : 0).at(1);
  auto project = [&](const std::string& x, const char* param, const char* name) {
    if (units == 0) return x;
    const HostTensor& w = b.weight(param);  // [d, D]
    const int64_t D = w.shape.at(1);
    std::vector<double> wt(w.values.size());  // [D, d]
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j < D; ++j) wt[size_t(j * d + i)] = w.values[size_t(i * D + j)];
    b.graph.floats(b.local(std::string(param) + "_T"), {D, d}, wt);
    b.graph.node("MatMul", {x, b.local(std::string(param) + "_T")}, {b.local(name)});
    return b.local(name);
  };
  const std::string q = project(xq, "q_proj_weight", "Q");
  const std::string k = project(xkv, "k_proj_weight", "K");
  const std::string v = project(xkv, "v_proj_weight", "V");
  b.graph.node("Transpose", {k}, {b.local("K_T")}, {intsAttr("perm", {0, 2, 1})});
  b.graph.node("MatMul", {q, b.local("K_T")}, {b.local("QK")});
  b.graph.floats(b.local("scale"), {}, {1.0 / std::sqrt(double(d))});
  b.graph.node("Mul", {b.local("QK"), b.local("scale")}, {b.local("S")});
  b.graph.node("Softmax", {b.local("S")}, {b.local("A")}, {intAttr("axis", -1)});
  b.graph.node("MatMul", {b.local("A"), v}, {b.output()});
}

// RepeatVector: x [N, F] -> Unsqueeze -> [N, 1, F] -> Tile T times along time -> [N, T, F]
// (T is the block's output length, also when a second input gives it).
void exportRepeatVector(OnnxBlock& b) {
  const int64_t T = b.outShape.at(0);
  b.graph.node("Unsqueeze", {b.input(0)}, {b.local("one_step")}, {intsAttr("axes", {1})});
  b.graph.int64s(b.local("repeats"), {1, T, 1});
  b.graph.node("Tile", {b.local("one_step"), b.local("repeats")}, {b.output()});
}

// PositionEncoding: y = x + P, P [T, F] broadcast over the batch: the learned "weight", or the
// sinusoidal table as a constant.
void exportPositionEncoding(OnnxBlock& b) {
  std::string p;
  if (paramString(b.spec, "encoding") == "learned") {
    p = b.weightInput("weight");
  } else {
    const int64_t T = b.outShape.at(0), F = b.outShape.at(1);
    p = b.local("P");
    b.graph.floats(p, {T, F}, sinusoidalPositions(T, F));
  }
  b.graph.node("Add", {b.input(0), p}, {b.output()});
}

}  // namespace gradlab::onnx_export
