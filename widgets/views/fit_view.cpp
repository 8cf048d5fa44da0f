#include "views/fit_view.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include "data/functions1d.h"
#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

FitView::FitView(QWidget* parent) : View(tr("Fit"), parent) {
  setObjectName("fitView");
  plot_ = new LivePlot(this);
  stylePlot(plot_);
  body()->addWidget(plot_);
  plot_->xAxis->setLabel("x");
  plot_->yAxis->setLabel("y");
  target_ = plot_->addGraph();
  target_->setPen(QPen(QColor("#9e9e9e"), 2, Qt::DashLine));
  target_->setName(tr("true function"));
  train_ = plot_->addGraph();
  train_->setLineStyle(QCPGraph::lsNone);
  train_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor("#0877bd"), 5));
  train_->setName(tr("training data"));
  test_ = plot_->addGraph();
  test_->setLineStyle(QCPGraph::lsNone);
  test_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor("#f59322"), 1.5), Qt::NoBrush, 6));
  test_->setName(tr("test data"));
  fit_ = plot_->addGraph();
  fit_->setPen(QPen(QColor("#d62728"), 2.5));
  fit_->setName(tr("network"));
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  auto applyTheme = [this] {  // the theme's colours and sizes (theme.h)
    const Theme& t = theme();
    train_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, t.train(), t.point(5)));
    test_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(t.test(), t.line(1.5)), Qt::NoBrush, t.point(6)));
    fit_->setPen(QPen(t.presenting() ? QColor("#000000") : QColor("#d62728"), t.line(2.5)));
    target_->setPen(QPen(QColor("#9e9e9e"), t.line(2), Qt::DashLine));
    plot_->replot(QCustomPlot::rpQueuedReplot);
  };
  applyTheme();
  connect(&theme(), &Theme::changed, this, applyTheme);
}

int FitView::fitPoints() const { return fit_->dataCount(); }

void FitView::showSnapshot(const Snapshot& s) {
  if (!s.data || s.data->train.xShape != Shape{1} || s.data->train.isClassification()) {
    setNote(tr("The fit view needs 1-D regression data (one input, a number to predict): choose "
               "fn-sine, fn-step, fn-abs, fn-cubic or fn-bump in the Data panel."));
    bool drawn = false;  // anything left from earlier data (whatever data_ says) goes
    for (QCPGraph* g : {target_, train_, test_, fit_}) {
      drawn |= g->dataCount() > 0;
      g->data()->clear();
    }
    if (drawn) plot_->replot(QCustomPlot::rpQueuedReplot);
    data_ = nullptr;
    probe_ = nullptr;
    return;
  }
  if (s.data.get() != data_) {
    data_ = s.data.get();
    auto points = [](const Dataset& d, QCPGraph* g) {
      QVector<double> xs, ys;
      for (int64_t i = 0; i < d.size(); ++i) {
        xs << d.x[size_t(i)];
        ys << d.y[size_t(i * std::max<int64_t>(1, d.yStride()))];
      }
      g->setData(xs, ys);
    };
    points(s.data->train, train_);
    points(s.data->test, test_);
    target_->data()->clear();
    const std::string fn = function_.toStdString();
    bool known = false;
    for (const auto& n : function1dNames()) known |= n == fn;
    if (known) {
      const auto [lo, hi] = function1dInterval(fn);
      QVector<double> xs, ys;
      for (int i = 0; i <= 400; ++i) {
        const double x = lo + (hi - lo) * i / 400.0;
        xs << x;
        ys << function1dValue(fn, x);
      }
      target_->setData(xs, ys, true);
    }
    plot_->rescaleAxes();
  }
  const FitProbe* probe = s.probe<FitProbe>();
  if (probe && probe == probe_) return;  // nothing new to draw
  probe_ = probe;
  if (probe) {
    fit_->setData(QVector<double>(probe->xs.begin(), probe->xs.end()),
                  QVector<double>(probe->ys.begin(), probe->ys.end()), true);
    setNote(tr("Step %L1: the network's prediction (red) against the data.").arg(s.step));
  } else {
    fit_->data()->clear();
    setNote(s.ready ? tr("Press Play to train.") : tr("Fix the network's problems to see its fit."));
  }
  bool found = false;
  QCPRange yr = train_->getValueRange(found);
  if (found) {
    const double pad = std::max(0.1, yr.size() * 0.15);
    plot_->yAxis->setRange(yr.lower - pad, yr.upper + pad);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

}  // namespace gradlab::widgets
