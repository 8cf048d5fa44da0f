// gradlab: the window. Usage: gradlab [project.gradlab]
//   --bench-responsiveness [seconds]   train flat out with every view open and print the
//                                      longest event-loop stall, the views' frame rate and the
//                                      training throughput with views vs headless.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>
#include <cstdlib>

#include "main_window.h"

int runResponsivenessBench(double seconds);  // bench_responsiveness.cpp

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
  cli.addPositionalArgument("project", "A .gradlab project to open.", "[project]");
  cli.process(app);

  if (cli.isSet(bench)) return runResponsivenessBench(cli.value(bench).toDouble());

  gradlab::widgets::MainWindow window;
  window.show();
  if (!cli.positionalArguments().isEmpty()) {
    const QString path = cli.positionalArguments().first();
    if (!window.recoveryOffered()) window.openProject(QFileInfo(path).absoluteFilePath());
  }
  return app.exec();
}
