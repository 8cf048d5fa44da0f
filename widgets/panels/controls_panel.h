#pragma once
// ControlsPanel: the transport (Play/Pause, Step, Step epoch, Reset — the window's actions,
// with their shortcuts Space, S, R), the step counter, the speed (one step per second to flat
// out; the "Flat out" button switches between the pace set and flat out) and the hyperparameters that may change while training runs: optimizer, learning rate,
// regularisation and its rate, the seed, random labels (Zhang et al. 2017), early stopping's
// patience and the backend.
#include <QWidget>

#include "train/snapshot.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
class QToolButton;

namespace gradlab::widgets {

class ControlsPanel : public QWidget {
  Q_OBJECT
 public:
  ControlsPanel(QAction* play, QAction* step, QAction* epoch, QAction* reset,
                QWidget* parent = nullptr);
  // Disconnects the fields: a field that loses the focus as the window closes must not commit
  // into a panel whose members are gone.
  ~ControlsPanel() override;

  // Optimizer, lr, l1/l2, seed, random labels, early stopping from the fields into `config`
  // (batch etc. untouched).
  TrainConfig applyTo(TrainConfig config) const;
  void setConfig(const TrainConfig& config);
  double speed() const;                 // steps per second; 0 = flat out
  void setSpeed(double stepsPerSecond);
  QString backendName() const;
  void showSnapshot(const Snapshot& snap);

  QComboBox* learningRate() const { return lr_; }
  QToolButton* flatOutButton() const { return flatOut_; }
  QCheckBox* randomLabels() const { return randomLabels_; }
  QSpinBox* earlyStopping() const { return patience_; }

 signals:
  void configChanged();
  void speedChanged(double stepsPerSecond);
  void backendChanged(const QString& name);

 private:
  void commitLr();
  void updateSpeedLabel();

  QComboBox *optimizer_, *lr_, *reg_, *regRate_, *backend_;
  QSpinBox *seed_, *patience_;
  QCheckBox* randomLabels_;
  QSlider* speed_;
  QToolButton* flatOut_;
  int paceBefore_ = -1;  // the slider's position before "Flat out" was pressed
  QLabel *speedLabel_, *counter_, *rate_;
  QLabel* lrError_;  // what is wrong with a typed learning rate, under the field
  double lastLr_ = 0.03;
};

}  // namespace gradlab::widgets
