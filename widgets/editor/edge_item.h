#pragma once
// EdgeItem: a connection from one block's output port to another's input port, drawn as a
// cubic curve. Selectable (and so deletable); its ends follow the blocks.
#include <QGraphicsPathItem>

#include "spec/network_spec.h"

namespace gradlab::widgets {

class EdgeItem : public QGraphicsPathItem {
 public:
  explicit EdgeItem(Edge edge);
  const Edge& edge() const { return edge_; }
  void setEnds(QPointF from, QPointF to);
  // Gradient flow on the canvas (the Gradients view open): how strong the backpropagated
  // signal along this edge is, 0 (weakest in the network) to 1 (strongest); < 0: not shown.
  void setFlow(double strength, const QString& text);
  double flow() const { return flow_; }
  static QPainterPath curve(QPointF from, QPointF to);

  QPainterPath shape() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  Edge edge_;
  double flow_ = -1;
};

}  // namespace gradlab::widgets
