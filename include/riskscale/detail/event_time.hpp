// riskscale internals: the SPEC §10 event-time forms read without allocation (a few compares per byte).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace riskscale::detail {

/// Seconds in a day; dates are UTC days, so a time converts by floor division.
inline constexpr std::int64_t seconds_per_day = 86400;

/// `numerator / denominator` rounded toward negative infinity (`denominator` > 0), so that a time
/// before 1970 or before midnight UTC lands on the earlier date.
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t numerator, std::int64_t denominator) noexcept {
  const std::int64_t quotient = numerator / denominator;
  return (numerator % denominator != 0 && numerator < 0) ? quotient - 1 : quotient;
}

/// The value of the `count` decimal digits at `text[at]`, or -1 when one of them is not a digit.
[[nodiscard]] constexpr int fixed_digits(std::string_view text, std::size_t at, std::size_t count) noexcept {
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[at + i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// A time split into its local calendar fields and its offset from UTC, before any range check.
struct event_time_fields {
  int year = 0, month = 0, day = 0;  ///< the date as written (local when an offset is given)
  std::int64_t seconds_of_day = 0;   ///< hh·3600 + mm·60 + ss minus the offset, may leave [0, 86400)
  bool epoch = false;                ///< the text was whole seconds since 1970-01-01 UTC
  std::int64_t epoch_seconds = 0;    ///< those seconds, when `epoch`
};

/// Reads `text` (already trimmed) as one of the SPEC §10 forms: `YYYY-MM-DD`,
/// `YYYY-MM-DD[T| ]hh:mm:ss[.f…][Z|±hh:mm]` or a whole number of seconds (an optional `-` and
/// at most 12 digits; anything longer lies past every accepted date). Nothing else is accepted:
/// no other separators, no lowercase `t`/`z`, no `±hhmm`, no hour 24 or leap second. The date
/// is not checked here (see `parse_event_time`).
[[nodiscard]] constexpr std::optional<event_time_fields> split_event_time(std::string_view text) noexcept {
  event_time_fields out;
  if (text.empty()) return std::nullopt;
  // Whole seconds since the epoch: digits only, after an optional minus sign.
  {
    std::size_t at = text[0] == '-' ? 1 : 0;
    const std::size_t digits = text.size() - at;
    bool all_digits = digits > 0 && digits <= 12;
    std::int64_t seconds = 0;
    for (; all_digits && at < text.size(); ++at) {
      const char c = text[at];
      if (c < '0' || c > '9') all_digits = false;
      seconds = seconds * 10 + (c - '0');
    }
    if (all_digits) {
      out.epoch = true;
      out.epoch_seconds = text[0] == '-' ? -seconds : seconds;
      return out;
    }
  }
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  out.year = fixed_digits(text, 0, 4);
  out.month = fixed_digits(text, 5, 2);
  out.day = fixed_digits(text, 8, 2);
  if (out.year < 0 || out.month < 0 || out.day < 0) return std::nullopt;
  if (text.size() == 10) return out;
  // A date-time: `T` or one space, then hh:mm:ss.
  if (text.size() < 19 || (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const int hour = fixed_digits(text, 11, 2), minute = fixed_digits(text, 14, 2), second = fixed_digits(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return std::nullopt;
  out.seconds_of_day = hour * 3600 + minute * 60 + second;
  std::size_t at = 19;
  // A fraction of a second never moves the date (offsets are whole minutes), so it is only checked.
  if (at < text.size() && text[at] == '.') {
    const std::size_t first_digit = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == first_digit) return std::nullopt;
  }
  if (at == text.size()) return out;  // no zone: UTC (SPEC §10)
  if (text[at] == 'Z') return at + 1 == text.size() ? std::optional<event_time_fields>(out) : std::nullopt;
  if ((text[at] != '+' && text[at] != '-') || text.size() - at != 6 || text[at + 3] != ':') return std::nullopt;
  const int offset_hours = fixed_digits(text, at + 1, 2), offset_minutes = fixed_digits(text, at + 4, 2);
  if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) return std::nullopt;
  const std::int64_t offset = offset_hours * 3600 + offset_minutes * 60;
  // Local time = UTC + offset, so UTC = local − offset.
  out.seconds_of_day -= text[at] == '+' ? offset : -offset;
  return out;
}

/// `text` without the spaces and tabs at both ends (SPEC §10 ids; times are read the same way).
[[nodiscard]] constexpr std::string_view trim_blanks(std::string_view text) noexcept {
  std::size_t first = 0, last = text.size();
  while (first < last && (text[first] == ' ' || text[first] == '\t')) ++first;
  while (last > first && (text[last - 1] == ' ' || text[last - 1] == '\t')) --last;
  return text.substr(first, last - first);
}

}  // namespace riskscale::detail
