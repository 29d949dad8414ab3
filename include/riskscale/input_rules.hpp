// riskscale: the rules of a policy's `inputs` section (SPEC §9), as plain data: where each model input's value comes from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskscale {

/// What an input rule does with its cell (SPEC §9, one row of the rules table each).
enum class input_rule_kind : std::uint8_t {
  column,  ///< the number in the cell, as SPEC §2 reads it (`"C"` or `{"column": C}`)
  value,   ///< one fixed value for every account (`{"value": v}`), no column read
  affine,  ///< `scale · x + offset` of the cell's number (`{"column": C, "scale": a, "offset": b}`)
  map,     ///< the value whose key equals the trimmed, ASCII-case-folded cell text (`"map"`, `"default"`)
  bands,   ///< the value of the last band whose lower bound is at most the cell's number (`"bands"`)
  linear,  ///< linear interpolation between knots, flat beyond the ends (`"linear"`)
  max,     ///< the largest result of several rules (`{"max": [rule, ...]}`)
};

/// One SPEC §9 rule. Only the members of its `kind` are meaningful; `policy` validates them.
struct input_rule {
  input_rule_kind kind = input_rule_kind::column;
  std::string column;      ///< source column (every kind but `value` and `max`)
  bool shorthand = false;  ///< written as a bare column name (`"users": "Seats"`), dumped so again
  double value = 0.0;      ///< `value`
  double scale = 1.0;      ///< `affine`: a
  double offset = 0.0;     ///< `affine`: b
  std::vector<std::pair<std::string, double>> map;  ///< `map`: keys as written, in file order
  std::optional<double> default_value;              ///< `map`: the value of an unmatched cell; none = invalid
  std::vector<std::array<double, 2>> points;        ///< `bands`: [lower, v]; `linear`: [x, y]
  std::vector<input_rule> branches;                 ///< `max`: the rules compared

  /// A rule that reads `column_name` as SPEC §2 reads its own column.
  [[nodiscard]] static input_rule from_column(std::string column_name, bool bare = true) {
    input_rule rule;
    rule.column = std::move(column_name);
    rule.shorthand = bare;
    return rule;
  }

  friend bool operator==(const input_rule& a, const input_rule& b) {
    return a.kind == b.kind && a.column == b.column && a.shorthand == b.shorthand && a.value == b.value &&
           a.scale == b.scale && a.offset == b.offset && a.map == b.map && a.default_value == b.default_value &&
           a.points == b.points && a.branches == b.branches;
  }
  friend bool operator!=(const input_rule& a, const input_rule& b) { return !(a == b); }
};

/// A policy's `inputs` section: a rule per model input it names, in file order. A model input it
/// does not name is read from the column of its own name (SPEC §9).
struct input_mapping {
  std::vector<std::pair<std::string, input_rule>> rules;

  /// True when the section names no input (the policy reads SPEC §2 columns as they are).
  [[nodiscard]] bool empty() const noexcept { return rules.empty(); }
  /// The rule of model input `name`, or null when the section does not name it.
  [[nodiscard]] const input_rule* find(std::string_view name) const noexcept {
    for (const auto& entry : rules) {
      if (entry.first == name) return &entry.second;
    }
    return nullptr;
  }
  /// Sets (or replaces) the rule of model input `name`.
  input_mapping& set(std::string name, input_rule rule) {
    for (auto& entry : rules) {
      if (entry.first == name) {
        entry.second = std::move(rule);
        return *this;
      }
    }
    rules.emplace_back(std::move(name), std::move(rule));
    return *this;
  }

  friend bool operator==(const input_mapping& a, const input_mapping& b) { return a.rules == b.rules; }
  friend bool operator!=(const input_mapping& a, const input_mapping& b) { return !(a == b); }
};

}  // namespace riskscale
