#include "project/project_files.h"

#include <QApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QUndoStack>
#include <chrono>

#include "handoff.h"
#include "project/recovery.h"
#include "util/error.h"

namespace gradlab::widgets {

namespace {
// The trainer's weights, or Error saying why they cannot be had (nothing has been written yet).
TensorMap awaitWeights(std::future<TensorMap>& weights, int timeoutMs) {
  try {
    if (!weights.valid() ||
        weights.wait_for(std::chrono::milliseconds(timeoutMs)) != std::future_status::ready)
      throw Error("the trainer did not hand over the weights within " +
                  std::to_string((timeoutMs + 500) / 1000) +
                  " s (it is busy with a long step), so nothing was written — pause and save "
                  "again when it is done");
    return weights.get();
  } catch (const std::future_error&) {
    throw Error("the trainer stopped before handing over the weights, so nothing was written");
  }
}

const QString kFilter = QObject::tr("Gradlab projects (*.gradlab)");
}  // namespace

ProjectFiles::ProjectFiles(QMainWindow* window, QUndoStack* undo, Hooks hooks, Options options)
    : QObject(window), window_(window), undo_(undo), hooks_(std::move(hooks)),
      options_(std::move(options)) {
  writers_.setMaxThreadCount(2);  // a save and an autosave may overlap
  if (!options_.recoveryDir.isEmpty()) recovery_ = std::make_unique<Recovery>(options_.recoveryDir);
  autosaveTimer_ = new QTimer(this);
  autosaveTimer_->setInterval(std::max(200, options_.autosaveMs));
  connect(autosaveTimer_, &QTimer::timeout, this, [this] { autosaveNow(); });
}

ProjectFiles::~ProjectFiles() { waitForWrites(); }

bool ProjectFiles::modified() const { return !undo_->isClean() || settingsDirty_; }

void ProjectFiles::markSettingsChanged() {
  settingsDirty_ = true;
  ++settingsGeneration_;
  updateTitle();
}

void ProjectFiles::updateTitle() {
  const QString name = path_.isEmpty() ? tr("untitled") : QFileInfo(path_).fileName();
  window_->setWindowTitle(name + "[*] — Gradlab");
  window_->setWindowModified(modified());
}

void ProjectFiles::addMenuActions(QMenu* file) {
  file->addAction(tr("&New"), QKeySequence::New, this, [this] {
    if (maybeSaveBeforeLeaving()) newProject();
  });
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    if (!maybeSaveBeforeLeaving()) return;
    const QString p = QFileDialog::getOpenFileName(window_, tr("Open project"), {}, kFilter);
    if (!p.isEmpty()) open(p);
  });
  recentMenu_ = file->addMenu(tr("Open &Recent"));
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(tr("&Save"), QKeySequence::Save, this, [this] {
    const QString p = !path_.isEmpty() ? path_
                                       : QFileDialog::getSaveFileName(window_, tr("Save project"),
                                                                      "untitled.gradlab", kFilter);
    if (!p.isEmpty()) save(p);
  });
  file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, [this] {
    const QString p = QFileDialog::getSaveFileName(
        window_, tr("Save project as"), path_.isEmpty() ? "untitled.gradlab" : path_, kFilter);
    if (!p.isEmpty()) save(p);
  });
  file->addAction(tr("&Import Network…"), this, [this] {
    const QString p = QFileDialog::getOpenFileName(window_, tr("Import network"), {},
                                                   tr("Network files (*.net.json *.json)"));
    if (!p.isEmpty()) importNetwork(p);
  });
  file->addAction(tr("&Export Network…"), this, [this] {
    const std::string name = hooks_.current().network.name;
    const QString p = QFileDialog::getSaveFileName(
        window_, tr("Export network"),
        QString::fromStdString(name.empty() ? "network" : name) + ".net.json",
        tr("Network files (*.net.json)"));
    if (!p.isEmpty()) exportNetwork(p);
  });
}

// --- open ----------------------------------------------------------------------------------

void ProjectFiles::newProject() {
  QFile f(":/projects/spiral.gradlab");
  try {
    if (!f.open(QIODevice::ReadOnly)) throw Error("the built-in spiral.gradlab is missing");
    hooks_.apply(parseProject(f.readAll().toStdString(), "spiral.gradlab"), {});
  } catch (const std::exception& e) {
    hooks_.error(tr("The default project is broken: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  path_.clear();
  settingsDirty_ = false;
  autosavedStep_ = -1;
  updateTitle();
}

bool ProjectFiles::open(const QString& path) {
  Project p;
  try {
    p = loadProject(path.toStdString());
  } catch (const std::exception& e) {
    hooks_.error(tr("Could not open the project — your current work is unchanged.\n%1")
                     .arg(QString::fromUtf8(e.what())));
    return false;
  }
  hooks_.apply(p, path);
  path_ = path;
  settingsDirty_ = false;
  autosavedStep_ = -1;
  addRecent(path);
  updateTitle();
  hooks_.status(tr("Opened %1").arg(QFileInfo(path).fileName()));
  return true;
}

// --- save ----------------------------------------------------------------------------------

bool ProjectFiles::save(const QString& requested) {
  QString target = requested;
  if (QFileInfo(target).suffix().isEmpty()) target += ".gradlab";
  if (saving_) {
    hooks_.status(tr("Still saving — try again in a moment"));
    return false;
  }
  saving_ = true;
  Project p = hooks_.current();
  auto weights = std::make_shared<std::future<TensorMap>>(hooks_.weights());
  const int undoIndex = undo_->index(), generation = settingsGeneration_;
  const int timeout = options_.weightsTimeoutMs;
  hooks_.status(tr("Saving %1…").arg(QFileInfo(target).fileName()));
  // Off the GUI thread: waiting for the weights, then writing the weights and the project.
  const QPointer<QObject> guard(this);
  runInPool(writers_, [this, guard, target, p, weights, timeout, undoIndex, generation]() mutable {
    QString error;
    bool withWeights = false;
    try {
      TensorMap w = awaitWeights(*weights, timeout);
      withWeights = !w.empty();
      if (withWeights) p.weights = std::move(w);
      saveProject(target.toStdString(), p);
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    // Dropped if this object is gone by then (it waits for this task before dying).
    postToGui(guard, [=, this] { finishSave(target, undoIndex, generation, withWeights, error); });
  });
  return true;
}

void ProjectFiles::finishSave(const QString& target, int undoIndex, int generation,
                              bool withWeights, const QString& error) {
  saving_ = false;
  if (!error.isEmpty()) {
    const QString message = tr("Could not save %1: %2").arg(target, error);
    hooks_.error(message);
    emit saveFinished(target, false, message);
    return;
  }
  path_ = target;
  // Clean only if nothing changed while the save ran (else those changes are still unsaved).
  if (undo_->index() == undoIndex) undo_->setClean();
  if (settingsGeneration_ == generation) settingsDirty_ = false;
  addRecent(target);
  updateTitle();
  const QString name = QFileInfo(target).fileName();
  hooks_.status(withWeights ? tr("Saved %1").arg(name)
                            : tr("Saved %1 without weights: the network has none yet (it cannot "
                                 "be built as it is, or no data is loaded)").arg(name));
  emit saveFinished(target, true, {});
}

bool ProjectFiles::saveAndWait(const QString& path) {
  bool done = false, ok = false;
  QEventLoop loop;
  auto c = connect(this, &ProjectFiles::saveFinished, &loop, [&](const QString&, bool saved) {
    done = true;
    ok = saved;
    loop.quit();
  });
  if (save(path) && !done) loop.exec();
  disconnect(c);
  return ok;
}

bool ProjectFiles::maybeSaveBeforeLeaving() {
  if (!modified()) return true;
  if (QApplication::platformName() == "offscreen") return true;  // no one to ask
  const auto answer = QMessageBox::question(
      window_, tr("Unsaved changes"), tr("Save the changes to the current project first?"),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Discard) return true;
  const QString p = !path_.isEmpty() ? path_
                                     : QFileDialog::getSaveFileName(window_, tr("Save project"),
                                                                    "untitled.gradlab", kFilter);
  return !p.isEmpty() && saveAndWait(p);
}

// --- network files -------------------------------------------------------------------------

bool ProjectFiles::importNetwork(const QString& path) {
  NetworkSpec spec;
  std::optional<TrainingSettings> training;
  try {
    spec = loadNetwork(path.toStdString());
    training = loadNetworkTraining(path.toStdString());
  } catch (const std::exception& e) {
    hooks_.error(tr("Could not import the network — your current network is unchanged.\n%1")
                     .arg(QString::fromUtf8(e.what())));
    return false;
  }
  hooks_.importNetwork(spec, tr("Import %1").arg(QFileInfo(path).fileName()));
  if (training && hooks_.training) {
    hooks_.training(*training, QFileInfo(path).fileName());
    return true;  // the settings' note in the status bar says what changed
  }
  hooks_.status(tr("Imported %1 (Ctrl+Z undoes it)").arg(QFileInfo(path).fileName()));
  return true;
}

bool ProjectFiles::exportNetwork(const QString& path) {
  try {
    saveNetwork(hooks_.current().network, path.toStdString());
  } catch (const std::exception& e) {
    hooks_.error(tr("Could not export the network: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  hooks_.status(tr("Exported %1").arg(QFileInfo(path).fileName()));
  return true;
}

// --- recent files --------------------------------------------------------------------------

void ProjectFiles::addRecent(const QString& path) {
  if (!options_.useSettings) return;
  QSettings s;
  QStringList recent = s.value("recentFiles").toStringList();
  recent.removeAll(QFileInfo(path).absoluteFilePath());
  recent.prepend(QFileInfo(path).absoluteFilePath());
  while (recent.size() > 8) recent.removeLast();
  s.setValue("recentFiles", recent);
  rebuildRecentMenu();
}

void ProjectFiles::rebuildRecentMenu() {
  if (!recentMenu_) return;
  recentMenu_->clear();
  const QStringList recent =
      options_.useSettings ? QSettings().value("recentFiles").toStringList() : QStringList();
  for (const QString& p : recent)
    recentMenu_->addAction(QFileInfo(p).fileName(), this, [this, p] {
      if (maybeSaveBeforeLeaving()) open(p);
    })->setToolTip(p);
  recentMenu_->setEnabled(!recent.isEmpty());
}

// --- autosave and recovery -----------------------------------------------------------------

bool ProjectFiles::recoveryOffered() const { return recovery_ && recovery_->recoverable(); }

QDateTime ProjectFiles::recoverySavedAt() const {
  return recovery_ ? recovery_->savedAt() : QDateTime();
}

bool ProjectFiles::restoreRecovery() {
  if (!recoveryOffered()) return false;
  Project p;
  try {
    p = recovery_->load();
  } catch (const std::exception& e) {
    hooks_.error(tr("The autosaved work could not be read: %1").arg(QString::fromUtf8(e.what())));
    discardRecovery();
    return false;
  }
  const QString original = recovery_->originalPath();
  hooks_.apply(p, original);
  path_ = original;
  settingsDirty_ = true;  // restored work is not saved anywhere yet
  autosavedStep_ = -1;
  updateTitle();
  discardRecovery();
  hooks_.status(tr("Restored the autosaved work (step %L1).").arg(p.step));
  return true;
}

void ProjectFiles::discardRecovery() {
  if (recovery_) recovery_->discard();
  startAutosave();
}

void ProjectFiles::startAutosave() {
  if (recovery_ && recovery_->active()) autosaveTimer_->start();
}

void ProjectFiles::autosaveNow(bool wait) {
  if (!recovery_ || !recovery_->active() || recovery_->recoverable() || autosaving_) return;
  const int64_t step = hooks_.step();
  const int undoIndex = undo_->index();
  if (step == autosavedStep_ && undoIndex == autosavedUndoIndex_ && !wait) return;
  autosaving_ = true;
  Project p = hooks_.current();
  auto weights = std::make_shared<std::future<TensorMap>>(hooks_.weights());
  Recovery* recovery = recovery_.get();
  const QString origin = path_;
  const int timeout = options_.weightsTimeoutMs;
  const QPointer<QObject> guard(this);
  runInPool(writers_, [this, guard, recovery, p, weights, origin, timeout, step, undoIndex]() mutable {
    QString error;
    try {
      TensorMap w = awaitWeights(*weights, timeout);  // the last autosave stays otherwise
      if (!w.empty()) p.weights = std::move(w);
      recovery->write(p, origin);
    } catch (const std::exception& e) {
      error = QString::fromUtf8(e.what());
    }
    postToGui(guard, [=, this] {
      autosaving_ = false;
      if (!error.isEmpty()) {
        hooks_.status(tr("Autosave failed: %1").arg(error));
        return;
      }
      autosavedStep_ = step;
      autosavedUndoIndex_ = undoIndex;
    });
  });
  if (wait) {
    writers_.waitForDone();
    runPostedToGui();
  }
}

void ProjectFiles::waitForWrites() { writers_.waitForDone(); }

void ProjectFiles::closing() {
  autosaveTimer_->stop();
  waitForWrites();
  runPostedToGui();
  if (recovery_ && !recovery_->recoverable()) recovery_->discard();  // a clean exit
}

}  // namespace gradlab::widgets
