#pragma once
// BlockItem: one block's card on the canvas — type and id in a coloured header, its key
// parameters, output shape and parameter count; an input port on the left and an output port
// on the right. A red outline and message when analysis found a problem with it.
// It only draws: what it shows comes from the model (Canvas::sync sets it).
#include <QGraphicsObject>
#include <QStringList>

#include "spec/analysis.h"
#include "spec/network_spec.h"

namespace gradlab::widgets {

class BlockItem : public QGraphicsObject {
  Q_OBJECT
 public:
  static constexpr double kWidth = 200, kHeight = 92, kPort = 7;
  explicit BlockItem(const QString& id);

  const QString& id() const { return id_; }
  void setBlock(const BlockSpec& block, const Analysis& analysis, const LossSpec& loss);

  QPointF inputPort() const { return QPointF(0, kHeight / 2); }       // item coordinates
  QPointF outputPort() const { return QPointF(kWidth, kHeight / 2); }
  bool inOutputPort(QPointF itemPos) const;
  bool inInputPort(QPointF itemPos) const;
  void setHighlightInput(bool on);
  const QStringList& problems() const { return problems_; }

  QRectF boundingRect() const override;
  void paint(QPainter* p, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 signals:
  void moved(const QString& id);

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;
  void hoverEnterEvent(QGraphicsSceneHoverEvent* e) override;

 signals:
  void hovered(const QString& id);

 private:
  QString id_, type_, category_, summary_, shapeLine_, lossLine_;
  QStringList problems_;
  bool hasInput_ = true, highlightInput_ = false;
};

}  // namespace gradlab::widgets
