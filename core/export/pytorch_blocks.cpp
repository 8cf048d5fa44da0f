#include "export/pytorch_blocks.h"

#include <charconv>

#include "blocks/conv1d.h"
#include "blocks/conv2d.h"
#include "blocks/merge.h"
#include "blocks/pool1d.h"
#include "blocks/pool2d.h"
#include "blocks/registry.h"
#include "util/error.h"

namespace gradlab {

namespace {

// A Python number literal that reads back as the same double: 0.1, 1e-05, 2.
std::string num(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}
std::string num(int64_t v) { return std::to_string(v); }

std::string pyBool(bool b) { return b ? "True" : "False"; }

const std::string& in0(const PyBlockContext& c) { return c.in.at(0); }

// Dense: y = f(x·Wᵀ + b)   ↔ nn.Linear(in, units) (weight [units, in], bias [units]); on a
// sequence [T, in] at every step, as nn.Linear on the last axis
void dense(const PyBlockContext& c, PyBlock& b) {
  const bool bias = paramBool(c.spec, "use_bias");
  b.init.push_back(c.registerModule("nn.Linear(" + num(c.inShapes.at(0).back()) + ", " +
                                    num(paramInt(c.spec, "units")) +
                                    (bias ? "" : ", bias=False") + ")"));
  b.forward.push_back(c.out + " = " + pythonActivation(paramString(c.spec, "activation"),
                                                       c.module + "(" + in0(c) + ")"));
}

void activation(const PyBlockContext& c, PyBlock& b) {
  b.forward.push_back(c.out + " = " + pythonActivation(paramString(c.spec, "function"), in0(c)));
}

// Add: y = x₁ + x₂ + …
void add(const PyBlockContext& c, PyBlock& b) {
  std::string sum;
  for (const auto& v : c.in) sum += (sum.empty() ? "" : " + ") + v;
  b.forward.push_back(c.out + " = " + sum);
}

// Concat along the feature axis: the last for [F] and [T, F], channels for [C, H, W].
void concat(const PyBlockContext& c, PyBlock& b) {
  std::string list;
  for (const auto& v : c.in) list += (list.empty() ? "" : ", ") + v;
  const int axis = concatAxis(c.inShapes.at(0).size()) + 1;  // + the batch axis
  b.forward.push_back(c.out + " = torch.cat([" + list + "], dim=" + std::to_string(axis) + ")");
}

// Conv2D: z[n,o] = b[o] + Σ_c W[o,c] ⋆ x[n,c]   ↔ nn.Conv2d (weight [out, in, kh, kw])
void conv2d(const PyBlockContext& c, PyBlock& b) {
  const Conv2dGeometry g = conv2dGeometryOf(c.spec, c.inShapes.at(0));
  const bool bias = paramBool(c.spec, "use_bias");
  b.init.push_back(c.registerModule(
      "nn.Conv2d(" + num(g.inChannels) + ", " + num(g.outChannels) + ", kernel_size=" +
      num(g.kernelH) + ", stride=" + num(g.strideH) + ", padding=" + num(g.padH) +
      (bias ? "" : ", bias=False") + ")"));
  b.forward.push_back(c.out + " = " + pythonActivation(paramString(c.spec, "activation"),
                                                       c.module + "(" + in0(c) + ")"));
}

// Pooling: windows side by side (stride = size by default), no padding, as PyTorch's defaults.
void pool(const PyBlockContext& c, PyBlock& b, const char* fn) {
  const Pool2dGeometry g = pool2dGeometryOf(c.spec, c.inShapes.at(0));
  b.forward.push_back(c.out + " = F." + fn + "(" + in0(c) + ", kernel_size=" + num(g.windowH) +
                      ", stride=" + num(g.strideH) + ")");
}
void maxPool(const PyBlockContext& c, PyBlock& b) { pool(c, b, "max_pool2d"); }
void avgPool(const PyBlockContext& c, PyBlock& b) { pool(c, b, "avg_pool2d"); }

void flatten(const PyBlockContext& c, PyBlock& b) {
  b.forward.push_back(c.out + " = " + in0(c) + ".flatten(1)");
}

void reshape(const PyBlockContext& c, PyBlock& b) {
  std::string dims;
  for (int64_t d : c.outShape) dims += ", " + num(d);
  b.forward.push_back(c.out + " = " + in0(c) + ".reshape(" + in0(c) + ".shape[0]" + dims + ")");
}

// Dropout: training zeroes each value with probability p and scales the rest by 1/(1 − p);
// evaluation passes everything through (model.eval()).
void dropout(const PyBlockContext& c, PyBlock& b) {
  b.init.push_back(c.registerModule("nn.Dropout(" + num(paramFloat(c.spec, "rate")) + ")"));
  b.forward.push_back(c.out + " = " + c.module + "(" + in0(c) + ")");
}

// BatchNorm: per feature ([F], nn.BatchNorm1d) or per channel ([C, H, W], nn.BatchNorm2d).
void batchNorm(const PyBlockContext& c, PyBlock& b) {
  const Shape& in = c.inShapes.at(0);
  b.init.push_back(c.registerModule(std::string(in.size() == 3 ? "nn.BatchNorm2d(" : "nn.BatchNorm1d(") +
                                    num(in.at(0)) + ", eps=" + num(paramFloat(c.spec, "eps")) +
                                    ", momentum=" + num(paramFloat(c.spec, "momentum")) + ")"));
  b.forward.push_back(c.out + " = " + c.module + "(" + in0(c) + ")");
}

// Recurrent blocks read [B, T, I] (batch_first) from h₀ = 0 and give every step's hidden
// state [B, T, H], or the last one [B, H] without return_sequences.
void lastStepUnlessSequences(const PyBlockContext& c, PyBlock& b) {
  if (!paramBool(c.spec, "return_sequences"))
    b.forward.push_back(c.out + " = " + c.out + "[:, -1]  # the last step's hidden state");
}

void simpleRnn(const PyBlockContext& c, PyBlock& b) {
  b.init.push_back(c.registerModule("nn.RNN(" + num(c.inShapes.at(0).at(1)) + ", " +
                                    num(paramInt(c.spec, "units")) + ", nonlinearity=\"" +
                                    paramString(c.spec, "activation") + "\", batch_first=True)"));
  b.forward.push_back(c.out + ", _ = " + c.module + "(" + in0(c) + ")");
  lastStepUnlessSequences(c, b);
}

// LSTM: nn.LSTM is the lecture's LSTM (gate order i, f, g, o in weight_ih_l0 and weight_hh_l0).
void lstm(const PyBlockContext& c, PyBlock& b) {
  const int64_t H = paramInt(c.spec, "units");
  b.init.push_back(c.registerModule("nn.LSTM(" + num(c.inShapes.at(0).at(1)) + ", " + num(H) +
                                    ", batch_first=True)"));
  if (const double fb = paramFloat(c.spec, "forget_bias"); fb != 0) {
    b.init.push_back("with torch.no_grad():  # forget_bias: the forget gate's bias starts higher");
    b.init.push_back("    " + c.module + ".bias_ih_l0[" + num(H) + ":" + num(2 * H) + "] += " + num(fb));
  }
  b.forward.push_back(c.out + ", _ = " + c.module + "(" + in0(c) + ")");
  lastStepUnlessSequences(c, b);
}

// GRU: Gradlab's (the lecture's) equations in model.py's GRU class; nn.GRU differs (gru.h).
void gru(const PyBlockContext& c, PyBlock& b) {
  b.helpers.insert("GRU");
  b.init.push_back(c.registerModule("GRU(" + num(c.inShapes.at(0).at(1)) + ", " +
                                    num(paramInt(c.spec, "units")) + ")"));
  b.forward.push_back(c.out + " = " + c.module + "(" + in0(c) + ")");
  lastStepUnlessSequences(c, b);
}

// Conv1D on a sequence [T, F]: nn.Conv1d reads [B, F, T] (features as channels), so the
// sequence is transposed in and the result [B, filters, T'] back to [B, T', filters].
void conv1d(const PyBlockContext& c, PyBlock& b) {
  const Conv2dGeometry g = conv1dGeometryOf(c.spec, c.inShapes.at(0));  // 1×k on [B, F, 1, T]
  const bool bias = paramBool(c.spec, "use_bias");
  b.init.push_back(c.registerModule(
      "nn.Conv1d(" + num(g.inChannels) + ", " + num(g.outChannels) + ", kernel_size=" +
      num(g.kernelW) + ", stride=" + num(g.strideW) + ", padding=" + num(g.padW) +
      (bias ? "" : ", bias=False") + ")"));
  b.forward.push_back(c.out + " = " + pythonActivation(paramString(c.spec, "activation"),
                                                       c.module + "(" + in0(c) +
                                                           ".transpose(1, 2)).transpose(1, 2)"));
}

// MaxPool1D: windows of `size` steps along each feature of [T, F] (nn.MaxPool1d on [B, F, T]).
void maxPool1d(const PyBlockContext& c, PyBlock& b) {
  const Pool2dGeometry g = pool1dGeometryOf(c.spec, c.inShapes.at(0));  // size×1 on [1, T, F]
  b.forward.push_back(c.out + " = F.max_pool1d(" + in0(c) + ".transpose(1, 2), kernel_size=" +
                      num(g.windowH) + ", stride=" + num(g.strideH) + ").transpose(1, 2)");
}

// ConvTranspose2D ↔ nn.ConvTranspose2d (weight [in, out, k, k]), then the activation.
void convTranspose2d(const PyBlockContext& c, PyBlock& b) {
  const bool bias = paramBool(c.spec, "use_bias");
  b.init.push_back(c.registerModule(
      "nn.ConvTranspose2d(" + num(c.inShapes.at(0).at(0)) + ", " + num(paramInt(c.spec, "filters")) +
      ", kernel_size=" + num(paramInt(c.spec, "kernel")) + ", stride=" +
      num(paramInt(c.spec, "stride")) + ", padding=" + num(paramInt(c.spec, "padding")) +
      ", output_padding=" + num(paramInt(c.spec, "output_padding")) +
      (bias ? "" : ", bias=False") + ")"));
  b.forward.push_back(c.out + " = " + pythonActivation(paramString(c.spec, "activation"),
                                                       c.module + "(" + in0(c) + ")"));
}

// Upsample2D: every pixel an f×f square of copies (nn.Upsample, mode "nearest").
void upsample2d(const PyBlockContext& c, PyBlock& b) {
  b.forward.push_back(c.out + " = F.interpolate(" + in0(c) + ", scale_factor=" +
                      num(paramInt(c.spec, "factor")) + ", mode=\"nearest\")");
}

// RepeatVector: x [F] at each of T steps, [T, F] (a second input only gives T).
void repeatVector(const PyBlockContext& c, PyBlock& b) {
  b.forward.push_back(c.out + " = " + in0(c) + ".unsqueeze(1).repeat(1, " +
                      num(c.outShape.at(0)) + ", 1)");
}

// PositionEncoding: model.py's class of that name (learned "weight" [T, F], or sinusoidal).
void positionEncoding(const PyBlockContext& c, PyBlock& b) {
  b.helpers.insert("PositionEncoding");
  const Shape& in = c.inShapes.at(0);
  b.init.push_back(c.registerModule("PositionEncoding(" + num(in.at(0)) + ", " + num(in.at(1)) +
                                    ", learned=" +
                                    pyBool(paramString(c.spec, "encoding") == "learned") + ")"));
  b.forward.push_back(c.out + " = " + c.module + "(" + in0(c) + ")");
}

// Attention: model.py's class of that name; queries from input 0, keys and values from input 1
// (or from input 0: self-attention).
void attention(const PyBlockContext& c, PyBlock& b) {
  b.helpers.insert("Attention");
  b.init.push_back(c.registerModule("Attention(" + num(c.inShapes.front().at(1)) + ", " +
                                    num(c.inShapes.back().at(1)) + ", units=" +
                                    num(paramInt(c.spec, "units")) + ")"));
  b.forward.push_back(c.out + " = " + c.module + "(" + in0(c) + ", " + c.in.back() + ")");
}

void input(const PyBlockContext&, PyBlock&) {}  // forward()'s argument

}  // namespace

std::string PyBlockContext::registerModule(const std::string& expr) const {
  if (module.rfind("self.", 0) == 0) return module + " = " + expr;
  return "self.add_module(\"" + name + "\", " + expr + ")";
}

std::string pythonActivation(const std::string& name, const std::string& expr) {
  if (name == "identity" || name.empty()) return expr;
  if (name == "sigmoid") return "torch.sigmoid(" + expr + ")";
  if (name == "tanh") return "torch.tanh(" + expr + ")";
  if (name == "relu") return "F.relu(" + expr + ")";
  if (name == "leaky_relu") return "F.leaky_relu(" + expr + ", 0.01)";
  if (name == "elu") return "F.elu(" + expr + ", 1.0)";
  if (name == "softmax") return "torch.softmax(" + expr + ", dim=-1)";
  throw Error("the activation \"" + name + "\" has no PyTorch counterpart in the exporter");
}

const std::map<std::string, PyEmitter>& pytorchEmitters() {
  static const std::map<std::string, PyEmitter> table{
      {"Input", input},         {"Dense", dense},         {"Activation", activation},
      {"Add", add},             {"Concat", concat},       {"Conv2D", conv2d},
      {"MaxPool2D", maxPool},   {"AvgPool2D", avgPool},   {"Flatten", flatten},
      {"Reshape", reshape},     {"Dropout", dropout},     {"BatchNorm", batchNorm},
      {"SimpleRNN", simpleRnn}, {"LSTM", lstm},           {"GRU", gru},
      {"Conv1D", conv1d},       {"MaxPool1D", maxPool1d}, {"ConvTranspose2D", convTranspose2d},
      {"Upsample2D", upsample2d}, {"RepeatVector", repeatVector},
      {"PositionEncoding", positionEncoding}, {"Attention", attention},
  };
  return table;
}

}  // namespace gradlab
