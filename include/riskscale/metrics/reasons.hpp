// riskscale metrics: why a value is NaN or a row is left out (`reason`, `reason_set`).
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

#include "riskscale/archetype.hpp"

namespace riskscale::metrics {

// ---------------------------------------------------------------------------------------------
// Reasons

/// Why a value is NaN, a row is left out of its groups or a group is flagged; one bit each in a `reason_set`.
enum class reason : std::uint8_t {
  seats_not_finite,           ///< adoption row: seats is NaN or infinite (left out)
  trained_not_finite,         ///< adoption row: trained is NaN or infinite (left out)
  active_not_finite,          ///< adoption row: active is NaN or infinite (left out)
  seats_negative,             ///< adoption row: seats < 0 (left out)
  trained_negative,           ///< adoption row: trained < 0 (left out)
  active_negative,            ///< adoption row: active < 0 (left out)
  trained_above_seats,        ///< adoption row: more users trained than seats (left out, values not clamped)
  active_above_seats,         ///< adoption row: more users active than seats (left out, values not clamped)
  zero_seats,                 ///< no seats: coverage and activation are NaN (zero denominator)
  stage_count_increases,      ///< funnel row: a stage counts more than the stage before it (left out)
  zero_stage_count,           ///< funnel: a step starts from 0, its conversion is NaN (zero denominator)
  empty_group,                ///< the group has no rows: counts 0, rates NaN
  no_assessments,             ///< programme: no enrolment was assessed, the pass rate is NaN
  no_completion_times,        ///< programme: no completed enrolment has a time, the median is NaN
  small_group,                ///< impact: a side has fewer accounts than impact_settings::min_group_size
  completed_group_empty,      ///< impact: no account completed onboarding, its rate and the difference are NaN
  not_completed_group_empty,  ///< impact: every account completed onboarding, the other rate and the difference are NaN
  zero_posts,                 ///< interaction: no posts, the rate is NaN (zero denominator)
  zero_followers,             ///< interaction: no followers, the rate is NaN (zero denominator)
  zero_learners,              ///< cost: no learners, the cost per learner is NaN (zero denominator)
  unknown_format,             ///< cost: a recommended format has no delivery mode, the cost is NaN
  no_break_even,              ///< cost: on-demand is never cheaper within the search limit
};

/// Number of reasons.
inline constexpr std::size_t reason_count = 22;

/// A set of reasons, one bit per `reason`; 0 means "ok".
using reason_set = std::uint32_t;

/// The bit of one reason.
[[nodiscard]] constexpr reason_set bit(reason r) noexcept { return reason_set{1} << static_cast<unsigned>(r); }

/// True when `set` holds `r`.
[[nodiscard]] constexpr bool has(reason_set set, reason r) noexcept { return (set & bit(r)) != 0; }

/// Reasons that leave a row out of its groups' aggregates (bad or inconsistent data).
inline constexpr reason_set excluding_reasons =
    bit(reason::seats_not_finite) | bit(reason::trained_not_finite) | bit(reason::active_not_finite) |
    bit(reason::seats_negative) | bit(reason::trained_negative) | bit(reason::active_negative) |
    bit(reason::trained_above_seats) | bit(reason::active_above_seats) | bit(reason::stage_count_increases);

}  // namespace riskscale::metrics

namespace riskscale::detail {
inline constexpr std::array<std::string_view, metrics::reason_count> metric_reason_names = {"seats_not_finite",
                                                                                            "trained_not_finite",
                                                                                            "active_not_finite",
                                                                                            "seats_negative",
                                                                                            "trained_negative",
                                                                                            "active_negative",
                                                                                            "trained_above_seats",
                                                                                            "active_above_seats",
                                                                                            "zero_seats",
                                                                                            "stage_count_increases",
                                                                                            "zero_stage_count",
                                                                                            "empty_group",
                                                                                            "no_assessments",
                                                                                            "no_completion_times",
                                                                                            "small_group",
                                                                                            "completed_group_empty",
                                                                                            "not_completed_group_empty",
                                                                                            "zero_posts",
                                                                                            "zero_followers",
                                                                                            "zero_learners",
                                                                                            "unknown_format",
                                                                                            "no_break_even"};
}  // namespace riskscale::detail

namespace riskscale::metrics {

/// The name of a reason, e.g. "zero_seats".
[[nodiscard]] constexpr std::string_view to_string(reason r) noexcept {
  return detail::metric_reason_names[static_cast<std::size_t>(r)];
}

/// The reason of that name, or nothing.
[[nodiscard]] constexpr std::optional<reason> reason_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < reason_count; ++i) {
    if (detail::metric_reason_names[i] == name) return static_cast<reason>(i);
  }
  return std::nullopt;
}

/// A reason set as text: "ok" when empty, else the names in enum order joined by ';'.
[[nodiscard]] inline std::string describe(reason_set set) {
  if (set == 0) return "ok";
  std::string text;
  for (std::size_t i = 0; i < reason_count; ++i) {
    if (!has(set, static_cast<reason>(i))) continue;
    if (!text.empty()) text += ';';
    text += detail::metric_reason_names[i];
  }
  return text;
}

}  // namespace riskscale::metrics
