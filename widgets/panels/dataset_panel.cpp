#include "panels/dataset_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QThreadPool>
#include <QTimer>
#include <QVBoxLayout>

#include "handoff.h"
#include "panels/data_preview.h"

namespace gradlab::widgets {

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("datasetPanel");
  auto* v = new QVBoxLayout(this);
  v->setContentsMargins(8, 8, 8, 8);

  sets_ = new QComboBox(this);
  sets_->setObjectName("datasets");
  for (const auto& d : builtinDatasets()) {
    sets_->addItem(QString::fromStdString(d.name) + "  (" + kindName(d.kind) + ")",
                   QString::fromStdString(d.name));
    sets_->setItemData(sets_->count() - 1, QString::fromStdString(d.description), Qt::ToolTipRole);
  }
  v->addWidget(sets_);
  auto* files = new QHBoxLayout;
  openFile_ = new QPushButton(tr("Open data file…"), this);
  openFile_->setToolTip(tr("A CSV file (the last column, or a named one, is the target) or a "
                           "safetensors file with x and y"));
  openFolder_ = new QPushButton(tr("Image folder…"), this);
  openFolder_->setToolTip(tr("A folder with one sub-folder of images per class"));
  files->addWidget(openFile_);
  files->addWidget(openFolder_);
  v->addLayout(files);

  auto* form = new QFormLayout;
  noise_ = new QSlider(Qt::Horizontal, this);
  noise_->setRange(0, 50);
  noiseLabel_ = new QLabel(this);
  auto* noiseRow = new QHBoxLayout;
  noiseRow->addWidget(noise_);
  noiseRow->addWidget(noiseLabel_);
  form->addRow(tr("Noise"), noiseRow);
  test_ = new QSlider(Qt::Horizontal, this);
  test_->setRange(0, 90);
  testLabel_ = new QLabel(this);
  auto* testRow = new QHBoxLayout;
  testRow->addWidget(test_);
  testRow->addWidget(testLabel_);
  form->addRow(tr("Test share"), testRow);
  points_ = new QSpinBox(this);
  points_->setRange(0, 100000);
  points_->setSingleStep(100);
  points_->setSpecialValueText(tr("all"));  // 0: every image of Fashion-MNIST
  points_->setToolTip(tr("Points to generate; for Fashion-MNIST the first N training and test "
                         "images (all: 60 000 and 10 000)"));
  form->addRow(tr("Samples"), points_);
  batch_ = new QSpinBox(this);
  batch_->setRange(1, 4096);
  batch_->setValue(10);
  batch_->setObjectName("batch");
  batch_->setToolTip(tr("Samples per training step"));
  form->addRow(tr("Batch size"), batch_);
  v->addLayout(form);
  reconstruct_ = new QCheckBox(tr("Reconstruct the inputs (autoencoder)"), this);
  reconstruct_->setObjectName("reconstruct");
  reconstruct_->setToolTip(tr("Every sample's target becomes the sample itself, so the network "
                              "learns to reproduce its input (an autoencoder): regression with "
                              "mse, the output as large as the input"));
  v->addWidget(reconstruct_);

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 0);
  progress_->setTextVisible(false);
  progress_->setMaximumHeight(6);
  progress_->hide();
  v->addWidget(progress_);
  preview_ = new DataPreview(this);
  v->addWidget(preview_, 1);
  info_ = new QLabel(this);
  info_->setWordWrap(true);
  info_->setStyleSheet("color: #546e7a;");
  v->addWidget(info_);

  auto reload = [this] { load(fromFields()); };
  connect(sets_, &QComboBox::activated, this, reload);
  // Sliders reload once the user stops moving them.
  auto* debounce = new QTimer(this);
  debounce->setSingleShot(true);
  debounce->setInterval(250);
  connect(debounce, &QTimer::timeout, this, [this] {
    if (!current_.builtin.empty()) load(fromFields());
  });
  connect(noise_, &QSlider::valueChanged, this, [this, debounce] {
    noiseLabel_->setText(QString::number(noise_->value()) + " %");
    debounce->start();
  });
  connect(test_, &QSlider::valueChanged, this, [this, debounce] {
    testLabel_->setText(QString::number(test_->value()) + " %");
    debounce->start();
  });
  connect(points_, &QSpinBox::editingFinished, this, reload);
  connect(reconstruct_, &QCheckBox::toggled, this, [this](bool on) {
    DataSource s = current_;  // the same data, a file's too, with targets = inputs or not
    s.reconstruct = on;
    load(s);
  });
  connect(batch_, &QSpinBox::valueChanged, this, &DatasetPanel::batchChanged);
  connect(openFile_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open data file"), {}, tr("Data (*.csv *.safetensors);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
  });
  connect(openFolder_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open image folder"));
    if (!path.isEmpty()) openFile(path);
  });
  showSource(current_);
}

int DatasetPanel::batch() const { return batch_->value(); }

void DatasetPanel::setBatch(int b) {
  QSignalBlocker block(batch_);
  batch_->setValue(b);
}

void DatasetPanel::showSource(const DataSource& s) {
  QSignalBlocker b1(sets_), b2(noise_), b3(test_), b4(points_), b5(reconstruct_);
  const QString name = QString::fromStdString(s.builtin);
  const int i = sets_->findData(name);
  if (i >= 0) sets_->setCurrentIndex(i);
  noise_->setValue(int(std::lround(s.noise * 100)));
  noiseLabel_->setText(QString::number(noise_->value()) + " %");
  test_->setValue(int(std::lround(s.testFraction * 100)));
  testLabel_->setText(QString::number(test_->value()) + " %");
  points_->setValue(s.points);
  reconstruct_->setChecked(s.reconstruct);
  const bool builtin = !s.builtin.empty();
  // Noise means something for the generated sets (and the sine and waveform sequences), not
  // for images.
  bool noisy = s.builtin == "sine" || s.builtin == "waveforms";
  for (const auto& d : builtinDatasets())
    if (d.name == s.builtin)
      noisy |= d.kind == DatasetKind::Classification2D || d.kind == DatasetKind::Regression1D;
  noise_->setEnabled(noisy);
  points_->setEnabled(builtin);
}

DataSource DatasetPanel::fromFields() const {
  DataSource s = current_;
  const std::string name = sets_->currentData().toString().toStdString();
  if (name != current_.builtin) {
    s = DataSource{};
    s.builtin = name;
    s.seed = current_.seed;
    s.reconstruct = reconstruct_->isChecked();
    // Each family has its own sensible defaults.
    for (const auto& d : builtinDatasets())
      if (d.name == name) {
        if (d.kind == DatasetKind::Regression1D) s.points = 200, s.noise = 0.1, s.testFraction = 0.3;
        if (d.kind == DatasetKind::Images) s.points = 0, s.noise = 0, s.testFraction = 0.2;
        if (d.kind == DatasetKind::Sequences) s.points = 1000, s.noise = 0, s.testFraction = 0.2;
        if (d.name == "waveforms") s.noise = 0.2;  // raw recordings are noisy
      }
    return s;
  }
  s.noise = noise_->value() / 100.0;
  s.testFraction = test_->value() / 100.0;
  s.points = points_->value();
  s.reconstruct = reconstruct_->isChecked();
  return s;
}

void DatasetPanel::openFile(const QString& path) {
  DataSource s;
  s.builtin.clear();
  s.path = path.toStdString();
  s.points = 0;
  s.noise = 0;
  s.testFraction = test_->value() / 100.0;
  s.seed = current_.seed;
  s.reconstruct = reconstruct_->isChecked();
  load(s);
}

void DatasetPanel::load(const DataSource& s) {
  const int gen = ++generation_;
  loading_ = true;
  progress_->show();
  info_->setText(tr("Loading %1…").arg(QString::fromStdString(s.label())));
  emit loadingChanged(true);
  const QPointer<QObject> guard(this);
  runInPool(*QThreadPool::globalInstance(), [this, guard, gen, s] {
    std::shared_ptr<const Split> data;
    QString error;
    try {
      data = std::make_shared<const Split>(loadSource(s));
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    postToGui(guard, [this, gen, data, s, error] { finish(gen, data, s, error); });
  });
}

void DatasetPanel::finish(int gen, std::shared_ptr<const Split> data, const DataSource& s,
                          const QString& error) {
  if (gen != generation_) return;  // a newer load superseded this one
  loading_ = false;
  progress_->hide();
  emit loadingChanged(false);
  if (!data) {
    showSource(current_);  // the fields go back to the data still in use
    info_->setText(tr("Could not load %1 — still using %2.")
                       .arg(QString::fromStdString(s.label()), QString::fromStdString(current_.label())));
    emit loadFailed(error);
    return;
  }
  current_ = s;
  data_ = data;
  showSource(s);
  preview_->setData(data);
  const Dataset& t = data->train;
  QString info = tr("%1: %L2 train · %L3 test · sample %4")
                     .arg(QString::fromStdString(s.label()))
                     .arg(t.size())
                     .arg(data->test.size())
                     .arg(QString::fromStdString(toString(t.xShape)));
  info += t.isClassification() ? tr(" · %1 classes").arg(t.numClasses)
                               : tr(" · regression, %1 output(s)").arg(numel(t.yShape));
  info_->setText(info);
  emit dataLoaded(data, s);
}

}  // namespace gradlab::widgets
