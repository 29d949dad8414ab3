// riskscale internals: reading JSON values with errors that name the JSON path, the value and what
// is accepted (policy files, SPEC §7; product traits).
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "riskscale/detail/format_number.hpp"
#include "riskscale/error.hpp"

namespace riskscale {
namespace detail {

using ordered_json = nlohmann::ordered_json;

[[noreturn]] inline void refuse(const std::string& path, double value, const std::string& accepted) {
  throw policy_error(path, format_number(value) + " is out of range; accepted: " + accepted);
}

inline void require_in(const std::string& path, double value, double lower, double upper,
                       bool open_lower, bool open_upper, const std::string& accepted) {
  const bool ok = std::isfinite(value) && (open_lower ? value > lower : value >= lower) &&
                  (open_upper ? value < upper : value <= upper);
  if (!ok) refuse(path, value, accepted);
}

inline bool is_identifier(std::string_view name) {
  if (name.empty()) return false;
  const auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (name.front() >= '0' && name.front() <= '9') return false;
  return std::all_of(name.begin(), name.end(), word_char);
}

// A user's string inside a message, JSON-quoted so that control characters cannot garble it.
inline std::string quoted(const std::string& text) {
  return ordered_json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

// `$.key` for a plain key; `$["key"]` with JSON escapes otherwise, so control characters
// (even NUL) and spaces in a key cannot garble or cut the message.
inline std::string json_key_path(const std::string& parent, const std::string& key) {
  if (is_identifier(key)) return parent + "." + key;
  return parent + "[" + ordered_json(key).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) + "]";
}

inline std::string json_excerpt(const ordered_json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

[[noreturn]] inline void wrong_type(const std::string& path, const ordered_json& value,
                                    const std::string& accepted) {
  throw policy_error(path, json_excerpt(value) + " is a JSON " + value.type_name() +
                               "; accepted: " + accepted);
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

}  // namespace detail
}  // namespace riskscale
