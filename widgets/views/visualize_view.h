#pragma once
// VisualizeView (curriculum topic 21): what a unit or a class responds to — the input that
// maximises a Conv2D filter's mean activation or a class's score, grown from noise by gradient
// ascent with Olah et al.'s regularisers (jitter, L2 decay, blur: explain/visualize.h).
//   Target: "Classes" or a block with feature maps; Class/Channel: which one; "All": a grid of
//   every class (or the block's first 16 channels). Visualize starts it; it runs on a
//   BackgroundJob from a copy of the weights (TrainingSession::weights(), polled, never waited
//   for) on a cpu Network of its own, with progress and Cancel — training goes on meanwhile.
// A picture is made when asked, never every frame: it shows the weights of the step it names.
#include <QWidget>
#include <future>
#include <vector>

#include "explain/visualize.h"
#include "train/background_job.h"
#include "views/view.h"

class QCheckBox;
class QComboBox;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace gradlab::widgets {

// One visualised target: its picture and caption.
struct VisualTile {
  Visualization picture;
  QString title;    // "Sneaker", "c1 channel 3"
  QString caption;  // "score −0.4 → 18.2"
};

// The tiles in a grid, each as large as fits, captions beneath.
class VisualizeCanvas : public QWidget {
  Q_OBJECT
 public:
  explicit VisualizeCanvas(QWidget* parent = nullptr);
  void setTiles(std::vector<VisualTile> tiles, const QString& emptyText);
  const std::vector<VisualTile>& tiles() const { return tiles_; }
  QSize sizeHint() const override { return {760, 400}; }

 protected:
  void paintEvent(QPaintEvent* e) override;

 private:
  std::vector<VisualTile> tiles_;
  QString emptyText_;
};

class VisualizeView : public View {
  Q_OBJECT
 public:
  static constexpr int kMaxChannels = 16;  // "All" channels of a block: the first 16

  explicit VisualizeView(QWidget* parent = nullptr);
  ~VisualizeView() override;
  void showSnapshot(const Snapshot& snap) override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void setData(const Split& data, const QString& builtin) override;

  // The target: an empty block means the classes; index is the class or the channel.
  void setTarget(const QString& block, int index, bool all = false);
  void setSteps(int steps);
  // Starts a visualisation for the current weights (what the Visualize button does); false and
  // a note saying why when it cannot.
  bool visualize();
  void cancel();
  bool busy() const;  // waiting for the weights or running
  VisualizeCanvas* canvas() const { return canvas_; }

 signals:
  void finished();  // a visualisation finished and is drawn (not after a cancel or a failure)

 private:
  void updateTargets();
  void updateIndexRange();
  void startJob(TensorMap weights);
  void poll();
  QString className(int c) const;

  QComboBox* target_;
  QSpinBox* index_;
  QCheckBox* all_;
  QSpinBox* steps_;
  QPushButton* go_;
  QProgressBar* progress_;
  VisualizeCanvas* canvas_;
  QTimer* poll_;

  NetworkSpec spec_;
  Analysis analysis_;
  bool specValid_ = false;
  std::vector<std::string> classNames_;
  int classes_ = 0;
  std::future<TensorMap> weights_;
  bool waiting_ = false;  // for the weights
  int64_t jobStep_ = 0;   // the step whose weights are visualised
  std::vector<VisualizeTarget> jobTargets_;
  BackgroundJob<std::vector<Visualization>> job_;
};

}  // namespace gradlab::widgets
