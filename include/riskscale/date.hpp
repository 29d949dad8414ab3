// riskscale: a civil calendar date (proleptic Gregorian, 1900-01-01 to 2199-12-31), parsed, printed and counted in days.
#pragma once

#include <array>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "riskscale/error.hpp"
#include "riskscale/utf8.hpp"

namespace riskscale {

/// A calendar date of the proleptic Gregorian calendar (no time, no zone), between `date::first()`
/// (1900-01-01) and `date::last()` (2199-12-31): one range for every date the project reads or writes,
/// inside iCalendar's four-digit years and pandas' nanosecond Timestamp (1677–2262).
class date {
 public:
  /// The first and last years of the supported range.
  static constexpr int first_year = 1900;
  static constexpr int last_year = 2199;
  /// The supported range in words, for messages.
  static constexpr const char* accepted_range = "a date between 1900-01-01 and 2199-12-31";

  /// 1970-01-01.
  constexpr date() = default;
  /// The date with this year, month (1–12) and day (1–31); throws `error` for a date that does not
  /// exist or lies outside the supported range.
  date(int year, int month, int day) : days_(to_days(year, month, day)) {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || year < first_year ||
        year > last_year) {
      throw error("invalid date " + std::to_string(year) + "-" + std::to_string(month) + "-" + std::to_string(day) +
                  "; accepted: " + accepted_range);
    }
  }
  /// The first supported date, 1900-01-01.
  [[nodiscard]] static constexpr date first() noexcept { return from_days(to_days(first_year, 1, 1)); }
  /// The last supported date, 2199-12-31.
  [[nodiscard]] static constexpr date last() noexcept { return from_days(to_days(last_year, 12, 31)); }
  /// Parses "YYYY-MM-DD" (ISO 8601); throws `error` naming the text and the accepted form.
  [[nodiscard]] static date parse(std::string_view text) {
    const auto fail = [&](const std::string& why) -> date {
      throw error("invalid date '" + escaped_for_message(text) + "': " + why + "; accepted: YYYY-MM-DD, " +
                  accepted_range);
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail("not in the form YYYY-MM-DD");
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
      for (std::size_t i = 0; i < lengths[p]; ++i) {
        const char c = text[starts[p] + i];
        if (c < '0' || c > '9') return fail("not in the form YYYY-MM-DD");
        parts[p] = parts[p] * 10 + (c - '0');
      }
    }
    if (parts[0] < first_year || parts[0] > last_year)
      return fail("year " + std::to_string(parts[0]) + " is outside the supported range");
    if (parts[1] < 1 || parts[1] > 12) return fail("there is no month " + std::to_string(parts[1]));
    if (parts[2] < 1 || parts[2] > days_in_month(parts[0], parts[1])) {
      return fail("month " + std::to_string(parts[1]) + " of " + std::to_string(parts[0]) + " has " +
                  std::to_string(days_in_month(parts[0], parts[1])) + " days");
    }
    return date(parts[0], parts[1], parts[2]);
  }
  /// Today in UTC.
  [[nodiscard]] static date today_utc() {
    const std::time_t now = std::time(nullptr);
    return from_days(static_cast<long>(now / 86400));
  }
  /// The date `days` after this one (before, when negative); throws `error` when that date lies
  /// outside the supported range.
  [[nodiscard]] date plus_days(long days) const {
    const long target = days_ + days;
    if (target < first().days_ || target > last().days_) {
      throw error("invalid date: " + to_string() + (days >= 0 ? " plus " : " minus ") +
                  std::to_string(days >= 0 ? days : -days) +
                  " days is outside the supported range; accepted: " + accepted_range);
    }
    return from_days(target);
  }
  /// Days since 1970-01-01.
  [[nodiscard]] constexpr long days_since_epoch() const noexcept { return days_; }
  /// The date `days` days after 1970-01-01 (before, when negative); for code that counts days and
  /// checks the supported range itself (`first()`, `last()`), as the usage events of SPEC §10 do.
  [[nodiscard]] static constexpr date from_days_since_epoch(long days) noexcept {
    date result;
    result.days_ = days;
    return result;
  }
  /// The date `year`-`month`-`day`, or nothing when no such date exists; never throws nor
  /// allocates (for parsers that meet many dates, such as the usage events of SPEC §10).
  [[nodiscard]] static constexpr std::optional<date> from_ymd(int year, int month, int day) noexcept {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
      return std::nullopt;
    }
    return from_days_since_epoch(to_days(year, month, day));
  }
  /// The year, month (1–12) and day (1–31).
  [[nodiscard]] std::array<int, 3> ymd() const noexcept {
    // Civil-from-days over 400-year eras of 146097 days, with years starting on 1 March.
    const long z = days_ + 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long day_of_era = z - era * 146097;
    const long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const long shifted_month = (5 * day_of_year + 2) / 153;
    const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
  }
  /// "YYYY-MM-DD".
  [[nodiscard]] std::string to_string() const {
    const auto [y, m, d] = ymd();
    char text[40];  // room for any int year, although the range keeps years at four digits
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
    return text;
  }
  /// "YYYYMMDD", the iCalendar DATE form (RFC 5545 §3.3.4).
  [[nodiscard]] std::string to_basic_string() const {
    std::string text = to_string();
    text.erase(7, 1);
    text.erase(4, 1);
    return text;
  }
  /// True in a leap year of the Gregorian calendar.
  [[nodiscard]] static constexpr bool is_leap(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
  /// Days in a month of a year.
  [[nodiscard]] static constexpr int days_in_month(int year, int month) noexcept {
    constexpr int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : lengths[(month - 1) % 12];
  }

  friend constexpr bool operator==(date a, date b) noexcept { return a.days_ == b.days_; }
  friend constexpr bool operator!=(date a, date b) noexcept { return a.days_ != b.days_; }
  friend constexpr bool operator<(date a, date b) noexcept { return a.days_ < b.days_; }

 private:
  static constexpr date from_days(long days) noexcept {
    date result;
    result.days_ = days;
    return result;
  }
  static constexpr long to_days(int year, int month, int day) noexcept {
    // Days-from-civil, the inverse of ymd(): years start on 1 March so the leap day comes last.
    const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long year_of_era = y - era * 400;
    const long day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
  }
  long days_ = 0;
};

}  // namespace riskscale
