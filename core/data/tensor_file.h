#pragma once
// A dataset stored as a safetensors file holding two tensors:
//   x  [N, …]  the samples (x [N] means one value per sample, xShape {1})
//   y  [N]     class indices (classification) or values (regression, yShape {1}),
//      [N, k]  k values per sample (regression, yShape {k})
// Any dtype safetensors knows; values become float32.
//
//   # written by PyTorch (save_file from the safetensors package, or gradlab's own writer)
//   save_file({"x": torch.randn(100, 3), "y": torch.randint(0, 4, (100,))}, "d.safetensors")
//   Dataset d = loadTensorFile("d.safetensors");   // xShape {3}, 4 classes, 100 samples
//
// Classify::Auto: y [N] of whole numbers from 0 to 1000 is class indices (numClasses =
// largest + 1), anything else is regression. Classify::Yes insists on class indices,
// Classify::No always regresses. Errors name the file: a missing x or y, N mismatch, NaN or
// infinite values.
#include <string>

#include "data/dataset.h"
#include "io/safetensors.h"

namespace gradlab {

struct TensorFileOptions {
  Classify classify = Classify::Auto;
};

Dataset loadTensorFile(const std::string& path, const TensorFileOptions& opts = {});
// The same from tensors already read; `source` names them in errors.
Dataset datasetFromTensors(const TensorMap& tensors, const std::string& source, const TensorFileOptions& opts = {});

}  // namespace gradlab
