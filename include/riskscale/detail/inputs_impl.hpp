// riskscale internals: SPEC §9 rules evaluated over raw columns: number reading, the per-range text
// dictionary of `map` rules, the numeric rules as loops over a range, and the messages of failed cells.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "riskscale/cell_text.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/detail/input_rules_json.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/inputs.hpp"

namespace riskscale {
namespace detail {

// The text a `map` rule compares for a number cell: whole numbers without a fraction ("5"), others shortest.
inline std::string number_text(double value) {
  if (std::isnan(value)) return "";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  return format_number(value);
}

// Distinct byte strings of a range, each with a code in order of first sight (open addressing,
// at most half full); the strings are borrowed from the caller's cells.
class text_dictionary {
 public:
  text_dictionary() : slots_(64, -1) {}

  // The code of `text`, and whether it was new.
  std::pair<std::int32_t, bool> insert(std::string_view text) {
    std::size_t mask = slots_.size() - 1;
    std::size_t slot = hash(text) & mask;
    while (slots_[slot] >= 0) {
      if (keys_[static_cast<std::size_t>(slots_[slot])] == text) return {slots_[slot], false};
      slot = (slot + 1) & mask;
    }
    const auto code = static_cast<std::int32_t>(keys_.size());
    keys_.push_back(text);
    slots_[slot] = code;
    if (keys_.size() * 2 > slots_.size()) grow();
    return {code, true};
  }

 private:
  static std::size_t hash(std::string_view text) noexcept {
    // Cell texts are mostly short: up to 16 bytes are read as two (overlapping) words, longer ones
    // word by word.
    const std::size_t n = text.size();
    std::uint64_t first = 0, last = 0;
    if (n >= 8) {
      std::memcpy(&first, text.data(), 8);
      std::memcpy(&last, text.data() + n - 8, 8);
    } else if (n > 0) {  // an empty view may hold no pointer
      std::memcpy(&first, text.data(), n);
    }
    std::uint64_t h = (first ^ 0x9E3779B97F4A7C15ULL) * 0xFF51AFD7ED558CCDULL;
    for (std::size_t i = 8; i + 8 < n; i += 8) {  // the middle words of a text longer than 16 bytes
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      h = (h ^ word) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
    }
    h ^= (last + n) * 0xC4CEB9FE1A85EC53ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
  void grow() {
    slots_.assign(slots_.size() * 2, -1);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t code = 0; code < keys_.size(); ++code) {
      std::size_t slot = hash(keys_[code]) & mask;
      while (slots_[slot] >= 0) slot = (slot + 1) & mask;
      slots_[slot] = static_cast<std::int32_t>(code);
    }
  }

  std::vector<std::int32_t> slots_;
  std::vector<std::string_view> keys_;
};

// One rule bound to its source column.
struct compiled_rule {
  input_rule rule;
  std::string path;                       // "inputs.sensitive_data" for messages; empty for an input read by name
  const source_column* source = nullptr;  // null for value and max rules, and for absent seats
  field_range range{0, 0};
  bool empty_is_absent = false;                    // seats: an empty cell (or no column) means no seats
  std::unordered_map<std::string, double> folded;  // map: folded key -> value
  std::vector<compiled_rule> branches;             // max
};

// A `map` rule on one cell text: the value, or unmapped_value when no key (and no default) matches.
inline void resolve_map(const compiled_rule& c, std::string_view text, double& value, row_status& status) {
  const auto it = c.folded.find(fold_map_key(text));
  if (it != c.folded.end()) {
    value = it->second;
    status = row_status::ok;
  } else if (c.rule.default_value) {
    value = *c.rule.default_value;
    status = row_status::ok;
  } else {
    value = std::numeric_limits<double>::quiet_NaN();
    status = row_status::unmapped_value;
  }
}

// SPEC §2 status of a number read from a cell (value NaN and ok: absent seats).
inline row_status read_status(bool parsed, bool blank, double value, bool empty_is_absent, double& out) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  if (parsed) {
    out = value;
    if (std::isnan(value)) return row_status::not_a_number;
    if (std::isinf(value)) return row_status::infinite;
    return row_status::ok;
  }
  out = nan;
  if (blank) return empty_is_absent ? row_status::ok : row_status::missing_value;
  return row_status::not_a_number;
}

// The numbers of rows [begin, end) of a rule's column into x[0..n), with their SPEC §2 reading status.
inline void read_numbers(const compiled_rule& c, std::size_t begin, std::size_t end, double* x, row_status* st) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = end - begin;
  const source_column* source = c.source;
  if (source == nullptr) {  // seats without a column
    std::fill_n(x, n, nan);
    std::fill_n(st, n, row_status::ok);
    return;
  }
  switch (source->type) {
    case source_column::kind::text:
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view text = source->cells[begin + i];
        double value = 0.0;
        const bool parsed = parse_number(text, value);
        st[i] = read_status(parsed, !parsed && is_blank(text), value, c.empty_is_absent, x[i]);
      }
      break;
    case source_column::kind::numbers:
      for (std::size_t i = 0; i < n; ++i) {
        const double value = source->values[begin + i];
        const bool empty = std::isnan(value);
        st[i] = read_status(!empty, empty, value, c.empty_is_absent, x[i]);
      }
      break;
    case source_column::kind::categories: {
      // Each category is read once; rows take their category's reading.
      std::vector<double> category_value(source->category_count + 1);
      std::vector<row_status> category_status(source->category_count + 1);
      for (std::size_t k = 0; k < source->category_count; ++k) {
        double value = 0.0;
        const bool parsed = parse_number(source->categories[k], value);
        category_status[k] = read_status(parsed, !parsed && is_blank(source->categories[k]), value, c.empty_is_absent,
                                         category_value[k]);
      }
      const std::size_t empty = source->category_count;
      category_status[empty] = read_status(false, true, 0.0, c.empty_is_absent, category_value[empty]);
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t code = source->codes[begin + i];
        const std::size_t k = code >= 0 && static_cast<std::size_t>(code) < source->category_count
                                  ? static_cast<std::size_t>(code)
                                  : empty;
        x[i] = category_value[k];
        st[i] = category_status[k];
      }
      break;
    }
  }
}

// A `map` rule over rows [begin, end): each distinct cell (text, number or category) resolved once.
inline void evaluate_map(const compiled_rule& c, std::size_t begin, std::size_t end, double* x, row_status* st) {
  const source_column& source = *c.source;
  const std::size_t n = end - begin;
  std::vector<double> code_value;
  std::vector<row_status> code_status;
  const auto add_code = [&](std::string_view text) {
    double value;
    row_status status;
    resolve_map(c, text, value, status);
    code_value.push_back(value);
    code_status.push_back(status);
  };
  switch (source.type) {
    case source_column::kind::text: {
      text_dictionary dictionary;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view text = source.cells[begin + i];
        const auto [code, added] = dictionary.insert(text);
        if (added) add_code(text);
        x[i] = code_value[static_cast<std::size_t>(code)];
        st[i] = code_status[static_cast<std::size_t>(code)];
      }
      break;
    }
    case source_column::kind::numbers: {
      // Keyed by the number's bytes: one text per distinct number.
      text_dictionary dictionary;
      for (std::size_t i = 0; i < n; ++i) {
        const double* value = source.values + begin + i;
        const auto [code, added] =
            dictionary.insert(std::string_view(reinterpret_cast<const char*>(value), sizeof(double)));
        if (added) add_code(number_text(*value));
        x[i] = code_value[static_cast<std::size_t>(code)];
        st[i] = code_status[static_cast<std::size_t>(code)];
      }
      break;
    }
    case source_column::kind::categories: {
      for (std::size_t k = 0; k < source.category_count; ++k) add_code(source.categories[k]);
      add_code("");  // an empty cell
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t code = source.codes[begin + i];
        const std::size_t k = code >= 0 && static_cast<std::size_t>(code) < source.category_count
                                  ? static_cast<std::size_t>(code)
                                  : source.category_count;
        x[i] = code_value[k];
        st[i] = code_status[k];
      }
      break;
    }
  }
}

// Rule `c` over rows [begin, end) into x[0..n) and st[0..n). A range failure keeps the computed value
// in x (for the message); callers clear it.
inline void evaluate_rule(const compiled_rule& c, std::size_t begin, std::size_t end, double* x, row_status* st) {
  const std::size_t n = end - begin;
  const input_rule& rule = c.rule;
  switch (rule.kind) {
    case input_rule_kind::value:
      std::fill_n(x, n, rule.value);
      std::fill_n(st, n, row_status::ok);
      return;
    case input_rule_kind::map: evaluate_map(c, begin, end, x, st); return;
    case input_rule_kind::max: {
      evaluate_rule(c.branches[0], begin, end, x, st);
      std::vector<double> other(n);
      std::vector<row_status> other_status(n);
      for (std::size_t b = 1; b < c.branches.size(); ++b) {
        evaluate_rule(c.branches[b], begin, end, other.data(), other_status.data());
        for (std::size_t i = 0; i < n; ++i) {
          if (st[i] != row_status::ok) continue;  // the first failing rule is the reason
          if (other_status[i] != row_status::ok) {
            st[i] = other_status[i];
            x[i] = other[i];
          } else if (std::isnan(x[i]) || other[i] > x[i]) {  // NaN here: an absent seats value
            x[i] = other[i];
          }
        }
      }
      return;
    }
    case input_rule_kind::column:
    case input_rule_kind::affine:
    case input_rule_kind::bands:
    case input_rule_kind::linear: break;
  }
  read_numbers(c, begin, end, x, st);
  const auto& points = rule.points;
  for (std::size_t i = 0; i < n; ++i) {
    if (st[i] != row_status::ok || std::isnan(x[i])) continue;  // failed, or absent seats
    const double cell = x[i];
    switch (rule.kind) {
      case input_rule_kind::column: st[i] = check_value(cell, c.range); break;
      case input_rule_kind::affine:
        x[i] = rule.scale * cell + rule.offset;
        st[i] = check_value(x[i], c.range);
        break;
      case input_rule_kind::bands: {
        // The last band whose lower bound is <= x (SPEC §9).
        const auto after = std::upper_bound(points.begin(), points.end(), cell,
                                            [](double v, const std::array<double, 2>& band) { return v < band[0]; });
        if (after == points.begin()) {
          st[i] = row_status::below_range;
        } else {
          x[i] = (after - 1)->at(1);
        }
        break;
      }
      case input_rule_kind::linear: {
        // Flat beyond the ends; linear between the knots around x.
        if (cell <= points.front()[0]) {
          x[i] = points.front()[1];
        } else if (cell >= points.back()[0]) {
          x[i] = points.back()[1];
        } else {
          const auto after = std::upper_bound(points.begin(), points.end(), cell,
                                              [](double v, const std::array<double, 2>& knot) { return v < knot[0]; });
          const auto& high = *after;
          const auto& low = *(after - 1);
          x[i] = low[1] + (cell - low[0]) * (high[1] - low[1]) / (high[0] - low[0]);
        }
        break;
      }
      default: break;
    }
  }
}

inline compiled_rule compile_rule(const input_rule& rule, std::string path, const std::string& input,
                                  const source_table& table, bool optional) {
  compiled_rule c;
  c.rule = rule;
  c.path = std::move(path);
  c.range = model_input_range(input);
  c.empty_is_absent = input == "seats";
  if (rule.kind == input_rule_kind::max) {
    for (std::size_t b = 0; b < rule.branches.size(); ++b) {
      c.branches.push_back(
          compile_rule(rule.branches[b], c.path + ".max[" + std::to_string(b) + "]", input, table, false));
    }
    return c;
  }
  if (rule.kind == input_rule_kind::map) {
    for (const auto& [key, mapped] : rule.map) c.folded.emplace(fold_map_key(key), mapped);
  }
  if (rule.kind == input_rule_kind::value) return c;
  c.source = table.find(rule.column);
  if (c.source == nullptr && !optional) {
    const std::string wanted_by =
        c.path.empty() ? "the model input " + input + " (read by its own name, SPEC §2)" : "$." + c.path;
    throw input_error(input, std::nullopt, "",
                      "the source column " + quoted(rule.column) + " is missing; " + wanted_by +
                          " reads it; accepted: a table with that column, or an inputs rule naming one it has");
  }
  return c;
}

// The leaf rule (not a max) that decides a failure or a value of row `row`, found by re-running the branches.
inline const compiled_rule& deciding_leaf(const compiled_rule& c, std::size_t row, bool failing) {
  if (c.rule.kind != input_rule_kind::max) return c;
  const compiled_rule* best = nullptr;
  double best_value = 0.0;
  for (const compiled_rule& branch : c.branches) {
    double x;
    row_status st;
    evaluate_rule(branch, row, row + 1, &x, &st);
    if (failing && st != row_status::ok) return deciding_leaf(branch, row, true);
    if (!failing && st == row_status::ok && !std::isnan(x) && (best == nullptr || x > best_value)) {
      best = &branch;
      best_value = x;
    }
  }
  return best != nullptr ? deciding_leaf(*best, row, false) : c.branches.front();
}

inline std::string rule_name(const compiled_rule& c) {
  switch (c.rule.kind) {
    case input_rule_kind::affine: return c.path + (c.rule.scale == 1.0 && c.rule.offset != 0.0 ? ".offset" : ".scale");
    case input_rule_kind::bands: return c.path + ".bands";
    case input_rule_kind::linear: return c.path + ".linear";
    case input_rule_kind::map: return c.path + ".map";
    default: return c.path;
  }
}

}  // namespace detail

inline std::string source_column::cell_text(std::size_t row) const {
  switch (type) {
    case kind::text: return std::string(cells[row]);
    case kind::numbers: return detail::number_text(values[row]);
    case kind::categories: {
      const std::int32_t code = codes[row];
      return code >= 0 && static_cast<std::size_t>(code) < category_count ? std::string(categories[code]) : "";
    }
  }
  return "";
}

struct input_plan::compiled {
  std::vector<std::string> fields;
  std::vector<detail::compiled_rule> rules;  // per field
};

inline std::string account_id_column(const policy& pol) {
  const input_rule* rule = pol.settings().inputs.find("account_id");
  return rule != nullptr ? rule->column : "account_id";
}

inline std::vector<source_request> source_columns(const policy& pol) {
  std::vector<source_request> requests;
  const auto add = [&](const std::string& column, const std::string& path, bool optional) {
    for (const auto& request : requests) {
      if (request.column == column) return;
    }
    requests.push_back({column, path, optional});
  };
  const input_mapping& mapping = pol.settings().inputs;
  add(account_id_column(pol), mapping.find("account_id") ? "$.inputs.account_id" : "", false);
  for (const std::string& field : pol.input_fields()) {
    const input_rule* rule = mapping.find(field);
    if (rule == nullptr) {
      add(field, "", field == "seats");
      continue;
    }
    const std::string path = detail::json_key_path("$.inputs", field);
    std::vector<std::pair<const input_rule*, std::string>> pending = {{rule, path}};
    while (!pending.empty()) {
      const auto [current, current_path] = pending.back();
      pending.pop_back();
      if (current->kind == input_rule_kind::max) {
        for (std::size_t b = current->branches.size(); b-- > 0;) {
          pending.emplace_back(&current->branches[b], current_path + ".max[" + std::to_string(b) + "]");
        }
      } else if (current->kind != input_rule_kind::value) {
        add(current->column, current_path, false);
      }
    }
  }
  return requests;
}

inline input_plan::input_plan(const policy& pol, const source_table& table) : compiled_(new compiled) {
  compiled_->fields = pol.input_fields();
  const input_mapping& mapping = pol.settings().inputs;
  for (const std::string& field : compiled_->fields) {
    const input_rule* rule = mapping.find(field);
    if (rule != nullptr) {
      const std::string path = detail::json_key_path("$.inputs", field).substr(2);  // "inputs.x", as SPEC §9 words it
      compiled_->rules.push_back(detail::compile_rule(*rule, path, field, table, false));
    } else {
      compiled_->rules.push_back(
          detail::compile_rule(input_rule::from_column(field, false), "", field, table, field == "seats"));
    }
  }
}

inline input_plan::~input_plan() = default;

inline const std::vector<std::string>& input_plan::fields() const noexcept { return compiled_->fields; }

inline void input_plan::map_range(std::size_t begin, std::size_t end, double* const* values, row_status* status,
                                  std::int16_t* invalid_field) const {
  const std::size_t n = end - begin;
  std::fill_n(status, n, row_status::ok);
  std::fill_n(invalid_field, n, std::int16_t{-1});
  std::vector<row_status> field_status(n);
  std::vector<double> scratch;
  for (std::size_t f = 0; f < compiled_->rules.size(); ++f) {
    double* x = values[f];
    if (x == nullptr) {
      scratch.resize(n);
      x = scratch.data();
    }
    detail::evaluate_rule(compiled_->rules[f], begin, end, x, field_status.data());
    for (std::size_t i = 0; i < n; ++i) {
      if (field_status[i] == row_status::ok) continue;
      x[i] = std::numeric_limits<double>::quiet_NaN();
      if (status[i] == row_status::ok) {  // SPEC §9: the first failing input, in input_fields() order
        status[i] = field_status[i];
        invalid_field[i] = static_cast<std::int16_t>(f);
      }
    }
  }
}

inline input_failure input_plan::failure(std::size_t row, std::size_t field) const {
  const detail::compiled_rule& top = compiled_->rules.at(field);
  const detail::compiled_rule& leaf = detail::deciding_leaf(top, row, true);
  double x;
  row_status st;
  detail::evaluate_rule(leaf, row, row + 1, &x, &st);
  input_failure f;
  f.status = st;
  f.input = compiled_->fields[field];
  f.column = leaf.rule.column;
  f.text = leaf.source != nullptr ? leaf.source->cell_text(row) : "";
  const std::string cell = f.column + " = " + detail::quoted(f.text);
  const std::string rule = leaf.path.empty() ? "" : " (" + detail::rule_name(leaf) + ")";
  const std::string range = detail::range_text(leaf.range);
  std::string what;
  switch (st) {
    case row_status::unmapped_value: what = cell + " matches no key of " + leaf.path + ".map"; break;
    case row_status::missing_value: what = f.column + " is empty" + rule + "; accepted: a number"; break;
    case row_status::not_a_number:
      what = cell + " is not a number" + rule + "; accepted: a number" +
             (leaf.rule.kind == input_rule_kind::column ? " in " + range : "");
      break;
    case row_status::infinite: what = cell + " is infinite" + rule + "; accepted: a finite number"; break;
    case row_status::below_range:
    case row_status::above_range: {
      const char* side = st == row_status::below_range ? "below" : "above";
      if (leaf.rule.kind == input_rule_kind::bands) {
        what = cell + " is below the first band of " + leaf.path + ".bands (lower bound " +
               format_number(leaf.rule.points.front()[0]) + ")";
      } else if (leaf.rule.kind == input_rule_kind::affine) {
        what = cell + " gives " + format_number(x) + ", " + side + " the range " + range + rule +
               "; accepted: a result in " + range;
      } else {
        what = cell + " is " + side + " the range" + rule + "; accepted: a number in " + range;
      }
      break;
    }
    case row_status::ok: what = cell + " is valid"; break;
  }
  f.message = f.input + ": " + what;
  return f;
}

inline input_origin input_plan::origin(std::size_t row, std::size_t field) const {
  const detail::compiled_rule& top = compiled_->rules.at(field);
  input_origin o;
  o.input = compiled_->fields[field];
  row_status st;
  detail::evaluate_rule(top, row, row + 1, &o.value, &st);
  if (st != row_status::ok) o.value = std::numeric_limits<double>::quiet_NaN();
  const detail::compiled_rule& leaf = detail::deciding_leaf(top, row, false);
  if (leaf.rule.kind == input_rule_kind::value) {
    o.description = "fixed value (" + (leaf.path.empty() ? o.input : leaf.path) + ".value)";
  } else if (leaf.source == nullptr) {
    o.description = "absent (no " + leaf.rule.column + " column)";
  } else {
    o.column = leaf.rule.column;
    o.text = leaf.source->cell_text(row);
    o.description = "from " + o.column + " = '" + o.text + "'";
    if (leaf.rule.kind == input_rule_kind::map && leaf.folded.count(fold_map_key(o.text)) == 0) {
      o.description += " (default of " + leaf.path + ")";
    }
  }
  if (top.rule.kind == input_rule_kind::max) o.description += " (largest of " + top.path + ".max)";
  return o;
}

inline portfolio mapped_inputs::as_portfolio() const {
  portfolio input(rows);
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (fields[f] != "seats") input.add(fields[f], values[f].data());
  }
  return input;
}

namespace detail {

inline void allocate(mapped_inputs& mapped, const policy& pol, std::size_t rows) {
  mapped.rows = rows;
  mapped.fields = pol.input_fields();
  mapped.values.assign(mapped.fields.size(), std::vector<double>(rows));
  mapped.status.assign(rows, row_status::ok);
  mapped.invalid_field.assign(rows, -1);
}

inline void map_into(const input_plan& plan, mapped_inputs& mapped, std::size_t begin, std::size_t end) {
  std::vector<double*> values;
  for (auto& column : mapped.values) values.push_back(column.data() + begin);
  plan.map_range(begin, end, values.data(), mapped.status.data() + begin, mapped.invalid_field.data() + begin);
}

}  // namespace detail

inline mapped_inputs map_inputs(const source_table& table, const policy& pol, const batch_options& options) {
  const input_plan plan(pol, table);
  mapped_inputs mapped;
  detail::allocate(mapped, pol, table.rows());
  if (table.rows() == 0) return mapped;
  run_chunks(plan_chunks(table.rows(), options), table.rows(),
             [&](unsigned, std::size_t begin, std::size_t end) { detail::map_into(plan, mapped, begin, end); });
  return mapped;
}

namespace detail {

/// SPEC §9 then §3–§8 for rows [begin, end) of `plan`'s table: the inputs mapped into `values` (one
/// array per input field, entry i for row begin + i) with `map_status`/`map_field`, then classified
/// into `out`, whose pointers also start at row `begin`. A row whose mapping failed reaches the
/// kernel with a NaN first input, so it gets no scores (even when only seats failed), and then the
/// mapping's status and field; its derived value is put back afterwards.
inline void map_and_classify_range(const input_plan& plan, const policy& pol, std::size_t begin, std::size_t end,
                                   double* const* values, row_status* map_status, std::int16_t* map_field,
                                   const batch_output& out, bool stream) {
  const std::size_t n = end - begin;
  plan.map_range(begin, end, values, map_status, map_field);
  const std::vector<std::string>& fields = plan.fields();
  std::vector<const double*> columns;
  for (std::size_t f = 0; f < fields.size(); ++f) {
    columns.push_back(fields[f] == "seats" ? nullptr : values[f]);  // seats: checked by the mapping
  }
  std::vector<std::pair<std::size_t, double>> held;
  for (std::size_t i = 0; i < n; ++i) {
    if (map_status[i] == row_status::ok) continue;
    held.emplace_back(i, values[0][i]);
    values[0][i] = std::numeric_limits<double>::quiet_NaN();
  }
  classify_range(pol, columns.data(), columns.size(), 0, n, out, best_isa(), stream);
  for (const auto& [i, value] : held) {
    values[0][i] = value;
    out.status[i] = map_status[i];
    if (out.invalid_field != nullptr) out.invalid_field[i] = map_field[i];
  }
}

}  // namespace detail

template <class Outputs, class OnChunk>
void classify_chunks(const source_table& table, const policy& pol, const batch_options& options,
                     const mapped_output& inputs, Outputs&& outputs, OnChunk&& on_chunk) {
  const std::size_t rows = table.rows();
  const input_plan plan(pol, table);
  if (rows == 0) return;
  const bool stream = rows >= detail::streaming_rows;  // results larger than the caches
  run_chunks(plan_chunks(rows, options), rows, [&](unsigned worker, std::size_t begin, std::size_t end) {
    const chunk piece{worker, begin, end};
    const batch_output out = outputs(piece);
    if (out.status == nullptr) {
      throw error("batch_output::status is null; accepted: a buffer of one row_status per row of the chunk");
    }
    std::vector<double*> values;
    for (double* column : inputs.values) values.push_back(column + begin);
    detail::map_and_classify_range(plan, pol, begin, end, values.data(), inputs.status + begin,
                                   inputs.invalid_field + begin, out, stream);
    on_chunk(piece, out);
  });
}

inline void classify_into(const source_table& table, const policy& pol, const batch_output& out,
                          const batch_options& options, mapped_inputs* inputs) {
  const std::size_t rows = table.rows();
  if (out.status == nullptr && rows > 0) {
    throw error("batch_output::status is null; accepted: a buffer of rows() row_status values");
  }
  mapped_inputs local;
  mapped_inputs& mapped = inputs != nullptr ? *inputs : local;
  detail::allocate(mapped, pol, rows);
  mapped_output columns;
  for (auto& column : mapped.values) columns.values.push_back(column.data());
  columns.status = mapped.status.data();
  columns.invalid_field = mapped.invalid_field.data();
  const std::size_t width = pol.recommendation_width();
  classify_chunks(
      table, pol, options, columns, [&](const chunk& piece) { return out.at_row(piece.begin, width); },
      [](const chunk&, const batch_output&) {});
}

inline batch_result classify(const source_table& table, const policy& pol, const batch_options& options) {
  batch_result result(table.rows(), pol);
  classify_into(table, pol, result.view(), options);
  return result;
}

inline account map_account(const source_table& table, std::size_t row, const policy& pol,
                           std::vector<input_origin>* origins) {
  if (row >= table.rows()) {
    throw error("row " + std::to_string(row) + " is outside the table of " + std::to_string(table.rows()) + " rows");
  }
  const input_plan plan(pol, table);
  const std::vector<std::string>& fields = plan.fields();
  std::vector<double> values(fields.size());
  std::vector<double*> pointers;
  for (double& value : values) pointers.push_back(&value);
  row_status status;
  std::int16_t invalid_field;
  plan.map_range(row, row + 1, pointers.data(), &status, &invalid_field);
  account result;
  if (const source_column* id = table.find(account_id_column(pol))) result.account_id = id->cell_text(row);
  if (status != row_status::ok) {
    const auto field = static_cast<std::size_t>(invalid_field);
    throw input_error(fields[field], row, result.account_id, plan.failure(row, field).message);
  }
  for (std::size_t f = 0; f < fields.size(); ++f) {
    if (!std::isnan(values[f])) result.set_field(fields[f], values[f]);
    if (origins != nullptr) origins->push_back(plan.origin(row, f));
  }
  return result;
}

inline std::string describe_origins(const std::vector<input_origin>& origins) {
  std::string text = "Inputs (the policy's inputs section, SPEC §9):\n";
  for (const input_origin& o : origins) {
    std::string value = "absent";
    if (!std::isnan(o.value)) {
      const field_range range = detail::model_input_range(o.input);
      char buffer[32];  // factors as in the issue ("0.90"), counts and days to 6 digits ("18.99")
      std::snprintf(buffer, sizeof buffer, range.upper == 1.0 ? "%.2f" : "%.6g", o.value);
      value = buffer;
    }
    text += "  " + o.input + " " + value + " " + o.description + "\n";
  }
  return text;
}

}  // namespace riskscale
