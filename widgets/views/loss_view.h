#pragma once
// LossView: loss (left axis) and accuracy (right axis, classification only) over the steps,
// on the training and the test set, with a log-scale toggle for the loss and a moving average.
// With early stopping on, a vertical line marks the best step (the lowest test loss so far:
// the weights an early stop keeps).
#include "views/view.h"

class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCheckBox;

namespace gradlab::widgets {

class LossView : public View {
  Q_OBJECT
 public:
  explicit LossView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  QCustomPlot* plot() const override { return plot_; }
  void setLogScale(bool on);
  void setSmoothing(bool on);
  // Points plotted of the training loss (tests).
  int pointCount() const;
  // The step the best-step line marks; -1 when none is shown (tests).
  int64_t markedBestStep() const;

 private:
  void rebuild(const std::vector<MetricPoint>& m);
  void append(const MetricPoint& p);
  void markBest(const Snapshot& snap);

  QCustomPlot* plot_;
  QCPGraph *trainLoss_, *testLoss_, *trainAcc_, *testAcc_;
  QCPItemStraightLine* bestLine_;
  QCPItemText* bestLabel_;
  int64_t bestStep_ = -1;
  bool stoppedEarly_ = false;
  QAction *log_, *smooth_;
  int64_t lastStep_ = -1;
  size_t lastCount_ = 0;
  int64_t firstStep_ = -1;
  bool haveAcc_ = false;
  double ema_[4] = {0, 0, 0, 0};
  bool emaInit_[4] = {false, false, false, false};
  const void* data_ = nullptr;
};

}  // namespace gradlab::widgets
