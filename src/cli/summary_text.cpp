#include "cli/summary_text.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace riskscale::cli {
namespace {

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", share * 100.0);
  return text;
}

std::string fixed(double value, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string padded(const std::string& text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

double share_of(std::size_t count, std::size_t total) {
  return total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
}

}  // namespace

std::string with_thousands(std::size_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string render_summary(const portfolio_summary& summary, const policy& pol, summary_format format) {
  const auto& catalog = pol.catalog();
  const std::size_t accounts = summary.accounts();
  const std::vector<std::size_t> top = summary.top_formats();
  if (format == summary_format::json) {
    nlohmann::ordered_json doc;
    doc["accounts"] = accounts;
    doc["rejected"] = summary.invalid();
    nlohmann::ordered_json per_archetype = nlohmann::ordered_json::object();
    for (archetype type : all_archetypes) {
      per_archetype[std::string(to_string(type))] = {{"accounts", summary.count(type)}, {"share", summary.share(type)}};
    }
    doc["archetypes"] = per_archetype;
    doc["borderline"] = summary.borderline();
    doc["mean_scores"] = {{"risk_score", summary.mean_risk_score()},
                          {"scale_score", summary.mean_scale_score()},
                          {"frequency_score", summary.mean_frequency_score()},
                          {"reach_score", summary.mean_reach_score()}};
    nlohmann::ordered_json formats = nlohmann::ordered_json::array();
    for (std::size_t k : top) {
      formats.push_back({{"format", catalog[k].id},
                         {"accounts", summary.format_counts()[k]},
                         {"share", share_of(summary.format_counts()[k], accounts)},
                         {"first_choice", summary.first_choice_counts()[k]}});
    }
    doc["recommended_formats"] = formats;
    nlohmann::ordered_json closest = nlohmann::ordered_json::array();
    for (const auto& entry : summary.closest_to_threshold()) {
      closest.push_back({{"account_id", entry.account_id},
                         {"archetype", std::string(to_string(entry.archetype))},
                         {"margin", entry.margin}});
    }
    doc["closest_to_threshold"] = closest;
    // Account ids come from users' files: invalid UTF-8 becomes U+FFFD (the caller warns).
    return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }

  const bool markdown = format == summary_format::markdown;
  std::string out;
  out += markdown ? "# Portfolio summary\n\n" : "";
  out += with_thousands(accounts) + " accounts classified, " + with_thousands(summary.invalid()) + " rejected\n\n";
  if (markdown) {
    out += "| archetype | accounts | share |\n|---|---:|---:|\n";
    for (archetype type : all_archetypes) {
      out += "| " + std::string(to_string(type)) + " | " + with_thousands(summary.count(type)) + " | " +
             percent(summary.share(type)) + " |\n";
    }
  } else {
    out += padded("archetype", 24) + padded("accounts", 10, true) + padded("share", 9, true) + "\n";
    for (archetype type : all_archetypes) {
      out += padded(std::string(to_string(type)), 24) + padded(with_thousands(summary.count(type)), 10, true) +
             padded(percent(summary.share(type)), 9, true) + "\n";
    }
  }
  out += "\nborderline (margin < " + fixed(pol.settings().borderline_band, 2) +
         "): " + with_thousands(summary.borderline()) + " accounts (" +
         percent(share_of(summary.borderline(), accounts)) + ")\n";
  out += "mean scores: risk " + fixed(summary.mean_risk_score(), 3) + ", scale " +
         fixed(summary.mean_scale_score(), 3) + " (frequency " + fixed(summary.mean_frequency_score(), 3) + ", reach " +
         fixed(summary.mean_reach_score(), 3) + ")\n\n";
  if (markdown) {
    out += "## Most recommended formats\n\n| format | accounts | share | first choice |\n|---|---:|---:|---:|\n";
  } else {
    out += "most recommended formats" + std::string(12, ' ') + padded("accounts", 10, true) + padded("share", 9, true) +
           padded("first", 8, true) + "\n";
  }
  for (std::size_t k : top) {
    const std::size_t count = summary.format_counts()[k];
    if (markdown) {
      out += "| " + catalog[k].id + " | " + with_thousands(count) + " | " + percent(share_of(count, accounts)) + " | " +
             with_thousands(summary.first_choice_counts()[k]) + " |\n";
    } else {
      out += "  " + padded(catalog[k].id, 34) + padded(with_thousands(count), 10, true) +
             padded(percent(share_of(count, accounts)), 9, true) +
             padded(with_thousands(summary.first_choice_counts()[k]), 8, true) + "\n";
    }
  }
  out += markdown ? "\n## Closest to changing quadrant\n\n| account_id | archetype | margin |\n|---|---|---:|\n"
                  : "\nclosest to changing quadrant\n";
  for (const auto& entry : summary.closest_to_threshold()) {
    if (markdown) {
      out += "| " + entry.account_id + " | " + std::string(to_string(entry.archetype)) + " | " +
             fixed(entry.margin, 4) + " |\n";
    } else {
      out += "  " + padded(entry.account_id, 20) + padded(std::string(to_string(entry.archetype)), 24) +
             fixed(entry.margin, 4) + "\n";
    }
  }
  return out;
}

}  // namespace riskscale::cli
