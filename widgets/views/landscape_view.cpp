#include "views/landscape_view.h"

#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "train/session.h"

namespace gradlab::widgets {

LandscapeView::LandscapeView(QWidget* parent) : View(tr("Landscape"), parent) {
  setObjectName("landscapeView");
  plot_ = new QCustomPlot(this);
  stylePlot(plot_);
  body()->addWidget(plot_);
  plot_->xAxis->setLabel(tr("d₁: back towards the start"));
  plot_->yAxis->setLabel(tr("d₂: across the path"));
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setInterpolate(false);
  scale_ = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, scale_);
  scale_->setLabel(tr("log₁₀ loss"));
  scale_->setBarWidth(10);
  map_->setColorScale(scale_);
  // Dark for low loss, light for high, in bands: the bands read as contour lines.
  QCPColorGradient g;
  g.setColorStopAt(0.0, QColor("#08306b"));
  g.setColorStopAt(0.35, QColor("#2171b5"));
  g.setColorStopAt(0.7, QColor("#9ecae1"));
  g.setColorStopAt(1.0, QColor("#fff7ec"));
  g.setLevelCount(14);
  g.setNanHandling(QCPColorGradient::nhNanColor);
  g.setNanColor(QColor("#d50000"));  // the loss is NaN/Inf there: training would diverge
  map_->setGradient(g);
  auto* margins = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

  path_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  path_->setPen(QPen(QColor("#f59322"), 2));
  path_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor("#f59322"), 4));
  start_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  start_->setLineStyle(QCPCurve::lsNone);
  start_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 2.5), Qt::NoBrush, 13));
  now_ = new QCPCurve(plot_->xAxis, plot_->yAxis);
  now_->setLineStyle(QCPCurve::lsNone);
  now_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 1.5), QColor("#d62728"), 13));
  // The race's legend (its curves only) sits under the plot, not over the paths.
  for (QCPAbstractPlottable* p : {static_cast<QCPAbstractPlottable*>(map_), static_cast<QCPAbstractPlottable*>(path_),
                                 static_cast<QCPAbstractPlottable*>(start_), static_cast<QCPAbstractPlottable*>(now_)})
    p->removeFromLegend();
  plot_->setAutoAddPlottableToLegend(false);
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  plot_->plotLayout()->addElement(1, 0, plot_->legend);
  plot_->plotLayout()->setRowStretchFactor(1, 0.001);
  plot_->legend->setFillOrder(QCPLegend::foColumnsFirst);
  plot_->legend->setWrap(2);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setBorderPen(Qt::NoPen);
  race_ = toolbar()->addAction(tr("Race optimizers"));
  race_->setObjectName("race");
  race_->setToolTip(tr("Pause, then train every optimizer from these weights for 300 steps, each "
                       "at its default learning rate, and draw their paths"));
  connect(race_, &QAction::triggered, this, [this] {
    if (!session()) return;
    if (racing_) session()->cancelRace();
    else session()->race(300);
  });
  setNote(tr("Step or Play: the landscape follows the path the weights take."));
}

int LandscapeView::pathPoints() const { return path_->dataCount(); }
int LandscapeView::surfaceCells() const {
  return map_->data()->keySize() * map_->data()->valueSize() * (shown_ && shown_->why.empty());
}

void LandscapeView::clear() {
  map_->data()->clear();
  for (QCPCurve* c : {path_, start_, now_}) c->data()->clear();
  for (QCPCurve* c : racers_) plot_->removePlottable(c);
  racers_.clear();
  plot_->legend->setVisible(false);
  plot_->xAxis->setLabel(tr("d₁: back towards the start"));
  plot_->yAxis->setLabel(tr("d₂: across the path"));
}

// log₁₀ of the losses as colour bands; NaN/Inf red.
void LandscapeView::drawSurface(const GridMap& g) {
  map_->data()->setSize(g.w, g.h);
  map_->data()->setRange(QCPRange(g.x0, g.x1), QCPRange(g.y0, g.y1));
  double lo = 1e300, hi = -1e300;
  for (int r = 0; r < g.h; ++r)
    for (int c = 0; c < g.w; ++c) {
      const double v = g.values[size_t(r * g.w + c)];
      const double l = std::isfinite(v) && v > 0 ? std::log10(v) : (v == 0 ? -12 : NAN);
      map_->data()->setCell(c, r, l);
      if (std::isfinite(l)) lo = std::min(lo, l), hi = std::max(hi, l);
    }
  if (lo <= hi) map_->setDataRange(QCPRange(lo, std::max(hi, lo + 1e-3)));
  plot_->xAxis->setRange(g.x0, g.x1);
  plot_->yAxis->setRange(g.y0, g.y1);
}

// Every optimizer's path from the common start, one colour each, with the legend.
void LandscapeView::showRace(const RaceProbe& r) {
  clear();
  drawSurface(r.loss);
  static const char* colors[] = {"#e41a1c", "#ff7f00", "#ffff33", "#4daf4a",
                                 "#f781bf", "#a65628", "#ffffff"};
  plot_->legend->setVisible(true);
  plot_->xAxis->setLabel(tr("the paths' first principal direction"));
  plot_->yAxis->setLabel(tr("second principal direction"));
  QString best;
  double bestLoss = INFINITY;
  for (size_t i = 0; i < r.runners.size(); ++i) {
    const auto& run = r.runners[i];
    auto* c = new QCPCurve(plot_->xAxis, plot_->yAxis);
    const QColor color(colors[i % 7]);
    c->setPen(QPen(color, 2.2));
    c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 3));
    c->setData(QVector<double>(run.x.begin(), run.x.end()), QVector<double>(run.y.begin(), run.y.end()));
    c->setName(tr("%1 %2 → %3").arg(QString::fromStdString(run.optimizer)).arg(run.lr)
                   .arg(std::isfinite(run.finalLoss) ? QString::number(run.finalLoss, 'g', 3) : tr("diverged")));
    c->addToLegend();
    racers_.push_back(c);
    if (run.finalLoss < bestLoss) bestLoss = run.finalLoss, best = QString::fromStdString(run.optimizer);
  }
  start_->setData({0.0}, {0.0});
  setNote(tr("Race from step %L1: %2 steps each, the same batches, each optimizer at its default "
             "learning rate; loss on %3 training samples. Lowest: %4. The plane holds %5 % of "
             "the paths. Step or Play to go back to the training path.")
              .arg(r.fromStep).arg(r.steps).arg(r.samples).arg(best).arg(qRound(100 * r.explained)));
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

void LandscapeView::showSnapshot(const Snapshot& s) {
  // A race in the background: its progress, and the button cancels it.
  const bool racing = s.job == "race";
  if (racing != racing_) {
    racing_ = racing;
    race_->setText(racing ? tr("Cancel race") : tr("Race optimizers"));
  }
  if (racing) {
    setNote(tr("Racing the optimizers… %1 %").arg(qRound(100 * s.jobProgress)));
    return;
  }
  if (auto race = s.shared<RaceProbe>()) {
    if (race != shownRace_) showRace(*race);
    shownRace_ = race;
    shown_.reset();
    return;
  }
  auto landscape = s.shared<LandscapeProbe>();
  if (landscape == shown_ && !shownRace_) return;
  shownRace_.reset();
  shown_ = landscape;
  const LandscapeProbe* p = landscape.get();
  if (!p || !p->why.empty()) {
    clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    setNote(!s.ready ? tr("Fix the network's problems to see its loss landscape.")
            : p      ? QString::fromStdString(p->why)
                     : tr("Step or Play: the landscape follows the path the weights take."));
    return;
  }
  clear();
  drawSurface(p->loss);
  QVector<double> xs(p->pathX.begin(), p->pathX.end()), ys(p->pathY.begin(), p->pathY.end());
  path_->setData(xs, ys);
  start_->setData({xs.front()}, {ys.front()});
  now_->setData({xs.back()}, {ys.back()});
  setNote(tr("Step %L1: loss %2 here (red dot), on %3 training samples; the path from step %L4 "
             "(ring). The plane holds %5 % of the path.")
              .arg(p->step)
              .arg(p->lossHere, 0, 'g', 4)
              .arg(p->samples)
              .arg(p->pathSteps.front())
              .arg(qRound(100 * p->explained)));
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

}  // namespace gradlab::widgets
