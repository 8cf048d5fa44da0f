#include "views/inside_view.h"

#include <QComboBox>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolBar>
#include <QVBoxLayout>

#include "views/picture_grid.h"

namespace gradlab::widgets {

InsideView::InsideView(QWidget* parent) : View(tr("Inside"), parent) {
  setObjectName("insideView");
  toolbar()->addWidget(new QLabel(tr("Block "), this));
  blocks_ = new QComboBox(this);
  blocks_->setObjectName("insideBlock");
  blocks_->setToolTip(tr("The block to look into (or select it on the canvas)"));
  blocks_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  toolbar()->addWidget(blocks_);
  toolbar()->addWidget(new QLabel(tr("  Sample "), this));
  sample_ = new QSpinBox(this);
  sample_->setObjectName("insideSample");
  sample_->setToolTip(tr("Which test sample goes through the network (the training set's when "
                         "there is no test set)"));
  sample_->setRange(0, 0);
  toolbar()->addWidget(sample_);
  grid_ = new PictureGrid(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(grid_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  body()->addWidget(scroll);
  connect(blocks_, &QComboBox::currentTextChanged, this, [this] { emit probesChanged(); });
  connect(sample_, &QSpinBox::valueChanged, this, [this] { emit probesChanged(); });
  setNote(tr("Press Step or Play: each block's output for one sample shows here."));
}

QString InsideView::block() const { return blocks_->currentText(); }

void InsideView::addProbes(ProbeRequest& r) const {
  if (block().isEmpty()) return;
  r.ask<InsideProbe>({{"block", block().toStdString()}, {"sample", sample_->value()}});
}

void InsideView::setNetwork(const NetworkSpec& spec, const Analysis&) {
  QStringList ids;
  for (const auto& b : spec.blocks)
    if (b.type != "Input") ids << QString::fromStdString(b.id);
  const QString before = block();
  setBlocks(ids);
  if (block() != before) emit probesChanged();
}

void InsideView::pointAt(const QString& id, bool hovered) {
  if (!hovered) setBlock(id);
}

void InsideView::setBlocks(const QStringList& ids) {
  QStringList now;
  for (int i = 0; i < blocks_->count(); ++i) now << blocks_->itemText(i);
  if (now == ids) return;
  const QString keep = block();
  QSignalBlocker quiet(blocks_);
  blocks_->clear();
  blocks_->addItems(ids);
  // The block shown stays where it still exists; else the first one after the input.
  blocks_->setCurrentIndex(std::max(0, int(ids.indexOf(keep))));
}

void InsideView::setBlock(const QString& id) {
  const int i = blocks_->findText(id);
  if (i >= 0) blocks_->setCurrentIndex(i);
}

void InsideView::setSample(int index) { sample_->setValue(index); }

void InsideView::showSnapshot(const Snapshot& s) {
  if (s.data) {
    const Dataset& d = s.data->test.size() > 0 ? s.data->test : s.data->train;
    sample_->setMaximum(int(std::max<int64_t>(0, d.size() - 1)));
  }
  if (s.shared<InsideProbe>() == shown_) return;
  shown_ = s.shared<InsideProbe>();
  const InsideProbe* p = shown_.get();
  if (!p) {
    grid_->setPictures({}, !s.ready ? tr("Fix the network's problems to look inside it.")
                                    : tr("Choose a block to look into."));
    return;
  }
  std::vector<TensorPicture> pictures{p->input};
  pictures.insert(pictures.end(), p->pictures.begin(), p->pictures.end());
  grid_->setPictures(std::move(pictures), QString());
  QString note = tr("Step %L1: %2 (%3) on %4 sample %5")
                     .arg(s.step)
                     .arg(QString::fromStdString(p->block), QString::fromStdString(p->type),
                          p->onTest ? tr("test") : tr("training"))
                     .arg(p->sample);
  if (p->truth >= 0 && s.data) {
    const auto& names = (p->onTest ? s.data->test : s.data->train).classNames;
    auto name = [&](int c) {
      return c >= 0 && c < int(names.size()) ? QString::fromStdString(names[size_t(c)])
                                             : QString::number(c);
    };
    note += p->truth == p->predicted ? tr(": a %1, predicted correctly.").arg(name(p->truth))
                                     : tr(": a %1, predicted %2.").arg(name(p->truth), name(p->predicted));
  } else {
    note += ".";
  }
  setNote(note);
  countFrame();
}

}  // namespace gradlab::widgets
