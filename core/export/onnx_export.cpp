#include "export/onnx_export.h"

#include <onnx/checker.h>

#include <set>

#include "blocks/registry.h"
#include "export/onnx_graph.h"
#include "spec/analysis.h"
#include "util/error.h"
#include "util/file.h"

namespace gradlab {

using onnx_export::OnnxBlock;
using onnx_export::OnnxGraph;

namespace {

// ONNX's IR version 6 is the one released with opset 11 (ONNX 1.6): readers of that age take it.
constexpr int64_t kIrVersion = 6;

onnx_export::OnnxExporter exporterFor(const std::string& type) {
  for (const auto& t : onnx_export::onnxBlockTypes())
    if (type == t.type) return t.exporter;
  return nullptr;
}

std::string exportableList() {
  std::string out;
  for (const auto& t : onnx_export::onnxBlockTypes()) out += (out.empty() ? "" : ", ") + std::string(t.type);
  return out;
}

// Refuses, before anything is built, a network with problems beyond its loss, a block the table
// lacks (naming every one) and weights that are missing or of another shape.
void checkExportable(const NetworkSpec& spec, const Analysis& a, const TensorMap& weights,
                     const OnnxExportOptions& options) {
  if (!a.runsWithoutLoss()) {
    std::vector<Problem> blocking;
    for (const auto& p : a.problems)
      if (!p.aboutLoss) blocking.push_back(p);
    throw Error("the network cannot be exported while it has problems — fix them first:\n" +
                describe(blocking));
  }
  if (options.batch < 0)
    throw Error("the batch size to export must be 0 (dynamic) or positive, got " +
                std::to_string(options.batch));
  std::string refused;
  for (const auto& id : a.order) {
    const BlockSpec* b = spec.find(id);
    if (!exporterFor(b->type)) refused += (refused.empty() ? "" : ", ") + ("\"" + id + "\" (" + b->type + ")");
  }
  if (!refused.empty())
    throw Error("cannot be exported to ONNX: block " + refused + " — ONNX export handles " +
                exportableList() + "; replace or remove the block to export this network");
  for (const auto& id : a.order) {
    const BlockSpec* b = spec.find(id);
    const BlockInfo* info = findBlockType(b->type);
    for (const ParamDecl& d : info->paramDecls(*b, a.inShapes.at(id))) {
      const std::string name = id + "." + d.name;
      auto it = weights.find(name);
      if (it == weights.end())
        throw Error("the weights have no tensor \"" + name + "\" " + toString(d.shape) +
                    " — export with the network's own weights (gradlab-cli train --save writes them)");
      if (it->second.shape != d.shape || it->second.values.size() != size_t(numel(d.shape)))
        throw Error("the weights' tensor \"" + name + "\" is " + toString(it->second.shape) +
                    ", but block \"" + id + "\" needs " + toString(d.shape) +
                    " — were these weights saved for another network?");
    }
  }
}

// [batch, ...shape] as a float tensor's type: the batch a named (dynamic) or a fixed extent.
void setFloatType(onnx::ValueInfoProto& v, const std::string& name, const Shape& shape,
                  int64_t batch) {
  v.set_name(name);
  onnx::TypeProto_Tensor* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* s = t->mutable_shape();
  if (batch > 0) s->add_dim()->set_dim_value(batch);
  else s->add_dim()->set_dim_param("batch");
  for (int64_t d : shape) s->add_dim()->set_dim_value(d);
}

}  // namespace

std::vector<std::string> onnxExportableTypes() {
  std::vector<std::string> out;
  for (const auto& t : onnx_export::onnxBlockTypes()) out.emplace_back(t.type);
  return out;
}

std::string exportOnnx(const NetworkSpec& spec, const TensorMap& weights,
                       const OnnxExportOptions& options) {
  const Analysis a = analyze(spec);
  checkExportable(spec, a, weights, options);

  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("Gradlab");
  model.set_doc_string("Gradlab network \"" + spec.name + "\" in evaluation mode (Dropout is the "
                       "identity, BatchNorm uses its running statistics)");
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name(spec.name.empty() ? "gradlab" : spec.name);
  OnnxGraph writer(graph);

  setFloatType(*graph.add_input(), a.inputBlock, a.outShapes.at(a.inputBlock), options.batch);
  std::set<std::string> read;  // blocks some block reads
  for (const auto& [id, from] : a.inputs) read.insert(from.begin(), from.end());
  for (const auto& id : a.order) {
    const BlockSpec& b = *spec.find(id);
    OnnxBlock block{writer, b, a.inputs.count(id) ? a.inputs.at(id) : std::vector<std::string>{},
                    a.inShapes.count(id) ? a.inShapes.at(id) : std::vector<Shape>{},
                    a.outShapes.at(id), weights, options};
    exporterFor(b.type)(block);
    if (b.type != "Input" && (!read.count(id) || id == spec.loss.block))
      setFloatType(*graph.add_output(), id, a.outShapes.at(id), options.batch);
  }

  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw Error(std::string("ONNX's checker refused the exported model, so nothing was written "
                            "(an exporter bug — please report it with the network file): ") +
                e.what());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes))
    throw Error("the ONNX model could not be serialised (over protobuf's 2 GB limit?)");
  return bytes;
}

void writeOnnx(const std::string& path, const NetworkSpec& spec, const TensorMap& weights,
               const OnnxExportOptions& options) {
  writeFileAtomically(path, exportOnnx(spec, weights, options));
}

}  // namespace gradlab
