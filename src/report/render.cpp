// riskscale report: the portfolio report and the welcome pack as HTML, from report_data.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "report/html.hpp"
#include "report/report.hpp"
#include "riskscale/assess.hpp"

namespace riskscale::report {
namespace {

using html::count;
using html::escape;
using html::fixed;
using html::percent;

std::string tag(archetype type) {
  return "<span class=\"tag a" + std::to_string(static_cast<int>(type)) + "\">" + std::string(to_string(type)) +
         "</span>";
}

std::string signed_fixed(double value, int digits) { return (value >= 0 ? "+" : "") + fixed(value, digits); }

std::string signed_count(long long value) {
  return (value > 0 ? "+" : value < 0 ? "-" : "") + count(static_cast<std::size_t>(std::llabs(value)));
}

// The opening summary: the metrics that changed most (with a previous snapshot) or weigh most, in words.
std::string headlines(const report_data& data) {
  const portfolio_summary& s = data.summary;
  const std::size_t total = s.accounts();
  struct line {
    double weight;
    std::string text;
  };
  std::vector<line> lines;
  if (data.movement) {
    const movement& m = *data.movement;
    for (archetype type : all_archetypes) {
      const auto a = static_cast<std::size_t>(type);
      const long long change = static_cast<long long>(s.count(type)) - static_cast<long long>(m.previous_counts[a]);
      lines.push_back({static_cast<double>(std::llabs(change)) + 0.5,
                       std::string(display_name(type)) + ": " + count(m.previous_counts[a]) + " → " +
                           count(s.count(type)) + " accounts (" + signed_count(change) + ")."});
    }
    const std::size_t moved = m.counts[drift_status::moved];
    std::string text = count(moved) + " accounts moved quadrant since the previous snapshot";
    if (!m.drivers.empty())
      text += ", most often driven by " + m.drivers.front().first + " (" + count(m.drivers.front().second) + ")";
    lines.push_back({static_cast<double>(moved), text + "; " + count(m.counts[drift_status::new_account]) + " new, " +
                                                     count(m.counts[drift_status::gone]) + " gone."});
  } else {
    for (archetype type : all_archetypes) {
      lines.push_back({static_cast<double>(s.count(type)),
                       percent(s.count(type), total) + " of the accounts (" + count(s.count(type)) + ") are " +
                           std::string(display_name(type)) + ": " + std::string(description(type)) + "."});
    }
  }
  // With a previous snapshot the changes lead; the borderline count is a level, so it comes last.
  lines.push_back({data.movement ? -1.0 : static_cast<double>(s.borderline()),
                   count(s.borderline()) + " accounts (" + percent(s.borderline(), total) +
                       ") are borderline: within " + fixed(data.policy.settings().borderline_band, 2) +
                       " of a line, so a small change moves them."});
  for (const headline& h : lifecycle_headlines(data.lifecycle, total)) lines.push_back({h.weight, h.text});
  std::stable_sort(lines.begin(), lines.end(), [](const line& a, const line& b) { return a.weight > b.weight; });
  std::string out =
      "<section id=\"summary\" class=\"first\">\n<h2>Summary</h2>\n<p class=\"lead\">" +
      std::string(data.movement
                      ? (data.lifecycle.empty() ? "What changed most since the previous snapshot comes first."
                                                : "What changed most since the previous snapshot and the metrics "
                                                  "that vary most across the archetypes come first.")
                  : data.lifecycle.empty() ? "The largest groups come first."
                                           : "The largest groups and the metrics that vary most across the archetypes "
                                             "come first.") +
      "</p>\n<ol class=\"headlines\" id=\"headlines\">\n";
  for (const line& l : lines) out += "<li>" + escape(l.text) + "</li>\n";
  return out + "</ol>\n</section>\n";
}

std::string metric_text(std::string_view metric, double value) {
  if (metric == "accounts" || metric == "rejected" || metric == "moved" || metric == "new_accounts" ||
      metric == "gone") {
    return count(static_cast<std::size_t>(value));
  }
  if (metric.find("share") != std::string_view::npos) return fixed(100.0 * value, 1) + "%";
  return fixed(value, 3);
}

// Each goal's metric against its target: a bar for the value, a mark for the target, and the table.
std::string goals_section(const report_data& data, const std::vector<goal>& goals) {
  const int label_width = 260, plot_width = 420, row = 30, top = 8;
  const int height = top + row * static_cast<int>(goals.size()) + 40, width = label_width + plot_width + 150;
  std::string out =
      "<section id=\"goals\">\n<h2>Goals</h2>\n<p class=\"lead\">Each business initiative with the "
      "report metric that tracks it, against its target.</p>\n<figure>\n<figcaption>Metrics against "
      "their targets</figcaption>\n";
  out += "<svg id=\"goals-chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" aria-labelledby=\"goals-chart-title goals-chart-desc\">\n<title id=\"goals-chart-title\">Metrics against "
         "their targets</title>\n<desc id=\"goals-chart-desc\">One row per goal: the bar is the metric's value, the "
         "dark mark its target, each row on its own scale (0 to the larger of the two); the table below gives the "
         "numbers.</desc>\n";
  std::string table =
      "<table id=\"goal-table\"><thead><tr><th>initiative</th><th>metric</th><th class=\"n\">value</th>"
      "<th class=\"n\">target</th><th>status</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < goals.size(); ++i) {
    const goal& g = goals[i];
    const std::optional<double> value = metric_value(data, g.metric);
    const bool met = value && (g.at_most ? *value <= g.target : *value >= g.target);
    const std::string status = !value ? "not measured (needs a previous snapshot)" : met ? "met" : "not met";
    const int y = top + row * static_cast<int>(i);
    out += "<text x=\"" + std::to_string(label_width - 6) + "\" y=\"" + std::to_string(y + 19) +
           "\" text-anchor=\"end\">" + escape(g.initiative) + "</text>";
    const double scale = std::max({value.value_or(0.0), g.target, 1e-12}) * 1.1;
    if (value) {
      out += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 6) + "\" width=\"" +
             fixed(std::max(*value, 0.0) / scale * plot_width, 1) + "\" height=\"" + std::to_string(row - 12) +
             "\" fill=\"" + (met ? "#2f855a" : "#c05621") + "\"></rect>";
    }
    const std::string mark = fixed(label_width + std::max(g.target, 0.0) / scale * plot_width, 1);
    out += "<line x1=\"" + mark + "\" y1=\"" + std::to_string(y + 2) + "\" x2=\"" + mark + "\" y2=\"" +
           std::to_string(y + row - 2) + "\" stroke=\"#1a202c\" stroke-width=\"3\"></line>";
    out +=
        "<text x=\"" + std::to_string(label_width + plot_width + 8) + "\" y=\"" + std::to_string(y + 19) + "\">" +
        escape((value ? metric_text(g.metric, *value) : std::string("n/a")) + " / " + metric_text(g.metric, g.target)) +
        "</text>\n";
    table += "<tr><td>" + escape(g.initiative) + "</td><td>" + escape(g.metric) + "</td><td class=\"n\">" +
             (value ? metric_text(g.metric, *value) : std::string()) + "</td><td class=\"n\">" +
             (g.at_most ? "at most " : "at least ") + metric_text(g.metric, g.target) + "</td><td" +
             (met || !value ? "" : " class=\"flag\"") + ">" + status + "</td></tr>\n";
  }
  const int axis_y = top + row * static_cast<int>(goals.size()) + 2;
  out += "<line x1=\"" + std::to_string(label_width) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" +
         std::to_string(label_width + plot_width) + "\" y2=\"" + std::to_string(axis_y) +
         "\" stroke=\"#4a5568\"></line>";
  out += "<text x=\"" + std::to_string(label_width + plot_width / 2) + "\" y=\"" + std::to_string(axis_y + 20) +
         "\" text-anchor=\"middle\">value (bar) and target (mark)</text><text x=\"4\" y=\"" +
         std::to_string(axis_y + 20) + "\">initiative</text>\n</svg>\n";
  return out + table + "</tbody></table>\n</figure>\n</section>\n";
}

std::string density_chart(const report_data& data) {
  const score_density& grid = data.density;
  const policy_settings& settings = data.policy.settings();
  const int left = 64, top = 16, plot = 400, bottom = 52, right = 16;
  const int width = left + plot + right, height = top + plot + bottom;
  const std::size_t bins = grid.bins();
  const double cell = static_cast<double>(plot) / static_cast<double>(bins);
  const double largest = static_cast<double>(std::max<std::size_t>(grid.max_count(), 1));
  const auto x_of = [&](double scale) { return left + scale * plot; };
  const auto y_of = [&](double risk) { return top + (1.0 - risk) * plot; };
  std::string out = "<figure>\n<figcaption>Accounts on the risk-scale matrix</figcaption>\n";
  out += "<svg id=\"matrix-chart\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" aria-labelledby=\"matrix-chart-title matrix-chart-desc\">\n";
  out += "<title id=\"matrix-chart-title\">Accounts on the risk-scale matrix</title>\n";
  out += "<desc id=\"matrix-chart-desc\">A density grid of " + count(grid.total()) + " accounts in " +
         std::to_string(bins) + " by " + std::to_string(bins) +
         " cells: scale score across, risk score up; darker cells hold more accounts (the darkest " +
         count(grid.max_count()) + "). Dashed lines mark the risk threshold " + fixed(settings.risk_threshold, 2) +
         " and the scale threshold " + fixed(settings.scale_threshold, 2) +
         ". The archetype table and the grid's counts follow.</desc>\n";
  out += "<rect x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(top) + "\" width=\"" + std::to_string(plot) +
         "\" height=\"" + std::to_string(plot) + "\" fill=\"#f7fafc\" stroke=\"#4a5568\"></rect>\n";
  for (std::size_t r = 0; r < bins; ++r) {
    for (std::size_t c = 0; c < bins; ++c) {
      const std::size_t n = grid.count(r, c);
      if (n == 0) continue;
      const double opacity = 0.15 + 0.85 * std::sqrt(static_cast<double>(n) / largest);
      out += "<rect x=\"" + fixed(left + static_cast<double>(c) * cell, 1) + "\" y=\"" +
             fixed(top + static_cast<double>(bins - 1 - r) * cell, 1) + "\" width=\"" + fixed(cell, 1) +
             "\" height=\"" + fixed(cell, 1) + "\" fill=\"#2c5282\" fill-opacity=\"" + fixed(opacity, 3) +
             "\"><title>" + count(n) + " accounts</title></rect>";
    }
  }
  out += "\n";
  const std::string threshold_x = fixed(x_of(settings.scale_threshold), 1);
  const std::string threshold_y = fixed(y_of(settings.risk_threshold), 1);
  out += "<line x1=\"" + threshold_x + "\" y1=\"" + std::to_string(top) + "\" x2=\"" + threshold_x + "\" y2=\"" +
         std::to_string(top + plot) + "\" stroke=\"#c53030\" stroke-width=\"2\" stroke-dasharray=\"6 4\"></line>\n";
  out += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + threshold_y + "\" x2=\"" + std::to_string(left + plot) +
         "\" y2=\"" + threshold_y + "\" stroke=\"#c53030\" stroke-width=\"2\" stroke-dasharray=\"6 4\"></line>\n";
  // Quadrant names in the corners (SPEC §1 order: HSHR top right, HSLR bottom right, LSHR top left, LSLR bottom left).
  const struct {
    archetype type;
    int x, y;
    const char* anchor;
  } corners[] = {{archetype::high_scale_high_risk, left + plot - 6, top + 16, "end"},
                 {archetype::high_scale_low_risk, left + plot - 6, top + plot - 8, "end"},
                 {archetype::low_scale_high_risk, left + 6, top + 16, "start"},
                 {archetype::low_scale_low_risk, left + 6, top + plot - 8, "start"}};
  for (const auto& corner : corners) {
    out += "<text x=\"" + std::to_string(corner.x) + "\" y=\"" + std::to_string(corner.y) + "\" text-anchor=\"" +
           corner.anchor + "\" font-weight=\"600\">" + escape(display_name(corner.type)) + " (" +
           count(data.summary.count(corner.type)) + ")</text>\n";
  }
  for (int step = 0; step <= 4; ++step) {
    const double value = step / 4.0;
    out += "<text x=\"" + fixed(x_of(value), 1) + "\" y=\"" + std::to_string(top + plot + 16) +
           "\" text-anchor=\"middle\">" + fixed(value, 2) + "</text>";
    out += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + fixed(y_of(value) + 4, 1) + "\" text-anchor=\"end\">" +
           fixed(value, 2) + "</text>";
  }
  out += "\n<text x=\"" + std::to_string(left + plot / 2) + "\" y=\"" + std::to_string(top + plot + 38) +
         "\" text-anchor=\"middle\">scale score (frequency × reach)</text>\n";
  out += "<text transform=\"translate(16 " + std::to_string(top + plot / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">risk score</text>\n</svg>\n</figure>\n";
  return out;
}

std::string grid_table(const score_density& grid) {
  const std::size_t bins = grid.bins();
  std::string out = "<details>\n<summary>The grid's counts (risk score rows, scale score columns)</summary>\n";
  out += "<table class=\"grid\" id=\"matrix-grid\"><thead><tr><th>risk \\ scale</th>";
  for (std::size_t c = 0; c < bins; ++c) out += "<th class=\"n\">" + fixed(static_cast<double>(c) / bins, 2) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (std::size_t r = bins; r-- > 0;) {
    out += "<tr><th>" + fixed(static_cast<double>(r) / bins, 2) + "</th>";
    for (std::size_t c = 0; c < bins; ++c) {
      const std::size_t n = grid.count(r, c);
      out += "<td class=\"n\">" + (n == 0 ? std::string() : count(n)) + "</td>";
    }
    out += "</tr>\n";
  }
  return out +
         "</tbody></table>\n<p class=\"lead\">Each cell starts at the score shown and ends below the next.</p>\n"
         "</details>\n";
}

std::string portfolio_section(const report_data& data) {
  const portfolio_summary& s = data.summary;
  const std::size_t total = s.accounts();
  std::string out = "<section id=\"portfolio\">\n<h2>Portfolio</h2>\n<p class=\"lead\">" + count(total) +
                    " accounts classified, " + count(s.invalid()) + " rejected; mean risk " +
                    fixed(s.mean_risk_score(), 3) + ", mean scale " + fixed(s.mean_scale_score(), 3) + " (frequency " +
                    fixed(s.mean_frequency_score(), 3) + ", reach " + fixed(s.mean_reach_score(), 3) +
                    ").</p>\n<div class=\"pair\">\n" + density_chart(data) + "<div>\n<h3>Archetypes</h3>\n";
  out +=
      "<table id=\"archetypes\"><thead><tr><th>archetype</th><th class=\"n\">accounts</th><th class=\"n\">share</th>"
      "<th class=\"n\">borderline</th></tr></thead><tbody>\n";
  for (archetype type : all_archetypes) {
    out += "<tr data-archetype=\"" + std::string(to_string(type)) + "\"><td>" + tag(type) +
           "</td><td class=\"n count\">" + count(s.count(type)) + "</td><td class=\"n\">" +
           percent(s.count(type), total) + "</td><td class=\"n borderline\">" + count(s.borderline(type)) +
           "</td></tr>\n";
  }
  out += "<tr><td>all</td><td class=\"n\" id=\"accounts-count\">" + count(total) +
         "</td><td class=\"n\">100.0%</td><td class=\"n\" id=\"borderline-count\">" + count(s.borderline()) +
         "</td></tr>\n";
  out += "<tr><td>rejected</td><td class=\"n\" id=\"rejected-count\">" + count(s.invalid()) +
         "</td><td></td><td></td></tr>\n</tbody></table>\n<p class=\"lead\">Borderline: within " +
         fixed(data.policy.settings().borderline_band, 2) + " of a threshold (SPEC §4).</p>\n";
  out += "<ul class=\"lead\">\n";
  for (archetype type : all_archetypes) {
    out += "<li>" + tag(type) + " " + escape(description(type)) + "</li>\n";
  }
  out += "</ul>\n</div>\n</div>\n" + grid_table(data.density);
  std::vector<html::bar> bars;
  const auto& catalog = data.policy.catalog();
  for (std::size_t k : s.top_formats()) {
    const std::size_t n = s.format_counts()[k];
    bars.push_back({catalog[k].id, static_cast<double>(n), count(n) + " (" + percent(n, total) + ")"});
  }
  out += "<h3>Most recommended training formats</h3>\n";
  out += html::bar_chart("formats-chart", "Accounts recommended each training format",
                         "One bar per training format recommended to at least one account, most first; the table "
                         "below gives the counts.",
                         "training format", "accounts", bars);
  return out + "</section>\n";
}

std::string talk_section(const report_data& data) {
  std::string out =
      "<section id=\"talk\">\n<h2>Accounts to talk about</h2>\n<h3>Closest to a line</h3>\n"
      "<p class=\"lead\">The accounts with the smallest margin (SPEC §4): a small change in their "
      "inputs moves them to another quadrant and another programme.</p>\n";
  out +=
      "<table id=\"closest\"><thead><tr><th>account</th><th>archetype</th><th class=\"n\">margin</th>"
      "<th>why it sits there</th></tr></thead><tbody>\n";
  for (const account_note& note : data.closest) {
    out += "<tr><td>" + escape(note.account_id) + "</td><td>" + tag(note.archetype) + "</td><td class=\"n\">" +
           fixed(note.margin, 4) + "</td><td>" + escape(note.explanation) + "</td></tr>\n";
  }
  if (data.closest.empty()) out += "<tr><td colspan=\"4\">no classified account</td></tr>\n";
  out += "</tbody></table>\n";
  if (data.movement) {
    out +=
        "<h3>Top movers</h3>\n<p class=\"lead\">Accounts that moved quadrant since the previous snapshot, the "
        "largest change first (|risk change| + |scale change|), with the input that drove the move (SPEC §11).</p>\n";
    out +=
        "<table id=\"movers\"><thead><tr><th>account</th><th>from</th><th>to</th><th class=\"n\">risk change</th>"
        "<th class=\"n\">scale change</th><th>driver</th><th>why</th></tr></thead><tbody>\n";
    for (const account_move& m : data.movement->top_movers) {
      out += "<tr><td>" + escape(m.account_id) + "</td><td>" + tag(m.from) + "</td><td>" + tag(m.to) +
             "</td><td class=\"n\">" + signed_fixed(m.risk_change, 3) + "</td><td class=\"n\">" +
             signed_fixed(m.scale_change, 3) + "</td><td>" + escape(m.driver) + "</td><td>" + escape(m.reason) +
             "</td></tr>\n";
    }
    if (data.movement->top_movers.empty()) out += "<tr><td colspan=\"7\">no account moved quadrant</td></tr>\n";
    out += "</tbody></table>\n";
  }
  return out + "</section>\n";
}

std::string movement_section(const movement& m) {
  std::string out = "<section id=\"movement\">\n<h2>Movement</h2>\n<p class=\"lead\">" + count(m.matrix.total()) +
                    " distinct accounts in the two snapshots: ";
  for (std::size_t s = 0; s < drift_status_count; ++s) {
    const auto status = static_cast<drift_status>(s);
    out += std::string(s == 0 ? "" : ", ") + std::string(to_string(status)) + " " + count(m.counts[status]);
  }
  out += ".</p>\n<h3>Transition matrix</h3>\n";
  out +=
      "<table id=\"transitions\"><caption>Accounts by archetype in the previous snapshot (rows) and in this one "
      "(columns)</caption><thead><tr><th>previous \\ now</th>";
  std::uint64_t largest = 1;
  for (const auto& row : m.matrix.counts) {
    for (std::uint64_t cell : row) largest = std::max(largest, cell);
  }
  for (std::size_t j = 0; j < drift_matrix_size; ++j) {
    out += "<th class=\"n\">" + std::string(drift_matrix::column_label(j)) + "</th>";
  }
  out += "</tr></thead><tbody>\n";
  for (std::size_t i = 0; i < drift_matrix_size; ++i) {
    out += "<tr><th>" + std::string(drift_matrix::row_label(i)) + "</th>";
    for (std::size_t j = 0; j < drift_matrix_size; ++j) {
      const std::uint64_t n = m.matrix.counts[i][j];
      const double shade = n == 0 ? 0.0 : 0.1 + 0.5 * static_cast<double>(n) / static_cast<double>(largest);
      out += "<td class=\"n\" data-row=\"" + std::string(drift_matrix::row_label(i)) + "\" data-column=\"" +
             std::string(drift_matrix::column_label(j)) + "\"" +
             (n == 0 ? std::string() : " style=\"background: rgba(43, 108, 176, " + fixed(shade, 2) + ")\"") + ">" +
             count(n) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n<div class=\"pair\">\n<div>\n<h3>Alerts</h3>\n";
  std::vector<html::bar> alerts, drivers;
  for (const auto& [kind, n] : m.alerts) alerts.push_back({kind, static_cast<double>(n), count(n)});
  for (const auto& [driver, n] : m.drivers) drivers.push_back({driver, static_cast<double>(n), count(n)});
  out += html::bar_chart("alerts-chart", "Alerts per kind",
                         "One bar per alert kind (SPEC §11 drift: a line crossed, a new or a gone account); the "
                         "table below gives the counts.",
                         "alert", "alerts", alerts);
  out += "</div>\n<div>\n<h3>Drivers</h3>\n";
  out += html::bar_chart("drivers-chart", "What moved the accounts",
                         "One bar per input that drove at least one account across a line (the largest Shapley "
                         "cause, SPEC §11), most first; the table below gives the counts.",
                         "driver", "moved accounts", drivers);
  return out + "</div>\n</div>\n</section>\n";
}

std::string journeys_section(const report_data& data) {
  std::string out =
      "<section id=\"journeys\">\n<h2>Journey map</h2>\n<p class=\"lead\">" +
      std::string(data.plans_given ? "The given plans: for each archetype present, the touchpoints of its most typical "
                                     "planned account (the planned account of that archetype with the largest "
                                     "membership in it)"
                                   : "The onboarding plan of a typical account of each archetype (the account with "
                                     "the largest membership in it, product traits at their defaults)") +
      ": its touchpoints by channel over the plan's days, milestones marked.</p>\n";
  for (const journey& j : data.journeys) {
    const std::string id(to_string(j.archetype));
    out += "<h3 id=\"journey-" + id + "\">" + escape(display_name(j.archetype)) + ": " + escape(j.account_id) +
           "</h3>\n<figure>\n";
    out += html::plan_timeline(
        "journey-chart-" + id,
        "Onboarding journey of " + j.account_id + " (" + id + "), " + std::to_string(j.plan.length_days) + " days",
        j.plan);
    out += "<details>\n<summary>Its " + std::to_string(j.plan.touchpoints.size()) + " touchpoints</summary>\n" +
           html::touchpoint_table(j.plan, false) + "</details>\n</figure>\n";
  }
  if (data.journeys.empty()) out += "<p>No classified account, so no plan.</p>\n";
  return out + "</section>\n";
}

}  // namespace

std::string render_report(const report_data& data, const report_options& options) {
  std::string out = html::page_begin(options.title);
  out += "<header>\n<h1>" + escape(options.title) + "</h1>\n<p class=\"lead\">" + count(data.summary.accounts()) +
         " accounts on the risk-scale onboarding matrix" +
         (data.movement ? ", compared with the previous snapshot" : std::string()) + ".</p>\n<nav><ul>";
  out += "<li><a href=\"#summary\">Summary</a></li>";
  if (!options.goals.empty()) out += "<li><a href=\"#goals\">Goals</a></li>";
  out +=
      "<li><a href=\"#portfolio\">Portfolio</a></li>"
      "<li><a href=\"#talk\">Accounts to talk about</a></li>";
  if (data.movement) out += "<li><a href=\"#movement\">Movement</a></li>";
  if (!data.lifecycle.empty()) out += "<li><a href=\"#lifecycle\">Onboarding and lifecycle</a></li>";
  out += "<li><a href=\"#journeys\">Journey map</a></li></ul></nav>\n</header>\n<main>\n";
  out += headlines(data);
  if (!options.goals.empty()) out += goals_section(data, options.goals);
  out += portfolio_section(data);
  out += talk_section(data);
  if (data.movement) out += movement_section(*data.movement);
  if (!data.lifecycle.empty()) out += lifecycle_section(data.lifecycle);
  out += journeys_section(data);
  return out + "</main>\n" + html::page_end();
}

std::string render_welcome_pack(const assessment& assessed, const onboarding_plan& plan,
                                const report_options& options) {
  const policy& pol = assessed.policy;
  const std::string id = assessed.account_id;
  std::string out = html::page_begin("Welcome pack: " + id);
  out += "<header>\n<h1>Welcome, " + escape(id) + "</h1>\n<p class=\"lead\">Your onboarding programme, " +
         plan.start.to_string() + " to " + plan.end.to_string() + " (" + std::to_string(plan.length_days) +
         " days).</p>\n</header>\n<main>\n";
  out += "<section id=\"programme\" class=\"first\">\n<h2>Your programme</h2>\n<p>" + tag(assessed.archetype) +
         " <strong>" + escape(display_name(assessed.archetype)) +
         "</strong>: " + escape(description(assessed.archetype)) + ".</p>\n";
  out += "<p>Risk " + fixed(assessed.risk_score, 2) + (assessed.high_risk() ? " (high: at least " : " (low: below ") +
         fixed(pol.settings().risk_threshold, 2) + "), scale " + fixed(assessed.scale_score, 2) +
         (assessed.high_scale() ? " (high: at least " : " (low: below ") + fixed(pol.settings().scale_threshold, 2) +
         ").</p>\n";
  if (!plan.welcome_messages.empty()) {
    out += "<h3>Welcome</h3>\n<ul id=\"welcome\">\n";
    for (const std::string& message : plan.welcome_messages) out += "<li>" + escape(message) + "</li>\n";
    out += "</ul>\n";
  }
  out += "<h3>Recommended training formats</h3>\n<ol id=\"training-formats\">\n";
  for (const recommendation& r : assessed.recommendations) {
    const training_format& format = assessed.format(r);
    out += "<li><strong>" + escape(format.name) + "</strong> (" + escape(format.id) + ")" +
           (format.description.empty() ? std::string() : ": " + escape(format.description)) + "</li>\n";
  }
  if (assessed.recommendations.empty()) out += "<li>none reaches the minimum score</li>\n";
  out += "</ol>\n<h3>Recommended content</h3>\n<ol id=\"content-formats\">\n";
  for (const content_recommendation& c : plan.content) {
    const content_format& format = pol.settings().content->formats[c.format_index];
    out += "<li><strong>" + escape(format.name) + "</strong> (" + escape(format.id) +
           "): " + escape(format.description) + (c.reason.empty() ? std::string() : "; " + escape(c.reason)) +
           "</li>\n";
  }
  if (plan.content.empty()) out += "<li>none reaches the minimum score</li>\n";
  out += "</ol>\n</section>\n";

  out += "<section id=\"timeline\">\n<h2>Your plan as a timeline</h2>\n<figure>\n";
  out += html::plan_timeline("plan-chart",
                             "Onboarding plan of " + id + ", " + std::to_string(plan.length_days) + " days", plan);
  out += "</figure>\n<h3>Every touchpoint</h3>\n" + html::touchpoint_table(plan, true) + "</section>\n";

  out +=
      "<section id=\"milestones\">\n<h2>Milestones</h2>\n<table><thead><tr><th class=\"n\">day</th><th>date</th>"
      "<th>milestone</th><th>how we know it is reached</th><th>who</th></tr></thead><tbody>\n";
  for (const milestone& m : plan.milestones) {
    out += "<tr><td class=\"n\">" + std::to_string(m.day) + "</td><td>" + m.date.to_string() + "</td><td>" +
           escape(m.title) + "</td><td>" + escape(m.criterion) + "</td><td>" + std::string(to_string(m.audience)) +
           "</td></tr>\n";
  }
  out += "</tbody></table>\n<h2>Support contacts</h2>\n<ul id=\"support\">\n";
  for (const support_resource& r : plan.support) {
    out += "<li><strong>" + escape(r.name) + "</strong>" + (r.where.empty() ? std::string() : ": " + escape(r.where)) +
           "</li>\n";
  }
  if (plan.support.empty()) out += "<li>your customer success manager</li>\n";
  out += "</ul>\n";
  if (!plan.notes.empty()) {
    out += "<h3>Notes</h3>\n<ul>\n";
    for (const std::string& note : plan.notes) out += "<li>" + escape(note) + "</li>\n";
    out += "</ul>\n";
  }
  (void)options;
  return out + "</section>\n</main>\n" + html::page_end();
}

}  // namespace riskscale::report
