#include "cli/report_inputs.hpp"

#include <algorithm>
#include <utility>

#include "cli/cli_error.hpp"
#include "cli/metric_tables.hpp"
#include "report/plans.hpp"

namespace riskscale::cli {

std::vector<std::pair<std::string, std::string>> metric_files(const std::vector<std::string>& specs) {
  std::vector<std::pair<std::string, std::string>> files;
  std::string accepted;
  for (const std::string& kind : report_metric_kinds) accepted += (accepted.empty() ? "" : ", ") + kind;
  for (const std::string& spec : specs) {
    const std::size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size()) {
      throw cli_error("--metrics '" + spec + "': accepted: KIND=FILE with KIND one of " + accepted);
    }
    const std::string kind = spec.substr(0, equals);
    if (std::find(report_metric_kinds.begin(), report_metric_kinds.end(), kind) == report_metric_kinds.end()) {
      throw cli_error("--metrics '" + spec + "': '" + kind + "' is not a metric kind; accepted: " + accepted);
    }
    for (const auto& earlier : files) {
      if (earlier.first == kind) throw cli_error("--metrics " + kind + " is given twice; accepted: one table per kind");
    }
    files.emplace_back(kind, spec.substr(equals + 1));
  }
  return files;
}

report::lifecycle_metrics load_lifecycle_metrics(const std::vector<std::string>& specs, std::size_t max_record_bytes) {
  report::lifecycle_metrics out;
  for (const auto& [kind, path] : metric_files(specs)) {
    if (kind == "adoption") {
      out.adoption = read_adoption_groups(path, max_record_bytes);
    } else if (kind == "interaction") {
      out.interaction = read_interaction_table(path, max_record_bytes).result.groups;
    } else if (kind == "program") {
      program_table p = read_program_table(path, "", max_record_bytes);
      out.courses.assign(p.course_codes.size(), std::string());
      for (const auto& entry : p.course_codes) out.courses[static_cast<std::size_t>(entry.second)] = entry.first;
      out.program = std::move(p.result);
    } else if (kind == "funnel") {
      const metric_table t = read_metric_table(path, {}, max_record_bytes);
      out.funnel_stages = funnel_stage_columns(t);
      out.funnel = funnel_groups(t, out.funnel_stages);
    } else {
      const std::string completed(metrics::impact_table::completed.name);
      const metric_table t = read_metric_table(path, impact_columns(completed, {}), max_record_bytes);
      for (const std::string& outcome : impact_outcomes(t, {})) {
        out.impact.push_back({outcome, impact_of(t, completed, outcome, out.impact_settings)});
      }
    }
  }
  return out;
}

std::vector<onboarding_plan> load_plans(const std::string& path, std::size_t max_record_bytes) {
  const metric_table t = read_metric_table(path, {}, max_record_bytes);
  const auto column = [&](const char* name) {
    const auto found = t.columns.find(name);
    return found == t.columns.end() ? std::vector<std::string>() : found->second;
  };
  if (!t.has("account_id")) {
    throw cli_error(t.source + " lacks the column 'account_id'; accepted: the CSV of riskscale plan --all");
  }
  for (const std::string& name : report::plan_row_columns) {
    if (!t.has(name)) {
      throw cli_error(t.source + " lacks the column '" + name + "'; accepted: the CSV of riskscale plan --all (" +
                      "account_id, day, date, stage, channel, kind, title, archetype)");
    }
  }
  report::plan_rows rows{column("account_id"), column("day"),      column("date"),  column("stage"),
                         column("channel"),    column("kind"),     column("title"), column("archetype"),
                         column("format"),     column("audience"), column("detail")};
  try {
    return report::plans_from_rows(rows);
  } catch (const input_error& e) {
    const std::string where = e.row() ? t.where(*e.row()) : t.source;
    throw cli_error(where + ", column '" + e.field() + "': " + e.message());
  }
}

}  // namespace riskscale::cli
