#include "present/present_mode.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QKeyEvent>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>
#include <algorithm>
#include <qcustomplot.h>

#include "panels/controls_panel.h"
#include "present/present_bar.h"
#include "theme.h"
#include "train/session.h"
#include "views/view_docks.h"
#include "views/view_types.h"

namespace gradlab::widgets {

namespace {
// Keys typed into a text field stay there (a lesson's answer box, the learning rate).
bool typingInto(QObject* o) {
  auto* w = qobject_cast<QWidget*>(o);
  if (!w) return false;
  if (auto* e = qobject_cast<QLineEdit*>(w)) return !e->isReadOnly();
  if (auto* e = qobject_cast<QTextEdit*>(w)) return !e->isReadOnly();
  if (auto* e = qobject_cast<QPlainTextEdit*>(w)) return !e->isReadOnly();
  if (qobject_cast<QAbstractSpinBox*>(w)) return true;
  if (auto* c = qobject_cast<QComboBox*>(w)) return c->isEditable();
  return false;
}

// A plot's fonts times `factor` (axes, their labels, the legend, text elements).
void scaleFonts(QCustomPlot* plot, double factor) {
  auto scaled = [factor](QFont f) {
    f.setPointSizeF(std::max(1.0, f.pointSizeF() * factor));
    return f;
  };
  for (QCPAxisRect* rect : plot->axisRects())
    for (QCPAxis* axis : rect->axes()) {
      axis->setTickLabelFont(scaled(axis->tickLabelFont()));
      axis->setLabelFont(scaled(axis->labelFont()));
    }
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
    if (auto* scale = qobject_cast<QCPColorScale*>(plot->plotLayout()->elementAt(i))) {
      scale->axis()->setTickLabelFont(scaled(scale->axis()->tickLabelFont()));
      scale->axis()->setLabelFont(scaled(scale->axis()->labelFont()));
      scale->setBarWidth(int(scale->barWidth() * factor));
    }
  if (plot->legend) {  // items the view adds later take the legend's font: all alike
    plot->legend->setFont(scaled(plot->legend->font()));
    for (int i = 0; i < plot->legend->itemCount(); ++i)
      if (QCPAbstractLegendItem* item = plot->legend->item(i)) item->setFont(plot->legend->font());
    plot->legend->setIconSize(plot->legend->iconSize() * factor);
  }
  plot->replot(QCustomPlot::rpQueuedReplot);
}
}  // namespace

PresentMode::PresentMode(const Parts& parts, QObject* parent) : QObject(parent), parts_(parts) {
  QSettings s;
  scale_ = std::clamp(s.value("present/scale", kDefaultScale).toDouble(), kMinScale, kMaxScale);
  hallSpeed_ = std::max(0.0, s.value("present/speed", kDefaultHallSpeed).toDouble());

  toggle_ = new QAction(tr("&Present"), this);
  toggle_->setObjectName("present");
  toggle_->setCheckable(true);
  toggle_->setShortcut(Qt::Key_F5);
  toggle_->setShortcutContext(Qt::WindowShortcut);
  toggle_->setToolTip(tr("Classroom mode: large fonts, colour-blind-safe colours, the views large, "
                         "driven from the keyboard (F5 or Esc to leave)"));
  connect(toggle_, &QAction::toggled, this, &PresentMode::setActive);
  parts_.window->addAction(toggle_);

  barHolder_ = new QToolBar(tr("Presenting"), parts_.window);
  barHolder_->setObjectName("presentToolBar");
  barHolder_->setMovable(false);
  barHolder_->setFloatable(false);
  bar_ = new PresentBar(barHolder_);
  barHolder_->addWidget(bar_);
  parts_.window->addToolBar(Qt::TopToolBarArea, barHolder_);
  barHolder_->hide();
  barHolder_->toggleViewAction()->setVisible(false);
  connect(bar_, &PresentBar::scaleChanged, this, &PresentMode::setScale);
  connect(bar_, &PresentBar::leaveClicked, this, [this] { setActive(false); });

  const auto& views = parts_.views->views();
  for (size_t i = 0; i < views.size(); ++i)
    connect(parts_.views->dockOf(views[i]), &QDockWidget::visibilityChanged, this, [this, i](bool visible) {
      if (!active_ || !visible || int(i) == primary_ || int(i) == secondary_) return;
      shownMeanwhile_.push_back(int(i));
      adoptShown();
    });

  counterTimer_ = new QTimer(this);
  counterTimer_->setInterval(100);  // the counter: 10 times a second is plenty to read
  connect(counterTimer_, &QTimer::timeout, this, &PresentMode::updateCounter);
}

PresentMode::~PresentMode() {
  qApp->removeEventFilter(this);
  if (active_) theme().setPresenting(false, scale_);
}

void PresentMode::addMenuActions(QMenu* menu) {
  menu->addAction(toggle_);
  QMenu* scales = menu->addMenu(tr("Presentation &Scale"));
  auto* group = new QActionGroup(scales);
  for (double s : {1.5, 1.75, 2.0, 2.5, 3.0}) {
    QAction* a = scales->addAction(tr("%1×").arg(s));
    a->setCheckable(true);
    a->setData(s);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [this, s] { setScale(s); });
  }
  connect(scales, &QMenu::aboutToShow, this, [this, group] {
    for (QAction* a : group->actions()) a->setChecked(std::abs(a->data().toDouble() - scale_) < 1e-9);
  });
}

void PresentMode::setActive(bool on) {
  if (on == active_) return;
  if (on) enter();
  else leave();
  if (toggle_->isChecked() != active_) toggle_->setChecked(active_);
  emit activeChanged(active_);
}

void PresentMode::setScale(double scale) {
  scale = std::clamp(scale, kMinScale, kMaxScale);
  if (scale == scale_) return;
  scale_ = scale;
  QSettings().setValue("present/scale", scale_);
  bar_->setScale(scale_);
  if (!active_) return;
  restorePlots();
  QFont f = windowFont_;
  f.setPointSizeF(windowFont_.pointSizeF() * scale_);
  parts_.window->setFont(f);
  bar_->applyScale(scale_, windowFont_);
  theme().setPresenting(true, scale_);
  scalePlots(scale_);
}

void PresentMode::setHallSpeed(double s) {
  hallSpeed_ = std::max(0.0, s);
  QSettings().setValue("present/speed", hallSpeed_);
}

void PresentMode::enter() {
  QMainWindow* w = parts_.window;
  state_ = w->saveState();
  geometry_ = w->saveGeometry();
  windowFontSet_ = w->testAttribute(Qt::WA_SetFont);
  windowFont_ = w->font();
  statusBarShown_ = w->statusBar()->isVisible();
  canvasShown_ = parts_.canvas && parts_.canvas->isVisible();
  active_ = true;

  // The views to show large: the one in front now (or the first) and the loss curve.
  const auto& views = parts_.views->views();
  primary_ = secondary_ = -1;
  for (size_t i = 0; i < views.size(); ++i)
    if (views[i]->onScreen() && std::string(viewTypes()[i].name) != "loss") {
      primary_ = int(i);
      break;
    }
  if (primary_ < 0) primary_ = 0;
  for (size_t i = 0; i < views.size(); ++i)
    if (std::string(viewTypes()[i].name) == "loss" && int(i) != primary_) secondary_ = int(i);

  for (QDockWidget* d : parts_.chrome) d->hide();
  for (QToolBar* b : parts_.bars) b->hide();
  if (parts_.canvas) parts_.canvas->hide();
  w->statusBar()->hide();
  barHolder_->show();

  QFont f = windowFont_;
  f.setPointSizeF(windowFont_.pointSizeF() * scale_);
  w->setFont(f);
  bar_->setScale(scale_);
  bar_->applyScale(scale_, windowFont_);
  theme().setPresenting(true, scale_);
  arrange();
  scalePlots(scale_);

  // A pace the hall can follow, unless the window already trains slower.
  speedBefore_ = speedSet_ = -1;
  if (parts_.controls && hallSpeed_ > 0) {
    const double now = parts_.controls->speed();
    if (now <= 0 || now > hallSpeed_) {
      speedBefore_ = now;
      parts_.controls->setSpeed(hallSpeed_);
      speedSet_ = parts_.controls->speed();
    }
  }
  if (QDockWidget* lesson = lessonDock(); lesson && !lesson->property("presentWatched").toBool()) {
    lesson->setProperty("presentWatched", true);
    connect(lesson, &QDockWidget::visibilityChanged, this, [this](bool visible) {
      if (active_ && visible && !lessonArranged_) adoptShown();  // a lesson opened meanwhile
    });
  }
  qApp->installEventFilter(this);
  updateCounter();
  counterTimer_->start();
}

void PresentMode::leave() {
  QMainWindow* w = parts_.window;
  active_ = false;
  qApp->removeEventFilter(this);
  counterTimer_->stop();
  restorePlots();
  theme().setPresenting(false, scale_);
  barHolder_->hide();
  if (windowFontSet_) w->setFont(windowFont_);
  else w->setFont(QFont());  // inherit the application's font again
  w->setAttribute(Qt::WA_SetFont, windowFontSet_);
  if (parts_.canvas) parts_.canvas->setVisible(canvasShown_);
  // Laid out anew: a status bar keeps the height it measured with the scaled font until its
  // items change (toggling the size grip re-measures them).
  QStatusBar* status = w->statusBar();
  const bool grip = status->isSizeGripEnabled();
  status->setSizeGripEnabled(!grip);
  status->setSizeGripEnabled(grip);
  status->setVisible(statusBarShown_);
  for (QToolBar* b : parts_.bars) b->show();
  w->restoreGeometry(geometry_);  // larger fonts may have widened it
  w->restoreState(state_);
  // Once more when the widgets have measured themselves in the lab's font again: a hidden dock
  // (the lesson's) would keep the width its content asked for at the presentation scale.
  QTimer::singleShot(0, this, [this, state = state_] {
    if (!active_) parts_.window->restoreState(state);
  });
  // The speed set on entering goes back, unless the lecturer chose another meanwhile.
  if (parts_.controls && speedSet_ >= 0 && parts_.controls->speed() == speedSet_)
    parts_.controls->setSpeed(speedBefore_);
  speedBefore_ = speedSet_ = -1;
}

QDockWidget* PresentMode::lessonDock() const {
  for (QDockWidget* d : parts_.window->findChildren<QDockWidget*>())
    if (d->objectName().startsWith("lesson", Qt::CaseInsensitive)) return d;
  return nullptr;
}

// The lesson's text at the left (when a lesson is open), the chosen views large beside it.
void PresentMode::arrange() {
  QMainWindow* w = parts_.window;
  const auto& views = parts_.views->views();
  std::vector<QDockWidget*> shown;
  for (int i : {primary_, secondary_})
    if (i >= 0 && i < int(views.size())) shown.push_back(parts_.views->dockOf(views[size_t(i)]));
  for (View* v : views) {
    QDockWidget* d = parts_.views->dockOf(v);
    if (std::find(shown.begin(), shown.end(), d) == shown.end()) d->hide();
  }
  for (QDockWidget* d : shown) {
    w->removeDockWidget(d);
    d->setFloating(false);
  }
  if (shown.empty()) return;
  w->addDockWidget(Qt::RightDockWidgetArea, shown[0]);
  shown[0]->show();
  if (shown.size() > 1) {
    w->splitDockWidget(shown[0], shown[1], Qt::Horizontal);
    shown[1]->show();
  }
  QDockWidget* lesson = lessonDock();
  lessonArranged_ = lesson && !lesson->isHidden();
  QList<QDockWidget*> docks(shown.begin(), shown.end());
  QList<int> widths;
  const int total = w->width();
  if (lesson && !lesson->isHidden()) {
    w->addDockWidget(Qt::LeftDockWidgetArea, lesson);
    docks.prepend(lesson);
    widths << total * 28 / 100;
  }
  const int rest = total - (widths.isEmpty() ? 0 : widths.front());
  for (size_t i = 0; i < shown.size(); ++i) widths << rest / int(shown.size());
  w->resizeDocks(docks, widths, Qt::Horizontal);
  emit parts_.views->probesChanged();
}

void PresentMode::adoptShown() {
  if (adoptScheduled_) return;
  adoptScheduled_ = true;
  QTimer::singleShot(0, this, [this] {  // once the burst of shows is over
    adoptScheduled_ = false;
    if (!active_) return;
    std::vector<int> shown;
    for (int i : shownMeanwhile_)
      if (std::find(shown.begin(), shown.end(), i) == shown.end()) shown.push_back(i);
    shownMeanwhile_.clear();
    if (!shown.empty()) {
      const int before = primary_;
      primary_ = shown.back();
      secondary_ = shown.size() >= 2 ? shown[shown.size() - 2] : (before != primary_ ? before : -1);
    }
    arrange();
  });
}

void PresentMode::showView(int index) {
  const int n = int(parts_.views->views().size());
  if (index < 0 || index >= n) return;
  if (index != primary_) {
    if (primary_ >= 0) secondary_ = primary_;
    primary_ = index;
  }
  if (active_) arrange();
}

void PresentMode::stepView(int by) {
  const int n = int(parts_.views->views().size());
  if (n == 0) return;
  showView(((std::max(primary_, 0) + by) % n + n) % n);
}

void PresentMode::showOneView() {
  secondary_ = -1;
  if (active_) arrange();
}

std::vector<View*> PresentMode::shownViews() const {
  std::vector<View*> out;
  const auto& views = parts_.views->views();
  for (int i : {primary_, secondary_})
    if (active_ && i >= 0 && i < int(views.size())) out.push_back(views[size_t(i)]);
  return out;
}

void PresentMode::callLesson(const char* slot) {
  const bool back = std::string(slot) == "back";
  if (back && lessonBack) return lessonBack();
  if (!back && lessonNext) return lessonNext();
  if (QDockWidget* d = lessonDock(); d && d->widget())
    QMetaObject::invokeMethod(d->widget(), slot);  // a no-op where the player has no such slot
}

void PresentMode::scalePlots(double factor) {
  for (QCustomPlot* plot : parts_.window->findChildren<QCustomPlot*>()) {
    if (plot->property("themeScaled").toBool()) continue;  // sizes itself from the theme
    scaleFonts(plot, factor);
    scaled_.push_back({plot, factor});
  }
  for (QWidget* c : parts_.window->findChildren<QWidget*>())
    if (c->testAttribute(Qt::WA_StyleSheet) && !c->testAttribute(Qt::WA_SetFont)) {
      styled_.emplace_back(c, c->font());
      QFont f = c->font();
      f.setPointSizeF(f.pointSizeF() * factor);
      c->setFont(f);
    }
}

void PresentMode::restorePlots() {
  for (const ScaledPlot& s : scaled_)
    if (s.plot) scaleFonts(s.plot, 1.0 / s.factor);
  scaled_.clear();
  for (auto& [widget, font] : styled_)
    if (widget) {
      widget->setFont(font);
      widget->setAttribute(Qt::WA_SetFont, false);  // inherits again, as before
    }
  styled_.clear();
}

void PresentMode::updateCounter() {
  std::shared_ptr<const Snapshot> s = parts_.session ? parts_.session->snapshot() : nullptr;
  bar_->showSnapshot(s.get());
}

// Keys act while presenting wherever the focus is (a button would take Space for a click),
// except in a text field.
bool PresentMode::handleKey(int key, Qt::KeyboardModifiers mods, bool apply) {
  mods &= ~Qt::KeypadModifier;
  // Shift is how some layouts type digits and + (AZERTY: Shift+& is 1); Shift+S stays the
  // window's Epoch.
  const bool shiftTyped = (key >= Qt::Key_0 && key <= Qt::Key_9) || key == Qt::Key_Plus ||
                          key == Qt::Key_Minus || key == Qt::Key_Equal;
  const bool shifted = mods == Qt::ShiftModifier;
  if (mods != Qt::NoModifier && !(shifted && (shiftTyped || key == Qt::Key_V))) return false;
  switch (key) {
    case Qt::Key_Space:
      if (apply && parts_.play) parts_.play->trigger();
      return true;
    case Qt::Key_S:
      if (apply && parts_.step) parts_.step->trigger();
      return true;
    case Qt::Key_Left:
    case Qt::Key_PageUp:  // presentation clickers send Page Up / Page Down
      if (apply) callLesson("back");
      return true;
    case Qt::Key_Right:
    case Qt::Key_PageDown:
      if (apply) callLesson("next");
      return true;
    case Qt::Key_Escape:
      if (apply) QTimer::singleShot(0, this, [this] { setActive(false); });
      return true;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
      if (apply) setScale(scale_ + 0.25);
      return true;
    case Qt::Key_Minus:
      if (apply) setScale(scale_ - 0.25);
      return true;
    case Qt::Key_N:
      if (apply && parts_.canvas) parts_.canvas->setVisible(parts_.canvas->isHidden());
      return true;
    case Qt::Key_0:
      if (apply) showOneView();
      return true;
    case Qt::Key_V:  // every view in turn, past the nine the digits reach; Shift+V back
      if (apply) stepView(shifted ? -1 : 1);
      return true;
    default:
      if (key >= Qt::Key_1 && key <= Qt::Key_9) {
        if (apply) showView(key - Qt::Key_1);
        return true;
      }
      return false;
  }
}

bool PresentMode::eventFilter(QObject* watched, QEvent* event) {
  const auto type = event->type();
  if (!active_ || (type != QEvent::KeyPress && type != QEvent::ShortcutOverride)) return false;
  auto* widget = qobject_cast<QWidget*>(watched);
  if (!widget || widget->window() != parts_.window || typingInto(watched)) return false;
  auto* key = static_cast<QKeyEvent*>(event);
  // ShortcutOverride: claim the key, so that no shortcut (the window's Space) fires as well;
  // the key press that follows does the work, once.
  if (!handleKey(key->key(), key->modifiers(), type == QEvent::KeyPress)) return false;
  event->accept();
  return true;
}

}  // namespace gradlab::widgets
