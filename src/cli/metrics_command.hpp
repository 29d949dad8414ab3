// riskscale CLI: `riskscale metrics adoption|funnel|program|impact|interaction|cost`, the education and
// onboarding metrics of metrics.hpp over a CSV file.
#pragma once

#include <cstddef>
#include <string>

#include "csv/csv.hpp"
#include <vector>

#include <CLI/CLI.hpp>

#include "riskscale/metrics/impact.hpp"
#include "riskscale/metrics/schema.hpp"

namespace riskscale::cli {

/// The options of `riskscale metrics` and its sub-subcommands (each reads the ones it documents).
struct metrics_command_options {
  std::string metric;           ///< the sub-subcommand given: adoption, funnel, program, impact, interaction or cost
  std::string input;            ///< the CSV file (- for stdin); optional for cost
  std::string output = "-";     ///< -o: output file, - for stdout
  std::string format = "text";  ///< text, json or csv
  std::string level;            ///< --level: group or the per-row level (account / row); empty: the metric's default
  std::string users;            ///< adoption --users: user table CSV
  std::vector<std::string> stages;                               ///< funnel --stages, in funnel order
  std::string stage_column;                                      ///< funnel --stage-column: per-user furthest stage
  std::string by;                                                ///< funnel cohort / program course column
  std::string completed{metrics::impact_table::completed.name};  ///< impact --completed
  std::vector<std::string> outcomes;                             ///< impact --outcomes
  std::size_t min_group_size = metrics::impact_settings{}.min_group_size;  ///< impact --min-group-size
  double confidence = metrics::impact_settings{}.confidence;               ///< impact --confidence
  std::string settings_path;                                               ///< cost --settings: cost settings JSON
  std::vector<double> learners;                                            ///< cost --learners
  bool print_settings = false;                                             ///< cost --print-settings
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;    ///< --max-record-bytes
};

/// Adds `metrics` with its sub-subcommands to `app`, filling `options` when one is parsed.
CLI::App* add_metrics_command(CLI::App& app, metrics_command_options& options);

/// Runs the parsed metric; returns 0, or 1 when rows were left out of the groups for bad or
/// inconsistent data (their reasons are in the output); throws cli_error (exit 2) otherwise.
int run_metrics(const metrics_command_options& options);

}  // namespace riskscale::cli
