#include "panels/controls_panel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>
#include <cmath>

#include "io/training_settings.h"
#include "live_box.h"
#include "optim/optimizer.h"
#include "panels/backends.h"

namespace gradlab::widgets {

namespace {
QToolButton* button(QAction* a, QWidget* parent) {
  auto* b = new QToolButton(parent);
  b->setDefaultAction(a);
  b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  b->setIconSize(QSize(20, 20));
  b->setAutoRaise(true);
  return b;
}

QLabel* caption(const QString& text, QWidget* parent) {
  auto* l = new QLabel(text, parent);
  l->setStyleSheet("color: #546e7a;");
  return l;
}

// Slider position 0..100 <-> steps per second: 1 .. 10 000 on a log scale, 100 = flat out.
double speedOf(int v) { return v >= 100 ? 0 : std::pow(10.0, 4.0 * v / 99.0); }
int sliderOf(double s) { return s <= 0 ? 100 : std::clamp(int(std::lround(99.0 * std::log10(s) / 4.0)), 0, 99); }
}  // namespace

ControlsPanel::ControlsPanel(QAction* play, QAction* step, QAction* epoch, QAction* reset,
                             QWidget* parent)
    : QWidget(parent) {
  setObjectName("controls");
  auto* grid = new QHBoxLayout(this);
  grid->setContentsMargins(6, 2, 6, 2);
  grid->setSpacing(6);
  grid->addWidget(button(play, this));
  grid->addWidget(button(step, this));
  grid->addWidget(button(epoch, this));
  grid->addWidget(button(reset, this));

  auto* counters = new QWidget(this);
  auto* cv = new QVBoxLayout(counters);
  cv->setContentsMargins(8, 0, 8, 0);
  cv->setSpacing(0);
  counter_ = new QLabel(tr("step 0"), counters);
  QFont f = counter_->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() + 2);
  counter_->setFont(f);
  counter_->setMinimumWidth(150);
  rate_ = caption(tr("epoch 0"), counters);
  cv->addWidget(new LiveBox(counter_, counters));  // they change at every frame
  cv->addWidget(new LiveBox(rate_, counters));
  grid->addWidget(counters);

  auto* speedBox = new QWidget(this);
  auto* sv = new QVBoxLayout(speedBox);
  sv->setContentsMargins(0, 0, 0, 0);
  sv->setSpacing(0);
  speed_ = new QSlider(Qt::Horizontal, speedBox);
  speed_->setRange(0, 100);
  speed_->setValue(100);
  speed_->setMinimumWidth(120);
  speed_->setToolTip(tr("Training speed: from one step per second (to follow each step) to flat out"));
  speedLabel_ = caption({}, speedBox);
  // One click to flat out and back to the pace that shows learning (a few hundred steps/s).
  flatOut_ = new QToolButton(speedBox);
  flatOut_->setObjectName("flatOut");
  flatOut_->setText(tr("Flat out"));
  flatOut_->setCheckable(true);
  flatOut_->setAutoRaise(true);
  flatOut_->setToolTip(tr("Train as fast as the machine can (the views then show snapshots); "
                          "press again for the pace set before"));
  auto* top = new QHBoxLayout;
  top->setContentsMargins(0, 0, 0, 0);
  top->addWidget(speedLabel_);
  top->addStretch(1);
  top->addWidget(flatOut_);
  sv->addLayout(top);
  sv->addWidget(speed_);
  grid->addWidget(speedBox);
  connect(speed_, &QSlider::valueChanged, this, [this] {
    updateSpeedLabel();
    emit speedChanged(speed());
  });
  connect(flatOut_, &QToolButton::clicked, this, [this](bool on) {
    if (on) {
      paceBefore_ = speed_->value();
      speed_->setValue(100);
    } else {
      speed_->setValue(paceBefore_ >= 0 && paceBefore_ < 100 ? paceBefore_ : sliderOf(300));
    }
  });
  updateSpeedLabel();

  auto addLabelled = [&](const QString& label, QWidget* w) {
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(0);
    v->addWidget(caption(label, box));
    v->addWidget(w);
    grid->addWidget(box);
  };

  optimizer_ = new QComboBox(this);
  optimizer_->setObjectName("optimizer");
  for (const auto& n : optimNames()) optimizer_->addItem(QString::fromStdString(n));
  optimizer_->setToolTip(tr("How the weights are updated from the gradients"));
  addLabelled(tr("Optimizer"), optimizer_);
  connect(optimizer_, &QComboBox::activated, this, &ControlsPanel::configChanged);

  lr_ = new QComboBox(this);
  lr_->setEditable(true);
  lr_->setObjectName("learningRate");
  for (const char* v : {"0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                        "3", "10"})
    lr_->addItem(v);
  lr_->setCurrentText("0.03");
  lr_->setMinimumWidth(80);
  lr_->setToolTip(tr("Learning rate: the size of each update step"));
  // A rate the engine would refuse is said under the field (not only in a tooltip).
  auto* lrBox = new QWidget(this);
  auto* lrRows = new QVBoxLayout(lrBox);
  lrRows->setContentsMargins(0, 0, 0, 0);
  lrRows->setSpacing(0);
  lrRows->addWidget(lr_);
  lrError_ = new QLabel(lrBox);
  lrError_->setObjectName("learningRateError");
  lrError_->setStyleSheet("color: #c62828;");
  lrError_->setWordWrap(true);
  lrError_->hide();
  lrRows->addWidget(lrError_);
  addLabelled(tr("Learning rate"), lrBox);
  connect(lr_, &QComboBox::activated, this, &ControlsPanel::commitLr);
  connect(lr_->lineEdit(), &QLineEdit::editingFinished, this, &ControlsPanel::commitLr);

  reg_ = new QComboBox(this);
  reg_->addItems({tr("None"), "L1", "L2"});
  reg_->setToolTip(tr("Penalty on the weights: L1 = rate·Σ|w|, L2 = ½·rate·Σw²"));
  addLabelled(tr("Regularisation"), reg_);
  regRate_ = new QComboBox(this);
  for (const char* v : {"0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"})
    regRate_->addItem(v);
  regRate_->setToolTip(tr("Regularisation rate"));
  addLabelled(tr("Rate"), regRate_);
  connect(reg_, &QComboBox::activated, this, &ControlsPanel::configChanged);
  connect(regRate_, &QComboBox::activated, this, &ControlsPanel::configChanged);

  seed_ = new QSpinBox(this);
  seed_->setRange(0, 1000000);
  seed_->setObjectName("seed");
  seed_->setToolTip(tr("Random seed: initial weights, shuffling, dropout. Same seed, same run. "
                       "A new seed applies on Reset."));
  addLabelled(tr("Seed"), seed_);
  connect(seed_, &QSpinBox::valueChanged, this, &ControlsPanel::configChanged);

  randomLabels_ = new QCheckBox(tr("Random"), this);
  randomLabels_->setObjectName("randomLabels");
  randomLabels_->setToolTip(tr("Train on random labels: every training label replaced by a class "
                               "drawn from the seed, the test labels kept (Zhang et al. 2017). A "
                               "big enough network still fits them — by memorising; its test "
                               "accuracy stays at chance."));
  addLabelled(tr("Labels"), randomLabels_);
  connect(randomLabels_, &QCheckBox::toggled, this, &ControlsPanel::configChanged);

  patience_ = new QSpinBox(this);
  patience_->setObjectName("earlyStopping");
  patience_->setRange(0, 1000);
  patience_->setSpecialValueText(tr("off"));
  patience_->setToolTip(tr("Early stopping: pause when the test loss has not improved for this "
                           "many evaluations, and keep the weights of the best one (the loss "
                           "view marks its step). Off: train on."));
  addLabelled(tr("Early stopping (patience)"), patience_);
  connect(patience_, &QSpinBox::valueChanged, this, &ControlsPanel::configChanged);

  backend_ = new QComboBox(this);
  auto* model = new QStandardItemModel(backend_);
  for (const auto& c : backendChoices()) {
    auto* item = new QStandardItem(c.backend ? c.label : c.label + " — " + c.reason);
    item->setData(c.name, Qt::UserRole);
    item->setToolTip(c.backend ? c.label : c.reason);
    item->setEnabled(c.backend != nullptr);
    model->appendRow(item);
  }
  backend_->setModel(model);
  backend_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  backend_->setMinimumContentsLength(18);
  backend_->setToolTip(tr("Where training runs. Unavailable backends say why."));
  addLabelled(tr("Backend"), backend_);
  connect(backend_, &QComboBox::activated, this, [this] { emit backendChanged(backendName()); });
  grid->addStretch(1);
}

ControlsPanel::~ControlsPanel() {
  for (QObject* child : findChildren<QObject*>()) child->disconnect(this);
}

void ControlsPanel::commitLr() {
  bool ok = false;
  const double v = lr_->currentText().trimmed().toDouble(&ok);
  // The range a project's "training" object allows (NaN fails both comparisons).
  const SettingRange range = trainingRange("lr");
  if (!ok || !(v >= range.lo && v <= range.hi)) {
    const QString message = tr("\"%1\" is not a learning rate: type a number from %2 to %3, such "
                               "as 0.03 (training goes on at %4)")
                                .arg(lr_->currentText())
                                .arg(QString::number(range.lo, 'g', 12))
                                .arg(QString::number(range.hi, 'g', 12))
                                .arg(lastLr_);
    lr_->setStyleSheet("QComboBox { border: 2px solid #d62c1a; }");
    lr_->setToolTip(message);
    lrError_->setText(message);
    lrError_->show();
    return;
  }
  lr_->setStyleSheet({});
  lr_->setToolTip(tr("Learning rate: the size of each update step"));
  lrError_->hide();
  if (v == lastLr_) return;
  lastLr_ = v;
  emit configChanged();
}

TrainConfig ControlsPanel::applyTo(TrainConfig c) const {
  c.optimizer = optimizer_->currentText().toStdString();
  c.lr = lastLr_;
  const double rate = regRate_->currentText().toDouble();
  c.l1 = reg_->currentIndex() == 1 ? rate : 0;
  c.l2 = reg_->currentIndex() == 2 ? rate : 0;
  c.seed = uint64_t(seed_->value());
  c.randomLabels = randomLabels_->isChecked();
  c.earlyStopping = patience_->value();
  return c;
}

void ControlsPanel::setConfig(const TrainConfig& c) {
  QSignalBlocker b1(optimizer_), b2(lr_), b3(reg_), b4(regRate_), b5(seed_), b6(randomLabels_),
      b7(patience_);
  optimizer_->setCurrentText(QString::fromStdString(c.optimizer));
  lastLr_ = c.lr.value_or(defaultHyper(parseOptimKind(c.optimizer)).lr);
  lr_->setCurrentText(QString::number(lastLr_, 'g', 6));
  lr_->setStyleSheet({});  // a config applied replaces a refused typed rate
  lrError_->hide();
  reg_->setCurrentIndex(c.l1 > 0 ? 1 : c.l2 > 0 ? 2 : 0);
  const double rate = c.l1 > 0 ? c.l1 : c.l2;
  regRate_->setCurrentText(QString::number(rate, 'g', 6));
  seed_->setValue(int(c.seed));
  randomLabels_->setChecked(c.randomLabels);
  patience_->setValue(int(std::min<int64_t>(c.earlyStopping, patience_->maximum())));
}

double ControlsPanel::speed() const { return speedOf(speed_->value()); }

void ControlsPanel::setSpeed(double s) { speed_->setValue(sliderOf(s)); }

QString ControlsPanel::backendName() const { return backend_->currentData(Qt::UserRole).toString(); }

void ControlsPanel::updateSpeedLabel() {
  const double s = speed();
  flatOut_->setChecked(s <= 0);
  speedLabel_->setText(s <= 0 ? tr("Speed: flat out")
                       : s < 1.5 ? tr("Speed: 1 step/s")
                                 : tr("Speed: %1 steps/s")
                                       .arg(s < 10 ? QString::number(s, 'g', 2)
                                                   : QString("%L1").arg(qRound(s))));
}

void ControlsPanel::showSnapshot(const Snapshot& s) {
  counter_->setText(tr("step %L1").arg(s.step));
  QString rate = tr("epoch %1").arg(QString::number(s.epoch, 'f', 1));
  if (s.running && s.stepsPerSecond > 0)
    rate += tr(" · %L1 steps/s").arg(qRound64(s.stepsPerSecond));
  rate_->setText(rate);
}

}  // namespace gradlab::widgets
