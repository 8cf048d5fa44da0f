#pragma once
// NeuronMaps: small heatmaps, one per neuron of a hidden block, each the neuron's output over
// the plane of a 2-D dataset (blue positive, orange negative, white zero) — what each unit
// has learnt to detect.
#include <QWidget>

#include "train/probes/probe.h"

namespace gradlab::widgets {

class NeuronMaps : public QWidget {
  Q_OBJECT
 public:
  explicit NeuronMaps(QWidget* parent = nullptr);
  void setMaps(const QString& block, const std::vector<GridMap>* maps);
  int count() const { return int(images_.size()); }
  QSize sizeHint() const override { return {400, 96}; }
  static QImage toImage(const GridMap& g, double scale);

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  QString block_;
  std::vector<QImage> images_;
};

}  // namespace gradlab::widgets
