// riskscale CLI: `riskscale policy default|validate|show`, a policy printed or checked.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// The options of `riskscale policy`.
struct policy_command_options {
  CLI::App* print_default = nullptr;  ///< `policy default`, set by add_policy_command
  CLI::App* validate = nullptr;       ///< `policy validate FILE`
  CLI::App* show = nullptr;           ///< `policy show FILE`
  std::string validate_path;
  std::string show_path;
};

/// Adds the `policy` subcommand (and its three subcommands) to `app`.
CLI::App* add_policy_command(CLI::App& app, policy_command_options& options);

/// Runs the `policy` subcommand that was parsed; returns 0 (errors as exceptions).
int run_policy(const policy_command_options& options);

}  // namespace riskscale::cli
