#pragma once
// MainWindow: the lab. The canvas in the middle edits the NetworkModel; docks around it hold
// the palette, the data, the inspector, the problems and the live views. A TrainingSession
// trains on its worker thread; a 60 Hz timer takes its newest Snapshot and hands it to the
// open views (pollSnapshot). Projects are opened, saved, autosaved and recovered after a crash
// by ProjectFiles (project/project_files.h); the window shows what they hold.
#include <QMainWindow>
#include <QPointer>
#include <memory>

#include "data/data_source.h"
#include "io/project.h"
#include "project/project_files.h"
#include "train/session.h"
#include "views/view_docks.h"

class QLabel;
class QFrame;
class QDockWidget;
class QMenu;
class QPushButton;

namespace gradlab {
struct LessonSetup;
}

namespace gradlab::widgets {

class Canvas;
class ControlsPanel;
class DatasetPanel;
class Inspector;
class LessonDock;
class NetworkModel;
class Palette;
class PresentMode;
class ProblemsPanel;
class RecordControl;
class View;
class ViewDocks;

struct MainWindowOptions {
  QString dataDir;           // autosave and recovery; empty: the user's app-data folder
  int autosaveMs = 30000;    // autosave interval
  bool openDefault = true;   // open the default spiral project (when nothing is recovered)
  bool useSettings = true;   // restore/save layout and recent files with QSettings
  // With useSettings: the very first start (per user) opens the Welcome lesson.
  bool welcomeLesson = true;
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Projects. Failures show a message in the window and leave the current work (and the file
  // on disk) as it was. saveProjectTo saves with the weights off the GUI thread and waits for
  // it with the event loop running; false when the weights cannot be had or a write fails.
  void newProject() { files_->newProject(); }
  bool openProject(const QString& path) { return files_->open(path); }
  bool saveProjectTo(const QString& path) { return files_->saveAndWait(path); }
  // A network file (*.net.json) into the current project (data and settings stay; undoable),
  // and the current network out to one. Errors show a message and change nothing.
  bool importNetworkFrom(const QString& path) { return files_->importNetwork(path); }
  bool exportNetworkTo(const QString& path) { return files_->exportNetwork(path); }
  // File › Export › ONNX…: the network with the trainer's current weights as an ONNX model,
  // built and written on a worker thread (project/export_onnx.h); the outcome in the status bar,
  // an error in a message box.
  void exportOnnxTo(const QString& path);
  // File › Export › PyTorch…: the session's run (network, data, settings, the trainer's current
  // weights) as a PyTorch project in `dir`, on a worker thread (project/export_pytorch.h).
  void exportPytorchTo(const QString& dir);
  QString currentPath() const { return files_->path(); }
  Project currentProject() const;  // everything but the weights
  // The weights as a save writes them: the trainer's (answered between two steps), or an opened
  // project's that still wait for their data.
  std::future<TensorMap> currentWeights();
  // A lesson (id, folder or lesson.md) in the lesson player beside the canvas (lesson/*);
  // false, with the error in the banner, when it cannot be read.
  bool openLesson(const QString& nameOrPath);
  LessonDock* lessons() const { return lessons_; }
  ProjectFiles* projectFiles() const { return files_; }

  // Recovery after a crash.
  bool recoveryOffered() const { return files_->recoveryOffered(); }
  bool restoreRecovery() { return files_->restoreRecovery(); }  // hides the offer (applyProject)
  void discardRecovery();
  void autosaveNow(bool wait = false) { files_->autosaveNow(wait); }

  // Takes the newest snapshot and shows it in the open views (the 60 Hz timer calls it).
  void pollSnapshot();
  std::shared_ptr<const Snapshot> snapshot() const { return shown_; }
  // The message banner's text (errors, divergence), empty when none shows.
  QString message() const;
  void showMessage(const QString& text, bool error = true);
  // Every view visible at once (tiles them), for demos and the benchmark.
  void showAllViews();
  int64_t snapshotsShown() const { return snapshotsShown_; }

  // Parts, for tests and the benchmark.
  NetworkModel* model() const { return model_; }
  Canvas* canvas() const { return canvas_; }
  Palette* palette() const { return palette_; }
  Inspector* inspector() const { return inspector_; }
  ProblemsPanel* problems() const { return problems_; }
  DatasetPanel* datasetPanel() const { return dataset_; }
  ControlsPanel* controls() const { return controls_; }
  // The live view of type V (views/view_types.h), and all of them with their docks.
  template <class V>
  V* view() const { return views_->find<V>(); }
  ViewDocks* views() const { return views_; }
  TrainingSession* session() const { return session_.get(); }
  // Classroom mode (View › Present, F5; present/present_mode.h).
  PresentMode* present() const { return present_; }
  // View › Record…: the window or a view to a video, GIF or PNG frames (record/record_control.h).
  RecordControl* recording() const { return record_; }
  QAction* playAction() const { return play_; }
  QAction* stepAction() const { return step_; }
  QAction* epochAction() const { return epoch_; }
  QAction* resetAction() const { return reset_; }
  QAction* undoAction() const { return undo_; }
  QAction* redoAction() const { return redo_; }

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  void createActions();
  void createDocks();
  void createMenus();
  void createProjectFiles();
  void applyProject(const Project& p);
  // A network file's own training settings (its "training"): the keys it gives, over ours.
  void applyTrainingSettings(const TrainingSettings& t, const QString& file);
  // A lesson step's setup (a step entered or reset): like opening a project, with fresh weights
  // and the step's views in front. A `set`: as the controls and the inspector would change it.
  void loadLessonSetup(const LessonSetup& setup);
  void changeLessonSetup(const LessonSetup& before, const LessonSetup& after);
  void raiseLessonViews();
  void onEngineSpecChanged();
  void onDataLoaded(std::shared_ptr<const Split> data, const DataSource& source);
  void adaptNetworkToData(const Split& data);
  void updateTrainingState();
  void updateProbes();
  void pushConfig();

  MainWindowOptions options_;
  NetworkModel* model_;
  std::unique_ptr<TrainingSession> session_;
  Canvas* canvas_ = nullptr;
  Palette* palette_ = nullptr;
  Inspector* inspector_ = nullptr;
  ProblemsPanel* problems_ = nullptr;
  DatasetPanel* dataset_ = nullptr;
  ControlsPanel* controls_ = nullptr;
  ViewDocks* views_ = nullptr;
  QDockWidget *paletteDock_ = nullptr, *dataDock_ = nullptr, *inspectorDock_ = nullptr,
              *problemsDock_ = nullptr;
  QAction *play_, *step_, *epoch_, *reset_, *undo_, *redo_;
  QFrame* banner_ = nullptr;
  QLabel* bannerText_ = nullptr;
  QPushButton *bannerRestore_ = nullptr, *bannerDiscard_ = nullptr;
  QLabel* statusSteps_ = nullptr;

  TrainConfig config_;
  std::optional<std::pair<TensorMap, QString>> pendingWeights_;
  std::shared_ptr<const Snapshot> shown_;
  uint64_t shownSerial_ = 0;
  int64_t snapshotsShown_ = 0;
  QString lastSessionMessage_, lastSessionError_;
  ProbeRequest probes_;
  ProjectFiles* files_ = nullptr;  // a child: open, save, autosave, recovery
  LessonDock* lessons_ = nullptr;  // a child: the lesson player, Lessons…, History
  std::vector<std::string> lessonViews_;  // to bring to the front once the step's data loads
  PresentMode* present_ = nullptr;  // a child: classroom mode
  RecordControl* record_ = nullptr;  // a child: View › Record… and its indicator
};

}  // namespace gradlab::widgets
