// ONNX export of the feed-forward blocks, one function each, and the table of every exportable
// block type. Tensors carry the batch first: a block of output shape [F] writes [N, F], an image
// block [N, C, H, W], a sequence block [N, T, F]. Opset 11.
#include <cmath>

#include "backend/conv_geometry.h"
#include "blocks/conv1d.h"
#include "blocks/conv2d.h"
#include "blocks/merge.h"
#include "blocks/pool1d.h"
#include "blocks/pool2d.h"
#include "blocks/registry.h"
#include "export/onnx_graph.h"
#include "util/error.h"

namespace gradlab::onnx_export {

// --- the graph writer ---------------------------------------------------------------------

onnx::AttributeProto intAttr(const std::string& name, int64_t value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(value);
  return a;
}

onnx::AttributeProto intsAttr(const std::string& name, const std::vector<int64_t>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a.add_ints(v);
  return a;
}

onnx::AttributeProto floatAttr(const std::string& name, float value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(value);
  return a;
}

onnx::AttributeProto stringAttr(const std::string& name, const std::string& value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(value);
  return a;
}

onnx::AttributeProto stringsAttr(const std::string& name, const std::vector<std::string>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRINGS);
  for (const auto& v : values) a.add_strings(v);
  return a;
}

void OnnxGraph::node(const std::string& op, const std::vector<std::string>& inputs,
                     const std::vector<std::string>& outputs,
                     const std::vector<onnx::AttributeProto>& attributes) {
  onnx::NodeProto* n = graph_.add_node();
  n->set_op_type(op);
  n->set_name(outputs.at(0));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  for (const auto& a : attributes) *n->add_attribute() = a;
}

void OnnxGraph::floats(const std::string& name, const Shape& shape,
                       const std::vector<double>& values) {
  onnx::TensorProto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t->add_dims(d);
  for (double v : values) t->add_float_data(float(v));
}

void OnnxGraph::int64s(const std::string& name, const std::vector<int64_t>& values) {
  onnx::TensorProto* t = graph_.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(int64_t(values.size()));
  for (int64_t v : values) t->add_int64_data(v);
}

const HostTensor& OnnxBlock::weight(const std::string& param) const {
  return weights.at(spec.id + "." + param);
}

std::string OnnxBlock::weightInput(const std::string& param) const {
  const std::string name = spec.id + "." + param;
  const HostTensor& t = weights.at(name);
  graph.floats(name, t.shape, t.values);
  return name;
}

// --- activations --------------------------------------------------------------------------

// y = f(x), elementwise; softmax over the last axis (opset 11's Softmax flattens the axes from
// `axis` on, so axis −1 is the last one for any rank).
void activation(OnnxBlock& b, const std::string& f, const std::string& in, const std::string& out) {
  if (f == "identity") b.graph.node("Identity", {in}, {out});
  else if (f == "sigmoid") b.graph.node("Sigmoid", {in}, {out});
  else if (f == "tanh") b.graph.node("Tanh", {in}, {out});
  else if (f == "relu") b.graph.node("Relu", {in}, {out});
  else if (f == "leaky_relu") b.graph.node("LeakyRelu", {in}, {out}, {floatAttr("alpha", 0.01f)});
  else if (f == "elu") b.graph.node("Elu", {in}, {out}, {floatAttr("alpha", 1.0f)});
  else if (f == "softmax") b.graph.node("Softmax", {in}, {out}, {intAttr("axis", -1)});
  else
    throw Error("block \"" + b.spec.id + "\" (" + b.spec.type + "): the activation \"" + f +
                "\" cannot be exported to ONNX (the exporter knows identity, sigmoid, tanh, relu, "
                "leaky_relu, elu and softmax) — choose one of those to export this network");
}

namespace {

// A layer's pre-activation goes straight to the output when its activation is the identity.
std::string preActivation(const OnnxBlock& b, const std::string& f) {
  return f == "identity" ? b.output() : b.local("pre");
}

// --- blocks -------------------------------------------------------------------------------

// The Input block is the graph's input, named by its id: nothing to add.
void exportInput(OnnxBlock&) {}

// Dense (nn.Linear): y = f(x·Wᵀ + b) — Gemm with transB = 1 on W [out, in], as stored.
void exportDense(OnnxBlock& b) {
  const std::string f = paramString(b.spec, "activation");
  std::vector<std::string> in{b.input(0), b.weightInput("weight")};
  if (paramBool(b.spec, "use_bias")) in.push_back(b.weightInput("bias"));
  const std::string pre = preActivation(b, f);
  b.graph.node("Gemm", in, {pre}, {intAttr("transB", 1)});
  if (pre != b.output()) activation(b, f, pre, b.output());
}

void exportActivation(OnnxBlock& b) {
  activation(b, paramString(b.spec, "function"), b.input(0), b.output());
}

// Add: y = x₁ + x₂ + …, a chain of Adds.
void exportAdd(OnnxBlock& b) {
  std::string sum = b.input(0);
  for (size_t i = 1; i < b.inputs.size(); ++i) {
    const std::string out = i + 1 == b.inputs.size() ? b.output() : b.local("sum" + std::to_string(i));
    b.graph.node("Add", {sum, b.input(i)}, {out});
    sum = out;
  }
}

// Concat along the feature axis (channels for images): the block's axis, after the batch.
void exportConcat(OnnxBlock& b) {
  b.graph.node("Concat", b.inputs, {b.output()},
               {intAttr("axis", concatAxis(b.outShape.size()) + 1)});
}

// Conv2D (nn.Conv2d): symmetric zero padding, weight [out, in, k, k] as stored.
void exportConv2d(OnnxBlock& b) {
  const Conv2dGeometry g = conv2dGeometryOf(b.spec, b.inShapes.at(0));
  const std::string f = paramString(b.spec, "activation");
  std::vector<std::string> in{b.input(0), b.weightInput("weight")};
  if (paramBool(b.spec, "use_bias")) in.push_back(b.weightInput("bias"));
  const std::string pre = preActivation(b, f);
  b.graph.node("Conv", in, {pre},
               {intsAttr("kernel_shape", {g.kernelH, g.kernelW}),
                intsAttr("strides", {g.strideH, g.strideW}),
                intsAttr("pads", {g.padH, g.padW, g.padH, g.padW})});
  if (pre != b.output()) activation(b, f, pre, b.output());
}

// ConvTranspose2D (nn.ConvTranspose2d): weight [channels, filters, k, k] as stored, which is
// ONNX's layout too; output (in − 1)·s − 2·pad + k + output_padding, as in both.
void exportConvTranspose2d(OnnxBlock& b) {
  const int64_t k = paramInt(b.spec, "kernel"), s = paramInt(b.spec, "stride");
  const int64_t pad = paramInt(b.spec, "padding"), extra = paramInt(b.spec, "output_padding");
  const std::string f = paramString(b.spec, "activation");
  std::vector<std::string> in{b.input(0), b.weightInput("weight")};
  if (paramBool(b.spec, "use_bias")) in.push_back(b.weightInput("bias"));
  const std::string pre = preActivation(b, f);
  b.graph.node("ConvTranspose", in, {pre},
               {intsAttr("kernel_shape", {k, k}), intsAttr("strides", {s, s}),
                intsAttr("pads", {pad, pad, pad, pad}), intsAttr("output_padding", {extra, extra})});
  if (pre != b.output()) activation(b, f, pre, b.output());
}

// Upsample2D: nearest neighbour by an integer factor f, y[i, j] = x[⌊i/f⌋, ⌊j/f⌋] — Resize with
// scales [1, 1, f, f], "asymmetric" coordinates (x_in = x_out / f) and nearest_mode "floor".
void exportUpsample2d(OnnxBlock& b) {
  const double f = double(paramInt(b.spec, "factor"));
  b.graph.floats(b.local("roi"), {0}, {});
  b.graph.floats(b.local("scales"), {4}, {1, 1, f, f});
  b.graph.node("Resize", {b.input(0), b.local("roi"), b.local("scales")}, {b.output()},
               {stringAttr("mode", "nearest"),
                stringAttr("coordinate_transformation_mode", "asymmetric"),
                stringAttr("nearest_mode", "floor")});
}

// MaxPool2D, AvgPool2D: no padding, windows that do not fit dropped (ceil_mode 0).
void exportPool(OnnxBlock& b, const char* op) {
  const Pool2dGeometry g = pool2dGeometryOf(b.spec, b.inShapes.at(0));
  b.graph.node(op, {b.input(0)}, {b.output()},
               {intsAttr("kernel_shape", {g.windowH, g.windowW}),
                intsAttr("strides", {g.strideH, g.strideW})});
}
void exportMaxPool2d(OnnxBlock& b) { exportPool(b, "MaxPool"); }
void exportAvgPool2d(OnnxBlock& b) { exportPool(b, "AveragePool"); }

// Conv1D (nn.Conv1d on the features as channels): [N, T, F] -> Transpose -> [N, F, T] -> Conv
// with weight [filters, F, k] as stored -> the activation -> Transpose -> [N, T', filters].
void exportConv1d(OnnxBlock& b) {
  const Conv2dGeometry g = conv1dGeometryOf(b.spec, b.inShapes.at(0));  // a 1×k kernel on [F, 1, T]
  const std::string f = paramString(b.spec, "activation");
  b.graph.node("Transpose", {b.input(0)}, {b.local("channels_first")}, {intsAttr("perm", {0, 2, 1})});
  std::vector<std::string> in{b.local("channels_first"), b.weightInput("weight")};
  if (paramBool(b.spec, "use_bias")) in.push_back(b.weightInput("bias"));
  b.graph.node("Conv", in, {b.local("conv")},
               {intsAttr("kernel_shape", {g.kernelW}), intsAttr("strides", {g.strideW}),
                intsAttr("pads", {g.padW, g.padW})});
  std::string y = b.local("conv");
  if (f != "identity") {
    activation(b, f, y, b.local("activated"));
    y = b.local("activated");
  }
  b.graph.node("Transpose", {y}, {b.output()}, {intsAttr("perm", {0, 2, 1})});
}

// MaxPool1D: [N, T, F] -> Transpose -> MaxPool over time per feature -> Transpose -> [N, T', F].
void exportMaxPool1d(OnnxBlock& b) {
  const Pool2dGeometry g = pool1dGeometryOf(b.spec, b.inShapes.at(0));  // size×1 on [1, T, F]
  b.graph.node("Transpose", {b.input(0)}, {b.local("channels_first")}, {intsAttr("perm", {0, 2, 1})});
  b.graph.node("MaxPool", {b.local("channels_first")}, {b.local("pooled")},
               {intsAttr("kernel_shape", {g.windowH}), intsAttr("strides", {g.strideH})});
  b.graph.node("Transpose", {b.local("pooled")}, {b.output()}, {intsAttr("perm", {0, 2, 1})});
}

// Flatten: [N, …] -> [N, all values] in NCHW order.
void exportFlatten(OnnxBlock& b) {
  b.graph.node("Flatten", {b.input(0)}, {b.output()}, {intAttr("axis", 1)});
}

// Reshape: [N, …] -> [N, shape…]; the 0 keeps the batch extent as it comes.
void exportReshape(OnnxBlock& b) {
  std::vector<int64_t> shape{0};
  for (int64_t d : b.outShape) shape.push_back(d);
  b.graph.int64s(b.local("shape"), shape);
  b.graph.node("Reshape", {b.input(0), b.local("shape")}, {b.output()});
}

// Dropout in evaluation mode passes everything through.
void exportDropout(OnnxBlock& b) { b.graph.node("Identity", {b.input(0)}, {b.output()}); }

// BatchNorm in evaluation mode: y = γ·(x − running_mean)/√(running_var + ε) + β, per feature of
// [N, F] or per channel of [N, C, H, W].
void exportBatchNorm(OnnxBlock& b) {
  b.graph.node("BatchNormalization",
               {b.input(0), b.weightInput("weight"), b.weightInput("bias"),
                b.weightInput("running_mean"), b.weightInput("running_var")},
               {b.output()}, {floatAttr("epsilon", float(paramFloat(b.spec, "eps")))});
}

}  // namespace

const std::vector<OnnxBlockType>& onnxBlockTypes() {
  static const std::vector<OnnxBlockType> types{
      {"Input", exportInput},         {"Dense", exportDense},
      {"Activation", exportActivation}, {"Add", exportAdd},
      {"Concat", exportConcat},       {"Conv2D", exportConv2d},
      {"MaxPool2D", exportMaxPool2d}, {"AvgPool2D", exportAvgPool2d},
      {"Flatten", exportFlatten},     {"Reshape", exportReshape},
      {"Conv1D", exportConv1d},       {"MaxPool1D", exportMaxPool1d},
      {"ConvTranspose2D", exportConvTranspose2d}, {"Upsample2D", exportUpsample2d},
      {"Attention", exportAttention}, {"RepeatVector", exportRepeatVector},
      {"PositionEncoding", exportPositionEncoding},
      {"Dropout", exportDropout},     {"BatchNorm", exportBatchNorm},
      {"SimpleRNN", exportSimpleRnn}, {"LSTM", exportLstm},
      {"GRU", exportGru},
  };
  return types;
}

}  // namespace gradlab::onnx_export
