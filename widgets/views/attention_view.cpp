#include "views/attention_view.h"

#include <QComboBox>
#include <QLabel>
#include <QSpinBox>
#include <QToolBar>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

AttentionView::AttentionView(QWidget* parent) : View(tr("Attention"), parent) {
  setObjectName("attentionView");
  toolbar()->addWidget(new QLabel(tr(" Test sample "), this));
  sample_ = new QSpinBox(this);
  sample_->setObjectName("attentionSample");
  sample_->setRange(0, 0);
  toolbar()->addWidget(sample_);
  block_ = new QComboBox(this);
  block_->setObjectName("attentionBlock");
  block_->setVisible(false);
  toolbar()->addWidget(block_);
  connect(sample_, &QSpinBox::valueChanged, this, &View::probesChanged);
  connect(block_, &QComboBox::currentTextChanged, this, &View::probesChanged);

  plot_ = new LivePlot(this);
  stylePlot(plot_);
  plot_->xAxis->setLabel(tr("input step (key) — its symbol"));
  plot_->yAxis->setLabel(tr("output step (query) — its target"));
  plot_->yAxis->setRangeReversed(true);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setInterpolate(false);
  map_->setTightBoundary(false);
  map_->setDataRange(QCPRange(0, 1));
  recolour();
  connect(&theme(), &Theme::changed, this, [this] {
    recolour();
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  body()->addWidget(plot_, 1);
  setNote(tr("Train a network with an Attention block (reverse-attention) to see where it looks."));
}

void AttentionView::recolour() {
  QCPColorGradient g;
  g.clearColorStops();
  g.setColorStopAt(0, QColor("#ffffff"));
  g.setColorStopAt(1, theme().train().darker(130));
  map_->setGradient(g);
}

void AttentionView::addProbes(ProbeRequest& request) const {
  nlohmann::json o{{"sample", sample_->value()}};
  if (block_->isVisible() && !block_->currentText().isEmpty())
    o["block"] = block_->currentText().toStdString();
  request.ask<AttentionProbe>(o);
}

// Sequences whose targets are a class per step: a sequence-to-sequence task (reverse).
bool AttentionView::suits(const Split& data) const {
  const Dataset& d = data.train;
  return d.isClassification() && d.xShape.size() == 2 && d.yShape.size() == 1 && d.yStride() > 1;
}

void AttentionView::setSample(int sample) { sample_->setValue(sample); }

void AttentionView::showSnapshot(const Snapshot& s) {
  auto r = s.shared<AttentionProbe>();
  if (r == shown_) return;
  if (!r || !r->why.empty() || r->weights.empty()) {
    shown_ = nullptr;
    map_->setVisible(false);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    setNote(!s.ready ? tr("Fix the network's problems to see its attention.")
            : r      ? QString::fromStdString(r->why)
                     : tr("Step or Play: the attention weights show here."));
    return;
  }
  shown_ = r;
  if (s.data) {
    const Dataset& d = r->onTest ? s.data->test : s.data->train;
    setMaximum(sample_, int(std::max<int64_t>(0, d.size() - 1)));
  }
  QStringList names;
  for (const auto& b : r->blocks) names << QString::fromStdString(b);
  QStringList had;
  for (int i = 0; i < block_->count(); ++i) had << block_->itemText(i);
  if (names != had) {
    const QSignalBlocker quiet(block_);
    block_->clear();
    block_->addItems(names);
    block_->setCurrentText(QString::fromStdString(r->block));
  }
  block_->setVisible(names.size() > 1);

  const int tq = int(r->queries), tk = int(r->keys);
  map_->setVisible(true);
  map_->data()->setSize(tk, tq);
  map_->data()->setRange(QCPRange(0, tk - 1), QCPRange(0, tq - 1));
  double diagonal = 0;  // weight on the anti-diagonal: output t reading input T−1−t
  for (int q = 0; q < tq; ++q)
    for (int k = 0; k < tk; ++k) {
      const double w = r->weights[size_t(q * tk + k)];
      map_->data()->setCell(k, q, w);
      if (tq == tk && k == tk - 1 - q) diagonal += w;
    }
  // Axis labels: step numbers, with the symbols where the data have them.
  QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText), yt(new QCPAxisTickerText);
  for (int k = 0; k < tk; ++k)
    xt->addTick(k, size_t(k) < r->inputs.size() ? QString::fromStdString(r->inputs[size_t(k)])
                                                 : QString::number(k));
  for (int q = 0; q < tq; ++q) {
    QString label = QString::number(q);
    if (size_t(q) < r->targets.size()) {
      label = QString("%1  %2").arg(q).arg(QString::fromStdString(r->targets[size_t(q)]));
      if (r->predicted[size_t(q)] != r->targets[size_t(q)])
        label += QString("≠%1").arg(QString::fromStdString(r->predicted[size_t(q)]));
    }
    yt->addTick(q, label);
  }
  plot_->xAxis->setTicker(xt);
  plot_->yAxis->setTicker(yt);
  plot_->xAxis->setRange(-0.5, tk - 0.5);
  plot_->yAxis->setRange(-0.5, tq - 0.5);
  plot_->replot(QCustomPlot::rpQueuedReplot);

  QString note = tr("Step %L1, %2 sample %3, block %4: row t shows how much output step t reads "
                    "each input step.")
                     .arg(s.step)
                     .arg(r->onTest ? tr("test") : tr("training"))
                     .arg(r->sample)
                     .arg(QString::fromStdString(r->block));
  if (tq == tk)
    note += tr(" Mean weight on the anti-diagonal (step T−1−t, reversal): %1.")
                .arg(diagonal / double(tq), 0, 'f', 2);
  if (!r->targets.empty())
    note += tr(" %1 of %2 steps right.").arg(r->correct).arg(r->targets.size());
  setNote(note);
  countFrame();
}

}  // namespace gradlab::widgets
