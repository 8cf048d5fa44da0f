#pragma once
// ProblemsPanel: every problem analysis found in the network (and why training cannot start),
// one line each; clicking a line selects its block on the canvas.
#include <QListWidget>

#include "spec/analysis.h"

namespace gradlab::widgets {

class ProblemsPanel : public QListWidget {
  Q_OBJECT
 public:
  explicit ProblemsPanel(QWidget* parent = nullptr);
  void setProblems(const std::vector<Problem>& problems, const QString& trainingError);

 signals:
  void blockClicked(const QString& id);
};

}  // namespace gradlab::widgets
