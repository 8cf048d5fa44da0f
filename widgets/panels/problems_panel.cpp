#include "panels/problems_panel.h"

#include <QStyle>

namespace gradlab::widgets {

ProblemsPanel::ProblemsPanel(QWidget* parent) : QListWidget(parent) {
  setObjectName("problems");
  setWordWrap(true);
  setAlternatingRowColors(true);
  connect(this, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
    const QString id = item->data(Qt::UserRole).toString();
    if (!id.isEmpty()) emit blockClicked(id);
  });
}

void ProblemsPanel::setProblems(const std::vector<Problem>& problems, const QString& trainingError) {
  clear();
  const QIcon bad = style()->standardIcon(QStyle::SP_MessageBoxCritical);
  for (const auto& p : problems) {
    const QString id = QString::fromStdString(p.block);
    auto* item = new QListWidgetItem(bad, (id.isEmpty() ? tr("network") : id) + ": " +
                                              QString::fromStdString(p.message));
    item->setData(Qt::UserRole, id);
    addItem(item);
  }
  if (problems.empty() && !trainingError.isEmpty())
    addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning),
                                tr("training: ") + trainingError));
  if (count() == 0) {
    auto* ok = new QListWidgetItem(style()->standardIcon(QStyle::SP_DialogApplyButton),
                                   tr("No problems: press Play to train."));
    ok->setFlags(Qt::ItemIsEnabled);
    addItem(ok);
  }
}

}  // namespace gradlab::widgets
