#include "views/visualize_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>

#include "data/own_image.h"
#include "train/session.h"
#include "theme.h"
#include "views/image_tiles.h"

namespace gradlab::widgets {

// ---------------------------------------------------------------------------------- canvas

VisualizeCanvas::VisualizeCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName("visualizeCanvas");
  setMinimumSize(320, 200);
  connect(&theme(), &Theme::changed, this, qOverload<>(&QWidget::update));
}

void VisualizeCanvas::setTiles(std::vector<VisualTile> tiles, const QString& emptyText) {
  tiles_ = std::move(tiles);
  emptyText_ = emptyText;
  update();
}

void VisualizeCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect all = rect().adjusted(10, 6, -10, -6);
  if (tiles_.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(all, Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
    return;
  }
  // The most columns whose tiles, with two caption lines, are largest: try every count.
  const QFontMetrics fm = p.fontMetrics();
  const int text = 2 * fm.height() + 4, gap = 10, n = int(tiles_.size());
  int bestCols = 1, bestSide = 0;
  for (int cols = 1; cols <= n; ++cols) {
    const int rows = (n + cols - 1) / cols;
    const int side = std::min((all.width() - (cols - 1) * gap) / cols,
                              (all.height() - rows * (text + gap)) / rows);
    if (side > bestSide) bestSide = side, bestCols = cols;
  }
  const int side = std::max(bestSide, 16);
  for (int i = 0; i < n; ++i) {
    const VisualTile& t = tiles_[size_t(i)];
    const int r = i / bestCols, c = i % bestCols;
    const QRect cell(all.left() + c * (side + gap), all.top() + r * (side + text + gap), side, side + text);
    const QImage img = inputImage(t.picture.image, t.picture.shape);
    const QRect drawn = drawPixels(p, QRect(cell.left(), cell.top(), side, side), img);
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    const QRect title(cell.left() - gap / 2, drawn.bottom() + 3, side + gap, fm.height());
    p.drawText(title, Qt::AlignHCenter | Qt::AlignTop, fm.elidedText(t.title, Qt::ElideRight, title.width()));
    p.setFont(font());
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(title.translated(0, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
               fm.elidedText(t.caption, Qt::ElideRight, title.width()));
  }
}

// ---------------------------------------------------------------------------------- view

VisualizeView::VisualizeView(QWidget* parent) : View(tr("Feature visualisation"), parent) {
  setObjectName("visualizeView");
  toolbar()->addWidget(new QLabel(tr("Target "), this));
  target_ = new QComboBox(this);
  target_->setObjectName("visualizeTarget");
  target_->setToolTip(tr("What to maximise: a class's score, or the mean activation of one "
                         "feature map of a block"));
  target_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  target_->addItem(tr("Classes"), QString());
  toolbar()->addWidget(target_);
  index_ = new QSpinBox(this);
  index_->setObjectName("visualizeIndex");
  index_->setRange(0, 0);
  index_->setPrefix(tr("class "));
  toolbar()->addWidget(index_);
  all_ = new QCheckBox(tr("All"), this);
  all_->setObjectName("visualizeAll");
  all_->setToolTip(tr("A grid of every class (or the block's first %1 channels)").arg(kMaxChannels));
  toolbar()->addWidget(all_);
  toolbar()->addWidget(new QLabel(tr("  Steps "), this));
  steps_ = new QSpinBox(this);
  steps_->setObjectName("visualizeSteps");
  steps_->setRange(10, 2000);
  steps_->setSingleStep(50);
  steps_->setValue(200);
  steps_->setToolTip(tr("Gradient-ascent steps from noise (each: jitter, a step up the score, "
                        "L2 decay; a blur every 4)"));
  toolbar()->addWidget(steps_);
  toolbar()->addSeparator();
  go_ = new QPushButton(tr("Visualize"), this);
  go_->setObjectName("visualizeGo");
  go_->setToolTip(tr("Grow the input this target likes most from noise, for the current weights"));
  toolbar()->addWidget(go_);
  progress_ = new QProgressBar(this);
  progress_->setObjectName("visualizeProgress");
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(160);
  progress_->setTextVisible(false);
  progress_->hide();
  toolbar()->addWidget(progress_);
  canvas_ = new VisualizeCanvas(this);
  body()->addWidget(canvas_, 1);
  poll_ = new QTimer(this);
  poll_->setInterval(50);
  connect(poll_, &QTimer::timeout, this, &VisualizeView::poll);
  connect(go_, &QPushButton::clicked, this, [this] {
    if (busy())
      cancel();
    else
      visualize();
  });
  connect(target_, &QComboBox::currentIndexChanged, this, &VisualizeView::updateIndexRange);
  connect(all_, &QCheckBox::toggled, index_, &QWidget::setDisabled);
  canvas_->setTiles({}, tr("Train a network on images, then press Visualize: the input each class "
                           "(or filter) responds to most grows here from noise."));
  setNote(tr("Feature visualisation: gradient ascent on the input (Olah et al. 2017)."));
}

VisualizeView::~VisualizeView() { job_.cancel(); }

bool VisualizeView::busy() const { return waiting_ || job_.running() || poll_->isActive(); }

void VisualizeView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  spec_ = spec;
  analysis_ = analysis;
  specValid_ = analysis.problems.empty();
  updateTargets();
}

void VisualizeView::setData(const Split& data, const QString&) {
  classNames_ = data.train.classNames;
  classes_ = data.train.numClasses;
  updateIndexRange();
}

void VisualizeView::updateTargets() {
  // The blocks with feature maps ([C, H, W] outputs), in network order, after "Classes".
  QStringList ids;
  for (const std::string& id : analysis_.order) {
    auto s = analysis_.outShapes.find(id);
    if (id != analysis_.inputBlock && s != analysis_.outShapes.end() && s->second.size() == 3)
      ids << QString::fromStdString(id);
  }
  QStringList now;
  for (int i = 1; i < target_->count(); ++i) now << target_->itemData(i).toString();
  if (now == ids) return updateIndexRange();
  const QString keep = target_->currentData().toString();
  {
    QSignalBlocker quiet(target_);
    target_->clear();
    target_->addItem(tr("Classes"), QString());
    for (const QString& id : ids) target_->addItem(tr("Block %1").arg(id), id);
    target_->setCurrentIndex(std::max(0, target_->findData(keep)));
  }
  updateIndexRange();
}

void VisualizeView::updateIndexRange() {
  const QString block = target_->currentData().toString();
  int count = classes_;
  if (!block.isEmpty()) {
    auto s = analysis_.outShapes.find(block.toStdString());
    count = s != analysis_.outShapes.end() && !s->second.empty() ? int(s->second[0]) : 0;
  } else if (auto o = analysis_.outShapes.find(spec_.loss.block); o != analysis_.outShapes.end() &&
                                                                   o->second.size() == 1) {
    count = int(o->second[0]);  // the network's classes, where data has not said
    if (classes_ > 0) count = std::min(count, classes_);
  }
  index_->setPrefix(block.isEmpty() ? tr("class ") : tr("channel "));
  index_->setRange(0, std::max(0, count - 1));
  all_->setText(block.isEmpty() ? tr("All classes") : tr("All channels"));
}

void VisualizeView::setTarget(const QString& block, int index, bool all) {
  target_->setCurrentIndex(std::max(0, target_->findData(block)));
  index_->setValue(index);
  all_->setChecked(all);
}

void VisualizeView::setSteps(int steps) { steps_->setValue(steps); }

QString VisualizeView::className(int c) const {
  return c >= 0 && c < int(classNames_.size()) ? QString::fromStdString(classNames_[size_t(c)])
                                               : tr("class %1").arg(c);
}

bool VisualizeView::visualize() {
  const Snapshot* s = latest();
  auto in = analysis_.outShapes.find(analysis_.inputBlock);
  if (!session() || !s || !s->ready || !specValid_ || in == analysis_.outShapes.end()) {
    setNote(tr("Feature visualisation needs a network that trains: fix its problems and load data first."));
    return false;
  }
  if (!takesImages(in->second)) {
    setNote(tr("Feature visualisation draws images: it needs a network whose input is an image "
               "([1, H, W] or [3, H, W]); this one takes %1.")
                .arg(QString::fromStdString(toString(in->second))));
    return false;
  }
  const QString block = target_->currentData().toString();
  jobTargets_.clear();
  const int count = all_->isChecked() ? (block.isEmpty() ? index_->maximum() + 1
                                                         : std::min(index_->maximum() + 1, kMaxChannels))
                                      : 1;
  for (int i = 0; i < count; ++i) {
    VisualizeTarget t;
    const int which = all_->isChecked() ? i : index_->value();
    if (block.isEmpty())
      t.cls = which;
    else
      t.block = block.toStdString(), t.channel = which;
    jobTargets_.push_back(t);
  }
  job_.cancel();
  weights_ = session()->weights();
  waiting_ = true;
  jobStep_ = s->step;
  progress_->setValue(0);
  progress_->show();
  go_->setText(tr("Cancel"));
  setNote(tr("Visualising %n target(s) for the weights of step %L1…", "", count).arg(jobStep_));
  poll_->start();
  return true;
}

void VisualizeView::cancel() {
  waiting_ = false;
  job_.cancel();
  poll_->stop();
  progress_->hide();
  go_->setText(tr("Visualize"));
  setNote(tr("Cancelled."));
}

void VisualizeView::startJob(TensorMap weights) {
  if (weights.empty()) {
    cancel();
    setNote(tr("There are no weights yet: load data and press Step or Play first."));
    return;
  }
  VisualizeOptions options;
  options.steps = steps_->value();
  job_.start([spec = spec_, weights = std::move(weights), targets = jobTargets_,
              options](const BackgroundJob<std::vector<Visualization>>::Progress& progress) {
    // A CPU copy of the network: the training worker keeps its own and trains on.
    Network net(spec, cpuBackend(), DType::F32, 1);
    net.loadWeights(weights, "the training session");
    std::vector<Visualization> out;
    const double n = double(targets.size());
    for (size_t i = 0; i < targets.size(); ++i) {
      bool stopped = false;
      out.push_back(gradlab::visualize(net, targets[i], options, [&](double share) {
        stopped = !progress((double(i) + share) / n);
        return !stopped;
      }));
      if (stopped) break;  // the job drops what it returns after a cancel
    }
    return out;
  });
}

void VisualizeView::poll() {
  if (waiting_) {
    if (!weights_.valid() || weights_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
      return;
    waiting_ = false;
    startJob(weights_.get());
    return;
  }
  progress_->setValue(int(job_.progress() * 1000));
  if (job_.running()) return;
  poll_->stop();
  progress_->hide();
  go_->setText(tr("Visualize"));
  auto outcome = job_.take();
  if (!outcome) return;
  if (!outcome->value) {
    setNote(tr("The visualisation failed: %1").arg(QString::fromStdString(outcome->error)));
    return;
  }
  std::vector<VisualTile> tiles;
  for (size_t i = 0; i < outcome->value->size() && i < jobTargets_.size(); ++i) {
    const VisualizeTarget& t = jobTargets_[i];
    VisualTile tile;
    tile.picture = std::move((*outcome->value)[i]);
    tile.title = t.block.empty() ? className(t.cls)
                                 : tr("%1 channel %2").arg(QString::fromStdString(t.block)).arg(t.channel);
    tile.caption = tr("score %1 → %2").arg(tile.picture.startScore, 0, 'g', 3).arg(tile.picture.score, 0, 'g', 3);
    tiles.push_back(std::move(tile));
  }
  canvas_->setTiles(std::move(tiles), QString());
  const VisualizeOptions o;
  setNote(tr("Step %L1's weights: each picture grew from grey noise in %2 steps of gradient ascent "
             "on the %3, jittered ±%4 px, L2 decay %5, blurred (σ %6) every %7 steps. The score "
             "beneath: before → after.")
              .arg(jobStep_)
              .arg(steps_->value())
              .arg(jobTargets_.front().block.empty() ? tr("class score (before softmax)")
                                                     : tr("feature map's mean activation"))
              .arg(o.jitter)
              .arg(o.l2)
              .arg(o.blurSigma)
              .arg(o.blurEvery));
  countFrame();
  emit finished();
}

void VisualizeView::showSnapshot(const Snapshot& s) {
  if (s.data && (s.data->train.numClasses != classes_ || s.data->train.classNames != classNames_)) {
    classNames_ = s.data->train.classNames;
    classes_ = s.data->train.numClasses;
    updateIndexRange();
  }
}

}  // namespace gradlab::widgets
