// riskscale internals: the range and catalogue rules of the policy's `content` and `plans` sections.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/catalog.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/plan_settings.hpp"

namespace riskscale {
namespace detail {

// A training format named in `content` or `plans` must be in the policy's catalogue, or be one of
// the SPEC §5 ids (so the defaults stay valid under a custom catalogue: they simply never match).
inline void require_known_format(const std::string& path, const std::string& id,
                                 const std::vector<training_format>& catalog) {
  const auto in = [&](const std::vector<training_format>& formats) {
    return std::any_of(formats.begin(), formats.end(), [&](const training_format& f) { return f.id == id; });
  };
  if (in(catalog)) return;
  static const std::vector<training_format> spec_catalog = default_catalog();
  if (in(spec_catalog)) return;
  throw policy_error(path, quoted(id) + " is not a training format of the catalogue; accepted: a catalogue id (" +
                               std::to_string(catalog.size()) + " formats, see $.catalog)");
}

inline void validate_content(const content_settings& c, const std::vector<training_format>& catalog) {
  double weight_sum = 0.0;
  for (std::size_t t = 0; t < trait_count; ++t) {
    require_in("$.content.education_weights." + std::string(trait_ids[t]), c.education_weights[t], 0, 1e9, false, false,
               "a number in [0, 1e9]");
    weight_sum += c.education_weights[t];
  }
  if (!(weight_sum > 0)) {
    throw policy_error("$.content.education_weights", "every weight is 0; accepted: weights >= 0 with a positive sum");
  }
  require_in("$.content.min_score", c.min_score, 0, 1, false, false, "a number in [0, 1]");
  if (c.formats.empty()) {
    throw policy_error("$.content.formats", "no content format; accepted: an array of 1 or more format objects");
  }
  std::set<std::string_view> ids;
  for (std::size_t k = 0; k < c.formats.size(); ++k) {
    const content_format& format = c.formats[k];
    const std::string path = "$.content.formats[" + std::to_string(k) + "]";
    if (format.id.empty() || format.id.find(';') != std::string::npos) {
      throw policy_error(path + ".id",
                         quoted(format.id) + " is not a usable id; accepted: a non-empty string without ';'");
    }
    if (!ids.insert(format.id).second) {
      throw policy_error(path + ".id", quoted(format.id) + " is a duplicate id; accepted: a non-empty, unique string");
    }
    for (std::size_t t = 0; t < trait_count; ++t) {
      require_in(path + ".traits." + std::string(trait_ids[t]), format.trait_weights[t], 0, 1, false, false,
                 "a number in [0, 1]");
    }
    std::set<std::string_view> boosted;
    for (const auto& [training_id, boost] : format.training_boosts) {
      const std::string boost_path = json_key_path(path + ".training", training_id);
      require_known_format(boost_path, training_id, catalog);
      if (!boosted.insert(training_id).second) {
        throw policy_error(boost_path, "given twice; accepted: each training format once");
      }
      require_in(boost_path, boost, 0, 1, false, false, "a number in [0, 1]");
    }
  }
}

inline void validate_plans(const plan_settings& p, const std::vector<training_format>& catalog) {
  if (p.max_touches_per_week < 1 || p.max_touches_per_week > 7) {
    throw policy_error("$.plans.max_touches_per_week",
                       std::to_string(p.max_touches_per_week) + " is out of range; accepted: an integer in [1, 7]");
  }
  require_in("$.plans.complexity_from.moderate", p.moderate_from, 0, 1, true, false, "a number in (0, 1]");
  require_in("$.plans.complexity_from.complex", p.complex_from, p.moderate_from, 1, false, false,
             "a number in [complexity_from.moderate, 1] = [" + format_number(p.moderate_from) + ", 1]");
  for (std::size_t a = 0; a < archetype_count; ++a) {
    for (std::size_t level = 0; level < complexity_count; ++level) {
      const int days = p.length_days[a][level];
      if (days < 1 || days > 366) {
        throw policy_error("$.plans.length_days." + std::string(to_string(static_cast<archetype>(a))) + "." +
                               std::string(complexity_ids[level]),
                           std::to_string(days) + " is out of range; accepted: an integer number of days in [1, 366]");
      }
    }
  }
  require_in("$.plans.stage_shares.launch", p.launch_share, 0, 1, false, true, "a number in [0, 1)");
  require_in("$.plans.stage_shares.reinforcement", p.reinforcement_share, 0, 1, false, true, "a number in [0, 1)");
  if (!(p.launch_share + p.reinforcement_share < 1)) {
    throw policy_error("$.plans.stage_shares",
                       "launch + reinforcement = " + format_number(p.launch_share + p.reinforcement_share) +
                           " leaves no adoption stage; accepted: a sum below 1");
  }
  require_in("$.plans.role_tracks_from", p.role_tracks_from, 0, 1, false, false, "a number in [0, 1]");
  std::set<std::string_view> mapped;
  for (const auto& [format_id, ch] : p.format_channels) {
    const std::string path = json_key_path("$.plans.format_channels", format_id);
    require_known_format(path, format_id, catalog);
    if (!mapped.insert(format_id).second) throw policy_error(path, "given twice; accepted: each format once");
    (void)ch;
  }
  for (const auto* list : {&p.admin_only_formats, &p.end_user_only_formats}) {
    const std::string key = list == &p.admin_only_formats ? "admin_only_formats" : "end_user_only_formats";
    for (std::size_t i = 0; i < list->size(); ++i) {
      require_known_format("$.plans." + key + "[" + std::to_string(i) + "]", (*list)[i], catalog);
    }
  }
  for (const std::string& id : p.admin_only_formats) {
    if (std::find(p.end_user_only_formats.begin(), p.end_user_only_formats.end(), id) !=
        p.end_user_only_formats.end()) {
      throw policy_error("$.plans.end_user_only_formats",
                         quoted(id) + " is also admin-only; accepted: a format in at most one of the two lists");
    }
  }
  for (std::size_t a = 0; a < archetype_count; ++a) {
    std::set<std::string_view> ids;
    const auto& rules = p.milestones[a];
    for (std::size_t m = 0; m < rules.size(); ++m) {
      const std::string path =
          "$.plans.milestones." + std::string(to_string(static_cast<archetype>(a))) + "[" + std::to_string(m) + "]";
      if (rules[m].id.empty() || !ids.insert(rules[m].id).second) {
        throw policy_error(path + ".id",
                           quoted(rules[m].id) + " is empty or a duplicate; accepted: a unique, non-empty id");
      }
      if (rules[m].criterion.empty()) {
        throw policy_error(path + ".criterion",
                           "empty; accepted: a measurable success criterion, e.g. "
                           "\"80% of users finished the on-demand basics\"");
      }
      require_in(path + ".at", rules[m].at, 0, 1, true, false, "a share of the plan length in (0, 1]");
    }
  }
  if (p.support.empty()) {
    throw policy_error("$.plans.support", "no support resource; accepted: an array of 1 or more {name, where}");
  }
  for (std::size_t i = 0; i < p.support.size(); ++i) {
    if (p.support[i].name.empty()) {
      throw policy_error("$.plans.support[" + std::to_string(i) + "].name", "empty; accepted: a non-empty string");
    }
  }
}

}  // namespace detail

inline void validate_section(const content_settings& content, const std::vector<training_format>& catalog) {
  detail::validate_content(content, catalog);
}

inline void validate_section(const plan_settings& plans, const std::vector<training_format>& catalog) {
  detail::validate_plans(plans, catalog);
}

}  // namespace riskscale
