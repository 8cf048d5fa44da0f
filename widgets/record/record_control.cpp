#include "record/record_control.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>

#include "record/record_dialog.h"
#include "record/recorder.h"
#include "views/view.h"
#include "views/view_docks.h"

namespace gradlab::widgets {

RecordControl::RecordControl(QMainWindow* window, ViewDocks* views, Message message, QObject* parent)
    : QObject(parent), window_(window), views_(views), message_(std::move(message)),
      recorder_(new Recorder(this)) {
  QString dir = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
  if (dir.isEmpty() || !QDir(dir).exists()) dir = QDir::homePath();
  lastPath_ = QDir(dir).filePath("gradlab-recording.mp4");

  record_ = new QAction(tr("&Record…"), this);
  record_->setObjectName("record");
  record_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  record_->setToolTip(tr("Record the window or a view while it trains: a video, a GIF or PNG frames"));
  connect(record_, &QAction::triggered, this, [this] {
    if (recorder_->recording()) stopRecording();
    else if (!recorder_->finishing()) ask();
  });

  // The indicator: ● 0:12 · 120 frames [Stop]
  indicator_ = new QWidget(window);
  indicator_->setObjectName("recordIndicator");
  auto* h = new QHBoxLayout(indicator_);
  h->setContentsMargins(4, 0, 4, 0);
  indicatorText_ = new QLabel(indicator_);
  indicatorText_->setStyleSheet("color: #c62828; font-weight: bold;");
  stop_ = new QToolButton(indicator_);
  stop_->setText(tr("Stop"));
  stop_->setToolTip(tr("Stop recording (Ctrl+Shift+R)"));
  h->addWidget(indicatorText_);
  h->addWidget(stop_);
  indicator_->hide();
  window->statusBar()->addPermanentWidget(indicator_);
  connect(stop_, &QToolButton::clicked, this, &RecordControl::stopRecording);
  auto* tick = new QTimer(this);
  tick->setInterval(250);
  connect(tick, &QTimer::timeout, this, &RecordControl::updateIndicator);

  connect(recorder_, &Recorder::started, this, [this, tick] {
    record_->setText(tr("Stop &Recording"));
    indicator_->show();
    updateIndicator();
    tick->start();
  });
  auto done = [this, tick] {
    tick->stop();
    indicator_->hide();
    record_->setText(tr("&Record…"));
  };
  connect(recorder_, &Recorder::stopped, this, [this, done](const QString& path, qint64 written, qint64 dropped) {
    done();
    QString text = tr("Recorded %1: %2 frames").arg(QDir::toNativeSeparators(path)).arg(written);
    if (dropped > 0) text += tr(" (%1 dropped: the computer was busy)").arg(dropped);
    message_(text + ".", false);
  });
  connect(recorder_, &Recorder::failed, this, [this, done](const QString& error) {
    done();
    message_(error, true);
  });
}

void RecordControl::addMenuActions(QMenu* menu) { menu->addAction(record_); }

bool RecordControl::startRecording(QWidget* target, const QString& path, double fps) {
  QString error;
  if (!recorder_->start(target ? target : window_, path, fps, &error)) {
    message_(error, true);
    return false;
  }
  lastPath_ = path;
  lastFps_ = fps;
  return true;
}

void RecordControl::stopRecording() {
  recorder_->stop();
  updateIndicator();
}

void RecordControl::ask() {
  QStringList names = {tr("The whole window")};
  std::vector<View*> views;
  for (View* v : views_->views()) {
    names << v->title();
    views.push_back(v);
  }
  RecordDialog dialog(names, lastPath_, lastFps_, window_);
  if (dialog.exec() != QDialog::Accepted) return;
  QWidget* target = dialog.target() > 0 ? views[size_t(dialog.target() - 1)] : nullptr;
  if (target && !target->isVisible())
    return message_(tr("The %1 view is not on screen: show it (View menu) and record again.")
                        .arg(views[size_t(dialog.target() - 1)]->title()),
                    true);
  startRecording(target, dialog.path(), dialog.fps());
}

void RecordControl::updateIndicator() {
  if (recorder_->finishing()) {
    indicatorText_->setText(tr("Finishing %1…").arg(QFileInfo(recorder_->path()).fileName()));
    stop_->setEnabled(false);
    return;
  }
  stop_->setEnabled(true);
  const int s = int(recorder_->elapsedSeconds());
  QString text = tr("● REC %1:%2 · %3 frames")
                     .arg(s / 60)
                     .arg(s % 60, 2, 10, QLatin1Char('0'))
                     .arg(recorder_->framesGrabbed());
  if (const int64_t dropped = recorder_->framesDropped()) text += tr(", %1 dropped").arg(dropped);
  indicatorText_->setText(text);
  indicatorText_->setToolTip(tr("Recording to %1").arg(QDir::toNativeSeparators(recorder_->path())));
}

}  // namespace gradlab::widgets
