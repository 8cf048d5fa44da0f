#pragma once
// CodeView (autoencoders, curriculum topic 19): every test sample as a point where the network
// puts it in its code — the output of the narrowest block, or of the block chosen in the
// toolbar —, coloured by class. A 2-unit code is drawn as it is, a wider one by its projection on
// its top two principal components. Classes the network was never told about (an autoencoder
// trains on pictures alone) still gather in clusters. For an autoencoder with a Dense decoder,
// a line under the plot gives the principal angles between the decoder's column space and the
// top principal components of the training data: a linear autoencoder finds PCA's subspace.
#include <QLabel>
#include <memory>

#include "train/probes/code.h"
#include "views/view.h"

class QComboBox;
class QCPGraph;

namespace gradlab::widgets {

class CodeView : public View {
  Q_OBJECT
 public:
  explicit CodeView(QWidget* parent = nullptr);

  void addProbes(ProbeRequest& request) const override;
  void setNetwork(const NetworkSpec& spec, const Analysis& analysis) override;
  void showSnapshot(const Snapshot& s) override;
  QCustomPlot* plot() const override { return plot_; }

  // The block chosen in the toolbar; empty: the narrowest.
  QString block() const;
  void setBlock(const QString& id);
  QComboBox* blocks() const { return blocks_; }
  QString anglesText() const { return angles_->text(); }
  int pointsShown() const;

 private:
  void draw(const CodeProbe& r);

  QComboBox* blocks_;
  QCustomPlot* plot_;
  QLabel* angles_;
  std::vector<QCPGraph*> graphs_;
  std::shared_ptr<const CodeProbe> shown_;
};

}  // namespace gradlab::widgets
