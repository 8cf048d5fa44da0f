#pragma once
// DatasetPanel: choose the data — a built-in set (with its noise, size and test share) or a
// CSV / safetensors file / image folder of the user's — plus the batch size, with a preview.
// Loading runs on a worker thread (the window never waits on it); a failed load says why and
// leaves the current data in place. What it loads is a DataSource (core/data/data_source.h),
// the same description a project file stores and gradlab-cli trains from.
#include <QWidget>
#include <memory>

#include "data/data_source.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QSlider;
class QSpinBox;
class QPushButton;

namespace gradlab::widgets {

class DataPreview;

class DatasetPanel : public QWidget {
  Q_OBJECT
 public:
  explicit DatasetPanel(QWidget* parent = nullptr);

  const DataSource& source() const { return current_; }
  std::shared_ptr<const Split> data() const { return data_; }
  bool loading() const { return loading_; }
  int batch() const;
  void setBatch(int batch);

  // Loads in the background; dataLoaded or loadFailed follows.
  void load(const DataSource& source);
  void openFile(const QString& path);  // CSV, safetensors or an image folder

 signals:
  void dataLoaded(std::shared_ptr<const Split> data, const DataSource& source);
  void loadFailed(const QString& message);
  void loadingChanged(bool loading);
  void batchChanged(int batch);

 private:
  void showSource(const DataSource& s);
  DataSource fromFields() const;
  void finish(int generation, std::shared_ptr<const Split> data, const DataSource& s,
              const QString& error);

  QComboBox* sets_;
  QPushButton *openFile_, *openFolder_;
  QSlider *noise_, *test_;
  QLabel *noiseLabel_, *testLabel_, *info_;
  QSpinBox *points_, *batch_;
  QCheckBox* reconstruct_;
  QProgressBar* progress_;
  DataPreview* preview_;
  DataSource current_;
  std::shared_ptr<const Split> data_;
  int generation_ = 0;
  bool loading_ = false;
};

}  // namespace gradlab::widgets
