// riskscale internals: policy validation (SPEC §4, §5, §7) and construction.
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "riskscale/account.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/detail/input_rules_json.hpp"
#include "riskscale/error.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/version.hpp"

namespace riskscale {
namespace detail {

/// Most formats a catalogue may hold: ranked indices are stored as int16.
inline constexpr std::size_t max_catalog_size = 32767;

// SPEC §4, §5, §7: every range rule, with the JSON path a file would use.
inline void validate(const policy_settings& s) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  require_in("$.frequency_full", s.frequency_full, 0, inf, true, true, "a finite number > 0 (days)");
  require_in("$.reach_full", s.reach_full, 0, 1e9, true, false, "a number in (0, 1e9] (users)");
  require_in("$.scale_weights.frequency", s.frequency_weight, 0, inf, false, true, "a finite number >= 0");
  require_in("$.scale_weights.reach", s.reach_weight, 0, inf, false, true, "a finite number >= 0");
  if (!(s.frequency_weight + s.reach_weight > 0)) {
    throw policy_error("$.scale_weights", "both weights are 0; accepted: weights >= 0 with a positive sum");
  }
  if (s.risk_weights.empty()) {
    throw policy_error("$.risk_weights", "no risk factor; accepted: at least one factor name with a weight in [0, 1]");
  }
  std::set<std::string_view> factor_names;
  for (const risk_factor& factor : s.risk_weights) {
    const std::string path = json_key_path("$.risk_weights", factor.name);
    if (!is_identifier(factor.name)) {
      throw policy_error(path,
                         "this is not a usable factor name; accepted: letters, digits and '_', "
                         "not starting with a digit (it names an input column)");
    }
    for (std::string_view reserved : reserved_field_names) {
      if (factor.name == reserved) {
        throw policy_error(path, "'" + factor.name +
                                     "' is an input of its own (SPEC §2), not a risk factor; "
                                     "accepted: any other column name");
      }
    }
    if (!factor_names.insert(factor.name).second) {
      throw policy_error(path, "factor '" + factor.name + "' is given twice; accepted: unique names");
    }
    require_in(path, factor.weight, 0, 1, false, false, "a number in [0, 1]");
  }
  require_in("$.risk_threshold", s.risk_threshold, 0, 1, true, true, "a number in (0, 1)");
  require_in("$.scale_threshold", s.scale_threshold, 0, 1, true, true, "a number in (0, 1)");
  require_in("$.borderline_band", s.borderline_band, 0, inf, false, true, "a finite number >= 0");
  require_in("$.temperature", s.temperature, 0, inf, true, true, "a finite number > 0");
  require_in("$.min_score", s.min_score, 0, 1, false, false, "a number in [0, 1]");
  if (s.catalog.empty()) {
    throw policy_error("$.catalog", "the catalogue is empty; accepted: 1 to 32767 formats");
  }
  if (s.catalog.size() > max_catalog_size) {
    throw policy_error("$.catalog", std::to_string(s.catalog.size()) + " formats; accepted: 1 to 32767 formats");
  }
  std::set<std::string_view> ids;
  for (std::size_t k = 0; k < s.catalog.size(); ++k) {
    const training_format& format = s.catalog[k];
    const std::string path = "$.catalog[" + std::to_string(k) + "]";
    if (format.id.empty()) {
      throw policy_error(path + ".id", "the id is empty; accepted: a non-empty, unique string");
    }
    if (format.id.find(';') != std::string::npos) {
      throw policy_error(path + ".id", quoted(format.id) +
                                           " contains ';', the recommendations separator; accepted: "
                                           "an id without ';'");
    }
    if (!ids.insert(format.id).second) {
      throw policy_error(path + ".id", quoted(format.id) + " is a duplicate id; accepted: a non-empty, unique string");
    }
    for (std::size_t a = 0; a < archetype_count; ++a) {
      require_in(path + ".affinity." + std::string(to_string(static_cast<archetype>(a))), format.affinity[a], 0, 1,
                 false, false, "a number in [0, 1]");
    }
  }
  s.content.validate(s.catalog);  // only a section that was set or edited can break a rule
  s.plans.validate(s.catalog);
  std::vector<std::string> factor_list;
  for (const risk_factor& factor : s.risk_weights) factor_list.push_back(factor.name);
  validate_inputs(s.inputs, factor_list);  // SPEC §9
}

}  // namespace detail

inline policy::policy() {
  // The defaults are built and validated once, then shared: an immutable value, so no
  // thread can observe it change, and default-constructed policies cost one atomic increment.
  static const std::shared_ptr<const data> defaults = policy(policy_settings{}).data_;
  data_ = defaults;
}

inline policy::policy(policy_settings settings) {
  detail::validate(settings);
  // Halving both (exact) keeps the sum of weights near DBL_MAX finite; the ratios are unchanged.
  const double halving = std::isfinite(settings.frequency_weight + settings.reach_weight) ? 1.0 : 0.5;
  const double frequency_scaled = settings.frequency_weight * halving;
  const double reach_scaled = settings.reach_weight * halving;
  const double frequency_weight = frequency_scaled / (frequency_scaled + reach_scaled);
  const double reach_weight = reach_scaled / (frequency_scaled + reach_scaled);
  const double log_reach_full = std::log1p(settings.reach_full);
  const std::size_t width =
      settings.top_k ? std::min(*settings.top_k, settings.catalog.size()) : settings.catalog.size();
  data_ =
      std::make_shared<const data>(data{std::move(settings), frequency_weight, reach_weight, log_reach_full, width});
}

inline std::optional<std::size_t> policy::format_index(std::string_view id) const noexcept {
  const auto& formats = catalog();
  for (std::size_t k = 0; k < formats.size(); ++k) {
    if (formats[k].id == id) return k;
  }
  return std::nullopt;
}

inline std::vector<std::string> policy::input_fields() const {
  std::vector<std::string> fields;
  for (const risk_factor& factor : risk_factors()) fields.push_back(factor.name);
  fields.emplace_back("active_days");
  fields.emplace_back("users");
  fields.emplace_back("seats");
  return fields;
}

}  // namespace riskscale
