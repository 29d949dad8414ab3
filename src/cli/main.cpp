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

#include <CLI/CLI.hpp>

#include "cli/account_record.hpp"
#include "cli/classify_chunk.hpp"
#include "cli/drift_command.hpp"
#include "cli/cli_error.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/metrics_command.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/plan_command.hpp"
#include "cli/progress.hpp"
#include "cli/report.hpp"
#include "csv/csv.hpp"
#include "riskscale/riskscale.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t rows_per_chunk = 2048;

// True when two output paths name the same file (both stdout, or one file by two spellings).
bool same_destination(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return a == b;
  std::error_code error;
  const auto canonical_a = std::filesystem::weakly_canonical(std::filesystem::absolute(a, error), error);
  if (error) return a == b;
  const auto canonical_b = std::filesystem::weakly_canonical(std::filesystem::absolute(b, error), error);
  return error ? a == b : canonical_a == canonical_b;
}

unsigned worker_count(unsigned requested) {
  return requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

struct classify_options {
  std::string input;
  std::string output;
  std::string policy_path;
  std::string rejects;
  std::vector<std::string> keep;
  bool keep_all = false;
  unsigned threads = 0;
};

int run_classify(const classify_options& options) {
  const auto start = std::chrono::steady_clock::now();
  const riskscale::policy pol = load_policy(options.policy_path);
  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, rows_per_chunk);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{options.keep_all, options.keep});

  const bool rejects_requested = !options.rejects.empty();
  const std::string rejects_path = rejects_requested ? options.rejects : default_rejects_path(options.output);
  if (same_destination(options.output, rejects_path)) {
    throw cli_error("--rejects " + rejects_path + " is the output itself; accepted: a different path");
  }
  output_file output(options.output);
  output_file rejects(rejects_path);
  output.write(output_header(layout));
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
  output.commit();
  // The rejects file always accompanies a file output; beside stdout it appears only when needed.
  if (options.output != "-" || rejects_requested || rejected > 0) rejects.commit();

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
                unsigned threads) {
  const riskscale::policy pol = load_policy(policy_path);
  const report_format format = format_name == "json"       ? report_format::json
                               : format_name == "markdown" ? report_format::markdown
                                                           : report_format::text;
  input_source source(input);
  csv::reader peek(*source.stream);
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
    chunk_reader reader(*again.stream, again.name, rows_per_chunk);
    const input_layout layout = map_header(reader.read_header(), pol, keep_request{});
    const chunk_job job{&pol, &layout, false, true};
    run_pipeline(
        reader, worker_count(threads), 2 * worker_count(threads) + 2, [&](chunk& c) { classify_chunk(c, job); },
        [&](chunk& c) { summary.merge(*c.summary); });
  }
  std::fputs(render_summary(summary, pol, format).c_str(), stdout);
  return summary.invalid() > 0 ? exit_rows_rejected : exit_ok;
}

int run_explain(const std::string& input, const std::string& account_id, const std::string& policy_path) {
  const riskscale::policy pol = load_policy(policy_path);
  input_source source(input);
  chunk_reader reader(*source.stream, source.name, 1);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{});
  chunk record;
  std::size_t r = 0;
  find_account_record(reader, layout, account_id, source.name, record, r);
  const std::string where = source.name + " line " + std::to_string(record.lines[r]);
  record_problem problem;
  const std::optional<riskscale::account> account = account_from_record(record, r, layout, pol, problem);
  if (!account) throw cli_error(where + ": " + problem.message);
  try {
    std::fputs(describe(assess(*account, pol)).c_str(), stdout);
  } catch (const riskscale::input_error& e) {
    throw cli_error(where + ": " + e.what());
  }
  return exit_ok;
}

}  // namespace
}  // namespace riskscale::cli

int main(int argc, char** argv) {
  using namespace riskscale::cli;
  std::ios::sync_with_stdio(false);
  // A closed pipe (`riskscale classify big.csv -o - | head`) must end in a write error that unwinds
  // and removes the temporary rejects file, not in a SIGPIPE death that leaves it behind.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"riskscale " + std::string(riskscale::version) +
               ": place customer accounts on the risk-scale onboarding matrix and recommend their training"};
  app.set_version_flag("--version", "riskscale " + std::string(riskscale::version) + " (model SPEC version " +
                                        std::to_string(riskscale::spec_version) + ")");
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
  classify_command->add_option("--threads", classify.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  classify_command->footer(
      "Example:\n  riskscale classify accounts.csv -o classified.csv --keep industry,region\n"
      "Rows that cannot be classified go to the rejects file with their line, column and reason.");

  std::string summary_input, summary_policy, summary_format = "text";
  unsigned summary_threads = 0;
  CLI::App* summary_command = app.add_subcommand("summary", "Summarise a portfolio (raw accounts or classify output)");
  summary_command->add_option("input", summary_input, "Accounts CSV or the output of classify")->required();
  summary_command->add_option("--policy", summary_policy, "Policy JSON file (default: the SPEC defaults)");
  summary_command->add_option("--format", summary_format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  summary_command->add_option("--threads", summary_threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  summary_command->footer("Example:\n  riskscale summary classified.csv --format markdown");

  std::string explain_input, explain_id, explain_policy, explain_against, explain_old_policy;
  CLI::App* explain_command = app.add_subcommand("explain", "Explain one account in words");
  explain_command->add_option("input", explain_input, "Accounts CSV (- for stdin)")->required();
  explain_command->add_option("--id", explain_id, "account_id of the account to explain")->required();
  explain_command->add_option("--policy", explain_policy, "Policy JSON file (default: the SPEC defaults)");
  explain_command->add_option("--against", explain_against, "A newer snapshot: explain the account's drift (SPEC §11)");
  explain_command->add_option("--old-policy", explain_old_policy, "With --against: the policy of the first file (what-if)");
  explain_command->footer("Example:\n  riskscale explain accounts.csv --id ACC-000042\n"
                          "  riskscale explain june.csv --id ACC-000042 --against july.csv");

  plan_command_options plan_options;
  CLI::App* plan_command = add_plan_command(app, plan_options);

  metrics_command_options metrics_options;
  CLI::App* metrics_command = add_metrics_command(app, metrics_options);

  drift_command_options drift_options;
  CLI::App* drift_command = add_drift_command(app, drift_options);

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

  try {
    if (*classify_command) return run_classify(classify);
    if (*summary_command) return run_summary(summary_input, summary_policy, summary_format, summary_threads);
    if (*explain_command && !explain_against.empty()) {
      return run_explain_drift(explain_input, explain_against, explain_id, explain_policy, explain_old_policy);
    }
    if (*explain_command) return run_explain(explain_input, explain_id, explain_policy);
    if (*plan_command) return run_plan(plan_options);
    if (*metrics_command) return run_metrics(metrics_options);
    if (*drift_command) return run_drift(drift_options);
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
  } catch (const std::exception& e) {
    std::cout.flush();
    std::fprintf(stderr, "riskscale: error: %s\n", e.what());
    return exit_failure;
  }
  return exit_failure;
}
