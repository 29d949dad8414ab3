// riskscale CLI: `riskscale classify`, every account of a CSV file to SPEC §8 columns, rejects with line and reason.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"

namespace riskscale::cli {

/// The options of `riskscale classify`.
struct classify_options {
  std::string input;
  std::string output;
  std::string policy_path;
  std::string rejects;
  std::vector<std::string> keep;
  bool keep_all = false;
  bool keep_inputs = false;
  join_options joins;
  unsigned threads = 0;
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;
};

/// Adds the `classify` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_classify_command(CLI::App& app, classify_options& options);

/// Runs `riskscale classify`; returns the exit status (0, 1 when rows were rejected, 2 on errors via cli_error).
int run_classify(const classify_options& options);

}  // namespace riskscale::cli
