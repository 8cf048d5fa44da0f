// ONNX export of SimpleRNN, LSTM and GRU onto ONNX's RNN, LSTM and GRU ops (opset 11).
//
// Layouts. Gradlab's sequences are batch-first [N, T, F]; the opset-11 ops read time-major
// [T, N, F] and write Y [T, directions = 1, N, H]. So each block is
//   Transpose(perm 1,0,2) -> RNN/LSTM/GRU -> Y
//   return_sequences: Squeeze(axis 1) -> Transpose(perm 1,0,2)            [N, T, H]
//   otherwise:        Slice(the last step) -> Squeeze(axes 0, 1)         [N, H]  (= h_T)
// (Y's last step rather than the op's Y_h output: OpenCV 4.6 crashes on a GRU's Y_h.)
//
// Weights. ONNX stacks the gate blocks of W [1, G·H, I], R [1, G·H, H] and B [1, 2·G·H]
// (= [W_b; R_b]) in its own order; Gradlab keeps PyTorch's:
//   LSTM  Gradlab i, f, g, o    ONNX i, o, f, c (c = g)    ONNX block k = Gradlab block {0,3,1,2}[k]
//   GRU   Gradlab r, z, g       ONNX z, r, h (h = g)       ONNX block k = Gradlab block {1,0,2}[k]
//   RNN   one block
// with W = weight_ih_l0, R = weight_hh_l0, B = [bias_ih_l0; bias_hh_l0], each reordered.
//
// Equations. LSTM and RNN are the same functions in both (blocks/lstm.h, simple_rnn.h). GRU:
// Gradlab's candidate (blocks/gru.h) applies the reset gate before the matrix,
//   g_t = tanh(W_ig·x_t + b_ig + W_hg·(r_t ⊙ h_{t−1}) + b_hg),
// which is ONNX's GRU with linear_before_reset = 0 (its default; PyTorch's nn.GRU is
// linear_before_reset = 1), and h_t = z ⊙ h_{t−1} + (1 − z) ⊙ g_t in both.
#include "blocks/registry.h"
#include "export/onnx_graph.h"

namespace gradlab::onnx_export {

namespace {

// Rows of `t` ([G·H, cols] or [G·H]) with its G gate blocks put in ONNX's order.
std::vector<double> reorderGates(const HostTensor& t, const std::vector<int>& order) {
  const size_t gates = order.size();
  const size_t block = t.values.size() / gates;  // H rows of cols values
  std::vector<double> out;
  out.reserve(t.values.size());
  for (int k : order)
    out.insert(out.end(), t.values.begin() + ptrdiff_t(size_t(k) * block),
               t.values.begin() + ptrdiff_t(size_t(k + 1) * block));
  return out;
}

// The op with its weights; `attributes` beyond hidden_size.
void recurrent(OnnxBlock& b, const std::string& op, const std::vector<int>& order,
               std::vector<onnx::AttributeProto> attributes) {
  const int64_t H = paramInt(b.spec, "units");
  const int64_t T = b.inShapes.at(0).at(0), I = b.inShapes.at(0).at(1);
  const int64_t G = int64_t(order.size()) * H;

  const std::string W = b.local("W"), R = b.local("R"), B = b.local("B");
  b.graph.floats(W, {1, G, I}, reorderGates(b.weight("weight_ih_l0"), order));
  b.graph.floats(R, {1, G, H}, reorderGates(b.weight("weight_hh_l0"), order));
  std::vector<double> bias = reorderGates(b.weight("bias_ih_l0"), order);
  const std::vector<double> biasHh = reorderGates(b.weight("bias_hh_l0"), order);
  bias.insert(bias.end(), biasHh.begin(), biasHh.end());
  b.graph.floats(B, {1, 2 * G}, bias);

  std::vector<std::string> in{b.local("x_time_major"), W, R, B};
  if (b.options.batch > 0) {  // h_0 = 0 (and c_0 = 0) spelled out: [1, N, H]
    const std::string zeros = b.local("zeros");
    b.graph.floats(zeros, {1, b.options.batch, H},
                   std::vector<double>(size_t(b.options.batch * H), 0.0));
    in.push_back("");  // sequence_lens: every sequence has all T steps
    in.push_back(zeros);
    if (op == "LSTM") in.push_back(zeros);
  }

  b.graph.node("Transpose", {b.input(0)}, {b.local("x_time_major")}, {intsAttr("perm", {1, 0, 2})});
  attributes.push_back(intAttr("hidden_size", H));
  b.graph.node(op, in, {b.local("Y")}, attributes);

  if (paramBool(b.spec, "return_sequences")) {
    b.graph.node("Squeeze", {b.local("Y")}, {b.local("Y_steps")}, {intsAttr("axes", {1})});
    b.graph.node("Transpose", {b.local("Y_steps")}, {b.output()}, {intsAttr("perm", {1, 0, 2})});
  } else {
    b.graph.int64s(b.local("last_start"), {T - 1});
    b.graph.int64s(b.local("last_end"), {T});
    b.graph.int64s(b.local("time_axis"), {0});
    b.graph.node("Slice",
                 {b.local("Y"), b.local("last_start"), b.local("last_end"), b.local("time_axis")},
                 {b.local("Y_last")});
    b.graph.node("Squeeze", {b.local("Y_last")}, {b.output()}, {intsAttr("axes", {0, 1})});
  }
}

}  // namespace

// SimpleRNN: h_t = f(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh), f = tanh (ONNX's default, left
// unsaid: OpenCV 4.6 cannot read string-list attributes) or relu.
void exportSimpleRnn(OnnxBlock& b) {
  if (paramString(b.spec, "activation") == "relu")
    recurrent(b, "RNN", {0}, {stringsAttr("activations", {"Relu"})});
  else
    recurrent(b, "RNN", {0}, {});
}

void exportLstm(OnnxBlock& b) { recurrent(b, "LSTM", {0, 3, 1, 2}, {}); }

void exportGru(OnnxBlock& b) {
  recurrent(b, "GRU", {1, 0, 2}, {intAttr("linear_before_reset", 0)});
}

}  // namespace gradlab::onnx_export
