#include "views/boundary_view.h"

#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "panels/data_preview.h"
#include "theme.h"
#include "views/live_plot.h"
#include "views/neuron_maps.h"

namespace gradlab::widgets {

BoundaryView::BoundaryView(QWidget* parent) : View(tr("Decision boundary"), parent) {
  setObjectName("boundaryView");
  auto* split = new QSplitter(Qt::Vertical, this);
  plot_ = new LivePlot(split);
  stylePlot(plot_);
  plot_->xAxis->setLabel("x₁");
  plot_->yAxis->setLabel("x₂");
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setInterpolate(true);
  map_->setTightBoundary(true);
  // The map on a layer with a buffer of its own: a new map redraws that layer alone, not the
  // points, axes and colour scale around it, which stay as they were (layerOnlyReplot below).
  plot_->addLayer("boundaryMap", plot_->layer("background"), QCustomPlot::limAbove);
  plot_->layer("boundaryMap")->setMode(QCPLayer::lmBuffered);
  map_->setLayer("boundaryMap");
  scale_ = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, scale_);
  scale_->setBarWidth(8);
  map_->setColorScale(scale_);
  QCPMarginGroup* group = new QCPMarginGroup(plot_);
  plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, group);
  maps_ = new NeuronMaps(split);
  split->addWidget(plot_);
  split->addWidget(maps_);
  split->setStretchFactor(0, 4);
  split->setStretchFactor(1, 1);
  body()->addWidget(split);
  showTest_ = toolbar()->addAction(tr("Test data"));
  showTest_->setCheckable(true);
  showTest_->setChecked(true);
  showTest_->setToolTip(tr("Show the test points (outlined in black)"));
  connect(showTest_, &QAction::toggled, this, [this] {
    data_ = nullptr;  // re-draw the points at the next snapshot
  });
  setNote(tr("The network's output over the plane."));
  connect(&theme(), &Theme::changed, this, [this] {  // colours and point sizes anew
    data_ = nullptr;
    probe_ = nullptr;
    classes_ = -1;
    if (latest() && onScreen()) showSnapshot(*latest());
  });
}

void BoundaryView::addProbes(ProbeRequest& r) const {
  std::vector<std::string> neurons;
  for (const auto& id : hidden_) neurons.push_back(id.toStdString());
  r.ask<BoundaryProbe>({{"grid", 100}, {"neurons", neurons}});
}

// The hidden blocks with a flat output (neurons to map), at most eight.
void BoundaryView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  QStringList hidden;
  for (const auto& b : spec.blocks) {
    if (b.type == "Input" || b.id == spec.loss.block) continue;
    auto it = analysis.outShapes.find(b.id);
    if (it != analysis.outShapes.end() && it->second.size() == 1) hidden << QString::fromStdString(b.id);
    if (hidden.size() >= 8) break;
  }
  if (hidden == hidden_) return;
  hidden_ = hidden;
  emit probesChanged();
}

// Selected, or hovered while the view is on screen: that block's neuron maps.
void BoundaryView::pointAt(const QString& id, bool hovered) {
  if (!hidden_.contains(id) || (hovered && !onScreen())) return;
  setNeuronBlock(id);
  if (latest()) showNeurons(*latest());
}

bool BoundaryView::suits(const Split& data) const { return data.train.xShape == Shape{2}; }

void BoundaryView::setNeuronBlock(const QString& id) { neuronBlock_ = id; }

void BoundaryView::showNeurons(const Snapshot& s) {
  const BoundaryProbe* b = s.probe<BoundaryProbe>();
  if (!b) return maps_->setMaps(neuronBlock_, nullptr);
  auto it = b->neurons.find(neuronBlock_.toStdString());
  maps_->setMaps(neuronBlock_, it == b->neurons.end() ? nullptr : &it->second);
}

double BoundaryView::heatmapChecksum() const {
  double sum = 0;
  const int w = map_->data()->keySize(), h = map_->data()->valueSize();
  for (int x = 0; x < w; ++x)
    for (int y = 0; y < h; ++y) sum += map_->data()->cell(x, y) * (1 + (x * 7 + y * 13) % 17);
  return sum;
}

void BoundaryView::setPoints(const Split& data) {
  for (QCPGraph* g : points_) plot_->removeGraph(g);
  points_.clear();
  const int k = std::max(2, data.train.numClasses);
  for (const Dataset* d : {&data.train, &data.test}) {
    const bool test = d == &data.test;
    if (test && !showTest_->isChecked()) continue;
    for (int c = 0; c < k; ++c) {
      QCPGraph* g = plot_->addGraph();
      g->setLineStyle(QCPGraph::lsNone);
      const QColor color = DataPreview::classColor(c, data.train.numClasses);
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle,
                                         test ? QPen(Qt::black, theme().line(1.2)) : QPen(Qt::white, 1),
                                         QBrush(color), theme().point(6)));
      QVector<double> xs, ys;
      for (int64_t i = 0; i < d->size(); ++i)
        if (int(d->y[size_t(i)]) == c) {
          xs << d->x[size_t(i * 2)];
          ys << d->x[size_t(i * 2 + 1)];
        }
      g->setData(xs, ys, true);
      g->setName(test ? tr("test, class %1").arg(c) : tr("class %1").arg(c));
      points_.push_back(g);
    }
  }
}

void BoundaryView::showSnapshot(const Snapshot& s) {
  if (!s.data || s.data->train.xShape != Shape{2}) {
    setNote(tr("The decision boundary needs a 2-D dataset (two input features): choose circle, "
               "xor, gauss or spiral in the Data panel."));
    if (map_->visible() || !points_.empty()) {  // drawn once, not at every frame
      map_->setVisible(false);
      for (QCPGraph* g : points_) plot_->removeGraph(g);
      points_.clear();
      maps_->setMaps({}, nullptr);
      plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    data_ = nullptr;
    return;
  }
  bool whole = !map_->visible();  // more than the map changed: replot all of it
  map_->setVisible(true);
  if (s.data.get() != data_) {
    data_ = s.data.get();
    setPoints(*s.data);
    whole = true;
  }
  const BoundaryProbe* probe = s.probe<BoundaryProbe>();
  if (probe && probe == probe_) return;  // nothing new to draw
  probe_ = probe;
  if (!probe) {
    setNote(s.ready ? tr("Computing…") : tr("Fix the network's problems to see its output here."));
    plot_->replot(QCustomPlot::rpQueuedReplot);
    return;
  }
  const BoundaryProbe& b = *probe;
  const GridMap& g = b.output;
  if (map_->data()->keySize() != g.w || map_->data()->valueSize() != g.h)
    map_->data()->setSize(g.w, g.h);
  map_->data()->setRange(QCPRange(g.x0 + (g.x1 - g.x0) * 0.5 / g.w, g.x1 - (g.x1 - g.x0) * 0.5 / g.w),
                         QCPRange(g.y0 + (g.y1 - g.y0) * 0.5 / g.h, g.y1 - (g.y1 - g.y0) * 0.5 / g.h));
  for (int r = 0; r < g.h; ++r)
    for (int c = 0; c < g.w; ++c) map_->data()->setCell(c, r, g.values[size_t(r * g.w + c)]);
  const QCPRange xRange = plot_->xAxis->range(), yRange = plot_->yAxis->range(), zRange = map_->dataRange();
  if (classes_ != b.numClasses) {
    whole = true;
    classes_ = b.numClasses;
    QCPColorGradient grad;
    grad.clearColorStops();
    if (b.numClasses <= 2) {
      grad.setColorStopAt(0, theme().low());
      grad.setColorStopAt(0.5, theme().middle());
      grad.setColorStopAt(1, theme().high());
      grad.setLevelCount(256);
      map_->setInterpolate(true);
      scale_->setLabel(b.numClasses == 2 ? tr("P(class 1)") : tr("output"));
    } else {
      for (int c = 0; c < b.numClasses; ++c)
        grad.setColorStopAt(b.numClasses == 1 ? 0 : double(c) / (b.numClasses - 1),
                            DataPreview::classColor(c, b.numClasses).lighter(150));
      grad.setLevelCount(b.numClasses);
      map_->setInterpolate(false);
      scale_->setLabel(tr("predicted class"));
    }
    map_->setGradient(grad);
  }
  if (b.numClasses == 2) map_->setDataRange(QCPRange(0, 1));
  else if (b.numClasses > 2) map_->setDataRange(QCPRange(0, b.numClasses - 1));
  else map_->rescaleDataRange(true);
  plot_->xAxis->setRange(g.x0, g.x1);
  plot_->yAxis->setRange(g.y0, g.y1);
  setNote(tr("Step %L1: colour = the network's output; dots = training data, outlined = test data.").arg(s.step));
  showNeurons(s);
  whole = whole || xRange != plot_->xAxis->range() || yRange != plot_->yAxis->range() || zRange != map_->dataRange();
  if (whole)
    plot_->replot(QCustomPlot::rpQueuedReplot);
  else
    plot_->layer("boundaryMap")->replot();  // the whole plot again when its buffers are not ready
  countFrame();
}

}  // namespace gradlab::widgets
