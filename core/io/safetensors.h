#pragma once
// safetensors: an 8-byte little-endian header length N, N bytes of JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {...}},
// then the raw little-endian data. Weights use PyTorch's names and layouts (<block id>.<param>),
// so a file loads into the equivalent PyTorch module with load_state_dict.
// The reader treats its input as hostile: every size and offset is checked before use.
//
//   TensorMap w;
//   w["h1.weight"] = {{4, 2}, DType::F32, std::vector<double>(8, 0.1)};  // as Linear(2, 4).weight
//   writeSafetensors("xor.safetensors", w);
//   TensorMap r = readSafetensors("xor.safetensors");          // r["h1.weight"].shape == {4, 2}
//   # Python: torch.nn.Linear(2, 4).load_state_dict({"weight": ...}) from the same file
#include <map>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace gradlab {

// A tensor on the host, for files. Values are kept as double whatever the file's dtype.
struct HostTensor {
  Shape shape;
  DType dtype = DType::F32;  // the dtype written to / read from the file
  std::vector<double> values;
};

using TensorMap = std::map<std::string, HostTensor>;

// Reads F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL tensors (integers become doubles).
// Throws Error naming the file and the place ("w.safetensors: tensor \"h1.weight\": ...").
TensorMap readSafetensors(const std::string& path);
TensorMap parseSafetensors(const std::vector<char>& bytes, const std::string& source);
// The header's "__metadata__" strings (empty when there are none); checks the header like
// parseSafetensors does.
std::map<std::string, std::string> parseSafetensorsMetadata(const std::vector<char>& bytes,
                                                            const std::string& source);
// Writes atomically; each tensor in its own dtype (F32 or F64), tensors in name order, the
// header padded with spaces to a multiple of 8 bytes as the Python library does.
// Throws Error when a tensor's values don't match its shape.
void writeSafetensors(const std::string& path, const TensorMap& tensors,
                      const std::map<std::string, std::string>& metadata = {});
std::vector<char> serializeSafetensors(const TensorMap& tensors,
                                       const std::map<std::string, std::string>& metadata = {});

}  // namespace gradlab
