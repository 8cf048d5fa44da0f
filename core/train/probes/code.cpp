#include "train/probes/code.h"

#include <Eigen/Dense>
#include <algorithm>

#include "train/trainer.h"
#include "util/error.h"

namespace gradlab {

namespace {
constexpr int64_t kPcaSamples = 10000;  // training samples the data's PCA is computed from
constexpr int64_t kPcaMaxDim = 1024;    // larger samples: no angles (a d×d covariance, O(d³))
constexpr int64_t kBatch = 500;

// The data's PCA for the decoder angles: the last result's while the data is the same.
std::shared_ptr<const Pca> dataPca(const ProbeContext& ctx, const Dataset& train, int64_t k) {
  auto last = std::dynamic_pointer_cast<const CodeProbe>(ctx.last);
  if (last && last->dataPca && last->pcaOf == static_cast<const void*>(train.x.data()) &&
      last->pcaSamples == train.size() && last->dataPca->count() == k)
    return last->dataPca;
  return std::make_shared<const Pca>(principalComponents(train, k, kPcaSamples));
}

// The decoder's principal angles to the training data's components, or why there are none.
void addAngles(const ProbeContext& ctx, const Dataset& train, CodeProbe& r) {
  const Network& net = ctx.trainer.network();
  const int64_t d = train.xStride();
  if (d > kPcaMaxDim) {
    r.anglesWhy = "no principal angles for samples of more than " + std::to_string(kPcaMaxDim) +
                  " values (gradlab-cli pca-angles computes them)";
    return;
  }
  const Block* dec = nullptr;
  try {
    dec = &decoderDense(net);
  } catch (const Error& e) {
    r.anglesWhy = e.what();
    return;
  }
  const int64_t k = dec->params().at(0).value.dim(1);
  if (k > d) {
    r.anglesWhy = "the decoder is wider than a sample: nothing to compare with PCA";
    return;
  }
  r.dataPca = dataPca(ctx, train, k);
  r.pcaOf = train.x.data();
  r.pcaSamples = train.size();
  r.decoder = decoderPca(net, *r.dataPca);
  r.hasAngles = true;
}
}  // namespace

std::string narrowestBlock(const std::vector<CodeProbe::Choice>& choices,
                           const std::string& lossBlock) {
  const CodeProbe::Choice* best = nullptr;
  for (const auto& c : choices)
    if (c.block != lossBlock && (!best || c.width < best->width)) best = &c;
  return best ? best->block : std::string();
}

// Codes c₁…c_n (rows), centred by their mean c̄; the top two eigenvectors u₁, u₂ of
// (1/n) Σ (cᵢ − c̄)(cᵢ − c̄)ᵀ; point i = ((cᵢ − c̄)·u₁, (cᵢ − c̄)·u₂).
double projectCodes(const std::vector<float>& codes, int64_t n, int64_t w, std::vector<float>& xs,
                    std::vector<float>& ys) {
  using Matrix = Eigen::MatrixXd;
  const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>
      c(codes.data(), n, w);
  const Matrix centred = c.cast<double>().rowwise() - c.cast<double>().colwise().mean();
  const Matrix cov = centred.transpose() * centred / double(std::max<int64_t>(1, n));
  const Eigen::SelfAdjointEigenSolver<Matrix> eig(cov);
  Matrix u(w, 2);
  for (int i = 0; i < 2; ++i) {
    u.col(i) = eig.eigenvectors().col(w - 1 - i);
    Eigen::Index at = 0;
    u.col(i).cwiseAbs().maxCoeff(&at);
    if (u(at, i) < 0) u.col(i) = -u.col(i);
  }
  const Matrix p = centred * u;
  xs.resize(size_t(n));
  ys.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    xs[size_t(i)] = float(p(i, 0));
    ys[size_t(i)] = float(p(i, 1));
  }
  const double total = eig.eigenvalues().sum();
  return total > 0 ? (eig.eigenvalues()(w - 1) + eig.eigenvalues()(w - 2)) / total : 1.0;
}

std::shared_ptr<const ProbeResult> measureCode(const ProbeContext& ctx) {
  Trainer& trainer = ctx.trainer;
  Network& net = trainer.network();
  const Split& data = trainer.data();
  auto r = std::make_shared<CodeProbe>();
  for (const auto& b : net.blocks())
    if (b->type() != "Input") r->choices.push_back({b->id(), numel(b->outShape())});
  r->onTest = data.test.size() > 0;
  const Dataset& d = r->onTest ? data.test : data.train;
  const int64_t n = std::min<int64_t>(std::clamp(ctx.options.value("count", 1000), 1, 5000),
                                      d.size());
  if (n == 0 || r->choices.empty()) return nullptr;

  const std::string asked = ctx.options.value("block", std::string());
  r->block = asked.empty() ? narrowestBlock(r->choices, net.lossBlock()) : asked;
  const Block* block = net.block(r->block);
  if (!block) {
    r->why = "There is no block \"" + r->block + "\" — choose one of the network's blocks.";
    return r;
  }
  r->width = numel(block->outShape());

  // The codes of the first n samples, in batches.
  std::vector<float> codes;
  codes.reserve(size_t(n * r->width));
  for (int64_t begin = 0; begin < n; begin += kBatch) {
    const int64_t m = std::min(kBatch, n - begin);
    net.forward(trainer.makeInput(d, begin, m), /*training=*/false);
    const std::vector<float> out = net.output(r->block).toHostF32();
    codes.insert(codes.end(), out.begin(), out.end());
  }
  if (r->width <= 2) {
    for (int64_t i = 0; i < n; ++i) {
      r->xs.push_back(codes[size_t(i * r->width)]);
      r->ys.push_back(r->width == 2 ? codes[size_t(i * 2 + 1)] : 0.0f);
    }
  } else {
    r->projected = true;
    r->explained = projectCodes(codes, n, r->width, r->xs, r->ys);
  }

  // Classes: the targets of a classifier, or the labels an autoencoder's data kept.
  r->labels.assign(size_t(n), -1);
  if (d.isClassification()) {
    for (int64_t i = 0; i < n; ++i) r->labels[size_t(i)] = int(d.y[size_t(i)]);
    r->classes = d.numClasses;
    r->classNames = d.classNames;
  } else if (int64_t(d.labels.size()) >= n) {
    std::copy(d.labels.begin(), d.labels.begin() + n, r->labels.begin());
    r->classes = int(d.labelNames.size());
    for (int label : r->labels) r->classes = std::max(r->classes, label + 1);
    r->classNames = d.labelNames;
  }

  const bool autoencoder = !d.isClassification() && d.yShape == d.xShape && d.x == d.y;
  if (autoencoder && data.train.size() >= 2) addAngles(ctx, data.train, *r);
  return r;
}

}  // namespace gradlab
