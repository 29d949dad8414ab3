// riskscale metrics: leading programme metrics per course and group (completion, pass rate, time to completion).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskscale/archetype.hpp"
#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/metrics/columns.hpp"
#include "riskscale/metrics/reasons.hpp"

namespace riskscale::metrics {

/// Input of `program`: one row per enrolment.
struct program_input {
  column_view<std::int32_t> course;        ///< optional: course (or format) code in [0, course_count), -1 = none
  std::size_t course_count = 0;            ///< number of course codes
  column_view<double> completed;           ///< required: 1 completed, 0 not
  column_view<double> assessment_passed;   ///< optional: 1 passed, 0 failed, NaN not assessed
  column_view<double> days_to_completion;  ///< optional: days >= 0 for completed enrolments, NaN unknown
  column_view<std::int8_t> archetype;      ///< optional: archetype code per enrolment, -1 = none

  /// Number of enrolments (the length of `completed`).
  [[nodiscard]] std::size_t rows() const noexcept { return completed.size(); }
};

/// Leading programme metrics of one (course, group) cell.
struct program_cell {
  std::size_t enrolments = 0;
  std::size_t completions = 0;
  std::size_t assessed = 0;
  std::size_t passed = 0;
  std::size_t timed = 0;                                 ///< completions with a time to completion
  double completion_rate = detail::quiet_nan;            ///< completions / enrolments
  double pass_rate = detail::quiet_nan;                  ///< passed / assessed
  double median_days_to_completion = detail::quiet_nan;  ///< the middle time (mean of the two middle ones when even)
  reason_set reasons = 0;                                ///< empty_group, no_assessments, no_completion_times
};

/// Owning results of `program`: a cell per (course, group); course `course_count` is every course.
struct program_result {
  std::size_t course_count = 0;
  std::vector<program_cell> cells;  ///< (course_count + 1) × group_count, course-major

  /// The cell of one course (or `course_count` for every course) and group.
  [[nodiscard]] const program_cell& at(std::size_t course, std::size_t group) const {
    return cells.at(course * group_count + group);
  }
};

/// Enrolments, completions, completion rate, pass rate and median time to completion per course
/// and group; throws `column_error` for a bad flag, a course code out of range, a negative or
/// infinite time, or a time given for an enrolment that is not completed.
[[nodiscard]] inline program_result program(const program_input& in) {
  const std::size_t rows = in.rows();
  detail::check_column(in.completed, "completed", rows, true, "a 1/0 completed flag per enrolment");
  detail::check_column(in.course, "course", rows, false, "");
  detail::check_column(in.assessment_passed, "assessment_passed", rows, false, "");
  detail::check_column(in.days_to_completion, "days_to_completion", rows, false, "");
  detail::check_archetypes(in.archetype, rows);
  const std::size_t courses = in.course_count;
  program_result result{courses, std::vector<program_cell>((courses + 1) * group_count)};
  std::vector<std::vector<double>> days(result.cells.size());
  for (std::size_t row = 0; row < rows; ++row) {
    detail::check_flag("completed", in.completed[row], row);
    const bool completed = in.completed[row] == 1.0;
    std::optional<bool> passed;
    if (in.assessment_passed.given() && !std::isnan(in.assessment_passed[row])) {
      detail::check_flag("assessment_passed", in.assessment_passed[row], row);
      passed = in.assessment_passed[row] == 1.0;
    }
    std::optional<double> time;
    if (in.days_to_completion.given() && !std::isnan(in.days_to_completion[row])) {
      const double value = in.days_to_completion[row];
      if (!completed) {
        throw column_error("days_to_completion", row,
                           "days_to_completion = " + format_number(value) +
                               " for an enrolment that is not completed; accepted: empty (NaN) unless completed = 1");
      }
      detail::check_count("days_to_completion", value, row);
      time = value;
    }
    std::size_t course = courses;  // every course only
    if (in.course.given()) {
      const std::int32_t code = in.course[row];
      if (code < -1 || (code >= 0 && static_cast<std::size_t>(code) >= courses)) {
        throw column_error("course", row,
                           "course code " + std::to_string(code) + "; accepted: -1 (none) or 0 to " +
                               std::to_string(courses > 0 ? courses - 1 : 0));
      }
      if (code >= 0) course = static_cast<std::size_t>(code);
    }
    const auto add = [&](std::size_t cell_index) {
      program_cell& cell = result.cells[cell_index];
      ++cell.enrolments;
      cell.completions += completed ? 1 : 0;
      if (passed) {
        ++cell.assessed;
        cell.passed += *passed ? 1 : 0;
      }
      if (time) {
        ++cell.timed;
        days[cell_index].push_back(*time);
      }
    };
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      if (course != courses) add(course * group_count + group);
      add(courses * group_count + group);
    });
  }
  for (std::size_t i = 0; i < result.cells.size(); ++i) {
    program_cell& cell = result.cells[i];
    cell.completion_rate =
        detail::ratio_or_nan(static_cast<double>(cell.completions), static_cast<double>(cell.enrolments));
    cell.pass_rate = detail::ratio_or_nan(static_cast<double>(cell.passed), static_cast<double>(cell.assessed));
    std::vector<double>& times = days[i];
    if (!times.empty()) {
      const std::size_t middle = times.size() / 2;
      std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(middle), times.end());
      const double upper = times[middle];
      if (times.size() % 2 == 1) {
        cell.median_days_to_completion = upper;
      } else {
        const double lower = *std::max_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(middle));
        cell.median_days_to_completion = lower + (upper - lower) / 2.0;
      }
    }
    if (cell.enrolments == 0) {
      cell.reasons |= bit(reason::empty_group);
      continue;
    }
    if (cell.assessed == 0) cell.reasons |= bit(reason::no_assessments);
    if (cell.timed == 0) cell.reasons |= bit(reason::no_completion_times);
  }
  return result;
}

}  // namespace riskscale::metrics
