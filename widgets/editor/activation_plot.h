#pragma once
// ActivationPlot: the selected block's activation f and its derivative f′ over z ∈ [−4, 4], as
// the engine computes them (the cpu backend's actForward and actBackward with ∂L/∂y = 1) — shown
// by the inspector under a block with an activation (curriculum topic 3). Softmax works on a
// whole row, so it gets a sentence instead of a plot.
#include <QWidget>

class QCustomPlot;
class QLabel;

namespace gradlab::widgets {

class ActivationPlot : public QWidget {
  Q_OBJECT
 public:
  explicit ActivationPlot(QWidget* parent = nullptr);
  // "relu", "tanh", ...; empty hides the plot.
  void setActivation(const QString& name);
  QString activation() const { return name_; }
  // The plotted f and f′ at z (tests): NaN where nothing is plotted.
  double valueAt(double z) const;
  double slopeAt(double z) const;

 private:
  QCustomPlot* plot_;
  QLabel* note_;
  QString name_;
  std::vector<double> zs_, fs_, ds_;
};

}  // namespace gradlab::widgets
