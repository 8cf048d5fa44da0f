#include "explain/pca.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace gradlab {

namespace {
using Matrix = Eigen::MatrixXd;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// An orthonormal basis of a's column space (a [d, p]): the first rank columns of Q from a QR
// decomposition with column pivoting (a rank-deficient decoder has fewer than p directions).
Matrix columnBasis(const Matrix& a) {
  Eigen::ColPivHouseholderQR<Matrix> qr(a);
  const Eigen::Index r = qr.rank();
  Matrix q = qr.householderQ() * Matrix::Identity(a.rows(), r);
  return q;
}
}  // namespace

double Pca::explained() const {
  double kept = 0;
  for (double v : variances) kept += v;
  return totalVariance > 0 ? kept / totalVariance : 0.0;
}

// C = (1/n) Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ, summed in chunks of centred rows (in double); its top k
// eigenpairs are the components and their variances.
Pca principalComponents(const Dataset& data, int64_t k, int64_t limit) {
  const int64_t d = data.xStride();
  const int64_t n = limit > 0 ? std::min(limit, data.size()) : data.size();
  if (n < 2)
    throw Error("PCA of " + data.name + " needs at least 2 samples, it has " +
                std::to_string(n));
  if (k < 1 || k > d)
    throw Error("PCA of " + data.name + ": " + std::to_string(k) +
                " components asked, a sample has " + std::to_string(d) + " values — ask for 1 to " +
                std::to_string(d));
  Pca p;
  p.dim = d;
  p.samples = n;
  Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(
      data.x.data(), n, d);
  const Eigen::RowVectorXd mu = x.cast<double>().colwise().mean();
  Matrix cov = Matrix::Zero(d, d);
  constexpr int64_t kChunk = 2048;
  for (int64_t r = 0; r < n; r += kChunk) {
    const int64_t m = std::min(kChunk, n - r);
    const Matrix c = x.middleRows(r, m).cast<double>().rowwise() - mu;
    cov.selfadjointView<Eigen::Lower>().rankUpdate(c.transpose());
  }
  cov = cov.selfadjointView<Eigen::Lower>();
  cov /= double(n);
  Eigen::SelfAdjointEigenSolver<Matrix> eig(cov);
  if (eig.info() != Eigen::Success)
    throw Error("PCA of " + data.name + ": the eigen decomposition of the covariance failed");
  // Eigenvalues come in increasing order: the last k are the top k.
  p.mean.assign(mu.data(), mu.data() + d);
  p.totalVariance = eig.eigenvalues().sum();
  p.components.resize(size_t(k * d));
  for (int64_t i = 0; i < k; ++i) {
    const Eigen::Index col = d - 1 - i;
    p.variances.push_back(std::max(0.0, eig.eigenvalues()(col)));
    for (int64_t j = 0; j < d; ++j) p.components[size_t(i * d + j)] = eig.eigenvectors()(j, col);
  }
  return p;
}

// cos θᵢ = σᵢ(Q_aᵀ Q_b), the singular values, largest first → angles smallest first.
std::vector<double> principalAngles(const std::vector<double>& a, int64_t p,
                                    const std::vector<double>& b, int64_t q, int64_t d) {
  if (int64_t(a.size()) != d * p || int64_t(b.size()) != d * q)
    throw Error("principal angles: the matrices do not hold d×p and d×q values");
  const Matrix qa = columnBasis(Eigen::Map<const RowMatrix>(a.data(), d, p));
  const Matrix qb = columnBasis(Eigen::Map<const RowMatrix>(b.data(), d, q));
  const Eigen::JacobiSVD<Matrix> svd(qa.transpose() * qb);
  std::vector<double> angles;
  for (Eigen::Index i = 0; i < svd.singularValues().size(); ++i)
    angles.push_back(std::acos(std::clamp(svd.singularValues()(i), 0.0, 1.0)));
  return angles;
}

const Block& decoderDense(const Network& net) {
  const int64_t size = numel(net.inputShape());
  const Block* found = nullptr;
  for (const auto& b : net.blocks())
    if (b->type() == "Dense" && numel(b->outShape()) == size) found = b.get();
  if (!found)
    throw Error("the network has no decoder to compare with PCA: its last Dense block must output "
                "a whole sample (" + std::to_string(size) + " values, as the Input " +
                toString(net.inputShape()) + ") — end the network with Dense " +
                std::to_string(size) + " (and a Reshape back to the Input's shape if needed)");
  return *found;
}

DecoderPca decoderPca(const Network& net, const Pca& pca) {
  const Block& dec = decoderDense(net);
  const Tensor& w = dec.params().at(0).value;  // [d, k], PyTorch's Linear layout [out, in]
  DecoderPca r;
  r.block = dec.id();
  r.width = w.dim(1);
  if (w.dim(0) != pca.dim)
    throw Error("decoder \"" + r.block + "\" outputs " + std::to_string(w.dim(0)) +
                " values, the principal components have " + std::to_string(pca.dim));
  const std::vector<double> wv = w.toHost();
  // The components as columns: [d, k] row-major from the [k, d] rows.
  const int64_t k = pca.count(), d = pca.dim;
  std::vector<double> b(size_t(d * k));
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < d; ++j) b[size_t(j * k + i)] = pca.components[size_t(i * d + j)];
  r.rank = Eigen::ColPivHouseholderQR<Matrix>(Eigen::Map<const RowMatrix>(wv.data(), d, r.width))
               .rank();
  r.angles = principalAngles(wv, r.width, b, k, d);
  double sum = 0;
  for (double a : r.angles) sum += std::cos(a) * std::cos(a);
  r.meanCos2 = sum / double(k);
  return r;
}

MeanCheck compareWithPca(Network& net, const Pca& pca, const Dataset& data, int64_t limit) {
  const int64_t d = data.xStride();
  if (d != numel(net.inputShape()) || numel(net.outputShape()) != d)
    throw Error("comparing with PCA needs an autoencoder: its output as large as its input (" +
                std::to_string(d) + " values)");
  const int64_t n = limit > 0 ? std::min(limit, data.size()) : data.size();
  Backend& be = net.backend();
  auto run = [&](const float* x, int64_t m) {
    Tensor xb = be.empty(withBatch(m, net.inputShape()), net.dtype());
    xb.fromHost(std::span<const float>(x, size_t(m * d)));
    net.forward(xb, /*training=*/false);
    return net.output(net.lossBlock()).toHostF32();
  };
  MeanCheck c;
  double se = 0;
  constexpr int64_t kBatch = 500;
  for (int64_t r = 0; r < n; r += kBatch) {
    const int64_t m = std::min(kBatch, n - r);
    const float* x = data.x.data() + r * d;
    const std::vector<float> y = run(x, m);
    for (int64_t i = 0; i < m * d; ++i) se += double(y[size_t(i)] - x[i]) * double(y[size_t(i)] - x[i]);
  }
  c.networkMse = se / double(n * d);
  double kept = 0;
  for (double v : pca.variances) kept += v;
  c.pcaMse = std::max(0.0, pca.totalVariance - kept) / double(d);
  const std::vector<float> mu(pca.mean.begin(), pca.mean.end());
  const std::vector<float> y = run(mu.data(), 1);
  double off = 0;
  for (int64_t j = 0; j < d; ++j) off += double(y[size_t(j)] - mu[size_t(j)]) * double(y[size_t(j)] - mu[size_t(j)]);
  c.meanOffRms = std::sqrt(off / double(d));
  return c;
}

}  // namespace gradlab
