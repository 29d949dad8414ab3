// riskscale CLI: `riskscale plan`, the dated onboarding plan of one account or of every account.
#pragma once

#include <string>

#include "csv/csv.hpp"

#include <CLI/CLI.hpp>

#include "cli/mapped_input.hpp"

namespace riskscale::cli {

/// The options of `riskscale plan`.
struct plan_command_options {
  std::string input;
  std::string account_id;   ///< --id: one account
  bool all = false;         ///< --all: every account, touchpoints in one file
  std::string traits_path;  ///< --traits: product traits JSON (per-row trait columns override it)
  std::string start;        ///< --start YYYY-MM-DD (default: today, UTC)
  std::string format;       ///< json, csv or ics (default: json for --id, csv for --all)
  std::string output = "-";
  std::string rejects;
  std::string policy_path;
  unsigned threads = 0;                                                  ///< --threads with --all (0: all cores)
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;  ///< --max-record-bytes
  join_options joins;                                                    ///< --join tables (SPEC §9 sources)
};

/// Adds the `plan` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_plan_command(CLI::App& app, plan_command_options& options);

/// Runs `riskscale plan`; returns the exit status (0, 1 when rows were rejected, 2 on errors via cli_error).
int run_plan(const plan_command_options& options);

}  // namespace riskscale::cli
