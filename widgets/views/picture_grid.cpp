#include "views/picture_grid.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace gradlab::widgets {

namespace {
constexpr int kMaxTiles = 64;  // per section; the title says when there are more
constexpr int kGap = 4, kTitle = 18;

enum class Scale { Unit, Gray, Diverging };

QRgb lerp(QColor a, QColor b, double t) {
  return qRgb(int(a.red() + (b.red() - a.red()) * t), int(a.green() + (b.green() - a.green()) * t),
              int(a.blue() + (b.blue() - a.blue()) * t));
}

QRgb color(float v, Scale s, double maxAbs) {
  static const QColor white("#f4f6f7"), blue("#0877bd"), orange("#f59322"), dark("#08306b");
  if (!std::isfinite(v)) return qRgb(213, 0, 0);  // NaN/Inf: red, never a plausible colour
  switch (s) {
    case Scale::Gray: {
      const int g = int(std::clamp(double(v), 0.0, 1.0) * 255);
      return qRgb(g, g, g);
    }
    case Scale::Unit: return lerp(white, dark, std::clamp(double(v), 0.0, 1.0));
    case Scale::Diverging: {
      const double t = std::clamp(double(v) / maxAbs, -1.0, 1.0);
      return lerp(white, t >= 0 ? blue : orange, std::abs(t));
    }
  }
  return 0;
}

// rows × cols values (row-major, `rowStride` apart, `colStride` within a row) as an image;
// cells past `count` (a wrapped strip's last row) stay light grey.
QImage image(const float* v, int rows, int cols, int64_t rowStride, int64_t colStride,
             int64_t count, Scale s, double maxAbs) {
  QImage img(cols, rows, QImage::Format_RGB32);
  for (int r = 0; r < rows; ++r) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(r));
    for (int c = 0; c < cols; ++c) {
      const int64_t i = r * rowStride + c * colStride;
      line[c] = i < count ? color(v[i], s, maxAbs) : qRgb(236, 239, 241);
    }
  }
  return img;
}

constexpr int kMaxTraces = 16;        // features drawn as traces; more: a map
constexpr int kTraceW = 480, kTraceH = 34;

// The values v[t·stride], t < steps, as a line chart of size w × h on the scale [lo, hi], a grey
// zero line where 0 is inside it; step t at x = (t + ½)·w / steps, so that charts of
// different lengths drawn at one width line up in time.
QImage trace(const float* v, int steps, int64_t stride, double lo, double hi, int w, int h) {
  QImage img(w, h, QImage::Format_RGB32);
  img.fill(QColor("#fbfcfc"));
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  const double span = std::max(hi - lo, 1e-12);
  auto y = [&](double value) {
    return 2.0 + (h - 4.0) * (hi - std::clamp(value, lo, hi)) / span;
  };
  if (lo < 0 && hi > 0) {
    p.setPen(QPen(QColor("#b0bec5"), 1));
    p.drawLine(QPointF(0, y(0)), QPointF(w, y(0)));
  }
  QPolygonF line;
  for (int t = 0; t < steps; ++t) {
    const float value = v[t * stride];
    line << QPointF((t + 0.5) * w / steps, std::isfinite(value) ? y(value) : y(hi));
  }
  p.setPen(QPen(QColor("#0877bd"), 1.5));
  if (steps == 1)
    p.drawEllipse(line[0], 2, 2);
  else
    p.drawPolyline(line);
  return img;
}

// Drawn size: small tiles (one of many) about 72 px, single tiles up to 480 × 160 px; whole
// magnifications where they are at least 1, so pixels stay square and sharp.
QSize drawnSize(int rows, int cols, bool single) {
  double f = single ? std::min({480.0 / cols, 160.0 / rows, 16.0})
                    : std::min(72.0 / std::max(rows, cols), 8.0);
  if (f >= 1) f = std::floor(f);
  return {std::max(1, int(cols * f)), std::max(1, int(rows * f))};
}

QString shapeText(const Shape& s) {
  QStringList dims;
  for (int64_t d : s) dims << QString::number(d);
  return dims.join(" × ");
}

QString title(const TensorPicture& p) {
  static const std::pair<const char*, const char*> names[] = {
      {"input", "input"},
      {"output", "output"},
      {"pre", "pre-activation z"},
      {"gates.i", "input gate i"},
      {"gates.f", "forget gate f"},
      {"gates.g", "candidate g"},
      {"gates.o", "output gate o"},
      {"gates.z", "update gate z"},
      {"gates.r", "reset gate r"},
      {"cell", "cell state c"},
      {"hidden", "hidden state h"},
      {"mask", "dropout mask (1 kept, 0 dropped)"},
      {"weights", "weights"},
  };
  QString t = QString::fromStdString(p.name);
  for (const auto& [key, text] : names)
    if (p.name == key) t = PictureGrid::tr(text);
  if (p.name == "weights" && p.shape.size() == 4) t = PictureGrid::tr("filters");
  t += "  " + shapeText(p.shape);
  if (p.shape.size() == 2 && p.name != "weights")
    t += p.name == "input" ? PictureGrid::tr("  (time →, one row per feature)")
                           : PictureGrid::tr("  (time →, one row per unit)");
  if (p.training) t += PictureGrid::tr("  · last training batch, its first sample");
  return t;
}
}  // namespace

PictureGrid::PictureGrid(QWidget* parent) : QWidget(parent) {
  setObjectName("pictureGrid");
  setMinimumSize(200, 120);
}

void PictureGrid::setPictures(std::vector<TensorPicture> pictures, const QString& emptyText) {
  sections_.clear();
  emptyText_ = emptyText;
  for (const TensorPicture& p : pictures) {
    const int64_t n = int64_t(p.values.size());
    if (p.shape.empty() || n == 0 || n != numel(p.shape)) continue;
    float lo = 0, hi = 0;
    bool any = false;
    for (float v : p.values)
      if (std::isfinite(v)) {
        lo = any ? std::min(lo, v) : v;
        hi = any ? std::max(hi, v) : v;
        any = true;
      }
    const bool unit = lo >= 0 && hi <= 1;
    // Images (an input, an autoencoder's reconstruction of one) in grey, as they look.
    const bool image3 = (p.name == "input" || p.name == "reconstruction") && p.shape.size() == 3;
    const Scale scale = unit ? (image3 ? Scale::Gray : Scale::Unit) : Scale::Diverging;
    const double maxAbs = std::max({1e-12, double(std::abs(lo)), double(std::abs(hi))});
    Section sec;
    const QString range =
        unit ? QString() : tr("  · from %1 to %2").arg(lo, 0, 'g', 3).arg(hi, 0, 'g', 3);
    sec.title = title(p) + range;
    const float* v = p.values.data();
    const Shape& s = p.shape;
    auto add = [&](QImage img, bool single) {
      sec.tiles.push_back({img, drawnSize(img.height(), img.width(), single)});
    };
    if (traces_ && s.size() == 3 && p.name == "weights" && s[1] == 1) {
      // 1-D filters [O, 1, k]: a small chart of each filter's k taps.
      const int taps = int(s[2]);
      const int64_t count = s[0];
      for (int64_t k = 0; k < std::min<int64_t>(count, kMaxTiles); ++k)
        add(trace(v + k * taps, taps, 1, -maxAbs, maxAbs, 72, 40), false);
      sec.title = tr("filters  %1  (each one's %2 taps, one filter per output feature)")
                      .arg(shapeText(s))
                      .arg(taps) +
                  range;
      if (count > kMaxTiles) sec.title += tr("  · the first %1 of %2").arg(kMaxTiles).arg(count);
    } else if (s.size() == 4 || (s.size() == 3 && !(p.name == "input" && s[0] == 3))) {
      // Several images: channels of [C, H, W], or every (output, input) pair of a filter bank.
      const int h = int(s[s.size() - 2]), w = int(s[s.size() - 1]);
      const int64_t count = n / (int64_t(h) * w);
      for (int64_t k = 0; k < std::min<int64_t>(count, kMaxTiles); ++k)
        add(image(v + k * h * w, h, w, w, 1, int64_t(h) * w, scale, maxAbs), count == 1);
      if (count > kMaxTiles) sec.title += tr("  · the first %1 of %2").arg(kMaxTiles).arg(count);
    } else if (s.size() == 3) {  // an RGB input image: one tile in colour
      const int h = int(s[1]), w = int(s[2]);
      QImage img(w, h, QImage::Format_RGB32);
      for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) {
          auto ch = [&](int k) { return int(std::clamp(v[(k * h + r) * w + c], 0.f, 1.f) * 255); };
          img.setPixel(c, r, qRgb(ch(0), ch(1), ch(2)));
        }
      add(img, true);
    } else if (s.size() == 2 && p.name == "weights") {  // a matrix [out, in]
      add(image(v, int(s[0]), int(s[1]), s[1], 1, n, scale, maxAbs), true);
    } else if (traces_ && s.size() == 2 && p.name != "weights" && s[1] <= kMaxTraces) {
      // A sequence [T, F] as F traces over time, on one scale.
      const int steps = int(s[0]), units = int(s[1]);
      const double lo2 = std::min(0.0, double(lo)), hi2 = std::max(0.0, double(hi));
      for (int u = 0; u < units; ++u) {
        QImage img = trace(v + u, steps, units, lo2, hi2 == lo2 ? 1.0 : hi2, kTraceW, kTraceH);
        sec.tiles.push_back({img, img.size()});
      }
      sec.title.replace(tr("one row per feature"), tr("one trace per feature"));
      sec.title.replace(tr("one row per unit"), tr("one trace per feature"));
    } else if (s.size() == 2) {  // a sequence [T, F]: F rows, time to the right, wide cells
      const int steps = int(s[0]), units = int(s[1]);
      const int cw = std::clamp(480 / steps, 1, 24), ch = std::clamp(200 / units, 1, 10);
      sec.tiles.push_back({image(v, units, steps, 1, units, n, scale, maxAbs),
                           QSize(std::min(steps * cw, 480), std::min(units * ch, 400))});
    } else {  // a vector, wrapped in rows of 32
      const int cols = int(std::min<int64_t>(n, 32)), rows = int((n + cols - 1) / cols);
      QImage img = image(v, rows, cols, cols, 1, n, scale, maxAbs);
      sec.tiles.push_back({img, QSize(cols * std::min(14, 480 / cols), rows * std::min(14, 480 / cols))});
    }
    sections_.push_back(std::move(sec));
  }
  setMinimumHeight(layoutHeight(width()));
  update();
}

template <class OnTitle, class OnTile>
int PictureGrid::walk(int width, OnTitle onTitle, OnTile onTile) const {
  int y = kGap;
  for (const Section& s : sections_) {
    onTitle(s, QRect(kGap, y, width - 2 * kGap, kTitle));
    y += kTitle;
    int x = kGap, rowH = 0;
    for (const Tile& t : s.tiles) {
      if (x > kGap && x + t.size.width() > width - kGap) {
        x = kGap;
        y += rowH + kGap;
        rowH = 0;
      }
      onTile(t, QRect(QPoint(x, y), t.size));
      x += t.size.width() + kGap;
      rowH = std::max(rowH, t.size.height());
    }
    y += rowH + 2 * kGap;
  }
  return y;
}

int PictureGrid::layoutHeight(int width) const {
  if (sections_.empty()) return 120;
  return walk(width, [](const Section&, QRect) {}, [](const Tile&, QRect) {});
}

void PictureGrid::resizeEvent(QResizeEvent* e) {
  QWidget::resizeEvent(e);
  const int h = layoutHeight(width());
  if (minimumHeight() != h) setMinimumHeight(h);
}

void PictureGrid::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  if (sections_.empty()) {
    p.setPen(QColor("#78909c"));
    p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
    return;
  }
  walk(
      width(),
      [&](const Section& s, QRect r) {
        p.setPen(QColor("#37474f"));
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, s.title);
      },
      [&](const Tile& t, QRect r) {
        p.drawImage(r, t.image);
        p.setPen(QColor("#cfd8dc"));
        p.drawRect(r.adjusted(0, 0, -1, -1));
      });
}

}  // namespace gradlab::widgets
