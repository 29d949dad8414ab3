// riskscale CLI: `riskscale usage`, per-account frequency and reach from a product event export (SPEC §10).
#pragma once

#include <string>

#include "csv/csv.hpp"

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// The options of `riskscale usage`.
struct usage_command_options {
  std::string input;                                                     ///< the event CSV, - for stdin
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;  ///< --max-record-bytes
  std::string output;                                                    ///< -o: the usage CSV, - for stdout
  std::string account_column = "account_id";
  std::string user_column = "user_id";
  std::string time_column = "timestamp";
  std::string as_of;          ///< --as-of YYYY-MM-DD (default: the latest valid event date)
  int window_days = 30;       ///< --window-days W
  std::string accounts_path;  ///< --accounts: the account table, one output row per account
  std::string accounts_id_column = "account_id";
  std::string rejects;   ///< --rejects (default: OUT.rejects.csv)
  unsigned threads = 0;  ///< 0: all cores
};

/// Adds the `usage` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_usage_command(CLI::App& app, usage_command_options& options);

/// Runs `riskscale usage`; returns the exit status (0, 1 when events were rejected; errors throw cli_error).
int run_usage(const usage_command_options& options);

}  // namespace riskscale::cli
