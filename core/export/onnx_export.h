#pragma once
// ONNX export: a network and its weights as an ONNX model (opset 11, evaluation mode) that other
// tools run — OpenCV's DNN module, onnxruntime, TensorRT. Built with the ONNX library's own
// protobuf classes, checked by onnx::checker before a byte is written, written atomically.
//
//   NetworkSpec spec = loadNetwork("examples/xor-mlp.net.json");
//   Network net(spec, cpuBackend(), DType::F32, /*seed=*/1, LossUse::Optional);
//   writeOnnx("xor.onnx", spec, net.weights());
//   # Python: onnx.checker.check_model(onnx.load("xor.onnx")); the input is named "x",
//   # shaped [batch, 2] with a dynamic batch; the output "out" [batch, 1]
//
// Every block's output is a tensor named by the block's id; its weights are initializers named as
// in the safetensors file ("h1.weight"), or "<id>.W", "<id>.R", "<id>.B" for the recurrent
// blocks, whose gates ONNX orders differently (onnx_recurrent.cpp). The graph's outputs are the
// blocks nothing reads (the loss block's, as a rule). Evaluation mode: Dropout is the identity,
// BatchNorm uses its running statistics. Float32 throughout.
//
// Per block type one function in a table (onnx_blocks.cpp); a block of a type the table lacks is
// refused with an Error naming the block, its type and what ONNX export does handle.
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "spec/network_spec.h"

namespace gradlab {

inline constexpr int kOnnxOpset = 11;

struct OnnxExportOptions {
  // 0: the batch dimension is dynamic (named "batch"). A number fixes it: OpenCV 4.6 reads the
  // recurrent ops only with a fixed batch (its importer builds reshapes from it), and with one
  // the recurrent nodes get their zero initial states as explicit inputs (its GRU needs them).
  int64_t batch = 0;
};

// The serialized ModelProto. Throws Error when the spec has problems (beyond its loss), when a
// weight is missing or of the wrong shape (naming it), or when a block cannot be exported.
std::string exportOnnx(const NetworkSpec& spec, const TensorMap& weights,
                       const OnnxExportOptions& options = {});
// exportOnnx, then written atomically (temporary file and rename): never a half-written file.
void writeOnnx(const std::string& path, const NetworkSpec& spec, const TensorMap& weights,
               const OnnxExportOptions& options = {});
// The block types the exporter handles, in the table's order.
std::vector<std::string> onnxExportableTypes();

}  // namespace gradlab
