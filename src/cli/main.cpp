// riskscale: the command-line tool for product ops; each subcommand lives in its own *_command.cpp, this file wires them.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <string>

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

  classify_options classify;
  CLI::App* classify_command = add_classify_command(app, classify);
  summary_options summary;
  CLI::App* summary_command = add_summary_command(app, summary);
  explain_options explain;
  CLI::App* explain_command = add_explain_command(app, explain);

  plan_command_options plan_options;
  CLI::App* plan_command = add_plan_command(app, plan_options);
  add_max_record_bytes(plan_command, plan_options.max_record_bytes);

  metrics_command_options metrics_options;
  CLI::App* metrics_command = add_metrics_command(app, metrics_options);
  for (CLI::App* metric : metrics_command->get_subcommands({}))
    add_max_record_bytes(metric, metrics_options.max_record_bytes);

  usage_command_options usage_options;
  CLI::App* usage_command = add_usage_command(app, usage_options);
  add_max_record_bytes(usage_command, usage_options.max_record_bytes);

  drift_command_options drift_options;
  CLI::App* drift_command = add_drift_command(app, drift_options);
  add_max_record_bytes(drift_command, drift_options.max_record_bytes);
  calibrate_command_options calibrate_options;
  CLI::App* calibrate_command = add_calibrate_command(app, calibrate_options);
  add_max_record_bytes(calibrate_command, calibrate_options.max_record_bytes);
  validate_command_options validate_options;
  CLI::App* validate_command = add_validate_command(app, validate_options);
  add_max_record_bytes(validate_command, validate_options.max_record_bytes);
  report_command_options report_options;
  add_max_record_bytes(add_report_command(app, report_options), report_options.max_record_bytes);

  policy_command_options policy_options;
  CLI::App* policy_command = add_policy_command(app, policy_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_failure;
  }

  const auto run = [&]() -> int {
    if (*classify_command) return run_classify(classify);
    if (*summary_command) return run_summary(summary);
    if (*explain_command) return run_explain(explain);
    if (*plan_command) return run_plan(plan_options);
    if (*metrics_command) return run_metrics(metrics_options);
    if (*usage_command) return run_usage(usage_options);
    if (*drift_command) return run_drift(drift_options);
    if (*calibrate_command) return run_calibrate(calibrate_options);
    if (*validate_command) return run_validate(validate_options);
    if (app.got_subcommand("report")) return run_report(report_options);
    if (*policy_command) return run_policy(policy_options);
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
