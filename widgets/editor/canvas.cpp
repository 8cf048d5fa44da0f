#include "editor/canvas.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>
#include <QSet>
#include <QTimer>
#include <cmath>

#include "blocks/registry.h"

namespace gradlab::widgets {

namespace {
QString edgeKey(const Edge& e) { return QString::fromStdString(e.from + "\n" + e.to); }
}  // namespace

Canvas::Canvas(NetworkModel* model, QWidget* parent) : QGraphicsView(parent), model_(model) {
  setScene(&scene_);
  scene_.setSceneRect(-5000, -5000, 10000, 10000);
  setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
  setDragMode(RubberBandDrag);
  setAcceptDrops(true);
  setTransformationAnchor(AnchorUnderMouse);
  setViewportUpdateMode(SmartViewportUpdate);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(300, 200);
  connect(model_, &NetworkModel::changed, this, &Canvas::sync);
  connect(&scene_, &QGraphicsScene::selectionChanged, this, [this] {
    if (!syncing_) emit selectionChangedTo(selectedBlocks());
  });
  sync();
  centerOn(QPointF(300, 40));
}

Canvas::~Canvas() {
  // The items go before the view and the model: nothing may reach back into either.
  syncing_ = true;
  scene_.disconnect(this);
  for (BlockItem* b : std::as_const(blocks_)) b->disconnect(this);
  scene_.clear();
  blocks_.clear();
  edges_.clear();
}

void Canvas::sync() {
  syncing_ = true;
  const QStringList selectedBefore = selectedBlocks();
  const NetworkSpec& spec = model_->spec();
  const Analysis& a = model_->analysis();
  QSet<QString> live;
  QStringList created;
  for (const auto& b : spec.blocks) {
    const QString id = QString::fromStdString(b.id);
    live.insert(id);
    BlockItem* item = blocks_.value(id);
    if (!item) {
      item = new BlockItem(id);
      scene_.addItem(item);
      blocks_.insert(id, item);
      created << id;
      connect(item, &BlockItem::moved, this, &Canvas::updateEdgesOf);
      connect(item, &BlockItem::hovered, this, &Canvas::blockHovered);
    }
    item->setBlock(b, a, spec.loss);
    const QPointF pos = NetworkModel::position(b);
    if (item->pos() != pos) item->setPos(pos);
  }
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    if (!live.contains(it.key())) {
      delete it.value();
      it = blocks_.erase(it);
    } else {
      ++it;
    }
  }
  QSet<QString> liveEdges;
  for (const auto& e : spec.edges) {
    const QString key = edgeKey(e);
    liveEdges.insert(key);
    if (!edges_.contains(key)) {
      auto* item = new EdgeItem(e);
      scene_.addItem(item);
      edges_.insert(key, item);
    }
  }
  for (auto it = edges_.begin(); it != edges_.end();) {
    if (!liveEdges.contains(it.key())) {
      delete it.value();
      it = edges_.erase(it);
    } else {
      ++it;
    }
  }
  for (EdgeItem* e : std::as_const(edges_)) {
    BlockItem* from = blocks_.value(QString::fromStdString(e->edge().from));
    BlockItem* to = blocks_.value(QString::fromStdString(e->edge().to));
    if (from && to) e->setEnds(from->mapToScene(from->outputPort()), to->mapToScene(to->inputPort()));
  }
  // A renamed block is a new item: keep it selected.
  if (selectedBefore.size() == 1 && !blocks_.contains(selectedBefore.first()) &&
      created.size() == 1)
    blocks_.value(created.first())->setSelected(true);
  syncing_ = false;
  if (selectedBlocks() != selectedBefore) emit selectionChangedTo(selectedBlocks());
}

void Canvas::updateEdgesOf(const QString& id) {
  if (syncing_) return;
  for (EdgeItem* e : std::as_const(edges_)) {
    const QString from = QString::fromStdString(e->edge().from);
    const QString to = QString::fromStdString(e->edge().to);
    if (from != id && to != id) continue;
    BlockItem* a = blocks_.value(from);
    BlockItem* b = blocks_.value(to);
    if (a && b) e->setEnds(a->mapToScene(a->outputPort()), b->mapToScene(b->inputPort()));
  }
}

QStringList Canvas::selectedBlocks() const {
  QStringList ids;
  for (const auto& b : model_->spec().blocks) {  // in model order, so the result is stable
    BlockItem* item = blocks_.value(QString::fromStdString(b.id));
    if (item && item->isSelected()) ids << item->id();
  }
  return ids;
}

std::vector<Edge> Canvas::selectedEdges() const {
  std::vector<Edge> out;
  for (EdgeItem* e : std::as_const(edges_))
    if (e->isSelected()) out.push_back(e->edge());
  return out;
}

void Canvas::selectBlocks(const QStringList& ids) {
  scene_.clearSelection();
  for (const auto& id : ids)
    if (BlockItem* item = blocks_.value(id)) {
      item->setSelected(true);
      ensureVisible(item, 40, 40);
    }
}

EdgeItem* Canvas::edgeItem(const Edge& e) const { return edges_.value(edgeKey(e)); }

QPoint Canvas::outputPortInView(const QString& id) const {
  BlockItem* b = blocks_.value(id);
  return b ? mapFromScene(b->mapToScene(b->outputPort())) : QPoint();
}

QPoint Canvas::inputPortInView(const QString& id) const {
  BlockItem* b = blocks_.value(id);
  return b ? mapFromScene(b->mapToScene(b->inputPort())) : QPoint();
}

BlockItem* Canvas::blockAt(QPointF scenePos) const {
  for (QGraphicsItem* item : scene_.items(scenePos))
    if (auto* b = dynamic_cast<BlockItem*>(item)) return b;
  // Ports stick out of the card a little: accept a press just beside them.
  for (BlockItem* b : blocks_)
    if (b->inOutputPort(b->mapFromScene(scenePos)) || b->inInputPort(b->mapFromScene(scenePos)))
      return b;
  return nullptr;
}

void Canvas::deleteSelection() {
  model_->removeItems(selectedBlocks(), selectedEdges());
}

void Canvas::copySelection() {
  const QStringList ids = selectedBlocks();
  if (ids.isEmpty()) return;
  nlohmann::json blocks = nlohmann::json::array(), edges = nlohmann::json::array();
  NetworkSpec part;
  for (const auto& id : ids) part.blocks.push_back(*model_->spec().find(id.toStdString()));
  for (const auto& e : model_->spec().edges)
    if (ids.contains(QString::fromStdString(e.from)) && ids.contains(QString::fromStdString(e.to)))
      part.edges.push_back(e);
  const std::string text = toJson(part).dump(2);
  auto* mime = new QMimeData;
  mime->setData(kClipboardMime, QByteArray::fromStdString(text));
  mime->setText(QString::fromStdString(text));
  QApplication::clipboard()->setMimeData(mime);
  emit status(tr("Copied %n block(s)", nullptr, int(ids.size())));
}

void Canvas::paste() {
  const QMimeData* mime = QApplication::clipboard()->mimeData();
  if (!mime || !mime->hasFormat(kClipboardMime)) return;
  NetworkSpec part;
  try {
    part = parseNetwork(mime->data(kClipboardMime).toStdString(), "clipboard");
  } catch (const std::exception&) {
    return;
  }
  // Fresh ids, shifted positions; edges among the pasted blocks come along.
  std::map<std::string, std::string> rename;
  NetworkSpec probe = model_->spec();
  QStringList newIds;
  for (auto& b : part.blocks) {
    QString base = QString::fromStdString(b.id);
    while (!base.isEmpty() && base.back().isDigit()) base.chop(1);
    QString id;
    for (int i = 1;; ++i) {
      id = (base.isEmpty() ? QStringLiteral("b") : base) + QString::number(i);
      if (!probe.find(id.toStdString())) break;
    }
    rename[b.id] = id.toStdString();
    b.id = id.toStdString();
    const QPointF p = NetworkModel::position(b) + QPointF(40, 40);
    b.ui = {{"x", p.x()}, {"y", p.y()}};
    probe.blocks.push_back(b);
    newIds << id;
  }
  for (auto& e : part.edges) e = {rename[e.from], rename[e.to]};
  model_->edit(tr("Paste %n block(s)", nullptr, int(newIds.size())), [&](NetworkSpec& s) {
    s.blocks.insert(s.blocks.end(), part.blocks.begin(), part.blocks.end());
    s.edges.insert(s.edges.end(), part.edges.begin(), part.edges.end());
  });
  selectBlocks(newIds);
}

void Canvas::zoomBy(double factor) {
  const double s = transform().m11() * factor;
  if (s < 0.15 || s > 4) return;
  scale(factor, factor);
}

void Canvas::zoomToFit() {
  QRectF r;
  for (BlockItem* b : std::as_const(blocks_)) r |= b->sceneBoundingRect();
  if (r.isEmpty()) return;
  fitInView(r.adjusted(-40, -40, 40, 40), Qt::KeepAspectRatio);
  const double s = std::clamp(transform().m11(), 0.4, 1.0);  // readable, never blown up
  setTransform(QTransform::fromScale(s, s));
  centerOn(r.center());
}

void Canvas::showEvent(QShowEvent* e) {
  QGraphicsView::showEvent(e);
  if (!shownOnce_) {
    shownOnce_ = true;
    QTimer::singleShot(0, this, &Canvas::zoomToFit);  // once the window has its size
  }
}

void Canvas::autoLayout() {
  model_->autoLayout();
  zoomToFit();
}

void Canvas::commitMoves() {
  std::map<std::string, QPointF> moved;
  for (const auto& b : model_->spec().blocks) {
    BlockItem* item = blocks_.value(QString::fromStdString(b.id));
    if (item && QLineF(item->pos(), NetworkModel::position(b)).length() > 0.5)
      moved[b.id] = item->pos();
  }
  if (!moved.empty())
    model_->moveBlocks(moved, moved.size() == 1 ? tr("Move %1").arg(QString::fromStdString(moved.begin()->first))
                                                : tr("Move %n blocks", nullptr, int(moved.size())));
}

void Canvas::mousePressEvent(QMouseEvent* e) {
  if (e->button() == Qt::MiddleButton || (e->button() == Qt::LeftButton && (e->modifiers() & Qt::AltModifier))) {
    panning_ = true;
    panLast_ = e->pos();
    viewport()->setCursor(Qt::ClosedHandCursor);
    e->accept();
    return;
  }
  if (e->button() == Qt::LeftButton) {
    const QPointF sp = mapToScene(e->pos());
    if (BlockItem* b = blockAt(sp); b && b->inOutputPort(b->mapFromScene(sp))) {
      wireFrom_ = b->id();
      wire_ = scene_.addPath(EdgeItem::curve(b->mapToScene(b->outputPort()), sp),
                             QPen(QColor("#1e88e5"), 2, Qt::DashLine));
      wire_->setZValue(10);
      e->accept();
      return;
    }
  }
  QGraphicsView::mousePressEvent(e);
}

void Canvas::mouseMoveEvent(QMouseEvent* e) {
  if (panning_) {
    const QPoint d = e->pos() - panLast_;
    panLast_ = e->pos();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    return;
  }
  if (wire_) {
    const QPointF sp = mapToScene(e->pos());
    BlockItem* from = blocks_.value(wireFrom_);
    if (!from) return;
    wire_->setPath(EdgeItem::curve(from->mapToScene(from->outputPort()), sp));
    BlockItem* target = blockAt(sp);
    if (target && !model_->canConnect(wireFrom_, target->id())) target = nullptr;
    if (wireTarget_ != target) {
      if (wireTarget_) wireTarget_->setHighlightInput(false);
      wireTarget_ = target;
      if (target) target->setHighlightInput(true);
    }
    return;
  }
  QGraphicsView::mouseMoveEvent(e);
}

void Canvas::mouseReleaseEvent(QMouseEvent* e) {
  if (panning_) {
    panning_ = false;
    viewport()->unsetCursor();
    return;
  }
  if (wire_) {
    const QPointF sp = mapToScene(e->pos());
    delete wire_;
    wire_ = nullptr;
    if (wireTarget_) wireTarget_->setHighlightInput(false);
    wireTarget_ = nullptr;
    const QString from = wireFrom_;
    wireFrom_.clear();
    if (BlockItem* target = blockAt(sp)) {
      QString why;
      if (model_->canConnect(from, target->id(), &why))
        model_->connectBlocks(from, target->id());
      else if (target->id() != from)
        emit status(tr("Cannot connect %1 → %2: %3").arg(from, target->id(), why));
    }
    return;
  }
  QGraphicsView::mouseReleaseEvent(e);
  if (e->button() == Qt::LeftButton) commitMoves();
}

void Canvas::wheelEvent(QWheelEvent* e) {
  const double steps = e->angleDelta().y() / 120.0;
  if (steps != 0) zoomBy(std::pow(1.15, steps));
  e->accept();
}

void Canvas::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_Delete || e->key() == Qt::Key_Backspace) {
    deleteSelection();
    return;
  }
  if (e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal) return zoomBy(1.2);
  if (e->key() == Qt::Key_Minus) return zoomBy(1 / 1.2);
  QGraphicsView::keyPressEvent(e);
}

void Canvas::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasFormat(kBlockTypeMime)) e->acceptProposedAction();
  else QGraphicsView::dragEnterEvent(e);
}

void Canvas::dragMoveEvent(QDragMoveEvent* e) {
  if (e->mimeData()->hasFormat(kBlockTypeMime)) e->acceptProposedAction();
  else QGraphicsView::dragMoveEvent(e);
}

void Canvas::dropEvent(QDropEvent* e) {
  if (!e->mimeData()->hasFormat(kBlockTypeMime)) return QGraphicsView::dropEvent(e);
  const QString type = QString::fromUtf8(e->mimeData()->data(kBlockTypeMime));
  if (!findBlockType(type.toStdString())) return;
  const QPointF at = mapToScene(e->position().toPoint()) -
                     QPointF(BlockItem::kWidth / 2, BlockItem::kHeight / 2);
  const QString id = model_->addBlock(type, at);
  e->acceptProposedAction();
  selectBlocks({id});
  setFocus();
}

void Canvas::drawBackground(QPainter* p, const QRectF& rect) {
  p->fillRect(rect, QColor("#f7f9fb"));
  const double step = 24;
  const double left = std::floor(rect.left() / step) * step, top = std::floor(rect.top() / step) * step;
  if (transform().m11() < 0.4) return;
  p->setPen(QPen(QColor("#d5dde5"), 0));
  QVector<QPointF> dots;
  for (double x = left; x < rect.right(); x += step)
    for (double y = top; y < rect.bottom(); y += step) dots.push_back(QPointF(x, y));
  p->drawPoints(dots.data(), int(dots.size()));
}

void Canvas::showGradientFlow(const std::map<std::string, double>* signal) {
  double lo = 0, hi = 0;
  bool any = false;
  if (signal)
    for (const auto& [id, v] : *signal)
      if (std::isfinite(v) && v > 0) {
        const double l = std::log10(v);
        lo = any ? std::min(lo, l) : l;
        hi = any ? std::max(hi, l) : l;
        any = true;
      }
  for (EdgeItem* e : edges_) {
    if (!signal) {
      e->setFlow(-1, QString());
      continue;
    }
    auto it = signal->find(e->edge().from);
    if (it == signal->end()) {
      e->setFlow(-1, QString());
      continue;
    }
    const double v = it->second;
    const double t = !(std::isfinite(v) && v > 0) ? 0.0 : hi > lo ? (std::log10(v) - lo) / (hi - lo) : 1.0;
    e->setFlow(t, tr("gradient flowing back: RMS of ∂L/∂%1 = %2")
                      .arg(QString::fromStdString(e->edge().from))
                      .arg(v, 0, 'e', 1));
  }
}

}  // namespace gradlab::widgets
