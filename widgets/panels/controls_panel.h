#pragma once
// ControlsPanel: the transport (Play/Pause, Step, Step epoch, Reset — the window's actions,
// with their shortcuts Space, S, R), the step counter, the speed (one step per second to flat
// out) and the hyperparameters that may change while training runs: optimizer, learning rate,
// regularisation and its rate, the seed and the backend.
#include <QWidget>

#include "train/snapshot.h"

class QAction;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace gradlab::widgets {

class ControlsPanel : public QWidget {
  Q_OBJECT
 public:
  ControlsPanel(QAction* play, QAction* step, QAction* epoch, QAction* reset,
                QWidget* parent = nullptr);

  // Optimizer, lr, l1/l2, seed from the fields into `config` (batch etc. untouched).
  TrainConfig applyTo(TrainConfig config) const;
  void setConfig(const TrainConfig& config);
  double speed() const;                 // steps per second; 0 = flat out
  void setSpeed(double stepsPerSecond);
  QString backendName() const;
  void showSnapshot(const Snapshot& snap);

  QComboBox* learningRate() const { return lr_; }

 signals:
  void configChanged();
  void speedChanged(double stepsPerSecond);
  void backendChanged(const QString& name);

 private:
  void commitLr();
  void updateSpeedLabel();

  QComboBox *optimizer_, *lr_, *reg_, *regRate_, *backend_;
  QSpinBox* seed_;
  QSlider* speed_;
  QLabel *speedLabel_, *counter_, *rate_;
  double lastLr_ = 0.03;
};

}  // namespace gradlab::widgets
