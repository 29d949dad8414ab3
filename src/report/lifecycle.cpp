// riskscale report: the "Onboarding and lifecycle" section, from the core's metric results.
#include "report/lifecycle.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "report/html.hpp"

namespace riskscale::report {
namespace {

using html::escape;
using html::fixed;
namespace m = riskscale::metrics;

enum class unit { fraction, percent, days };

// One leading metric: its lifecycle stage, name, the metric table it comes from and its value per group.
struct metric_row {
  std::string stage;
  std::string name;
  std::string measure;  // what is divided by what
  std::string source;
  unit kind = unit::fraction;
  std::array<double, m::group_count> value{};
  std::array<m::reason_set, m::group_count> reasons{};
  std::array<bool, m::group_count> present{};  // the group has rows
};

std::string shown(double value, unit kind) {
  if (!std::isfinite(value)) return "–";
  if (kind == unit::fraction) return fixed(100.0 * value, 1) + "%";
  if (kind == unit::percent) return fixed(value, 2) + "%";
  return fixed(value, 1) + " days";
}

std::string signed_points(double value) {
  return std::isfinite(value) ? (value >= 0 ? "+" : "") + fixed(100.0 * value, 1) : std::string("–");
}

std::vector<metric_row> leading_rows(const lifecycle_metrics& lm) {
  std::vector<metric_row> rows;
  const auto add = [&](const char* stage, const char* name, std::string measure, const char* source, unit kind,
                       auto&& of) {
    metric_row r{stage, name, std::move(measure), source, kind, {}, {}, {}};
    for (std::size_t g = 0; g < m::group_count; ++g) of(g, r);
    rows.push_back(std::move(r));
  };
  if (lm.funnel) {
    const auto& groups = *lm.funnel;
    add("onboarding", "funnel conversion", lm.funnel_stages.front() + " to " + lm.funnel_stages.back(), "funnel",
        unit::fraction, [&](std::size_t g, metric_row& r) {
          r.value[g] = groups[g].steps.overall_conversion;
          r.reasons[g] = groups[g].steps.reasons;
          r.present[g] = groups[g].rows > 0;
        });
  }
  if (lm.program) {
    const auto& p = *lm.program;
    const auto cell = [&](std::size_t g) -> const m::program_cell& { return p.at(p.course_count, g); };
    add("onboarding", "course completion", "completions / enrolments", "program", unit::fraction,
        [&](std::size_t g, metric_row& r) {
          r.value[g] = cell(g).completion_rate;
          r.reasons[g] = cell(g).reasons & ~m::bit(m::reason::no_assessments) & ~m::bit(m::reason::no_completion_times);
          r.present[g] = cell(g).enrolments > 0;
        });
    add("onboarding", "assessment pass rate", "passed / assessed", "program", unit::fraction,
        [&](std::size_t g, metric_row& r) {
          r.value[g] = cell(g).pass_rate;
          r.reasons[g] = cell(g).reasons & ~m::bit(m::reason::no_completion_times);
          r.present[g] = cell(g).enrolments > 0;
        });
    add("onboarding", "days to completion", "median of the completed enrolments", "program", unit::days,
        [&](std::size_t g, metric_row& r) {
          r.value[g] = cell(g).median_days_to_completion;
          r.reasons[g] = cell(g).reasons & ~m::bit(m::reason::no_assessments);
          r.present[g] = cell(g).enrolments > 0;
        });
  }
  if (lm.adoption) {
    const auto& groups = *lm.adoption;
    add("adoption", "training coverage", "trained / seats", "adoption", unit::fraction,
        [&](std::size_t g, metric_row& r) {
          r.value[g] = groups[g].training_coverage;
          r.reasons[g] = groups[g].reasons;
          r.present[g] = groups[g].accounts > 0;
        });
    add("adoption", "activation", "active / seats", "adoption", unit::fraction, [&](std::size_t g, metric_row& r) {
      r.value[g] = groups[g].activation;
      r.reasons[g] = groups[g].reasons;
      r.present[g] = groups[g].accounts > 0;
    });
  }
  if (lm.interaction) {
    const auto& groups = *lm.interaction;
    add("adoption", "community interaction", "interactions / posts / followers", "interaction", unit::percent,
        [&](std::size_t g, metric_row& r) {
          r.value[g] = groups[g].rate;
          r.reasons[g] = groups[g].reasons;
          r.present[g] = groups[g].rows > 0;
        });
  }
  return rows;
}

// The archetype groups with the smallest and the largest finite value; none when fewer than two.
std::optional<std::pair<std::size_t, std::size_t>> extremes(const metric_row& r) {
  std::optional<std::size_t> low, high;
  for (std::size_t g = 0; g < archetype_count; ++g) {
    if (!r.present[g] || !std::isfinite(r.value[g])) continue;
    if (!low || r.value[g] < r.value[*low]) low = g;
    if (!high || r.value[g] > r.value[*high]) high = g;
  }
  if (!low || *low == *high) return std::nullopt;
  return std::make_pair(*low, *high);
}

std::string group_label(std::size_t g) { return std::string(m::group_name(g)); }

bool small(const m::impact_group& x) { return m::has(x.reasons, m::reason::small_group); }

std::string impact_chart(const lifecycle_metrics& lm) {
  struct point {
    std::string label;
    const m::impact_group* group;
  };
  std::vector<point> points;
  for (const impact_outcome& o : lm.impact) {
    for (std::size_t g = 0; g < m::group_count; ++g) {
      const m::impact_group& x = o.groups[g];
      if (x.accounts_completed + x.accounts_not_completed == 0) continue;
      points.push_back({o.outcome + ", " + group_label(g), &x});
    }
  }
  const int label_width = 280, plot = 360, row = 26, top = 10, right = 200;
  const int height = top + row * static_cast<int>(std::max<std::size_t>(points.size(), 1)) + 48;
  const int width = label_width + plot + right;
  const auto x_of = [&](double difference) {
    return label_width + (std::clamp(difference, -1.0, 1.0) + 1.0) / 2.0 * plot;
  };
  const std::string confidence = fixed(100.0 * lm.impact_settings.confidence, 0) + "%";
  std::string out = "<figure>\n<figcaption>Business impact of completed onboarding</figcaption>\n";
  out += "<svg id=\"impact-chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" aria-labelledby=\"impact-chart-title impact-chart-desc\">\n";
  out += "<title id=\"impact-chart-title\">Business impact of completed onboarding</title>\n";
  out +=
      "<desc id=\"impact-chart-desc\">One row per outcome and archetype: the dot is the outcome rate of accounts "
      "that completed onboarding minus the rate of those that did not, in percentage points from -100 to +100; "
      "the bar is its " +
      confidence +
      " confidence interval (Newcombe hybrid score). A hollow dot marks a small "
      "group (a side with fewer than " +
      std::to_string(lm.impact_settings.min_group_size) + " accounts). The table below gives the numbers.</desc>\n";
  const int bottom = top + row * static_cast<int>(std::max<std::size_t>(points.size(), 1));
  const std::string zero = fixed(x_of(0.0), 1);
  out += "<line x1=\"" + zero + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + zero + "\" y2=\"" +
         std::to_string(bottom) + "\" stroke=\"#a0aec0\" stroke-dasharray=\"4 3\"></line>\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const m::impact_group& x = *points[i].group;
    const int y = top + row * static_cast<int>(i) + row / 2;
    const std::string cy = std::to_string(y);
    const bool flagged = small(x);
    out += "<text x=\"" + std::to_string(label_width - 8) + "\" y=\"" + std::to_string(y + 5) +
           "\" text-anchor=\"end\">" + escape(points[i].label) + "</text>";
    if (std::isfinite(x.difference.lower) && std::isfinite(x.difference.upper)) {
      const std::string x1 = fixed(x_of(x.difference.lower), 1), x2 = fixed(x_of(x.difference.upper), 1);
      out += "<line class=\"error-bar\" x1=\"" + x1 + "\" y1=\"" + cy + "\" x2=\"" + x2 + "\" y2=\"" + cy +
             "\" stroke=\"#2c5282\" stroke-width=\"2\"></line>";
      for (const std::string& end : {x1, x2}) {
        out += "<line x1=\"" + end + "\" y1=\"" + std::to_string(y - 6) + "\" x2=\"" + end + "\" y2=\"" +
               std::to_string(y + 6) + "\" stroke=\"#2c5282\" stroke-width=\"2\"></line>";
      }
    }
    if (std::isfinite(x.difference.difference)) {
      out += "<circle cx=\"" + fixed(x_of(x.difference.difference), 1) + "\" cy=\"" + cy + "\" r=\"5\" fill=\"" +
             (flagged ? "#ffffff" : "#2c5282") + "\" stroke=\"#2c5282\" stroke-width=\"2\"></circle>";
    }
    out += "<text x=\"" + std::to_string(label_width + plot + 8) + "\" y=\"" + std::to_string(y + 5) + "\"" +
           (flagged ? " class=\"flag\"" : "") + ">" + signed_points(x.difference.difference) + " pt" +
           (flagged ? " (small group)" : "") + "</text>\n";
  }
  for (int step = -2; step <= 2; ++step) {
    const double value = step / 2.0;
    out += "<text x=\"" + fixed(x_of(value), 1) + "\" y=\"" + std::to_string(bottom + 16) +
           "\" text-anchor=\"middle\">" + (step > 0 ? "+" : "") + std::to_string(step * 50) + "</text>";
  }
  out += "\n<line x1=\"" + std::to_string(label_width) + "\" y1=\"" + std::to_string(bottom) + "\" x2=\"" +
         std::to_string(label_width + plot) + "\" y2=\"" + std::to_string(bottom) + "\" stroke=\"#4a5568\"></line>\n";
  out += "<text x=\"" + std::to_string(label_width + plot / 2) + "\" y=\"" + std::to_string(bottom + 38) +
         "\" text-anchor=\"middle\">difference in outcome rate, completed minus not (percentage points)</text>"
         "<text x=\"4\" y=\"" +
         std::to_string(bottom + 38) + "\">outcome, archetype</text>\n</svg>\n";

  out +=
      "<table id=\"impact-table\"><thead><tr><th>outcome</th><th>archetype</th><th class=\"n\">completed</th>"
      "<th class=\"n\">rate</th><th class=\"n\">" +
      confidence +
      " CI</th><th class=\"n\">not completed</th>"
      "<th class=\"n\">rate</th><th class=\"n\">" +
      confidence +
      " CI</th><th class=\"n\">difference (pt)</th>"
      "<th class=\"n\">" +
      confidence + " CI (pt)</th><th>reason</th></tr></thead><tbody>\n";
  const auto rate = [](double value) {
    return std::isfinite(value) ? fixed(100.0 * value, 1) + "%" : std::string("–");
  };
  const auto range = [&](double lower, double upper, bool points_scale) {
    if (!std::isfinite(lower) || !std::isfinite(upper)) return std::string("–");
    return points_scale ? signed_points(lower) + " to " + signed_points(upper) : rate(lower) + " to " + rate(upper);
  };
  for (const impact_outcome& o : lm.impact) {
    for (std::size_t g = 0; g < m::group_count; ++g) {
      const m::impact_group& x = o.groups[g];
      if (x.accounts_completed + x.accounts_not_completed == 0) continue;
      out += "<tr data-outcome=\"" + escape(o.outcome) + "\" data-group=\"" + group_label(g) + "\"><td>" +
             escape(o.outcome) + "</td><td>" + group_label(g) + "</td><td class=\"n\">" +
             html::count(x.accounts_completed) + "</td><td class=\"n rate-completed\">" + rate(x.rate_completed) +
             "</td><td class=\"n\">" + range(x.completed_interval.lower, x.completed_interval.upper, false) +
             "</td><td class=\"n\">" + html::count(x.accounts_not_completed) +
             "</td><td class=\"n rate-not-completed\">" + rate(x.rate_not_completed) + "</td><td class=\"n\">" +
             range(x.not_completed_interval.lower, x.not_completed_interval.upper, false) +
             "</td><td class=\"n difference\">" + signed_points(x.difference.difference) + "</td><td class=\"n\">" +
             range(x.difference.lower, x.difference.upper, true) + "</td><td" + (small(x) ? " class=\"flag\"" : "") +
             ">" + escape(m::describe(x.reasons)) + "</td></tr>\n";
    }
  }
  return out + "</tbody></table>\n</figure>\n";
}

}  // namespace

std::vector<headline> lifecycle_headlines(const lifecycle_metrics& lm, std::size_t accounts) {
  std::vector<headline> lines;
  const auto total = static_cast<double>(accounts);
  for (const metric_row& r : leading_rows(lm)) {
    const double overall = r.value[m::overall_group];
    std::string text = r.name + " (" + r.stage + ", " + r.measure + "): " + shown(overall, r.kind) + " overall";
    double weight = 0.0;
    if (const auto ends = extremes(r)) {
      text += ", from " + shown(r.value[ends->first], r.kind) + " (" + group_label(ends->first) + ") to " +
              shown(r.value[ends->second], r.kind) + " (" + group_label(ends->second) + ")";
      const double spread = r.value[ends->second] - r.value[ends->first];
      weight = r.kind == unit::fraction ? spread : r.kind == unit::percent ? spread / 100.0 : 0.0;
    }
    lines.push_back({weight * total, text + "."});
  }
  for (const impact_outcome& o : lm.impact) {
    const m::impact_group& x = o.groups[m::overall_group];
    std::string text =
        o.outcome +
        " (renewal): " + (std::isfinite(x.rate_completed) ? fixed(100.0 * x.rate_completed, 1) + "%" : "–") +
        " of the accounts that completed onboarding against " +
        (std::isfinite(x.rate_not_completed) ? fixed(100.0 * x.rate_not_completed, 1) + "%" : "–") +
        " of the others (" + signed_points(x.difference.difference) + " points, " +
        fixed(100.0 * lm.impact_settings.confidence, 0) + "% CI " + signed_points(x.difference.lower) + " to " +
        signed_points(x.difference.upper) + ")";
    if (small(x)) text += "; a small group, too few accounts to act on alone";
    const double weight = std::isfinite(x.difference.difference) ? std::abs(x.difference.difference) : 0.0;
    lines.push_back({weight * total, text + "."});
  }
  return lines;
}

std::string lifecycle_section(const lifecycle_metrics& lm) {
  const std::vector<metric_row> rows = leading_rows(lm);
  std::string out =
      "<section id=\"lifecycle\">\n<h2>Onboarding and lifecycle</h2>\n<p class=\"lead\">Leading "
      "programme metrics (onboarding: funnel and courses; adoption: seats trained and active, "
      "community) beside the lagging business impact (renewal: outcomes of accounts that completed "
      "onboarding against the others), each labelled with its lifecycle stage.</p>\n<div class=\"pair\">\n";
  out += "<div>\n<h3>Leading: programme metrics</h3>\n";
  std::vector<html::bar> bars;
  for (const metric_row& r : rows) {
    if (r.kind == unit::days) continue;
    const double overall = r.value[m::overall_group];
    const double value = std::isfinite(overall) ? (r.kind == unit::fraction ? 100.0 * overall : overall) : 0.0;
    bars.push_back({r.stage + ": " + r.name, value, shown(overall, r.kind)});
  }
  out += html::bar_chart("leading-chart", "Leading metrics, every account",
                         "One bar per leading programme metric of every row together (the overall group), in "
                         "percent, labelled with its lifecycle stage; the per-archetype values are in the table "
                         "below the charts.",
                         "stage: metric", "percent", bars);
  out += "</div>\n<div>\n<h3>Lagging: business impact</h3>\n";
  if (lm.impact.empty()) {
    out += "<p>No impact table given (--metrics impact=FILE).</p>\n";
  } else {
    out += impact_chart(lm);
  }
  out += "</div>\n</div>\n<h3>Every metric per archetype</h3>\n";
  out += "<table id=\"lifecycle-table\"><thead><tr><th>stage</th><th>metric</th><th>measure</th><th>table</th>";
  for (std::size_t g = 0; g < m::group_count; ++g) out += "<th class=\"n\">" + group_label(g) + "</th>";
  out += "<th>reason (overall)</th></tr></thead><tbody>\n";
  for (const metric_row& r : rows) {
    out += "<tr data-metric=\"" + escape(r.name) + "\"><td>" + r.stage + "</td><td>" + escape(r.name) + "</td><td>" +
           escape(r.measure) + "</td><td>" + r.source + "</td>";
    for (std::size_t g = 0; g < m::group_count; ++g) {
      out += "<td class=\"n\" data-group=\"" + group_label(g) + "\"" +
             (r.present[g] ? "" : " title=\"" + escape(m::describe(r.reasons[g])) + "\"") + ">" +
             shown(r.value[g], r.kind) + "</td>";
    }
    out += "<td>" + escape(m::describe(r.reasons[m::overall_group])) + "</td></tr>\n";
  }
  if (rows.empty()) out += "<tr><td colspan=\"10\">no leading metric given</td></tr>\n";
  out +=
      "</tbody></table>\n<p class=\"lead\">– : no value (the reason names why: empty_group, zero_seats, ...). "
      "small_group: a side of the impact comparison has fewer than " +
      std::to_string(lm.impact_settings.min_group_size) +
      " accounts; its interval is given but too wide to act on alone.</p>\n";
  return out + "</section>\n";
}

}  // namespace riskscale::report
