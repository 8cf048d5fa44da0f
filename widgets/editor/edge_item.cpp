#include "editor/edge_item.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <algorithm>
#include <cmath>

namespace gradlab::widgets {

EdgeItem::EdgeItem(Edge edge) : edge_(std::move(edge)) {
  setFlags(ItemIsSelectable);
  setZValue(-1);
  setToolTip(QString::fromStdString(edge_.from + " → " + edge_.to));
}

QPainterPath EdgeItem::curve(QPointF a, QPointF b) {
  QPainterPath path(a);
  const double dx = std::max(40.0, std::abs(b.x() - a.x()) * 0.5);
  path.cubicTo(a + QPointF(dx, 0), b - QPointF(dx, 0), b);
  return path;
}

void EdgeItem::setEnds(QPointF from, QPointF to) { setPath(curve(from, to)); }

void EdgeItem::setFlow(double strength, const QString& text) {
  const QString tip = QString::fromStdString(edge_.from + " → " + edge_.to) +
                      (text.isEmpty() ? QString() : "\n" + text);
  if (toolTip() != tip) setToolTip(tip);
  // In steps of 1/20: the edge is repainted when its look changes, not at every snapshot.
  const double q = strength < 0 ? -1 : std::round(std::clamp(strength, 0.0, 1.0) * 20) / 20;
  if (q == flow_) return;
  flow_ = q;
  update();
}

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker s;
  s.setWidth(10);
  return s.createStroke(path());
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  p->setRenderHint(QPainter::Antialiasing);
  QPen pen(QColor("#78909c"), 2);
  if (flow_ >= 0) {  // grey and thin where little gradient flows back, orange and wide where much
    const QColor weak("#cfd8dc"), strong("#e65100");
    const double t = std::clamp(flow_, 0.0, 1.0);
    pen = QPen(QColor::fromRgbF(weak.redF() + (strong.redF() - weak.redF()) * t,
                                weak.greenF() + (strong.greenF() - weak.greenF()) * t,
                                weak.blueF() + (strong.blueF() - weak.blueF()) * t),
               1.5 + 4.5 * t);
  }
  if (isSelected()) pen = QPen(QColor("#1e88e5"), 3);
  p->setPen(pen);
  p->setBrush(Qt::NoBrush);
  p->drawPath(path());
  // Arrow head at the target.
  const QPointF end = path().pointAtPercent(1), before = path().pointAtPercent(0.97);
  QLineF dir(end, before);
  dir.setLength(9);
  QLineF left = dir, right = dir;
  left.setAngle(dir.angle() + 25);
  right.setAngle(dir.angle() - 25);
  p->setBrush(p->pen().color());
  p->drawPolygon(QPolygonF{end, left.p2(), right.p2()});
}

}  // namespace gradlab::widgets
