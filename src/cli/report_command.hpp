// riskscale CLI: `riskscale report`, the portfolio report (or one account's welcome pack) as one
// self-contained HTML file, rendered by the report library (src/report).
#pragma once

#include <string>
#include <vector>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// The options of `riskscale report`.
struct report_command_options {
  std::string input;                 ///< accounts CSV, read as classify reads it
  std::string output;                ///< -o: the HTML file (- for stdout)
  std::string policy_path;           ///< --policy
  std::string previous;              ///< --previous: the previous snapshot's accounts (same layout)
  std::string account_id;            ///< --account: the welcome pack of this account instead of the report
  std::string title;                 ///< --title: the report's heading
  std::string start;                 ///< --start YYYY-MM-DD: welcome day of the plans (default: today, UTC)
  std::string goals_path;            ///< --goals: business goals JSON (a Goals section)
  std::vector<std::string> metrics;  ///< --metrics KIND=FILE, repeatable: the Onboarding and lifecycle section
  std::string plans_path;            ///< --plans: touchpoints CSV (plan --all): the journey map from given plans
  std::size_t top = 10;              ///< --top: length of the top-N lists
  unsigned threads = 0;              ///< --threads: workers, 0 = all cores
  join_options joins;                ///< --join tables (SPEC §9 sources), for both snapshots
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;  ///< --max-record-bytes
};

/// Adds `report` to `app`, filling `options` when it is parsed.
CLI::App* add_report_command(CLI::App& app, report_command_options& options);

/// Writes the report or the welcome pack; returns 0, or 1 when rows were rejected (counted in the
/// report); throws cli_error (exit 2) on a bad file, header or policy, or an unknown --account.
int run_report(const report_command_options& options);

}  // namespace riskscale::cli
