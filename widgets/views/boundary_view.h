#pragma once
// BoundaryView: for 2-D datasets, the network's output over the plane as a 100×100 heatmap
// (class 1 blue, class 0 orange, the boundary where they meet) with the training points and
// the test points (outlined), as TensorFlow Playground shows it. Below, the neuron maps of the
// hidden block under the mouse on the canvas (or selected).
#include "train/probes/boundary.h"
#include "views/view.h"

class QCPColorMap;
class QCPColorScale;
class QCPGraph;

namespace gradlab::widgets {

class NeuronMaps;

class BoundaryView : public View {
  Q_OBJECT
 public:
  explicit BoundaryView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  // The hidden blocks with a flat output get neuron maps.
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void pointAt(const QString& block, bool hovered) override;
  bool suits(const Split& data) const override;
  QCustomPlot* plot() const override { return plot_; }
  // The block whose neuron maps show (hovered or selected on the canvas).
  void setNeuronBlock(const QString& id);
  // Shows the neuron maps of that block from `snap` (without waiting for a new snapshot).
  void showNeurons(const Snapshot& snap);
  NeuronMaps* neuronMaps() const { return maps_; }
  // A checksum of the heatmap (tests: did it change?).
  double heatmapChecksum() const;

 private:
  void setPoints(const Split& data);

  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPColorScale* scale_;
  std::vector<QCPGraph*> points_;
  NeuronMaps* maps_;
  QStringList hidden_;
  QString neuronBlock_;
  QAction* showTest_;
  const void* data_ = nullptr;
  int classes_ = -1;
  const BoundaryProbe* probe_ = nullptr;
};

}  // namespace gradlab::widgets
