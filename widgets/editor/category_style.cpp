#include "editor/category_style.h"

#include <QFile>
#include <QHash>

static void initGradlabResources() { Q_INIT_RESOURCE(gradlab); }

namespace gradlab::widgets {

void initResources() {
  static bool done = false;
  if (!done) initGradlabResources();
  done = true;
}

const QStringList& categoryOrder() {
  static const QStringList order{"Data",           "Dense",      "Convolution", "Recurrent",
                                 "Regularisation", "Activation", "Merge",       "Output"};
  return order;
}

QColor categoryColor(const QString& category) {
  static const QHash<QString, QColor> colors{
      {"Data", QColor("#3572b0")},           {"Dense", QColor("#2f6f9f")},
      {"Convolution", QColor("#d4701a")},    {"Recurrent", QColor("#3b8e3b")},
      {"Regularisation", QColor("#7f8c8d")}, {"Activation", QColor("#8e44ad")},
      {"Merge", QColor("#16a085")},          {"Output", QColor("#c0392b")},
  };
  return colors.value(category, QColor("#5d6d7e"));
}

QIcon categoryIcon(const QString& category) {
  initResources();
  const QString path = ":/icons/" + category.toLower() + ".svg";
  return QIcon(QFile::exists(path) ? path : QStringLiteral(":/icons/other.svg"));
}

QIcon actionIcon(const QString& name) {
  initResources();
  return QIcon(":/icons/" + name + ".svg");
}

}  // namespace gradlab::widgets
