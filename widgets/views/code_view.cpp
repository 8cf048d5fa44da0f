#include "views/code_view.h"

#include <QComboBox>
#include <QToolBar>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "theme.h"
#include "views/live_plot.h"

namespace gradlab::widgets {

CodeView::CodeView(QWidget* parent) : View(tr("Code"), parent) {
  setObjectName("codeView");
  toolbar()->addWidget(new QLabel(tr("Code of "), this));
  blocks_ = new QComboBox(this);
  blocks_->setObjectName("codeBlock");
  blocks_->setToolTip(tr("The block whose output is the code (the narrowest by default)"));
  blocks_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  blocks_->addItem(tr("the narrowest block"), QString());
  toolbar()->addWidget(blocks_);
  plot_ = new LivePlot(this);
  stylePlot(plot_);
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  body()->addWidget(plot_, 1);
  angles_ = new QLabel(this);
  angles_->setObjectName("codeAngles");
  angles_->setWordWrap(true);
  angles_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  body()->addWidget(angles_);
  connect(blocks_, &QComboBox::currentIndexChanged, this, [this] { emit probesChanged(); });
  connect(&theme(), &Theme::changed, this, [this] {
    if (shown_) draw(*shown_);
  });
  setNote(tr("Train an autoencoder (targets = inputs) and press Step or Play: each test sample "
             "shows here where the network puts it in its code, coloured by class."));
}

QString CodeView::block() const { return blocks_->currentData().toString(); }

void CodeView::setBlock(const QString& id) {
  const int i = blocks_->findData(id);
  if (i >= 0) blocks_->setCurrentIndex(i);
}

int CodeView::pointsShown() const {
  int n = 0;
  for (QCPGraph* g : graphs_) n += g->dataCount();
  return n;
}

void CodeView::addProbes(ProbeRequest& request) const {
  request.ask<CodeProbe>({{"block", block().toStdString()}, {"count", 1000}});
}

void CodeView::setNetwork(const NetworkSpec& spec, const Analysis& analysis) {
  const QString before = block();
  const QSignalBlocker quiet(blocks_);
  while (blocks_->count() > 1) blocks_->removeItem(1);
  for (const auto& b : spec.blocks) {
    if (b.type == "Input") continue;
    auto it = analysis.outShapes.find(b.id);
    const QString id = QString::fromStdString(b.id);
    blocks_->addItem(it == analysis.outShapes.end()
                         ? id
                         : tr("%1 (%L2 values)").arg(id).arg(numel(it->second)),
                     id);
  }
  blocks_->setCurrentIndex(std::max(0, blocks_->findData(before)));
  if (block() != before) emit probesChanged();
}

void CodeView::showSnapshot(const Snapshot& s) {
  auto r = s.shared<CodeProbe>();
  if (r == shown_) return;
  shown_ = r;
  if (!r || !r->why.empty()) {
    for (QCPGraph* g : graphs_) plot_->removeGraph(g);
    graphs_.clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
    angles_->clear();
    setNote(!s.ready ? tr("Fix the network's problems to see its code.")
            : r      ? QString::fromStdString(r->why)
                     : tr("Step or Play: the code of each test sample shows here."));
    return;
  }
  draw(*r);
  const QString what = r->width > 2
                           ? tr("projected on its top two principal components (they hold %L1 % "
                                "of its variance)")
                                 .arg(100 * r->explained, 0, 'f', 0)
                       : r->width == 2 ? tr("as it is") : tr("on a line (1 unit)");
  setNote(tr("Step %L1: the code of %L2 %3 samples — the output of \"%4\" (%L5 values), %6.")
              .arg(s.step)
              .arg(r->xs.size())
              .arg(r->onTest ? tr("test") : tr("training"))
              .arg(QString::fromStdString(r->block))
              .arg(r->width)
              .arg(what));
  if (r->hasAngles) {
    QStringList degrees;
    for (double a : r->decoder.angles) degrees << QString::number(a * 180 / M_PI, 'f', 0);
    angles_->setText(
        tr("Decoder \"%1\" against the top %2 principal components of the training data "
           "(centred; its bias carries the mean): mean cos² %3; principal angles %4°.")
            .arg(QString::fromStdString(r->decoder.block))
            .arg(r->dataPca ? r->dataPca->count() : 0)
            .arg(r->decoder.meanCos2, 0, 'f', 3)
            .arg(degrees.join(", ")));
  } else {
    angles_->setText(QString::fromStdString(r->anglesWhy));
  }
  countFrame();
}

void CodeView::draw(const CodeProbe& r) {
  for (QCPGraph* g : graphs_) plot_->removeGraph(g);
  graphs_.clear();
  const int classes = std::max(1, r.classes);
  std::vector<QVector<double>> xs(size_t(classes) + 1), ys(size_t(classes) + 1);
  for (size_t i = 0; i < r.xs.size(); ++i) {
    const int c = r.labels[i] >= 0 && r.labels[i] < classes ? r.labels[i] : classes;
    xs[size_t(c)] << r.xs[i];
    ys[size_t(c)] << r.ys[i];
  }
  for (int c = 0; c <= classes; ++c) {
    if (xs[size_t(c)].isEmpty()) continue;
    QCPGraph* g = plot_->addGraph();
    g->setLineStyle(QCPGraph::lsNone);
    const QColor color = c < classes && r.classes > 0 ? theme().classColor(c, classes)
                                                       : QColor("#607d8b");
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, theme().point(4)));
    g->setData(xs[size_t(c)], ys[size_t(c)]);
    g->setName(c < int(r.classNames.size()) ? QString::fromStdString(r.classNames[size_t(c)])
               : c < classes && r.classes > 0 ? tr("class %1").arg(c)
                                              : tr("no class"));
    graphs_.push_back(g);
  }
  plot_->xAxis->setLabel(r.projected ? tr("principal component 1") : tr("code unit 1"));
  plot_->yAxis->setLabel(r.projected ? tr("principal component 2")
                         : r.width == 2 ? tr("code unit 2")
                                        : QString());
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace gradlab::widgets
