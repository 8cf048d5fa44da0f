#include "views/adversarial_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "backend/backend.h"
#include "network/network.h"
#include "theme.h"
#include "views/image_drop.h"
#include "train/session.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

namespace {

constexpr double kEpsStep = 0.005;  // the slider's resolution
constexpr int kEpsTicks = 60;       // ε from 0 to 0.3

QRgb mix(const QColor& a, const QColor& b, double t) {
  return qRgb(int(a.red() + (b.red() - a.red()) * t), int(a.green() + (b.green() - a.green()) * t),
              int(a.blue() + (b.blue() - a.blue()) * t));
}

// An image [C, H, W] (or any shape, as one row) of values in [0, 1]: grey for one channel, RGB
// for three.
QImage picture(const std::vector<float>& v, const Shape& shape) {
  const bool image = shape.size() == 3;
  const int c = image ? int(shape[0]) : 1;
  const int h = image ? int(shape[1]) : 1, w = image ? int(shape[2]) : int(v.size());
  QImage img(w, h, QImage::Format_RGB32);
  const int64_t plane = int64_t(h) * w;
  for (int y = 0; y < h; ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      auto at = [&](int ch) {
        return int(std::clamp(double(v[size_t(ch * plane + y * w + x)]), 0.0, 1.0) * 255);
      };
      line[x] = c == 3 ? qRgb(at(0), at(1), at(2)) : qRgb(at(0), at(0), at(0));
    }
  }
  return img;
}

// δ = x' − x, its mean over channels, diverging: white 0, the theme's high colour +scale, its low
// colour −scale (δ/scale clamped to [−1, 1]).
QImage perturbation(const AdversarialProbe& r, double scale) {
  const bool image = r.shape.size() == 3;
  const int c = image ? int(r.shape[0]) : 1;
  const int h = image ? int(r.shape[1]) : 1, w = image ? int(r.shape[2]) : int(r.original.size());
  const int64_t plane = int64_t(h) * w;
  const QColor zero("#f4f6f7"), plus = theme().high(), minus = theme().low();
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      double d = 0;
      for (int ch = 0; ch < c; ++ch) {
        const size_t i = size_t(ch * plane + y * w + x);
        d += double(r.adversarial[i]) - double(r.original[i]);
      }
      const double t = scale > 0 ? std::clamp(d / c / scale, -1.0, 1.0) : 0.0;
      line[x] = mix(zero, t >= 0 ? plus : minus, std::abs(t));
    }
  }
  return img;
}

QString className(const std::vector<std::string>& names, int c) {
  if (c >= 0 && c < int(names.size())) return QString::fromStdString(names[size_t(c)]);
  return QObject::tr("class %1").arg(c);
}

QString percent(const std::vector<float>& p, int c) {
  if (c < 0 || c >= int(p.size())) return QString();
  return QString::number(100.0 * p[size_t(c)], 'f', 0) + " %";
}

}  // namespace

// --- AdversarialPictures -----------------------------------------------------------------

AdversarialPictures::AdversarialPictures(QWidget* parent) : QWidget(parent) {
  setObjectName("adversarialPictures");
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  connect(&theme(), &Theme::changed, this, [this] {
    if (r_ && r_->why.empty()) perturbation_ = perturbation(*r_, std::max(r_->eps, 1e-12));
    update();
  });
}

void AdversarialPictures::setResult(std::shared_ptr<const AdversarialProbe> r,
                                    std::vector<std::string> classNames, const QString& empty) {
  r_ = std::move(r);
  names_ = std::move(classNames);
  empty_ = empty;
  if (r_ && r_->why.empty()) {
    original_ = picture(r_->original, r_->shape);
    adversarial_ = picture(r_->adversarial, r_->shape);
    // Amplified so that ±ε is the full colour: factor 1/ε.
    perturbation_ = perturbation(*r_, std::max(r_->eps, 1e-12));
  }
  update();
}

void AdversarialPictures::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  QFont f = font();
  f.setPointSizeF(f.pointSizeF() * theme().scale());
  p.setFont(f);
  const QColor text = palette().color(QPalette::WindowText);
  if (!r_ || !r_->why.empty()) {
    p.setPen(text);
    p.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
               r_ ? QString::fromStdString(r_->why) : empty_);
    return;
  }
  const QFontMetrics fm(f);
  QFont bold = f;
  bold.setBold(true);
  const int line = fm.height(), gap = 10;
  const int titleH = line + 4, captionH = 2 * line + 6, legendH = line + 6;
  // Three columns across the width; the pictures as large as height and width allow, whole
  // magnifications where they fit, so that pixels stay square and sharp.
  const int colW = std::max(30, (width() - 4 * gap) / 3);
  const int room = std::max(20, height() - titleH - captionH - legendH);
  const double aspect = double(original_.height()) / std::max(1, original_.width());
  int side = std::min(colW, int(room / std::max(aspect, 1e-3)));
  if (side >= original_.width()) side = side / original_.width() * original_.width();
  const QSize drawn(side, int(side * aspect));

  const Theme& t = theme();
  const QColor flipColour = t.test(), keptColour = t.train();
  const QColor quiet = palette().color(QPalette::PlaceholderText);
  const int amplify = int(std::lround(1.0 / std::max(r_->eps, 1e-12)));
  struct Tile {
    const QImage* image;
    QString title, line1, line2;
    QColor colour1, colour2;
  };
  const bool wrongBefore = r_->truth >= 0 && r_->before != r_->truth;
  const Tile tiles[3] = {
      {&original_, r_->ownImage ? tr("x: your image") : tr("x: test sample %1").arg(r_->sample),
       className(names_, r_->before) + "  " + percent(r_->probabilitiesBefore, r_->before),
       r_->truth >= 0 ? tr("true class: %1").arg(className(names_, r_->truth)) : tr("no label"),
       wrongBefore ? flipColour : text, quiet},
      {&perturbation_, r_->eps > 0 ? tr("+ δ (shown ×%1)").arg(amplify) : tr("+ δ"),
       tr("every |δ| ≤ ε = %1").arg(r_->eps, 0, 'f', 3),
       tr("largest: %1").arg(r_->change, 0, 'f', 3), text, quiet},
      {&adversarial_, tr("= x + δ"),
       className(names_, r_->after) + "  " + percent(r_->probabilitiesAfter, r_->after),
       r_->flipped() ? tr("flipped (%1 now %2)")
                           .arg(className(names_, r_->before))
                           .arg(percent(r_->probabilitiesAfter, r_->before))
                     : tr("not flipped"),
       r_->flipped() ? flipColour : keptColour, r_->flipped() ? flipColour : quiet},
  };
  int x = gap;
  for (const Tile& tile : tiles) {
    const QRect column(x, 0, colW, height());
    const QRect img(x + (colW - drawn.width()) / 2, titleH, drawn.width(), drawn.height());
    auto say = [&](int y, const QString& s, const QFont& font, const QColor& c) {
      p.setFont(font);
      p.setPen(c);
      p.drawText(QRect(column.left(), y, colW, line), Qt::AlignHCenter | Qt::AlignTop,
                 QFontMetrics(font).elidedText(s, Qt::ElideRight, colW));
    };
    say(2, tile.title, f, text);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(img, *tile.image);
    p.setPen(QPen(palette().color(QPalette::Mid), 1));
    p.drawRect(img.adjusted(0, 0, -1, -1));
    say(img.bottom() + 4, tile.line1, bold, tile.colour1);
    say(img.bottom() + 4 + line, tile.line2, f, tile.colour2);
    x += colW + gap;
  }
  // What the perturbation's colours mean, and the method.
  const QString method = r_->method == AttackMethod::Pgd ? tr("PGD, %1 steps").arg(r_->steps)
                                                         : tr("FGSM, one step");
  p.setFont(f);
  p.setPen(quiet);
  const QString legend =
      tr("δ: blue = brighter, orange = darker, full colour = ε; %1 along the sign of ∂loss/∂x")
          .arg(method);
  p.drawText(QRect(gap, titleH + drawn.height() + captionH + 2, width() - 2 * gap, line),
             Qt::AlignHCenter | Qt::AlignTop, fm.elidedText(legend, Qt::ElideRight, width() - 2 * gap));
}

// --- AdversarialView ---------------------------------------------------------------------

const std::vector<double>& AdversarialView::curveEps() {
  static const std::vector<double> eps{0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3};
  return eps;
}

AdversarialView::AdversarialView(QWidget* parent) : View(tr("Adversarial"), parent) {
  setObjectName("adversarialView");
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 2);
  method_ = new QComboBox(this);
  method_->setObjectName("adversarialMethod");
  method_->addItem(tr("FGSM"), int(AttackMethod::Fgsm));
  method_->addItem(tr("PGD (10 steps)"), int(AttackMethod::Pgd));
  method_->setToolTip(tr("FGSM: one step of size ε along the sign of the loss's gradient.\n"
                         "PGD: ten smaller steps, each kept within ε of the original."));
  controls->addWidget(method_);
  eps_ = new QSlider(Qt::Horizontal, this);
  eps_->setObjectName("adversarialEps");
  eps_->setRange(0, kEpsTicks);
  eps_->setValue(20);
  eps_->setToolTip(tr("ε: how far each pixel may move (pixels are 0 to 1)"));
  epsLabel_ = new QLabel(this);
  epsLabel_->setMinimumWidth(epsLabel_->fontMetrics().horizontalAdvance("ε = 0.000  "));
  controls->addWidget(epsLabel_);
  controls->addWidget(eps_, 1);
  controls->addWidget(new QLabel(tr("Sample"), this));
  sample_ = new QSpinBox(this);
  sample_->setObjectName("adversarialSample");
  sample_->setRange(0, 0);
  sample_->setToolTip(tr("Which test sample to attack"));
  controls->addWidget(sample_);
  body()->addLayout(controls);

  pictures_ = new AdversarialPictures(this);
  body()->addWidget(pictures_, 3);

  auto* curveRow = new QHBoxLayout;
  curveRow->setContentsMargins(4, 2, 4, 2);
  curveButton_ = new QPushButton(tr("Accuracy vs ε"), this);
  curveButton_->setObjectName("adversarialCurve");
  curveButton_->setToolTip(tr("Attack the test set at several ε with the chosen method and plot "
                              "the accuracy (on a copy of the current weights)"));
  curveRow->addWidget(curveButton_);
  curveRow->addWidget(new QLabel(tr("on"), this));
  curveSamples_ = new QSpinBox(this);
  curveSamples_->setObjectName("adversarialCurveSamples");
  curveSamples_->setRange(100, 10000);
  curveSamples_->setSingleStep(100);
  curveSamples_->setValue(1000);
  curveSamples_->setSuffix(tr(" test samples"));
  curveRow->addWidget(curveSamples_);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setTextVisible(false);
  progress_->setMaximumHeight(12);
  progress_->hide();
  curveRow->addWidget(progress_, 1);
  curveInfo_ = new QLabel(this);
  curveInfo_->setObjectName("adversarialCurveInfo");
  curveRow->addWidget(curveInfo_, 1);
  body()->addLayout(curveRow);

  plot_ = new LivePlot(this);
  stylePlot(plot_);
  plot_->setMinimumHeight(140);
  plot_->xAxis->setLabel(tr("ε (largest change of a pixel)"));
  plot_->yAxis->setLabel(tr("test accuracy"));
  plot_->xAxis->setRange(0, curveEps().back());
  plot_->yAxis->setRange(0, 1.02);
  plot_->legend->setVisible(false);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  for (AttackMethod m : {AttackMethod::Fgsm, AttackMethod::Pgd}) {
    QCPGraph* g = plot_->addGraph();
    g->setName(m == AttackMethod::Fgsm ? tr("FGSM") : tr("PGD (10 steps)"));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    g->removeFromLegend();
    graphs_[m] = g;
  }
  epsLine_ = new QCPItemStraightLine(plot_);
  body()->addWidget(plot_, 2);

  auto applyTheme = [this] {
    const Theme& t = theme();
    graphs_[AttackMethod::Fgsm]->setPen(QPen(t.series(0), t.line(2)));
    graphs_[AttackMethod::Pgd]->setPen(QPen(t.series(1), t.line(2)));
    for (auto& [m, g] : graphs_)
      g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, t.point(5)));
    epsLine_->setPen(QPen(t.test(), t.line(1.5), Qt::DashLine));
    plot_->replot(QCustomPlot::rpQueuedReplot);
    pictures_->update();
  };
  applyTheme();
  connect(&theme(), &Theme::changed, this, applyTheme);

  poll_ = new QTimer(this);
  poll_->setInterval(50);
  connect(poll_, &QTimer::timeout, this, &AdversarialView::poll);
  connect(method_, &QComboBox::currentIndexChanged, this, [this] { emit probesChanged(); });
  connect(eps_, &QSlider::valueChanged, this, [this] {
    updateEpsLabel();
    updateCurveInfo();
    emit probesChanged();
  });
  connect(sample_, &QSpinBox::valueChanged, this, [this] { emit probesChanged(); });
  drop_ = new ImageDrop(this, toolbar());
  connect(sample_, &QSpinBox::valueChanged, this, [this] {
    drop_->clear();  // a test sample again
    dropMessage_.clear();
  });
  connect(drop_, &ImageDrop::changed, this, [this] {
    dropMessage_.clear();
    emit probesChanged();
  });
  connect(drop_, &ImageDrop::failed, this, [this](const QString& m) {
    dropMessage_ = m;
    setNote(tr("Your image cannot be used: %1").arg(m));
  });
  connect(curveButton_, &QPushButton::clicked, this, [this] {
    if (curveRunning()) cancelCurve();
    else computeCurve(curveSamples_->value());
  });
  updateEpsLabel();
  pictures_->setResult(nullptr, {}, tr("Train a classifier (Fashion-MNIST), then see how a small "
                                       "change of one of its test images fools it."));
  setNote(tr("Adversarial examples: a change of at most ε per pixel, chosen along the loss's "
             "gradient, changes the answer. Drop a PNG or JPEG here to attack your own image."));
}

AdversarialView::~AdversarialView() { job_.cancel(); }

void AdversarialView::updateEpsLabel() {
  epsLabel_->setText(tr("ε = %1").arg(eps(), 0, 'f', 3));
  epsLine_->point1->setCoords(eps(), 0);
  epsLine_->point2->setCoords(eps(), 1);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void AdversarialView::setEps(double eps) { eps_->setValue(int(std::lround(eps / kEpsStep))); }
double AdversarialView::eps() const { return eps_->value() * kEpsStep; }
void AdversarialView::setMethod(AttackMethod m) { method_->setCurrentIndex(method_->findData(int(m))); }
AttackMethod AdversarialView::method() const { return AttackMethod(method_->currentData().toInt()); }
void AdversarialView::setSample(int index) { sample_->setValue(index); }
int AdversarialView::sample() const { return sample_->value(); }

void AdversarialView::addProbes(ProbeRequest& request) const {
  nlohmann::json options = {{"eps", eps()},
                            {"method", toString(method())},
                            {"sample", sample()},
                            {"steps", 10}};
  if (drop_->active()) options["image"] = drop_->values();
  request.ask<AdversarialProbe>(std::move(options));
}

void AdversarialView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  spec_ = spec;
  specValid_ = analysis.problems.empty();
  auto in = analysis.outShapes.find(analysis.inputBlock);
  if (in != analysis.outShapes.end()) drop_->setInputShape(in->second);
}

void AdversarialView::showSnapshot(const Snapshot& s) {
  if (s.data) {
    const Dataset& d = s.data->test.size() > 0 ? s.data->test : s.data->train;
    setMaximum(sample_, int(std::max<int64_t>(0, d.size() - 1)));
  }
  auto r = s.shared<AdversarialProbe>();
  if (r == shown_) return;
  shown_ = r;
  std::vector<std::string> names;
  if (s.data) names = (r && !r->onTest ? s.data->train : s.data->test).classNames;
  pictures_->setResult(r, names,
                       !s.ready ? tr("Fix the network's problems to attack it.")
                                : tr("Step or Play: the attacked sample shows here."));
  if (!r || !r->why.empty()) {
    setNote(tr("Step %L1.").arg(s.step));
    return;
  }
  if (!dropMessage_.isEmpty()) return;  // the message about the dropped file stays
  const QString what = r->ownImage && drop_->image()
                           ? tr("your image %1").arg(drop_->fileName())
                           : tr("test sample %1").arg(r->sample);
  const QString method = r->method == AttackMethod::Pgd ? tr("PGD") : tr("FGSM");
  setNote(r->flipped()
              ? tr("Step %L1: %2 with %3 at ε = %4 — no pixel moved by more than %5, and the "
                   "network now says %6 instead of %7.")
                    .arg(s.step)
                    .arg(what, method)
                    .arg(r->eps, 0, 'g', 3)
                    .arg(r->change, 0, 'f', 3)
                    .arg(className(names, r->after), className(names, r->before))
              : tr("Step %L1: %2 with %3 at ε = %4 still reads %5; raise ε or try another "
                   "sample.")
                    .arg(s.step)
                    .arg(what, method)
                    .arg(r->eps, 0, 'g', 3)
                    .arg(className(names, r->after)));
  countFrame();
}

bool AdversarialView::computeCurve(int64_t samples) {
  const Snapshot* s = latest();
  if (!session() || !s || !s->ready || !specValid_) {
    curveInfo_->setText(tr("The curve needs a trained network: load data and press Play first."));
    return false;
  }
  if (!s->data || s->data->test.size() == 0 || !s->data->test.isClassification()) {
    curveInfo_->setText(tr("The curve needs a test set with classes (Fashion-MNIST)."));
    return false;
  }
  job_.cancel();
  jobMethod_ = method();
  jobSamples_ = samples;
  weights_ = session()->weights();
  waiting_ = true;
  jobStep_ = s->step;
  progress_->setValue(0);
  progress_->show();
  curveInfo_->clear();
  curveButton_->setText(tr("Cancel"));
  poll_->start();
  return true;
}

void AdversarialView::cancelCurve() {
  waiting_ = false;
  job_.cancel();
  poll_->stop();
  progress_->hide();
  curveButton_->setText(tr("Accuracy vs ε"));
  curveInfo_->setText(tr("Cancelled."));
}

void AdversarialView::startJob(TensorMap weights) {
  const Snapshot* s = latest();
  std::shared_ptr<const Split> data = s ? s->data : nullptr;
  if (!data || weights.empty()) {
    cancelCurve();
    curveInfo_->setText(tr("There are no weights to attack yet: press Play first."));
    return;
  }
  AttackOptions options;
  options.method = jobMethod_;
  options.steps = 10;
  job_.start([spec = spec_, weights = std::move(weights), data, options,
              samples = jobSamples_](const auto& progress) {
    // A CPU copy of the network: the training worker keeps its own.
    Network net(spec, cpuBackend(), DType::F32, 0);
    net.loadWeights(weights, "the training session");
    return accuracyUnderAttack(net, data->test, curveEps(), options, samples, progress);
  });
}

void AdversarialView::poll() {
  if (waiting_) {
    if (!weights_.valid() ||
        weights_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      return;
    waiting_ = false;
    startJob(weights_.get());
    return;
  }
  progress_->setValue(int(job_.progress() * 1000));
  if (job_.running()) return;
  poll_->stop();
  progress_->hide();
  curveButton_->setText(tr("Accuracy vs ε"));
  auto outcome = job_.take();
  if (!outcome) return;
  if (!outcome->value) {
    curveInfo_->setText(tr("The curve failed: %1").arg(QString::fromStdString(outcome->error)));
    return;
  }
  curves_[jobMethod_] = std::move(*outcome->value);
  drawCurves();
  emit curveFinished();
}

std::vector<EpsAccuracy> AdversarialView::curve(AttackMethod m) const {
  auto it = curves_.find(m);
  return it == curves_.end() ? std::vector<EpsAccuracy>{} : it->second;
}

void AdversarialView::drawCurves() {
  bool any = false;
  for (auto& [m, g] : graphs_) {
    const std::vector<EpsAccuracy> c = curve(m);
    QVector<double> x, y;
    for (const EpsAccuracy& p : c) {
      x << p.eps;
      y << p.accuracy;
    }
    g->setData(x, y, true);
    if (!c.empty()) g->addToLegend();  // false when it is there already
    any = any || !c.empty();
    if (!c.empty())
      g->setName((m == AttackMethod::Fgsm ? tr("FGSM") : tr("PGD (10 steps)")) +
                 tr(", %L1 samples").arg(c.front().samples));
  }
  plot_->legend->setVisible(any);
  plot_->replot(QCustomPlot::rpQueuedReplot);
  updateCurveInfo();
}

void AdversarialView::updateCurveInfo() {
  // The last curve's accuracy without an attack and at the computed ε nearest the slider's.
  const std::vector<EpsAccuracy> c = curve(jobMethod_);
  if (c.size() < 2 || curveRunning()) return;
  const auto near = std::min_element(c.begin(), c.end(), [&](const auto& a, const auto& b) {
    return std::abs(a.eps - eps()) < std::abs(b.eps - eps());
  });
  curveInfo_->setText(tr("Accuracy %1 without an attack, %2 at ε = %3 (%4, step %L5).")
                          .arg(c.front().accuracy, 0, 'f', 3)
                          .arg(near->accuracy, 0, 'f', 3)
                          .arg(near->eps, 0, 'g', 3)
                          .arg(jobMethod_ == AttackMethod::Pgd ? tr("PGD") : tr("FGSM"))
                          .arg(jobStep_));
}

}  // namespace gradlab::widgets
