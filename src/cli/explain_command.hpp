// riskscale CLI: `riskscale explain`, one account in words (and, with --against, its drift).
#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/mapped_input.hpp"
#include "csv/csv.hpp"

namespace riskscale::cli {

/// The options of `riskscale explain`.
struct explain_options {
  std::string input;
  std::string account_id;  ///< --id
  std::string policy_path;
  std::string against;     ///< --against: a newer snapshot (SPEC §11)
  std::string old_policy;  ///< --old-policy: with --against, the policy of the first file
  std::size_t max_record_bytes = csv::reader::default_max_record_bytes;
  join_options joins;
};

/// Adds the `explain` subcommand to `app`, filling `options` when it is parsed.
CLI::App* add_explain_command(CLI::App& app, explain_options& options);

/// Runs `riskscale explain`; returns 0 (errors via cli_error).
int run_explain(const explain_options& options);

}  // namespace riskscale::cli
