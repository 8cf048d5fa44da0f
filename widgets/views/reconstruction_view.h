#pragma once
// ReconstructionView (autoencoders, curriculum topic 19): the first test samples above what the
// network reconstructs from them, with each one's mean squared error — the code in the middle
// forces the network to keep what matters, so blurry reconstructions of a narrow code show
// what it kept. Comes to the front for data whose targets are its inputs (--reconstruct).
#include <QStringList>
#include <QVBoxLayout>
#include <numeric>

#include "train/probes/reconstruction.h"
#include "views/picture_grid.h"
#include "views/view.h"

namespace gradlab::widgets {

class ReconstructionView : public View {
  Q_OBJECT
 public:
  explicit ReconstructionView(QWidget* parent = nullptr) : View(tr("Reconstruction"), parent) {
    setObjectName("reconstructionView");
    grid_ = new PictureGrid(this);
    body()->addWidget(grid_, 1);
    setNote(tr("Train an autoencoder (targets = inputs) to see its reconstructions here."));
  }

  void addProbes(ProbeRequest& request) const override {
    request.ask<ReconstructionProbe>({{"count", 8}});
  }
  bool suits(const Split& data) const override {
    return !data.train.isClassification() && data.train.yShape == data.train.xShape &&
           data.train.xShape.size() == 3;
  }
  PictureGrid* pictures() const { return grid_; }

  void showSnapshot(const Snapshot& s) override {
    auto r = s.shared<ReconstructionProbe>();
    if (r == shown_) return;
    shown_ = r;
    if (!r || !r->why.empty()) {
      setNote(tr("Step %L1.").arg(s.step));
      grid_->setPictures({}, !s.ready ? tr("Fix the network's problems to see its reconstructions.")
                             : r      ? QString::fromStdString(r->why)
                                      : tr("Step or Play: reconstructions show here."));
      return;
    }
    grid_->setPictures({r->inputs, r->outputs}, QString());
    QStringList errors;
    for (double e : r->errors) errors << QString::number(e, 'g', 2);
    const double mean = std::accumulate(r->errors.begin(), r->errors.end(), 0.0) /
                        double(std::max<size_t>(1, r->errors.size()));
    setNote(tr("Step %L1: the first %2 %3 samples (top) and their reconstructions (below); mean "
               "squared error %4 (each: %5).")
                .arg(s.step)
                .arg(r->errors.size())
                .arg(r->onTest ? tr("test") : tr("training"))
                .arg(mean, 0, 'g', 3)
                .arg(errors.join(", ")));
    countFrame();
  }

 private:
  PictureGrid* grid_;
  std::shared_ptr<const ReconstructionProbe> shown_;
};

}  // namespace gradlab::widgets
