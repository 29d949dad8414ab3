#include "cli/calibrate_command.hpp"

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/classify_chunk.hpp"
#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_layout.hpp"
#include "cli/input_source.hpp"
#include "cli/output_file.hpp"
#include "cli/pipeline.hpp"
#include "riskscale/calibrate.hpp"
#include "riskscale/cell_text.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/policy_json.hpp"
#include "riskscale/validate.hpp"

namespace riskscale::cli {
namespace {

constexpr std::size_t rows_per_chunk = 4096;

std::size_t column_index(const std::vector<std::string>& header, const std::string& name, const std::string& source,
                         const std::string& option) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  std::string columns;
  for (const auto& h : header) columns += (columns.empty() ? "" : ", ") + h;
  throw cli_error(source + " has no column '" + name + "' (" + option + "); its columns: " + columns);
}

void check_format(const std::string& format) {
  if (format != "text" && format != "json" && format != "markdown") {
    throw cli_error("--format " + format + "; accepted: text, json, markdown");
  }
}

std::string percent(double share) {
  if (std::isnan(share)) return "n/a";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f %%", 100.0 * share);
  return buffer;
}

std::string fixed(double value, int digits = 4) {
  if (std::isnan(value)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string confusion_table(const label_agreement& a, bool markdown) {
  std::string out = markdown ? "| label \\ classified |" : "  label \\ classified      ";
  for (const auto arch : all_archetypes)
    out += markdown ? " " + std::string(to_string(arch)) + " |" : "  " + std::string(to_string(arch));
  out += '\n';
  if (markdown) out += "|---|---:|---:|---:|---:|\n";
  for (std::size_t l = 0; l < archetype_count; ++l) {
    const std::string name(to_string(static_cast<archetype>(l)));
    out += markdown ? "| " + name + " |" : "  " + name + std::string(24 - name.size(), ' ');
    for (std::size_t c = 0; c < archetype_count; ++c) {
      const std::string cell = std::to_string(a.confusion[l][c]);
      const std::size_t width = to_string(static_cast<archetype>(c)).size();
      out += markdown ? " " + cell + " |" : "  " + std::string(width - std::min(width, cell.size()), ' ') + cell;
    }
    out += '\n';
  }
  return out;
}

std::string calibration_text(const calibration_result& r, bool markdown, const std::string& output) {
  const std::string h = markdown ? "## " : "";
  std::string out = h + "Calibration of " + std::to_string(r.accounts) + " labelled accounts\n\n";
  const auto line = [&](const std::string& what, const label_agreement& a) {
    out += (markdown ? "- " : "") + what + ": agreement " + percent(a.agreement) + ", Cohen's kappa " +
           fixed(a.kappa, 3) + "\n";
  };
  line("starting policy", r.start_agreement);
  line("fitted policy  ", r.fitted_agreement);
  if (r.folds >= 2) {
    out += (markdown ? "- " : "") + std::to_string(r.folds) + "-fold cross-validated agreement: " + percent(r.cv_mean) +
           " (spread " + percent(r.cv_spread) + "; starting policy on the same folds " + percent(r.cv_start_mean) +
           ")\n";
  }
  out += "\n" + h + "Parameters (before -> after)\n\n";
  if (markdown) out += "| parameter | before | after |\n|---|---:|---:|\n";
  for (const auto& p : r.parameters) {
    out += markdown ? "| " + p.name + " | " + format_number(p.before) + " | " + format_number(p.after) + " |\n"
                    : "  " + p.name + ": " + fixed(p.before) + " -> " + fixed(p.after) + "\n";
  }
  out += "\n" + h + "Confusion, starting policy (rows: label)\n\n" + confusion_table(r.start_agreement, markdown);
  out += "\n" + h + "Confusion, fitted policy (rows: label)\n\n" + confusion_table(r.fitted_agreement, markdown);
  out += "\n" + h + std::to_string(r.disagreements.size()) +
         " labelled accounts the fitted policy still disagrees with\n\n";
  if (markdown && !r.disagreements.empty())
    out += "| line | label | fitted | start | p(label) |\n|---:|---|---|---|---:|\n";
  for (const auto& d : r.disagreements) {
    const std::string row = std::to_string(d.row);
    out += markdown ? "| " + row + " | " + std::string(to_string(d.label)) + " | " + std::string(to_string(d.fitted)) +
                          " | " + std::string(to_string(d.start)) + " | " + fixed(d.label_membership, 3) + " |\n"
                    : "  line " + row + ": labelled " + std::string(to_string(d.label)) + ", fitted " +
                          std::string(to_string(d.fitted)) + ", start " + std::string(to_string(d.start)) +
                          ", p(label) " + fixed(d.label_membership, 3) + "\n";
  }
  out += "\nfitted policy written to " + output + "\n";
  return out;
}

// A 0/1 cell: 0, 1, true, false (as classify writes them, or True/False as pandas does).
std::optional<bool> flag(std::string_view cell) {
  if (cell == "1" || cell == "true" || cell == "True" || cell == "TRUE") return true;
  if (cell == "0" || cell == "false" || cell == "False" || cell == "FALSE") return false;
  return std::nullopt;
}

}  // namespace

CLI::App* add_calibrate_command(CLI::App& app, calibrate_command_options& options) {
  CLI::App* c =
      app.add_subcommand("calibrate", "Fit a policy's thresholds and weights to accounts labelled with an archetype");
  c->add_option("input", options.input,
                "Labelled accounts CSV (read as classify reads it, through the policy's inputs)")
      ->required();
  c->add_option("--label", options.label, "Column of archetype ids (or use --risk-label and --scale-label)");
  c->add_option("--risk-label", options.risk_label, "Column of high/low risk labels (with --scale-label)");
  c->add_option("--scale-label", options.scale_label, "Column of high/low scale labels (with --risk-label)");
  c->add_option("--policy", options.policy_path, "Starting policy JSON (default: the SPEC defaults)");
  c->add_option("--fit", options.fit,
                "Comma-separated parameters to fit (default risk_threshold,scale_threshold,risk_weights,scale_weights; "
                "also temperature, frequency_full, reach_full)");
  c->add_option("--folds", options.folds, "Cross-validation folds (0 = none; default 5)");
  c->add_option("--seed", options.seed, "Seed of the fold shuffle (default 0)");
  c->add_option("--l2", options.l2,
                "Strength of the L2 pull toward the starting policy (default 1; 0 = none; inf = keep)");
  c->add_option("-o,--output", options.output, "Fitted policy JSON file")->required();
  c->add_option("--format", options.format, "Report on stdout: text, json or markdown (default text)");
  c->footer(
      "Example:\n  riskscale calibrate labelled.csv --label cs_archetype --policy current.json -o fitted.json\n"
      "Exit status: 0; 2 on a bad file, label, policy or too few labelled accounts.");
  add_max_record_bytes(c, options.max_record_bytes);
  return c;
}

CLI::App* add_validate_command(CLI::App& app, validate_command_options& options) {
  CLI::App* v = app.add_subcommand("validate", "Outcome rate per archetype with Wilson and Newcombe intervals");
  v->add_option("input", options.input, "Classified CSV (riskscale classify output with a 0/1 outcome column)")
      ->required();
  v->add_option("--outcome", options.outcome, "0/1 outcome column (churned, renewed, ...)")->required();
  v->add_option("--confidence", options.confidence, "Confidence level of the intervals (default 0.95)");
  v->add_option("--format", options.format, "text, json or markdown (default text)");
  v->footer("Example:\n  riskscale validate classified.csv --outcome churned");
  add_max_record_bytes(v, options.max_record_bytes);
  return v;
}

int run_calibrate(const calibrate_command_options& options) {
  check_format(options.format);
  const bool split = !options.risk_label.empty() || !options.scale_label.empty();
  if (split == !options.label.empty() || (split && (options.risk_label.empty() || options.scale_label.empty()))) {
    throw cli_error("calibrate needs the labels; accepted: --label COL, or --risk-label COL with --scale-label COL");
  }
  calibration_options fit;
  fit.folds = options.folds;
  fit.seed = options.seed;
  fit.l2 = options.l2;
  if (!options.fit.empty()) {
    fit.fit.clear();
    std::size_t begin = 0;
    while (begin <= options.fit.size()) {
      const std::size_t end = std::min(options.fit.find(',', begin), options.fit.size());
      try {
        fit.fit.push_back(calibration_parameter_from_string(options.fit.substr(begin, end - begin)));
      } catch (const error& e) {
        throw cli_error(std::string("--fit: ") + e.what());
      }
      begin = end + 1;
    }
  }
  refuse_clobbering({{"input", options.input}, {"policy", options.policy_path}}, {{"output", options.output}});
  const policy start = load_policy(options.policy_path);

  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, rows_per_chunk, options.max_record_bytes);
  const std::vector<std::string> header = reader.read_header();
  const input_layout layout = map_header(header, start, keep_request{});
  std::vector<std::size_t> label_columns;
  if (split) {
    label_columns = {column_index(header, options.risk_label, source.name, "--risk-label"),
                     column_index(header, options.scale_label, source.name, "--scale-label")};
  } else {
    label_columns = {column_index(header, options.label, source.name, "--label")};
  }
  const std::vector<std::string> fields = start.input_fields();
  std::vector<std::vector<double>> columns(fields.size());
  std::vector<std::vector<std::string>> labels(label_columns.size());
  std::vector<std::size_t> lines;
  chunk c;
  chunk_inputs inputs;
  while (reader.fill(c)) {
    read_chunk_inputs(c, start, layout, inputs);
    std::size_t row = 0;
    for (std::size_t r = 0; r < c.size(); ++r) {
      if (inputs.unreadable_records[r]) {
        const auto& why = *inputs.unreadable_records[r];
        throw cli_error(source.name + " line " + std::to_string(c.lines[r]) +
                        (why.column.empty() ? "" : ", column '" + why.column + "'") + ": " + why.message);
      }
      for (std::size_t f = 0; f < fields.size(); ++f) {
        if (!inputs.columns[f].empty()) columns[f].push_back(inputs.columns[f][row]);
      }
      for (std::size_t l = 0; l < label_columns.size(); ++l) {
        labels[l].emplace_back(label_columns[l] < c.field_count(r) ? c.field(r, label_columns[l]) : std::string_view());
      }
      lines.push_back(c.lines[r]);
      ++row;
    }
    c.clear();
  }
  portfolio accounts(lines.size());
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (columns[f].size() == lines.size()) accounts.add(fields[f], columns[f]);
  }
  calibration_result result;
  try {
    const std::vector<archetype> archetypes =
        split ? archetype_labels(labels[0], labels[1], options.risk_label, options.scale_label)
              : archetype_labels(labels[0], options.label);
    result = calibrate(accounts, archetypes, start, fit);
  } catch (const input_error& e) {
    const std::string where = e.row() ? source.name + " line " + std::to_string(lines.at(*e.row())) : source.name;
    throw cli_error(where + ", column '" + e.field() + "': " + e.what());
  } catch (const error& e) {
    throw cli_error(source.name + ": " + e.what());
  }
  // Report rows are the file's lines, so a CS reviewer finds the account.
  for (auto& d : result.disagreements) d.row = lines[d.row];

  output_file out(options.output);
  out.write(result.fitted.to_json() + "\n");
  out.commit();
  if (options.format == "json") {
    nlohmann::ordered_json report = calibration_report(result);
    report["fitted_policy"] = options.output;
    std::cout << report.dump(2) << '\n';
  } else {
    std::cout << calibration_text(result, options.format == "markdown", options.output);
  }
  return 0;
}

int run_validate(const validate_command_options& options) {
  check_format(options.format);
  input_source source(options.input);
  chunk_reader reader(*source.stream, source.name, rows_per_chunk, options.max_record_bytes);
  const std::vector<std::string> header = reader.read_header();
  const std::size_t archetype_column = column_index(header, "archetype", source.name, "classify output");
  const std::size_t borderline_column = column_index(header, "borderline", source.name, "classify output");
  const std::size_t outcome_column = column_index(header, options.outcome, source.name, "--outcome");
  std::vector<std::int8_t> archetypes;
  std::vector<std::uint8_t> borderline;
  std::vector<double> outcome;
  chunk c;
  while (reader.fill(c)) {
    for (std::size_t r = 0; r < c.size(); ++r) {
      const auto cell = [&](std::size_t column) {
        return column < c.field_count(r) ? c.field(r, column) : std::string_view();
      };
      const std::string where = source.name + " line " + std::to_string(c.lines[r]);
      if (!c.errors[r].empty()) throw cli_error(where + ": " + c.errors[r]);
      const std::string_view a = cell(archetype_column);
      if (const std::optional<std::int8_t> code = parse_archetype_cell(a)) {
        archetypes.push_back(*code);  // -1: an account classify could not score
      } else {
        throw cli_error(where + ", column 'archetype': '" + std::string(a) +
                        "' is not an archetype id; accepted: " + std::string(archetype_cell_texts));
      }
      const std::string_view b = cell(borderline_column);
      const std::optional<bool> is_borderline = flag(b);
      if (!is_borderline && !(a.empty() && b.empty())) {
        throw cli_error(where + ", column 'borderline': '" + std::string(b) + "'; accepted: true, false");
      }
      borderline.push_back(is_borderline.value_or(false) ? 1 : 0);
      const std::string_view o = cell(outcome_column);
      const std::optional<bool> event = flag(o);
      if (!event) {
        throw cli_error(where + ", column '" + options.outcome + "': '" + std::string(o) +
                        "' is not an outcome; accepted: 0, 1, true, false");
      }
      outcome.push_back(*event ? 1.0 : 0.0);
    }
    c.clear();
  }
  validation_result r;
  try {
    r = validate(archetypes, borderline, outcome, options.outcome, options.confidence);
  } catch (const error& e) {
    throw cli_error(source.name + ": " + e.what());
  }
  const auto rate_json = [](const outcome_rate& g) {
    const auto number = [](double v) {
      return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
    };
    return nlohmann::ordered_json{{"group", g.group},
                                  {"accounts", g.accounts},
                                  {"events", g.events},
                                  {"rate", number(g.rate)},
                                  {"lower", number(g.interval.lower)},
                                  {"upper", number(g.interval.upper)}};
  };
  std::vector<const outcome_rate*> groups;
  for (const auto& g : r.per_archetype) groups.push_back(&g);
  for (const outcome_rate* g :
       {&r.borderline, &r.not_borderline, &r.high_risk, &r.low_risk, &r.high_scale, &r.low_scale}) {
    groups.push_back(g);
  }
  if (options.format == "json") {
    nlohmann::ordered_json out;
    out["outcome"] = options.outcome;
    out["confidence"] = r.confidence;
    out["accounts"] = r.accounts;
    out["skipped"] = r.skipped;
    out["groups"] = nlohmann::ordered_json::array();
    for (const auto* g : groups) out["groups"].push_back(rate_json(*g));
    const auto diff = [](const metrics::difference_interval& d) {
      const auto number = [](double v) {
        return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
      };
      return nlohmann::ordered_json{
          {"difference", number(d.difference)}, {"lower", number(d.lower)}, {"upper", number(d.upper)}};
    };
    out["high_minus_low_risk"] = diff(r.risk_difference);
    out["high_minus_low_scale"] = diff(r.scale_difference);
    out["quadrants_separate"] = r.quadrants_separate;
    out["verdict"] = r.verdict;
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  const bool markdown = options.format == "markdown";
  std::string text = (markdown ? "## " : "") + options.outcome + " rate by group (" +
                     format_number(100.0 * r.confidence) + " % Wilson intervals), " + std::to_string(r.accounts) +
                     " accounts" +
                     (r.skipped ? ", " + std::to_string(r.skipped) + " without an archetype left out" : "") + "\n\n";
  if (markdown) text += "| group | accounts | events | rate | lower | upper |\n|---|---:|---:|---:|---:|---:|\n";
  for (const auto* g : groups) {
    text += markdown
                ? "| " + g->group + " | " + std::to_string(g->accounts) + " | " + std::to_string(g->events) + " | " +
                      fixed(g->rate) + " | " + fixed(g->interval.lower) + " | " + fixed(g->interval.upper) + " |\n"
                : "  " + g->group + std::string(22 - std::min<std::size_t>(22, g->group.size()), ' ') +
                      std::to_string(g->events) + "/" + std::to_string(g->accounts) + "  " + fixed(g->rate) + "  [" +
                      fixed(g->interval.lower) + ", " + fixed(g->interval.upper) + "]\n";
  }
  const auto diff_line = [&](const std::string& what, const metrics::difference_interval& d) {
    text += (markdown ? "- " : "  ") + what + ": " + fixed(d.difference) + " [" + fixed(d.lower) + ", " +
            fixed(d.upper) + "] (Newcombe)\n";
  };
  text += "\n";
  diff_line("high - low risk", r.risk_difference);
  diff_line("high - low scale", r.scale_difference);
  text += "\n" + r.verdict + "\n";
  std::cout << text;
  return 0;
}

}  // namespace riskscale::cli
