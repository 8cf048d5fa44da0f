#include "views/gradient_view.h"

#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

namespace {
// Layer i of n: blue at the input side through green to orange at the output side, so a bar
// and its history line share a colour and depth reads from the colour too (theme.h).
QColor layerColor(int i, int n) { return theme().layer(i, n); }

// "3.4e-07", kept on one line of the note: word joiners (U+2060) between its characters, or
// the label may break it after the point.
QString scientific(double v) {
  const QString s = !std::isfinite(v) ? QString::number(v) : v == 0 ? QStringLiteral("0")
                                                                    : QString::number(v, 'e', 1);
  QString out;
  for (QChar c : s) out += QString(c) + QChar(0x2060);
  out.chop(1);
  return out;
}

// [lo, hi] of the finite values, the positive ones only on a log axis; false when none.
bool valueRange(const std::vector<double>& vs, bool log, double& lo, double& hi) {
  bool any = false;
  for (double v : vs) {
    if (!std::isfinite(v) || (log && v <= 0)) continue;
    lo = any ? std::min(lo, v) : v;
    hi = any ? std::max(hi, v) : v;
    any = true;
  }
  return any;
}

void setValueRange(QCPAxis* axis, const std::vector<double>& vs, bool log) {
  double lo = 0, hi = 1;
  if (!valueRange(vs, log, lo, hi)) return;
  if (log) axis->setRange(lo / 3, hi * 3);
  else axis->setRange(0, hi > 0 ? hi * 1.1 : 1);
}
}  // namespace

GradientView::GradientView(QWidget* parent) : View(tr("Gradients"), parent) {
  setObjectName("gradientView");
  plot_ = new LivePlot(this);
  barsRect_ = plot_->axisRect();
  historyRect_ = new QCPAxisRect(plot_);
  plot_->plotLayout()->addElement(1, 0, historyRect_);
  plot_->plotLayout()->setRowStretchFactors({3, 2});
  stylePlot(plot_);
  body()->addWidget(plot_);
  barsRect_->axis(QCPAxis::atLeft)->setLabel(tr("RMS of ∂L/∂W"));
  historyRect_->axis(QCPAxis::atLeft)->setLabel(tr("over time"));
  historyRect_->axis(QCPAxis::atBottom)->setLabel(tr("step"));
  auto* margins = new QCPMarginGroup(plot_);  // the two plots' left edges line up
  barsRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  historyRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
  barsRect_->axis(QCPAxis::atBottom)->grid()->setVisible(false);
  auto steps = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
  steps->setTickStep(1);  // whole steps: 1, 2, 3 or 1000, 2000, …
  steps->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  historyRect_->axis(QCPAxis::atBottom)->setTicker(steps);
  barsRect_->axis(QCPAxis::atBottom)->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));

  log_ = toolbar()->addAction(tr("Log scale"));
  log_->setCheckable(true);
  log_->setToolTip(tr("Gradient sizes on a logarithmic axis: vanishing gradients are orders of "
                      "magnitude apart"));
  connect(log_, &QAction::toggled, this, &GradientView::setLogScale);
  setLogScale(true);
  setNote(tr("Step once (S) to see how large each layer's gradient is."));
  connect(&theme(), &Theme::changed, this, [this] {  // bars and lines in the theme's colours
    layerIds_.clear();
    shown_.reset();
    if (latest() && onScreen()) showSnapshot(*latest());
  });
}

int GradientView::historyPoints() const {
  int n = 0;
  for (const QCPGraph* g : lines_) n = std::max(n, g->dataCount());
  return n;
}

QVector<double> GradientView::barValues() const {
  QVector<double> out;
  for (const QCPBars* b : bars_) out << (b->dataCount() > 0 ? b->data()->at(0)->value : 0.0);
  return out;
}

void GradientView::setLogScale(bool on) {
  if (log_->isChecked() != on) log_->setChecked(on);
  for (QCPAxisRect* r : {barsRect_, historyRect_}) {
    QCPAxis* axis = r->axis(QCPAxis::atLeft);
    axis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    QSharedPointer<QCPAxisTicker> ticker(on ? new QCPAxisTickerLog : new QCPAxisTicker);
    ticker->setTickCount(r == historyRect_ ? 3 : 5);  // the lower plot is short
    axis->setTicker(ticker);
    axis->setNumberFormat(on ? "eb" : "gb");  // log: 10⁻⁶, 10⁻⁵, … all alike
    axis->setNumberPrecision(on ? 0 : 6);
  }
  if (shown_) draw();
}

void GradientView::clear() {
  for (QCPBars* b : bars_) plot_->removePlottable(b);
  for (QCPGraph* g : lines_) plot_->removeGraph(g);
  bars_.clear();
  lines_.clear();
  layerIds_.clear();
  shown_.reset();
}

// One bar and one history line per layer, labelled with the block's id and type.
void GradientView::setLayers(const GradientProbe& g) {
  clear();
  auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  const int n = int(g.layers.size());
  for (int i = 0; i < n; ++i) {
    const auto& layer = g.layers[size_t(i)];
    const QString id = QString::fromStdString(layer.block);
    const QColor c = layerColor(i, n);
    auto* bar = new QCPBars(barsRect_->axis(QCPAxis::atBottom), barsRect_->axis(QCPAxis::atLeft));
    bar->setPen(QPen(c.darker(130), 1));
    bar->setBrush(c);
    bar->setWidth(0.7);
    bar->setName(id);
    bars_.push_back(bar);
    QCPGraph* line = plot_->addGraph(historyRect_->axis(QCPAxis::atBottom),
                                     historyRect_->axis(QCPAxis::atLeft));
    line->setPen(QPen(c, theme().line(2)));
    line->setName(id);
    line->setAdaptiveSampling(true);
    lines_.push_back(line);
    ticker->addTick(i, id + "\n" + QString::fromStdString(layer.type));
    layerIds_ << id;
  }
  barsRect_->axis(QCPAxis::atBottom)->setTicker(ticker);
  barsRect_->axis(QCPAxis::atBottom)->setRange(-0.6, n - 0.4);
}

void GradientView::showSnapshot(const Snapshot& s) {
  const GradientProbe* g = s.probe<GradientProbe>();
  if (!g || g->layers.empty()) {
    if (!bars_.empty()) {
      clear();
      plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    setNote(!s.ready ? tr("Fix the network's problems to see its gradients.")
            : g      ? tr("This network has no weights to train.")
                     : tr("Step once (S) to see how large each layer's gradient is."));
    return;
  }
  if (s.shared<GradientProbe>() == shown_) return;  // nothing new to draw
  QStringList ids;
  for (const auto& layer : g->layers) ids << QString::fromStdString(layer.block);
  if (ids != layerIds_) setLayers(*g);
  shown_ = s.shared<GradientProbe>();
  draw();
}

void GradientView::draw() {
  const GradientProbe* g = shown_.get();
  const bool log = log_->isChecked();
  std::vector<double> now, all;
  for (size_t i = 0; i < g->layers.size(); ++i) {
    const double v = g->layers[i].gradRms;
    bars_[i]->setData({double(i)}, {v});
    now.push_back(v);
  }
  for (size_t i = 0; i < lines_.size(); ++i) {
    QVector<double> xs, ys;
    xs.reserve(int(g->history.size()));
    ys.reserve(int(g->history.size()));
    for (const auto& p : g->history) {
      if (i >= p.gradRms.size()) continue;
      xs << double(p.step);
      ys << p.gradRms[i];
      all.push_back(p.gradRms[i]);
    }
    lines_[i]->setData(xs, ys, true);
  }
  setValueRange(barsRect_->axis(QCPAxis::atLeft), now, log);
  setValueRange(historyRect_->axis(QCPAxis::atLeft), all, log);
  if (!g->history.empty())
    historyRect_->axis(QCPAxis::atBottom)
        ->setRange(double(g->history.front().step), double(std::max<int64_t>(g->history.back().step,
                                                                             g->history.front().step + 1)));

  // The sentence a lecturer would say: how the first layer's gradient compares with the last's.
  const auto& first = g->layers.front();
  const auto& last = g->layers.back();
  auto id = [](const std::string& s) { return QString::fromStdString(s); };
  QString note = tr("Step %L1: RMS gradient of each layer's weights.").arg(g->step);
  if (g->layers.size() >= 2) {
    note += " " + tr("First layer (%1) %2, last (%3) %4")
                      .arg(id(first.block), scientific(first.gradRms), id(last.block),
                           scientific(last.gradRms));
    if (std::isfinite(first.gradRms) && std::isfinite(last.gradRms) && first.gradRms > 0 &&
        last.gradRms > 0) {
      const double ratio = last.gradRms / first.gradRms;
      if (ratio >= 10) note += tr(": %L1× smaller.").arg(ratio, 0, 'f', 0);
      else if (ratio <= 0.1) note += tr(": %L1× larger.").arg(1 / ratio, 0, 'f', 0);
      else note += tr(": about the same size.");
    } else {
      note += ".";
    }
  }
  setNote(note);
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

}  // namespace gradlab::widgets
