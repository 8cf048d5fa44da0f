#include "views/inside_view.h"

#include <QComboBox>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolBar>
#include <QVBoxLayout>
#include <numeric>

#include "views/image_drop.h"
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
  toolbar()->addSeparator();
  drop_ = new ImageDrop(this, toolbar());
  grid_ = new PictureGrid(this);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(grid_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  body()->addWidget(scroll);
  connect(blocks_, &QComboBox::currentTextChanged, this, [this] { emit probesChanged(); });
  connect(sample_, &QSpinBox::valueChanged, this, [this] {
    drop_->clear();  // a sample of the data set again
    dropMessage_.clear();
    emit probesChanged();
  });
  connect(drop_, &ImageDrop::changed, this, [this] {
    dropMessage_.clear();
    emit probesChanged();
  });
  connect(drop_, &ImageDrop::failed, this, [this](const QString& m) {
    dropMessage_ = m;
    setNote(tr("Your image cannot be used: %1").arg(m));
  });
  setNote(tr("Press Step or Play: each block's output for one sample shows here. Drop a PNG or "
             "JPEG here to see inside the network for your own image."));
}

QString InsideView::block() const { return blocks_->currentText(); }

void InsideView::addProbes(ProbeRequest& r) const {
  if (block().isEmpty()) return;
  nlohmann::json o = {{"block", block().toStdString()}};
  if (drop_->active())
    o["image"] = drop_->values();
  else
    o["sample"] = sample_->value();
  r.ask<InsideProbe>(std::move(o));
}

void InsideView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  auto in = analysis.outShapes.find(analysis.inputBlock);
  if (in != analysis.outShapes.end()) drop_->setInputShape(in->second);
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
    setMaximum(sample_, int(std::max<int64_t>(0, d.size() - 1)));
  }
  if (s.shared<InsideProbe>() == shown_) return;
  shown_ = s.shared<InsideProbe>();
  const InsideProbe* p = shown_.get();
  if (!p || !p->why.empty()) {
    grid_->setPictures({}, !s.ready ? tr("Fix the network's problems to look inside it.")
                           : p      ? QString::fromStdString(p->why)
                                    : tr("Choose a block to look into."));
    return;
  }
  std::vector<TensorPicture> pictures{p->input};
  pictures.insert(pictures.end(), p->pictures.begin(), p->pictures.end());
  // A 1-D convolution's signals and feature maps read best as traces lined up in time.
  grid_->setTraces(p->type == "Conv1D" || p->type == "MaxPool1D");
  grid_->setPictures(std::move(pictures), QString());
  std::vector<std::string> names;
  if (s.data) names = (p->onTest ? s.data->test : s.data->train).classNames;
  auto name = [&](int c) {
    return c >= 0 && c < int(names.size()) ? QString::fromStdString(names[size_t(c)])
                                           : QString::number(c);
  };
  QString note = tr("Step %L1: %2 (%3) on ").arg(s.step).arg(QString::fromStdString(p->block),
                                                              QString::fromStdString(p->type));
  if (p->ownImage) {
    note += drop_->image() ? tr("your image %1 (%2×%3%4)")
                                 .arg(drop_->fileName())
                                 .arg(drop_->image()->fileWidth)
                                 .arg(drop_->image()->fileHeight)
                                 .arg(drop_->image()->inverted ? tr(", inverted") : QString())
                           : tr("your image");
  } else {
    note += tr("%1 sample %2").arg(p->onTest ? tr("test") : tr("training")).arg(p->sample);
  }
  if (p->predicted >= 0 && !p->probabilities.empty()) {
    // The prediction with the most probable classes: "predicted Sneaker 87 %, Sandal 9 %, …".
    std::vector<int> order(p->probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return p->probabilities[size_t(a)] > p->probabilities[size_t(b)];
    });
    QStringList top;
    for (size_t i = 0; i < std::min<size_t>(3, order.size()); ++i)
      top << tr("%1 %2 %").arg(name(order[i])).arg(100.0 * p->probabilities[size_t(order[i])], 0, 'f', 1);
    note += p->truth >= 0 ? tr(": a %1, predicted %2.").arg(name(p->truth), top.join(", "))
                          : tr(": predicted %1.").arg(top.join(", "));
  } else if (p->truth >= 0) {
    note += p->truth == p->predicted ? tr(": a %1, predicted correctly.").arg(name(p->truth))
                                     : tr(": a %1, predicted %2.").arg(name(p->truth), name(p->predicted));
  } else if (p->predicted >= 0) {
    note += tr(": predicted %1.").arg(name(p->predicted));
  } else {
    note += ".";
  }
  if (!dropMessage_.isEmpty()) note = tr("Your image cannot be used: %1").arg(dropMessage_);
  setNote(note);
  countFrame();
}

}  // namespace gradlab::widgets
