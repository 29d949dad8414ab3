#include "cli/classify_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/classify_chunk.hpp"
#include "cli/command_options.hpp"
#include "cli/cli_error.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/progress.hpp"
#include "cli/summary_text.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::cli {

CLI::App* add_classify_command(CLI::App& app, classify_options& options) {
  CLI::App* command = app.add_subcommand("classify", "Classify every account of a CSV file (SPEC §8 columns)");
  command->add_option("input", options.input, "Accounts CSV (- for stdin)")->required();
  command->add_option("-o,--output", options.output, "Output CSV (- for stdout)")->required();
  command->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  command->add_option("--rejects", options.rejects, "Rejected rows CSV (default: OUT.rejects.csv)");
  auto* keep =
      command->add_option("--keep", options.keep, "Input columns to pass through, comma separated")->delimiter(',');
  command->add_flag("--keep-all", options.keep_all, "Pass every input column through")->excludes(keep);
  command->add_flag("--keep-inputs", options.keep_inputs,
                    "Add the model inputs derived by the policy's inputs section (SPEC §9) as columns");
  add_join_options(command, options.joins);
  command->add_option("--threads", options.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  add_max_record_bytes(command, options.max_record_bytes);
  command->footer(
      "Example:\n  riskscale classify accounts.csv -o classified.csv --keep industry,region\n"
      "Rows that cannot be classified go to the rejects file with their line, column and reason.");
  return command;
}

int run_classify(const classify_options& options) {
  const auto start = std::chrono::steady_clock::now();
  const bool rejects_requested = !options.rejects.empty();
  const rejects_destination rejects_to =
      rejects_requested ? rejects_destination{options.rejects, false} : default_rejects(options.output);
  const std::string& rejects_path = rejects_to.path;
  // Two streams on one device (both /dev/null) are harmless; one file or stdout for both is not.
  const bool one_device = rejects_path != "-" && output_file::is_stream(rejects_path);
  if (same_destination(options.output, rejects_path) && !one_device) {
    throw cli_error("--rejects " + rejects_path + " is the output itself; accepted: a different path");
  }
  std::vector<std::pair<std::string, std::string>> inputs = {{"input", options.input}, {"policy", options.policy_path}};
  for (const std::string& join : options.joins.paths) inputs.emplace_back("join table", join);
  refuse_clobbering(inputs, {{"output", options.output}, {"rejects file", rejects_path}});
  const riskscale::policy pol = load_policy(options.policy_path);
  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, account_rows_per_chunk, options.max_record_bytes);
  const std::vector<join_table> joins = load_joins(options.joins);
  const input_layout layout =
      map_header(reader.read_header(), pol, keep_request{options.keep_all, options.keep, options.keep_inputs}, &joins);

  output_file output(options.output);
  output_file rejects(rejects_path);
  output.write(output_header(layout, pol));
  rejects.write(rejects_header());

  progress bar(source.size);
  std::size_t classified = 0;
  std::size_t rejected = 0;
  const chunk_job job{&pol, &layout, true, false};
  run_pipeline(
      reader, worker_count(options.threads), 2 * worker_count(options.threads) + 2,
      [&](chunk& c) { classify_chunk(c, job); },
      [&](chunk& c) {
        output.write(c.output);
        rejects.write(c.rejects);
        classified += c.classified;
        rejected += c.rejected;
        bar.update(classified + rejected, c.bytes_end);
      });
  bar.finish();
  report_unmatched(joins);
  output.commit();
  // The rejects file always accompanies a file output; beside stdout or a device only when needed.
  if (!rejects_to.only_when_rows_rejected || rejected > 0) rejects.commit();

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string line = "classified " + with_thousands(classified) + " accounts, rejected " + with_thousands(rejected);
  if (rejected > 0) line += " (see " + rejects.path() + ")";
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.2f s\n", seconds);
  std::fputs((line + timing).c_str(), stderr);
  return rejected > 0 ? exit_rows_rejected : exit_ok;
}

}  // namespace riskscale::cli
