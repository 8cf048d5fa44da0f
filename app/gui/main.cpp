// gradlab: the window. Usage: gradlab [--present] [--lesson NAME] [project.gradlab]
//   --lesson NAME                      open on a lesson (id, folder or lesson.md); one that
//                                      cannot be found or read: its error on stderr, exit 2
//   --present                          open in classroom mode (View › Present)
//   --bench-responsiveness [seconds]   train flat out with every view open and print the
//                                      longest event-loop stall, the views' frame rate and the
//                                      training throughput with views vs headless.
//   --bench-record FILE                with --bench-responsiveness: record the whole window
//                                      to FILE (.mp4, .avi, .gif or a folder) while measuring.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>
#include <cstdlib>

#include "lesson/lesson.h"
#include "main_window.h"
#include "present/present_mode.h"

int runResponsivenessBench(double seconds, const QString& recordTo);  // bench_responsiveness.cpp

int main(int argc, char** argv) {
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
