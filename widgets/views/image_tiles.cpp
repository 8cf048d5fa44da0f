#include "views/image_tiles.h"

#include <QLinearGradient>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace gradlab::widgets {

namespace {
QRgb mix(QRgb a, QRgb b, double t) {
  return qRgb(int(qRed(a) + (qRed(b) - qRed(a)) * t), int(qGreen(a) + (qGreen(b) - qGreen(a)) * t),
              int(qBlue(a) + (qBlue(b) - qBlue(a)) * t));
}
// The heat ramp's stops (ColorBrewer's YlOrRd, from white): light where nothing matters.
constexpr QRgb kStops[] = {0xffffffff, 0xffffeda0, 0xfffeb24c, 0xfff03b20, 0xffbd0026, 0xff67000d};
constexpr int kStopCount = int(std::size(kStops));
}  // namespace

QImage inputImage(std::span<const float> v, const Shape& s, float lo, float hi) {
  if (s.size() != 3 || int64_t(v.size()) < numel(s)) return {};
  const int c = int(s[0]), h = int(s[1]), w = int(s[2]);
  const size_t plane = size_t(h) * size_t(w);
  const float span = hi > lo ? hi - lo : 1.0f;
  auto byte = [&](float x) { return int(std::clamp((x - lo) / span, 0.0f, 1.0f) * 255.0f + 0.5f); };
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * size_t(w) + size_t(x);
      if (c == 3) {
        line[x] = qRgb(byte(v[i]), byte(v[plane + i]), byte(v[2 * plane + i]));
      } else {
        const int g = byte(v[i]);
        line[x] = qRgb(g, g, g);
      }
    }
  }
  return img;
}

std::vector<float> channelMax(std::span<const float> v, const Shape& s) {
  if (s.size() != 3 || int64_t(v.size()) < numel(s)) return {};
  const size_t plane = size_t(s[1] * s[2]);
  std::vector<float> out(v.begin(), v.begin() + ptrdiff_t(plane));
  for (int64_t c = 1; c < s[0]; ++c)
    for (size_t i = 0; i < plane; ++i) out[i] = std::max(out[i], v[size_t(c) * plane + i]);
  return out;
}

QRgb heatColor(double t) {
  if (!std::isfinite(t)) return qRgb(128, 128, 128);
  t = std::clamp(t, 0.0, 1.0) * (kStopCount - 1);
  const int i = std::min(int(t), kStopCount - 2);
  return mix(kStops[i], kStops[i + 1], t - i);
}

QImage heatImage(std::span<const float> heat, int h, int w, float max) {
  QImage img(w, h, QImage::Format_RGB32);
  const double m = max > 0 ? double(max) : 1.0;
  for (int y = 0; y < h; ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < w; ++x) line[x] = heatColor(double(heat[size_t(y * w + x)]) / m);
  }
  return img;
}

QImage overlayImage(const QImage& input, std::span<const float> heat, float max) {
  QImage img = input.convertToFormat(QImage::Format_RGB32);
  const double m = max > 0 ? double(max) : 1.0;
  for (int y = 0; y < img.height(); ++y) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    for (int x = 0; x < img.width(); ++x) {
      // The input in grey, lightened to half contrast so the heat reads on top of it.
      const int g = 96 + qGray(line[x]) * 3 / 8;
      const double t = std::clamp(double(heat[size_t(y * img.width() + x)]) / m, 0.0, 1.0);
      // Opacity grows with the heat: the top of the ramp covers the pixel, zero leaves it.
      line[x] = mix(qRgb(g, g, g), heatColor(0.35 + 0.65 * t), std::sqrt(t));
    }
  }
  return img;
}

QRect drawPixels(QPainter& p, const QRect& area, const QImage& image) {
  if (image.isNull() || area.width() < 1 || area.height() < 1) return {};
  double f = std::min(double(area.width()) / image.width(), double(area.height()) / image.height());
  if (f >= 1) f = std::floor(f);  // whole magnifications: every pixel the same size
  const QSize size(std::max(1, int(image.width() * f)), std::max(1, int(image.height() * f)));
  const QRect r(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2,
                size.width(), size.height());
  p.save();
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.drawImage(r, image);
  p.setPen(QColor(176, 190, 197));
  p.setBrush(Qt::NoBrush);
  p.drawRect(r.adjusted(0, 0, -1, -1));
  p.restore();
  return r;
}

void drawHeatLegend(QPainter& p, const QRect& area, float max, const QString& title) {
  const int text = p.fontMetrics().height();
  const QRect bar(area.x(), area.y(), area.width(), std::max(6, area.height() - text - 2));
  QLinearGradient g(bar.topLeft(), bar.topRight());
  for (int i = 0; i <= 10; ++i) g.setColorAt(i / 10.0, QColor(heatColor(i / 10.0)));
  p.save();
  p.fillRect(bar, g);
  p.setPen(QColor(120, 144, 156));
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  p.setPen(QColor(55, 71, 79));
  const QRect labels(area.x(), bar.bottom() + 2, area.width(), text);
  p.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, "0");
  p.drawText(labels, Qt::AlignHCenter | Qt::AlignVCenter, title);
  p.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, QString::number(double(max), 'g', 2));
  p.restore();
}

}  // namespace gradlab::widgets
