// gradlab --bench-responsiveness [seconds]: a benchmark, not a test. Opens the window with the
// default spiral project and every view visible (the landscape as its 3-D surface where OpenGL
// 3.3 is there), then measures while training runs flat out:
//   - the longest event-loop stall and the views' frame rate (frame_meter.h), with the
//     decision-boundary and loss-plot replots,
//   - training throughput with the views open vs a headless TrainingSession (no probes),
//   - the 3-D landscape's frames drawn and surface meshes built.
// With --bench-record FILE the whole window is recorded (View › Record…, 10 frames/s) while it
// measures, and the recording's frames, drops and grab times are printed too.
#include <QApplication>
#include <QElapsedTimer>
#include <QScreen>
#include <QTemporaryDir>
#include <cstdio>
#include <qcustomplot.h>
#include <thread>

#include "editor/network_model.h"
#include "frame_meter.h"
#include "main_window.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "record/record_control.h"
#include "record/recorder.h"
#include "views/boundary_view.h"
#include "views/view_docks.h"
#include "views/landscape_3d.h"
#include "views/landscape_view.h"
#include "views/loss_view.h"

using namespace gradlab;
using namespace gradlab::widgets;

namespace {
double headlessStepsPerSecond(const NetworkSpec& spec, std::shared_ptr<const Split> data,
                              const TrainConfig& config, double seconds) {
  TrainingSession s;
  s.setData(data);
  s.setConfig(config);
  s.setNetwork(spec);
  s.sync();
  s.play();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // warm up
  const int64_t s0 = s.snapshot()->step;
  QElapsedTimer t;
  t.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(int(seconds * 1000)));
  const int64_t s1 = s.snapshot()->step;
  const double dt = t.nsecsElapsed() / 1e9;
  s.pause();
  return double(s1 - s0) / dt;
}
}  // namespace

int runResponsivenessBench(double seconds, const QString& recordTo) {
  if (seconds <= 0) seconds = 10;
  QTemporaryDir tmp;
  MainWindowOptions o;
  o.dataDir = tmp.path();
  o.autosaveMs = 3600 * 1000;
  o.useSettings = false;
  MainWindow w(o);
  if (!showEveryView(w)) {
    std::fprintf(stderr, "bench: the default project did not become ready\n");
    return 1;
  }
  LandscapeView* landscape = w.view<LandscapeView>();
  const NetworkSpec spec = w.model()->spec();
  const auto data = w.datasetPanel()->data();
  const TrainConfig config = w.snapshot()->config;

  std::printf("Gradlab responsiveness benchmark: default spiral project (%zu blocks), %.0f s, "
              "platform %s, %u hardware threads, window %dx%d on a %dx%d screen, %d views\n",
              spec.blocks.size(), seconds, qPrintable(QApplication::platformName()),
              std::thread::hardware_concurrency(), w.width(), w.height(),
              w.screen()->size().width(), w.screen()->size().height(), int(w.views()->views().size()));
  std::fflush(stdout);

  // 1. Headless: the same network and data, no views, no probes.
  const double headless = headlessStepsPerSecond(spec, data, config, seconds);

  // 2. With the window and every view open.
  // A new boundary redraws the map's layer alone (no afterReplot): count the view's frames.
  int boundaryFrames0 = 0, lossReplots = 0;
  QObject::connect(w.view<LossView>()->plot(), &QCustomPlot::afterReplot, [&] { ++lossReplots; });
  FrameMeter meter(w);
  w.controls()->setSpeed(0);  // flat out: the default project trains at 300 steps/s
  w.session()->play();
  spinEventLoop(300);  // warm up
  const int64_t s0 = w.session()->snapshot()->step;
  boundaryFrames0 = w.view<BoundaryView>()->frames();
  lossReplots = 0;
  Landscape3D* surface = landscape->showing3D() ? landscape->surface3D() : nullptr;
  const int glFrames0 = surface ? surface->framesDrawn() : 0, meshes0 = surface ? surface->meshBuilds() : 0;
  Recorder* recorder = w.recording()->recorder();
  if (!recordTo.isEmpty() && !w.recording()->startRecording(nullptr, recordTo, 10)) {
    std::fprintf(stderr, "bench: cannot record: %s\n", qPrintable(w.message()));
    return 1;
  }
  meter.start();
  spinEventLoop(int(seconds * 1000));
  const FrameMeter::Interval measured = meter.take();
  meter.stop();
  const double dt = measured.seconds;
  const int64_t s1 = w.session()->snapshot()->step;
  const int64_t grabbed = recorder->framesGrabbed(), rendered = recorder->framesRendered();
  const double longestGrab = recorder->longestGrabMs(), meanGrab = recorder->meanGrabMs();
  const QSize recorded = recorder->size();
  w.recording()->stopRecording();
  w.session()->pause();
  for (int i = 0; i < 600 && recorder->finishing(); ++i) spinEventLoop(50);

  const double withViews = double(s1 - s0) / dt;
  std::printf("| measure | result | target |\n|---|---|---|\n");
  std::printf("| longest event-loop stall | %.1f ms (99th percentile %.1f ms) | <= 50 ms |\n",
              measured.longestStallMs, measured.p99StallMs);
  std::printf("| views' frame rate (snapshots shown) | %.1f /s | >= 55 /s |\n", measured.framesPerSecond);
  std::printf("| decision-boundary maps drawn | %.1f /s | |\n", (w.view<BoundaryView>()->frames() - boundaryFrames0) / dt);
  std::printf("| loss-plot replots | %.1f /s | |\n", lossReplots / dt);
  std::printf("| replot time: boundary / loss (average) | %.1f ms / %.1f ms | |\n",
              w.view<BoundaryView>()->plot()->replotTime(true), w.view<LossView>()->plot()->replotTime(true));
  if (surface)
    std::printf("| landscape 3-D (%s): frames drawn, meshes built | %.1f /s, %d | |\n",
                qPrintable(surface->renderer()), (surface->framesDrawn() - glFrames0) / dt,
                surface->meshBuilds() - meshes0);
  else
    std::printf("| landscape | 2-D map: %s | |\n", qPrintable(landscape->fallbackReason()));
  if (!recordTo.isEmpty())
    std::printf("| recording the window (%dx%d, 10 frames/s) to %s: grabbed, written, dropped; "
                "grab time mean / longest | %lld (%lld rendered, not read back), %lld, %lld; %.1f ms / %.1f ms | |\n",
                recorded.width(), recorded.height(), qPrintable(recordTo), (long long)grabbed, (long long)rendered,
                (long long)recorder->framesWritten(), (long long)recorder->framesDropped(), meanGrab,
                longestGrab);
  std::printf("| training, views open | %.0f steps/s | |\n", withViews);
  std::printf("| training, headless | %.0f steps/s | |\n", headless);
  std::printf("| throughput with views / headless | %.0f %% | >= 80 %% |\n", 100.0 * withViews / headless);
  std::printf("final test accuracy after the run: %.1f %%\n",
              w.snapshot() && !w.snapshot()->metrics.empty() ? 100 * w.snapshot()->metrics.back().testAcc : 0.0);
  return 0;
}
