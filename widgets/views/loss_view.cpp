#include "views/loss_view.h"

#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

namespace {
constexpr double kSmooth = 0.9;  // moving average: each point weighs 10 %
}

LossView::LossView(QWidget* parent) : View(tr("Loss"), parent) {
  setObjectName("lossView");
  plot_ = new LivePlot(this);
  stylePlot(plot_);
  body()->addWidget(plot_);
  plot_->xAxis->setLabel(tr("step"));
  plot_->yAxis->setLabel(tr("loss"));
  plot_->yAxis2->setLabel(tr("accuracy"));
  plot_->yAxis2->setRange(0, 1.02);
  plot_->yAxis2->setTickLabels(true);
  QSharedPointer<QCPAxisTickerFixed> pct(new QCPAxisTickerFixed);
  pct->setTickStep(0.2);
  plot_->yAxis2->setTicker(pct);
  auto graph = [&](QCPAxis* y, const QColor& c, Qt::PenStyle style, const QString& name) {
    QCPGraph* g = plot_->addGraph(plot_->xAxis, y);
    g->setPen(QPen(c, 2, style));
    g->setName(name);
    g->setAdaptiveSampling(true);
    return g;
  };
  trainLoss_ = graph(plot_->yAxis, QColor("#0877bd"), Qt::SolidLine, tr("train loss"));
  testLoss_ = graph(plot_->yAxis, QColor("#f59322"), Qt::SolidLine, tr("test loss"));
  // Solid, light lines for accuracy: dashed pens are slow to draw 60 times a second.
  trainAcc_ = graph(plot_->yAxis2, QColor("#8fc1e3"), Qt::SolidLine, tr("train accuracy"));
  testAcc_ = graph(plot_->yAxis2, QColor("#f8c48a"), Qt::SolidLine, tr("test accuracy"));
  // The theme's colours (the projector's palette while presenting), accuracy a lighter shade.
  auto applyTheme = [this] {
    const Theme& t = theme();
    trainLoss_->setPen(QPen(t.train(), t.line(2)));
    testLoss_->setPen(QPen(t.test(), t.line(2)));
    trainAcc_->setPen(QPen(t.train().lighter(160), t.line(2)));
    testAcc_->setPen(QPen(t.test().lighter(150), t.line(2)));
    plot_->replot(QCustomPlot::rpQueuedReplot);
  };
  applyTheme();
  connect(&theme(), &Theme::changed, this, applyTheme);
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  // Early stopping's best step: a vertical line through the plot, labelled at its top.
  bestLine_ = new QCPItemStraightLine(plot_);
  bestLine_->setPen(QPen(QColor("#2e7d32"), 1.5, Qt::DashLine));
  bestLine_->setVisible(false);
  bestLabel_ = new QCPItemText(plot_);
  bestLabel_->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
  bestLabel_->position->setTypeX(QCPItemPosition::ptPlotCoords);
  bestLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  bestLabel_->setColor(QColor("#2e7d32"));
  bestLabel_->setPadding(QMargins(4, 2, 4, 2));
  bestLabel_->setVisible(false);

  log_ = toolbar()->addAction(tr("Log scale"));
  log_->setCheckable(true);
  log_->setToolTip(tr("Loss on a logarithmic axis: shows progress when the loss gets small"));
  connect(log_, &QAction::toggled, this, &LossView::setLogScale);
  smooth_ = toolbar()->addAction(tr("Smooth"));
  smooth_->setCheckable(true);
  smooth_->setToolTip(tr("Moving average of the curves (exponential, 10 % per point)"));
  connect(smooth_, &QAction::toggled, this, &LossView::setSmoothing);
  setNote(tr("Press Play to train."));
}

int LossView::pointCount() const { return trainLoss_->dataCount(); }

int64_t LossView::markedBestStep() const { return bestLine_->visible() ? bestStep_ : -1; }

void LossView::markBest(const Snapshot& s) {
  const bool show = s.config.earlyStopping > 0 && s.bestStep >= 0;
  bestLine_->setVisible(show);
  bestLabel_->setVisible(show);
  if (!show) return;
  const double x = double(s.bestStep);
  bestLine_->point1->setCoords(x, 0);
  bestLine_->point2->setCoords(x, 1);
  bestLabel_->position->setCoords(x, 0.02);
  bestLabel_->setText(s.stoppedEarly ? tr("best: step %L1 (kept)").arg(s.bestStep)
                                     : tr("best so far: step %L1").arg(s.bestStep));
}

void LossView::setLogScale(bool on) {
  if (log_->isChecked() != on) log_->setChecked(on);
  plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (on) plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  else plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot_->yAxis->rescale();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LossView::setSmoothing(bool on) {
  if (smooth_->isChecked() != on) smooth_->setChecked(on);
  lastCount_ = 0;  // rebuild at the next snapshot
  lastStep_ = -1;
  firstStep_ = -2;
}

void LossView::append(const MetricPoint& p) {
  const double values[4] = {p.trainLoss, p.testLoss, p.trainAcc, p.testAcc};
  QCPGraph* graphs[4] = {trainLoss_, testLoss_, trainAcc_, testAcc_};
  for (int i = 0; i < 4; ++i) {
    double v = values[i];
    if (!std::isfinite(v)) continue;
    if (smooth_->isChecked()) {
      ema_[i] = emaInit_[i] ? kSmooth * ema_[i] + (1 - kSmooth) * v : v;
      emaInit_[i] = true;
      v = ema_[i];
    }
    graphs[i]->addData(double(p.step), v);
  }
  if (std::isfinite(p.trainAcc)) haveAcc_ = true;
  lastStep_ = p.step;
}

void LossView::rebuild(const std::vector<MetricPoint>& m) {
  for (QCPGraph* g : {trainLoss_, testLoss_, trainAcc_, testAcc_}) g->data()->clear();
  for (int i = 0; i < 4; ++i) emaInit_[i] = false;
  haveAcc_ = false;
  lastStep_ = -1;
  for (const auto& p : m) append(p);
}

void LossView::showSnapshot(const Snapshot& s) {
  const auto& m = s.metrics;
  const int64_t first = m.empty() ? -1 : m.front().step;
  // Same history growing: add the new points; otherwise (reset, thinning, new data) rebuild.
  // An early stop re-measures the last point on the weights it keeps: drawn again.
  const bool stopChanged = s.bestStep != bestStep_ || s.stoppedEarly != stoppedEarly_;
  if (s.data.get() == data_ && first == firstStep_ && m.size() == lastCount_ &&
      (m.empty() || m.back().step == lastStep_) && !stopChanged)
    return;  // no new point: nothing to redraw
  const bool grows = s.data.get() == data_ && first == firstStep_ && m.size() >= lastCount_ &&
                     (lastCount_ == 0 || m[lastCount_ - 1].step == lastStep_) &&
                     !(s.stoppedEarly && !stoppedEarly_);
  if (!grows)
    rebuild(m);
  else
    for (size_t i = lastCount_; i < m.size(); ++i) append(m[i]);
  data_ = s.data.get();
  firstStep_ = first;
  lastCount_ = m.size();
  markBest(s);
  bestStep_ = s.bestStep;
  stoppedEarly_ = s.stoppedEarly;

  trainAcc_->setVisible(haveAcc_);
  testAcc_->setVisible(haveAcc_);
  trainAcc_->removeFromLegend();
  testAcc_->removeFromLegend();
  if (haveAcc_) {
    trainAcc_->addToLegend();
    testAcc_->addToLegend();
  }
  plot_->yAxis2->setVisible(haveAcc_);
  plot_->xAxis->setRange(0,
                         std::max(10.0, m.empty() ? 10.0 : double(m.back().step)));
  bool found = false;
  QCPRange r = trainLoss_->getValueRange(found, QCP::sdBoth);
  bool found2 = false;
  QCPRange r2 = testLoss_->getValueRange(found2, QCP::sdBoth);
  if (found2) r = found ? QCPRange(std::min(r.lower, r2.lower), std::max(r.upper, r2.upper)) : r2;
  if (found || found2) {
    if (plot_->yAxis->scaleType() == QCPAxis::stLogarithmic)
      plot_->yAxis->setRange(std::max(1e-6, r.lower * 0.8), std::max(r.upper * 1.25, 1e-5));
    else
      plot_->yAxis->setRange(0, r.upper * 1.05 + 1e-9);
  }
  if (m.empty()) {
    setNote(s.ready ? tr("Press Play to train.") : tr("Nothing to train yet."));
  } else {
    const MetricPoint& p = m.back();
    QString note = tr("step %L1 · train loss %2").arg(p.step).arg(p.trainLoss, 0, 'g', 4);
    if (std::isfinite(p.testLoss)) note += tr(" · test loss %1").arg(p.testLoss, 0, 'g', 4);
    if (std::isfinite(p.testAcc)) note += tr(" · test accuracy %1 %").arg(p.testAcc * 100, 0, 'f', 1);
    else if (std::isfinite(p.trainAcc)) note += tr(" · accuracy %1 %").arg(p.trainAcc * 100, 0, 'f', 1);
    if (p.sampled)
      note += tr(" (on the first %L1 samples of each set while training; on all once paused)")
                  .arg(kLiveEvalSamples);
    setNote(note);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

}  // namespace gradlab::widgets
