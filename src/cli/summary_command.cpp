#include "cli/summary_command.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/pipeline.hpp"
#include "cli/summary_text.hpp"
#include "cli/utf8_warning.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/cell_text.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/summary.hpp"

namespace riskscale::cli {

CLI::App* add_summary_command(CLI::App& app, summary_options& options) {
  CLI::App* command = app.add_subcommand("summary", "Summarise a portfolio (raw accounts or classify output)");
  command->add_option("input", options.input, "Accounts CSV or the output of classify")->required();
  command->add_option("--policy", options.policy_path, "Policy JSON file (default: the SPEC defaults)");
  command->add_option("--format", options.format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  command->add_option("--threads", options.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 1024u));
  add_max_record_bytes(command, options.max_record_bytes);
  add_join_options(command, options.joins);
  command->footer("Example:\n  riskscale summary classified.csv --format markdown");
  return command;
}

namespace {

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
    const std::optional<std::int8_t> archetype = riskscale::parse_archetype_cell(record.fields[type]);
    double values[5] = {};
    const std::size_t numeric[5] = {margin, risk, scale, frequency, reach};
    bool readable = archetype.has_value() && *archetype >= 0;  // an empty archetype is a rejected row
    for (int i = 0; i < 5 && readable; ++i) readable = csv::parse_double(record.fields[numeric[i]], values[i]);
    if (!readable) {
      summary.add_invalid();
      continue;
    }
    ranked.clear();
    for (const std::string_view format_id : riskscale::split_list(record.fields[recommendations])) {
      const auto k = pol.format_index(format_id);
      if (!k) {
        throw cli_error(where + ": recommendation '" + std::string(format_id) +
                        "' is not in the policy's catalogue; accepted: the --policy the file was classified with");
      }
      ranked.push_back(static_cast<std::int16_t>(*k));
    }
    summary.add(record.fields[id], static_cast<riskscale::archetype>(*archetype), values[0],
                record.fields[borderline] == "true", values[1], values[2], values[3], values[4], ranked.data(),
                ranked.size(), order++);
  }
  return summary;
}

}  // namespace

int run_summary(const summary_options& options) {
  const std::string& input = options.input;
  const std::string& format_name = options.format;
  const unsigned threads = options.threads;
  const std::size_t max_record_bytes = options.max_record_bytes;
  const join_options& join_files = options.joins;
  const std::string& policy_path = options.policy_path;
  const riskscale::policy pol = load_policy(policy_path);
  const summary_format format = format_name == "json"       ? summary_format::json
                                : format_name == "markdown" ? summary_format::markdown
                                                            : summary_format::text;
  input_source source(input);
  csv::reader peek(*source.stream);
  peek.set_max_record_bytes(max_record_bytes);
  csv::record header;
  read_header_row(peek, header, source.name);
  portfolio_summary summary(pol);
  if (is_classified_output(header.fields)) {
    summary = summarize_classified(peek, header.fields, pol, source.name);
  } else {
    // Raw accounts: classify on the fly, without writing any output.
    input_source again(input);
    if (input == "-") throw cli_error("summary of raw accounts from stdin is not supported; accepted: a file path");
    chunk_reader reader(*again.stream, again.name, account_rows_per_chunk, max_record_bytes);
    const std::vector<join_table> joins = load_joins(join_files);
    const input_layout layout = map_header(reader.read_header(), pol, keep_request{}, &joins);
    const chunk_job job{&pol, &layout, false, true};
    run_pipeline(
        reader, worker_count(threads), 2 * worker_count(threads) + 2, [&](chunk& c) { classify_chunk(c, job); },
        [&](chunk& c) { summary.merge(*c.summary); });
    report_unmatched(joins);
  }
  if (format == summary_format::json) {
    utf8_warning invalid_text;
    for (const auto& entry : summary.closest_to_threshold()) {
      invalid_text.check(entry.account_id, "account_id", "account '" + escaped_for_message(entry.account_id) + "'");
    }
  }
  std::fputs(render_summary(summary, pol, format).c_str(), stdout);
  return summary.invalid() > 0 ? exit_rows_rejected : exit_ok;
}

}  // namespace riskscale::cli
