#pragma once
// ConvExplainerView (curriculum topics 13 and 14): a kernel slid over a small input one position
// at a time — the cells under it highlighted, each multiply-add with its running sum, the output
// cell filling in — and the same for max and average pooling. Every output cell is the engine's
// (core/explain/conv_walk.h runs Backend::conv2dForward / pool2dForward on the whole input).
//
//   input:  the lecture's 6×6 examples, a region of a sample of the loaded data (a crop of an
//           image), or your own numbers (double-click a cell)
//   kernel: the lecture's, edge, vertical, blur, sharpen, identity, or a filter of the network's
//           Conv2D layer (its weights from the Inside probe, one input channel)
//   size, stride, padding: the output-size formula ⌊(n + 2p − k)/s⌋ + 1 with the numbers in
//   ‹ Back, Step ›, Play (with a speed), Reset
// Under the walk: the parameters a layer would need fully connected, locally connected and as a
// convolution — for the explainer's own example and for the network's Conv2D layer (the canvas
// selection, else the first). The walk is a few dozen numbers: it is computed on the GUI thread.
#include <QStringList>
#include <optional>

#include "explain/conv_walk.h"
#include "train/probes/inside.h"
#include "views/view.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace gradlab::widgets {

class ConvWalkCanvas;

class ConvExplainerView : public View {
  Q_OBJECT
 public:
  enum class Input { Lecture, Sample, Own };  // Lecture: the 6×6 example of the kind shown

  explicit ConvExplainerView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void pointAt(const QString& block, bool hovered) override;
  void setData(const Split& data, const QString& builtin) override;

  // What a lesson, a test or the controls set.
  void setKind(WalkKind kind);           // the lecture's input and window come with it
  void setInput(Input input);
  void setKernel(const QString& name);   // a preset name (presetKernelNames()) or "network"
  void setSizes(int kernel, int stride, int padding);
  void setSampleRegion(int sample, int top, int left, int side);
  void setPosition(int position);        // 0-based; clamped
  void stepForward();
  void stepBack();
  void play(bool on);
  void reset();

  int position() const;
  bool playing() const;
  // The walk shown (null when the settings do not fit: the note says why).
  std::shared_ptr<const ConvWalk> walk() const { return walk_; }
  QString problem() const { return problem_; }
  ConvWalkCanvas* canvas() const { return canvas_; }
  QString countsText() const;  // the parameter counts as shown

 private:
  void rebuild();       // the walk from the settings
  void updateCounts();  // the parameter counts and the formula
  void updateButtons();
  void updateFilterRange();
  Grid currentInput() const;
  std::optional<Grid> networkKernel(QString* why) const;
  WalkKind kind() const;

  QComboBox* kind_;
  QComboBox* input_;
  QComboBox* kernel_;
  QSpinBox* filter_;
  QLabel* filterLabel_;
  QWidget* sampleRow_;
  QSpinBox* size_;
  QSpinBox* stride_;
  QSpinBox* padding_;
  QSpinBox* sample_;
  QSpinBox* top_;
  QSpinBox* left_;
  QSpinBox* side_;
  QPushButton* back_;
  QPushButton* step_;
  QPushButton* play_;
  QPushButton* reset_;
  QSlider* speed_;
  QLabel* formula_;
  QLabel* counts_;
  ConvWalkCanvas* canvas_;
  QTimer* timer_;

  std::shared_ptr<const ConvWalk> walk_;
  QString problem_;
  Grid own_;  // "your numbers", edited by double-clicks
  // The samples a region is cut from: the first test samples (the training set's where there is
  // none), as the Inside view numbers them.
  Dataset samples_;
  // The network's Conv2D layers and the one shown (canvas selection, else the first).
  NetworkSpec spec_;
  Analysis analysis_;
  QStringList convBlocks_;
  QString convBlock_;
  std::shared_ptr<const InsideProbe> inside_;  // the conv layer's weights, when asked for
};

}  // namespace gradlab::widgets
