// riskscale: an assessment in words (SPEC §6 explanations as text), shared by every front end.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "riskscale/assess.hpp"

namespace riskscale {

namespace detail {
inline std::string fixed(double value, int digits = 3) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}
}  // namespace detail

/// A few lines that explain an assessment: quadrant, what drives risk, what would make the
/// account high scale, and the recommendations with their descriptions.
[[nodiscard]] inline std::string describe(const assessment& a) {
  using detail::fixed;
  const policy_settings& s = a.policy.settings();
  std::string text;
  text += (a.account_id.empty() ? std::string("account") : a.account_id) + ": " + std::string(to_string(a.archetype)) +
          " (" + std::string(display_name(a.archetype)) + ": " + std::string(description(a.archetype)) + ")\n";
  text +=
      "  risk  " + fixed(a.risk_score) + (a.high_risk() ? " >= " : " < ") + "threshold " + fixed(s.risk_threshold, 2);
  std::vector<risk_contribution> drivers = a.risk_contributions;
  std::stable_sort(drivers.begin(), drivers.end(), [](const risk_contribution& x, const risk_contribution& y) {
    return x.contribution > y.contribution;
  });
  if (!drivers.empty() && drivers.front().contribution > 0) {
    text += "; driven by";
    for (std::size_t i = 0; i < drivers.size() && i < 3 && drivers[i].contribution > 0; ++i) {
      text += (i == 0 ? " " : ", ") + std::string(drivers[i].factor) + " " + fixed(drivers[i].contribution) +
              " (value " + format_number(drivers[i].value) + ")";
    }
  }
  text += "\n  scale " + fixed(a.scale_score) + (a.high_scale() ? " >= " : " < ") + "threshold " +
          fixed(s.scale_threshold, 2) + "; frequency " + fixed(a.frequency_score) + ", reach " + fixed(a.reach_score) +
          ", held back by " + std::string(to_string(a.binding_scale_component)) + "\n";
  text += "  margin " + fixed(a.margin) +
          (a.borderline ? " (borderline: within " + fixed(s.borderline_band, 2) + " of a threshold)" : "") +
          "; membership";
  for (archetype type : all_archetypes) {
    text += " " + std::string(to_string(type)) + " " + fixed(a.membership_of(type));
  }
  text += "\n";
  if (!a.high_scale()) {
    text += "  to become high scale:";
    if (a.users_for_high_scale) text += " " + format_number(*a.users_for_high_scale) + " users";
    if (a.users_for_high_scale && a.active_days_for_high_scale) text += " (at today's frequency), or";
    if (a.active_days_for_high_scale) {
      text += " " + fixed(*a.active_days_for_high_scale, 1) + " active days per user per month (at today's reach)";
    }
    if (!a.users_for_high_scale && !a.active_days_for_high_scale) {
      text += " out of reach by one component alone";
    }
    text += "\n";
  }
  if (a.recommendations.empty()) {
    text += "  no training format reaches the minimum score " + fixed(s.min_score, 2) + "\n";
  } else {
    text += "  recommended training formats:\n";
    for (std::size_t j = 0; j < a.recommendations.size(); ++j) {
      const training_format& format = a.format(a.recommendations[j]);
      text += "    " + std::to_string(j + 1) + ". " + format.id + " (" + fixed(a.recommendations[j].score) +
              "): " + format.name + (format.description.empty() ? "" : ", " + format.description) + "\n";
    }
  }
  return text;
}

}  // namespace riskscale
