// riskscale internals: policy validation (SPEC §4, §5, §7) and the JSON reader/writer.
#pragma once

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "riskscale/account.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/detail/input_rules_json.hpp"
#include "riskscale/text_file.hpp"
#include "riskscale/detail/plan_policy_json.hpp"
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
  validate_content(s.content, s.catalog);
  validate_plans(s.plans, s.catalog);
  std::vector<std::string> factor_list;
  for (const risk_factor& factor : s.risk_weights) factor_list.push_back(factor.name);
  validate_inputs(s.inputs, factor_list);  // SPEC §9
}

inline training_format read_format(const ordered_json& entry, const std::string& path) {
  return read_named_entry<training_format>(
      entry, path, "id, name, description, affinity",
      [](training_format& format, const std::string& key, const ordered_json& value, const std::string& key_path) {
        if (key != "affinity") return false;
        require_object(value, key_path, "an object from archetype id to a number in [0, 1]");
        for (const auto& [archetype_id, affinity] : value.items()) {
          const std::string affinity_path = json_key_path(key_path, archetype_id);
          format.affinity[static_cast<std::size_t>(read_archetype_key(archetype_id, affinity_path))] =
              read_number(affinity, affinity_path);
        }
        return true;
      });
}

inline policy_settings read_settings(const ordered_json& doc) {
  if (!doc.is_object()) wrong_type("$", doc, "a JSON object (SPEC §7)");
  policy_settings s;
  static const std::string top_level_keys =
      "version, frequency_full, reach_full, scale_weights, risk_weights, risk_threshold, "
      "scale_threshold, borderline_band, temperature, min_score, top_k, catalog, content, plans, inputs";
  for (const auto& [key, value] : doc.items()) {
    const std::string path = json_key_path("$", key);
    if (key == "version") {
      if (!value.is_number_integer() || value.get<long long>() != spec_version) {
        throw policy_error(path, "policy version " + json_excerpt(value) +
                                     " is not supported; this build of riskscale " + version + " reads version " +
                                     std::to_string(spec_version) +
                                     "; accepted: \"version\": " + std::to_string(spec_version));
      }
    } else if (key == "frequency_full") {
      s.frequency_full = read_number(value, path);
    } else if (key == "reach_full") {
      s.reach_full = read_number(value, path);
    } else if (key == "scale_weights") {
      // SPEC §7: a weight object given in a file replaces the whole set; a component left out weighs 0.
      s.frequency_weight = 0.0;
      s.reach_weight = 0.0;
      read_number_fields(value, path, {{"frequency", &s.frequency_weight}, {"reach", &s.reach_weight}},
                         R"(an object {"frequency": w, "reach": w})", "frequency, reach");
    } else if (key == "risk_weights") {
      require_object(value, path, "an object from factor name to a weight in [0, 1]");
      s.risk_weights.clear();  // SPEC §7: replaces the whole factor set
      for (const auto& [name, weight] : value.items()) {
        s.risk_weights.push_back({name, read_number(weight, json_key_path(path, name))});
      }
    } else if (key == "risk_threshold") {
      s.risk_threshold = read_number(value, path);
    } else if (key == "scale_threshold") {
      s.scale_threshold = read_number(value, path);
    } else if (key == "borderline_band") {
      s.borderline_band = read_number(value, path);
    } else if (key == "temperature") {
      s.temperature = read_number(value, path);
    } else if (key == "min_score") {
      s.min_score = read_number(value, path);
    } else if (key == "top_k") {
      if (value.is_null()) {
        s.top_k.reset();
      } else if (value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() >= 0)) {
        s.top_k = value.get<std::size_t>();
      } else if (value.is_number()) {
        throw policy_error(
            path, json_excerpt(value) + " is not a whole number >= 0; accepted: null (no limit) or an integer >= 0");
      } else {
        wrong_type(path, value, "null (no limit) or an integer >= 0");
      }
    } else if (key == "catalog") {
      if (!value.is_array()) wrong_type(path, value, "an array of format objects");
      s.catalog.clear();  // SPEC §7: replaces the whole catalogue
      for (std::size_t k = 0; k < value.size(); ++k) {
        s.catalog.push_back(read_format(value[k], path + "[" + std::to_string(k) + "]"));
      }
    } else if (key == "content") {
      read_content(value, s.content);
    } else if (key == "plans") {
      read_plans(value, s.plans);
    } else if (key == "inputs") {
      s.inputs = read_inputs(value, path);  // SPEC §9
    } else {
      unknown_key(path, top_level_keys);
    }
  }
  return s;
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

inline policy policy::from_json(std::string_view json_text) {
  detail::ordered_json doc;
  try {
    doc = detail::parse_json_document<detail::ordered_json>(json_text);
  } catch (const detail::json_document_error& e) {  // syntax, depth, duplicate keys, 1e400, NaN
    throw policy_error(e.json_path(), e.message("a JSON object as in SPEC §7"));
  }
  return policy(detail::read_settings(doc));
}

inline policy policy::from_file(const std::string& path) {
  const std::string text = read_text_file(path, "policy file", "a readable JSON file (SPEC §7)");
  try {
    return from_json(text);
  } catch (const policy_error& e) {
    throw policy_error(e.json_path(), e.message() + " (in file " + path + ")");
  }
}

inline std::string policy::to_json(int indent) const {
  const policy_settings& s = settings();
  detail::ordered_json doc;
  doc["version"] = spec_version;
  doc["frequency_full"] = s.frequency_full;
  doc["reach_full"] = s.reach_full;
  doc["scale_weights"] = {{"frequency", s.frequency_weight}, {"reach", s.reach_weight}};
  detail::ordered_json risk_weights = detail::ordered_json::object();
  for (const risk_factor& factor : s.risk_weights) risk_weights[factor.name] = factor.weight;
  doc["risk_weights"] = risk_weights;
  doc["risk_threshold"] = s.risk_threshold;
  doc["scale_threshold"] = s.scale_threshold;
  doc["borderline_band"] = s.borderline_band;
  doc["temperature"] = s.temperature;
  doc["min_score"] = s.min_score;
  doc["top_k"] = s.top_k ? detail::ordered_json(*s.top_k) : detail::ordered_json(nullptr);
  detail::ordered_json catalog = detail::ordered_json::array();
  for (const training_format& format : s.catalog) {
    detail::ordered_json affinity = detail::ordered_json::object();
    for (std::size_t a = 0; a < archetype_count; ++a) {
      if (format.affinity[a] != 0.0) {
        affinity[std::string(to_string(static_cast<archetype>(a)))] = format.affinity[a];
      }
    }
    catalog.push_back(
        {{"id", format.id}, {"name", format.name}, {"description", format.description}, {"affinity", affinity}});
  }
  doc["catalog"] = catalog;
  doc["content"] = detail::write_content(s.content);
  doc["plans"] = detail::write_plans(s.plans);
  if (!s.inputs.empty()) doc["inputs"] = detail::write_inputs(s.inputs);  // absent: the dump of SPEC §7 as before
  return doc.dump(indent);
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
