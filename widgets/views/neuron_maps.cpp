#include "views/neuron_maps.h"

#include <QPainter>
#include <cmath>

namespace gradlab::widgets {

NeuronMaps::NeuronMaps(QWidget* parent) : QWidget(parent) {
  setMinimumHeight(90);
  setObjectName("neuronMaps");
}

QImage NeuronMaps::toImage(const GridMap& g, double scale) {
  QImage img(g.w, g.h, QImage::Format_RGB32);
  const QColor pos("#0877bd"), neg("#f59322"), mid("#f4f6f7");
  for (int r = 0; r < g.h; ++r) {
    QRgb* line = reinterpret_cast<QRgb*>(img.scanLine(g.h - 1 - r));  // y grows upwards
    for (int c = 0; c < g.w; ++c) {
      const double v = std::clamp(double(g.values[size_t(r * g.w + c)]) / scale, -1.0, 1.0);
      const QColor& end = v >= 0 ? pos : neg;
      const double t = std::abs(v);
      line[c] = qRgb(int(mid.red() + (end.red() - mid.red()) * t),
                     int(mid.green() + (end.green() - mid.green()) * t),
                     int(mid.blue() + (end.blue() - mid.blue()) * t));
    }
  }
  return img;
}

void NeuronMaps::setMaps(const QString& block, const std::vector<GridMap>* maps) {
  block_ = block;
  images_.clear();
  if (maps)
    for (const GridMap& g : *maps) {
      double scale = 1e-6;
      for (float v : g.values) scale = std::max(scale, double(std::abs(v)));
      images_.push_back(toImage(g, scale));
    }
  update();
}

void NeuronMaps::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().window());
  if (images_.empty()) {
    p.setPen(QColor("#78909c"));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               block_.isEmpty() ? tr("Hover over or click a hidden block on the canvas to see "
                                     "what each of its neurons outputs over the plane.")
                                : tr("%1 has no neuron maps to show (only blocks with a flat "
                                     "output of a 2-D network have them).").arg(block_));
    return;
  }
  p.setPen(QColor("#37474f"));
  p.drawText(QRect(4, 0, width() - 8, 16), Qt::AlignLeft | Qt::AlignVCenter,
             tr("%1: the output of each neuron").arg(block_));
  const int n = int(images_.size());
  const int avail = width() - 8;
  const int side = std::clamp(std::min((height() - 22), avail / std::max(1, n) - 4), 24, 96);
  const int perRow = std::max(1, avail / (side + 4));
  for (int i = 0; i < n; ++i) {
    const QRect r(4 + (i % perRow) * (side + 4), 18 + (i / perRow) * (side + 4), side, side);
    p.drawImage(r, images_[size_t(i)]);
    p.setPen(QColor("#b0bec5"));
    p.drawRect(r.adjusted(0, 0, -1, -1));
  }
}

}  // namespace gradlab::widgets
