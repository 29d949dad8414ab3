// riskscale report: business goals (`--goals goals.json`): initiatives, each with a report metric and
// a target, read by the project's one JSON reader and measured on the report's numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskscale::report {

struct report_data;

/// One business initiative: the report metric that tracks it and the target it should reach.
struct goal {
  std::string initiative;
  std::string metric;  ///< one of goal_metrics()
  double target = 0.0;
  bool at_most = false;  ///< met when the value is at most the target (default: at least)

  friend bool operator==(const goal& a, const goal& b) {
    return a.initiative == b.initiative && a.metric == b.metric && a.target == b.target && a.at_most == b.at_most;
  }
};

/// The metric names a goal may track, with what each measures (the README lists them).
struct goal_metric {
  std::string_view name;
  std::string_view meaning;
  bool needs_previous;  ///< measured only with a previous snapshot
};
[[nodiscard]] const std::vector<goal_metric>& goal_metrics();

/// Reads a goals document: a JSON array of objects {"initiative": text, "metric": name, "target":
/// number, "direction": "at_least" | "at_most"} (direction optional). Throws riskscale::error naming
/// the JSON path (`$[1].metric`), the value and what is accepted; nothing is half-read.
[[nodiscard]] std::vector<goal> parse_goals(std::string_view json_text);

/// The goals as a JSON document that parse_goals reads back to the same goals.
[[nodiscard]] std::string goals_to_json(const std::vector<goal>& goals);

/// The value of a goal's metric in `data`, or nothing when it is not measured (a movement metric
/// without a previous snapshot).
[[nodiscard]] std::optional<double> metric_value(const report_data& data, std::string_view metric);

}  // namespace riskscale::report
