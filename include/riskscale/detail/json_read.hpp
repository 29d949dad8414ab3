// riskscale internals: reading JSON values with errors that name the JSON path, the value and what
// is accepted (policy files, SPEC §7; product traits).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <initializer_list>
#include <utility>

#include <nlohmann/json.hpp>

#include "riskscale/format_number.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/error.hpp"

namespace riskscale {
namespace detail {

using ordered_json = nlohmann::ordered_json;

[[noreturn]] inline void refuse(const std::string& path, double value, const std::string& accepted) {
  throw policy_error(path, format_number(value) + " is out of range; accepted: " + accepted);
}

inline void require_in(const std::string& path, double value, double lower, double upper, bool open_lower,
                       bool open_upper, const std::string& accepted) {
  const bool ok = std::isfinite(value) && (open_lower ? value > lower : value >= lower) &&
                  (open_upper ? value < upper : value <= upper);
  if (!ok) refuse(path, value, accepted);
}

// A user's string inside a message, JSON-quoted so that control characters cannot garble it.
inline std::string quoted(const std::string& text) {
  return ordered_json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

// `$.key` for a plain key; `$["key"]` with JSON escapes otherwise (one rule with the JSON reader's paths).
inline std::string json_key_path(const std::string& parent, const std::string& key) {
  return json_member_path(parent, key);
}

inline std::string json_excerpt(const ordered_json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

[[noreturn]] inline void wrong_type(const std::string& path, const ordered_json& value, const std::string& accepted) {
  throw policy_error(path, json_excerpt(value) + " is a JSON " + value.type_name() + "; accepted: " + accepted);
}

inline double read_number(const ordered_json& value, const std::string& path) {
  if (!value.is_number()) wrong_type(path, value, "a number");
  return value.get<double>();
}

inline std::string read_string(const ordered_json& value, const std::string& path) {
  if (!value.is_string()) wrong_type(path, value, "a string");
  return value.get<std::string>();
}

inline void require_object(const ordered_json& value, const std::string& path, const std::string& accepted) {
  if (!value.is_object()) wrong_type(path, value, accepted);
}

[[noreturn]] inline void unknown_key(const std::string& path, const std::string& accepted_keys) {
  throw policy_error(path, "unknown key; accepted keys: " + accepted_keys);
}

// An object of named numbers, such as {"frequency": 0.4, "reach": 0.6}: each key sets its target;
// any other key is refused. Keys left out keep their targets as they are.
inline void read_number_fields(const ordered_json& value, const std::string& path,
                               std::initializer_list<std::pair<const char*, double*>> fields,
                               const std::string& object_shape, const std::string& accepted_keys) {
  require_object(value, path, object_shape);
  for (const auto& item : value.items()) {
    const std::string& key = item.key();  // a plain name: C++17 lambdas cannot capture structured bindings
    const std::string key_path = json_key_path(path, key);
    const auto field = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return key == f.first; });
    if (field == fields.end()) unknown_key(key_path, accepted_keys);
    *field->second = read_number(item.value(), key_path);
  }
}

// A catalogue entry with id, name and description (a training or content format). Its other
// keys go to `read_other(entry, key, value, key_path)`, which returns false for a key it does not
// know. The id is required; a missing name shows the id.
template <typename Entry, typename ReadOther>
Entry read_named_entry(const ordered_json& value, const std::string& path, const std::string& accepted_keys,
                       ReadOther&& read_other) {
  require_object(value, path, "an object with " + accepted_keys);
  Entry entry;
  bool has_id = false;
  bool has_name = false;
  for (const auto& [key, item] : value.items()) {
    const std::string key_path = json_key_path(path, key);
    if (key == "id") {
      entry.id = read_string(item, key_path);
      has_id = true;
    } else if (key == "name") {
      entry.name = read_string(item, key_path);
      has_name = true;
    } else if (key == "description") {
      entry.description = read_string(item, key_path);
    } else if (!read_other(entry, key, item, key_path)) {
      unknown_key(key_path, accepted_keys);
    }
  }
  if (!has_id) throw policy_error(path + ".id", "missing; accepted: a non-empty, unique string");
  if (!has_name) entry.name = entry.id;  // a bare entry still shows a name
  return entry;
}

}  // namespace detail
}  // namespace riskscale
