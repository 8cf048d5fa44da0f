#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QScrollArea>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>
#include <tuple>

#include "blocks/registry.h"
#include "export/onnx_export.h"
#include "editor/canvas.h"
#include "editor/category_style.h"
#include "editor/inspector.h"
#include "editor/network_model.h"
#include "editor/palette.h"
#include "lesson/compare_runs.h"
#include "lesson/lesson_dock.h"
#include "lesson/lesson_player.h"
#include "live_box.h"
#include "panels/backends.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "panels/problems_panel.h"
#include "present/present_mode.h"
#include "project/export_onnx.h"
#include "project/export_pytorch.h"
#include "project/project_files.h"
#include "record/record_control.h"
#include "spec/fit_to_data.h"
#include "train/probes/gradients.h"
#include "util/error.h"
#include "views/compare_dialog.h"
#include "views/compare_view.h"
#include "views/view_docks.h"

namespace gradlab::widgets {

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), options_(options), model_(new NetworkModel(this)),
      session_(std::make_unique<TrainingSession>()) {
  initResources();
  setWindowIcon(actionIcon("app"));
  setObjectName("mainWindow");
  setDockNestingEnabled(true);
  resize(1560, 960);

  createActions();
  createProjectFiles();

  // Centre: message banner above the canvas.
  auto* centre = new QWidget(this);
  auto* cv = new QVBoxLayout(centre);
  cv->setContentsMargins(0, 0, 0, 0);
  cv->setSpacing(0);
  banner_ = new QFrame(centre);
  banner_->setObjectName("banner");
  auto* bl = new QHBoxLayout(banner_);
  bl->setContentsMargins(10, 6, 6, 6);
  bannerText_ = new QLabel(banner_);
  bannerText_->setWordWrap(true);
  bannerText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  bannerRestore_ = new QPushButton(tr("Restore"), banner_);
  bannerDiscard_ = new QPushButton(tr("Discard"), banner_);
  auto* close = new QPushButton(tr("✕"), banner_);
  close->setFlat(true);
  close->setFixedWidth(28);
  close->setToolTip(tr("Hide this message"));
  bl->addWidget(bannerText_, 1);
  bl->addWidget(bannerRestore_);
  bl->addWidget(bannerDiscard_);
  bl->addWidget(close);
  banner_->hide();
  connect(close, &QPushButton::clicked, banner_, &QWidget::hide);
  connect(bannerRestore_, &QPushButton::clicked, this, [this] { restoreRecovery(); });
  connect(bannerDiscard_, &QPushButton::clicked, this, [this] { discardRecovery(); });
  canvas_ = new Canvas(model_, centre);
  cv->addWidget(banner_);
  cv->addWidget(canvas_, 1);
  setCentralWidget(centre);

  createDocks();
  createMenus();

  statusSteps_ = new QLabel(this);
  statusBar()->addPermanentWidget(new LiveBox(statusSteps_, this));  // changes at every frame
  connect(canvas_, &Canvas::status, this, [this](const QString& m) { statusBar()->showMessage(m, 5000); });

  // Model -> views, inspector, problems, session.
  connect(model_, &NetworkModel::changed, this, [this] {
    updateTrainingState();
    files_->updateTitle();
  });
  connect(model_, &NetworkModel::engineSpecChanged, this, &MainWindow::onEngineSpecChanged);
  connect(model_->undoStack(), &QUndoStack::cleanChanged, this, [this] { files_->updateTitle(); });
  connect(canvas_, &Canvas::selectionChangedTo, inspector_, &Inspector::setSelection);
  connect(canvas_, &Canvas::selectionChangedTo, this, [this](const QStringList& ids) {
    if (ids.size() == 1) views_->pointAt(ids.first(), /*hovered=*/false);
  });
  connect(canvas_, &Canvas::blockHovered, this, [this](const QString& id) {
    views_->pointAt(id, /*hovered=*/true);
  });
  connect(views_, &ViewDocks::probesChanged, this, &MainWindow::updateProbes);
  connect(problems_, &ProblemsPanel::blockClicked, this, [this](const QString& id) {
    canvas_->selectBlocks({id});
  });
  connect(palette_, &Palette::activated, this, [this](const QString& type) {
    const QPointF c = canvas_->mapToScene(canvas_->viewport()->rect().center()) -
                      QPointF(BlockItem::kWidth / 2, BlockItem::kHeight / 2);
    canvas_->selectBlocks({model_->addBlock(type, c)});
  });

  // Data.
  connect(dataset_, &DatasetPanel::dataLoaded, this, &MainWindow::onDataLoaded);
  connect(dataset_, &DatasetPanel::loadFailed, this, [this](const QString& m) {
    showMessage(tr("Could not load the data: %1").arg(m));
  });
  connect(dataset_, &DatasetPanel::loadingChanged, this, [this](bool loading) {
    if (loading) statusBar()->showMessage(tr("Loading data…"));
    else statusBar()->clearMessage();
    updateTrainingState();
  });
  connect(dataset_, &DatasetPanel::batchChanged, this, [this](int b) {
    config_.batch = b;
    pushConfig();
  });

  // Controls.
  connect(controls_, &ControlsPanel::configChanged, this, [this] {
    config_ = controls_->applyTo(config_);
    pushConfig();
  });
  connect(controls_, &ControlsPanel::speedChanged, this, [this](double s) {
    session_->setSpeed(s);
    files_->markSettingsChanged();
  });
  connect(controls_, &ControlsPanel::backendChanged, this, [this](const QString& name) {
    for (const auto& c : backendChoices())
      if (c.name == name && c.backend) session_->setBackend(*c.backend);
  });

  // The views' clock: at most 60 frames a second, never waiting on training.
  auto* timer = new QTimer(this);
  timer->setTimerType(Qt::PreciseTimer);
  timer->setInterval(16);
  connect(timer, &QTimer::timeout, this, &MainWindow::pollSnapshot);
  timer->start();

  // Layout and recent files.
  if (options_.useSettings) {
    QSettings s;
    if (s.contains("window/geometry")) restoreGeometry(s.value("window/geometry").toByteArray());
    if (s.contains("window/state")) restoreState(s.value("window/state").toByteArray());
  }

  // Autosave and recovery.
  if (options_.openDefault) newProject();
  if (files_->recoveryOffered()) {
    const QString when = files_->recoverySavedAt().toString("HH:mm, d MMM");
    showMessage(tr("Gradlab did not close properly last time. The work autosaved at %1 can be "
                   "restored.").arg(when), false);
    bannerRestore_->show();
    bannerDiscard_->show();
  } else {
    files_->startAutosave();
    if (options_.useSettings && options_.welcomeLesson) lessons_->openWelcomeOnFirstStart();
  }
  if (!lessons_->player()->hasLesson()) lessons_->dock()->hide();  // a restored layout had it
  updateProbes();
  updateTrainingState();
  files_->updateTitle();
}

MainWindow::~MainWindow() {
  files_->waitForWrites();  // a running save or autosave finishes while the session lives
  // Children are destroyed after our members: stop everything that would reach the session.
  // The model's undo stack is a member of the model, not a child: it emits cleanChanged while
  // the model dies, after our members are gone, so it is disconnected by name.
  for (QObject* o : findChildren<QObject*>()) o->disconnect(this);
  model_->undoStack()->disconnect(this);
}

// --- construction --------------------------------------------------------------------------

void MainWindow::createActions() {
  play_ = new QAction(actionIcon("play"), tr("Play"), this);
  play_->setShortcut(Qt::Key_Space);
  play_->setObjectName("play");
  connect(play_, &QAction::triggered, this, [this] {
    if (shown_ && shown_->running) session_->pause();
    else session_->play();
  });
  step_ = new QAction(actionIcon("step"), tr("Step"), this);
  step_->setShortcut(Qt::Key_S);
  step_->setToolTip(tr("Train one batch (S)"));
  connect(step_, &QAction::triggered, this, [this] { session_->step(1); });
  epoch_ = new QAction(actionIcon("epoch"), tr("Epoch"), this);
  epoch_->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_S));
  epoch_->setToolTip(tr("Train one epoch: every training sample once (Shift+S)"));
  connect(epoch_, &QAction::triggered, this, [this] { session_->stepEpoch(); });
  reset_ = new QAction(actionIcon("reset"), tr("Reset"), this);
  reset_->setShortcut(Qt::Key_R);
  reset_->setToolTip(tr("Start again from fresh weights drawn with the seed (R)"));
  connect(reset_, &QAction::triggered, this, [this] {
    session_->reset();
    banner_->hide();
  });
  for (QAction* a : {play_, step_, epoch_, reset_}) {
    a->setShortcutContext(Qt::WindowShortcut);
    addAction(a);
  }
  undo_ = model_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo_->setShortcut(QKeySequence::Undo);
  redo_ = model_->undoStack()->createRedoAction(this, tr("&Redo"));
  // Ctrl+Shift+Z and Ctrl+Y on every platform, each once (a duplicate would be ambiguous).
  QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
  for (const QKeySequence& k : {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)})
    if (!redoKeys.contains(k)) redoKeys << k;
  redo_->setShortcuts(redoKeys);
}

void MainWindow::createDocks() {
  palette_ = new Palette(this);
  paletteDock_ = new QDockWidget(tr("Blocks"), this);
  paletteDock_->setObjectName("paletteDock");
  paletteDock_->setWidget(palette_);
  dataset_ = new DatasetPanel(this);
  dataDock_ = new QDockWidget(tr("Data"), this);
  dataDock_->setObjectName("dataDock");
  dataDock_->setWidget(dataset_);
  inspector_ = new Inspector(model_, this);
  inspectorDock_ = new QDockWidget(tr("Inspector"), this);
  inspectorDock_->setObjectName("inspectorDock");
  // Scrolls rather than growing the window: a block's form plus its activation plot can be
  // taller than the dock on a small screen.
  auto* inspectorScroll = new QScrollArea(this);
  inspectorScroll->setWidget(inspector_);
  inspectorScroll->setWidgetResizable(true);
  inspectorScroll->setFrameShape(QFrame::NoFrame);
  inspectorScroll->setMinimumHeight(200);  // a form's first rows at least
  inspectorDock_->setWidget(inspectorScroll);
  problems_ = new ProblemsPanel(this);
  problemsDock_ = new QDockWidget(tr("Problems"), this);
  problemsDock_->setObjectName("problemsDock");
  problemsDock_->setWidget(problems_);

  views_ = new ViewDocks(this, session_.get());

  // The lesson player: a column of its own beside the canvas, hidden until a lesson opens.
  LessonHooks lessonHooks;
  lessonHooks.load = [this](const LessonSetup& s) { loadLessonSetup(s); };
  lessonHooks.change = [this](const LessonSetup& a, const LessonSetup& b) { changeLessonSetup(a, b); };
  lessonHooks.session = session_.get();
  lessonHooks.variants = compareRuns(views_->find<CompareView>());
  lessons_ = new LessonDock(this, lessonHooks, [this](const QString& m) { showMessage(m); },
                            options_.useSettings);
  connect(lessons_->player(), &LessonPlayer::probesChanged, this, &MainWindow::updateProbes);
  connect(lessons_->dock(), &QDockWidget::visibilityChanged, this, [this](bool shown) {
    if (shown) QTimer::singleShot(0, canvas_, &Canvas::zoomToFit);  // the canvas got narrower
  });

  addDockWidget(Qt::LeftDockWidgetArea, paletteDock_);
  splitDockWidget(paletteDock_, lessons_->dock(), Qt::Horizontal);
  splitDockWidget(paletteDock_, dataDock_, Qt::Vertical);
  views_->placeDefault();
  addDockWidget(Qt::BottomDockWidgetArea, inspectorDock_);
  splitDockWidget(inspectorDock_, problemsDock_, Qt::Horizontal);
  resizeDocks({paletteDock_, views_->dockOf(views_->views().front())}, {220, 560}, Qt::Horizontal);
  resizeDocks({inspectorDock_}, {210}, Qt::Vertical);

  auto* bar = new QToolBar(tr("Training"), this);
  bar->setObjectName("trainingBar");
  bar->setMovable(false);
  controls_ = new ControlsPanel(play_, step_, epoch_, reset_, bar);
  bar->addWidget(controls_);
  addToolBar(Qt::TopToolBarArea, bar);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  files_->addMenuActions(file);  // New … Save As, Import/Export Network
  QMenu* exportMenu = file->addMenu(tr("E&xport"));  // the network for other tools
  exportMenu->setObjectName("exportMenu");
  exportMenu->addAction(tr("&ONNX…"), this, [this] {
    const std::string name = model_->spec().name;
    const QString p = QFileDialog::getSaveFileName(
        this, tr("Export ONNX model"), QString::fromStdString(name.empty() ? "network" : name) + ".onnx",
        tr("ONNX models (*.onnx)"));
    if (!p.isEmpty()) exportOnnxTo(p);
  });
  exportMenu->addAction(tr("&PyTorch…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export a PyTorch project into"));
    if (!dir.isEmpty()) exportPytorchTo(dir);
  });
  file->addAction(tr("Open &Data File…"), this, [this] {
    const QString p = QFileDialog::getOpenFileName(this, tr("Open data file"), {},
                                                   tr("Data (*.csv *.safetensors);;All files (*)"));
    if (!p.isEmpty()) dataset_->openFile(p);
  });
  file->addSeparator();
  file->addAction(lessons_->lessonsAction());
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  edit->addAction(undo_);
  edit->addAction(redo_);
  edit->addSeparator();
  edit->addAction(tr("&Copy"), QKeySequence::Copy, canvas_, &Canvas::copySelection);
  edit->addAction(tr("&Paste"), QKeySequence::Paste, canvas_, &Canvas::paste);
  edit->addAction(tr("&Delete"), canvas_, &Canvas::deleteSelection);
  edit->addSeparator();
  QAction* layout = edit->addAction(actionIcon("layout"), tr("Auto-&layout"), QKeySequence(Qt::CTRL | Qt::Key_L),
                                    canvas_, &Canvas::autoLayout);
  layout->setToolTip(tr("Arrange the blocks in layers, left to right"));

  QMenu* train = menuBar()->addMenu(tr("&Training"));
  for (QAction* a : {play_, step_, epoch_, reset_}) train->addAction(a);
  train->addSeparator();
  QAction* compare = train->addAction(tr("&Compare…"), this, [this] {
    if (!model_->analysis().ok() || !dataset_->data())
      return showMessage(tr("Compare needs data and a network without problems."));
    CompareDialog dialog(model_->spec(), config_, this);
    if (dialog.exec() != QDialog::Accepted) return;
    auto* view = views_->find<CompareView>();
    views_->dockOf(view)->show();
    views_->dockOf(view)->raise();
    view->start(dialog.variants(), dataset_->data(), {.steps = dialog.steps(), .speed = controls_->speed()});
  });
  compare->setObjectName("compare");
  compare->setToolTip(tr("Train two to four variants side by side (learning rates, optimizers, a block parameter)"));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, canvas_, [this] { canvas_->zoomBy(1.2); });
  view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, canvas_, [this] { canvas_->zoomBy(1 / 1.2); });
  view->addAction(tr("&Fit Network"), QKeySequence(Qt::CTRL | Qt::Key_0), canvas_, &Canvas::zoomToFit);
  view->addSeparator();
  for (QDockWidget* d : {paletteDock_, dataDock_, inspectorDock_, problemsDock_})
    view->addAction(d->toggleViewAction());
  for (View* v : views_->views()) view->addAction(views_->dockOf(v)->toggleViewAction());
  view->addSeparator();
  view->addAction(tr("Show &All Views"), this, &MainWindow::showAllViews);
  view->addSeparator();
  present_ = new PresentMode({.window = this, .views = views_,
                              .chrome = {paletteDock_, dataDock_, inspectorDock_, problemsDock_},
                              .bars = {findChild<QToolBar*>("trainingBar")}, .canvas = centralWidget(),
                              .controls = controls_, .session = session_.get(), .play = play_, .step = step_},
                             this);
  present_->addMenuActions(view);
  view->addSeparator();
  record_ = new RecordControl(this, views_, [this](const QString& m, bool error) { showMessage(m, error); }, this);
  record_->addMenuActions(view);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(lessons_->historyAction());
  help->addAction(lessons_->lessonsAction());
}

// --- projects ------------------------------------------------------------------------------

void MainWindow::createProjectFiles() {
  ProjectFiles::Hooks hooks;
  hooks.current = [this] { return currentProject(); };
  hooks.weights = [this] { return currentWeights(); };
  hooks.apply = [this](const Project& p, const QString&) { applyProject(p); };
  hooks.importNetwork = [this](const NetworkSpec& spec, const QString& label) {
    model_->importSpec(spec, label);
    canvas_->zoomToFit();
  };
  hooks.training = [this](const TrainingSettings& t, const QString& file) {
    applyTrainingSettings(t, file);
  };
  hooks.step = [this] { return shown_ ? shown_->step : int64_t(0); };
  hooks.error = [this](const QString& m) { showMessage(m); };
  hooks.status = [this](const QString& m) { statusBar()->showMessage(m, 8000); };
  ProjectFiles::Options o;
  o.recoveryDir = !options_.dataDir.isEmpty()
                      ? options_.dataDir
                      : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/recovery";
  o.autosaveMs = options_.autosaveMs;
  o.useSettings = options_.useSettings;
  files_ = new ProjectFiles(this, model_->undoStack(), std::move(hooks), o);
}

void MainWindow::discardRecovery() {
  files_->discardRecovery();
  banner_->hide();
}

void MainWindow::applyProject(const Project& p) {
  session_->pause();
  banner_->hide();
  config_ = p.training;
  controls_->setConfig(config_);
  controls_->setSpeed(p.speed);
  session_->setSpeed(p.speed);
  dataset_->setBatch(int(config_.batch));
  session_->setConfig(config_);
  pendingWeights_.reset();
  if (p.weights) pendingWeights_.emplace(*p.weights, QString::fromStdString(p.weightsFile));
  model_->setSpec(p.network);
  if (!p.layout.empty()) restoreState(QByteArray::fromBase64(QByteArray::fromStdString(p.layout)));
  if (p.data == dataset_->source() && dataset_->data()) {
    if (pendingWeights_) {
      session_->loadWeights(pendingWeights_->first, pendingWeights_->second.toStdString());
      pendingWeights_.reset();
    }
  } else {
    dataset_->load(p.data);
  }
  canvas_->zoomToFit();
}

void MainWindow::applyTrainingSettings(const TrainingSettings& t, const QString& file) {
  config_ = t.over(config_);
  controls_->setConfig(config_);
  if (t.speed) {
    controls_->setSpeed(*t.speed);
    session_->setSpeed(*t.speed);
  }
  dataset_->setBatch(int(config_.batch));
  pushConfig();
  QStringList given;
  for (const std::string& key : t.keys) given << QString::fromStdString(key);
  statusBar()->showMessage(tr("Imported %1 with its training settings (%2); Ctrl+Z undoes the "
                              "network").arg(file, given.join(", ")), 8000);
}

// --- lessons -------------------------------------------------------------------------------

bool MainWindow::openLesson(const QString& nameOrPath) { return lessons_->open(nameOrPath); }

void MainWindow::loadLessonSetup(const LessonSetup& s) {
  Project p;
  p.network = s.network;
  p.data = s.data;
  p.training = s.training;
  p.speed = s.speed;
  applyProject(p);    // as opening a project: network, data, settings, speed
  // A lesson's network file is fitted to the data as a new data set fits it (input shape,
  // outputs): here at once when the data stays, else when it has loaded (onDataLoaded).
  if (!dataset_->loading() && dataset_->data()) adaptNetworkToData(*dataset_->data());
  session_->reset();  // fresh weights from the seed, also where nothing changed
  lessonViews_ = s.views;
  raiseLessonViews();
  if (dataset_->loading()) lessonViews_ = s.views;  // again once the data is there
}

void MainWindow::changeLessonSetup(const LessonSetup& before, const LessonSetup& after) {
  config_ = after.training;
  controls_->setConfig(config_);
  controls_->setSpeed(after.speed);
  session_->setSpeed(after.speed);
  dataset_->setBatch(int(config_.batch));
  pushConfig();
  if (after.networkPath != before.networkPath) {
    model_->edit(tr("Lesson: %1").arg(QString::fromStdString(after.network.name)),
                 [&](NetworkSpec& n) { n = after.network; });
  } else {
    // Only the parameters the `set` changed: the positions and sizes fitted to the data stay.
    std::vector<std::tuple<std::string, std::string, nlohmann::json>> changes;  // block, key, value
    for (const BlockSpec& b : after.network.blocks)
      if (const BlockSpec* old = before.network.find(b.id))
        for (const auto& [key, value] : b.params.items())
          if (!old->params.contains(key) || old->params[key] != value)
            changes.emplace_back(b.id, key, value);
    if (!changes.empty())
      model_->edit(tr("Lesson: set %1.%2").arg(QString::fromStdString(std::get<0>(changes[0])),
                                               QString::fromStdString(std::get<1>(changes[0]))),
                   [&](NetworkSpec& n) {
                     for (const auto& [id, key, value] : changes)
                       if (BlockSpec* b = n.find(id)) b->params[key] = value;
                   });
  }
  if (!(after.data == before.data)) dataset_->load(after.data);
}

void MainWindow::raiseLessonViews() {
  // Shown, and the first named view in front of its tab group.
  for (auto it = lessonViews_.rbegin(); it != lessonViews_.rend(); ++it)
    if (auto* d = findChild<QDockWidget*>(QString::fromStdString(*it) + "Dock")) {
      d->show();
      d->raise();
    }
  lessonViews_.clear();
}

std::future<TensorMap> MainWindow::currentWeights() {
  // An opened project's weights wait for its data: until then, those.
  if (!pendingWeights_) return session_->weights();
  std::promise<TensorMap> ready;
  ready.set_value(pendingWeights_->first);
  return ready.get_future();
}

void MainWindow::exportOnnxTo(const QString& path) {
  const QString file = QFileInfo(path).fileName();
  statusBar()->showMessage(tr("Exporting %1…").arg(file));
  exportOnnxInBackground(this, model_->spec(), currentWeights(), path, [this, file](const QString& error) {
    if (error.isEmpty()) {
      statusBar()->showMessage(tr("Exported %1 (ONNX opset %2)").arg(file).arg(kOnnxOpset), 8000);
      return;
    }
    statusBar()->clearMessage();
    auto* box = new QMessageBox(QMessageBox::Warning, tr("ONNX export"),
                                tr("Could not export %1 — nothing was written.\n\n%2").arg(file, error),
                                QMessageBox::Ok, this);
    box->setObjectName("onnxExportError");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
}

void MainWindow::exportPytorchTo(const QString& dir) {
  statusBar()->showMessage(tr("Exporting a PyTorch project to %1…").arg(dir));
  exportPytorchInBackground(this, currentProject(), currentWeights(), dir, [this, dir](const QString& error) {
    if (error.isEmpty()) {
      statusBar()->showMessage(tr("Exported model.py, train.py, data and init to %1").arg(dir), 8000);
      return;
    }
    statusBar()->clearMessage();
    auto* box = new QMessageBox(QMessageBox::Warning, tr("PyTorch export"),
                                tr("Could not export to %1.\n\n%2").arg(dir, error), QMessageBox::Ok, this);
    box->setObjectName("pytorchExportError");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
  });
}

Project MainWindow::currentProject() const {
  Project p;
  p.network = model_->spec();
  p.data = dataset_->source();
  p.training = config_;
  p.speed = controls_->speed();
  p.step = shown_ ? shown_->step : 0;
  p.layout = saveState().toBase64().toStdString();
  return p;
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (!files_->maybeSaveBeforeLeaving()) {
    e->ignore();
    return;
  }
  if (options_.useSettings) {
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
  }
  session_->pause();
  files_->closing();  // a running save or autosave finishes first
  e->accept();
}

// --- the engine ----------------------------------------------------------------------------

void MainWindow::onEngineSpecChanged() {
  views_->setNetwork(model_->spec(), model_->analysis());
  if (model_->analysis().ok()) {
    session_->setNetwork(model_->spec());
  } else {
    session_->pause();
  }
  updateProbes();
}

void MainWindow::adaptNetworkToData(const Split& data) {
  const FitToData fit = fitSpecToData(model_->spec(), data.train);
  if (fit.changes.empty()) return;
  QStringList changes;
  for (const std::string& c : fit.changes) changes << QString::fromStdString(c);
  model_->edit(tr("Fit the network to the data"), [&](NetworkSpec& s) { s = fit.spec; });
  statusBar()->showMessage(tr("To fit %1, set %2.")
                               .arg(QString::fromStdString(data.train.name), changes.join(", ")),
                           8000);
}

void MainWindow::onDataLoaded(std::shared_ptr<const Split> data, const DataSource& source) {
  views_->setData(*data, QString::fromStdString(source.builtin));  // brings the view that suits
  session_->setData(data);
  if (!pendingWeights_) adaptNetworkToData(*data);
  if (pendingWeights_) {
    session_->loadWeights(pendingWeights_->first, pendingWeights_->second.toStdString());
    pendingWeights_.reset();
  }
  raiseLessonViews();  // a lesson step's views in front of the one that suits the data
  updateProbes();
  updateTrainingState();
}

void MainWindow::pushConfig() {
  session_->setConfig(config_);
  files_->markSettingsChanged();
}

void MainWindow::updateProbes() {
  ProbeRequest r = views_->probes();
  lessons_->player()->addProbes(r);  // what the step's checks read (gradients)
  if (r == probes_) return;
  probes_ = r;
  session_->setProbes(r);
}

void MainWindow::updateTrainingState() {
  QStringList reasons;
  const Analysis& a = model_->analysis();
  if (!a.ok())
    reasons << tr("the network has %n problem(s) — first: %1", nullptr, int(a.problems.size()))
                   .arg(QString::fromStdString((a.problems[0].block.empty() ? "" : a.problems[0].block + ": ") +
                                               a.problems[0].message));
  if (dataset_->loading()) reasons << tr("the data is still loading");
  else if (!dataset_->data()) reasons << tr("no data is loaded");
  if (reasons.isEmpty() && shown_ && !shown_->error.empty() && shown_->serial > 0 && !shown_->ready)
    reasons << QString::fromStdString(shown_->error);
  const bool running = shown_ && shown_->running;
  play_->setEnabled(reasons.isEmpty() || running);
  play_->setText(running ? tr("Pause") : tr("Play"));
  play_->setIcon(actionIcon(running ? "pause" : "play"));
  play_->setToolTip(reasons.isEmpty() || running
                        ? (running ? tr("Pause training (Space)") : tr("Train until paused (Space)"))
                        : tr("Cannot train: %1").arg(reasons.join("; ")));
  for (QAction* a2 : {step_, epoch_}) a2->setEnabled(reasons.isEmpty() && !running);
  reset_->setEnabled(reasons.isEmpty() || running);
  problems_->setProblems(a.problems, shown_ && !shown_->ready ? QString::fromStdString(shown_->error) : QString());
  problemsDock_->setWindowTitle(a.ok() ? tr("Problems") : tr("Problems (%1)").arg(a.problems.size()));
}

void MainWindow::pollSnapshot() {
  std::shared_ptr<const Snapshot> s = session_->snapshot();
  if (!s || s->serial == shownSerial_) return;
  const bool runningChanged = !shown_ || shown_->running != s->running;
  const bool readyChanged = !shown_ || shown_->ready != s->ready || shown_->error != s->error;
  shown_ = s;
  shownSerial_ = s->serial;
  ++snapshotsShown_;
  controls_->showSnapshot(*s);
  views_->show(s);
  lessons_->player()->showSnapshot(s);
  // While gradients are measured (their view on screen), the canvas's edges show them flowing back.
  const GradientProbe* g = s->probe<GradientProbe>();
  canvas_->showGradientFlow(g ? &g->signal : nullptr);
  if (runningChanged || readyChanged) updateTrainingState();
  const QString msg = QString::fromStdString(s->message);
  if (msg != lastSessionMessage_) {
    lastSessionMessage_ = msg;
    if (!msg.isEmpty()) showMessage(msg);
  }
  statusSteps_->setText(s->running && s->stepsPerSecond > 0
                            ? tr("%L1 steps/s").arg(qRound64(s->stepsPerSecond))
                            : QString());
}

QString MainWindow::message() const { return banner_->isHidden() ? QString() : bannerText_->text(); }

void MainWindow::showMessage(const QString& text, bool error) {
  bannerText_->setText(text);
  banner_->setStyleSheet(error ? "#banner { background: #fdecea; border-bottom: 1px solid #f5c6cb; } QLabel { color: #8a1c1c; }"
                               : "#banner { background: #fff8e1; border-bottom: 1px solid #ffe082; } QLabel { color: #5d4300; }");
  bannerRestore_->hide();
  bannerDiscard_->hide();
  banner_->show();
}

void MainWindow::showAllViews() { views_->showAll(); }

}  // namespace gradlab::widgets
