#pragma once
// Helpers for the GUI tests: wait for the worker, drive the canvas like a user, screenshots.
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QTest>
#include <functional>

#include "editor/canvas.h"
#include "editor/palette.h"
#include "main_window.h"
#include "support/wait.h"

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#endif

namespace gradlab::testing {

#if defined(__SANITIZE_ADDRESS__)
// LeakSanitizer looks for leaks at exit, after Mesa has unloaded its software GL driver
// (swrast_dri.so; Qt closes the X display as the application ends): what the driver still
// held then reads as leaked from "<unknown module>", which no suppression can name (2 blocks
// of 56 bytes in tst_landscape_view). Opened here first with RTLD_NODELETE, the driver stays
// loaded, and LeakSanitizer sees its globals as it sees any library's.
inline const bool kMesaDriverKept = [] {
  for (const char* path : {"/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so", "/usr/lib64/dri/swrast_dri.so",
                           "/usr/lib/dri/swrast_dri.so"})
    if (dlopen(path, RTLD_LAZY | RTLD_NODELETE)) return true;
  return false;
}();
#endif

// Processes events until `done` or the timeout; returns done(). The GUI tests' name for
// test::waitUntil, with their usual 20 s limit.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 20000) {
  return test::waitUntil(done, timeoutMs);
}

// A window's options as the GUI tests want them: no QSettings (no Welcome lesson, no recent
// files), the recovery folder in `recoveryDir`, no autosave during a test.
inline widgets::MainWindowOptions testOptions(const QString& recoveryDir) {
  widgets::MainWindowOptions o;
  o.dataDir = recoveryDir;
  o.useSettings = false;
  o.autosaveMs = 3600 * 1000;
  return o;
}

// The screenshots folder inside the build folder (tests run in build-*/tests).
inline QString screenshotPath(const QString& name) {
  QDir().mkpath("screenshots");
  return QDir("screenshots").absoluteFilePath(name + ".png");
}

inline void screenshot(QWidget* w, const QString& name) {
  QTest::qWait(80);  // let queued replots happen
  w->grab().save(screenshotPath(name));
}

// Drags a palette entry onto the canvas at `pos` (viewport coordinates): the same drag-enter,
// drag-move and drop events a real drag delivers, carrying the palette's own drag payload.
inline void dragFromPalette(widgets::Palette* palette, widgets::Canvas* canvas, const QString& type,
                            QPoint pos) {
  QTreeWidgetItem* item = palette->itemFor(type);
  QVERIFY2(item, qPrintable("no palette entry for " + type));
  std::unique_ptr<QMimeData> mime(widgets::Palette::mimeFor(item->data(0, Qt::UserRole).toString()));
  QWidget* vp = canvas->viewport();
  QDragEnterEvent enter(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(vp, &enter);
  QVERIFY(enter.isAccepted());
  QDragMoveEvent move(pos, Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(vp, &move);
  QDropEvent drop(QPointF(pos), Qt::CopyAction, mime.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(vp, &drop);
  QVERIFY(drop.isAccepted());
}

// Drags with the mouse from one point of the canvas to another (wiring, moving).
inline void mouseDrag(widgets::Canvas* canvas, QPoint from, QPoint to) {
  QWidget* vp = canvas->viewport();
  QTest::mousePress(vp, Qt::LeftButton, Qt::NoModifier, from);
  for (int i = 1; i <= 5; ++i) QTest::mouseMove(vp, from + (to - from) * i / 5);
  QTest::mouseRelease(vp, Qt::LeftButton, Qt::NoModifier, to);
}

}  // namespace gradlab::testing
