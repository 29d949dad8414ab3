#include "report/goals.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "riskscale/json_document.hpp"
#include "riskscale/error.hpp"

namespace riskscale::report {
namespace {

constexpr const char* accepted_document =
    "an array of objects such as [{\"initiative\": \"Safe adoption\", \"metric\": \"borderline_share\", "
    "\"target\": 0.2, \"direction\": \"at_most\"}]";

std::string metric_names() {
  std::string names;
  for (const goal_metric& m : goal_metrics()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

[[noreturn]] void refuse(const std::string& path, const std::string& problem, const std::string& accepted) {
  throw error("invalid goals at " + path + ": " + problem + "; accepted: " + accepted);
}

double share(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

const std::vector<goal_metric>& goal_metrics() {
  static const std::vector<goal_metric> metrics = {
      {"accounts", "accounts classified", false},
      {"rejected", "rows that could not be classified", false},
      {"borderline_share", "share of the accounts within the borderline band of a line (SPEC §4)", false},
      {"share_high_scale_high_risk", "share of the accounts that are high scale, high risk", false},
      {"share_high_scale_low_risk", "share of the accounts that are high scale, low risk", false},
      {"share_low_scale_high_risk", "share of the accounts that are low scale, high risk", false},
      {"share_low_scale_low_risk", "share of the accounts that are low scale, low risk", false},
      {"mean_risk_score", "mean risk score (SPEC §3)", false},
      {"mean_scale_score", "mean scale score", false},
      {"mean_frequency_score", "mean frequency score", false},
      {"mean_reach_score", "mean reach score", false},
      {"moved", "accounts that moved quadrant since the previous snapshot (SPEC §11)", true},
      {"moved_share", "moved accounts over the accounts valid in both snapshots", true},
      {"new_accounts", "accounts new since the previous snapshot", true},
      {"gone", "accounts of the previous snapshot no longer present", true},
  };
  return metrics;
}

std::vector<goal> parse_goals(std::string_view json_text) {
  nlohmann::ordered_json doc;
  try {
    doc = parse_json_document<nlohmann::ordered_json>(json_text);
  } catch (const json_document_error& e) {
    throw error("invalid goals at " + e.json_path() + ": " + e.message(accepted_document));
  }
  if (!doc.is_array()) refuse("$", "a JSON " + std::string(doc.type_name()), accepted_document);
  std::vector<goal> goals;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const std::string path = "$[" + std::to_string(i) + "]";
    const auto& entry = doc[i];
    if (!entry.is_object()) refuse(path, "a JSON " + std::string(entry.type_name()), "an object");
    goal g;
    bool has_initiative = false, has_metric = false, has_target = false;
    for (const auto& [key, value] : entry.items()) {
      const std::string where = json_member_path(path, key);
      const std::string shown = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      if (key == "initiative") {
        if (!value.is_string() || value.get<std::string>().empty()) refuse(where, shown, "a non-empty text");
        g.initiative = value.get<std::string>();
        has_initiative = true;
      } else if (key == "metric") {
        if (!value.is_string()) refuse(where, shown, "one of " + metric_names());
        g.metric = value.get<std::string>();
        bool known = false;
        for (const goal_metric& m : goal_metrics()) known = known || m.name == g.metric;
        if (!known) refuse(where, shown + " is not a report metric", "one of " + metric_names());
        has_metric = true;
      } else if (key == "target") {
        if (!value.is_number() || !std::isfinite(value.get<double>())) refuse(where, shown, "a finite number");
        g.target = value.get<double>();
        has_target = true;
      } else if (key == "direction") {
        if (value != "at_least" && value != "at_most") refuse(where, shown, "\"at_least\" or \"at_most\"");
        g.at_most = value == "at_most";
      } else {
        refuse(where, "unknown key", "initiative, metric, target, direction");
      }
    }
    if (!has_initiative) refuse(path, "no initiative", "an initiative (text) in every goal");
    if (!has_metric) refuse(path, "no metric", "a metric in every goal: one of " + metric_names());
    if (!has_target) refuse(path, "no target", "a target (number) in every goal");
    goals.push_back(std::move(g));
  }
  return goals;
}

std::string goals_to_json(const std::vector<goal>& goals) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const goal& g : goals) {
    doc.push_back({{"initiative", g.initiative},
                   {"metric", g.metric},
                   {"target", g.target},
                   {"direction", g.at_most ? "at_most" : "at_least"}});
  }
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<double> metric_value(const report_data& data, std::string_view metric) {
  const portfolio_summary& s = data.summary;
  if (metric == "accounts") return static_cast<double>(s.accounts());
  if (metric == "rejected") return static_cast<double>(s.invalid());
  if (metric == "borderline_share") return share(s.borderline(), s.accounts());
  for (archetype type : all_archetypes) {
    if (metric == "share_" + std::string(to_string(type))) return s.share(type);
  }
  if (metric == "mean_risk_score") return s.mean_risk_score();
  if (metric == "mean_scale_score") return s.mean_scale_score();
  if (metric == "mean_frequency_score") return s.mean_frequency_score();
  if (metric == "mean_reach_score") return s.mean_reach_score();
  if (!data.movement) return std::nullopt;
  const drift_counts& counts = data.movement->counts;
  if (metric == "moved") return static_cast<double>(counts[drift_status::moved]);
  if (metric == "moved_share") {
    return share(counts[drift_status::moved], counts[drift_status::moved] + counts[drift_status::stayed]);
  }
  if (metric == "new_accounts") return static_cast<double>(counts[drift_status::new_account]);
  if (metric == "gone") return static_cast<double>(counts[drift_status::gone]);
  return std::nullopt;
}

}  // namespace riskscale::report
