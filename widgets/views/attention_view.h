#pragma once
// AttentionView (sequence to sequence, curriculum topic 20): the attention weights of an
// Attention block for one test sample as a heatmap — rows are the output steps (the queries),
// columns the input steps (the keys), each row's weights summing to 1. On the reverse task the
// anti-diagonal appears as the decoder learns to look at input step T−1−t for output step t.
// The axes carry the sample's symbols: the input's along the bottom, the targets (and wrong
// predictions, "C≠B") down the side. The toolbar picks the sample and, with several, the block.
// It suits data with a class per step (a sequence-to-sequence task), after the confusion matrix.
#include <QStringList>

#include "train/probes/attention.h"
#include "views/view.h"

class QCPColorMap;
class QComboBox;
class QSpinBox;

namespace gradlab::widgets {

class AttentionView : public View {
  Q_OBJECT
 public:
  explicit AttentionView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  bool suits(const Split& data) const override;
  QCustomPlot* plot() const override { return plot_; }

  // For tests: what is drawn (empty before the first result).
  const AttentionProbe* shown() const { return shown_.get(); }
  void setSample(int sample);

 private:
  void recolour();

  QCustomPlot* plot_;
  QCPColorMap* map_;
  QSpinBox* sample_;
  QComboBox* block_;
  std::shared_ptr<const AttentionProbe> shown_;
};

}  // namespace gradlab::widgets
