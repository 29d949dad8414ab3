// riskscale: how a text cell reads (SPEC §2 numbers, flags, lists), one function per rule for every front end.
#pragma once

#include <cstdint>
#include <limits>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "riskscale/archetype.hpp"

namespace riskscale {

/// True when `text` holds nothing but spaces and tabs: an empty cell.
[[nodiscard]] constexpr bool is_blank(std::string_view text) noexcept {
  for (const char c : text) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

/// `text` without leading and trailing spaces and tabs.
[[nodiscard]] constexpr std::string_view trim_blanks(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

namespace detail {

// Clinger's fast path: a decimal of at most 15 digits is an integer m < 2^53 scaled by 10^-f with
// f <= 15; both are exact doubles, so the one IEEE division rounds correctly, giving the same
// double as from_chars. False (and `value` untouched) for anything else: the general parser decides.
inline bool parse_plain_decimal(std::string_view text, double& value) noexcept {
  constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t position = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++position;
  std::uint64_t mantissa = 0;
  std::size_t digits = 0;
  std::size_t fraction_digits = 0;
  bool point = false;
  bool integer_digit = false;
  for (; position < text.size(); ++position) {
    const char c = text[position];
    if (c >= '0' && c <= '9') {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
      if (point) {
        ++fraction_digits;
      } else {
        integer_digit = true;
      }
    } else if (c == '.' && !point) {
      point = true;
    } else {
      return false;
    }
  }
  // digits+ or digits+ '.' digits+ only, so that every accepted text means what from_chars reads.
  if (!integer_digit || (point && fraction_digits == 0) || digits > 15) return false;
  const double magnitude = static_cast<double>(mantissa) / powers_of_ten[fraction_digits];
  value = negative ? -magnitude : magnitude;
  return true;
}

// Tells whether an out-of-range decimal number (already validated by
// std::from_chars, without sign) overflows rather than underflows, from the
// decimal exponent of its first non-zero digit.
inline bool decimal_text_overflows(std::string_view unsigned_text) {
  long long digits_before_point = 0;
  long long first_nonzero_index = -1;  // index among all mantissa digits
  long long digit_index = 0;
  bool after_point = false;
  std::size_t position = 0;
  for (; position < unsigned_text.size(); ++position) {
    const char c = unsigned_text[position];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (c == 'e' || c == 'E') {
      break;
    }
    if (first_nonzero_index < 0 && c != '0') {
      first_nonzero_index = digit_index;
    }
    ++digit_index;
    if (!after_point) {
      ++digits_before_point;
    }
  }
  long long exponent = 0;
  if (position < unsigned_text.size()) {
    ++position;  // skip 'e'
    bool negative_exponent = false;
    if (position < unsigned_text.size() && (unsigned_text[position] == '+' || unsigned_text[position] == '-')) {
      negative_exponent = unsigned_text[position] == '-';
      ++position;
    }
    // Saturate: only the sign of the final magnitude matters here.
    constexpr long long exponent_cap = 1'000'000'000;
    for (; position < unsigned_text.size() && exponent < exponent_cap; ++position) {
      exponent = exponent * 10 + (unsigned_text[position] - '0');
    }
    if (negative_exponent) {
      exponent = -exponent;
    }
  }
  if (first_nonzero_index < 0) {
    return false;  // all zeros cannot be out of range; treat as underflow
  }
  // The first non-zero digit has place value 10^(digits_before_point - 1 - index).
  const long long magnitude = digits_before_point - 1 - first_nonzero_index + exponent;
  return magnitude >= 0;
}

}  // namespace detail

/// Reads a number cell as SPEC §2 reads it: spaces and tabs trimmed, an optional '+', then a
/// decimal or scientific number, `nan` or `inf` (which the range check refuses); overflow reads as
/// infinite and underflow as 0. False for an empty cell or anything else.
[[nodiscard]] inline bool parse_number(std::string_view text, double& value) {
  text = trim_blanks(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;  // from_chars would take "+-1" once '+' is gone
  }
  if (text.empty()) return false;
  if (detail::parse_plain_decimal(text, value)) return true;
  const char* const first = text.data();
  const char* const last = first + text.size();
  double parsed = 0.0;
  const std::from_chars_result result = std::from_chars(first, last, parsed);
  if (result.ptr != last) return false;  // not a number, or trailing garbage such as "1.5x"
  if (result.ec == std::errc()) {
    value = parsed;
    return true;
  }
  if (result.ec == std::errc::result_out_of_range) {
    // from_chars leaves the value untouched here: overflow reads as infinite (refused by the range
    // check), underflow as zero, decided from the decimal exponent (independent of the locale).
    const bool negative = text.front() == '-';
    const std::string_view magnitude_text = negative ? text.substr(1) : text;
    const double magnitude =
        detail::decimal_text_overflows(magnitude_text) ? std::numeric_limits<double>::infinity() : 0.0;
    value = negative ? -magnitude : magnitude;
    return true;
  }
  return false;
}

/// The texts a flag cell accepts, in the words of an error message.
inline constexpr std::string_view flag_texts = "true/false, yes/no or 1/0 (any case)";

/// Reads a flag cell: `true`, `yes`, `1` are true and `false`, `no`, `0` false, in any case, spaces
/// and tabs trimmed; nothing for any other text (an empty cell included).
[[nodiscard]] inline std::optional<bool> parse_flag(std::string_view text) noexcept {
  text = trim_blanks(text);
  const auto equals = [text](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals("true") || equals("yes") || equals("1")) return true;
  if (equals("false") || equals("no") || equals("0")) return false;
  return std::nullopt;
}

/// The texts an archetype cell accepts, in the words of an error message.
inline constexpr std::string_view archetype_cell_texts =
    "high_scale_high_risk, high_scale_low_risk, low_scale_high_risk, low_scale_low_risk, or empty";

/// Reads an archetype cell (a metric table's or a classified table's `archetype`): the SPEC §1 index
/// of the id, -1 for an empty cell (no archetype: an invalid row), nothing for any other text.
[[nodiscard]] constexpr std::optional<std::int8_t> parse_archetype_cell(std::string_view text) noexcept {
  if (text.empty()) return std::int8_t{-1};
  if (const std::optional<archetype> type = archetype_from_string(text)) return static_cast<std::int8_t>(*type);
  return std::nullopt;
}

/// The separator of a recommendations cell (SPEC §8: ids joined by ';').
inline constexpr char list_separator = ';';

/// The ids of a recommendations cell, in order, empty entries dropped ("a;;b" is a, b).
[[nodiscard]] inline std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> items;
  while (!text.empty()) {
    const std::size_t end = text.find(list_separator);
    const std::string_view item = text.substr(0, end);
    if (!item.empty()) items.push_back(item);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return items;
}

}  // namespace riskscale
