#pragma once
// PresentMode: classroom mode (View › Present, F5; `gradlab --present`). For a lecture hall:
// fonts, lines and points scaled for a projector (presentation scale, 1.5× to 3×, a setting),
// the colour-blind-safe palette (theme.h), the editing chrome hidden (palette, data, inspector,
// problems, the network canvas, the training toolbar), the lesson text (the lesson player's
// dock, when there is one) and up to two chosen views large, a big step/epoch counter, and a
// pace a hall can follow. Driven from the keyboard:
//
//   Space play/pause · S one step · ← → the lesson's steps · 1–9 the view to show large (the
//   one shown before moves beside it) · V / Shift+V the next / previous view, through all of
//   them · 0 one view only · + − presentation scale · N network canvas on/off · Esc (or F5)
//   back to the lab
//
// Leaving restores the window exactly as it was (QMainWindow::saveState / restoreState).
//
//   PresentMode* p = new PresentMode(parts, window);
//   p->setActive(true);   // the window as a lecture hall sees it
//   p->showView(7);       // key 8: the 8th view of viewTypes() (the loss) large
#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPointer>
#include <functional>
#include <vector>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;
class QToolBar;
class QTimer;
class QCustomPlot;

namespace gradlab {
class TrainingSession;
}

namespace gradlab::widgets {

class ControlsPanel;
class PresentBar;
class View;
class ViewDocks;

class PresentMode : public QObject {
  Q_OBJECT
 public:
  // What presenting rearranges; the window keeps owning all of it.
  struct Parts {
    QMainWindow* window = nullptr;
    ViewDocks* views = nullptr;
    std::vector<QDockWidget*> chrome;  // hidden while presenting (palette, data, inspector, …)
    std::vector<QToolBar*> bars;       // hidden while presenting (the training toolbar)
    QWidget* canvas = nullptr;         // the central widget: hidden, N shows it
    ControlsPanel* controls = nullptr; // the speed
    TrainingSession* session = nullptr;
    QAction *play = nullptr, *step = nullptr;
  };
  static constexpr double kMinScale = 1.5, kMaxScale = 3.0, kDefaultScale = 1.75;
  static constexpr double kDefaultHallSpeed = 100;  // steps per second

  PresentMode(const Parts& parts, QObject* parent = nullptr);
  ~PresentMode() override;

  bool active() const { return active_; }
  void setActive(bool on);
  // The View menu's checkable "Present" (F5) and the presentation scale's choices.
  QAction* toggleAction() const { return toggle_; }
  void addMenuActions(QMenu* menu);

  // Presentation scale (fonts, lines, points), kept in the settings; applied at once while
  // presenting.
  double scale() const { return scale_; }
  void setScale(double scale);
  // The pace set on entering when training would be faster (0: keep the window's), a setting.
  double hallSpeed() const { return hallSpeed_; }
  void setHallSpeed(double stepsPerSecond);

  // View `index` of viewTypes() large (keys 1–9); the one large before goes beside it.
  void showView(int index);
  void stepView(int by);  // the view `by` places after the large one, round: V +1, Shift+V −1
  void showOneView();     // key 0
  std::vector<View*> shownViews() const;
  PresentBar* bar() const { return bar_; }

  // The lesson player's Back / Next (← →): its dock's widget is found by the dock's object name
  // ("lesson…") and its back()/next() slots are called; a window may set these instead.
  std::function<void()> lessonBack, lessonNext;

 signals:
  void activeChanged(bool on);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void enter();
  void leave();
  void arrange();
  // Views (or the lesson) shown by someone else while presenting — a lesson step opening its
  // views — take the large places: the last one shown first, the one before beside it.
  void adoptShown();
  QDockWidget* lessonDock() const;
  void callLesson(const char* slot);
  void scalePlots(double factor);  // and the widgets with a style sheet
  void restorePlots();
  bool handleKey(int key, Qt::KeyboardModifiers mods, bool apply);
  void updateCounter();

  Parts parts_;
  QAction* toggle_;
  QToolBar* barHolder_;
  PresentBar* bar_;
  QTimer* counterTimer_;
  bool active_ = false;
  double scale_ = kDefaultScale, hallSpeed_ = kDefaultHallSpeed;
  int primary_ = -1, secondary_ = -1;  // view indices shown large (-1: none)
  std::vector<int> shownMeanwhile_;    // views shown by others since the last arrange()
  bool adoptScheduled_ = false, lessonArranged_ = false;

  // What leaving puts back.
  QByteArray state_, geometry_;
  QFont windowFont_;
  bool windowFontSet_ = false, statusBarShown_ = true, canvasShown_ = true;
  double speedBefore_ = -1, speedSet_ = -1;
  struct ScaledPlot {
    QPointer<QCustomPlot> plot;
    double factor;
  };
  std::vector<ScaledPlot> scaled_;
  // Widgets with a style sheet keep their font when the window's changes (Qt resolves it once):
  // each gets its scaled font set, and its own back on leaving.
  std::vector<std::pair<QPointer<QWidget>, QFont>> styled_;
};

}  // namespace gradlab::widgets
