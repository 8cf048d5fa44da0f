#pragma once
// RecordDialog: what View › Record… asks — what to record (the whole window or one view), the
// file (.mp4, .avi, .gif, or a folder for PNG frames) and the frame rate.
#include <QDialog>

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace gradlab::widgets {

class RecordDialog : public QDialog {
  Q_OBJECT
 public:
  // targets: the names offered, the whole window first.
  RecordDialog(const QStringList& targets, const QString& path, double fps, QWidget* parent = nullptr);

  int target() const;  // index into targets
  QString path() const;
  double fps() const;

 private:
  QComboBox* target_;
  QLineEdit* path_;
  QSpinBox* fps_;
};

}  // namespace gradlab::widgets
