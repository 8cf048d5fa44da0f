#pragma once
// Landscape directions: filter-normalised random directions (Li, Xu, Taylor, Studer &
// Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018, §4), the plane the
// "filter" landscape is drawn on.
//
// A direction d is drawn like the weights θ (one Gaussian N(0, 1) number per trainable weight,
// from a fixed seed), then every parameter tensor of rank ≥ 2 — a Dense weight [out, in], a
// Conv2D weight [O, C, kH, kW], a recurrent weight [gates·H, in] — is rescaled filter by filter,
// a filter being one slice along its first (output) dimension:
//   dᵢ ← dᵢ · ‖θᵢ‖ / (‖dᵢ‖ + 1e-10)          (the authors' net_plotter.normalize_direction)
// Tensors of rank ≤ 1 (biases, BatchNorm's scale and shift) get a zero direction: the paper's
// "ignore biasbn" (its plots' --xignore biasbn, net_plotter.normalize_directions_for_weights),
// chosen because a bias or BN scale perturbed by ±‖θᵢ‖ (a single number's own size) moves the
// loss far more than a filter does and would dominate the picture; the filters carry the
// shape of the landscape the paper compares across networks.
//
//   FilterDirections f = filterDirections(trainableLayout(net), flatWeights(net), 7);
//   // f.raw1/raw2: the draw; f.d1/f.d2: normalised; θ + a·d1 + b·d2, a, b in [−1, 1]
#include <cstdint>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "network/network.h"

namespace gradlab {

// Where each trainable parameter tensor lies in the flat vector of trainable weights
// (landscape.h flatWeights: network order).
struct ParamSlice {
  std::string name;  // "h1.weight"
  Shape shape;       // PyTorch's layout
  size_t offset = 0, size = 0;
};
std::vector<ParamSlice> trainableLayout(Network& net);

// d ← filter-normalised d for the weights θ (both flat, as `layout` lays them out): the
// formula above, rank ≤ 1 tensors zeroed.
void filterNormalise(std::vector<double>& d, const std::vector<float>& theta,
                     const std::vector<ParamSlice>& layout);

struct FilterDirections {
  std::vector<double> raw1, raw2;  // the Gaussian draw, first all of d₁, then all of d₂
  std::vector<double> d1, d2;      // filter-normalised
};
// Two directions drawn from `seed` (the same seed, the same directions) and normalised.
FilterDirections filterDirections(const std::vector<ParamSlice>& layout,
                                  const std::vector<float>& theta, uint64_t seed);

// The network's filter directions from `seed` per tensor, as host tensors of its shape (F64):
// "raw1.<name>", "raw2.<name>" (the draw), "d1.<name>", "d2.<name>" (normalised) and
// "theta.<name>" (the weights) — what gradlab-cli landscape --dump-directions writes, for a
// re-implementation to check (tests/parity/filter_directions_ref.py).
TensorMap filterDirectionTensors(Network& net, uint64_t seed);

}  // namespace gradlab
