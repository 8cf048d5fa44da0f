#include "views/compare_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

namespace {
QString percent(double v) { return QString::number(v * 100, 'f', 1) + " %"; }

// "test accuracy 97.5 % · test loss 0.081" for a variant's last point, or why it stopped.
QString numbers(const CompareSeries& r) {
  if (r.metrics.empty()) return QObject::tr("starting…");
  const MetricPoint& p = r.metrics.back();
  QStringList parts;
  if (std::isfinite(p.testAcc)) parts << QObject::tr("test accuracy %1").arg(percent(p.testAcc));
  if (std::isfinite(p.testLoss)) parts << QObject::tr("test loss %1").arg(p.testLoss, 0, 'g', 3);
  else if (std::isfinite(p.trainLoss)) parts << QObject::tr("loss %1").arg(p.trainLoss, 0, 'g', 3);
  if (r.diverged) parts << QObject::tr("diverged");
  else if (r.stopped) parts << QObject::tr("stopped early");
  return parts.join(QStringLiteral(" · "));
}
}  // namespace

CompareView::CompareView(QWidget* parent) : View(tr("Compare"), parent) {
  setObjectName("compareView");
  curves_ = new LivePlot(this);
  curves_->setProperty("themeScaled", true);  // sizes its fonts itself (restyle)
  stylePlot(curves_);
  curves_->xAxis->setLabel(tr("step"));
  curves_->yAxis->setLabel(tr("loss (test solid, train dashed)"));
  curves_->legend->setVisible(false);  // until there are variants to name
  curves_->legend->setBrush(QColor(255, 255, 255, 210));
  // Bottom left: where falling loss curves leave room.
  curves_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  columnsBox_ = new QWidget(this);
  columnsGrid_ = new QGridLayout(columnsBox_);
  columnsGrid_->setContentsMargins(0, 4, 0, 0);
  columnsGrid_->setSpacing(6);
  body()->addWidget(curves_, 1);  // the curves above, the variants below: half each
  body()->addWidget(columnsBox_, 1);

  pause_ = toolbar()->addAction(tr("Pause"));
  pause_->setToolTip(tr("Pause or resume the comparison (the window's training is not affected)"));
  connect(pause_, &QAction::triggered, this, [this] {
    auto s = job_.snapshot();
    if (s->paused) job_.resume();
    else job_.pause();
  });
  stop_ = toolbar()->addAction(tr("Stop"));
  stop_->setToolTip(tr("End the comparison where it is"));
  connect(stop_, &QAction::triggered, this, [this] { job_.cancel(); });
  pause_->setEnabled(false);
  stop_->setEnabled(false);

  timer_ = new QTimer(this);
  timer_->setInterval(33);  // 30 frames a second: the comparison publishes after evaluations
  connect(timer_, &QTimer::timeout, this, &CompareView::poll);
  timer_->start();
  connect(&theme(), &Theme::changed, this, [this] {
    restyle();
    drawn_ = 0;  // draw again in the new colours
    poll();
  });
  setNote(tr("Run two to four variants side by side — same data, same initial weights, same "
             "batches: Training › Compare…"));
  restyle();
}

CompareView::~CompareView() { job_.cancel(); }

void CompareView::start(std::vector<CompareVariant> variants, std::shared_ptr<const Split> data,
                        CompareJob::Options options) {
  job_.start(std::move(variants), std::move(data), options);
  ++generation_;
  drawn_ = 0;
  poll();
}

std::optional<double> CompareView::metric(size_t variant, const std::string& name) const {
  auto s = job_.snapshot();
  if (variant >= s->runs.size()) return std::nullopt;
  return metricValue(measuresOf(*s, variant), name);
}

void CompareView::showSnapshot(const Snapshot& snap) { (void)snap; }

void CompareView::poll() {
  auto s = job_.snapshot();
  const bool busy = !s->finished && !s->runs.empty();
  pause_->setEnabled(busy);
  stop_->setEnabled(busy);
  pause_->setText(s->paused ? tr("Resume") : tr("Pause"));
  if (s->serial == drawn_ || !isVisible()) return;
  if (builtGeneration_ != generation_ || columns_.size() != s->runs.size()) build(*s);
  draw(*s);
  drawn_ = s->serial;
  countFrame();
}

// One column per variant under the curves, and its two curves on the loss plot.
void CompareView::build(const CompareSnapshot& s) {
  for (Column& c : columns_) delete c.box;
  columns_.clear();
  curves_->clearGraphs();
  builtGeneration_ = generation_;
  const bool plane = s.data && s.data->train.xShape == Shape{2};
  for (size_t i = 0; i < s.runs.size(); ++i) {
    Column c;
    c.box = new QWidget(columnsBox_);
    auto* v = new QVBoxLayout(c.box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    c.header = new QLabel(c.box);
    c.header->setObjectName(QString("compareHeader%1").arg(i));
    c.header->setWordWrap(true);
    v->addWidget(c.header);
    if (plane) {
      c.boundary = new LivePlot(c.box);
      c.boundary->setProperty("themeScaled", true);
      stylePlot(c.boundary);
      c.boundary->setMinimumSize(120, 100);
      c.map = new QCPColorMap(c.boundary->xAxis, c.boundary->yAxis);
      c.map->setInterpolate(true);
      c.map->setTightBoundary(true);
      c.map->setLayer("background");
      c.boundary->xAxis->setTickLabels(false);
      c.boundary->yAxis->setTickLabels(false);
      v->addWidget(c.boundary, 3);
    }
    c.grads = new LivePlot(c.box);
    c.grads->setProperty("themeScaled", true);
    stylePlot(c.grads);
    c.grads->setMinimumSize(120, 90);
    c.grads->yAxis->setScaleType(QCPAxis::stLogarithmic);
    auto log = QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog);
    c.grads->yAxis->setTicker(log);
    c.grads->yAxis->setNumberFormat("eb");
    c.grads->yAxis->setNumberPrecision(0);
    c.grads->yAxis->setLabel(tr("RMS ∂L/∂W"));
    c.bars = new QCPBars(c.grads->xAxis, c.grads->yAxis);
    c.bars->setWidth(0.7);
    c.bars->setBaseValue(1e-12);  // log axis: bars grow from far below
    v->addWidget(c.grads, 2);
    columnsGrid_->addWidget(c.box, 0, int(i));
    columnsGrid_->setColumnStretch(int(i), 1);

    const QString name = QString::fromStdString(s.runs[i].name);
    c.test = curves_->addGraph();
    c.test->setName(tr("%1 — test").arg(name));
    c.train = curves_->addGraph();
    c.train->setName(tr("%1 — train").arg(name));
    for (QCPGraph* g : {c.test, c.train}) g->setAdaptiveSampling(true);
    columns_.push_back(c);
  }
  curves_->legend->setVisible(!columns_.empty());
  restyle();
}

void CompareView::draw(const CompareSnapshot& s) {
  double xMax = 10, yMax = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    const CompareSeries& r = s.runs[i];
    QVector<double> steps, train, test;
    for (const MetricPoint& p : r.metrics) {
      if (!std::isfinite(p.trainLoss) && !std::isfinite(p.testLoss)) continue;
      steps << double(p.step);
      train << p.trainLoss;
      test << p.testLoss;
      for (double v : {p.trainLoss, p.testLoss})
        if (std::isfinite(v)) yMax = std::max(yMax, v);
    }
    if (!r.metrics.empty()) xMax = std::max(xMax, double(r.metrics.back().step));
    c.train->setData(steps, train, true);
    c.test->setData(steps, test, true);
    const QColor color = theme().series(int(i));
    c.header->setText(QStringLiteral("<b style='color:%1'>%2</b><br>%3")
                          .arg(color.name(), QString::fromStdString(r.name).toHtmlEscaped(),
                               numbers(r).toHtmlEscaped()));
    c.header->setToolTip(QString::fromStdString(r.message));
    if (c.boundary) drawBoundary(c, r, s);
  }
  curves_->xAxis->setRange(0, std::max(xMax, double(s.steps)));
  curves_->yAxis->setRange(0, yMax > 0 ? yMax * 1.05 : 1);
  curves_->replot(QCustomPlot::rpQueuedReplot);
  drawGradients(s);

  QString note;
  if (!s.error.empty()) note = QString::fromStdString(s.error);
  else if (s.runs.empty()) note = tr("Run two to four variants side by side: Training › Compare…");
  else {
    note = s.steps > 0 ? tr("Step %L1 of %L2").arg(s.step).arg(s.steps) : tr("Step %L1").arg(s.step);
    note += s.finished ? tr(" — finished.") : s.paused ? tr(" — paused.") : tr(" — running.");
    note += tr(" Same data, same initial weights, same batches.");
  }
  setNote(note);
}

void CompareView::drawBoundary(Column& c, const CompareSeries& r, const CompareSnapshot& s) {
  // The training points, drawn once per comparison.
  if (c.boundary->graphCount() == 0 && s.data) {
    const Dataset& d = s.data->train;
    const int k = std::max(2, d.numClasses);
    for (int cls = 0; cls < (d.isClassification() ? k : 1); ++cls) {
      QCPGraph* g = c.boundary->addGraph();
      g->setLineStyle(QCPGraph::lsNone);
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 0.8),
                                         QBrush(d.isClassification() ? theme().classColor(cls, d.numClasses)
                                                                     : theme().train()),
                                         theme().point(4)));
      QVector<double> xs, ys;
      for (int64_t i = 0; i < d.size(); ++i)
        if (!d.isClassification() || int(d.y[size_t(i)]) == cls) {
          xs << d.x[size_t(i * 2)];
          ys << d.x[size_t(i * 2 + 1)];
        }
      g->setData(xs, ys, true);
    }
  }
  const BoundaryProbe* b = r.boundary.get();
  if (!b) {
    c.boundary->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const GridMap& g = b->output;
  if (c.map->data()->keySize() != g.w || c.map->data()->valueSize() != g.h) c.map->data()->setSize(g.w, g.h);
  c.map->data()->setRange(QCPRange(g.x0 + (g.x1 - g.x0) * 0.5 / g.w, g.x1 - (g.x1 - g.x0) * 0.5 / g.w),
                          QCPRange(g.y0 + (g.y1 - g.y0) * 0.5 / g.h, g.y1 - (g.y1 - g.y0) * 0.5 / g.h));
  for (int row = 0; row < g.h; ++row)
    for (int col = 0; col < g.w; ++col) c.map->data()->setCell(col, row, g.values[size_t(row * g.w + col)]);
  QCPColorGradient grad;
  grad.clearColorStops();
  if (b->numClasses <= 2) {
    grad.setColorStopAt(0, theme().low());
    grad.setColorStopAt(0.5, theme().middle());
    grad.setColorStopAt(1, theme().high());
    grad.setLevelCount(256);
    c.map->setInterpolate(true);
  } else {
    for (int k = 0; k < b->numClasses; ++k)
      grad.setColorStopAt(double(k) / (b->numClasses - 1), theme().classColor(k, b->numClasses).lighter(150));
    grad.setLevelCount(b->numClasses);
    c.map->setInterpolate(false);
  }
  c.map->setGradient(grad);
  if (b->numClasses == 2) c.map->setDataRange(QCPRange(0, 1));
  else if (b->numClasses > 2) c.map->setDataRange(QCPRange(0, b->numClasses - 1));
  else c.map->rescaleDataRange(true);
  c.boundary->xAxis->setRange(g.x0, g.x1);
  c.boundary->yAxis->setRange(g.y0, g.y1);
  c.boundary->replot(QCustomPlot::rpQueuedReplot);
}

// Every variant's bars on one log scale, so that "100× smaller" reads across the columns.
void CompareView::drawGradients(const CompareSnapshot& s) {
  double lo = 0, hi = 0;
  bool any = false;
  for (const CompareSeries& r : s.runs)
    if (r.gradients)
      for (const auto& l : r.gradients->layers)
        if (std::isfinite(l.gradRms) && l.gradRms > 0) {
          lo = any ? std::min(lo, l.gradRms) : l.gradRms;
          hi = any ? std::max(hi, l.gradRms) : l.gradRms;
          any = true;
        }
  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    const GradientProbe* g = s.runs[i].gradients.get();
    const int n = g ? int(g->layers.size()) : 0;
    QVector<double> keys, values;
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (int k = 0; k < n; ++k) {
      keys << k;
      values << std::max(g->layers[size_t(k)].gradRms, 1e-12);
      ticker->addTick(k, QString::fromStdString(g->layers[size_t(k)].block));
    }
    c.bars->setData(keys, values, true);
    // One colour per variant, as its curves and header; the layers are named below the bars.
    const QColor color = theme().series(int(i));
    c.bars->setBrush(color);
    c.bars->setPen(QPen(color.darker(130), 1));
    c.grads->xAxis->setTicker(ticker);
    c.grads->xAxis->setRange(-0.6, std::max(1, n) - 0.4);
    if (any) c.grads->yAxis->setRange(lo / 3, hi * 3);
    c.grads->replot(QCustomPlot::rpQueuedReplot);
  }
}

void CompareView::styleFonts(QCustomPlot* plot) {
  QFont f = font();
  f.setPointSizeF(QFont().pointSizeF() * theme().scale() * 0.9);
  for (QCPAxisRect* rect : plot->axisRects())
    for (QCPAxis* axis : rect->axes()) {
      axis->setTickLabelFont(f);
      axis->setLabelFont(f);
    }
  if (plot->legend) {
    plot->legend->setFont(f);
    for (int i = 0; i < plot->legend->itemCount(); ++i)
      if (auto* item = plot->legend->item(i)) item->setFont(f);
  }
}

void CompareView::restyle() {
  styleFonts(curves_);
  for (size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    const QColor color = theme().series(int(i));
    c.test->setPen(QPen(color, theme().line(2.5)));
    c.train->setPen(QPen(color, theme().line(1.5), Qt::DashLine));
    if (c.boundary) {
      styleFonts(c.boundary);
      c.boundary->clearGraphs();  // the points again, in the theme's colours
    }
    styleFonts(c.grads);
  }
}

int CompareView::curveCount() const {
  int n = 0;
  for (int i = 0; i < curves_->graphCount(); ++i) n += curves_->graph(i)->dataCount() > 0;
  return n;
}

int CompareView::pointCount(int variant) const {
  if (variant < 0 || variant >= int(columns_.size())) return 0;
  return columns_[size_t(variant)].test->dataCount();
}

QStringList CompareView::labels() const {
  QStringList out;
  for (int i = 0; i < curves_->legend->itemCount(); ++i)
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(curves_->legend->item(i)))
      out << item->plottable()->name();
  for (const Column& c : columns_) out << c.header->text();
  return out;
}

}  // namespace gradlab::widgets
