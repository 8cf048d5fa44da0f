#pragma once
// TrainingFrames: a headless run (gradlab-cli train … --frames DIR) drawn as a sequence of PNG
// frames for slides: every N steps one picture of the loss curve so far and, for 2-D data, the
// decision boundary with the training points over it. Drawn with OpenCV (core has no Qt):
//
//   ┌ step 200 · train loss 0.31 · test loss 0.35 · test accuracy 0.88 ──────────────┐
//   │ loss ▲  train (light, every step)           │  the network's output over the    │
//   │      │  test  (dark, at each evaluation)    │  plane: two classes orange→blue,  │
//   │      └────────────────────────▶ step        │  more: each class its colour      │
//   └─────────────────────────────────────────────┴───────────────────────────────────┘
//
// The step axis spans the whole run from the first frame on, so the curve grows frame by
// frame; the loss axis fits the losses so far.
//
//   TrainingFrames frames("frames/", 25, 1000);      // throws Error when DIR can't be made
//   after each step:  frames.add(trainer, r.step, r.loss, test);   // test: at evaluations
//   frames.finish(trainer);                           // the last step's frame, if not drawn
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gradlab {

class Trainer;

class TrainingFrames {
 public:
  static constexpr int kPlotWidth = 480, kHeight = 400, kBoundarySide = 360;

  // Frames go to DIR/frame-000001.png, … every `every` steps of a run of `totalSteps`.
  TrainingFrames(const std::string& dir, int64_t every, int64_t totalSteps);

  // After training step `step` with the batch's loss; `testLoss`/`testAccuracy` when the test
  // set was evaluated at this step. Draws a frame when the step is due (runs the network in
  // evaluation mode for the boundary; the weights stay as they were). Throws Error on a failed write.
  void add(Trainer& trainer, int64_t step, double loss, std::optional<double> testLoss = {},
           std::optional<double> testAccuracy = {});
  // The last step's frame, when it was not due (an early stop, or steps not a multiple of N).
  void finish(Trainer& trainer);
  int frames() const { return frames_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void draw(Trainer& trainer);

  std::filesystem::path dir_;
  int64_t every_, total_;
  std::vector<std::pair<int64_t, double>> train_, test_;  // (step, loss)
  std::optional<double> lastAccuracy_;
  int64_t lastDrawn_ = -1;
  int frames_ = 0;
};

}  // namespace gradlab
