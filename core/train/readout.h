#pragma once
// Readout: what one row of the loss block's output says, the same for training and every view.
//   cross_entropy  row = logits z:   predicted = argmax z,  P(class 1) = σ(z₁ − z₀) for 2 classes
//   bce_logits     row = [z]:        predicted = [z > 0],   P(class 1) = σ(z)
//   bce            row = [p]:        predicted = [p > 0.5], P(class 1) = p
//   mse            row = values:     value = row[0] with one output, else argmax
// A row is one sample's output, or one step's class scores where cross_entropy reads a
// [T, classes] output (one class per time step).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "network/network.h"

namespace gradlab {

struct Readout {
  LossKind kind;
  int64_t k;                  // outputs per row
  int64_t rowsPerSample = 1;  // T for per-step classes, else 1

  explicit Readout(Network& net) : kind(net.lossKind()) {
    const Shape& out = net.outputShape();
    k = kind == LossKind::CrossEntropy && out.size() == 2 ? out.back() : numel(out);
    rowsPerSample = numel(out) / std::max<int64_t>(1, k);
  }
  Readout(LossKind kind, int64_t k) : kind(kind), k(k) {}

  // Probability of class 1 (binary), class index (more classes), or the raw value (regression).
  template <class T>
  float value(const T* row) const {
    if (kind == LossKind::CrossEntropy) {
      if (k == 2) return float(1.0 / (1.0 + std::exp(double(row[0]) - double(row[1]))));
      return float(std::max_element(row, row + k) - row);
    }
    if (kind == LossKind::BceLogits && k == 1) return float(1.0 / (1.0 + std::exp(-double(row[0]))));
    if (k == 1) return float(row[0]);
    return float(std::max_element(row, row + k) - row);
  }
  // The class the row predicts.
  template <class T>
  int predicted(const T* row) const {
    if (k == 1) return row[0] > (kind == LossKind::BceLogits ? T(0) : T(0.5)) ? 1 : 0;
    return int(std::max_element(row, row + k) - row);
  }
  // The probability of the predicted class.
  template <class T>
  float confidence(const T* row) const {
    if (k == 1) {
      const double p = kind == LossKind::BceLogits ? 1.0 / (1.0 + std::exp(-double(row[0])))
                                                   : double(row[0]);
      return float(p > 0.5 ? p : 1 - p);
    }
    if (kind != LossKind::CrossEntropy) return float(*std::max_element(row, row + k));
    const double mx = double(*std::max_element(row, row + k));
    double sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += std::exp(double(row[i]) - mx);
    return float(1.0 / sum);
  }
};

}  // namespace gradlab
