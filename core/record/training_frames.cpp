#include "record/training_frames.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "train/probes/boundary.h"
#include "train/trainer.h"
#include "util/error.h"

namespace gradlab {

namespace fs = std::filesystem;

namespace {

const cv::Scalar kInk(55, 71, 79), kGrid(241, 239, 236), kAxis(164, 144, 120);
const cv::Scalar kTrain(233, 196, 144), kTest(140, 77, 21);  // light and dark blue (BGR)
// Class colours (BGR): orange and blue as in TensorFlow Playground, then Tableau's.
const cv::Vec3b kClass[] = {{34, 147, 245}, {189, 119, 8},  {44, 160, 44},  {40, 39, 214},
                            {189, 103, 148}, {75, 86, 140}, {194, 119, 227}, {127, 127, 127},
                            {34, 189, 188}, {207, 190, 23}};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

void text(cv::Mat& img, const std::string& s, cv::Point at, double scale = 0.42,
          cv::Scalar colour = kInk) {
  cv::putText(img, s, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
}

// 1, 2 or 5 × 10^k: a step between ticks that gives about `count` ticks over `span`.
double niceStep(double span, int count) {
  const double raw = span / std::max(1, count);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

cv::Vec3b mix(cv::Vec3b a, cv::Vec3b b, double t) {
  cv::Vec3b out;
  for (int k = 0; k < 3; ++k) out[k] = uint8_t(std::lround(a[k] + (b[k] - a[k]) * t));
  return out;
}

// The loss curve in `area`: the step axis over the whole run, the loss axis from 0 to the
// largest loss so far; the training loss averaged per pixel column, the test loss as a line.
void drawLoss(cv::Mat& img, cv::Rect area, int64_t total, const std::vector<std::pair<int64_t, double>>& train,
              const std::vector<std::pair<int64_t, double>>& test) {
  double top = 0;
  for (const auto* curve : {&train, &test})
    for (const auto& [s, l] : *curve)
      if (std::isfinite(l)) top = std::max(top, l);
  if (top <= 0) top = 1;
  const double dy = niceStep(top, 5);
  top = std::ceil(top / dy) * dy;
  auto px = [&](double step) { return area.x + int(std::lround((step / double(total)) * (area.width - 1))); };
  auto py = [&](double loss) { return area.y + area.height - 1 - int(std::lround(loss / top * (area.height - 1))); };
  for (double v = 0; v <= top + dy / 2; v += dy) {
    cv::line(img, {area.x, py(v)}, {area.x + area.width - 1, py(v)}, kGrid, 1);
    text(img, num(v), {area.x - 42, py(v) + 4}, 0.38);
  }
  const double dx = niceStep(double(total), 5);
  for (double s = 0; s <= double(total) + dx / 2; s += dx) {
    cv::line(img, {px(s), area.y + area.height}, {px(s), area.y + area.height + 4}, kAxis, 1);
    const std::string label = num(s);
    text(img, label, {px(s) - 4 * int(label.size()), area.y + area.height + 18}, 0.38);
  }
  cv::line(img, {area.x, area.y}, {area.x, area.y + area.height}, kAxis, 1);
  cv::line(img, {area.x, area.y + area.height}, {area.x + area.width, area.y + area.height}, kAxis, 1);
  text(img, "loss", {area.x - 42, area.y - 10});
  text(img, "step", {area.x + area.width - 30, area.y + area.height + 34});

  // Train: the mean loss of the steps in each pixel column.
  std::vector<cv::Point> line;
  double sum = 0;
  int n = 0, column = -1;
  for (const auto& [s, l] : train) {
    if (!std::isfinite(l)) continue;
    const int x = px(double(s));
    if (x != column && n > 0) line.push_back({column, py(sum / n)}), sum = 0, n = 0;
    column = x, sum += l, ++n;
  }
  if (n > 0) line.push_back({column, py(sum / n)});
  if (line.size() > 1) cv::polylines(img, line, false, kTrain, 1, cv::LINE_AA);
  std::vector<cv::Point> testLine;
  for (const auto& [s, l] : test)
    if (std::isfinite(l)) testLine.push_back({px(double(s)), py(l)});
  if (testLine.size() > 1) cv::polylines(img, testLine, false, kTest, 2, cv::LINE_AA);
  for (const cv::Point& p : testLine) cv::circle(img, p, 2, kTest, cv::FILLED, cv::LINE_AA);
  // Legend.
  const int lx = area.x + area.width - 120, ly = area.y + 12;
  cv::line(img, {lx, ly - 4}, {lx + 20, ly - 4}, kTrain, 2);
  text(img, "train", {lx + 26, ly}, 0.38);
  cv::line(img, {lx, ly + 12}, {lx + 20, ly + 12}, kTest, 2);
  text(img, "test", {lx + 26, ly + 16}, 0.38);
}

// The network's output over the plane (row 0 of the map is the bottom), light, and the
// training points over it.
void drawBoundary(cv::Mat& img, cv::Rect area, const BoundaryProbe& b, const Dataset& train) {
  const GridMap& g = b.output;
  cv::Mat map(g.h, g.w, CV_8UC3);
  const cv::Vec3b white(255, 255, 255);
  if (b.numClasses == 0) {
    const auto [lo, hi] = std::minmax_element(g.values.begin(), g.values.end());
    cv::Mat grey(g.h, g.w, CV_8UC1);
    for (int r = 0; r < g.h; ++r)
      for (int c = 0; c < g.w; ++c)
        grey.at<uint8_t>(g.h - 1 - r, c) = uint8_t(std::lround(
            255.0 * (g.values[size_t(r * g.w + c)] - *lo) / std::max(1e-12f, *hi - *lo)));
    cv::applyColorMap(grey, map, cv::COLORMAP_VIRIDIS);
  } else {
    for (int r = 0; r < g.h; ++r)
      for (int c = 0; c < g.w; ++c) {
        const float v = g.values[size_t(r * g.w + c)];
        cv::Vec3b colour;
        if (b.numClasses <= 2) {  // probability of class 1: orange, white at 0.5, blue
          const double p = std::clamp(double(v), 0.0, 1.0);
          colour = p < 0.5 ? mix(kClass[0], white, p * 2) : mix(white, kClass[1], (p - 0.5) * 2);
        } else {
          colour = kClass[std::clamp(int(v), 0, 9)];
        }
        map.at<cv::Vec3b>(g.h - 1 - r, c) = mix(colour, white, 0.45);
      }
  }
  cv::resize(map, img(area), area.size(), 0, 0, cv::INTER_LINEAR);
  cv::rectangle(img, area, kAxis, 1);
  if (train.xStride() != 2) return;
  const int64_t n = train.size(), stride = std::max<int64_t>(1, n / 600);  // at most ~600 points
  for (int64_t i = 0; i < n; i += stride) {
    const double x = train.x[size_t(2 * i)], y = train.x[size_t(2 * i + 1)];
    const cv::Point p(area.x + int((x - g.x0) / (g.x1 - g.x0) * area.width),
                      area.y + area.height - 1 - int((y - g.y0) / (g.y1 - g.y0) * area.height));
    cv::Scalar fill(90, 90, 90);
    if (train.isClassification()) {
      const cv::Vec3b c = kClass[std::clamp(int(train.y[size_t(i)]), 0, 9)];
      fill = cv::Scalar(c[0], c[1], c[2]);
    }
    cv::circle(img, p, 3, fill, cv::FILLED, cv::LINE_AA);
    cv::circle(img, p, 3, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
  }
}

}  // namespace

TrainingFrames::TrainingFrames(const std::string& dir, int64_t every, int64_t totalSteps)
    : dir_(dir), every_(every), total_(std::max<int64_t>(1, totalSteps)) {
  if (every < 1) throw Error("--frame-every must be at least 1, got " + std::to_string(every));
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (!fs::is_directory(dir_, ec))
    throw Error("--frames " + dir + ": cannot create the folder (" +
                (ec ? ec.message() : std::string("a file of that name is there")) + ")");
}

void TrainingFrames::add(Trainer& trainer, int64_t step, double loss, std::optional<double> testLoss,
                         std::optional<double> testAccuracy) {
  train_.push_back({step, loss});
  if (testLoss) test_.push_back({step, *testLoss});
  if (testAccuracy) lastAccuracy_ = testAccuracy;
  if (step % every_ == 0) draw(trainer);
}

void TrainingFrames::finish(Trainer& trainer) {
  if (!train_.empty() && lastDrawn_ != train_.back().first) draw(trainer);
}

void TrainingFrames::draw(Trainer& trainer) {
  const bool plane = trainer.network().inputShape() == Shape{2};
  const int width = kPlotWidth + (plane ? kBoundarySide + 20 : 0);
  cv::Mat img(kHeight, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const int64_t step = train_.empty() ? 0 : train_.back().first;
  std::string title = "step " + std::to_string(step) + "   train loss " +
                      (train_.empty() ? "-" : num(train_.back().second));
  if (!test_.empty()) title += "   test loss " + num(test_.back().second);
  if (lastAccuracy_) title += "   test accuracy " + num(*lastAccuracy_);
  text(img, title, {12, 22}, 0.5);
  drawLoss(img, cv::Rect(56, 50, kPlotWidth - 76, kHeight - 100), total_, train_, test_);
  if (plane) {
    const nlohmann::json options = {{"grid", 90}};
    const ProbeContext ctx{trainer, options, nullptr, nullptr, nullptr, plotRange(trainer.data()), false};
    const auto b = std::dynamic_pointer_cast<const BoundaryProbe>(measureBoundary(ctx));
    if (b) drawBoundary(img, cv::Rect(kPlotWidth, 30, kBoundarySide, kBoundarySide), *b, trainer.data().train);
  }
  char name[32];
  std::snprintf(name, sizeof name, "frame-%06d.png", frames_ + 1);
  const fs::path file = dir_ / name;
  bool ok = false;
  try {
    ok = cv::imwrite(file.string(), img);
  } catch (const cv::Exception&) {
  }
  if (!ok) throw Error(file.string() + ": writing the frame failed; is the disk full?");
  ++frames_;
  lastDrawn_ = step;
}

}  // namespace gradlab
