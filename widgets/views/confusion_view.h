#pragma once
// ConfusionView: for classification, the confusion matrix on the test set (rows: true class,
// columns: predicted; counts in the cells) and a grid of misclassified test examples — images
// shown as images, other samples as their numbers — each with its true and predicted class.
#include <QStringList>

#include "train/probes/confusion.h"
#include "views/view.h"

class QCPColorMap;
class QCPItemText;

namespace gradlab::widgets {

class MissGrid;

class ConfusionView : public View {
  Q_OBJECT
 public:
  explicit ConfusionView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override { request.ask<ConfusionProbe>(); }
  bool suits(const Split& data) const override { return data.train.isClassification(); }
  QCustomPlot* plot() const override { return plot_; }
  int64_t total() const { return total_; }
  int misses() const;
  QStringList classLabels() const;  // the matrix's row labels, in order (empty: no matrix)

 private:
  void clear();  // no matrix, no examples: for data without classes, and before other data

  QCustomPlot* plot_;
  QCPColorMap* map_;
  std::vector<QCPItemText*> labels_;
  MissGrid* grid_;
  const ConfusionProbe* probe_ = nullptr;
  const Split* data_ = nullptr;  // the data the matrix shows (identity only)
  int k_ = 0;
  int64_t total_ = 0;
};

}  // namespace gradlab::widgets
