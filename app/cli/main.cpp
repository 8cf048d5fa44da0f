// gradlab-cli: the Gradlab engine without a window — for scripts, tests, benchmarks and GPU
// servers. `gradlab-cli --help` lists the commands; each command's --help its options.
#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "util/error.h"

int main(int argc, char** argv) {
  CLI::App app{"Gradlab engine, headless: validate, train and benchmark networks, check lessons, list GPUs"};
  app.require_subcommand(1);
  int exitCode = 0;
  gradlab::cli::addValidate(app, exitCode);
  gradlab::cli::addTrain(app, exitCode);
  gradlab::cli::addBench(app, exitCode);
  gradlab::cli::addDevices(app, exitCode);
  gradlab::cli::addForward(app, exitCode);
  // export onnx, …: the network for other tools, one subcommand each.
  CLI::App* exportCommand = app.add_subcommand("export", "Export a network for other tools");
  exportCommand->require_subcommand(1);
  gradlab::cli::addExportOnnx(*exportCommand, exitCode);
  gradlab::cli::addExportPytorch(*exportCommand, exitCode);
  gradlab::cli::addLesson(app, exitCode);
  gradlab::cli::addCompare(app, exitCode);
  gradlab::cli::addLandscape(app, exitCode);
  gradlab::cli::addExplain(app, exitCode);
  gradlab::cli::addPcaAngles(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; any other mistake on the command line (a missing argument, an unknown
    // flag, a value that is no number) exits with the one usage code, as an option out of range.
    const int code = app.exit(e);
    return code == 0 ? 0 : gradlab::cli::kUsageExitCode;
  } catch (const gradlab::cli::UsageError& e) {
    std::fprintf(stderr, "error: %s\nRun with --help for the options and their ranges.\n", e.what());
    return gradlab::cli::kUsageExitCode;
  } catch (const gradlab::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return exitCode;
}
