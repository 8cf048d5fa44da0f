#pragma once
// RecordControl: View › Record… (Ctrl+Shift+R) and, while a recording runs, an indicator in the
// status bar — a red dot, the time recorded, the frames (and those dropped) and Stop. Errors
// (a file that cannot be written, a full disk) go to the window's message banner.
//
//   auto* rec = new RecordControl(window, views, [=](QString m, bool error) { … }, window);
//   rec->addMenuActions(viewMenu);
//   rec->startRecording(nullptr, "run.mp4", 10);   // the whole window, without the dialog
#include <QObject>
#include <functional>

class QAction;
class QLabel;
class QMainWindow;
class QMenu;
class QToolButton;
class QWidget;

namespace gradlab::widgets {

class Recorder;
class ViewDocks;

class RecordControl : public QObject {
  Q_OBJECT
 public:
  using Message = std::function<void(const QString& text, bool error)>;
  RecordControl(QMainWindow* window, ViewDocks* views, Message message, QObject* parent = nullptr);

  void addMenuActions(QMenu* menu);
  // Records `target` (null: the whole window) without asking; false with the reason shown.
  bool startRecording(QWidget* target, const QString& path, double fps);
  void stopRecording();
  Recorder* recorder() const { return recorder_; }
  QAction* recordAction() const { return record_; }
  QWidget* indicator() const { return indicator_; }

 private:
  void ask();  // the dialog
  void updateIndicator();

  QMainWindow* window_;
  ViewDocks* views_;
  Message message_;
  Recorder* recorder_;
  QAction* record_;
  QWidget* indicator_;
  QLabel* indicatorText_;
  QToolButton* stop_;
  QString lastPath_;
  double lastFps_ = 10;
};

}  // namespace gradlab::widgets
