#include "cli/report_command.hpp"

#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/mapped_input.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "cli/report_inputs.hpp"
#include "report/html.hpp"
#include "report/report.hpp"
#include "riskscale/batch.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t report_rows_per_chunk = 2048;

// One snapshot file read as classify reads it: an id per record and the model inputs as columns,
// NaN in every column for a record that could not be read (so the model counts it invalid).
struct loaded_snapshot {
  std::vector<std::string> ids;
  std::vector<std::vector<double>> columns;  // policy::input_fields() order; empty when the file lacks it
  std::optional<portfolio> inputs;
};

loaded_snapshot read_snapshot(const std::string& path, const policy& pol, const std::vector<join_table>& joins,
                              unsigned workers, std::size_t max_record_bytes) {
  loaded_snapshot s;
  input_source source(path);
  chunk_reader reader(*source.stream, source.name, report_rows_per_chunk, max_record_bytes);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
  const std::vector<std::string> fields = pol.input_fields();
  std::vector<bool> present(fields.size());
  // With the policy's inputs (SPEC §9) the mapping gives every field; without, the header does.
  for (std::size_t f = 0; f < fields.size(); ++f) present[f] = layout.mapped || layout.fields[f] != no_column;
  s.columns.resize(fields.size());
  constexpr double unreadable = std::numeric_limits<double>::quiet_NaN();
  run_pipeline(
      reader, workers, 2 * workers + 2,
      [&](chunk& c) {
        auto inputs = std::make_shared<chunk_inputs>();
        read_chunk_inputs(c, pol, layout, *inputs);
        c.payload = inputs;
      },
      [&](chunk& c) {
        const auto& inputs = *static_cast<const chunk_inputs*>(c.payload.get());
        if (c.sequence == 0 && source.size > 0 && c.size() > 0 && c.bytes_end > 0) {
          // Room for the whole file at the first chunk's bytes per record, plus 10 %, as drift reserves.
          const double per_record = static_cast<double>(c.bytes_end) / static_cast<double>(c.size());
          const auto expected = static_cast<std::size_t>(1.1 * static_cast<double>(source.size) / per_record) + 1;
          s.ids.reserve(expected);
          for (std::size_t f = 0; f < fields.size(); ++f) {
            if (present[f]) s.columns[f].reserve(expected);
          }
        }
        std::size_t row = 0;
        for (std::size_t r = 0; r < c.size(); ++r) {
          s.ids.emplace_back(layout.account_id < c.field_count(r) ? c.field(r, layout.account_id) : std::string_view());
          const bool readable = !inputs.unreadable_records[r];
          for (std::size_t f = 0; f < fields.size(); ++f) {
            if (present[f]) s.columns[f].push_back(readable ? inputs.columns[f][row] : unreadable);
          }
          if (readable) ++row;
        }
        c.payload.reset();
      });
  s.inputs.emplace(s.ids.size());
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (present[f]) s.inputs->add(fields[f], s.columns[f].data());
  }
  return s;
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, report_command_options& options) {
  CLI::App* report =
      app.add_subcommand("report", "Portfolio report (or one account's welcome pack) as one self-contained HTML file");
  report->add_option("input", options.input, "Accounts CSV (- for stdin), read as classify reads it")->required();
  report->add_option("-o,--output", options.output, "HTML file (- for stdout)")->required();
  report->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  report->add_option("--previous", options.previous,
                     "The previous snapshot's accounts (same layout): adds top movers and the Movement section");
  report->add_option("--account", options.account_id, "Write the welcome pack of this account_id instead");
  report->add_option("--title", options.title, "Heading of the report (default: Portfolio report)");
  report->add_option("--start", options.start, "Welcome day of the plans, YYYY-MM-DD (default: today, UTC)");
  report->add_option(
      "--goals", options.goals_path,
      "Business goals JSON: [{\"initiative\": ..., \"metric\": ..., \"target\": ...}] (a Goals section)");
  report->add_option("--metrics", options.metrics,
                     "KIND=FILE, repeatable: a metric table (KIND adoption, funnel, program, impact or interaction, "
                     "as riskscale metrics reads it): the Onboarding and lifecycle section");
  report->add_option("--plans", options.plans_path,
                     "Touchpoints CSV (riskscale plan --all output): the journey map from these plans");
  report->add_option("--top", options.top, "Accounts in each top-N list (default 10)")->check(CLI::Range(1, 1000));
  report->add_option("--threads", options.threads, "Worker threads (default: all cores)")->check(CLI::Range(1u, 1024u));
  add_join_options(report, options.joins);
  report->footer(
      "Examples:\n  riskscale report accounts.csv -o report.html\n"
      "  riskscale report july.csv --previous june.csv --policy policy.json -o report.html\n"
      "  riskscale report accounts.csv --account ACC-000042 -o welcome.html\n"
      "  riskscale report accounts.csv --metrics adoption=seats.csv --metrics impact=renewals.csv -o report.html\n"
      "Goal metrics: accounts, rejected, borderline_share, share_<archetype>, "
      "mean_<risk|scale|frequency|reach>_score,\n"
      "and with --previous moved, moved_share, new_accounts, gone.\n"
      "The file has inline CSS and SVG only: no script, and nothing is fetched when it is opened.\n"
      "Exit status: 0; 1 when rows were rejected (counted in the report); 2 on a bad file, header or policy.");
  add_max_record_bytes(report, options.max_record_bytes);
  return report;
}

int run_report(const report_command_options& options) {
  const auto start_time = std::chrono::steady_clock::now();
  if (!options.previous.empty() && !options.account_id.empty()) {
    throw cli_error("--previous and --account: a welcome pack is about one snapshot; accepted: one of them");
  }
  if (options.input == "-" && options.previous == "-") {
    throw cli_error("--previous -: the input already reads stdin; accepted: a file path");
  }
  std::vector<std::pair<std::string, std::string>> inputs = {{"input", options.input},
                                                             {"policy", options.policy_path},
                                                             {"previous snapshot", options.previous},
                                                             {"goals file", options.goals_path}};
  for (const std::string& join : options.joins.paths) inputs.emplace_back("join table", join);
  for (const auto& [kind, path] : metric_files(options.metrics)) inputs.emplace_back(kind + " table", path);
  inputs.emplace_back("plans", options.plans_path);
  if (!options.account_id.empty() && (!options.metrics.empty() || !options.plans_path.empty())) {
    throw cli_error("--account with --metrics or --plans: a welcome pack is about one account; accepted: one of them");
  }
  refuse_clobbering(inputs, {{"output", options.output}});
  const policy pol = load_policy(options.policy_path);
  report::report_options settings;
  if (!options.title.empty()) settings.title = options.title;
  settings.top = options.top;
  settings.threads = options.threads;
  try {
    settings.start = options.start.empty() ? date::today_utc() : date::parse(options.start);
  } catch (const riskscale::error& e) {
    throw cli_error(std::string("--start: ") + e.what());
  }
  if (!options.goals_path.empty()) {
    const std::string text = read_option_file(options.goals_path, "goals file", "a readable JSON file of goals");
    try {
      settings.goals = report::parse_goals(text);
    } catch (const riskscale::error& e) {
      throw cli_error(options.goals_path + ": " + e.what());
    }
  }
  const std::vector<join_table> joins = load_joins(options.joins);
  const unsigned workers = worker_count(options.threads);
  const loaded_snapshot current = read_snapshot(options.input, pol, joins, workers, options.max_record_bytes);
  const report::snapshot now{&current.ids, &*current.inputs};

  std::string page;
  std::string what;
  int status = exit_ok;
  if (!options.account_id.empty()) {
    try {
      page = report::welcome_pack(pol, now, options.account_id, settings);
    } catch (const riskscale::input_error& e) {
      throw cli_error(options.input + ": " + e.what());
    }
    what = "the welcome pack of " + options.account_id;
  } else {
    std::optional<loaded_snapshot> before;
    std::optional<report::snapshot> then;
    if (!options.previous.empty()) {
      before = read_snapshot(options.previous, pol, joins, workers, options.max_record_bytes);
      then = report::snapshot{&before->ids, &*before->inputs};
    }
    std::vector<onboarding_plan> given_plans;
    if (!options.plans_path.empty()) {
      given_plans = load_plans(options.plans_path, options.max_record_bytes);
      settings.plans = &given_plans;
    }
    report::lifecycle_metrics lifecycle = load_lifecycle_metrics(options.metrics, options.max_record_bytes);
    std::optional<report::report_data> data;
    try {
      data.emplace(report::collect(pol, now, then, settings));
    } catch (const riskscale::input_error& e) {
      throw cli_error(options.input + (options.previous.empty() ? "" : " and " + options.previous) + ": " + e.what());
    }
    data->lifecycle = std::move(lifecycle);
    page = report::render_report(*data, settings);
    what = "the report of " + report::html::count(data->summary.accounts()) + " accounts";
    if (data->summary.invalid() > 0) {
      what += " (" + report::html::count(data->summary.invalid()) + " rows rejected)";
      status = exit_rows_rejected;
    }
  }
  output_file output(options.output);
  output.write(page);
  output.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  char timing[96];
  std::snprintf(timing, sizeof timing, " (%.1f kB) in %.2f s\n", static_cast<double>(page.size()) / 1000.0, seconds);
  std::fputs(("wrote " + what + " to " + output.path() + timing).c_str(), stderr);
  return status;
}

}  // namespace riskscale::cli
