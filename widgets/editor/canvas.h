#pragma once
// Canvas: the network editor's view of the NetworkModel. It draws one BlockItem per block and
// one EdgeItem per edge (sync() makes the scene match the model after every change), and turns
// the user's gestures into model edits:
//   drop a palette entry         -> add block        drag a card           -> move (on release)
//   drag output port -> a block  -> connect          Delete / Backspace    -> delete selection
//   Ctrl+C / Ctrl+V              -> copy / paste     wheel                 -> zoom at the cursor
//   middle button or Alt+drag  -> pan              Ctrl+L                -> auto-layout
#include <QGraphicsView>
#include <QHash>
#include <QPointer>

#include "editor/block_item.h"
#include "editor/edge_item.h"
#include "editor/network_model.h"

namespace gradlab::widgets {

class Canvas : public QGraphicsView {
  Q_OBJECT
 public:
  static constexpr const char* kBlockTypeMime = "application/x-gradlab-block-type";
  static constexpr const char* kClipboardMime = "application/x-gradlab-blocks";

  explicit Canvas(NetworkModel* model, QWidget* parent = nullptr);
  ~Canvas() override;

  QStringList selectedBlocks() const;
  std::vector<Edge> selectedEdges() const;
  void selectBlocks(const QStringList& ids);
  BlockItem* blockItem(const QString& id) const { return blocks_.value(id); }
  EdgeItem* edgeItem(const Edge& e) const;
  // Where a block's ports are, in viewport coordinates (for tests and tooltips).
  QPoint outputPortInView(const QString& id) const;
  QPoint inputPortInView(const QString& id) const;

 public slots:
  void sync();
  void deleteSelection();
  void copySelection();
  void paste();
  void zoomBy(double factor);
  void zoomToFit();
  void autoLayout();
  // Colours every edge by the RMS of ∂L/∂(its source block's output) in `signal`, on a log
  // scale from the network's weakest to its strongest (null: plain edges again).
  void showGradientFlow(const std::map<std::string, double>* signal);

 signals:
  void selectionChangedTo(const QStringList& blockIds);
  void blockHovered(const QString& id);
  void status(const QString& message);

 protected:
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dragMoveEvent(QDragMoveEvent* e) override;
  void dropEvent(QDropEvent* e) override;
  void drawBackground(QPainter* p, const QRectF& rect) override;
  void showEvent(QShowEvent* e) override;

 private:
  BlockItem* blockAt(QPointF scenePos) const;
  void updateEdgesOf(const QString& id);
  void commitMoves();

  NetworkModel* model_;
  QGraphicsScene scene_;
  QHash<QString, BlockItem*> blocks_;
  QHash<QString, EdgeItem*> edges_;  // key "from\nto"
  // Wiring: dragging from an output port.
  QString wireFrom_;
  QGraphicsPathItem* wire_ = nullptr;
  QPointer<BlockItem> wireTarget_;
  // Panning.
  bool panning_ = false;
  QPoint panLast_;
  bool syncing_ = false;
  bool shownOnce_ = false;
};

}  // namespace gradlab::widgets
