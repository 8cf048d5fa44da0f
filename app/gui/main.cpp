// gradlab: the window. Usage: gradlab [--present] [--lesson NAME] [project.gradlab]
//   --lesson NAME                      open on a lesson (id, folder or lesson.md); one that
//                                      cannot be found or read: its error on stderr, exit 2
//   --present                          open in classroom mode (View › Present)
//   --bench-responsiveness [seconds]   train flat out with every view open and print the
//                                      longest event-loop stall, the views' frame rate and the
//                                      training throughput with views vs headless.
//   --bench-record FILE                with --bench-responsiveness: record the whole window
//                                      to FILE (.mp4, .avi, .gif or a folder) while measuring.
//   --soak MINUTES [--soak-switch S]   train flat out with every view open for MINUTES,
//                                      switching network, data or lesson every S seconds; one
//                                      row per minute (RSS, frame rate, stalls) and a summary
//                                      (soak.cpp; bench/soak.sh runs it under Xvfb).
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "lesson/lesson.h"
#include "main_window.h"
#include "present/present_mode.h"

int runResponsivenessBench(double seconds, const QString& recordTo);  // bench_responsiveness.cpp
int runSoak(double minutes, double switchSeconds);                    // soak.cpp

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // glibc gives threads that allocate at once arenas of their own (up to 8 per core) and keeps
  // the pages freed in each. The window's trainers, probes and savers come and go, so over a
  // soak the resident set grew 23 % between passes through the same cases while the heap in use
  // stayed flat; with two arenas it grew 0.2 % (bench/RESULTS.md, the soak).
  mallopt(M_ARENA_MAX, 2);
#endif
  // Before QApplication: without a display Qt would abort with a cryptic message.
  const bool haveDisplay = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") ||
                           std::getenv("QT_QPA_PLATFORM");
  if (!haveDisplay) {
    std::fprintf(stderr,
                 "gradlab needs a display; run it on a desktop, or under xvfb-run, or use "
                 "gradlab-cli for headless work\n");
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("Gradlab");
  QApplication::setOrganizationName("Gradlab");
  QApplication::setApplicationVersion("0.1");

  QCommandLineParser cli;
  cli.setApplicationDescription("Gradlab: a desktop lab for seeing deep learning work.");
  cli.addHelpOption();
  cli.addVersionOption();
  QCommandLineOption bench("bench-responsiveness",
                           "Measure responsiveness while training flat out with every view open.",
                           "seconds", "10");
  cli.addOption(bench);
  QCommandLineOption benchRecord("bench-record",
                                 "With --bench-responsiveness: record the whole window to FILE "
                                 "(.mp4, .avi, .gif, or a folder for PNG frames) at 10 frames/s.",
                                 "file");
  cli.addOption(benchRecord);
  QCommandLineOption soak("soak",
                          "Soak: train flat out with every view open for MINUTES, switching network, "
                          "data or lesson on a timer; prints RSS, frame rate and stalls per minute.",
                          "minutes", "60");
  cli.addOption(soak);
  QCommandLineOption soakSwitch("soak-switch", "With --soak: seconds between switches (default 20).",
                                "seconds", "20");
  cli.addOption(soakSwitch);
  QCommandLineOption present("present",
                             "Classroom mode: large fonts and views, colour-blind-safe colours, "
                             "driven from the keyboard (F5 or Esc leaves it).");
  cli.addOption(present);
  QCommandLineOption lesson("lesson",
                            "Open the window on a lesson: its id (04-xor, see File › Lessons…), "
                            "its folder or its lesson.md.",
                            "name");
  cli.addOption(lesson);
  cli.addPositionalArgument("project", "A .gradlab project to open.", "[project]");
  cli.process(app);

  if (cli.isSet(bench)) return runResponsivenessBench(cli.value(bench).toDouble(), cli.value(benchRecord));
  if (cli.isSet(soak)) {
    bool minutesOk = false, switchOk = false;
    const double minutes = cli.value(soak).toDouble(&minutesOk);
    const double switchSeconds = cli.value(soakSwitch).toDouble(&switchOk);
    if (!minutesOk || !(minutes >= 1 && minutes <= 24 * 60) || !switchOk ||
        !(switchSeconds >= 1 && switchSeconds <= 3600)) {
      std::fprintf(stderr, "gradlab: --soak takes minutes from 1 to 1440 (got \"%s\") and --soak-switch "
                           "seconds from 1 to 3600 (got \"%s\"); e.g. --soak 60 --soak-switch 20\n",
                   qPrintable(cli.value(soak)), qPrintable(cli.value(soakSwitch)));
      return 2;
    }
    return runSoak(minutes, switchSeconds);
  }

  // A lesson that cannot be found or read: the reason (the bundled lessons, or FILE:LINE), exit 2.
  QString lessonFile;
  if (cli.isSet(lesson)) {
    try {
      const std::string file = gradlab::findLesson(cli.value(lesson).toStdString());
      gradlab::loadLesson(file);
      lessonFile = QString::fromStdString(file);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "gradlab: %s\n", e.what());
      return 2;
    }
  }

  gradlab::widgets::MainWindowOptions options;
  options.welcomeLesson = lessonFile.isEmpty();
  gradlab::widgets::MainWindow window(options);
  window.show();
  if (!cli.positionalArguments().isEmpty()) {
    const QString path = cli.positionalArguments().first();
    if (!window.recoveryOffered()) window.openProject(QFileInfo(path).absoluteFilePath());
  }
  if (!lessonFile.isEmpty()) window.openLesson(lessonFile);
  if (cli.isSet(present)) window.present()->setActive(true);
  return app.exec();
}
