#include "views/confusion_view.h"

#include <QPainter>
#include <QSplitter>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "panels/data_preview.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

// The misclassified examples, as thumbnails (images) or as their numbers.
class MissGrid : public QWidget {
 public:
  explicit MissGrid(QWidget* parent) : QWidget(parent) { setMinimumHeight(110); }
  void set(std::shared_ptr<const Split> data, const ConfusionProbe& c) {
    data_ = std::move(data);
    probe_ = c;
    update();
  }
  int count() const { return int(probe_.misses.size()); }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.fillRect(rect(), Qt::white);
    if (!data_ || probe_.misses.empty()) {
      p.setPen(QColor("#78909c"));
      p.drawText(rect(), Qt::AlignCenter,
                 data_ ? tr("No misclassified examples.") : QString());
      return;
    }
    const Dataset& d = probe_.onTest ? data_->test : data_->train;
    auto name = [&](int c) {
      return c < int(d.classNames.size()) ? QString::fromStdString(d.classNames[size_t(c)])
                                          : QString::number(c);
    };
    const bool images = !DataPreview::sampleImage(d, 0).isNull();
    const int cellW = images ? 92 : 150, cellH = images ? 112 : 54;
    const int perRow = std::max(1, width() / cellW);
    QFont f = font();
    f.setPointSizeF(7.5);
    p.setFont(f);
    for (size_t i = 0; i < probe_.misses.size(); ++i) {
      const auto& m = probe_.misses[i];
      const QRect cell(int(i % size_t(perRow)) * cellW, int(i / size_t(perRow)) * cellH, cellW - 4, cellH - 4);
      if (cell.top() > height()) break;
      p.setPen(QColor("#cfd8dc"));
      p.drawRect(cell);
      if (images) {
        p.drawImage(QRect(cell.left() + (cell.width() - 64) / 2, cell.top() + 4, 64, 64),
                    DataPreview::sampleImage(d, m.index));
      } else {
        QStringList xs;
        const float* x = d.x.data() + m.index * d.xStride();
        for (int64_t j = 0; j < std::min<int64_t>(d.xStride(), 4); ++j) xs << QString::number(x[j], 'g', 3);
        p.setPen(QColor("#37474f"));
        p.drawText(cell.adjusted(4, 2, -4, 0), Qt::AlignTop | Qt::AlignLeft,
                   "x = (" + xs.join(", ") + (d.xStride() > 4 ? ", …)" : ")"));
      }
      p.setPen(QColor("#2e7d32"));
      p.drawText(cell.adjusted(4, 0, -4, -18), Qt::AlignBottom | Qt::AlignLeft, tr("true: %1").arg(name(m.truth)));
      p.setPen(QColor("#c62828"));
      p.drawText(cell.adjusted(4, 0, -4, -3), Qt::AlignBottom | Qt::AlignLeft,
                 tr("said: %1 (%2 %)").arg(name(m.predicted)).arg(int(m.confidence * 100)));
    }
  }

 private:
  std::shared_ptr<const Split> data_;
  ConfusionProbe probe_;
};

ConfusionView::ConfusionView(QWidget* parent) : View(tr("Confusion"), parent) {
  setObjectName("confusionView");
  auto* split = new QSplitter(Qt::Vertical, this);
  plot_ = new LivePlot(split);
  stylePlot(plot_);
  plot_->xAxis->setLabel(tr("predicted class"));
  plot_->yAxis->setLabel(tr("true class"));
  plot_->yAxis->setRangeReversed(true);
  map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
  map_->setInterpolate(false);
  map_->setTightBoundary(false);  // cell (p, t) centred on the class ticks p and t
  QCPColorGradient grad;
  grad.clearColorStops();
  grad.setColorStopAt(0, QColor("#ffffff"));
  grad.setColorStopAt(1, QColor("#0877bd"));
  map_->setGradient(grad);
  grid_ = new MissGrid(split);
  split->addWidget(plot_);
  split->addWidget(grid_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  body()->addWidget(split);
}

int ConfusionView::misses() const { return grid_->count(); }

QStringList ConfusionView::classLabels() const {
  QStringList names;
  if (auto t = plot_->yAxis->ticker().dynamicCast<QCPAxisTickerText>())
    for (const QString& n : t->ticks()) names << n;
  return names;
}

void ConfusionView::clear() {
  for (auto* l : labels_) plot_->removeItem(l);
  labels_.clear();
  map_->setVisible(false);
  plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  grid_->set(nullptr, ConfusionProbe{});
  k_ = 0;
  total_ = 0;
  probe_ = nullptr;
  data_ = nullptr;
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ConfusionView::showSnapshot(const Snapshot& s) {
  if (!s.data || !s.data->train.isClassification()) {
    setNote(tr("The confusion matrix needs a classification dataset (classes to predict)."));
    if (data_) clear();
    return;
  }
  if (s.data.get() != data_) {  // other data: other classes, and the old matrix is not theirs
    clear();
    data_ = s.data.get();
  }
  const ConfusionProbe* probe = s.probe<ConfusionProbe>();
  if (probe == probe_ || !probe) {
    if (!probe) setNote(s.ready ? tr("Computing…") : tr("Fix the network's problems first."));
    return;
  }
  probe_ = probe;
  const ConfusionProbe& c = *probe;
  const int k = c.numClasses;
  const Dataset& d = c.onTest ? s.data->test : s.data->train;
  if (k != k_) {  // lay out a k × k matrix with the data's class names
    k_ = k;
    map_->setVisible(true);
    map_->data()->setSize(k, k);
    map_->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    for (auto* l : labels_) plot_->removeItem(l);
    labels_.clear();
    for (int i = 0; i < k * k; ++i) {
      auto* t = new QCPItemText(plot_);
      t->position->setCoords(i % k, i / k);
      t->setFont(QFont(font().family(), k > 6 ? 7 : 9));
      labels_.push_back(t);
    }
    // Rows carry the class names; with more than four classes the names would overlap side by
    // side, so the columns carry the class numbers and the rows "number name".
    QSharedPointer<QCPAxisTickerText> rows(new QCPAxisTickerText), cols(new QCPAxisTickerText);
    for (int i = 0; i < k; ++i) {
      const QString name = i < int(d.classNames.size()) ? QString::fromStdString(d.classNames[size_t(i)])
                                                        : QString::number(i);
      const bool numbered = k > 4 && name != QString::number(i);
      rows->addTick(i, numbered ? QString("%1  %2").arg(i).arg(name) : name);
      cols->addTick(i, numbered ? QString::number(i) : name);
    }
    plot_->xAxis->setTicker(cols);
    plot_->yAxis->setTicker(rows);
    plot_->xAxis->setRange(-0.5, k - 0.5);
    plot_->yAxis->setRange(-0.5, k - 0.5);
  }
  int64_t total = 0, right = 0, mx = 1;
  for (int t = 0; t < k; ++t)
    for (int p = 0; p < k; ++p) {
      const int64_t n = c.counts[size_t(t * k + p)];
      total += n;
      if (t == p) right += n;
      mx = std::max(mx, n);
      map_->data()->setCell(p, t, double(n));
      labels_[size_t(t * k + p)]->setText(QString::number(n));
    }
  for (int i = 0; i < k * k; ++i)
    labels_[size_t(i)]->setColor(c.counts[size_t(i)] > mx / 2 ? Qt::white : QColor("#263238"));
  map_->setDataRange(QCPRange(0, double(mx)));
  total_ = total;
  setNote(tr("Step %L1, %2 set: %3 of %4 right (%5 %). Below: misclassified examples.")
              .arg(s.step)
              .arg(c.onTest ? tr("test") : tr("training"))
              .arg(right)
              .arg(total)
              .arg(total ? 100.0 * double(right) / double(total) : 0, 0, 'f', 1));
  grid_->set(s.data, c);
  plot_->replot(QCustomPlot::rpQueuedReplot);
  countFrame();
}

}  // namespace gradlab::widgets
