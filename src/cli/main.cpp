// riskscale: the command-line tool for product ops (classify, summary, explain, plan, metrics, policy).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <limits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/account_record.hpp"
#include "cli/classify_chunk.hpp"
#include "cli/drift_command.hpp"
#include "cli/calibrate_command.hpp"
#include "cli/cli_error.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/interrupt.hpp"
#include "cli/mapped_input.hpp"
#include "cli/metrics_command.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/plan_command.hpp"
#include "cli/progress.hpp"
#include "cli/utf8_warning.hpp"
#include "cli/report.hpp"
#include "cli/usage_command.hpp"
#include "csv/csv.hpp"
#include "riskscale/riskscale.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t rows_per_chunk = 2048;


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
  chunk_reader reader(*source.stream, source.name, rows_per_chunk, options.max_record_bytes);
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

// True when the header is that of a `riskscale classify` output.
bool is_classified_output(const std::vector<std::string>& header) {
  const auto has = [&](const char* name) { return std::find(header.begin(), header.end(), name) != header.end(); };
  return has("risk_score") && has("scale_score") && has("archetype") && has("recommendations") && has("margin");
}

portfolio_summary summarize_classified(csv::reader& reader, const std::vector<std::string>& header,
                                       const riskscale::policy& pol, const std::string& source) {
  const auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw cli_error(source + " lacks the column " + name + " of a classified file");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id = column("account_id"), type = column("archetype"), margin = column("margin"),
                    borderline = column("borderline"), risk = column("risk_score"), scale = column("scale_score"),
                    frequency = column("frequency_score"), reach = column("reach_score"),
                    recommendations = column("recommendations");
  portfolio_summary summary(pol);
  csv::record record;
  std::vector<std::int16_t> ranked;
  std::size_t order = 0;
  while (reader.next(record)) {
    const std::string where = source + " line " + std::to_string(record.line);
    if (record.malformed || record.fields.size() != header.size()) {
      summary.add_invalid();
      continue;
    }
    const auto archetype = riskscale::archetype_from_string(record.fields[type]);
    double values[5] = {};
    const std::size_t numeric[5] = {margin, risk, scale, frequency, reach};
    bool readable = archetype.has_value();
    for (int i = 0; i < 5 && readable; ++i) readable = csv::parse_double(record.fields[numeric[i]], values[i]);
    if (!readable) {
      summary.add_invalid();
      continue;
    }
    ranked.clear();
    const std::string& ids = record.fields[recommendations];
    for (std::size_t begin = 0; begin < ids.size();) {
      const std::size_t end = std::min(ids.find(';', begin), ids.size());
      const std::string format_id = ids.substr(begin, end - begin);
      const auto k = pol.format_index(format_id);
      if (!k) {
        throw cli_error(where + ": recommendation '" + format_id +
                        "' is not in the policy's catalogue; accepted: the --policy the file was classified with");
      }
      ranked.push_back(static_cast<std::int16_t>(*k));
      begin = end + 1;
    }
    summary.add(record.fields[id], *archetype, values[0], record.fields[borderline] == "true", values[1], values[2],
                values[3], values[4], ranked.data(), ranked.size(), order++);
  }
  return summary;
}

int run_summary(const std::string& input, const std::string& policy_path, const std::string& format_name,
                unsigned threads, std::size_t max_record_bytes, const join_options& join_files) {
  const riskscale::policy pol = load_policy(policy_path);
  const report_format format = format_name == "json"       ? report_format::json
                               : format_name == "markdown" ? report_format::markdown
                                                           : report_format::text;
  input_source source(input);
  csv::reader peek(*source.stream);
  peek.set_max_record_bytes(max_record_bytes);
  csv::record header;
  if (!peek.next(header)) throw cli_error(source.name + " is empty; accepted: a CSV file whose first row names the columns");
  if (header.malformed) throw cli_error(source.name + ": the header row is malformed (" + header.error + ")");
  portfolio_summary summary(pol);
  if (is_classified_output(header.fields)) {
    summary = summarize_classified(peek, header.fields, pol, source.name);
  } else {
    // Raw accounts: classify on the fly, without writing any output.
    input_source again(input);
    if (input == "-") throw cli_error("summary of raw accounts from stdin is not supported; accepted: a file path");
    chunk_reader reader(*again.stream, again.name, rows_per_chunk, max_record_bytes);
    const std::vector<join_table> joins = load_joins(join_files);
    const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
    const chunk_job job{&pol, &layout, false, true};
    run_pipeline(
        reader, worker_count(threads), 2 * worker_count(threads) + 2, [&](chunk& c) { classify_chunk(c, job); },
        [&](chunk& c) { summary.merge(*c.summary); });
    report_unmatched(joins);
  }
  if (format == report_format::json) {
    utf8_warning invalid_text;
    for (const auto& entry : summary.closest_to_threshold()) {
      invalid_text.check(entry.account_id, "account_id", "account '" + escaped_for_message(entry.account_id) + "'");
    }
  }
  std::fputs(render_summary(summary, pol, format).c_str(), stdout);
  return summary.invalid() > 0 ? exit_rows_rejected : exit_ok;
}

int run_explain(const std::string& input, const std::string& account_id, const std::string& policy_path,
                std::size_t max_record_bytes, const join_options& join_files) {
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

}  // namespace
}  // namespace riskscale::cli

namespace {

// A standard descriptor the caller closed (`riskscale ... <&-`) would be taken by the first file
// this process opens, and its output would go there: open /dev/null read-only in its place, so a
// closed stdin reads as an empty input and writes to a closed stdout or stderr fail.
void reopen_closed_standard_descriptors() {
  for (int descriptor = 0; descriptor <= 2; ++descriptor) {
    if (::fcntl(descriptor, F_GETFD) == -1 && errno == EBADF) {
      const int opened = ::open("/dev/null", O_RDONLY);
      if (opened >= 0 && opened != descriptor) {
        ::dup2(opened, descriptor);
        ::close(opened);
      }
    }
  }
}

// Flushes what the command printed to stdout; true when the reader had closed it.
bool stdout_was_closed() {
  std::cout.flush();
  const bool stream_failed = !std::cout;
  const bool flush_failed = std::fflush(stdout) != 0;
  return (stream_failed || flush_failed) && errno == EPIPE;
}

// `--max-record-bytes` on every command that reads CSV records.
void add_max_record_bytes(CLI::App* command, std::size_t& bytes) {
  command->add_option("--max-record-bytes", bytes,
                      "Longest CSV record accepted; a longer one is rejected as record_too_large (default 64 MiB)")
      ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max() / 4));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace riskscale::cli;
  reopen_closed_standard_descriptors();
  std::ios::sync_with_stdio(false);
  // A closed pipe (`riskscale classify big.csv -o - | head`) must end in a write error (EPIPE) that
  // unwinds, and then in exit status 141 as from coreutils, not in a signal death mid-write.
  std::signal(SIGPIPE, SIG_IGN);
  install_interrupt_handlers();
  CLI::App app{"riskscale " + std::string(riskscale::version) +
               ": place customer accounts on the risk-scale onboarding matrix and recommend their training"};
  app.set_version_flag("--version", "riskscale " + std::string(riskscale::version) + " (model SPEC version " +
                                        std::to_string(riskscale::spec_version) + ")\n" +
                                        riskscale::describe_kernel(riskscale::current_build_info()));
  app.require_subcommand(1);
  app.footer(
      "Example:\n  riskscale classify accounts.csv -o classified.csv && riskscale summary classified.csv\n"
      "Exit status: 0 every row classified; 1 output written but some rows rejected (see the rejects file);\n"
      "2 usage, input/output, header or policy error (no output file is left behind).");

  classify_options classify;
  CLI::App* classify_command = app.add_subcommand("classify", "Classify every account of a CSV file (SPEC §8 columns)");
  classify_command->add_option("input", classify.input, "Accounts CSV (- for stdin)")->required();
  classify_command->add_option("-o,--output", classify.output, "Output CSV (- for stdout)")->required();
  classify_command->add_option("--policy", classify.policy_path, "Policy JSON file (default: the SPEC defaults)");
  classify_command->add_option("--rejects", classify.rejects, "Rejected rows CSV (default: OUT.rejects.csv)");
  auto* keep = classify_command->add_option("--keep", classify.keep, "Input columns to pass through, comma separated")
                   ->delimiter(',');
  classify_command->add_flag("--keep-all", classify.keep_all, "Pass every input column through")->excludes(keep);
  classify_command->add_flag("--keep-inputs", classify.keep_inputs,
                             "Add the model inputs derived by the policy's inputs section (SPEC §9) as columns");
  add_join_options(classify_command, classify.joins);
  classify_command->add_option("--threads", classify.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  add_max_record_bytes(classify_command, classify.max_record_bytes);
  classify_command->footer(
      "Example:\n  riskscale classify accounts.csv -o classified.csv --keep industry,region\n"
      "Rows that cannot be classified go to the rejects file with their line, column and reason.");

  std::string summary_input, summary_policy, summary_format = "text";
  unsigned summary_threads = 0;
  join_options summary_joins, explain_joins;
  CLI::App* summary_command = app.add_subcommand("summary", "Summarise a portfolio (raw accounts or classify output)");
  summary_command->add_option("input", summary_input, "Accounts CSV or the output of classify")->required();
  summary_command->add_option("--policy", summary_policy, "Policy JSON file (default: the SPEC defaults)");
  summary_command->add_option("--format", summary_format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  summary_command->add_option("--threads", summary_threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  std::size_t summary_max_record_bytes = riskscale::csv::reader::default_max_record_bytes;
  add_max_record_bytes(summary_command, summary_max_record_bytes);
  add_join_options(summary_command, summary_joins);
  summary_command->footer("Example:\n  riskscale summary classified.csv --format markdown");

  std::string explain_input, explain_id, explain_policy, explain_against, explain_old_policy;
  CLI::App* explain_command = app.add_subcommand("explain", "Explain one account in words");
  explain_command->add_option("input", explain_input, "Accounts CSV (- for stdin)")->required();
  explain_command->add_option("--id", explain_id, "account_id of the account to explain")->required();
  explain_command->add_option("--policy", explain_policy, "Policy JSON file (default: the SPEC defaults)");
  std::size_t explain_max_record_bytes = riskscale::csv::reader::default_max_record_bytes;
  add_max_record_bytes(explain_command, explain_max_record_bytes);
  add_join_options(explain_command, explain_joins);
  explain_command->add_option("--against", explain_against, "A newer snapshot: explain the account's drift (SPEC §11)");
  explain_command->add_option("--old-policy", explain_old_policy, "With --against: the policy of the first file (what-if)");
  explain_command->footer("Example:\n  riskscale explain accounts.csv --id ACC-000042\n"
                          "  riskscale explain june.csv --id ACC-000042 --against july.csv");

  plan_command_options plan_options;
  CLI::App* plan_command = add_plan_command(app, plan_options);
  add_max_record_bytes(plan_command, plan_options.max_record_bytes);

  metrics_command_options metrics_options;
  CLI::App* metrics_command = add_metrics_command(app, metrics_options);
  for (CLI::App* metric : metrics_command->get_subcommands({})) add_max_record_bytes(metric, metrics_options.max_record_bytes);

  usage_command_options usage_options;
  CLI::App* usage_command = add_usage_command(app, usage_options);
  add_max_record_bytes(usage_command, usage_options.max_record_bytes);

  drift_command_options drift_options;
  CLI::App* drift_command = add_drift_command(app, drift_options);
  add_max_record_bytes(drift_command, drift_options.max_record_bytes);
  calibrate_command_options calibrate_options;
  CLI::App* calibrate_command = add_calibrate_command(app, calibrate_options);
  add_max_record_bytes(calibrate_command, calibrate_options.max_record_bytes);
  validate_command_options validate_options;
  CLI::App* validate_command = add_validate_command(app, validate_options);
  add_max_record_bytes(validate_command, validate_options.max_record_bytes);

  CLI::App* policy_command = app.add_subcommand("policy", "Print, validate or show a policy");
  policy_command->require_subcommand(1);
  CLI::App* policy_default = policy_command->add_subcommand("default", "Print the default policy as JSON");
  policy_default->footer("Example:\n  riskscale policy default > policy.json");
  std::string validate_path, show_path;
  CLI::App* policy_validate = policy_command->add_subcommand("validate", "Check a policy file (exit 0, or 2 with the error)");
  policy_validate->add_option("file", validate_path, "Policy JSON file")->required();
  policy_validate->footer("Example:\n  riskscale policy validate policy.json");
  CLI::App* policy_show = policy_command->add_subcommand("show", "Print the effective policy: the file plus defaults");
  policy_show->add_option("file", show_path, "Policy JSON file")->required();
  policy_show->footer("Example:\n  riskscale policy show policy.json");
  policy_command->footer("Example:\n  riskscale policy validate policy.json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return exit_failure;
  }

  const auto run = [&]() -> int {
    if (*classify_command) return run_classify(classify);
    if (*summary_command) {
      return run_summary(summary_input, summary_policy, summary_format, summary_threads, summary_max_record_bytes,
                         summary_joins);
    }
    if (*explain_command && !explain_against.empty()) {
      return run_explain_drift(explain_input, explain_against, explain_id, explain_policy, explain_old_policy,
                               explain_joins);
    }
    if (*explain_command) {
      return run_explain(explain_input, explain_id, explain_policy, explain_max_record_bytes, explain_joins);
    }
    if (*plan_command) return run_plan(plan_options);
    if (*metrics_command) return run_metrics(metrics_options);
    if (*usage_command) return run_usage(usage_options);
    if (*drift_command) return run_drift(drift_options);
    if (*calibrate_command) return run_calibrate(calibrate_options);
    if (*validate_command) return run_validate(validate_options);
    if (*policy_default) {
      std::cout << riskscale::policy().to_json() << '\n';
      return exit_ok;
    }
    if (*policy_validate) {
      const riskscale::policy pol = riskscale::policy::from_file(validate_path);
      std::cout << validate_path << ": valid policy (version " << riskscale::spec_version << ", "
                << pol.risk_factors().size() << " risk factors, " << pol.catalog().size() << " training formats)\n";
      return exit_ok;
    }
    if (*policy_show) {
      std::cout << riskscale::policy::from_file(show_path).to_json() << '\n';
      return exit_ok;
    }
    return exit_failure;
  };
  try {
    const int status = run();
    return stdout_was_closed() ? exit_broken_pipe : status;
  } catch (const broken_pipe&) {
    return exit_broken_pipe;  // quietly, as coreutils: the reader wanted no more
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "riskscale: error: out of memory; nothing was written\n");
    return exit_failure;
  } catch (const std::exception& e) {
    if (stdout_was_closed()) return exit_broken_pipe;
    std::fprintf(stderr, "riskscale: error: %s\n", e.what());
    return exit_failure;
  }
}
