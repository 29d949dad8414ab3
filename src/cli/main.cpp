// riskscale: the command-line tool for product ops; each subcommand lives in its own *_command.cpp, this file wires them.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <new>
#include <string>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/calibrate_command.hpp"
#include "cli/classify_command.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/drift_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/interrupt.hpp"
#include "cli/metrics_command.hpp"
#include "cli/output_file.hpp"
#include "cli/plan_command.hpp"
#include "cli/policy_command.hpp"
#include "cli/report_command.hpp"
#include "cli/summary_command.hpp"
#include "cli/usage_command.hpp"
#include "riskscale/build_info.hpp"
#include "riskscale/version.hpp"

namespace {

// A standard descriptor the caller closed (`riskscale ... <&-`) would be taken by the first file
// this process opens, and its output would go there: open /dev/null read-only in its place, so a
// closed stdin reads as an empty input and writes to a closed stdout or stderr fail.
void reopen_closed_standard_descriptors() {
  for (int descriptor = 0; descriptor <= 2; ++descriptor) {
    if (::fcntl(descriptor, F_GETFD) == -1 && errno == EBADF) {
      const int opened = ::open("/dev/null", O_RDONLY);
      if (opened >= 0 && opened != descriptor) {
        ::dup2(opened, descriptor);
        ::close(opened);
      }
    }
  }
}

// Flushes what the command printed to stdout; true when the reader had closed it.
bool stdout_was_closed() {
  std::cout.flush();
  const bool stream_failed = !std::cout;
  const bool flush_failed = std::fflush(stdout) != 0;
  return (stream_failed || flush_failed) && errno == EPIPE;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace riskscale::cli;
  reopen_closed_standard_descriptors();
  std::ios::sync_with_stdio(false);
  // A closed pipe (`riskscale classify big.csv -o - | head`) must end in a write error (EPIPE) that
  // unwinds, and then in exit status 141 as from coreutils, not in a signal death mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  install_interrupt_handlers();
  CLI::App app{"riskscale " + std::string(riskscale::version) +
               ": place customer accounts on the risk-scale onboarding matrix and recommend their training"};
  app.set_version_flag("--version", "riskscale " + std::string(riskscale::version) + " (model SPEC version " +
                                        std::to_string(riskscale::spec_version) + ")\n" +
                                        riskscale::describe_kernel(riskscale::current_build_info()));
  app.require_subcommand(1);
  app.footer(
      "Example:\n  riskscale classify accounts.csv -o classified.csv && riskscale summary classified.csv\n"
      "Exit status: 0 every row classified; 1 output written but some rows rejected (see the rejects file);\n"
      "2 usage, input/output, header or policy error (no output file is left behind).");

  // Each subcommand: declared (options, --max-record-bytes) by its add_*_command, run by its run_*.
  classify_options classify;
  summary_options summary;
  explain_options explain;
  plan_command_options plan;
  metrics_command_options metrics;
  usage_command_options usage;
  drift_command_options drift;
  calibrate_command_options calibrate;
  validate_command_options validate;
  report_command_options report;
  policy_command_options policy;
  const std::pair<CLI::App*, std::function<int()>> commands[] = {
      {add_classify_command(app, classify), [&] { return run_classify(classify); }},
      {add_summary_command(app, summary), [&] { return run_summary(summary); }},
      {add_explain_command(app, explain), [&] { return run_explain(explain); }},
      {add_plan_command(app, plan), [&] { return run_plan(plan); }},
      {add_metrics_command(app, metrics), [&] { return run_metrics(metrics); }},
      {add_usage_command(app, usage), [&] { return run_usage(usage); }},
      {add_drift_command(app, drift), [&] { return run_drift(drift); }},
      {add_calibrate_command(app, calibrate), [&] { return run_calibrate(calibrate); }},
      {add_validate_command(app, validate), [&] { return run_validate(validate); }},
      {add_report_command(app, report), [&] { return run_report(report); }},
      {add_policy_command(app, policy), [&] { return run_policy(policy); }},
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_failure;
  }

  const auto run = [&]() -> int {
    for (const auto& [command, run_command] : commands) {
      if (*command) return run_command();
    }
    return exit_failure;
  };
  try {
    const int status = run();
    return stdout_was_closed() ? exit_broken_pipe : status;
  } catch (const broken_pipe&) {
    return exit_broken_pipe;  // quietly, as coreutils: the reader wanted no more
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "riskscale: error: out of memory; nothing was written\n");
    return exit_failure;
  } catch (const std::exception& e) {
    if (stdout_was_closed()) return exit_broken_pipe;
    std::fprintf(stderr, "riskscale: error: %s\n", e.what());
    return exit_failure;
  }
}
