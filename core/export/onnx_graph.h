#pragma once
// Internal to core/export: a thin writer over onnx::GraphProto, and what one block's exporter
// is given. A block exporter adds nodes that read its inputs' tensors and write a tensor named
// by its id:
//
//   void exportFlatten(OnnxBlock& b) {                 // [N, C, H, W] -> [N, C·H·W]
//     b.graph.node("Flatten", {b.input(0)}, {b.output()}, {intAttr("axis", 1)});
//   }
#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "export/onnx_export.h"
#include "spec/network_spec.h"
#include "tensor/shape.h"

namespace gradlab::onnx_export {

onnx::AttributeProto intAttr(const std::string& name, int64_t value);
onnx::AttributeProto intsAttr(const std::string& name, const std::vector<int64_t>& values);
onnx::AttributeProto floatAttr(const std::string& name, float value);
onnx::AttributeProto stringAttr(const std::string& name, const std::string& value);
onnx::AttributeProto stringsAttr(const std::string& name, const std::vector<std::string>& values);

class OnnxGraph {
 public:
  explicit OnnxGraph(onnx::GraphProto& graph) : graph_(graph) {}
  // A node; its name is its first output's.
  void node(const std::string& op, const std::vector<std::string>& inputs,
            const std::vector<std::string>& outputs,
            const std::vector<onnx::AttributeProto>& attributes = {});
  // Constant tensors (weights; shapes and axes for Reshape and Slice).
  void floats(const std::string& name, const Shape& shape, const std::vector<double>& values);
  void int64s(const std::string& name, const std::vector<int64_t>& values);

 private:
  onnx::GraphProto& graph_;
};

// One block being exported.
struct OnnxBlock {
  OnnxGraph& graph;
  const BlockSpec& spec;
  std::vector<std::string> inputs;  // the tensors it reads, in edge order
  std::vector<Shape> inShapes;      // without the batch
  Shape outShape;                   // without the batch
  const TensorMap& weights;
  const OnnxExportOptions& options;

  const std::string& input(size_t i) const { return inputs.at(i); }
  const std::string& output() const { return spec.id; }
  // A name for an intermediate tensor of this block: "<id>/<what>".
  std::string local(const std::string& what) const { return spec.id + "/" + what; }
  // The weight "<id>.<param>" (the exporter checked every declared one before).
  const HostTensor& weight(const std::string& param) const;
  // The weight added to the graph as an initializer of the same name; returns that name.
  std::string weightInput(const std::string& param) const;
};

// The block's activation function (Dense, Conv2D, Activation) from `in` to `out`; Error naming
// the block for one ONNX lacks here.
void activation(OnnxBlock& b, const std::string& function, const std::string& in,
                const std::string& out);

using OnnxExporter = void (*)(OnnxBlock&);
struct OnnxBlockType {
  const char* type;
  OnnxExporter exporter;
};
// Every exportable block type (onnx_blocks.cpp); the recurrent ones are in onnx_recurrent.cpp,
// the other sequence blocks in onnx_sequence.cpp.
const std::vector<OnnxBlockType>& onnxBlockTypes();
void exportSimpleRnn(OnnxBlock& b);
void exportLstm(OnnxBlock& b);
void exportGru(OnnxBlock& b);
void exportAttention(OnnxBlock& b);  // onnx_sequence.cpp
void exportRepeatVector(OnnxBlock& b);
void exportPositionEncoding(OnnxBlock& b);

}  // namespace gradlab::onnx_export
