#include "editor/activation_plot.h"

#include <QLabel>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "backend/backend.h"
#include "blocks/activation.h"
#include "views/view.h"

namespace gradlab::widgets {

namespace {
constexpr int kPoints = 161;  // z = −4, −3.95, …, 4
}

ActivationPlot::ActivationPlot(QWidget* parent) : QWidget(parent) {
  setObjectName("activationPlot");
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(0, 6, 0, 0);
  note_ = new QLabel(this);
  note_->setWordWrap(true);
  note_->setStyleSheet("color: #546e7a;");
  plot_ = new QCustomPlot(this);
  stylePlot(plot_);
  plot_->setMinimumSize(220, 130);
  plot_->xAxis->setLabel("z");
  plot_->xAxis->setRange(-4, 4);
  QCPGraph* f = plot_->addGraph();
  f->setPen(QPen(QColor("#0877bd"), 2));
  f->setName("f(z)");
  QCPGraph* d = plot_->addGraph();
  d->setPen(QPen(QColor("#f59322"), 2));
  d->setName("f′(z)");
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  v->addWidget(note_);
  v->addWidget(plot_);
  hide();
}

void ActivationPlot::setActivation(const QString& name) {
  if (name == name_) return;
  name_ = name;
  zs_.clear(), fs_.clear(), ds_.clear();
  if (name.isEmpty()) {
    hide();
    return;
  }
  show();
  Act f;
  try {
    f = parseAct(name.toStdString());
  } catch (const std::exception& e) {
    note_->setText(QString::fromStdString(e.what()));
    plot_->hide();
    return;
  }
  if (f == Act::Softmax) {
    note_->setText(tr("softmax works on a whole row: yᵢ = e^zᵢ / Σⱼ e^zⱼ — the outputs are "
                      "positive and add up to 1, so they read as class probabilities."));
    plot_->hide();
    return;
  }
  // Through the engine, as a block computes it: y = f(z), dz = f′(z) · 1.
  Backend& be = cpuBackend();
  std::vector<double> z(kPoints), one(kPoints, 1.0);
  for (int i = 0; i < kPoints; ++i) z[size_t(i)] = -4 + 8.0 * i / (kPoints - 1);
  Tensor zt = be.empty({1, kPoints}, DType::F64), yt = be.empty({1, kPoints}, DType::F64);
  Tensor dy = be.empty({1, kPoints}, DType::F64), dz = be.empty({1, kPoints}, DType::F64);
  zt.fromHost(std::span<const double>(z));
  dy.fromHost(std::span<const double>(one));
  be.actForward(f, zt, yt);
  be.actBackward(f, zt, yt, dy, dz, /*accumulate=*/false);
  zs_ = z;
  fs_ = yt.toHost();
  ds_ = dz.toHost();
  plot_->graph(0)->setData(QVector<double>(zs_.begin(), zs_.end()), QVector<double>(fs_.begin(), fs_.end()), true);
  plot_->graph(1)->setData(QVector<double>(zs_.begin(), zs_.end()), QVector<double>(ds_.begin(), ds_.end()), true);
  double lo = 0, hi = 1;
  for (size_t i = 0; i < fs_.size(); ++i) lo = std::min({lo, fs_[i], ds_[i]}), hi = std::max({hi, fs_[i], ds_[i]});
  const double pad = 0.08 * (hi - lo);
  plot_->yAxis->setRange(lo - pad, hi + pad);
  double maxSlope = 0;
  for (double d : ds_) maxSlope = std::max(maxSlope, d);
  note_->setText(tr("%1 (blue) and its slope f′ (orange), the factor every gradient passing back "
                    "through it is multiplied by; here at most %2.")
                     .arg(name).arg(maxSlope, 0, 'g', 3));
  plot_->show();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

double ActivationPlot::valueAt(double z) const {
  for (size_t i = 0; i < zs_.size(); ++i)
    if (std::abs(zs_[i] - z) < 1e-9) return fs_[i];
  return NAN;
}

double ActivationPlot::slopeAt(double z) const {
  for (size_t i = 0; i < zs_.size(); ++i)
    if (std::abs(zs_[i] - z) < 1e-9) return ds_[i];
  return NAN;
}

}  // namespace gradlab::widgets
