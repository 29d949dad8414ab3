// riskscale CLI: `riskscale summary`, the portfolio summary of raw accounts or of a classify output.
#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"

namespace riskscale::cli {

/// The options of `riskscale summary`.
struct summary_options {
  std::string input;
  std::string policy_path;
  std::string format = "text";  ///< text, json or markdown
  unsigned threads = 0;
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;
  join_options joins;
};

/// Adds the `summary` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_summary_command(CLI::App& app, summary_options& options);

/// Runs `riskscale summary`; returns 0, or 1 when rows were rejected (2 on errors via cli_error).
int run_summary(const summary_options& options);

}  // namespace riskscale::cli
