#pragma once
// InsideView: inside one block for one sample — what a CNN's feature maps and filters look
// like for a chosen image, how an LSTM's gates open and close along a sequence, which units a
// dropout mask drops. The block follows the canvas selection (or the chooser); the sample is a
// test sample by number, or the user's own PNG/JPEG dropped on the view (views/image_drop.h) —
// its feature maps, and the prediction with class probabilities. On a Conv1D or MaxPool1D block
// the raw signal, the feature maps over time and the filters' taps are drawn as traces lined up
// in time (what each filter responds to). Pictures: views/picture_grid.h.
#include <QStringList>

#include "train/probes/inside.h"
#include "views/view.h"

class QComboBox;
class QSpinBox;

namespace gradlab::widgets {

class ImageDrop;
class PictureGrid;

class InsideView : public View {
  Q_OBJECT
 public:
  explicit InsideView(QWidget* parent = nullptr);
  void showSnapshot(const Snapshot& snap) override;
  void addProbes(ProbeRequest& request) const override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void pointAt(const QString& block, bool hovered) override;
  // The network's blocks that can be looked into (all but the input), in network order.
  void setBlocks(const QStringList& ids);
  // Shows this block (a canvas selection); ignored when it is not one of setBlocks'.
  void setBlock(const QString& id);
  void setSample(int index);
  QString block() const;
  PictureGrid* pictures() const { return grid_; }
  ImageDrop* imageDrop() const { return drop_; }


 private:
  QComboBox* blocks_;
  QSpinBox* sample_;
  PictureGrid* grid_;
  ImageDrop* drop_;
  QString dropMessage_;  // why the last dropped file could not be used
  std::shared_ptr<const InsideProbe> shown_;
};

}  // namespace gradlab::widgets
