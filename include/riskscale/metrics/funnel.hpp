// riskscale metrics: funnel drop-off: step and overall conversion per row and group, stage counts from per-user data.
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

#include <Eigen/Core>

#include "riskscale/archetype.hpp"
#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/metrics/columns.hpp"
#include "riskscale/metrics/reasons.hpp"

namespace riskscale::metrics {

/// One funnel's conversions (`funnel_of`, each row of `funnel`, each group).
struct funnel_steps {
  std::vector<double> step_conversion;            ///< step j: count[j + 1] / count[j], NaN when count[j] is 0
  double overall_conversion = detail::quiet_nan;  ///< last / first, NaN when first is 0
  /// The step with the largest drop: the lowest step conversion, ties to the earliest step,
  /// steps with a NaN conversion skipped; -1 when no step has a conversion.
  int largest_drop_step = -1;
  reason_set reasons = 0;  ///< stage_count_increases, zero_stage_count
};

/// The conversions of one funnel of `stages` ordered stage counts (each checked by the caller).
[[nodiscard]] inline funnel_steps funnel_of(const double* counts, std::size_t stages) {
  funnel_steps out;
  out.step_conversion.resize(stages > 0 ? stages - 1 : 0);
  for (std::size_t j = 0; j + 1 < stages; ++j) {
    if (counts[j + 1] > counts[j]) out.reasons |= bit(reason::stage_count_increases);
    if (counts[j] == 0.0) out.reasons |= bit(reason::zero_stage_count);
    const double conversion = detail::ratio_or_nan(counts[j + 1], counts[j]);
    out.step_conversion[j] = conversion;
    if (!std::isnan(conversion) &&
        (out.largest_drop_step < 0 ||
         conversion < out.step_conversion[static_cast<std::size_t>(out.largest_drop_step)])) {
      out.largest_drop_step = static_cast<int>(j);
    }
  }
  if (stages > 0) out.overall_conversion = detail::ratio_or_nan(counts[stages - 1], counts[0]);
  return out;
}

/// Input of `funnel`: one row per cohort (or account), one count column per stage in funnel order.
struct funnel_input {
  std::vector<std::string> stage_names;     ///< at least two, for messages
  std::vector<column_view<double>> stages;  ///< count per row, one column per stage name; finite, >= 0
  column_view<std::int8_t> archetype;       ///< optional: archetype code per row, -1 = none

  /// Number of rows (the length of the first stage column).
  [[nodiscard]] std::size_t rows() const noexcept { return stages.empty() ? 0 : stages.front().size(); }
};

/// Caller-owned per-row outputs of `funnel_into`; a null pointer skips that output, except `reasons`.
struct funnel_output {
  double* step_conversion = nullptr;  ///< rows × (stages - 1), row-major
  double* overall_conversion = nullptr;
  std::int16_t* largest_drop_step = nullptr;
  reason_set* reasons = nullptr;  ///< required
};

/// A group's funnel: stage counts summed over its consistent rows, and their conversions.
struct funnel_group {
  std::size_t rows = 0;        ///< rows counted
  std::size_t excluded = 0;    ///< rows left out because a count increases along the funnel
  std::vector<double> counts;  ///< per stage
  funnel_steps steps;          ///< reasons also hold empty_group
};

/// Computes every row's funnel into `out` and returns the group funnels; throws `column_error`
/// for fewer than two stages, a missing or short column, or a count that is NaN, infinite or negative.
inline per_group<funnel_group> funnel_into(const funnel_input& in, const funnel_output& out) {
  const std::size_t stages = in.stages.size();
  if (stages < 2 || in.stage_names.size() != stages) {
    throw column_error("stages", std::nullopt,
                       std::to_string(stages) + " stage columns and " + std::to_string(in.stage_names.size()) +
                           " names; accepted: at least two stages, one name per stage column");
  }
  const std::size_t rows = in.rows();
  for (std::size_t s = 0; s < stages; ++s)
    detail::check_column(in.stages[s], in.stage_names[s].c_str(), rows, true, "");
  detail::check_archetypes(in.archetype, rows);
  if (out.reasons == nullptr && rows > 0) {
    throw error("funnel_output::reasons is null; accepted: a buffer of one reason_set per row");
  }
  per_group<funnel_group> result{};
  for (auto& g : result) g.counts.assign(stages, 0.0);
  std::vector<double> counts(stages);
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t s = 0; s < stages; ++s) {
      counts[s] = in.stages[s][row];
      detail::check_count(in.stage_names[s].c_str(), counts[s], row);
    }
    const funnel_steps steps = funnel_of(counts.data(), stages);
    if (out.step_conversion != nullptr) {
      std::copy(steps.step_conversion.begin(), steps.step_conversion.end(), out.step_conversion + row * (stages - 1));
    }
    if (out.overall_conversion != nullptr) out.overall_conversion[row] = steps.overall_conversion;
    if (out.largest_drop_step != nullptr)
      out.largest_drop_step[row] = static_cast<std::int16_t>(steps.largest_drop_step);
    out.reasons[row] = steps.reasons;
    const bool excluded = (steps.reasons & excluding_reasons) != 0;
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      funnel_group& g = result[group];
      if (excluded) {
        ++g.excluded;
        return;
      }
      ++g.rows;
      for (std::size_t s = 0; s < stages; ++s) g.counts[s] += counts[s];
    });
  }
  for (auto& g : result) {
    g.steps = funnel_of(g.counts.data(), stages);
    if (g.rows == 0) g.steps.reasons = bit(reason::empty_group);  // says it all: every count is 0
  }
  return result;
}

/// Owning results of `funnel`.
struct funnel_result {
  std::size_t stage_count = 0;
  /// rows × (stages - 1), row-major.
  Eigen::Array<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> step_conversion;
  Eigen::ArrayXd overall_conversion;
  std::vector<std::int16_t> largest_drop_step;
  std::vector<reason_set> reasons;
  per_group<funnel_group> groups{};
};

/// Every row's funnel and every group's, into newly allocated columns.
[[nodiscard]] inline funnel_result funnel(const funnel_input& in) {
  const std::size_t rows = in.rows();
  const std::size_t steps = !in.stages.empty() ? in.stages.size() - 1 : 0;
  funnel_result result;
  result.stage_count = in.stages.size();
  result.step_conversion.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(steps));
  result.overall_conversion.resize(static_cast<Eigen::Index>(rows));
  result.largest_drop_step.resize(rows);
  result.reasons.resize(rows);
  result.groups = funnel_into(in, {result.step_conversion.data(), result.overall_conversion.data(),
                                   result.largest_drop_step.data(), result.reasons.data()});
  return result;
}

/// Stage counts from per-user data: a user whose furthest stage is k (a whole number in
/// [0, stage_count)) counts in stages 0..k of the user's cohort (a code in [0, cohort_count));
/// returns cohort_count × stage_count counts, column s holding stage s.
[[nodiscard]] inline Eigen::ArrayXXd funnel_counts(column_view<double> furthest_stage, column_view<std::int64_t> cohort,
                                                   std::size_t cohort_count, std::size_t stage_count) {
  const std::size_t rows = furthest_stage.size();
  detail::check_column(furthest_stage, "furthest_stage", rows, true, "the furthest stage each user reached");
  detail::check_column(cohort, "cohort", rows, true, "the cohort of each user");
  Eigen::ArrayXXd counts =
      Eigen::ArrayXXd::Zero(static_cast<Eigen::Index>(cohort_count), static_cast<Eigen::Index>(stage_count));
  // Users per (cohort, furthest stage) first, then a suffix sum: stage s counts users who reached s or later.
  for (std::size_t row = 0; row < rows; ++row) {
    const double stage = furthest_stage[row];
    if (!(stage >= 0.0 && stage < static_cast<double>(stage_count) && stage == std::floor(stage))) {
      throw column_error("furthest_stage", row,
                         "furthest_stage = " + format_number(stage) + "; accepted: a stage index 0 to " +
                             std::to_string(stage_count > 0 ? stage_count - 1 : 0) + " (funnel order)");
    }
    const std::int64_t c = cohort[row];
    if (c < 0 || static_cast<std::uint64_t>(c) >= cohort_count) {
      throw column_error("cohort", row,
                         "cohort code " + std::to_string(c) + "; accepted: 0 to " +
                             std::to_string(cohort_count > 0 ? cohort_count - 1 : 0));
    }
    counts(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(stage)) += 1.0;
  }
  for (Eigen::Index s = static_cast<Eigen::Index>(stage_count) - 2; s >= 0; --s) counts.col(s) += counts.col(s + 1);
  return counts;
}

}  // namespace riskscale::metrics
