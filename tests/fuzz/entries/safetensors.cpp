// safetensors files (weights, data sets, `forward --input`): parseSafetensors and its metadata
// reader, and for a file that reads, datasetFromTensors as `--data file.safetensors` uses it
// (each way of classifying), and writing the tensors back, which must read again.
#include <vector>

#include "data/tensor_file.h"
#include "fuzz_entries.h"
#include "fuzz_support.h"
#include "io/safetensors.h"

namespace gradlab::fuzz {

void safetensors(const uint8_t* data, size_t size) {
  const std::vector<char> bytes(data, data + size);
  refusalIsFine([&] { parseSafetensorsMetadata(bytes, "fuzz.safetensors"); });
  refusalIsFine([&] {
    const TensorMap tensors = parseSafetensors(bytes, "fuzz.safetensors");
    for (Classify c : {Classify::Auto, Classify::Yes, Classify::No})
      refusalIsFine([&] { datasetFromTensors(tensors, "fuzz.safetensors", {.classify = c}); });
    // Every tensor read, written back as F64 (which holds every value the reader gives), reads again.
    TensorMap wide = tensors;
    for (auto& [name, t] : wide) t.dtype = DType::F64;
    try {
      parseSafetensors(serializeSafetensors(wide), "saved.safetensors");
    } catch (const Error& e) {
      std::fprintf(stderr, "tensors written back do not read again: %s\n", e.what());
      std::abort();
    }
  });
}

}  // namespace gradlab::fuzz
