#pragma once
// Snapshot: what the training worker publishes for the views — an immutable value.
//
// The worker (train/session.h) fills a fresh Snapshot after some steps and swaps it in under a
// mutex; the window's timer takes the newest one at up to 60 Hz and hands it to the open views.
// Nothing in a Snapshot changes after it is published, so views read it without locks.
//
//   auto snap = session.snapshot();          // std::shared_ptr<const Snapshot>
//   if (snap->serial != lastSerial) plot(snap->metrics);
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "train/trainer.h"

namespace gradlab {

// Loss and accuracy at one step: train and test, measured in evaluation mode.
// Accuracy is NaN where the task is not classification; test values NaN without a test set.
// While training runs, a point measures at most the first kLiveEvalSamples of each set, so that
// the curve moves on big data sets too (`sampled` then says so); once training stops, the
// last point is measured on every sample.
inline constexpr int64_t kLiveEvalSamples = 2000;
struct MetricPoint {
  int64_t step = 0;
  double epoch = 0;
  double trainLoss = 0, testLoss = 0;
  double trainAcc = 0, testAcc = 0;
  bool sampled = false;  // measured on the first kLiveEvalSamples of a bigger set
};

// A function sampled on a regular w × h grid over [x0, x1] × [y0, y1]; values row-major with
// y growing with the row (row 0 is y0).
struct GridMap {
  int w = 0, h = 0;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::vector<float> values;
};

// The network's output over the plane of a 2-D dataset (TF-Playground style).
//   binary tasks (one output, or two classes): values = probability of class 1 in [0, 1]
//   more classes: values = the predicted class index (0, 1, 2, ...)
//   regression with one output: the raw output
struct BoundaryProbe {
  GridMap output;
  int numClasses = 0;  // 0 = regression
  // Per hidden block (asked for by id): one map per neuron (the block's output units).
  std::map<std::string, std::vector<GridMap>> neurons;
};

// The network's fit of a 1-D regression: prediction at xs.
struct FitProbe {
  std::vector<double> xs, ys;
};

// Confusion matrix on the test set (or the training set when there is no test set).
struct ConfusionProbe {
  int numClasses = 0;
  bool onTest = true;
  std::vector<int64_t> counts;  // row = true class, column = predicted, row-major
  struct Miss {
    int64_t index = 0;  // sample index in the evaluated set
    int truth = 0, predicted = 0;
    float confidence = 0;  // softmax probability of the predicted class
  };
  std::vector<Miss> misses;  // the first few misclassified samples
};

// Gradient flow: how large the gradient of the loss is at each layer's weights after the last
// step, input side first — the view that shows gradients vanishing (or exploding) with depth.
// A layer's size is the RMS of ∂L/∂W over its weights, √(Σ g² / n), so that layers of
// different sizes compare; blocks whose only parameters are not penalised (batch norm's γ, β)
// count those. history keeps every measurement since the weights were drawn (thinned).
struct GradientProbe {
  struct Layer {
    std::string block, type;  // "h1", "Dense"
    int64_t weights = 0;      // elements measured
    double gradRms = 0;       // √(Σ (∂L/∂w)² / n)
    double weightRms = 0;     // √(Σ w² / n), for the ratio
  };
  int64_t step = 0;  // the step whose gradients these are (≥ 1)
  std::vector<Layer> layers;
  // The backpropagated signal: per block, the RMS of ∂L/∂(its output) over the last training
  // batch — what flows back along the block's outgoing edges (the canvas colours them by it).
  std::map<std::string, double> signal;
  struct Point {
    int64_t step = 0;
    std::vector<double> gradRms;  // parallel to layers
  };
  std::vector<Point> history;
};

// Inside one block for one sample (the Inside view): feature maps, gates, masks, filters.
// A picture is one tensor without its batch extent: [C, H, W] images, [T, F] sequences (time
// first), [F] vectors; the weights are whole ([O, C, kH, kW] filters, [out, in] matrices).
struct TensorPicture {
  std::string name;  // "input", "output", "pre", "gates.f", "cell", "mask", "weights"
  Shape shape;
  std::vector<float> values;  // row-major
  // From the first sample of the last training batch rather than the chosen sample: what
  // exists only while training (dropout's mask).
  bool training = false;
};
struct InsideProbe {
  std::string block, type;  // "c1", "Conv2D"
  int64_t sample = 0;       // index in the set shown
  bool onTest = true;       // test set, or training set where there is none
  int truth = -1, predicted = -1;  // classification; -1 otherwise
  TensorPicture input;             // the sample as the network sees it
  std::vector<TensorPicture> pictures;  // output, internals, training-only ones, weights
};

// The loss landscape around the current weights θ and the path the weights took, seen from
// above (train/landscape.h says how the plane is chosen). x runs along d₁ (towards where the
// path started), y along d₂ (the path's main sideways direction), both in units of ‖Δθ‖.
struct LandscapeProbe {
  GridMap loss;                       // L(θ + x·d₁ + y·d₂), evaluation mode, on up to 256 samples
  std::vector<double> pathX, pathY;   // the path's points, oldest first; the newest is (0, 0)
  std::vector<int64_t> pathSteps;     // the step of each point
  double explained = 0;  // share of the path's squared distance from θ that lies in the plane
  double lossHere = 0;   // at θ, on the same samples
  int64_t samples = 0;   // how many: the first of the training set
  int64_t step = 0;
  int64_t weights = 0;   // trainable parameters
  std::string why;       // when there is no surface: why, and what to do
};

// The optimizer race (TrainingSession::race): each optimizer's path from the same start over
// the loss on the plane of the paths' two principal directions; the start is (0, 0).
struct RaceProbe {
  struct Runner {
    std::string optimizer;  // "adam"
    double lr = 0;          // its default learning rate
    std::vector<double> x, y;  // the path, from the start
    double finalLoss = 0;      // on the race's samples after the last step (NaN: diverged)
  };
  GridMap loss;
  std::vector<Runner> runners;
  int64_t fromStep = 0;  // the training step the race started from
  int64_t steps = 0;     // each runner's
  double explained = 0;  // share of the paths' squared distance from the start in the plane
  int64_t samples = 0;
};

// What the open views ask the worker to compute.
struct ProbeRequest {
  bool boundary = false;
  std::vector<std::string> neuronBlocks;  // hidden blocks whose neuron maps to compute
  bool fit = false;
  bool confusion = false;
  bool gradients = false;
  bool landscape = false;
  std::string inside;         // block whose insides to show (InsideProbe); empty: none
  int64_t insideSample = 0;   // the sample, in the test set (the training set without one)
  int gridSize = 100;
  bool any() const {
    return boundary || fit || confusion || gradients || landscape || !inside.empty();
  }
  bool operator==(const ProbeRequest&) const = default;
};

struct Snapshot {
  uint64_t serial = 0;         // grows with each publish
  bool ready = false;          // a trainer exists (network valid and data loaded)
  bool running = false;        // playing
  int64_t step = 0;
  double epoch = 0;
  double stepsPerSecond = 0;   // measured over the last second
  double lastBatchLoss = 0;
  TrainConfig config;          // as applied
  std::string backend;         // "CPU (Eigen, 2 threads)"
  std::string error;           // why there is no trainer (data does not fit the network, ...)
  std::string message;         // divergence and other notices for the user

  std::vector<MetricPoint> metrics;  // history, thinned to at most a few thousand points
  std::shared_ptr<const Split> data; // the data being trained on

  // Probes are shared between snapshots until recomputed (publishing copies no grids).
  std::shared_ptr<const BoundaryProbe> boundary;
  std::shared_ptr<const FitProbe> fit;
  std::shared_ptr<const ConfusionProbe> confusion;
  std::shared_ptr<const GradientProbe> gradients;
  std::shared_ptr<const InsideProbe> inside;
  std::shared_ptr<const LandscapeProbe> landscape;
  std::shared_ptr<const RaceProbe> race;  // the last race, until the weights move on
};

}  // namespace gradlab
