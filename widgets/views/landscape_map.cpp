#include "views/landscape_map.h"

#include <cmath>

#include "theme.h"
#include "views/isolines.h"
#include "views/landscape_colors.h"
#include "views/view.h"

namespace gradlab::widgets {

namespace {
constexpr int kContourLevels = 10;
}

LandscapeMap::LandscapeMap(QWidget* parent) : QCustomPlot(parent) {
  stylePlot(this);
  addLayer("contours", layer("main"), QCustomPlot::limAbove);
  addLayer("paths", layer("contours"), QCustomPlot::limAbove);
  map_ = new QCPColorMap(xAxis, yAxis);
  map_->setInterpolate(true);
  map_->setTightBoundary(true);
  scale_ = new QCPColorScale(this);
  plotLayout()->addElement(0, 1, scale_);
  scale_->setLabel(tr("log₁₀ loss"));
  scale_->setBarWidth(10);
  map_->setColorScale(scale_);
  QCPColorGradient g;
  const auto& stops = landscapeStops();
  for (size_t i = 0; i < stops.size(); ++i) g.setColorStopAt(double(i) / double(stops.size() - 1), stops[i]);
  g.setNanHandling(QCPColorGradient::nhNanColor);
  g.setNanColor(landscapeNan());  // the loss is NaN/Inf there: training would diverge
  map_->setGradient(g);
  auto* margins = new QCPMarginGroup(this);
  axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

  setCurrentLayer("paths");
  path_ = new QCPCurve(xAxis, yAxis);
  start_ = new QCPCurve(xAxis, yAxis);
  start_->setLineStyle(QCPCurve::lsNone);
  now_ = new QCPCurve(xAxis, yAxis);
  now_->setLineStyle(QCPCurve::lsNone);
  setCurrentLayer("main");
  for (QCPAbstractPlottable* p : std::initializer_list<QCPAbstractPlottable*>{map_, path_, start_, now_})
    p->removeFromLegend();
  // The race's legend (its curves only) sits under the plot, not over the paths.
  setAutoAddPlottableToLegend(false);
  axisRect()->insetLayout()->take(legend);
  plotLayout()->addElement(1, 0, legend);
  plotLayout()->setRowStretchFactor(1, 0.001);
  plotLayout()->setColumnStretchFactor(1, 0.001);
  // A legend's largest size is its content's: in the plot's first column it would narrow the
  // map to its width. Any width will do.
  legend->setMaximumSize(100000, QWIDGETSIZE_MAX);
  legend->setFillOrder(QCPLegend::foColumnsFirst);
  legend->setWrap(2);
  legend->setFont(QFont(font().family(), 8));
  legend->setBorderPen(Qt::NoPen);
  legend->setVisible(false);

  connect(this, &QCustomPlot::beforeReplot, this, &LandscapeMap::keepSquare);
  connect(this, &QCustomPlot::afterLayout, this, &LandscapeMap::settleSquare);
  applyTheme();
  connect(&theme(), &Theme::changed, this, &LandscapeMap::applyTheme);
}

void LandscapeMap::applyTheme() {
  const Theme& t = theme();
  path_->setPen(QPen(landscapePath(), t.line(2)));
  path_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, landscapePath(), t.point(4)));
  start_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, t.line(2.5)), Qt::NoBrush, t.point(13)));
  now_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, t.line(1.5)), landscapeNow(), t.point(13)));
  for (QCPCurve* c : contours_) c->setPen(QPen(QColor(255, 255, 255, 120), t.line(1)));
  for (QCPCurve* c : runners_) {
    QPen p = c->pen();
    p.setWidthF(t.line(2.2));
    c->setPen(p);
  }
  replot(QCustomPlot::rpQueuedReplot);
}

LandscapeMap::SquareInputs LandscapeMap::squareInputs() const {
  return {axisRect()->margins(),
          scale_->outerRect().width(),                                  // its minimum: its column hardly stretches
          legend->outerRect().height() + plotLayout()->rowSpacing()};  // its row, even empty
}

// The data area square and centred: the layout's margins take what is left over. The axes'
// own margins (tick labels, axis names) and the colour scale's width are those of the last
// layout; when this layout changes them (new tick labels), settleSquare replots once more.
void LandscapeMap::keepSquare() {
  const QRect all = viewport();
  squaredFrom_ = squareInputs();
  const QMargins m = squaredFrom_.axes;
  const int w = all.width() - m.left() - m.right() - squaredFrom_.scaleWidth - plotLayout()->columnSpacing();
  const int h = all.height() - m.top() - m.bottom() - squaredFrom_.legendHeight;
  const int side = std::max(40, std::min(w, h));
  const int ew = std::max(0, w - side), eh = std::max(0, h - side);
  plotLayout()->setMargins(QMargins(ew / 2, eh / 2, ew - ew / 2, eh - eh / 2));
  // About one tick per 70 px, so that labels like "−0.25" never touch.
  const int ticks = std::max(2, side / 70);
  xAxis->ticker()->setTickCount(ticks);
  yAxis->ticker()->setTickCount(ticks);
  scale_->axis()->ticker()->setTickCount(std::max(2, side / 50));
}

// After the layout: if it changed what keepSquare computed from, the area drawn is a few pixels
// off square until the next replot, which a paused network never makes. So queue one, at most
// twice in a row (tick labels that flip with the side's length cannot loop).
void LandscapeMap::settleSquare() {
  if (squareInputs() == squaredFrom_) {
    resquares_ = 0;
  } else if (resquares_ < 2) {
    ++resquares_;
    replot(QCustomPlot::rpQueuedReplot);
  }
}

void LandscapeMap::resizeEvent(QResizeEvent* e) {
  QCustomPlot::resizeEvent(e);
  replot(QCustomPlot::rpQueuedReplot);  // once more with this size's margins
}

int LandscapeMap::surfaceCells() const { return map_->data()->keySize() * map_->data()->valueSize(); }

void LandscapeMap::clearAll() {
  map_->data()->clear();
  for (QCPCurve* c : {path_, start_, now_}) c->data()->clear();
  for (QCPCurve* c : contours_) removePlottable(c);
  contours_.clear();
  for (QCPCurve* c : runners_) removePlottable(c);
  runners_.clear();
  legend->setVisible(false);
}

void LandscapeMap::setAxisLabels(const QString& x, const QString& y) {
  xAxis->setLabel(x);
  yAxis->setLabel(y);
}

// log₁₀ of the losses, smooth colour; NaN/Inf red; contour lines at evenly spaced levels.
void LandscapeMap::setSurface(const GridMap& g) {
  GridMap logGrid = g;
  map_->data()->setSize(g.w, g.h);
  map_->data()->setRange(QCPRange(g.x0, g.x1), QCPRange(g.y0, g.y1));
  double lo = 1e300, hi = -1e300;
  for (int r = 0; r < g.h; ++r)
    for (int c = 0; c < g.w; ++c) {
      const size_t i = size_t(r) * size_t(g.w) + size_t(c);
      const double v = i < g.values.size() ? g.values[i] : NAN;
      const double l = std::isfinite(v) && v > 0 ? std::log10(v) : (v == 0 ? -12 : NAN);
      map_->data()->setCell(c, r, l);
      if (i < logGrid.values.size()) logGrid.values[i] = float(l);
      if (std::isfinite(l)) lo = std::min(lo, l), hi = std::max(hi, l);
    }
  if (lo <= hi) map_->setDataRange(QCPRange(lo, std::max(hi, lo + 1e-3)));
  xAxis->setRange(g.x0, g.x1);
  yAxis->setRange(g.y0, g.y1);
  drawContours(logGrid, lo, hi);
}

void LandscapeMap::drawContours(const GridMap& logGrid, double lo, double hi) {
  for (QCPCurve* c : contours_) removePlottable(c);
  contours_.clear();
  const QPen pen(QColor(255, 255, 255, 120), theme().line(1));
  for (double level : contourLevels(lo, hi, kContourLevels))
    for (const IsoLine& line : isolines(logGrid, level)) {
      auto* c = new QCPCurve(xAxis, yAxis);
      c->setLayer("contours");
      c->removeFromLegend();
      c->setPen(pen);
      c->setSelectable(QCP::stNone);
      QVector<double> t(qsizetype(line.size())), xs(qsizetype(line.size())), ys(qsizetype(line.size()));
      for (size_t i = 0; i < line.size(); ++i) t[qsizetype(i)] = double(i), xs[qsizetype(i)] = line[i].x, ys[qsizetype(i)] = line[i].y;
      c->setData(t, xs, ys, true);
      contours_.push_back(c);
    }
}

void LandscapeMap::setPath(const std::vector<double>& x, const std::vector<double>& y) {
  QVector<double> xs(x.begin(), x.end()), ys(y.begin(), y.end());
  path_->setData(xs, ys);
  if (xs.isEmpty()) {
    start_->data()->clear(), now_->data()->clear();
    return;
  }
  start_->setData({xs.front()}, {ys.front()});
  now_->setData({xs.back()}, {ys.back()});
}

void LandscapeMap::setRunners(const std::vector<Runner>& runners) {
  for (QCPCurve* c : runners_) removePlottable(c);
  runners_.clear();
  path_->data()->clear(), now_->data()->clear();
  setCurrentLayer("paths");
  for (const Runner& r : runners) {
    auto* c = new QCPCurve(xAxis, yAxis);
    c->setPen(QPen(r.color, theme().line(2.2)));
    c->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, r.color, theme().point(3)));
    c->setData(QVector<double>(r.x.begin(), r.x.end()), QVector<double>(r.y.begin(), r.y.end()));
    c->setName(r.name);
    c->addToLegend();
    runners_.push_back(c);
  }
  setCurrentLayer("main");
  start_->setData({0.0}, {0.0});
  legend->setVisible(!runners.empty());
}

}  // namespace gradlab::widgets
