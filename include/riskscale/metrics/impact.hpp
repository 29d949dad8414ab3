// riskscale metrics: lagging business impact: outcome rates with and without completed onboarding, with intervals.
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
#include "riskscale/metrics/statistics.hpp"

namespace riskscale::metrics {

/// The outcome columns `impact` reads when none are named, those of them a table has.
inline constexpr std::array<std::string_view, 3> default_impact_outcomes = {"renewed", "retained", "expanded"};

/// Settings of `impact`.
struct impact_settings {
  /// A side (completed or not) with fewer accounts than this gets `small_group`: its values are
  /// still given, but a Wilson interval on fewer than ~10 trials is wide and the Newcombe
  /// interval's coverage is least reliable there, so the comparison should not be acted on alone.
  std::size_t min_group_size = 10;
  /// Two-sided confidence level of every interval; 0.95 is the convention of the cited papers.
  double confidence = 0.95;
};

/// Input of `impact`: one row per account.
struct impact_input {
  column_view<double> completed;       ///< required: 1 when the account's users completed onboarding, 0 when not
  column_view<double> outcome;         ///< required: 1 renewed (retained, expanded), 0 not
  column_view<std::int8_t> archetype;  ///< optional: archetype code per account, -1 = none

  /// Number of accounts.
  [[nodiscard]] std::size_t rows() const noexcept { return completed.size(); }
};

/// One group's comparison of the outcome rate with and without completed onboarding.
struct impact_group {
  std::size_t accounts_completed = 0;
  std::size_t outcome_completed = 0;  ///< completed accounts with the outcome
  std::size_t accounts_not_completed = 0;
  std::size_t outcome_not_completed = 0;  ///< other accounts with the outcome
  double rate_completed = detail::quiet_nan;
  double rate_not_completed = detail::quiet_nan;
  interval completed_interval;      ///< Wilson
  interval not_completed_interval;  ///< Wilson
  difference_interval difference;   ///< rate_completed − rate_not_completed, Newcombe method 10
  /// completed_group_empty, not_completed_group_empty (values NaN), small_group (values given).
  reason_set reasons = 0;
};

/// The outcome rate of accounts whose users completed onboarding versus the others, per group,
/// with Wilson intervals and the Newcombe interval of the difference; throws `column_error`
/// for a flag that is not 0 or 1, and `error` for a confidence outside (0, 1).
[[nodiscard]] inline per_group<impact_group> impact(const impact_input& in, const impact_settings& settings = {}) {
  const double z = z_for_confidence(settings.confidence);
  const std::size_t rows = in.rows();
  detail::check_column(in.completed, "completed", rows, true, "a 1/0 onboarding-completed flag per account");
  detail::check_column(in.outcome, "outcome", rows, true, "a 1/0 outcome flag per account");
  detail::check_archetypes(in.archetype, rows);
  per_group<impact_group> result{};
  for (std::size_t row = 0; row < rows; ++row) {
    detail::check_flag("completed", in.completed[row], row);
    detail::check_flag("outcome", in.outcome[row], row);
    const bool completed = in.completed[row] == 1.0;
    const std::size_t outcome = in.outcome[row] == 1.0 ? 1 : 0;
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      impact_group& g = result[group];
      if (completed) {
        ++g.accounts_completed;
        g.outcome_completed += outcome;
      } else {
        ++g.accounts_not_completed;
        g.outcome_not_completed += outcome;
      }
    });
  }
  for (auto& g : result) {
    const auto x1 = static_cast<double>(g.outcome_completed), n1 = static_cast<double>(g.accounts_completed);
    const auto x2 = static_cast<double>(g.outcome_not_completed), n2 = static_cast<double>(g.accounts_not_completed);
    g.rate_completed = detail::ratio_or_nan(x1, n1);
    g.rate_not_completed = detail::ratio_or_nan(x2, n2);
    g.completed_interval = wilson_interval(x1, n1, z);
    g.not_completed_interval = wilson_interval(x2, n2, z);
    g.difference = newcombe_interval(x1, n1, x2, n2, z);
    if (g.accounts_completed == 0) g.reasons |= bit(reason::completed_group_empty);
    if (g.accounts_not_completed == 0) g.reasons |= bit(reason::not_completed_group_empty);
    if (g.accounts_completed < settings.min_group_size || g.accounts_not_completed < settings.min_group_size) {
      g.reasons |= bit(reason::small_group);
    }
  }
  return result;
}

}  // namespace riskscale::metrics
