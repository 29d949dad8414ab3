// riskscale: the JSON form of a policy (SPEC §7): `policy::from_json`, `policy::from_file` and
// `policy::to_json` are defined here, with the readers and writers of every section.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "riskscale/account.hpp"
#include "riskscale/detail/input_rules_json.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/detail/plan_policy_json.hpp"
#include "riskscale/error.hpp"
#include "riskscale/plan_settings.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/text_file.hpp"
#include "riskscale/version.hpp"

namespace riskscale {
namespace detail {

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
      read_content(value, *s.content);
    } else if (key == "plans") {
      read_plans(value, *s.plans);
    } else if (key == "inputs") {
      s.inputs = read_inputs(value, path);  // SPEC §9
    } else {
      unknown_key(path, top_level_keys);
    }
  }
  return s;
}

template <>
struct policy_json<policy> {
  static policy read(std::string_view json_text) {
    ordered_json doc;
    try {
      doc = parse_json_document<ordered_json>(json_text);
    } catch (const json_document_error& e) {  // syntax, depth, duplicate keys, 1e400, NaN
      throw policy_error(e.json_path(), e.message("a JSON object as in SPEC §7"));
    }
    return policy(read_settings(doc));
  }

  static policy read_file(const std::string& path) {
    const std::string text = read_text_file(path, "policy file", "a readable JSON file (SPEC §7)");
    try {
      return read(text);
    } catch (const policy_error& e) {
      throw policy_error(e.json_path(), e.message() + " (in file " + path + ")");
    }
  }

  static std::string write(const policy& p, int indent) {
    const policy_settings& s = p.settings();
    ordered_json doc;
    doc["version"] = spec_version;
    doc["frequency_full"] = s.frequency_full;
    doc["reach_full"] = s.reach_full;
    doc["scale_weights"] = {{"frequency", s.frequency_weight}, {"reach", s.reach_weight}};
    ordered_json risk_weights = ordered_json::object();
    for (const risk_factor& factor : s.risk_weights) risk_weights[factor.name] = factor.weight;
    doc["risk_weights"] = risk_weights;
    doc["risk_threshold"] = s.risk_threshold;
    doc["scale_threshold"] = s.scale_threshold;
    doc["borderline_band"] = s.borderline_band;
    doc["temperature"] = s.temperature;
    doc["min_score"] = s.min_score;
    doc["top_k"] = s.top_k ? ordered_json(*s.top_k) : ordered_json(nullptr);
    ordered_json catalog = ordered_json::array();
    for (const training_format& format : s.catalog) {
      ordered_json affinity = ordered_json::object();
      for (std::size_t a = 0; a < archetype_count; ++a) {
        if (format.affinity[a] != 0.0) {
          affinity[std::string(to_string(static_cast<archetype>(a)))] = format.affinity[a];
        }
      }
      catalog.push_back(
          {{"id", format.id}, {"name", format.name}, {"description", format.description}, {"affinity", affinity}});
    }
    doc["catalog"] = catalog;
    doc["content"] = write_content(*s.content);
    doc["plans"] = write_plans(*s.plans);
    if (!s.inputs.empty()) doc["inputs"] = write_inputs(s.inputs);  // absent: the dump of SPEC §7 as before
    return doc.dump(indent);
  }
};

}  // namespace detail
}  // namespace riskscale
