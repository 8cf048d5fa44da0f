#pragma once
// ProjectFiles: the window's project files — New, Open, Save, Save As, the recent files, the
// autosave and the recovery after a crash (project/recovery.h), and network files (import,
// export). The files themselves are
// core/io/project.h; this class decides when to write them and what the window says.
//
// A save never writes a project without its weights while saying "Saved". It asks the trainer
// for the weights (a future answered between two steps) and waits for them and writes both
// files on a worker thread, so the window never blocks. When the weights cannot be had within
// Options::weightsTimeoutMs (the trainer is stuck in a step that takes longer) or a write fails,
// the save fails with a message naming the file and the reason, nothing of the project on disk
// is replaced, and the window stays modified. The autosave works the same way.
//
//   ProjectFiles files(window, model->undoStack(), hooks, options);
//   files.save("a.gradlab");         // returns at once; saveFinished(path, ok, error) follows
//   files.saveAndWait("a.gradlab");  // the same, waiting with the event loop running (tests)
#include <QDateTime>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <future>
#include <memory>

#include "io/project.h"
#include "io/training_settings.h"

class QMainWindow;
class QMenu;
class QTimer;
class QUndoStack;

namespace gradlab::widgets {

class Recovery;

class ProjectFiles : public QObject {
  Q_OBJECT
 public:
  // What the files need from the window.
  struct Hooks {
    std::function<Project()> current;                 // the work as it is, without weights
    std::function<std::future<TensorMap>()> weights;  // the trainer's, answered between steps
    std::function<void(const Project&, const QString& path)> apply;  // show a project
    std::function<void(const NetworkSpec&, const QString& label)> importNetwork;  // undoable
    // An imported network file's own "training" settings (io/training_settings.h), when it
    // has them: applied after the network.
    std::function<void(const TrainingSettings&, const QString& file)> training;
    std::function<int64_t()> step;                    // steps trained (the autosave's clock)
    std::function<void(const QString&)> error;        // a message in the window's banner
    std::function<void(const QString&)> status;       // a short note in the status bar
  };
  struct Options {
    QString recoveryDir;           // the autosave folder; empty: no autosave
    int autosaveMs = 30000;        // autosave interval
    bool useSettings = true;       // keep the recent files in QSettings
    int weightsTimeoutMs = 10000;  // how long a save waits for the trainer's weights
  };
  ProjectFiles(QMainWindow* window, QUndoStack* undo, Hooks hooks, Options options);
  ~ProjectFiles() override;  // waits for a running save or autosave

  QString path() const { return path_; }
  bool modified() const;
  void markSettingsChanged();  // training settings changed (they are not in the undo stack)
  void updateTitle();
  // New, Open, Open Recent, Save, Save As, Import Network, Export Network.
  void addMenuActions(QMenu* file);

  void newProject();  // the default spiral project
  bool open(const QString& path);
  // Starts saving the project and its weights to `path` (".gradlab" added when it has no
  // extension); saveFinished follows. False when a save is already running.
  bool save(const QString& path);
  // save(), then waits for saveFinished with the event loop running; returns whether it saved.
  bool saveAndWait(const QString& path);
  bool saving() const { return saving_; }
  // With unsaved changes, asks whether to save them first; false: the user cancelled.
  bool maybeSaveBeforeLeaving();

  // A network file (*.net.json, the format gradlab-cli reads) into the current project (data
  // and settings stay; undoable), and the current network out to one (atomic, keeping the
  // canvas positions). Errors show a message and change nothing.
  bool importNetwork(const QString& path);
  bool exportNetwork(const QString& path);

  bool recoveryOffered() const;
  QDateTime recoverySavedAt() const;
  bool restoreRecovery();
  void discardRecovery();  // and starts the autosave
  void startAutosave();
  // Autosaves when the work changed since the last one; `wait`: always, and waits for it.
  void autosaveNow(bool wait = false);
  void waitForWrites();  // blocks until a running save or autosave has finished
  void closing();        // a clean exit: stops the autosave, waits, removes the autosave

 signals:
  void saveFinished(const QString& path, bool ok, const QString& error);

 private:
  void finishSave(const QString& path, int undoIndex, int settingsGeneration, bool withWeights,
                  const QString& error);
  void addRecent(const QString& path);
  void rebuildRecentMenu();

  QMainWindow* window_;
  QUndoStack* undo_;
  Hooks hooks_;
  Options options_;
  QString path_;
  bool settingsDirty_ = false;
  int settingsGeneration_ = 0;  // counts settings changes, so a save knows what it saved
  bool saving_ = false;
  bool autosaving_ = false;
  int64_t autosavedStep_ = -1;
  int autosavedUndoIndex_ = -1;
  std::unique_ptr<Recovery> recovery_;
  QTimer* autosaveTimer_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QThreadPool writers_;  // the saves' worker threads; waited for before this object dies
};

}  // namespace gradlab::widgets
