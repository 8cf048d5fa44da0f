#pragma once
// ReconstructionView (autoencoders, curriculum topic 19): eight test samples (from the one chosen
// in the toolbar on) above what the network reconstructs from them, with each one's mean squared
// error — the code in the middle forces the network to keep what matters, so blurry
// reconstructions of a narrow code show what it kept. Comes to the front for data whose targets are its inputs (--reconstruct).
#include <QLabel>
#include <QSpinBox>
#include <QStringList>
#include <QToolBar>
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
    toolbar()->addWidget(new QLabel(tr("From sample "), this));
    first_ = new QSpinBox(this);
    first_->setObjectName("reconstructionFirst");
    first_->setToolTip(tr("The first of the eight test samples shown (the training set's when "
                          "there is no test set)"));
    first_->setRange(0, 0);
    toolbar()->addWidget(first_);
    connect(first_, &QSpinBox::valueChanged, this, [this] { emit probesChanged(); });
    grid_ = new PictureGrid(this);
    body()->addWidget(grid_, 1);
    setNote(tr("Train an autoencoder (targets = inputs) to see its reconstructions here."));
  }

  void addProbes(ProbeRequest& request) const override {
    request.ask<ReconstructionProbe>({{"count", kCount}, {"first", first_->value()}});
  }
  void setData(const Split& data, const QString&) override {
    const Dataset& d = data.test.size() > 0 ? data.test : data.train;
    first_->setMaximum(int(std::max<int64_t>(0, d.size() - kCount)));
  }
  QSpinBox* firstSample() const { return first_; }
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
    setNote(tr("Step %L1: %2 samples %3 to %4 (top) and their reconstructions (below); mean "
               "squared error %5 (each: %6).")
                .arg(s.step)
                .arg(r->onTest ? tr("test") : tr("training"))
                .arg(r->first)
                .arg(r->first + int64_t(r->errors.size()) - 1)
                .arg(mean, 0, 'g', 3)
                .arg(errors.join(", ")));
    countFrame();
  }

 private:
  static constexpr int kCount = 8;
  QSpinBox* first_;
  PictureGrid* grid_;
  std::shared_ptr<const ReconstructionProbe> shown_;
};

}  // namespace gradlab::widgets
