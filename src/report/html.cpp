#include "report/html.hpp"

#include <algorithm>
#include <cstdio>

#include "riskscale/version.hpp"

namespace riskscale::report::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string count(std::size_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string percent(std::size_t part, std::size_t whole) {
  return fixed(whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole), 1) + "%";
}

namespace {

// The one style sheet: screen layout, then print (A4, a page per section, no navigation).
constexpr const char* style_sheet = R"(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1a202c;
  background: #fff; margin: 0; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { border-bottom: 3px solid #2b6cb0; padding-top: 12px; padding-bottom: 8px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 22px; margin: 28px 0 8px; border-bottom: 1px solid #cbd5e0; padding-bottom: 4px; }
h3 { font-size: 17px; margin: 18px 0 6px; }
nav ul { list-style: none; padding: 0; margin: 6px 0 0; display: flex; flex-wrap: wrap; gap: 14px; }
nav a { color: #2b6cb0; text-decoration: none; }
.lead { color: #4a5568; margin: 2px 0; }
.headlines li { margin: 4px 0; }
.pair { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.pair > * { flex: 0 1 auto; min-width: 0; }
figure { margin: 8px 0 16px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg { max-width: 100%; height: auto; font: 12px system-ui, "DejaVu Sans", sans-serif; }
svg text { fill: #2d3748; }
table { border-collapse: collapse; margin: 6px 0 14px; }
th, td { border: 1px solid #cbd5e0; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #edf2f7; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td { padding: 1px 4px; font-size: 11px; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.a0 { background: #c53030; } .a1 { background: #2f855a; } .a2 { background: #b7791f; } .a3 { background: #2b6cb0; }
.flag { color: #c05621; font-weight: 600; }
details summary { cursor: pointer; color: #2b6cb0; }
footer { color: #718096; font-size: 13px; border-top: 1px solid #cbd5e0; margin-top: 32px; padding-top: 8px;
  padding-bottom: 24px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  section { break-before: page; }
  section.first { break-before: auto; }
  figure, table, tr { break-inside: avoid; }
  details > summary { display: none; }
}
)";

}  // namespace

std::string page_begin(std::string_view title) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"riskscale " + std::string(riskscale::version) + "\">\n";
  out += "<title>" + escape(title) + "</title>\n<style>" + std::string(style_sheet) + "</style>\n</head>\n<body>\n";
  return out;
}

std::string page_end() {
  return "<footer><p>Made by riskscale " + std::string(riskscale::version) +
         " (model SPEC version 1.1) from the accounts given; every number is the library's. This page loads "
         "nothing from anywhere else.</p></footer>\n</body>\n</html>\n";
}

std::string bar_chart(std::string_view id, std::string_view title, std::string_view description,
                      std::string_view label_axis, std::string_view value_axis, const std::vector<bar>& bars) {
  const int label_width = 230, plot_width = 360, row = 24, top = 8;
  const int height = top + row * static_cast<int>(std::max<std::size_t>(bars.size(), 1)) + 44;
  const int width = label_width + plot_width + 130;
  double largest = 0.0;
  for (const bar& b : bars) largest = std::max(largest, b.value);
  const std::string svg_id(id);
  std::string out = "<figure>\n<figcaption>" + escape(title) + "</figcaption>\n";
  out += "<svg id=\"" + svg_id + "\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" aria-labelledby=\"" + svg_id + "-title " + svg_id + "-desc\">\n";
  out += "<title id=\"" + svg_id + "-title\">" + escape(title) + "</title>\n<desc id=\"" + svg_id + "-desc\">" +
         escape(description) + "</desc>\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = top + row * static_cast<int>(i);
    const double length = largest > 0.0 ? bars[i].value / largest * plot_width : 0.0;
    out += "<text x=\"" + std::to_string(label_width - 6) + "\" y=\"" + std::to_string(y + 16) +
           "\" text-anchor=\"end\">" + escape(bars[i].label) + "</text>";
    out += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 4) + "\" width=\"" +
           fixed(length, 1) + "\" height=\"" + std::to_string(row - 8) + "\" fill=\"#2b6cb0\"></rect>";
    out += "<text x=\"" + fixed(label_width + length + 6, 1) + "\" y=\"" + std::to_string(y + 16) + "\">" +
           escape(bars[i].shown) + "</text>\n";
  }
  const int axis_y = top + row * static_cast<int>(std::max<std::size_t>(bars.size(), 1)) + 4;
  out += "<line x1=\"" + std::to_string(label_width) + "\" y1=\"" + std::to_string(top) + "\" x2=\"" +
         std::to_string(label_width) + "\" y2=\"" + std::to_string(axis_y) + "\" stroke=\"#4a5568\"></line>";
  out += "<line x1=\"" + std::to_string(label_width) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" +
         std::to_string(label_width + plot_width) + "\" y2=\"" + std::to_string(axis_y) +
         "\" stroke=\"#4a5568\"></line>\n";
  out += "<text x=\"" + std::to_string(label_width + plot_width / 2) + "\" y=\"" + std::to_string(axis_y + 20) +
         "\" text-anchor=\"middle\">" + escape(value_axis) + " (0 to " + escape(fixed(largest, 0)) + ")</text>";
  out += "<text x=\"4\" y=\"" + std::to_string(axis_y + 20) + "\">" + escape(label_axis) + "</text>\n</svg>\n";
  out += "<table><thead><tr><th>" + escape(label_axis) + "</th><th class=\"n\">" + escape(value_axis) +
         "</th></tr></thead><tbody>\n";
  for (const bar& b : bars) {
    out += "<tr><td>" + escape(b.label) + "</td><td class=\"n\">" + escape(b.shown) + "</td></tr>\n";
  }
  if (bars.empty()) out += "<tr><td colspan=\"2\">none</td></tr>\n";
  return out + "</tbody></table>\n</figure>\n";
}

namespace {

constexpr const char* kind_colour[] = {"#2f855a", "#2b6cb0", "#c53030", "#718096", "#b7791f"};  // touchpoint_kind order

std::string channel_name(riskscale::channel c) {
  std::string name(to_string(c));
  std::replace(name.begin(), name.end(), '_', ' ');
  return name;
}

}  // namespace

std::string plan_timeline(std::string_view id, std::string_view title, const onboarding_plan& plan) {
  const int lane_label = 110, plot_width = 760, lane = 30, top = 34;
  const int lanes = static_cast<int>(channel_count);
  const int height = top + lane * lanes + 64;
  const int width = lane_label + plot_width + 30;
  const int days = std::max(plan.length_days - 1, 1);
  const auto x_of = [&](int day) { return lane_label + static_cast<double>(day) / days * plot_width; };
  const std::string svg_id(id);
  std::string out = "<svg id=\"" + svg_id + "\" role=\"img\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" aria-labelledby=\"" + svg_id + "-title " + svg_id + "-desc\">\n";
  out += "<title id=\"" + svg_id + "-title\">" + escape(title) + "</title>\n";
  out += "<desc id=\"" + svg_id + "-desc\">" + std::to_string(plan.touchpoints.size()) + " touchpoints over " +
         std::to_string(plan.length_days) +
         " days, one lane per channel (email, in product, live virtual, on site, "
         "lab, call); diamonds mark the " +
         std::to_string(plan.milestones.size()) + " milestones; the table below lists every touchpoint.</desc>\n";
  for (int c = 0; c < lanes; ++c) {
    const int y = top + lane * c;
    out += "<rect x=\"" + std::to_string(lane_label) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(plot_width) + "\" height=\"" + std::to_string(lane) + "\" fill=\"" +
           (c % 2 == 0 ? "#f7fafc" : "#edf2f7") + "\"></rect>";
    out += "<text x=\"" + std::to_string(lane_label - 6) + "\" y=\"" + std::to_string(y + 19) +
           "\" text-anchor=\"end\">" + escape(channel_name(static_cast<riskscale::channel>(c))) + "</text>\n";
  }
  for (const milestone& m : plan.milestones) {
    const std::string x = fixed(x_of(m.day), 1);
    out += "<line x1=\"" + x + "\" y1=\"" + std::to_string(top - 6) + "\" x2=\"" + x + "\" y2=\"" +
           std::to_string(top + lane * lanes) + "\" stroke=\"#c53030\" stroke-dasharray=\"3 3\"></line>";
    out += "<polygon points=\"" + fixed(x_of(m.day) - 6, 1) + "," + std::to_string(top - 12) + " " + x + "," +
           std::to_string(top - 18) + " " + fixed(x_of(m.day) + 6, 1) + "," + std::to_string(top - 12) + " " + x + "," +
           std::to_string(top - 6) + "\" fill=\"#c53030\"><title>" +
           escape("day " + std::to_string(m.day) + ", milestone: " + m.title + " (" + m.criterion + ")") +
           "</title></polygon>\n";
  }
  for (const touchpoint& t : plan.touchpoints) {
    const int y = top + lane * static_cast<int>(t.channel) + lane / 2;
    out += "<circle cx=\"" + fixed(x_of(t.day), 1) + "\" cy=\"" + std::to_string(y) + "\" r=\"5\" fill=\"" +
           kind_colour[static_cast<std::size_t>(t.kind)] + "\"><title>" +
           escape("day " + std::to_string(t.day) + ", " + std::string(to_string(t.kind)) + ": " + t.title) +
           "</title></circle>\n";
  }
  const int axis_y = top + lane * lanes;
  out += "<line x1=\"" + std::to_string(lane_label) + "\" y1=\"" + std::to_string(axis_y) + "\" x2=\"" +
         std::to_string(lane_label + plot_width) + "\" y2=\"" + std::to_string(axis_y) +
         "\" stroke=\"#4a5568\"></line>";
  for (int step = 0; step <= 4; ++step) {
    const int day = days * step / 4;
    out += "<text x=\"" + fixed(x_of(day), 1) + "\" y=\"" + std::to_string(axis_y + 16) + "\" text-anchor=\"middle\">" +
           std::to_string(day) + "</text>";
  }
  out += "\n<text x=\"" + std::to_string(lane_label + plot_width / 2) + "\" y=\"" + std::to_string(axis_y + 34) +
         "\" text-anchor=\"middle\">day of the plan (0 = welcome day)</text>";
  out += "<text x=\"4\" y=\"14\">channel</text>";
  // Legend: the touchpoint kinds.
  int legend_x = lane_label;
  for (std::size_t k = 0; k < touchpoint_kind_ids.size(); ++k) {
    out += "<circle cx=\"" + std::to_string(legend_x + 5) + "\" cy=\"" + std::to_string(axis_y + 50) +
           "\" r=\"5\" fill=\"" + kind_colour[k] + "\"></circle><text x=\"" + std::to_string(legend_x + 14) +
           "\" y=\"" + std::to_string(axis_y + 54) + "\">" + escape(touchpoint_kind_ids[k]) + "</text>";
    legend_x += 110;
  }
  return out + "\n</svg>\n";
}

std::string touchpoint_table(const onboarding_plan& plan, bool with_detail) {
  std::string out =
      "<table><thead><tr><th class=\"n\">day</th><th>date</th><th>stage</th><th>channel</th>"
      "<th>kind</th><th>title</th>";
  out += with_detail ? "<th>detail</th></tr></thead><tbody>\n" : "</tr></thead><tbody>\n";
  for (const touchpoint& t : plan.touchpoints) {
    out += "<tr><td class=\"n\">" + std::to_string(t.day) + "</td><td>" + t.date.to_string() + "</td><td>" +
           std::string(to_string(t.stage)) + "</td><td>" + escape(channel_name(t.channel)) + "</td><td>" +
           std::string(to_string(t.kind)) + "</td><td>" + escape(t.title) + "</td>";
    if (with_detail) out += "<td>" + escape(t.detail) + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

}  // namespace riskscale::report::html
