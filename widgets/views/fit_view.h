#pragma once
// FitView: for 1-D regression, the true function (grey), the training data (blue), the test
// data (orange, hollow) and the network's fit (red) as it learns.
#include "train/probes/fit.h"
#include "views/view.h"

class QCPGraph;

namespace gradlab::widgets {

class FitView : public View {
  Q_OBJECT
 public:
  explicit FitView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override { request.ask<FitProbe>(); }
  void setData(const Split&, const QString& builtin) override { setFunctionName(builtin); }
  bool suits(const Split& data) const override {
    return data.train.xShape == Shape{1} && !data.train.isClassification();
  }
  QCustomPlot* plot() const override { return plot_; }
  // The built-in function's name ("fn-sine"), for the true curve; empty for other data.
  void setFunctionName(const QString& name) { function_ = name; data_ = nullptr; }
  int fitPoints() const;

 private:
  QCustomPlot* plot_;
  QCPGraph *target_, *train_, *test_, *fit_;
  QString function_;
  const void* data_ = nullptr;
  const FitProbe* probe_ = nullptr;
};

}  // namespace gradlab::widgets
