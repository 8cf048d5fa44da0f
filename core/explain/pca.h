#pragma once
// Principal components, principal angles, and the linear autoencoder that finds PCA's subspace
// (curriculum topic 19; Baldi & Hornik 1989).
//
// A linear autoencoder x̂ = W₂(W₁x + b₁) + b₂ with a code of k units, trained on the mean
// squared error, reaches its minimum when the column space of the decoder's weight W₂ [d, k]
// is the span of the top k principal components of the training data (the eigenvectors of its
// covariance with the k largest eigenvalues). The weights themselves are not the components —
// any invertible mix of them reconstructs as well — so the check compares subspaces: the
// principal angles θ₁ ≤ … ≤ θ_k between them, cos θᵢ = the singular values of Q_Wᵀ·Q_PCA for
// orthonormal bases Q of both. All θ = 0 (mean cos² = 1) is equality.
//
// The mean: PCA centres the data (subtracts the mean sample μ); the autoencoder has no such
// step, its biases carry the mean instead (at the optimum x̂(μ) = μ). So the components come
// from centred data, the angles ignore the biases, and decoderPca reports how far the network
// sends μ from itself.
//
//   Pca pca = principalComponents(split.train, 16);          // top 16, of centred data
//   DecoderPca r = decoderPca(net, pca, split.train);        // angles, mean cos², MSEs
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "network/network.h"

namespace gradlab {

struct Pca {
  int64_t dim = 0;                  // features d of a sample
  int64_t samples = 0;              // samples n it was computed from
  std::vector<double> mean;         // μ [d]
  std::vector<double> variances;    // the k largest eigenvalues of the covariance, largest first
  std::vector<double> components;   // [k, d] row-major: component i is row i (unit length)
  double totalVariance = 0;         // trace of the covariance (Σ of every eigenvalue)
  int64_t count() const { return int64_t(variances.size()); }
  // The share of the variance the components hold: Σ variances / totalVariance.
  double explained() const;
};

// The top k principal components of the first `limit` samples of x (all when limit is 0; each
// sample flattened to d features), from the covariance (1/n) Σ (x − μ)(x − μ)ᵀ and Eigen's
// SelfAdjointEigenSolver. Throws Error when k is not in [1, d] or there are fewer than 2 samples.
Pca principalComponents(const Dataset& data, int64_t k, int64_t limit = 0);

// The principal angles (radians, smallest first) between the column spaces of a [d, p] and
// b [d, q] (both row-major): min(rank a, rank b) angles.
std::vector<double> principalAngles(const std::vector<double>& a, int64_t p,
                                    const std::vector<double>& b, int64_t q, int64_t d);

// The decoder of an autoencoder: the last Dense block whose output has as many values as a
// sample; throws Error saying what is missing otherwise.
const Block& decoderDense(const Network& net);

struct DecoderPca {
  std::string block;             // the decoder's Dense block
  int64_t width = 0;             // its input: k columns of its weight [d, k]
  int64_t rank = 0;              // the rank of that weight
  std::vector<double> angles;    // principal angles to the top components, radians, ascending
  double meanCos2 = 0;           // Σ cos² θᵢ / (number of components); a missing rank counts 0
};

// The principal angles between the decoder's column space and pca's components.
DecoderPca decoderPca(const Network& net, const Pca& pca);

struct MeanCheck {
  double networkMse = 0;  // the network's mean squared reconstruction error on the samples
  double pcaMse = 0;      // PCA's with pca.count() components: Σ of the other eigenvalues / d
  double meanOffRms = 0;  // RMS of x̂(μ) − μ: how well the biases carry the mean
};

// Runs the network (evaluation mode, batches of up to 500) over the first `limit` samples (all
// when 0) and over the mean sample; compares with what PCA reaches on the same samples.
MeanCheck compareWithPca(Network& net, const Pca& pca, const Dataset& data, int64_t limit = 0);

}  // namespace gradlab
