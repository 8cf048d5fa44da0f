#pragma once
// GradientView: gradient flow. After each step, how large ∂L/∂W is at every layer, input side
// first — bars on a logarithmic axis — and how that changed over the steps, one line per layer
// in the bar's colour. A deep sigmoid network shows its first layers' bars orders of magnitude
// below the last's (vanishing gradients); the note under the title says by how much.
#include <QStringList>

#include "train/probes/gradients.h"
#include "views/view.h"

class QCPAxisRect;
class QCPBars;
class QCPGraph;

namespace gradlab::widgets {

class GradientView : public View {
  Q_OBJECT
 public:
  explicit GradientView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override { request.ask<GradientProbe>(); }
  QCustomPlot* plot() const override { return plot_; }
  void setLogScale(bool on);
  // Layers drawn (bars) and points in the longest history line (tests).
  int layerCount() const { return int(bars_.size()); }
  int historyPoints() const;
  // The bar heights drawn, input side first (tests).
  QVector<double> barValues() const;

 private:
  void setLayers(const GradientProbe& g);
  void clear();
  void draw();  // the shown probe, on the current scale

  QCustomPlot* plot_;
  QCPAxisRect *barsRect_, *historyRect_;
  std::vector<QCPBars*> bars_;
  std::vector<QCPGraph*> lines_;
  QStringList layerIds_;
  QAction* log_;
  std::shared_ptr<const GradientProbe> shown_;
};

}  // namespace gradlab::widgets
