#pragma once
// View: a live view of training, docked in the window. The window's timer hands every open
// view the newest Snapshot (at most 60 times a second); a view draws from it and never waits
// on the trainer. probes() says what the view needs the worker to compute.
//
// To add a view: derive from View, draw in showSnapshot(), say what you need in probes(),
// and add it in MainWindow::createDocks(). Export to PNG/PDF comes with the base class.
#include <QWidget>

#include "train/snapshot.h"

class QCustomPlot;
class QLabel;
class QToolBar;
class QVBoxLayout;

namespace gradlab::widgets {

class View : public QWidget {
  Q_OBJECT
 public:
  explicit View(const QString& title, QWidget* parent = nullptr);

  const QString& title() const { return title_; }
  virtual void showSnapshot(const Snapshot& snap) = 0;
  // Adds what this view needs to `request`.
  virtual void addProbes(ProbeRequest& request) const { (void)request; }
  // The plot exported as vector PDF; views without one export a rendering of themselves.
  virtual QCustomPlot* plot() const { return nullptr; }
  // Writes the view to a .png or .pdf file; false (and a message) when it could not.
  bool exportTo(const QString& path, QString* error = nullptr);
  int frames() const { return frames_; }
  // On screen: its dock shown and, among tabbed docks, the tab in front. (isVisible() stays
  // true for a tab behind another one.) The window sets it from the dock's visibilityChanged;
  // only views on screen get snapshots and have their probes computed.
  bool onScreen() const { return onScreen_ && isVisible(); }
  void setOnScreen(bool on) { onScreen_ = on; }

 protected:
  QToolBar* toolbar() const { return toolbar_; }
  QVBoxLayout* body() const { return body_; }
  // A line of text over the view: what it shows now, or why it has nothing to show.
  void setNote(const QString& text);
  void countFrame() { ++frames_; }

 private:
  QString title_;
  QToolBar* toolbar_;
  QLabel* note_;
  QVBoxLayout* body_;
  int frames_ = 0;
  bool onScreen_ = false;
};

// Shared look for QCustomPlot in every view: light grid, no antialiasing on fast layers.
void stylePlot(QCustomPlot* plot);

}  // namespace gradlab::widgets
