#include "record/record_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace gradlab::widgets {

RecordDialog::RecordDialog(const QStringList& targets, const QString& path, double fps, QWidget* parent)
    : QDialog(parent) {
  setWindowTitle(tr("Record"));
  auto* form = new QFormLayout(this);
  target_ = new QComboBox(this);
  target_->addItems(targets);
  target_->setObjectName("recordTarget");
  form->addRow(tr("Record"), target_);

  auto* row = new QHBoxLayout;
  path_ = new QLineEdit(path, this);
  path_->setObjectName("recordPath");
  path_->setMinimumWidth(320);
  auto* file = new QPushButton(tr("File…"), this);
  auto* folder = new QPushButton(tr("Folder…"), this);
  file->setToolTip(tr("A video (.mp4, .avi) or an animated GIF"));
  folder->setToolTip(tr("A folder: one PNG file per frame"));
  row->addWidget(path_, 1);
  row->addWidget(file);
  row->addWidget(folder);
  form->addRow(tr("To"), row);
  auto* hint = new QLabel(tr("An .mp4 (MPEG-4) or .avi (Motion-JPEG) video, an animated .gif, or a "
                             "folder of PNG frames (a name without a suffix)."),
                          this);
  hint->setWordWrap(true);
  hint->setStyleSheet("color: #546e7a;");
  form->addRow(QString(), hint);
  connect(file, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(
        this, tr("Record to"), path_->text(),
        tr("MPEG-4 video (*.mp4);;Motion-JPEG video (*.avi);;Animated GIF (*.gif)"));
    if (!p.isEmpty()) path_->setText(p);
  });
  connect(folder, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getExistingDirectory(this, tr("Record PNG frames into"),
                                                        QFileInfo(path_->text()).absolutePath());
    if (!p.isEmpty()) path_->setText(p + "/");
  });

  fps_ = new QSpinBox(this);
  fps_->setObjectName("recordFps");
  fps_->setRange(1, 60);
  fps_->setValue(int(fps));
  fps_->setSuffix(tr(" frames/s"));
  form->addRow(tr("Rate"), fps_);

  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->button(QDialogButtonBox::Ok)->setText(tr("Record"));
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

int RecordDialog::target() const { return target_->currentIndex(); }
QString RecordDialog::path() const { return path_->text().trimmed(); }
double RecordDialog::fps() const { return fps_->value(); }

}  // namespace gradlab::widgets
