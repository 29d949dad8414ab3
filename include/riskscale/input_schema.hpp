// riskscale: the model inputs a policy reads (SPEC §2), how a cell of each reads, and why a value is refused.
//
// One descriptor per input, in `policy::input_fields()` order: the policy's risk factors, then
// active_days, users and seats. Every reader uses it: the CLI's CSV readers, the Python converters
// and the Dask path. In a column of numbers an empty cell is NaN (as pandas reads one); a cell of
// text is read by `read_input_cell`.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/account.hpp"
#include "riskscale/cell_text.hpp"
#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// How an empty cell of an input reads.
enum class empty_cell : std::uint8_t {
  missing,  ///< the row is invalid (`missing_value` in a text cell, `not_a_number` as NaN): required inputs
  absent,   ///< the value is absent and the row stays valid: `seats` (SPEC §2, version 1.1)
};

/// One model input of a policy.
struct input_descriptor {
  std::string name;                        ///< the input field, e.g. "sensitive_data"
  field_range range;                       ///< SPEC §2 accepted values
  bool optional = false;                   ///< the column may be left out (`seats`)
  empty_cell empty = empty_cell::missing;  ///< how an empty cell (or NaN) reads
};

/// The SPEC §2 range of input `index` of `pol` (`policy::input_fields()` order).
[[nodiscard]] inline field_range input_range(const policy& pol, std::size_t index) noexcept {
  const std::size_t factor_count = pol.risk_factors().size();
  if (index < factor_count) return risk_factor_range;
  return index == factor_count ? active_days_range : count_range;
}

/// Every input `pol` reads, in `policy::input_fields()` order.
[[nodiscard]] inline std::vector<input_descriptor> input_schema(const policy& pol) {
  std::vector<input_descriptor> schema;
  const std::vector<std::string> fields = pol.input_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const bool seats = fields[i] == "seats";
    schema.push_back({fields[i], input_range(pol, i), seats, seats ? empty_cell::absent : empty_cell::missing});
  }
  return schema;
}

/// The words of an accepted range, e.g. "accepted: a finite number in [0, 1]".
[[nodiscard]] inline std::string describe_accepted(field_range range) {
  return "accepted: a finite number in [" + format_number(range.lower) + ", " + format_number(range.upper) + "]";
}

/// A sentence saying why `value` of `field` was refused and what is accepted.
[[nodiscard]] inline std::string describe_invalid(std::string_view field, double value, field_range range,
                                                  row_status status) {
  std::string what;
  switch (status) {
    case row_status::not_a_number: what = "is missing or not a number (NaN)"; break;
    case row_status::infinite: what = "= " + format_number(value) + " is infinite"; break;
    case row_status::below_range: what = "= " + format_number(value) + " is below the range"; break;
    case row_status::above_range: what = "= " + format_number(value) + " is above the range"; break;
    case row_status::missing_value: what = "is empty"; break;
    case row_status::unmapped_value: what = "matches no key of its map rule"; break;
    case row_status::ok: what = "= " + format_number(value) + " is valid"; break;
  }
  return std::string(field) + " " + what + "; " + describe_accepted(range);
}

/// A sentence saying that the text cell `text` of `field` is not a number, and what is accepted.
[[nodiscard]] inline std::string describe_not_a_number(std::string_view field, std::string_view text,
                                                       field_range range) {
  return std::string(field) + " = '" + std::string(text) + "' is not a number; " + describe_accepted(range);
}

/// How one cell read: its value (NaN when absent), and `ok` or why the row is refused.
struct cell_reading {
  double value = std::numeric_limits<double>::quiet_NaN();
  row_status status = row_status::ok;
  /// True when the cell was text that is no number (status `not_a_number`), not a NaN.
  bool text_not_a_number = false;
};

/// Reads a text cell as input `input`: a number (range-checked), an empty cell as `input.empty`
/// says (absent: NaN and `ok`; missing: `missing_value`), anything else `not_a_number`.
[[nodiscard]] inline cell_reading read_input_cell(const input_descriptor& input, std::string_view text) {
  cell_reading reading;
  if (parse_number(text, reading.value)) {
    reading.status = check_value(reading.value, input.range);
    return reading;
  }
  reading.value = std::numeric_limits<double>::quiet_NaN();
  if (is_blank(text)) {
    reading.status = input.empty == empty_cell::absent ? row_status::ok : row_status::missing_value;
  } else {
    reading.status = row_status::not_a_number;
    reading.text_not_a_number = true;
  }
  return reading;
}

/// Checks a number of a column as input `input` (NaN is an empty cell): `ok` or why it is refused.
[[nodiscard]] inline row_status check_input(const input_descriptor& input, double value) noexcept {
  if (std::isnan(value) && input.empty == empty_cell::absent) return row_status::ok;
  return check_value(value, input.range);
}

/// The refusal of `value` (or, with `text`, of that cell) of `input`: reason, value and range as data.
[[nodiscard]] inline refusal refusal_of(const input_descriptor& input, double value, row_status status,
                                        std::optional<std::string_view> text = std::nullopt) {
  refusal why;
  why.reason = std::string(to_string(status));
  why.value = text ? std::string(trim_blanks(*text)) : (std::isnan(value) ? std::string() : format_number(value));
  why.lower = input.range.lower;
  why.upper = input.range.upper;
  return why;
}

/// The sentence of a refused cell or value of `input`, as every front end words it.
[[nodiscard]] inline std::string describe_refusal(const input_descriptor& input, double value, row_status status,
                                                  std::optional<std::string_view> text = std::nullopt) {
  if (text && status == row_status::not_a_number && !is_blank(*text)) {
    return describe_not_a_number(input.name, *text, input.range);
  }
  return describe_invalid(input.name, value, input.range, status);
}

/// The `input_error` of row `row` (0-based) refused for `input`, with its refusal as data.
[[nodiscard]] inline input_error refused_row(const input_descriptor& input, std::size_t row, std::string account_id,
                                             double value, row_status status,
                                             std::optional<std::string_view> text = std::nullopt) {
  return input_error(input.name, row, std::move(account_id), refusal_of(input, value, status, text),
                     describe_refusal(input, value, status, text));
}

}  // namespace riskscale
