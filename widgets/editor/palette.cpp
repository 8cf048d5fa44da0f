#include "editor/palette.h"

#include <QHeaderView>
#include <QMimeData>

#include "blocks/registry.h"
#include "editor/canvas.h"
#include "editor/category_style.h"

namespace gradlab::widgets {

Palette::Palette(QWidget* parent) : QTreeWidget(parent) {
  setHeaderHidden(true);
  setDragEnabled(true);
  setDragDropMode(DragOnly);
  setIconSize(QSize(20, 20));
  setRootIsDecorated(false);
  setIndentation(10);
  setAnimated(true);
  setObjectName("palette");

  QStringList categories = categoryOrder();
  for (const auto& t : blockTypes()) {
    const QString c = QString::fromStdString(t.category);
    if (!categories.contains(c)) categories << c;
  }
  for (const QString& c : categories) {
    std::vector<const BlockInfo*> types;
    for (const auto& t : blockTypes())
      if (QString::fromStdString(t.category) == c) types.push_back(&t);
    if (types.empty()) continue;
    auto* group = new QTreeWidgetItem(this, {c});
    group->setFlags(Qt::ItemIsEnabled);
    QFont f = font();
    f.setBold(true);
    group->setFont(0, f);
    group->setForeground(0, categoryColor(c).darker(120));
    for (const BlockInfo* t : types) {
      const QString type = QString::fromStdString(t->type);
      auto* item = new QTreeWidgetItem(group, {type});
      item->setIcon(0, categoryIcon(c));
      item->setData(0, Qt::UserRole, type);
      item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
      item->setToolTip(0, "<b>" + type.toHtmlEscaped() + "</b>&nbsp;&nbsp;<i>" +
                              QString::fromStdString(t->formula).toHtmlEscaped() + "</i><br>" +
                              QString::fromStdString(t->help).toHtmlEscaped() +
                              "<br><small>Drag onto the canvas, or double-click.</small>");
    }
  }
  expandAll();
  connect(this, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QString type = item->data(0, Qt::UserRole).toString();
    if (!type.isEmpty()) emit activated(type);
  });
}

QTreeWidgetItem* Palette::itemFor(const QString& type) const {
  for (int i = 0; i < topLevelItemCount(); ++i)
    for (int j = 0; j < topLevelItem(i)->childCount(); ++j)
      if (topLevelItem(i)->child(j)->data(0, Qt::UserRole).toString() == type)
        return topLevelItem(i)->child(j);
  return nullptr;
}

QMimeData* Palette::mimeFor(const QString& type) {
  auto* mime = new QMimeData;
  mime->setData(Canvas::kBlockTypeMime, type.toUtf8());
  mime->setText(type);
  return mime;
}

QMimeData* Palette::mimeData(const QList<QTreeWidgetItem*>& items) const {
  for (auto* item : items) {
    const QString type = item->data(0, Qt::UserRole).toString();
    if (!type.isEmpty()) return mimeFor(type);
  }
  return nullptr;
}

QStringList Palette::mimeTypes() const { return {Canvas::kBlockTypeMime}; }

}  // namespace gradlab::widgets
