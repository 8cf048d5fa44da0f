#include "editor/block_item.h"

#include <QFontMetrics>
#include <QGraphicsScene>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include "blocks/registry.h"
#include "editor/category_style.h"

namespace gradlab::widgets {

namespace {
QString valueText(const nlohmann::json& v) {
  if (v.is_string()) return QString::fromStdString(v.get<std::string>());
  if (v.is_array()) {
    QStringList parts;
    for (const auto& d : v) parts << QString::fromStdString(d.dump());
    return parts.join(QChar(0x00d7));
  }
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return QString::fromStdString(v.dump());
}

QString groupDigits(int64_t n) {
  QString s = QString::number(n);
  for (int i = s.size() - 3; i > 0; i -= 3) s.insert(i, QChar(0x2009));
  return s;
}
}  // namespace

BlockItem::BlockItem(const QString& id) : id_(id) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(true);
  setCacheMode(DeviceCoordinateCache);
}

void BlockItem::setBlock(const BlockSpec& block, const Analysis& a, const LossSpec& loss) {
  prepareGeometryChange();
  type_ = QString::fromStdString(block.type);
  const BlockInfo* info = findBlockType(block.type);
  category_ = info ? QString::fromStdString(info->category) : QString();
  hasInput_ = !info || info->maxInputs != 0;

  // Key parameters: the required ones and those that differ from their default, at most 3.
  QStringList parts;
  if (info) {
    for (const auto& p : info->params) {
      const nlohmann::json v = paramValue(block, p.key);
      const bool shown = p.defaultValue.is_null() || v != p.defaultValue;
      if (!shown || parts.size() >= 3) continue;
      if (p.kind == ParamInfo::Kind::Choice)
        parts << valueText(v);
      else
        parts << QString::fromStdString(p.key) + " " + valueText(v);
    }
  }
  summary_ = parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(" · "));

  const auto shape = a.outShapes.find(block.id);
  const auto count = a.paramCounts.find(block.id);
  shapeLine_ = QStringLiteral("→ ") +
               (shape != a.outShapes.end() ? QString::fromStdString(toString(shape->second))
                                           : QStringLiteral("?"));
  if (count != a.paramCounts.end())
    shapeLine_ += QStringLiteral("   ") + groupDigits(count->second) +
                  (count->second == 1 ? " param" : " params");
  lossLine_ = loss.block == block.id && !loss.type.empty()
                  ? QStringLiteral("loss: ") + QString::fromStdString(loss.type)
                  : QString();

  problems_.clear();
  for (const auto& p : a.problemsOf(block.id)) problems_ << QString::fromStdString(p.message);
  QString tip = "<b>" + type_.toHtmlEscaped() + "</b> " + id_.toHtmlEscaped();
  if (info)
    tip += "<br><i>" + QString::fromStdString(info->formula).toHtmlEscaped() + "</i><br>" +
           QString::fromStdString(info->help).toHtmlEscaped();
  for (const auto& p : problems_) tip += "<br><font color='#c0392b'>" + p.toHtmlEscaped() + "</font>";
  setToolTip(tip);
  update();
}

bool BlockItem::inOutputPort(QPointF p) const {
  return QLineF(p, outputPort()).length() <= kPort + 5;
}

bool BlockItem::inInputPort(QPointF p) const {
  return hasInput_ && QLineF(p, inputPort()).length() <= kPort + 5;
}

void BlockItem::setHighlightInput(bool on) {
  if (on == highlightInput_) return;
  highlightInput_ = on;
  update();
}

QRectF BlockItem::boundingRect() const {
  const double below = problems_.isEmpty() ? 0 : 18.0 * std::min<qsizetype>(problems_.size(), 3) + 6;
  return QRectF(-kPort - 2, -4, kWidth + 2 * kPort + 4, kHeight + 8 + below);
}

void BlockItem::paint(QPainter* p, const QStyleOptionGraphicsItem*, QWidget*) {
  p->setRenderHint(QPainter::Antialiasing);
  const QRectF card(0, 0, kWidth, kHeight);
  const QColor color = categoryColor(category_);
  const bool bad = !problems_.isEmpty();

  // Shadow, body, header.
  p->setPen(Qt::NoPen);
  p->setBrush(QColor(0, 0, 0, 28));
  p->drawRoundedRect(card.translated(2, 3), 7, 7);
  p->setBrush(QColor("#ffffff"));
  p->drawRoundedRect(card, 7, 7);
  QPainterPath header;
  header.addRoundedRect(QRectF(0, 0, kWidth, 26), 7, 7);
  header.addRect(QRectF(0, 13, kWidth, 13));
  header.setFillRule(Qt::WindingFill);
  p->fillPath(header.simplified(), color);

  // Outline: red when there is a problem, thick when selected.
  QPen outline(bad ? QColor("#d62c1a") : isSelected() ? QColor("#1e88e5") : QColor("#9aa5b1"),
               bad || isSelected() ? 2.5 : 1.0);
  p->setPen(outline);
  p->setBrush(Qt::NoBrush);
  p->drawRoundedRect(card, 7, 7);

  // Header: icon, type, id.
  categoryIcon(category_).paint(p, QRect(6, 4, 18, 18));
  QFont f = p->font();
  f.setPointSizeF(9.5);
  f.setBold(true);
  p->setFont(f);
  p->setPen(Qt::white);
  p->drawText(QRectF(30, 0, kWidth - 36, 26), Qt::AlignVCenter | Qt::AlignLeft, type_);
  f.setBold(false);
  p->setFont(f);
  p->drawText(QRectF(30, 0, kWidth - 38, 26), Qt::AlignVCenter | Qt::AlignRight, id_);

  // Body.
  f.setPointSizeF(8.5);
  p->setFont(f);
  QFontMetricsF fm(f);
  p->setPen(QColor("#263238"));
  p->drawText(QRectF(10, 30, kWidth - 20, 18), Qt::AlignVCenter | Qt::AlignLeft,
              fm.elidedText(summary_, Qt::ElideRight, kWidth - 20));
  p->setPen(QColor("#546e7a"));
  p->drawText(QRectF(10, 48, kWidth - 20, 18), Qt::AlignVCenter | Qt::AlignLeft, shapeLine_);
  if (!lossLine_.isEmpty()) {
    p->setPen(QColor("#c0392b"));
    p->drawText(QRectF(10, 66, kWidth - 20, 18), Qt::AlignVCenter | Qt::AlignLeft, lossLine_);
  }

  // Ports.
  p->setPen(QPen(QColor("#37474f"), 1.2));
  if (hasInput_) {
    p->setBrush(highlightInput_ ? QColor("#43a047") : QColor("#eceff1"));
    p->drawEllipse(inputPort(), kPort, kPort);
  }
  p->setBrush(color.lighter(130));
  p->drawEllipse(outputPort(), kPort, kPort);

  // Problems under the card.
  if (bad) {
    f.setPointSizeF(8);
    p->setFont(f);
    p->setPen(QColor("#c62828"));
    double y = kHeight + 4;
    for (int i = 0; i < std::min<qsizetype>(problems_.size(), 3); ++i, y += 18)
      p->drawText(QRectF(0, y, kWidth + 2 * kPort, 18), Qt::AlignVCenter | Qt::AlignLeft,
                  QFontMetricsF(f).elidedText(QStringLiteral("⚠ ") + problems_[i],
                                              Qt::ElideRight, kWidth + 2 * kPort));
  }
}

QVariant BlockItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionHasChanged) emit moved(id_);
  if (change == ItemSelectedHasChanged) update();
  return QGraphicsObject::itemChange(change, value);
}

void BlockItem::hoverEnterEvent(QGraphicsSceneHoverEvent* e) {
  emit hovered(id_);
  QGraphicsObject::hoverEnterEvent(e);
}

}  // namespace gradlab::widgets
