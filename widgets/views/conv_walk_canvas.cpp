#include "views/conv_walk_canvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "theme.h"

namespace gradlab::widgets {

QString walkNumber(double v) {
  if (v == 0) return "0";  // also −0
  if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e7)
    return QString::number(qint64(std::llround(v))).replace('-', QChar(0x2212));
  const double a = std::abs(v);
  QString s = a < 1000 ? QString::number(v, 'f', 2) : QString::number(v, 'g', 3);
  return s.replace('-', QChar(0x2212));
}

ConvWalkCanvas::ConvWalkCanvas(QWidget* parent) : QWidget(parent) {
  setObjectName("convWalkCanvas");
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  connect(&theme(), &Theme::changed, this, qOverload<>(&QWidget::update));
}

void ConvWalkCanvas::setWalk(std::shared_ptr<const ConvWalk> walk, const QString& why) {
  walk_ = std::move(walk);
  why_ = why;
  const int n = walk_ ? int(walk_->positions.size()) : 0;
  position_ = std::clamp(position_, 0, std::max(0, n - 1));
  update();
}

void ConvWalkCanvas::setPosition(int position) {
  const int n = walk_ ? int(walk_->positions.size()) : 0;
  position_ = std::clamp(position, 0, std::max(0, n - 1));
  update();
}

void ConvWalkCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
  if (!editable_ || !walk_ || cell_ <= 0) return;
  const QPointF p = e->position() - inputOrigin_;
  const int col = int(std::floor(p.x() / cell_)) - int(walk_->padding);
  const int row = int(std::floor(p.y() / cell_)) - int(walk_->padding);
  if (row >= 0 && col >= 0 && row < walk_->input.rows && col < walk_->input.cols)
    emit editCell(row, col);
}

namespace {

QFont sized(QFont f, double px) {
  f.setPixelSize(std::max(8, int(std::lround(px))));
  return f;
}

// One cell: a square with the number centred.
void drawCell(QPainter& p, const QRectF& r, const QString& text, const QColor& fill,
              const QPen& border, const QColor& ink) {
  p.setPen(border);
  p.setBrush(fill);
  p.drawRect(r);
  p.setPen(ink);
  p.drawText(r, Qt::AlignCenter, text);
}

// The grey of an input value between lo and hi: light enough to read black digits on.
QColor shade(double v, double lo, double hi) {
  const double t = hi > lo ? std::clamp((v - lo) / (hi - lo), 0.0, 1.0) : 0.0;
  const int g = int(std::lround(255 - t * 95));
  return QColor(g, g, std::min(255, g + 8));
}

}  // namespace

void ConvWalkCanvas::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, true);
  p.fillRect(rect(), palette().base());
  const QFont base = font();
  const double basePx = QFontMetricsF(base).height() * 0.8;
  if (!walk_ || walk_->positions.empty()) {
    p.setFont(sized(base, basePx * 1.2));
    p.setPen(palette().text().color());
    p.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, why_);
    return;
  }
  const ConvWalk& w = *walk_;
  const WalkPosition& pos = w.positions[size_t(position_)];
  const bool conv = w.kind == WalkKind::Conv;
  const int k = int(w.size);
  const double margin = 12 * theme().scale();
  const double W = width() - 2 * margin, H = height() - 2 * margin;

  // --- the text block's size: a header, k rows of k terms (as the kernel), the result --------------------
  auto termText = [&](const WalkTerm& t) {
    const QString x = walkNumber(t.input) + (t.padding ? tr(" (pad)") : QString());
    if (conv) return x + " × " + walkNumber(t.weight) + " = " + walkNumber(t.product);
    return x;
  };
  auto runText = [&](const WalkTerm& t) {
    return (w.kind == WalkKind::MaxPool ? tr("max ") : QString("Σ ")) + walkNumber(t.running);
  };
  QString result;
  const QString cellName = QString("y[%1, %2]").arg(pos.outRow).arg(pos.outCol);
  switch (w.kind) {
    case WalkKind::Conv:
      result = tr("Σ = %1;  the engine's conv2d: %2 = %3")
                   .arg(walkNumber(pos.walked), cellName, walkNumber(pos.engine));
      break;
    case WalkKind::MaxPool:
      result = tr("max = %1;  the engine's max pooling: %2 = %3")
                   .arg(walkNumber(pos.walked), cellName, walkNumber(pos.engine));
      break;
    case WalkKind::AvgPool:
      result = tr("%1 / %2 = %3;  the engine's average pooling: %4 = %5")
                   .arg(walkNumber(pos.terms.back().running), QString::number(k * k),
                        walkNumber(pos.walked), cellName, walkNumber(pos.engine));
      break;
  }
  const QString header = tr("Position %1 of %2: row %3, column %4")
                             .arg(position_ + 1)
                             .arg(w.positions.size())
                             .arg(pos.outRow)
                             .arg(pos.outCol);
  // The terms' font: larger when there is room, smaller until k columns fit `avail`.
  double colW = 0, runW = 0, termW = 0, blockW = 0;
  // Terms per line: k (laid out as the kernel) when they fit, else as many as fit (row-major).
  int perLine = k, lines = k;
  auto fitText = [&](double px, double avail) {
    for (int tries = 0; tries < 8; ++tries) {
      const QFontMetricsF fm(sized(base, px));
      termW = runW = 0;
      for (const WalkTerm& t : pos.terms) {
        termW = std::max(termW, fm.horizontalAdvance(termText(t)));
        runW = std::max(runW, fm.horizontalAdvance(runText(t)));
      }
      colW = termW + runW + fm.horizontalAdvance("MM");
      if (colW * k <= avail || px <= 11) break;
      px = std::max(11.0, px * avail / (colW * k));
    }
    perLine = std::clamp(int(avail / std::max(1.0, colW)), 1, k);
    lines = (k * k + perLine - 1) / perLine;
    QFont b = sized(base, px);
    b.setBold(true);
    const QFontMetricsF bm(b);
    blockW = std::max({colW * perLine, bm.horizontalAdvance(header), bm.horizontalAdvance(result)});
    return px;
  };
  const double wantPx = std::clamp(std::min(W, H) / 24, basePx, basePx * 2);

  // --- the grids: input (padded) ∗ kernel = output, above the terms or left of them -----------
  const int inCols = int(w.input.cols + 2 * w.padding), inRows = int(w.input.rows + 2 * w.padding);
  const int kCols = conv ? k : 0;
  const int gridCols = inCols + kCols + int(w.outCols) + (conv ? 4 : 2);  // + operator gaps
  const int gridRows = std::max({inRows, kCols, int(w.outRows)});
  const double maxCell = 72.0 * theme().scale();
  // Stacked: the terms under the grids, as wide as the view.
  const double stackedPx = fitText(wantPx, W);
  const double stackedTextH = stackedPx * 1.45 * (lines + 2.4);
  const double stackedCaption = std::max(basePx * 1.3, stackedPx * 1.2);
  const double stackedCell = std::min({W / gridCols, (H - stackedTextH - stackedCaption - margin) / gridRows, maxCell});
  // Side by side: the terms right of the grids, in at most half the width.
  const double sidePx = fitText(wantPx, W * 0.5);
  const double sideTextW = blockW;
  const double sideCaption = std::max(basePx * 1.3, sidePx * 1.2);
  const double sideCell = sidePx * 1.45 * (lines + 2.4) <= H
                              ? std::min({(W - sideTextW - margin) / gridCols, (H - sideCaption) / gridRows, maxCell})
                              : 0.0;
  const bool side = sideCell > 0 && sideCell > std::max(0.0, stackedCell) * 1.15;
  const double textPx = side ? sidePx : fitText(stackedPx, W);
  if (side) fitText(sidePx, W * 0.5);  // colW, termW, runW for the chosen font
  const double lineH = textPx * 1.45;
  const double captionH = side ? sideCaption : stackedCaption;
  const double c = std::max(10.0, side ? sideCell : stackedCell);
  cell_ = c;
  // The cells' font: 0.4 of a cell, smaller where the widest number needs it.
  double widest = 0;
  {
    const QFontMetricsF fm(sized(base, 100));
    for (double v : w.input.values) widest = std::max(widest, fm.horizontalAdvance(walkNumber(v)));
    for (double v : w.kernel.values) widest = std::max(widest, fm.horizontalAdvance(walkNumber(v)));
    for (double v : w.output.values) widest = std::max(widest, fm.horizontalAdvance(walkNumber(v)));
  }
  const QFont cellFont = sized(base, std::min(c * 0.4, 100 * c * 0.88 / std::max(1.0, widest)));
  const QFont captionFont = sized(base, std::clamp(c * 0.42, 9.0, basePx * 1.6));
  const double gridsW = c * gridCols;
  const double allW = side ? gridsW + margin + blockW : gridsW;
  double x0 = margin + std::max(0.0, (W - allW) / 2);
  const double top = margin + captionH;

  const QColor ink = palette().text().color();
  const QColor window = theme().train();
  const QColor maxColor = theme().test();
  QColor windowFill = window;
  windowFill.setAlphaF(0.22);
  const QPen thin(QColor(120, 130, 140), 1);
  double lo = w.input.values.front(), hi = lo;
  for (double v : w.input.values) lo = std::min(lo, v), hi = std::max(hi, v);

  auto caption = [&](double x, double width, const QString& text) {
    p.setFont(captionFont);
    p.setPen(ink);
    const QRectF r(x - c * 0.9, margin, width + 1.8 * c, captionH);
    p.drawText(r, Qt::AlignHCenter | Qt::AlignBottom,
               QFontMetricsF(captionFont).elidedText(text, Qt::ElideRight, r.width()));
  };
  auto op = [&](double x, double rows, const QString& text) {
    p.setFont(sized(base, c * 0.7));
    p.setPen(ink);
    p.drawText(QRectF(x, top, 2 * c, rows * c), Qt::AlignCenter, text);
  };

  // Input, with the padding ring and the window at this position.
  inputOrigin_ = QPointF(x0, top);
  caption(x0, inCols * c,
          w.padding > 0 ? tr("Input, padding %1").arg(w.padding) : tr("Input"));
  p.setFont(cellFont);
  for (int r = 0; r < inRows; ++r) {
    for (int col = 0; col < inCols; ++col) {
      const int ir = r - int(w.padding), ic = col - int(w.padding);
      const QRectF cr(x0 + col * c, top + r * c, c, c);
      const bool pad = ir < 0 || ic < 0 || ir >= w.input.rows || ic >= w.input.cols;
      if (pad) {
        drawCell(p, cr, "0", palette().window().color(), QPen(QColor(170, 170, 170), 1, Qt::DashLine),
                 QColor(150, 150, 150));
      } else {
        const double v = w.input.at(ir, ic);
        drawCell(p, cr, walkNumber(v), shade(v, lo, hi), thin, ink);
      }
    }
  }
  // The window: its cells tinted, framed; max pooling's maximum ringed.
  const QRectF win(x0 + (pos.terms.front().inCol + w.padding) * c,
                   top + (pos.terms.front().inRow + w.padding) * c, k * c, k * c);
  p.setPen(Qt::NoPen);
  p.setBrush(windowFill);
  p.drawRect(win);
  if (pos.best >= 0) {
    const WalkTerm& b = pos.terms[size_t(pos.best)];
    const QRectF br(x0 + (b.inCol + w.padding) * c, top + (b.inRow + w.padding) * c, c, c);
    p.setPen(QPen(maxColor, theme().line(3.5)));
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(br.adjusted(c * 0.08, c * 0.08, -c * 0.08, -c * 0.08));
  }
  p.setPen(QPen(window, theme().line(3)));
  p.setBrush(Qt::NoBrush);
  p.drawRect(win);
  x0 += inCols * c;

  // Kernel (convolution) or the operator (pooling).
  if (conv) {
    op(x0, gridRows, "∗");
    x0 += 2 * c;
    caption(x0, k * c, tr("Kernel"));
    p.setFont(cellFont);
    for (int r = 0; r < k; ++r)
      for (int col = 0; col < k; ++col)
        drawCell(p, QRectF(x0 + col * c, top + r * c, c, c), walkNumber(w.kernel.at(r, col)),
                 windowFill, QPen(window, theme().line(1.5)), ink);
    x0 += k * c;
    op(x0, gridRows, "=");
  } else {
    op(x0, gridRows, "→");
  }
  x0 += 2 * c;

  // Output: the engine's cells up to this position, this one highlighted.
  caption(x0, w.outCols * c, conv ? tr("Feature map") : tr("Output"));
  p.setFont(cellFont);
  for (int i = 0; i < int(w.positions.size()); ++i) {
    const WalkPosition& o = w.positions[size_t(i)];
    const QRectF cr(x0 + o.outCol * c, top + o.outRow * c, c, c);
    if (i < position_) {
      drawCell(p, cr, walkNumber(o.engine), palette().base().color(), thin, ink);
    } else if (i == position_) {
      drawCell(p, cr, walkNumber(o.engine), windowFill, QPen(window, theme().line(3)), ink);
    } else {
      drawCell(p, cr, QString(), palette().window().color(), QPen(QColor(190, 190, 190), 1), ink);
    }
  }

  // --- the terms of this position, laid out as the kernel (row-major, as the running sum) ---------------------------------
  x0 += w.outCols * c;
  // Where the terms go: under the grids (stacked), or right of them.
  const double tx0 = side ? x0 + margin : margin;
  const double tw = side ? blockW : W;
  const double ty = side ? margin + std::max(0.0, (H - lineH * (lines + 2.4)) / 2) : top + gridRows * c + margin;
  const QFont textFont = sized(base, textPx);
  QFont bold = textFont;
  bold.setBold(true);
  p.setFont(bold);
  p.setPen(ink);
  p.drawText(QRectF(tx0, ty, tw, lineH), Qt::AlignLeft | Qt::AlignVCenter, header);
  const double tx = tx0 + std::max(0.0, (tw - colW * perLine) / 2);
  for (size_t n = 0; n < pos.terms.size(); ++n) {
    const WalkTerm& t = pos.terms[n];
    const QRectF line(tx + double(int(n) % perLine) * colW, ty + lineH * double(1 + int(n) / perLine),
                      colW, lineH);
    const bool best = int(n) == pos.best;
    p.setFont(best ? bold : textFont);
    p.setPen(best ? maxColor : t.padding ? QColor(140, 140, 140) : ink);
    p.drawText(line.adjusted(0, 0, -runW, 0), Qt::AlignLeft | Qt::AlignVCenter, termText(t));
    p.setPen(window.darker(130));
    p.drawText(line.adjusted(termW, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
               "  " + runText(t));
  }
  p.setFont(bold);
  p.setPen(ink);
  const QRectF resultRect(side ? tx0 : margin, ty + lineH * (lines + 1) + lineH * 0.3,
                          side ? width() - tx0 - margin : W, lineH);
  p.drawText(resultRect, (side ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignVCenter,
             QFontMetricsF(bold).elidedText(result, Qt::ElideRight, resultRect.width()));
}

}  // namespace gradlab::widgets
