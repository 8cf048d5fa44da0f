#pragma once
// Palette: every block type of the registry (blocks/registry.h), grouped by category, each
// with its category's icon and a tooltip giving its formula. Drag an entry onto the canvas, or
// double-click it to add the block in the middle of the canvas. New block types in the
// registry appear here with no change to this file.
#include <QTreeWidget>

namespace gradlab::widgets {

class Palette : public QTreeWidget {
  Q_OBJECT
 public:
  explicit Palette(QWidget* parent = nullptr);
  // The drag payload for a block type (what a drop on the canvas reads).
  static QMimeData* mimeFor(const QString& type);
  QTreeWidgetItem* itemFor(const QString& type) const;

 signals:
  void activated(const QString& type);

 protected:
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
  QStringList mimeTypes() const override;
};

}  // namespace gradlab::widgets
