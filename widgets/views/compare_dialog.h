#pragma once
// CompareDialog: Training › Compare… — what to vary in the current network and settings, over
// two to four values: the learning rate ("0.001, 0.03, 3"), the optimizer ("sgd, adam") or one
// block parameter ("h1 activation: sigmoid, relu"; "drop rate: 0, 0.5"). The variants it makes
// start in the compare view (compare_view.h).
#include <QDialog>
#include <string>
#include <vector>

#include "train/compare.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace gradlab::widgets {

class CompareDialog : public QDialog {
  Q_OBJECT
 public:
  enum class Vary { LearningRate, Optimizer, Parameter };

  CompareDialog(const NetworkSpec& spec, const TrainConfig& config, QWidget* parent = nullptr);

  // The variants of the choice made (empty when the values do not parse: see error()).
  std::vector<CompareVariant> variants() const;
  QString error() const;
  int64_t steps() const;

  // The choice, as the fields hold it (for tests and for a lesson that opens the dialog).
  void choose(Vary vary, const QString& values, const QString& blockParam = {});

  // The variants of `spec`/`config` with `what` set to each of `values` ("0.001, 0.03"):
  // what = "lr", "optimizer" or "<block>.<param>". Throws Error saying which value is wrong
  // and what it may be; 2 to 4 values.
  static std::vector<CompareVariant> makeVariants(const NetworkSpec& spec, const TrainConfig& config,
                                                  const std::string& what, const std::string& values);

 private:
  void fillParameters();
  void suggest();
  void validate();
  std::string what() const;

  NetworkSpec spec_;
  TrainConfig config_;
  QComboBox *vary_, *param_;
  QLineEdit* values_;
  QSpinBox* steps_;
  QLabel *error_, *paramLabel_;
  QPushButton* ok_;
};

}  // namespace gradlab::widgets
