// riskscale internals: number formatting for messages and text output.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "riskscale/account.hpp"

namespace riskscale {

inline std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

inline std::string describe_invalid(std::string_view field, double value, field_range range,
                                    row_status status) {
  std::string accepted =
      "accepted: a finite number in [" + format_number(range.lower) + ", " +
      format_number(range.upper) + "]";
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
  return std::string(field) + " " + what + "; " + accepted;
}

}  // namespace riskscale
