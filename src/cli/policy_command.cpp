#include "cli/policy_command.hpp"

#include <iostream>

#include "cli/cli_error.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/policy_json.hpp"
#include "riskscale/version.hpp"

namespace riskscale::cli {

CLI::App* add_policy_command(CLI::App& app, policy_command_options& options) {
  CLI::App* command = app.add_subcommand("policy", "Print, validate or show a policy");
  command->require_subcommand(1);
  options.print_default = command->add_subcommand("default", "Print the default policy as JSON");
  options.print_default->footer("Example:\n  riskscale policy default > policy.json");
  options.validate = command->add_subcommand("validate", "Check a policy file (exit 0, or 2 with the error)");
  options.validate->add_option("file", options.validate_path, "Policy JSON file")->required();
  options.validate->footer("Example:\n  riskscale policy validate policy.json");
  options.show = command->add_subcommand("show", "Print the effective policy: the file plus defaults");
  options.show->add_option("file", options.show_path, "Policy JSON file")->required();
  options.show->footer("Example:\n  riskscale policy show policy.json");
  command->footer("Example:\n  riskscale policy validate policy.json");
  return command;
}

int run_policy(const policy_command_options& options) {
  if (*options.print_default) {
    std::cout << riskscale::policy().to_json() << '\n';
    return exit_ok;
  }
  if (*options.validate) {
    const riskscale::policy pol = riskscale::policy::from_file(options.validate_path);
    std::cout << options.validate_path << ": valid policy (version " << riskscale::spec_version << ", "
              << pol.risk_factors().size() << " risk factors, " << pol.catalog().size() << " training formats)\n";
    return exit_ok;
  }
  std::cout << riskscale::policy::from_file(options.show_path).to_json() << '\n';
  return exit_ok;
}

}  // namespace riskscale::cli
