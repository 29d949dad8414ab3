// riskscale internals: the policy's `inputs` section (SPEC §9): JSON reading, validation with JSON paths, and its dump.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskscale/account.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/error.hpp"
#include "riskscale/input_rules.hpp"

namespace riskscale {

/// A `map` key as SPEC §9 compares it: spaces and tabs trimmed at both ends, ASCII letters lower-cased.
[[nodiscard]] inline std::string fold_map_key(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  std::string folded(text);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return folded;
}

namespace detail {

inline constexpr const char* input_rule_keys = "column, value, scale, offset, map, default, bands, linear, max";

// The SPEC §2 range of model input `name` (a risk factor when it is none of the others).
[[nodiscard]] inline field_range model_input_range(std::string_view name) noexcept {
  if (name == "active_days") return active_days_range;
  if (name == "users" || name == "seats") return count_range;
  return risk_factor_range;
}

inline std::string range_text(field_range range) {
  return "[" + format_number(range.lower) + ", " + format_number(range.upper) + "]";
}

inline std::string read_column_name(const ordered_json& value, const std::string& path) {
  if (!value.is_string()) wrong_type(path, value, "a column name (text)");
  std::string name = value.get<std::string>();
  if (name.empty()) throw policy_error(path, "the column name is empty; accepted: the name of a column of the input");
  return name;
}

// [[a, b], ...] with two numbers per entry (bands: [lower, v]; linear: [x, y]).
inline std::vector<std::array<double, 2>> read_pairs(const ordered_json& value, const std::string& path,
                                                     const char* shape) {
  if (!value.is_array()) wrong_type(path, value, std::string("an array of ") + shape);
  std::vector<std::array<double, 2>> pairs;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string entry_path = path + "[" + std::to_string(i) + "]";
    const ordered_json& entry = value[i];
    if (!entry.is_array() || entry.size() != 2) wrong_type(entry_path, entry, shape);
    pairs.push_back({read_number(entry[0], entry_path + "[0]"), read_number(entry[1], entry_path + "[1]")});
  }
  return pairs;
}

// One value of `inputs` or one rule of a `max` (SPEC §9): a column name, or an object with one transform.
inline input_rule read_input_rule(const ordered_json& value, const std::string& path) {
  if (value.is_string()) return input_rule::from_column(read_column_name(value, path));
  if (!value.is_object()) {
    wrong_type(path, value, "a column name, or a rule object with the keys " + std::string(input_rule_keys));
  }
  input_rule rule;
  std::vector<std::string> transforms;  // what the rule does besides reading its column
  bool has_column = false;
  bool has_default = false;
  for (const auto& item : value.items()) {
    const std::string& key = item.key();
    const std::string key_path = json_key_path(path, key);
    const ordered_json& entry = item.value();
    if (key == "column") {
      rule.column = read_column_name(entry, key_path);
      has_column = true;
    } else if (key == "value") {
      rule.kind = input_rule_kind::value;
      rule.value = read_number(entry, key_path);
      transforms.push_back("value");
    } else if (key == "scale" || key == "offset") {
      (key == "scale" ? rule.scale : rule.offset) = read_number(entry, key_path);
      if (std::find(transforms.begin(), transforms.end(), "scale/offset") == transforms.end()) {
        transforms.push_back("scale/offset");
      }
      rule.kind = input_rule_kind::affine;
    } else if (key == "map") {
      require_object(entry, key_path, "an object from cell text to a number");
      rule.kind = input_rule_kind::map;
      for (const auto& text_value : entry.items()) {
        rule.map.emplace_back(text_value.key(),
                              read_number(text_value.value(), json_key_path(key_path, text_value.key())));
      }
      transforms.push_back("map");
    } else if (key == "default") {
      rule.default_value = read_number(entry, key_path);
      has_default = true;
    } else if (key == "bands") {
      rule.kind = input_rule_kind::bands;
      rule.points = read_pairs(entry, key_path, "[lower, value] pairs");
      transforms.push_back("bands");
    } else if (key == "linear") {
      rule.kind = input_rule_kind::linear;
      rule.points = read_pairs(entry, key_path, "[x, y] knots");
      transforms.push_back("linear");
    } else if (key == "max") {
      if (!entry.is_array()) wrong_type(key_path, entry, "an array of rules");
      rule.kind = input_rule_kind::max;
      for (std::size_t i = 0; i < entry.size(); ++i) {
        rule.branches.push_back(read_input_rule(entry[i], key_path + "[" + std::to_string(i) + "]"));
      }
      transforms.push_back("max");
    } else {
      unknown_key(key_path, input_rule_keys);
    }
  }
  if (transforms.size() > 1) {
    throw policy_error(path, "the rule has two transforms (" + transforms[0] + " and " + transforms[1] +
                                 "); accepted: exactly one of value, scale/offset, map, bands, linear, max");
  }
  const bool takes_column = rule.kind != input_rule_kind::value && rule.kind != input_rule_kind::max;
  if (transforms.empty() && !has_column) {
    throw policy_error(path,
                       "the rule has no transform and no column; accepted: {\"column\": C} with at most one "
                       "of scale/offset, map, bands, linear, or {\"value\": v}, or {\"max\": [rule, ...]}");
  }
  if (takes_column && !has_column) {
    throw policy_error(path + ".column",
                       "missing; accepted: the name of the column the " + transforms[0] + " rule reads");
  }
  if (!takes_column && has_column) {
    throw policy_error(path + ".column", "a " + transforms[0] + " rule reads no column; accepted: " +
                                             (rule.kind == input_rule_kind::value ? "{\"value\": v} alone"
                                                                                  : "{\"max\": [rule, ...]} alone"));
  }
  if (has_default && rule.kind != input_rule_kind::map) {
    throw policy_error(path + ".default", "only a map rule takes a default; accepted: default beside map");
  }
  return rule;
}

inline input_mapping read_inputs(const ordered_json& value, const std::string& path) {
  require_object(value, path, "an object from model input name to a column name or a rule (SPEC §9)");
  input_mapping mapping;
  for (const auto& item : value.items()) {
    const std::string& name = item.key();
    const std::string key_path = json_key_path(path, name);
    if (name == "account_id" && !item.value().is_string()) {
      wrong_type(key_path, item.value(), "a column name (text): account_id takes only a column name");
    }
    mapping.rules.emplace_back(name, read_input_rule(item.value(), key_path));
  }
  return mapping;
}

inline void require_rule_value(const std::string& path, double value, field_range range, const std::string& input) {
  if (!(std::isfinite(value) && value >= range.lower && value <= range.upper)) {
    throw policy_error(path, format_number(value) + " is outside the range of " + input + "; accepted: a number in " +
                                 range_text(range) + " (SPEC §2)");
  }
}

inline void require_finite(const std::string& path, double value) {
  if (!std::isfinite(value))
    throw policy_error(path, format_number(value) + " is not finite; accepted: a finite number");
}

// SPEC §9 load checks of one rule of model input `input`, with the JSON path a file would use.
inline void validate_input_rule(const input_rule& rule, const std::string& path, const std::string& input) {
  const field_range range = model_input_range(input);
  const bool takes_column = rule.kind != input_rule_kind::value && rule.kind != input_rule_kind::max;
  if (takes_column && rule.column.empty()) {
    throw policy_error(path + ".column", "the column name is empty; accepted: the name of a column of the input");
  }
  if (rule.default_value && rule.kind != input_rule_kind::map) {
    throw policy_error(path + ".default", "only a map rule takes a default; accepted: default beside map");
  }
  switch (rule.kind) {
    case input_rule_kind::column: break;
    case input_rule_kind::value: require_rule_value(path + ".value", rule.value, range, input); break;
    case input_rule_kind::affine:
      require_finite(path + ".scale", rule.scale);
      require_finite(path + ".offset", rule.offset);
      break;
    case input_rule_kind::map: {
      std::vector<std::pair<std::string, std::string>> folded;  // folded key, key as written
      for (const auto& [key, mapped] : rule.map) {
        const std::string key_path = json_key_path(path + ".map", key);
        require_rule_value(key_path, mapped, range, input);
        std::string fold = fold_map_key(key);
        const auto twin = std::find_if(folded.begin(), folded.end(), [&](const auto& f) { return f.first == fold; });
        if (twin != folded.end()) {
          throw policy_error(key_path, detail::quoted(key) + " and " + detail::quoted(twin->second) +
                                           " are the same key once trimmed and compared without case; "
                                           "accepted: keys that differ after trimming and case folding");
        }
        folded.emplace_back(std::move(fold), key);
      }
      if (rule.default_value) require_rule_value(path + ".default", *rule.default_value, range, input);
      break;
    }
    case input_rule_kind::bands:
    case input_rule_kind::linear: {
      const bool bands = rule.kind == input_rule_kind::bands;
      const std::string list_path = path + (bands ? ".bands" : ".linear");
      if (bands && rule.points.empty()) {
        throw policy_error(list_path,
                           "no band; accepted: one or more [lower, value] pairs, lowers strictly increasing");
      }
      if (!bands && rule.points.size() < 2) {
        throw policy_error(list_path, std::to_string(rule.points.size()) +
                                          " knot(s); accepted: at least 2 [x, y] knots, x strictly increasing");
      }
      for (std::size_t i = 0; i < rule.points.size(); ++i) {
        const std::string entry_path = list_path + "[" + std::to_string(i) + "]";
        const double x = rule.points[i][0];
        if (!std::isfinite(x)) {
          throw policy_error(entry_path + "[0]", format_number(x) + " is not finite; accepted: a finite number");
        }
        if (i > 0 && !(x > rule.points[i - 1][0])) {
          throw policy_error(entry_path, std::string(bands ? "lower bound " : "knot x ") + format_number(x) +
                                             " does not exceed the previous one (" +
                                             format_number(rule.points[i - 1][0]) +
                                             "); accepted: strictly increasing " + (bands ? "lower bounds" : "knots"));
        }
        require_rule_value(entry_path + "[1]", rule.points[i][1], range, input);
      }
      break;
    }
    case input_rule_kind::max:
      if (rule.branches.empty()) {
        throw policy_error(path + ".max", "the max has no rule; accepted: one or more rules");
      }
      for (std::size_t i = 0; i < rule.branches.size(); ++i) {
        validate_input_rule(rule.branches[i], path + ".max[" + std::to_string(i) + "]", input);
      }
      break;
  }
}

// SPEC §9: every name is a model input of this policy (account_id, its risk factors, active_days,
// users, seats), named once; account_id takes a column name only; every rule passes its checks.
template <class FactorNames>
void validate_inputs(const input_mapping& mapping, const FactorNames& factor_names) {
  std::set<std::string_view> seen;
  std::string accepted = "account_id";
  for (const auto& name : factor_names) accepted += ", " + name;
  accepted += ", active_days, users, seats";
  for (const auto& [name, rule] : mapping.rules) {
    const std::string path = json_key_path("$.inputs", name);
    const bool factor = std::find(factor_names.begin(), factor_names.end(), name) != factor_names.end();
    if (!factor && name != "account_id" && name != "active_days" && name != "users" && name != "seats") {
      throw policy_error(path, detail::quoted(name) + " is not a model input of this policy; accepted: " + accepted);
    }
    if (!seen.insert(name).second) {
      throw policy_error(path, detail::quoted(name) + " is given twice; accepted: each model input once");
    }
    if (name == "account_id" && !(rule.kind == input_rule_kind::column && rule.shorthand)) {
      throw policy_error(path, "account_id takes only a column name; accepted: \"account_id\": \"<column>\"");
    }
    validate_input_rule(rule, path, name);
  }
}

inline ordered_json write_input_rule(const input_rule& rule) {
  if (rule.kind == input_rule_kind::column && rule.shorthand) return rule.column;
  ordered_json out = ordered_json::object();
  const auto pairs = [](const std::vector<std::array<double, 2>>& points) {
    ordered_json list = ordered_json::array();
    for (const auto& point : points) list.push_back({point[0], point[1]});
    return list;
  };
  switch (rule.kind) {
    case input_rule_kind::column: out["column"] = rule.column; break;
    case input_rule_kind::value: out["value"] = rule.value; break;
    case input_rule_kind::affine:
      out["column"] = rule.column;
      out["scale"] = rule.scale;
      out["offset"] = rule.offset;
      break;
    case input_rule_kind::map: {
      out["column"] = rule.column;
      ordered_json map = ordered_json::object();
      for (const auto& [key, mapped] : rule.map) map[key] = mapped;
      out["map"] = map;
      if (rule.default_value) out["default"] = *rule.default_value;
      break;
    }
    case input_rule_kind::bands:
      out["column"] = rule.column;
      out["bands"] = pairs(rule.points);
      break;
    case input_rule_kind::linear:
      out["column"] = rule.column;
      out["linear"] = pairs(rule.points);
      break;
    case input_rule_kind::max: {
      ordered_json branches = ordered_json::array();
      for (const input_rule& branch : rule.branches) branches.push_back(write_input_rule(branch));
      out["max"] = branches;
      break;
    }
  }
  return out;
}

inline ordered_json write_inputs(const input_mapping& mapping) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, rule] : mapping.rules) out[name] = write_input_rule(rule);
  return out;
}

}  // namespace detail
}  // namespace riskscale
