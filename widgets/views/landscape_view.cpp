#include "views/landscape_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "theme.h"
#include "train/session.h"
#include "views/landscape_3d.h"
#include "views/landscape_colors.h"
#include "views/landscape_map.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

namespace {
constexpr int kGrid = 51;
const char* kRaceColors[] = {"#e41a1c", "#ff7f00", "#ffff33", "#4daf4a", "#f781bf", "#a65628", "#ffffff"};

QString defaultLabel(bool x) { return x ? QObject::tr("d₁: back towards the start") : QObject::tr("d₂: across the path"); }
}  // namespace

LandscapeView::LandscapeView(QWidget* parent) : View(tr("Landscape"), parent) {
  setObjectName("landscapeView");

  // The choices, in a row of their own under the note.
  auto* row = new QHBoxLayout;
  row->setContentsMargins(4, 2, 4, 2);
  row->setSpacing(6);
  plane_ = new QComboBox(this);
  plane_->setObjectName("plane");
  plane_->addItem(tr("Path's directions"), "path");
  plane_->addItem(tr("Random, filter-normalised"), "filter");
  plane_->addItem(tr("Three checkpoints"), "checkpoints");
  plane_->setToolTip(tr("The plane the loss is drawn on:\n"
                        "• the path's principal directions (d₁ back to the start, d₂ across);\n"
                        "• two random directions, each filter scaled to its weights' norm (Li et al. 2018): "
                        "sharp and flat minima compare fairly;\n"
                        "• the plane through the start, now, and the step chosen beside."));
  through_ = new QSpinBox(this);
  through_->setObjectName("through");
  through_->setPrefix(tr("through step "));
  through_->setRange(-1, 0);
  through_->setSpecialValueText(tr("through the middle"));
  through_->setValue(-1);
  through_->setKeyboardTracking(false);
  through_->setToolTip(tr("The third checkpoint: the path's point nearest this step"));
  through_->setVisible(false);
  samples_ = new QComboBox(this);
  samples_->setObjectName("samples");
  for (int n : {64, 256, 1024, 4096}) samples_->addItem(tr("%L1 samples").arg(n), n);
  samples_->setCurrentIndex(1);
  samples_->setToolTip(tr("Training samples each point's loss is measured on: more is smoother and slower"));
  logHeight_ = new QCheckBox(tr("log height"), this);
  logHeight_->setObjectName("logHeight");
  logHeight_->setChecked(true);
  logHeight_->setToolTip(tr("3-D height: log₁₀ of the loss (valleys show), or the loss itself (cliffs show)"));
  showSlice_ = new QCheckBox(tr("1-D slice"), this);
  showSlice_->setObjectName("showSlice");
  showSlice_->setToolTip(tr("The loss on the straight line from the start (t = 0) to now (t = 1), "
                            "Goodfellow et al. 2015: is the way there downhill all along?"));
  row->addWidget(plane_);
  row->addWidget(through_);
  row->addWidget(samples_);
  row->addWidget(logHeight_);
  row->addWidget(showSlice_);
  row->addStretch(1);
  body()->addLayout(row);

  fallbackNote_ = new QLabel(this);
  fallbackNote_->setObjectName("fallbackNote");
  fallbackNote_->setWordWrap(true);
  fallbackNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  fallbackNote_->setStyleSheet("color: #6d4c41; background: #fff8e1; padding: 3px;");
  fallbackNote_->setVisible(false);
  body()->addWidget(fallbackNote_);

  stack_ = new QStackedWidget(this);
  map_ = new LandscapeMap(this);
  stack_->addWidget(map_);
  body()->addWidget(stack_, 1);

  slice_ = new LivePlot(this);
  slice_->setObjectName("slice");
  stylePlot(slice_);
  slice_->setMinimumSize(160, 90);
  slice_->setFixedHeight(130);
  slice_->addGraph();
  slice_->graph(0)->setPen(QPen(landscapePath(), theme().line(2)));
  slice_->addGraph();  // the start and now on the line
  slice_->graph(1)->setLineStyle(QCPGraph::lsNone);
  slice_->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, landscapeNow(), 8));
  slice_->xAxis->setLabel(tr("t  (θ₀ + t·(θ − θ₀): 0 the start, 1 now)"));
  slice_->yAxis->setLabel(tr("loss"));
  slice_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  slice_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  slice_->setVisible(false);
  body()->addWidget(slice_);

  mode3D_ = new QAction(tr("3-D"), this);
  toolbar()->insertAction(toolbar()->actions().value(0), mode3D_);
  mode3D_->setObjectName("mode3D");
  mode3D_->setCheckable(true);
  mode3D_->setToolTip(tr("A surface one can turn (on) or the map from above (off)"));
  // The map by default: an OpenGL widget makes Qt compose the whole window through OpenGL,
  // which with a software renderer (Mesa's llvmpipe) slows every other view (bench/RESULTS.md).
  want3D_ = false;
  QString why;
  if (!canRender3D(&why)) setFallback(tr("Showing the map: the 3-D view needs OpenGL 3.3, and %1.").arg(why));
  connect(mode3D_, &QAction::toggled, this, [this](bool on) { set3D(on); });

  race_ = toolbar()->addAction(tr("Race optimizers"));
  race_->setObjectName("race");
  race_->setToolTip(tr("Pause, then train every optimizer from these weights for 300 steps, each "
                       "at its default learning rate, and draw their paths"));
  connect(race_, &QAction::triggered, this, [this] {
    if (!session()) return;
    if (racing_) session()->cancelRace();
    else session()->race(300);
  });

  connect(plane_, &QComboBox::currentIndexChanged, this, [this] {
    through_->setVisible(plane_->currentData().toString() == "checkpoints");
    optionsChanged();
  });
  connect(through_, &QSpinBox::valueChanged, this, &LandscapeView::optionsChanged);
  connect(samples_, &QComboBox::currentIndexChanged, this, &LandscapeView::optionsChanged);
  connect(logHeight_, &QCheckBox::toggled, this, [this](bool on) {
    if (gl_) gl_->setLogHeight(on);
  });
  connect(showSlice_, &QCheckBox::toggled, this, [this](bool on) {
    slice_->setVisible(on);
    drawSlice(shownRace_ ? nullptr : shown_.get());
  });
  connect(&theme(), &Theme::changed, this, [this] {
    slice_->graph(0)->setPen(QPen(landscapePath(), theme().line(2)));
    redraw();
  });
  setNote(tr("Step or Play: the landscape follows the path the weights take."));
}

QCustomPlot* LandscapeView::plot() const { return showing3D() ? nullptr : map_; }

nlohmann::json LandscapeView::options() const {
  nlohmann::json o{{"plane", plane_->currentData().toString().toStdString()},
                   {"grid", kGrid},
                   {"samples", samples_->currentData().toInt()}};
  if (o["plane"] == "checkpoints" && through_->value() >= 0) o["through"] = through_->value();
  return o;
}

void LandscapeView::optionsChanged() { emit probesChanged(); }

Landscape3D* LandscapeView::surface3D() const { return gl_.data(); }

bool LandscapeView::showing3D() const { return gl_ && stack_->currentWidget() == gl_.data(); }

void LandscapeView::setFallback(const QString& why) {
  fallback_ = why;
  fallbackNote_->setText(why);
  fallbackNote_->setVisible(!why.isEmpty());
  if (!why.isEmpty()) {
    want3D_ = false;
    mode3D_->setChecked(false);
    mode3D_->setEnabled(false);
    mode3D_->setToolTip(why);
    logHeight_->setVisible(false);
    stack_->setCurrentWidget(map_);
  }
}

void LandscapeView::set3D(bool on) {
  want3D_ = on && fallback_.isEmpty();
  if (mode3D_->isChecked() != want3D_) mode3D_->setChecked(want3D_);
  logHeight_->setVisible(want3D_);
  if (want3D_ && isVisible()) ensure3D();
  stack_->setCurrentWidget(want3D_ && gl_ ? static_cast<QWidget*>(gl_) : map_);
  redraw();
}

// The GL widget is made the first time the 3-D view is on screen: a window without it never
// pays for OpenGL composition.
void LandscapeView::ensure3D() {
  if (gl_ || !fallback_.isEmpty()) return;
  gl_ = new Landscape3D(this);
  gl_->setObjectName("surface3D");
  gl_->setLogHeight(logHeight_->isChecked());
  stack_->addWidget(gl_);
  connect(gl_, &Landscape3D::failed, this, [this](const QString& log) {
    setFallback(tr("Showing the map: the 3-D view could not start.\n%1").arg(log));
    redraw();
  });
}

void LandscapeView::showEvent(QShowEvent* e) {
  View::showEvent(e);
  if (want3D_ && !gl_) set3D(true);
}

// The map is drawn afresh each time; the 3-D surface keeps its mesh while the grid is the same.
void LandscapeView::redraw() {
  map_->clearAll();
  runners_ = pathPoints_ = surfaceCells_ = 0;
  if (shownRace_) drawRace(*shownRace_);
  else if (shown_ && shown_->why.empty()) drawProbe(*shown_);
  else if (gl_) gl_->clearSurface();
  drawSlice(shownRace_ ? nullptr : shown_.get());
  map_->replot(QCustomPlot::rpQueuedReplot);
}

void LandscapeView::drawProbe(const LandscapeProbe& p) {
  const QString x = p.xLabel.empty() ? defaultLabel(true) : QString::fromStdString(p.xLabel);
  const QString y = p.yLabel.empty() ? defaultLabel(false) : QString::fromStdString(p.yLabel);
  if (showing3D()) {
    gl_->setSurface(p.loss);
    gl_->setAxisLabels(x, y);
    gl_->setPaths({{p.pathX, p.pathY, landscapePath(), tr("path")}}, true);
  } else {
    map_->setAxisLabels(x, y);
    map_->setSurface(p.loss);
    map_->setPath(p.pathX, p.pathY);
  }
  surfaceCells_ = p.loss.w * p.loss.h;
  pathPoints_ = int(p.pathX.size());
  if (!p.pathSteps.empty() && through_->maximum() != p.pathSteps.back()) {
    const QSignalBlocker block(through_);
    through_->setRange(-1, int(std::min<int64_t>(p.pathSteps.back(), 1 << 30)));
  }
}

// Every optimizer's path from the common start, one colour each, with the legend.
void LandscapeView::drawRace(const RaceProbe& r) {
  std::vector<LandscapeMap::Runner> runners;
  std::vector<Landscape3D::Path> paths;
  for (size_t i = 0; i < r.runners.size(); ++i) {
    const auto& run = r.runners[i];
    const QColor color(kRaceColors[i % 7]);
    const QString name = tr("%1 %2 → %3").arg(QString::fromStdString(run.optimizer)).arg(run.lr)
                             .arg(std::isfinite(run.finalLoss) ? QString::number(run.finalLoss, 'g', 3) : tr("diverged"));
    runners.push_back({run.x, run.y, color, name});
    paths.push_back({run.x, run.y, color, name});
  }
  const QString x = tr("the paths' first principal direction"), y = tr("second principal direction");
  if (showing3D()) {
    gl_->setSurface(r.loss);
    gl_->setAxisLabels(x, y);
    gl_->setPaths(paths, false);
  } else {
    map_->setAxisLabels(x, y);
    map_->setSurface(r.loss);
    map_->setRunners(runners);
  }
  surfaceCells_ = r.loss.w * r.loss.h;
  runners_ = int(r.runners.size());
}

// The loss along t ↦ θ₀ + t·(θ − θ₀), the start and now marked.
void LandscapeView::drawSlice(const LandscapeProbe* p) {
  if (!slice_->isVisible()) return;
  QVector<double> t, loss, markT, markLoss;
  if (p && p->why.empty())
    for (size_t i = 0; i < std::min(p->sliceT.size(), p->sliceLoss.size()); ++i) {
      if (!(p->sliceLoss[i] > 0) || !std::isfinite(p->sliceLoss[i])) continue;
      t.push_back(p->sliceT[i]), loss.push_back(p->sliceLoss[i]);
    }
  for (double at : {0.0, 1.0}) {  // the points nearest the start and now
    int best = -1;
    for (int i = 0; i < t.size(); ++i)
      if (best < 0 || std::abs(t[i] - at) < std::abs(t[best] - at)) best = i;
    if (best >= 0) markT.push_back(t[best]), markLoss.push_back(loss[best]);
  }
  slice_->graph(0)->setData(t, loss, true);
  slice_->graph(1)->setData(markT, markLoss, true);
  if (!t.isEmpty()) {
    slice_->xAxis->setRange(t.front(), t.back());
    slice_->yAxis->rescale();
  }
  slice_->replot(QCustomPlot::rpQueuedReplot);
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
    if (race != shownRace_) {
      shownRace_ = race;
      shown_.reset();
      redraw();
      QString best;
      double bestLoss = INFINITY;
      for (const auto& run : race->runners)
        if (run.finalLoss < bestLoss) bestLoss = run.finalLoss, best = QString::fromStdString(run.optimizer);
      setNote(tr("Race from step %L1: %2 steps each, the same batches, each optimizer at its default "
                 "learning rate; loss on %3 training samples. Lowest: %4. The plane holds %5 % of "
                 "the paths. Step or Play to go back to the training path.")
                  .arg(race->fromStep).arg(race->steps).arg(race->samples).arg(best).arg(qRound(100 * race->explained)));
      countFrame();
    }
    return;
  }
  auto landscape = s.shared<LandscapeProbe>();
  if (landscape == shown_ && !shownRace_) return;
  shownRace_.reset();
  shown_ = landscape;
  redraw();
  countFrame();
  const LandscapeProbe* p = landscape.get();
  if (!p || !p->why.empty()) {
    setNote(!s.ready ? tr("Fix the network's problems to see its loss landscape.")
            : p      ? QString::fromStdString(p->why)
                     : tr("Step or Play: the landscape follows the path the weights take."));
    return;
  }
  QString note = tr("Step %L1: loss %2 here (red dot), on %3 training samples; the path from step %L4 "
                    "(white). ")
                     .arg(p->step)
                     .arg(p->lossHere, 0, 'g', 4)
                     .arg(p->samples)
                     .arg(p->pathSteps.empty() ? p->step : p->pathSteps.front());
  if (!p->pathX.empty()) note += tr("The plane holds %1 % of the path.").arg(qRound(100 * p->explained));
  if (p->loss.w < p->gridTarget) note += tr(" Refining: %1 × %1 of %2 × %2.").arg(p->loss.w).arg(p->gridTarget);
  setNote(note);
}

}  // namespace gradlab::widgets
