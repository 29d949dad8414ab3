#include "cli/explain_command.hpp"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/account_record.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/drift_command.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/pipeline.hpp"
#include "riskscale/assess.hpp"
#include "riskscale/describe.hpp"
#include "riskscale/inputs.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::cli {

CLI::App* add_explain_command(CLI::App& app, explain_options& options) {
  CLI::App* command = app.add_subcommand("explain", "Explain one account in words");
  command->add_option("input", options.input, "Accounts CSV (- for stdin)")->required();
  command->add_option("--id", options.account_id, "account_id of the account to explain")->required();
  command->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  add_max_record_bytes(command, options.max_record_bytes);
  add_join_options(command, options.joins);
  command->add_option("--against", options.against, "A newer snapshot: explain the account's drift (SPEC §11)");
  command->add_option("--old-policy", options.old_policy, "With --against: the policy of the first file (what-if)");
  command->footer(
      "Example:\n  riskscale explain accounts.csv --id ACC-000042\n"
      "  riskscale explain june.csv --id ACC-000042 --against july.csv");
  return command;
}

int run_explain(const explain_options& options) {
  if (!options.against.empty()) {
    return run_explain_drift(options.input, options.against, options.account_id, options.policy_path,
                             options.old_policy, options.joins);
  }
  const std::string& input = options.input;
  const std::string& account_id = options.account_id;
  const std::size_t max_record_bytes = options.max_record_bytes;
  const join_options& join_files = options.joins;
  const std::string& policy_path = options.policy_path;
  const riskscale::policy pol = load_policy(policy_path);
  input_source source(input);
  chunk_reader reader(*source.stream, source.name, 1, max_record_bytes);
  const std::vector<join_table> joins = load_joins(join_files);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
  chunk record;
  std::size_t r = 0;
  find_account_record(reader, layout, account_id, source.name, record, r);
  const std::string where = source.name + " line " + std::to_string(record.lines[r]);
  record_problem problem;
  const std::optional<riskscale::account> account = account_from_record(record, r, layout, pol, problem);
  if (!account) throw cli_error(where + ": " + problem.message);
  try {
    std::fputs(describe(assess(*account, pol)).c_str(), stdout);
    const std::vector<riskscale::input_origin> origins = input_origins(record, r, layout, pol);
    if (!origins.empty()) std::fputs(describe_origins(origins).c_str(), stdout);
  } catch (const riskscale::input_error& e) {
    throw cli_error(where + ": " + e.what());
  }
  return exit_ok;
}

}  // namespace riskscale::cli
