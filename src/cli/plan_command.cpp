#include "cli/plan_command.hpp"

#include <cstdio>
#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include "cli/account_record.hpp"
#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/output_file.hpp"
#include "cli/utf8_warning.hpp"
#include "cli/pipeline.hpp"
#include "csv/csv.hpp"
#include "riskscale/riskscale.hpp"

namespace riskscale::cli {
namespace {

riskscale::product_traits load_traits(const std::string& path) {
  if (path.empty()) return {};
  const std::string text =
      read_option_file(path, "traits file", "a readable JSON file such as {\"complex_product\": 0.8}");
  try {
    return riskscale::product_traits::from_json(text);
  } catch (const riskscale::error& e) {
    throw cli_error(path + ": " + e.what());
  }
}

riskscale::date start_date(const std::string& text) {
  if (text.empty()) return riskscale::date::today_utc();
  try {
    return riskscale::date::parse(text);
  } catch (const riskscale::error& e) {
    throw cli_error(std::string("--start: ") + e.what());
  }
}

// Columns of the input named after a product trait: their cells override the --traits file per row.
std::vector<std::pair<std::size_t, std::size_t>> trait_columns(const std::vector<std::string>& header) {
  std::vector<std::pair<std::size_t, std::size_t>> columns;  // (trait, column)
  for (std::size_t column = 0; column < header.size(); ++column) {
    if (const auto trait = riskscale::trait_from_string(header[column])) {
      columns.emplace_back(static_cast<std::size_t>(*trait), column);
    }
  }
  return columns;
}

// The traits of record r: the base traits with any non-empty trait cell applied, or a problem.
std::optional<riskscale::product_traits> record_traits(const chunk& c, std::size_t r,
                                                       const std::vector<std::pair<std::size_t, std::size_t>>& columns,
                                                       const riskscale::product_traits& base, record_problem& problem) {
  riskscale::product_traits traits = base;
  for (const auto& [trait, column] : columns) {
    const std::string_view text = c.field(r, column);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // empty: the --traits value
    const std::string name(riskscale::trait_ids[trait]);
    double value = 0.0;
    if (!csv::parse_double(text, value) || !(value >= 0.0 && value <= 1.0)) {
      problem = {name, "invalid_trait",
                 name + " = '" + std::string(text) +
                     "' is not a number in [0, 1]; accepted: a number in [0, 1], or empty for the --traits value"};
      return std::nullopt;
    }
    traits.set(name, value);
  }
  return traits;
}

}  // namespace

CLI::App* add_plan_command(CLI::App& app, plan_command_options& options) {
  CLI::App* command =
      app.add_subcommand("plan", "Dated onboarding plan of one account (--id) or of every account (--all)");
  command
      ->add_option("input", options.input, "Accounts CSV (- for stdin); columns named after a trait override --traits")
      ->required();
  auto* id = command->add_option("--id", options.account_id, "account_id of the account to plan");
  auto* all = command->add_flag("--all", options.all, "Plan every account; touchpoints of all plans in one file");
  id->excludes(all);
  command->add_option("--traits", options.traits_path,
                      "Product traits JSON, e.g. {\"complex_product\": 0.8, \"diverse_users\": 0.7} (missing: 0.5)");
  command->add_option("--start", options.start, "Welcome day, YYYY-MM-DD (default: today, UTC)");
  command->add_option("--format", options.format, "json, csv or ics (default: json with --id, csv with --all)")
      ->check(CLI::IsMember({"json", "csv", "ics"}));
  command->add_option("-o,--output", options.output, "Output file (default: - for stdout)");
  command->add_option("--rejects", options.rejects, "Rejected rows CSV with --all (default: OUT.rejects.csv)");
  command->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  command->add_option("--threads", options.threads, "Worker threads with --all (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  add_join_options(command, options.joins);
  command->footer(
      "Traits: complex_product, behavior_change, diverse_users, frequent_updates, product_suite, support_heavy,\n"
      "each in [0, 1]. Examples:\n"
      "  riskscale plan accounts.csv --id ACC-000042 --traits traits.json --start 2027-01-04 --format ics -o plan.ics\n"
      "  riskscale plan accounts.csv --all --start 2027-01-04 -o touchpoints.csv");
  add_max_record_bytes(command, options.max_record_bytes);
  return command;
}

int run_plan(const plan_command_options& options) {
  if (options.account_id.empty() && !options.all) {
    throw cli_error("plan: say which account: --id ACCOUNT, or --all for every account");
  }
  const std::string format_given = !options.format.empty() ? options.format : options.all ? "csv" : "json";
  const bool rejects_requested = !options.rejects.empty();
  const rejects_destination rejects_to =
      rejects_requested ? rejects_destination{options.rejects, false} : default_rejects(options.output);
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"input", options.input}, {"policy", options.policy_path}, {"traits file", options.traits_path}};
  for (const std::string& join : options.joins.paths) inputs.emplace_back("join table", join);
  refuse_clobbering(inputs, options.all
                                ? std::vector<std::pair<std::string, std::string>>{{"output", options.output},
                                                                                   {"rejects file", rejects_to.path}}
                                : std::vector<std::pair<std::string, std::string>>{{"output", options.output}});
  const riskscale::policy pol = load_policy(options.policy_path);
  const riskscale::product_traits base_traits = load_traits(options.traits_path);
  const riskscale::date start = start_date(options.start);
  const std::string& format = format_given;
  if (options.all && format == "json") {
    throw cli_error("--format json plans one account (--id); accepted with --all: csv or ics");
  }

  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, 1024, options.max_record_bytes);
  const std::vector<join_table> joins = load_joins(options.joins);
  const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
  const auto traits_in_file = trait_columns(layout.header);
  const auto where = [&](const chunk& c, std::size_t r) { return source.name + " line " + std::to_string(c.lines[r]); };

  if (!options.all) {
    chunk c;
    std::size_t r = 0;
    find_account_record(reader, layout, options.account_id, source.name, c, r);
    record_problem problem;
    const auto account = account_from_record(c, r, layout, pol, problem);
    if (!account) throw cli_error(where(c, r) + ": " + problem.message);
    const auto traits = record_traits(c, r, traits_in_file, base_traits, problem);
    if (!traits) throw cli_error(where(c, r) + ": " + problem.message);
    riskscale::onboarding_plan p;
    try {
      p = riskscale::plan(riskscale::assess(*account, pol), *traits, start);
    } catch (const riskscale::input_error& e) {
      throw cli_error(where(c, r) + ": " + e.what());
    }
    if (format == "json") utf8_warning().check(p.account_id, "account_id", where(c, r));
    output_file out(options.output);
    out.write(format == "csv"   ? riskscale::plan_to_csv(p)
              : format == "ics" ? riskscale::plan_to_ics(p)
                                : riskscale::plan_to_json(p) + "\n");
    out.commit();
    return exit_ok;
  }

  // --all: every readable account's plan, built on worker threads and written in input order;
  // unreadable or invalid rows go to the rejects with line and reason. Memory stays flat.
  output_file out(options.output);
  output_file rejects(rejects_to.path);
  rejects.write(rejects_header());
  const std::string dtstamp = riskscale::ics_timestamp_now();  // one creation time for the whole calendar
  if (format == "csv") {
    out.write(riskscale::plan_csv_header());
  } else {
    out.write(riskscale::ics_calendar_begin());
  }
  std::size_t planned = 0, rejected = 0;
  const unsigned workers = worker_count(options.threads);
  run_pipeline(
      reader, workers, 2 * workers + 2,
      [&](chunk& c) {
        for (std::size_t r = 0; r < c.size(); ++r) {
          record_problem problem;
          const auto account = account_from_record(c, r, layout, pol, problem);
          std::optional<riskscale::product_traits> traits;
          if (account) traits = record_traits(c, r, traits_in_file, base_traits, problem);
          const std::string_view id =
              layout.account_id < c.field_count(r) ? c.field(r, layout.account_id) : std::string_view();
          if (!account || !traits) {
            append_reject(c, r, id, problem.column, problem.reason, problem.message);
            continue;
          }
          riskscale::onboarding_plan p;
          try {
            p = riskscale::plan(riskscale::assess(*account, pol), *traits, start);
          } catch (const riskscale::input_error& e) {
            append_reject(c, r, id, e.field(), "invalid_value", e.what());
            continue;
          }
          ++c.classified;
          if (format == "csv") {
            riskscale::append_plan_csv(c.output, p);
          } else {
            c.output += riskscale::ics_plan_events(p, dtstamp);
          }
        }
      },
      [&](chunk& c) {
        out.write(c.output);
        rejects.write(c.rejects);
        planned += c.classified;
        rejected += c.rejected;
      });
  if (format == "ics") out.write(riskscale::ics_calendar_end());
  out.commit();
  if (!rejects_to.only_when_rows_rejected || rejected > 0) rejects.commit();
  report_unmatched(joins);
  std::string line = "planned " + std::to_string(planned) + " accounts, rejected " + std::to_string(rejected);
  if (rejected > 0) line += " (see " + rejects.path() + ")";
  std::fputs((line + "\n").c_str(), stderr);
  return rejected > 0 ? exit_rows_rejected : exit_ok;
}

}  // namespace riskscale::cli
