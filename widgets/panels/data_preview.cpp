#include "panels/data_preview.h"

#include <QPainter>
#include <algorithm>

#include "theme.h"

namespace gradlab::widgets {

DataPreview::DataPreview(QWidget* parent) : QWidget(parent) {
  setMinimumSize(180, 150);
  setObjectName("dataPreview");
}

void DataPreview::setData(std::shared_ptr<const Split> data) {
  data_ = std::move(data);
  update();
}

QColor DataPreview::classColor(int cls, int numClasses) {
  return theme().classColor(cls, numClasses);  // the lab's palette, or the projector's
}

QImage DataPreview::sampleImage(const Dataset& d, int64_t index) {
  const Shape& s = d.xShape;
  int c = 1, h = 0, w = 0;
  if (s.size() == 2) h = int(s[0]), w = int(s[1]);
  else if (s.size() == 3 && (s[0] == 1 || s[0] == 3)) c = int(s[0]), h = int(s[1]), w = int(s[2]);
  else return {};
  if (index < 0 || index >= d.size()) return {};
  const float* x = d.x.data() + index * d.xStride();
  float lo = *std::min_element(x, x + d.xStride()), hi = *std::max_element(x, x + d.xStride());
  if (hi - lo < 1e-12f) hi = lo + 1;
  QImage img(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y)
    for (int xx = 0; xx < w; ++xx) {
      auto v = [&](int ch) { return int(255 * (x[(ch * h + y) * w + xx] - lo) / (hi - lo)); };
      img.setPixel(xx, y, c == 3 ? qRgb(v(0), v(1), v(2)) : qRgb(v(0), v(0), v(0)));
    }
  return img;
}

void DataPreview::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::white);
  p.setPen(QColor("#cfd8dc"));
  p.drawRect(rect().adjusted(0, 0, -1, -1));
  if (!data_) {
    p.setPen(QColor("#78909c"));
    p.drawText(rect(), Qt::AlignCenter, tr("Loading…"));
    return;
  }
  const Dataset& train = data_->train;
  const QRectF area = QRectF(rect()).adjusted(8, 8, -8, -8);
  p.setRenderHint(QPainter::Antialiasing);
  if (train.xShape == Shape{2} || train.xShape == Shape{1}) {
    const bool twoD = train.xShape == Shape{2};
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    auto yOf = [&](const Dataset& d, int64_t i) {
      return twoD ? double(d.x[size_t(i * 2 + 1)]) : double(d.y[size_t(i * std::max<int64_t>(1, d.yStride()))]);
    };
    for (const Dataset* d : {&data_->train, &data_->test})
      for (int64_t i = 0; i < d->size(); ++i) {
        const double a = d->x[size_t(i * d->xStride())], b = yOf(*d, i);
        x0 = std::min(x0, a), x1 = std::max(x1, a), y0 = std::min(y0, b), y1 = std::max(y1, b);
      }
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y1 = y0 + 1;
    auto map = [&](double a, double b) {
      return QPointF(area.left() + (a - x0) / (x1 - x0) * area.width(),
                     area.bottom() - (b - y0) / (y1 - y0) * area.height());
    };
    for (const Dataset* d : {&data_->train, &data_->test}) {
      const bool test = d == &data_->test;
      for (int64_t i = 0; i < d->size(); ++i) {
        const QPointF pt = map(d->x[size_t(i * d->xStride())], yOf(*d, i));
        QColor c = d->isClassification() ? classColor(int(d->y[size_t(i)]), d->numClasses)
                                         : QColor(test ? "#f59322" : "#0877bd");
        p.setPen(QPen(c.darker(test ? 130 : 100), 1));
        p.setBrush(test ? Qt::NoBrush : QBrush(c));
        p.drawEllipse(pt, 2.5, 2.5);
      }
    }
    return;
  }
  if (!sampleImage(train, 0).isNull()) {
    const int n = int(std::min<int64_t>(train.size(), 24));
    const int cols = 6, rows = (n + cols - 1) / cols;
    const double cell = std::min(area.width() / cols, area.height() / std::max(1, rows));
    for (int i = 0; i < n; ++i) {
      const QRectF r(area.left() + (i % cols) * cell, area.top() + (i / cols) * cell, cell - 2, cell - 2);
      p.drawImage(r, sampleImage(train, i));
    }
    return;
  }
  if (train.xShape.size() == 2) {  // sequences [T, F]: the first sample's features over time
    const int64_t T = train.xShape[0], F = train.xShape[1];
    const float* x = train.x.data();
    float lo = *std::min_element(x, x + T * F), hi = *std::max_element(x, x + T * F);
    if (hi - lo < 1e-9f) hi = lo + 1;
    for (int64_t f = 0; f < std::min<int64_t>(F, 6); ++f) {
      QPolygonF line;
      for (int64_t t = 0; t < T; ++t)
        line << QPointF(area.left() + area.width() * double(t) / std::max<int64_t>(1, T - 1),
                        area.bottom() - area.height() * (x[t * F + f] - lo) / (hi - lo));
      p.setPen(QPen(classColor(int(f), 10), 1.5));
      p.drawPolyline(line);
    }
    return;
  }
  p.setPen(QColor("#546e7a"));
  p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
             tr("%1 samples of shape %2").arg(train.size()).arg(QString::fromStdString(toString(train.xShape))));
}

}  // namespace gradlab::widgets
