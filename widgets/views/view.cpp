#include "views/view.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QToolBar>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "live_box.h"

namespace gradlab::widgets {

View::View(const QString& title, QWidget* parent) : QWidget(parent), title_(title) {
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(2, 0, 2, 2);
  v->setSpacing(0);
  auto* top = new QHBoxLayout;
  top->setContentsMargins(4, 0, 0, 0);
  note_ = new QLabel(this);
  note_->setStyleSheet("color: #455a64;");
  note_->setWordWrap(true);
  toolbar_ = new QToolBar(this);
  toolbar_->setIconSize(QSize(16, 16));
  toolbar_->setToolButtonStyle(Qt::ToolButtonTextOnly);
  top->addWidget(new LiveBox(note_, this), 1);  // a new note re-lays out the box, not the window
  top->addWidget(toolbar_);
  v->addLayout(top);
  body_ = new QVBoxLayout;
  body_->setContentsMargins(0, 0, 0, 0);
  v->addLayout(body_, 1);
  QAction* exp = toolbar_->addAction(tr("Export…"));
  exp->setToolTip(tr("Save this view as PNG, PDF or SVG"));
  connect(exp, &QAction::triggered, this, [this] {
    QString path = QFileDialog::getSaveFileName(this, tr("Export %1").arg(title_),
                                                title_.toLower().replace(' ', '-') + ".png",
                                                tr("PNG image (*.png);;PDF document (*.pdf);;SVG drawing (*.svg)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportTo(path, &error)) QMessageBox::warning(this, tr("Export"), error);
  });
}

void View::setNote(const QString& text) {
  if (note_->text() != text) note_->setText(text);
}

bool View::exportTo(const QString& path, QString* error) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  bool ok = false;
  if (suffix == "pdf") {
    if (QCustomPlot* p = plot()) {
      ok = p->savePdf(path, p->width(), p->height());
    } else {
      QPdfWriter pdf(path);
      pdf.setPageSize(QPageSize(QSizeF(width(), height()), QPageSize::Point));
      pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
      pdf.setResolution(72);
      QPainter painter;
      if (painter.begin(&pdf)) {
        render(&painter);
        ok = painter.end();
      }
    }
  } else if (suffix == "svg") {
    // Vector, like the PDF: the plot drawn through QCustomPlot's painter, else the widget.
    QCustomPlot* p = plot();
    const QSize size = p ? p->size() : this->size();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(title_);
    svg.setDescription(tr("Gradlab: %1").arg(title_));
    if (p) {
      QCPPainter painter;
      if (painter.begin(&svg)) {
        p->toPainter(&painter, size.width(), size.height());
        ok = painter.end();
      }
    } else {
      QPainter painter;
      if (painter.begin(&svg)) {
        render(&painter);
        ok = painter.end();
      }
    }
  } else if (suffix == "png") {
    ok = plot() ? plot()->savePng(path, 0, 0, 2.0) : grab().save(path, "PNG");
  } else {
    if (error) *error = tr("Choose a file name ending in .png, .pdf or .svg (got \"%1\").").arg(path);
    return false;
  }
  if (!ok && error) *error = tr("Could not write %1 — is the folder writable?").arg(path);
  return ok;
}

void setMaximum(QSpinBox* box, int maximum) {
  if (box->maximum() != maximum) box->setMaximum(maximum);
}

void stylePlot(QCustomPlot* plot) {
  // QCustomPlot asks for 50×50 pixels: beside a strip of thumbnails in a splitter, or in a
  // crowded dock area, that squeezes a plot to a line. Ask for room to read it.
  plot->setMinimumSize(220, 170);
  plot->setNoAntialiasingOnDrag(true);
  plot->setAntialiasedElements(QCP::aeNone);
  plot->setNotAntialiasedElements(QCP::aeAll);
  plot->setPlottingHint(QCP::phFastPolylines, true);
  plot->setBackground(Qt::white);
  for (QCPAxisRect* rect : plot->axisRects())
    for (QCPAxis* axis : rect->axes()) {
      axis->grid()->setPen(QPen(QColor("#eceff1"), 0));
      axis->setBasePen(QPen(QColor("#90a4ae"), 0));
      axis->setTickPen(QPen(QColor("#90a4ae"), 0));
      axis->setSubTickPen(QPen(QColor("#b0bec5"), 0));
      axis->setTickLabelColor(QColor("#37474f"));
      axis->setLabelColor(QColor("#37474f"));
    }
}

}  // namespace gradlab::widgets
