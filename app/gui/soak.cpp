// gradlab --soak MINUTES [--soak-switch SECONDS]: a benchmark, not a test (bench/soak.sh runs it
// under Xvfb and keeps its table). The window as a lecture uses it for an hour: every view tiled
// and visible (the landscape as its 3-D surface where OpenGL 3.3 is there), training flat out,
// autosave every 30 s (into a temporary folder), and every SECONDS (default 20) a switch to the
// next case — an example network (examples/*.net.json) on a built-in data set that fits it,
// opened as a project would be, or a lesson's step. Every fourth time, instead, the views go
// back to their tabs and each is brought to the front in turn (views leave and come back on
// screen, their probes stop and start), then they are tiled again.
//
// One row per minute: the resident set (/proc/self/statm), the heap in use (glibc's mallinfo2:
// a resident set that grows while the heap does not is the allocator keeping freed pages, not a
// leak), the views' frame rate and the longest event-loop stall (frame_meter.h, as
// --bench-responsiveness measures them), training steps per second, switches and what was shown.
// Then a summary against issue 15's goals: RSS growth under 5 % after minute 5, at least 55
// frames/s and no stall over 50 ms in every minute. It runs in the window's own event loop (not
// a busy loop of processEvents, as the short bench does), so it takes no more CPU than a user's
// window would.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QScreen>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "frame_meter.h"
#include "io/project.h"
#include "lesson/lesson.h"
#include "lesson/lesson_dock.h"
#include "lesson/lesson_setup.h"
#include "main_window.h"
#include "panels/controls_panel.h"
#include "panels/dataset_panel.h"
#include "views/landscape_view.h"
#include "views/view_docks.h"

#if defined(__linux__)
#include <malloc.h>
#include <unistd.h>
#endif

using namespace gradlab;
using namespace gradlab::widgets;

namespace {

// An example network on the data its lesson uses (or, for the examples no lesson opens, data of
// the shape its Input expects), with the training settings a lesson gives it where its file
// gives none. `lesson` set: that lesson's step instead.
struct SoakCase {
  const char* network = nullptr;
  const char* data = nullptr;
  const char* training = "";
  const char* lesson = nullptr;
  int step = 0;
};

// Every bundled example once, then a lesson step, in an order that changes the kind of data at
// almost every switch (2-D, images, sequences, 1-D).
const std::vector<SoakCase>& soakCases() {
  static const char* k2d = "optimizer=adam lr=0.03 batch=10";
  static const char* kSeq = "optimizer=adam lr=0.003 batch=32";
  static const std::vector<SoakCase> cases = {
      {"spiral", "spiral points=500 noise=0.1 test=0.5 seed=1", k2d},
      {"fashion-cnn", "fashion-mnist points=500 seed=1"},
      {"recall-lstm", "recall points=1000 test=0.2 seed=1 lag=5", "optimizer=adam lr=0.001 batch=32"},
      {"fit-1d", "fn-sine points=200 noise=0.05 test=0.5 seed=1", "optimizer=adam lr=0.01 batch=10"},
      {.lesson = "04-xor", .step = 1},
      {"xor-mlp", "xor points=400 noise=0.05 test=0.5 seed=1", k2d},
      {"autoencoder", "fashion-mnist points=1000 seed=1 reconstruct", "optimizer=adam lr=0.002 batch=50"},
      {"waveforms-conv1d-lstm", "waveforms points=1000 noise=0.2 length=64 test=0.2 seed=1"},
      {"spiral-dropout", "circle points=250 noise=0.5 test=0.8 seed=1", k2d},
      {"reverse-attention", "reverse length=20 symbols=8 points=1000 test=0.2 seed=1"},
      {.lesson = "15-cnn-fashion-mnist", .step = 0},
      {"deep-sigmoid", "spiral points=500 noise=0.1 test=0.5 seed=1", k2d},
      {"fashion-conv-autoencoder", "fashion-mnist points=1000 seed=1 reconstruct"},
      {"long-lag-gru", "long-lag points=1000 test=0.2 seed=1 lag=20", kSeq},
      {"perceptron", "gauss points=200 noise=0.1 test=0.5 seed=1", k2d},
      {"sine-rnn", "sine points=1000 noise=0 test=0.2 seed=1", "optimizer=adam lr=0.01 batch=32"},
      {.lesson = "17-long-lags", .step = 0},
      {"fashion-mlp", "fashion-mnist points=1000 seed=1", "optimizer=adam lr=0.002 batch=32"},
      {"small-mlp", "circle points=400 noise=0.1 test=0.5 seed=1", k2d},
      {"long-lag-lstm", "long-lag points=1000 test=0.2 seed=1 lag=20", kSeq},
      {"linear-autoencoder", "fashion-mnist points=1000 seed=1 reconstruct"},
      {"deep-relu", "spiral points=500 noise=0.1 test=0.5 seed=1", k2d},
      {"reverse-no-attention", "reverse length=20 symbols=8 points=1000 test=0.2 seed=1"},
      {.lesson = "20-attention", .step = 0},
      {"big-mlp", "spiral points=60 noise=0.2 test=0.5 seed=1", k2d},
      {"fashion-mlp-mse", "fashion-mnist points=1000 seed=1", "optimizer=adam lr=0.002 batch=32"},
      {"long-lag-rnn", "long-lag points=1000 test=0.2 seed=1 lag=20", kSeq},
      {"xor-linear", "xor points=400 noise=0.05 test=0.5 seed=1", k2d},
      {"waveforms-lstm", "waveforms points=1000 noise=0.2 length=64 test=0.2 seed=1"},
      {"deep-linear", "circle points=400 noise=0.1 test=0.5 seed=1", k2d},
      {.lesson = "19-autoencoders", .step = 0},
      {"recall-rnn", "recall points=1000 test=0.2 seed=1 lag=5", "optimizer=adam lr=0.001 batch=32"},
      {"spiral-classifier", "spiral points=500 noise=0.1 test=0.5 seed=1", k2d},
      {"residual-concat", "gauss points=200 noise=0.1 test=0.5 seed=1", k2d},
      {"memorise-mlp", "spiral points=600 noise=0.2 test=0.5 seed=1"},
      {.lesson = "10-vanishing-gradients", .step = 0},
  };
  return cases;
}

// A case ready to switch to: a project file for a network case, the lesson for a lesson case.
struct Prepared {
  QString label;
  QString project;  // empty for a lesson
  QString lesson;
  int step = 0;
};

// The network cases as project files in `dir` (the window opens them as File › Open would);
// a case that cannot be prepared (an example missing) is left out with the reason on stderr.
std::vector<Prepared> prepareCases(const QString& dir) {
  std::vector<Prepared> out;
  const std::vector<std::string> examples = examplesDirs();
  if (examples.empty()) {
    std::fprintf(stderr, "soak: no examples folder (examples/ of the source tree or share/gradlab/examples "
                         "of an installation): only the lesson steps run\n");
  }
  for (const SoakCase& c : soakCases()) {
    if (c.lesson) {
      out.push_back({QString("lesson %1 step %2").arg(c.lesson).arg(c.step + 1), {}, c.lesson, c.step});
      continue;
    }
    if (examples.empty()) continue;
    try {
      LessonSetup setup;
      const std::string network = examples.front() + "/" + c.network + ".net.json";
      std::vector<Setting> settings = {{"network", network, 0}, {"data", c.data, 0}};
      for (Setting& s : splitSettings(c.training, 0, "soak.cpp")) settings.push_back(s);
      applySettings(setup, settings, {"soak.cpp", examples.front()});
      Project p;
      p.network = setup.network;
      p.data = setup.data;
      p.training = setup.training;
      p.speed = 0;  // flat out
      const QString path = dir + "/" + c.network + ".gradlab";
      saveProject(path.toStdString(), p);
      out.push_back({QString(c.network), path, {}, 0});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "soak: left out %s on %s: %s\n", c.network, c.data, e.what());
    }
  }
  return out;
}

double residentMiB() {
#if defined(__linux__)
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  if (statm >> pages >> resident) return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1 << 20);
#endif
  return 0;
}

// Bytes the program holds on the heap (small blocks in the arenas and mmapped large ones).
double heapInUseMiB() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  return double(m.uordblks + m.hblkhd) / (1 << 20);
#else
  return 0;
#endif
}

// Bytes malloc has taken from the system (arenas and mmapped blocks), in use or free: held
// growing while in use does not is fragmentation or arenas kept by threads, not a leak.
double heapHeldMiB() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
  const struct mallinfo2 m = mallinfo2();
  return double(m.arena + m.hblkhd) / (1 << 20);
#else
  return 0;
#endif
}

struct MinuteRow {
  int minute = 0;
  double rss = 0, heap = 0;
  FrameMeter::Interval frames;
  double stepsPerSecond = 0;
  int switches = 0;
  QString stallDuring;  // what was on screen (or happening) when the longest stall began
};

}  // namespace

int runSoak(double minutes, double switchSeconds) {
  if (minutes <= 0) minutes = 60;
  if (switchSeconds <= 0) switchSeconds = 20;
  QTemporaryDir tmp;
  if (!tmp.isValid()) {
    std::fprintf(stderr, "soak: cannot make a temporary folder: %s\n", qPrintable(tmp.errorString()));
    return 1;
  }
  const QString projects = tmp.path() + "/projects";
  QDir().mkpath(projects);
  const std::vector<Prepared> cases = prepareCases(projects);
  if (cases.empty()) {
    std::fprintf(stderr, "soak: no case could be prepared (are the examples there? see above)\n");
    return 1;
  }

  MainWindowOptions o;
  o.dataDir = tmp.path() + "/recovery";
  o.autosaveMs = 30000;  // as for a user: the autosave's writes are part of what runs for an hour
  o.useSettings = false;
  o.welcomeLesson = false;
  MainWindow w(o);
  if (!showEveryView(w)) {
    std::fprintf(stderr, "soak: the default project did not become ready: %s\n", qPrintable(w.message()));
    return 1;
  }
  LandscapeView* landscape = w.view<LandscapeView>();
  const int totalMinutes = std::max(1, int(minutes + 0.5));
  std::printf("Gradlab soak: %d min, a switch every %.0f s through %zu cases (%zu examples on their "
              "data, %zu lesson steps), platform %s, %u hardware threads, window %dx%d on a %dx%d "
              "screen, %d views, landscape %s\n",
              totalMinutes, switchSeconds, cases.size(),
              size_t(std::count_if(cases.begin(), cases.end(), [](const Prepared& c) { return c.lesson.isEmpty(); })),
              size_t(std::count_if(cases.begin(), cases.end(), [](const Prepared& c) { return !c.lesson.isEmpty(); })),
              qPrintable(QApplication::platformName()), std::thread::hardware_concurrency(), w.width(),
              w.height(), w.screen()->size().width(), w.screen()->size().height(),
              int(w.views()->views().size()),
              landscape->showing3D() ? "3-D" : qPrintable("2-D map (" + landscape->fallbackReason() + ")"));
  std::printf("\n| minute | RSS MiB | heap in use MiB | frames/s | longest stall ms (99th pct) | "
              "longest stall during | steps/s | switches | shown |\n|---|---|---|---|---|---|---|---|---|\n");
  std::fflush(stdout);

  QEventLoop loop;
  FrameMeter meter(w);
  std::vector<MinuteRow> rows;
  QStringList shownThisMinute;
  // This minute's switches: (seconds into the minute, what came), to name what a stall was in.
  std::vector<std::pair<double, QString>> timeline;
  double longestSwitchMs = 0;
  QString longestSwitch;
  // RSS and heap at the end of each pass through the cases: the same point of the cycle each
  // time, so the data sets and networks held are the same; a minute's row holds whatever case
  // is on screen (the Fashion-MNIST ones hold about 150 MiB more than the 2-D ones).
  struct Pass {
    double minute, rss, heap, held;
  };
  std::vector<Pass> passes;
  QElapsedTimer soakClock;
  int next = 0, switches = 0, switchesThisMinute = 0, messages = 0;
  int64_t stepsThisMinute = 0, lastStep = 0;
  QString lastMessage;
  bool shuffling = false;

  // Keeps training flat out: after a switch, once the new data and network are ready, and after
  // anything that paused it. Counts the steps trained (a switch starts again at step 0) and
  // reports each new message of the window (a failed load, divergence) on stderr.
  QTimer keeper;
  keeper.setInterval(250);
  QObject::connect(&keeper, &QTimer::timeout, [&] {
    if (auto s = w.session()->snapshot()) {
      stepsThisMinute += s->step >= lastStep ? s->step - lastStep : s->step;
      lastStep = s->step;
      if (s->ready && !s->running && !w.datasetPanel()->loading()) w.session()->play();
    }
    const QString m = w.message();
    if (m != lastMessage) {
      lastMessage = m;
      if (!m.isEmpty()) {
        ++messages;
        std::fprintf(stderr, "soak: minute %zu, %s: the window says: %s\n", rows.size() + 1,
                     qPrintable(shownThisMinute.isEmpty() ? QString("-") : shownThisMinute.back()),
                     qPrintable(m));
      }
    }
  });

  auto switchCase = [&] {
    if (next > 0 && size_t(next) % cases.size() == 0)
      passes.push_back({soakClock.elapsed() / 60000.0, residentMiB(), heapInUseMiB(), heapHeldMiB()});
    const Prepared& c = cases[size_t(next) % cases.size()];
    ++next;
    ++switches;
    ++switchesThisMinute;
    timeline.emplace_back(meter.elapsed(), "opening " + c.label);
    QElapsedTimer took;
    took.start();
    if (c.lesson.isEmpty()) {
      w.lessons()->dock()->hide();  // as a user closes the lesson before opening a project
      w.openProject(c.project);
    } else {
      w.lessons()->open(c.lesson, c.step);
    }
    // A lesson step or a project may set a pace; the soak trains flat out.
    w.controls()->setSpeed(0);
    w.session()->setSpeed(0);
    // What the switch itself held the window's thread for (the data loads on a worker after it).
    const double ms = took.nsecsElapsed() / 1e6;
    if (ms > longestSwitchMs) {
      longestSwitchMs = ms;
      longestSwitch = c.label;
    }
    if (ms > 50) std::fprintf(stderr, "soak: minute %zu: opening %s took %.0f ms on the window's thread\n",
                              rows.size() + 1, qPrintable(c.label), ms);
    timeline.emplace_back(meter.elapsed(), c.label);
    shownThisMinute << c.label;
  };

  // The views as tabs, each brought to the front in turn (150 ms apiece), then tiled again; the
  // next case opens at the next tick, as a user's next click would come.
  // `guard` is the pending steps' receiver: destroyed before what they refer to, it drops them.
  std::function<void(size_t)> raiseNext;
  QObject guard;
  raiseNext = [&](size_t i) {
    const auto& views = w.views()->views();
    if (i >= views.size()) {
      w.showAllViews();
      shuffling = false;
      return;
    }
    if (QDockWidget* d = w.views()->dockOf(views[i])) d->raise();
    QTimer::singleShot(150, &guard, [&, i] { raiseNext(i + 1); });
  };

  QTimer switcher;
  switcher.setInterval(int(switchSeconds * 1000));
  int ticks = 0;
  QObject::connect(&switcher, &QTimer::timeout, [&] {
    if (shuffling) return;
    if (++ticks % 4 == 0) {
      shuffling = true;
      timeline.emplace_back(meter.elapsed(), "the views as tabs, one by one");
      w.views()->placeDefault();
      raiseNext(0);
    } else {
      switchCase();
    }
  });

  QTimer minute;
  minute.setInterval(60 * 1000);
  QObject::connect(&minute, &QTimer::timeout, [&] {
    MinuteRow r;
    r.minute = int(rows.size()) + 1;
    r.frames = meter.take();
    r.rss = residentMiB();
    r.heap = heapInUseMiB();
    r.stepsPerSecond = r.frames.seconds > 0 ? double(stepsThisMinute) / r.frames.seconds : 0;
    r.switches = switchesThisMinute;
    // Named by when it began: a stall that began inside a switch is the switch's (one that began
    // before this minute, by what was on screen as it began).
    const double stallBegan =
        std::max(0.0, r.frames.longestStallAt - (r.frames.longestStallMs + 1) / 1000);
    for (const auto& [at, what] : timeline)
      if (at <= stallBegan) r.stallDuring = what;
    std::printf("| %d | %.1f | %.1f | %.1f | %.1f (%.1f) | %s, at %.0f s | %.0f | %d | %s |\n", r.minute, r.rss,
                r.heap, r.frames.framesPerSecond, r.frames.longestStallMs, r.frames.p99StallMs,
                qPrintable(r.stallDuring), stallBegan, r.stepsPerSecond, r.switches,
                qPrintable(shownThisMinute.join(", ")));
    std::fflush(stdout);
    rows.push_back(r);
    stepsThisMinute = 0;
    switchesThisMinute = 0;
    // What is on screen at the start of the next minute heads its list.
    shownThisMinute = QStringList{shownThisMinute.isEmpty() ? QString("default spiral") : shownThisMinute.back()};
    timeline = {{0.0, shownThisMinute.back()}};
    if (int(rows.size()) >= totalMinutes) loop.quit();
  });

  shownThisMinute << "default spiral";
  timeline = {{0.0, shownThisMinute.back()}};
  w.controls()->setSpeed(0);
  w.session()->setSpeed(0);
  w.session()->play();
  lastStep = w.session()->snapshot() ? w.session()->snapshot()->step : 0;
  meter.start();
  soakClock.start();
  keeper.start();
  switcher.start();
  minute.start();
  loop.exec();
  minute.stop();
  switcher.stop();
  keeper.stop();
  meter.stop();
  w.session()->pause();

  // Summary: growth from the end of minute 5 (minute 1 in a run of 5 minutes or less: the
  // first minutes fill caches, the data sets and the GL surface's buffers).
  const size_t base = rows.size() > 5 ? 4 : 0;
  const MinuteRow& first = rows[base];
  const MinuteRow& last = rows.back();
  double peak = 0, lowestFps = 1e9, longestStall = 0;
  int slowMinutes = 0, stallMinutes = 0;
  for (const MinuteRow& r : rows) {
    peak = std::max(peak, r.rss);
    lowestFps = std::min(lowestFps, r.frames.framesPerSecond);
    longestStall = std::max(longestStall, r.frames.longestStallMs);
    slowMinutes += r.frames.framesPerSecond < 55;
    stallMinutes += r.frames.longestStallMs > 50;
  }
  const double growth = first.rss > 0 ? 100.0 * (last.rss - first.rss) / first.rss : 0;
  const double heapGrowth = first.heap > 0 ? 100.0 * (last.heap - first.heap) / first.heap : 0;
  std::printf("\n| measure | result | target |\n|---|---|---|\n");
  std::printf("| ran to the end | yes: %zu minutes, %d switches, %d messages from the window | no crash |\n",
              rows.size(), switches, messages);
  std::printf("| RSS growth after minute %d | %.1f -> %.1f MiB: %+.1f %% (peak %.1f MiB) | < 5 %% |\n",
              first.minute, first.rss, last.rss, growth, peak);
  std::printf("| heap in use, the same minutes | %.1f -> %.1f MiB: %+.1f %% | |\n", first.heap, last.heap,
              heapGrowth);
  std::printf("| lowest frame rate in a minute | %.1f /s (%d of %zu minutes under 55) | >= 55 /s |\n",
              lowestFps, slowMinutes, rows.size());
  std::printf("| longest event-loop stall | %.1f ms (%d of %zu minutes over 50 ms) | <= 50 ms |\n",
              longestStall, stallMinutes, rows.size());
  if (!passes.empty()) {
    QStringList each;
    for (const Pass& p : passes)
      each << QString("%1 (%2 / %3) at %4 min")
                  .arg(p.rss, 0, 'f', 1)
                  .arg(p.heap, 0, 'f', 1)
                  .arg(p.held, 0, 'f', 1)
                  .arg(p.minute, 0, 'f', 1);
    std::printf("| RSS (heap in use / held by malloc) at the end of each pass through the %zu cases | %s MiB | |\n",
                cases.size(),
                qPrintable(each.join(", ")));
    // From the first pass that ended after minute 5 (or the first, in a short run) to the last.
    size_t from = 0;
    while (from + 2 < passes.size() && passes[from].minute < 5) ++from;
    if (passes.size() > 1) {
      const Pass &a = passes[from], &b = passes.back();
      std::printf("| RSS growth between passes, minute %.1f to %.1f | %.1f -> %.1f MiB: %+.1f %% (heap %+.1f %%) "
                  "| < 5 %% |\n", a.minute, b.minute, a.rss, b.rss, 100.0 * (b.rss - a.rss) / a.rss,
                  100.0 * (b.heap - a.heap) / a.heap);
    }
  }
  std::printf("| longest switch on the window's thread | %.0f ms (%s) | |\n", longestSwitchMs,
              qPrintable(longestSwitch));
  std::fflush(stdout);
  return 0;
}
