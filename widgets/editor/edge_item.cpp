#include "editor/edge_item.h"

#include <QPainter>
#include <QPainterPathStroker>

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

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker s;
  s.setWidth(10);
  return s.createStroke(path());
}

void EdgeItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  p->setRenderHint(QPainter::Antialiasing);
  p->setPen(QPen(isSelected() ? QColor("#1e88e5") : QColor("#78909c"), isSelected() ? 3 : 2));
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
