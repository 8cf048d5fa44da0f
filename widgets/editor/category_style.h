#pragma once
// Colours and icons per block category, shared by the palette and the canvas cards.
#include <QColor>
#include <QIcon>
#include <QString>
#include <QStringList>

namespace gradlab::widgets {

// The palette's order; categories the registry adds later go after these.
const QStringList& categoryOrder();
QColor categoryColor(const QString& category);
QIcon categoryIcon(const QString& category);
// Icons for actions: "play", "pause", "step", "epoch", "reset", "layout", "app".
QIcon actionIcon(const QString& name);
// Makes the compiled-in resources (icons, default project) available; idempotent.
void initResources();

}  // namespace gradlab::widgets
