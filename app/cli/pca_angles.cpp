// gradlab-cli pca-angles NET.json --weights W.safetensors --dataset NAME | --data FILE [--k K]
//                        [--samples N] [--threads T]
// The linear-autoencoder-equals-PCA check (explain/pca.h): the principal angles between the
// column space of the decoder's weight (the last Dense that outputs a whole sample, [d, width])
// and the top K principal components of the training samples (centred; K = the decoder's width
// unless given), their mean cos², the reconstruction MSE of the network beside PCA's with K
// components on the same samples, and how far the network sends the mean sample from itself
// (the biases carry the mean that PCA subtracts).
//   gradlab-cli train examples/linear-autoencoder.net.json --dataset fashion-mnist --reconstruct
//       --steps 1500 --batch 100 --optimizer adam --lr 0.003 --save lin.safetensors
//   gradlab-cli pca-angles examples/linear-autoencoder.net.json --weights lin.safetensors
//       --dataset fashion-mnist
#include <cmath>
#include <cstdio>

#include "backend/backend.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "data/catalog.h"
#include "explain/pca.h"
#include "io/safetensors.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "util/error.h"

namespace gradlab::cli {

namespace {
struct PcaAnglesOptions {
  std::string network, weights, dataset, data;
  int64_t k = 0, samples = 0;
  double testSplit = 0.2;
  uint64_t seed = 0;
  int threads = 1;
};

constexpr double kDegrees = 180.0 / 3.14159265358979323846;

void run(const PcaAnglesOptions& o) {
  if (o.dataset.empty() == o.data.empty())
    throw UsageError("give exactly one of --dataset NAME (a built-in set, e.g. fashion-mnist) or "
                "--data FILE");
  const NetworkSpec spec = loadNetwork(o.network);
  Backend& be = cpuBackend();
  be.setThreads(o.threads);
  Network net(spec, be, DType::F32, 0);
  const Block& dec = decoderDense(net);  // before the weights: a classifier has none to compare
  net.loadWeights(readSafetensors(o.weights), o.weights);
  const int64_t width = dec.params().at(0).value.dim(1);

  DatasetOptions dopt;
  dopt.testFraction = o.testSplit;
  dopt.seed = o.seed;
  const Split split = o.dataset.empty() ? loadDataFile(o.data, dopt) : loadBuiltin(o.dataset, dopt);
  const Pca pca = principalComponents(split.train, o.k > 0 ? o.k : width, o.samples);
  const DecoderPca r = decoderPca(net, pca);
  const MeanCheck m = compareWithPca(net, pca, split.train, o.samples);

  std::printf("decoder: Dense \"%s\", weight [%lld, %lld] of rank %lld\n", r.block.c_str(),
              (long long)pca.dim, (long long)r.width, (long long)r.rank);
  std::printf("PCA of %lld training samples of %s (centred): the top %lld components hold %.3f "
              "of the variance\n",
              (long long)pca.samples, split.train.name.c_str(), (long long)pca.count(),
              pca.explained());
  std::printf("principal angles (degrees):");
  for (double a : r.angles) std::printf(" %.1f", a * kDegrees);
  std::printf("\nmean cos² of the principal angles: %.4f\n", r.meanCos2);
  std::printf("reconstruction MSE on these samples: network %.6g, PCA with %lld components "
              "%.6g\n",
              m.networkMse, (long long)pca.count(), m.pcaMse);
  std::printf("the mean sample comes back off by RMS %.4g (PCA subtracts the mean; the "
              "network's biases carry it)\n",
              m.meanOffRms);
}
}  // namespace

void addPcaAngles(CLI::App& app, int& exitCode) {
  static PcaAnglesOptions o;
  auto* cmd = app.add_subcommand(
      "pca-angles", "Principal angles between an autoencoder's decoder and the data's top "
                    "principal components (a linear autoencoder finds PCA's subspace)");
  cmd->add_option("network", o.network, "network file (*.net.json)")->required();
  cmd->add_option("--weights", o.weights, "the trained weights (safetensors)")->required();
  cmd->add_option("--dataset", o.dataset, "built-in dataset (e.g. fashion-mnist): its training set");
  cmd->add_option("--data", o.data, "your data file: its training part");
  addNumber(cmd, "--k", o.k, Range{0, 1e6, true},
            "principal components to compare with (0: the decoder's width)")
      ->default_val(0);
  addNumber(cmd, "--samples", o.samples, kSamples, "the first N training samples (0: all)")->default_val(0);
  addNumber(cmd, "--test-split", o.testSplit, kFraction, "--data: the fraction held out (as train's)")
      ->default_val(0.2);
  addNumber(cmd, "--seed", o.seed, kSeed, "--data: the split's seed (as train's)")->default_val(0);
  addNumber(cmd, "--threads", o.threads, kThreads, "cpu threads")->default_val(1);
  cmd->callback([&exitCode] {
    run(o);
    exitCode = 0;
  });
}

}  // namespace gradlab::cli
