// riskscale report: writing HTML and SVG text: escaping, numbers in a fixed form, the page frame and
// the chart kinds the report draws (bar chart, swimlane timeline).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/plan.hpp"

namespace riskscale::report::html {

/// `text` with &, <, >, " and ' replaced by character references, safe in text and attribute values.
[[nodiscard]] std::string escape(std::string_view text);
/// `value` with `digits` decimals, in the C locale ("0.125").
[[nodiscard]] std::string fixed(double value, int digits);
/// A count with thousands separators ("1,234,567").
[[nodiscard]] std::string count(std::size_t value);
/// A share as a percentage with one decimal ("38.5%"); 0 of 0 is "0.0%".
[[nodiscard]] std::string percent(std::size_t part, std::size_t whole);

/// The document head (inline style sheet, no external resource) and the opening of <body>.
[[nodiscard]] std::string page_begin(std::string_view title);
/// The footer naming the riskscale version, and the closing tags.
[[nodiscard]] std::string page_end();

/// One bar of a bar chart: its label, its value and the value as shown.
struct bar {
  std::string label;
  double value = 0.0;
  std::string shown;
};

/// A horizontal bar chart as inline SVG with <title>, <desc> and both axis labels, followed by the
/// table of its numbers; `id` is the chart's element id (unique in the page).
[[nodiscard]] std::string bar_chart(std::string_view id, std::string_view title, std::string_view description,
                                    std::string_view label_axis, std::string_view value_axis,
                                    const std::vector<bar>& bars);

/// A plan's touchpoints as swimlanes by channel over the plan's days, milestones marked, as inline
/// SVG (with <title> and <desc>); `id` is the chart's element id.
[[nodiscard]] std::string plan_timeline(std::string_view id, std::string_view title, const onboarding_plan& plan);
/// The plan's touchpoints as a table: day, date, stage, channel, kind, title, detail.
[[nodiscard]] std::string touchpoint_table(const onboarding_plan& plan, bool with_detail);

}  // namespace riskscale::report::html
