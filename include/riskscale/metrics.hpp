// riskscale: education and onboarding metrics (issue 7): adoption gap, funnels, programme, impact, interaction, cost.
//
// Every metric reads borrowed columns (one value per row) and an optional archetype code per row
// (-1 = none, else the SPEC §1 index), and reports per-row values where a row has them plus one
// aggregate per group: the four archetypes and `overall` (every row). Nothing is clamped and no
// zero denominator becomes a silent 0: a value that cannot be computed is NaN, and a `reason_set`
// beside it says why. A column that is missing, of the wrong length or holds values the metric
// cannot accept is refused with a `column_error` naming the column, the row and what is accepted;
// the adoption table is the exception, where bad and inconsistent accounts are the data quality
// the metric reports, so they get per-row reasons and are left out of the aggregates.
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
#include <nlohmann/json.hpp>

#include "riskscale/archetype.hpp"
#include "riskscale/detail/format_number.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/detail/metrics_columns.hpp"
#include "riskscale/error.hpp"

namespace riskscale::metrics {

// ---------------------------------------------------------------------------------------------
// Reasons

/// Why a value is NaN, a row is left out of its groups or a group is flagged; one bit each in a `reason_set`.
enum class reason : std::uint8_t {
  seats_not_finite,          ///< adoption row: seats is NaN or infinite (left out)
  trained_not_finite,        ///< adoption row: trained is NaN or infinite (left out)
  active_not_finite,         ///< adoption row: active is NaN or infinite (left out)
  seats_negative,            ///< adoption row: seats < 0 (left out)
  trained_negative,          ///< adoption row: trained < 0 (left out)
  active_negative,           ///< adoption row: active < 0 (left out)
  trained_above_seats,       ///< adoption row: more users trained than seats (left out, values not clamped)
  active_above_seats,        ///< adoption row: more users active than seats (left out, values not clamped)
  zero_seats,                ///< no seats: coverage and activation are NaN (zero denominator)
  stage_count_increases,     ///< funnel row: a stage counts more than the stage before it (left out)
  zero_stage_count,          ///< funnel: a step starts from 0, its conversion is NaN (zero denominator)
  empty_group,               ///< the group has no rows: counts 0, rates NaN
  no_assessments,            ///< programme: no enrolment was assessed, the pass rate is NaN
  no_completion_times,       ///< programme: no completed enrolment has a time, the median is NaN
  small_group,               ///< impact: a side has fewer accounts than impact_settings::min_group_size
  completed_group_empty,     ///< impact: no account completed onboarding, its rate and the difference are NaN
  not_completed_group_empty, ///< impact: every account completed onboarding, the other rate and the difference are NaN
  zero_posts,                ///< interaction: no posts, the rate is NaN (zero denominator)
  zero_followers,            ///< interaction: no followers, the rate is NaN (zero denominator)
  zero_learners,             ///< cost: no learners, the cost per learner is NaN (zero denominator)
  unknown_format,            ///< cost: a recommended format has no delivery mode, the cost is NaN
  no_break_even,             ///< cost: on-demand is never cheaper within the search limit
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
inline constexpr std::array<std::string_view, metrics::reason_count> metric_reason_names = {
    "seats_not_finite", "trained_not_finite", "active_not_finite", "seats_negative", "trained_negative",
    "active_negative", "trained_above_seats", "active_above_seats", "zero_seats", "stage_count_increases",
    "zero_stage_count", "empty_group", "no_assessments", "no_completion_times", "small_group",
    "completed_group_empty", "not_completed_group_empty", "zero_posts", "zero_followers", "zero_learners",
    "unknown_format", "no_break_even"};
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

// ---------------------------------------------------------------------------------------------
// 1. Adoption gap

/// One account's adoption gap (`adoption_of`, and each row of `adoption`).
struct adoption_account {
  double training_coverage = detail::quiet_nan;  ///< trained / seats
  double activation = detail::quiet_nan;         ///< active / seats
  double shelfware_seats = detail::quiet_nan;    ///< seats - active (negative when active > seats: not clamped)
  reason_set reasons = 0;                  ///< why values are NaN, or the row is left out of its groups
};

/// The adoption gap of one account from its licensed seats, users trained and users active; a
/// NaN, infinite or negative input gives NaN values, more trained or active users than seats
/// gives the values as they are, and both are flagged in `reasons` (never clamped).
[[nodiscard]] inline adoption_account adoption_of(double seats, double trained, double active) noexcept {
  adoption_account out;
  const auto check = [&](double value, reason not_finite, reason negative) {
    if (!std::isfinite(value)) out.reasons |= bit(not_finite);
    else if (value < 0.0) out.reasons |= bit(negative);
  };
  check(seats, reason::seats_not_finite, reason::seats_negative);
  check(trained, reason::trained_not_finite, reason::trained_negative);
  check(active, reason::active_not_finite, reason::active_negative);
  if (out.reasons != 0) return out;
  if (trained > seats) out.reasons |= bit(reason::trained_above_seats);
  if (active > seats) out.reasons |= bit(reason::active_above_seats);
  if (seats == 0.0) out.reasons |= bit(reason::zero_seats);
  out.training_coverage = detail::ratio_or_nan(trained, seats);
  out.activation = detail::ratio_or_nan(active, seats);
  out.shelfware_seats = seats - active;
  return out;
}

/// Per-account counts of a user table (`count_users`).
struct user_counts {
  Eigen::ArrayXd users;             ///< users listed for the account
  Eigen::ArrayXd trained;           ///< users with the trained flag
  Eigen::ArrayXd active;            ///< users with the active flag
  Eigen::ArrayXd trained_inactive;  ///< trained but not active
  Eigen::ArrayXd active_untrained;  ///< active but not trained
};

/// Counts a user table (one row per user: the 0-based row of the user's account in the accounts
/// table, a trained flag and an active flag, each 1 or 0) per account; throws `column_error`
/// for an account row outside [0, accounts) or a flag that is not 0 or 1.
[[nodiscard]] inline user_counts count_users(column_view<std::int64_t> account, column_view<double> trained,
                                             column_view<double> active, std::size_t accounts) {
  const std::size_t rows = account.size();
  detail::check_column(account, "account_id", rows, true, "the account of each user");
  detail::check_column(trained, "trained", rows, true, "a 1/0 flag per user");
  detail::check_column(active, "active", rows, true, "a 1/0 flag per user");
  const auto n = static_cast<Eigen::Index>(accounts);
  user_counts out{Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n),
                  Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n)};
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int64_t a = account[row];
    if (a < 0 || static_cast<std::uint64_t>(a) >= accounts) {
      throw column_error("account_id", row,
                         "the user's account is not in the accounts table; accepted: the account_id of an "
                         "account row");
    }
    detail::check_flag("trained", trained[row], row);
    detail::check_flag("active", active[row], row);
    const bool is_trained = trained[row] == 1.0;
    const bool is_active = active[row] == 1.0;
    out.users[a] += 1.0;
    out.trained[a] += is_trained ? 1.0 : 0.0;
    out.active[a] += is_active ? 1.0 : 0.0;
    out.trained_inactive[a] += is_trained && !is_active ? 1.0 : 0.0;
    out.active_untrained[a] += is_active && !is_trained ? 1.0 : 0.0;
  }
  return out;
}

/// Input columns of `adoption`, one row per account.
struct adoption_input {
  column_view<double> seats;             ///< licensed seats (required)
  column_view<double> trained;           ///< users trained (required)
  column_view<double> active;            ///< users active over the period (required)
  column_view<double> trained_inactive;  ///< optional: trained users not active (from `count_users`), counts >= 0
  column_view<double> active_untrained;  ///< optional: active users not trained (from `count_users`), counts >= 0
  column_view<std::int8_t> archetype;    ///< optional: archetype code per account, -1 = none

  /// Number of accounts (the length of `seats`).
  [[nodiscard]] std::size_t rows() const noexcept { return seats.size(); }
};

/// Caller-owned per-account outputs of `adoption_into`, `rows()` entries each; a null pointer
/// skips that output, except `reasons`, which every call fills.
struct adoption_output {
  double* training_coverage = nullptr;
  double* activation = nullptr;
  double* shelfware_seats = nullptr;
  reason_set* reasons = nullptr;  ///< required
};

/// The adoption gap of a group of accounts: sums over the accounts counted, rates of the sums.
struct adoption_group {
  std::size_t accounts = 0;  ///< accounts counted
  std::size_t excluded = 0;  ///< accounts left out for bad or inconsistent data (see their reasons)
  double seats = 0.0;
  double trained = 0.0;
  double active = 0.0;
  double shelfware_seats = 0.0;
  double trained_inactive = detail::quiet_nan;  ///< NaN when the input had no user-level counts
  double active_untrained = detail::quiet_nan;  ///< NaN when the input had no user-level counts
  double training_coverage = detail::quiet_nan; ///< trained / seats
  double activation = detail::quiet_nan;        ///< active / seats
  reason_set reasons = 0;                 ///< empty_group, zero_seats
};

/// Per-group results, indexed by archetype then `overall_group`.
template <typename Group>
using per_group = std::array<Group, group_count>;

/// Computes the adoption gap of every account into `out` and returns the group aggregates;
/// accounts with a reason in `excluding_reasons` are counted in `excluded` only.
inline per_group<adoption_group> adoption_into(const adoption_input& in, const adoption_output& out) {
  const std::size_t rows = in.rows();
  detail::check_column(in.seats, "seats", rows, true, "licensed seats per account");
  detail::check_column(in.trained, "trained", rows, true, "users trained per account");
  detail::check_column(in.active, "active", rows, true, "users active per account");
  detail::check_column(in.trained_inactive, "trained_inactive", rows, false, "");
  detail::check_column(in.active_untrained, "active_untrained", rows, false, "");
  detail::check_archetypes(in.archetype, rows);
  if (out.reasons == nullptr && rows > 0) {
    throw error("adoption_output::reasons is null; accepted: a buffer of one reason_set per account");
  }
  const bool user_level = in.trained_inactive.given() && in.active_untrained.given();
  per_group<adoption_group> result{};
  if (user_level) {
    for (auto& g : result) g.trained_inactive = g.active_untrained = 0.0;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    const adoption_account account = adoption_of(in.seats[row], in.trained[row], in.active[row]);
    if (out.training_coverage != nullptr) out.training_coverage[row] = account.training_coverage;
    if (out.activation != nullptr) out.activation[row] = account.activation;
    if (out.shelfware_seats != nullptr) out.shelfware_seats[row] = account.shelfware_seats;
    out.reasons[row] = account.reasons;
    const bool excluded = (account.reasons & excluding_reasons) != 0;
    double trained_inactive = 0.0, active_untrained = 0.0;
    if (user_level && !excluded) {
      trained_inactive = in.trained_inactive[row];
      active_untrained = in.active_untrained[row];
      detail::check_count("trained_inactive", trained_inactive, row);
      detail::check_count("active_untrained", active_untrained, row);
    }
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      adoption_group& g = result[group];
      if (excluded) {
        ++g.excluded;
        return;
      }
      ++g.accounts;
      g.seats += in.seats[row];
      g.trained += in.trained[row];
      g.active += in.active[row];
      g.shelfware_seats += account.shelfware_seats;
      if (user_level) {
        g.trained_inactive += trained_inactive;
        g.active_untrained += active_untrained;
      }
    });
  }
  for (auto& g : result) {
    if (g.accounts == 0) g.reasons |= bit(reason::empty_group);
    else if (g.seats == 0.0) g.reasons |= bit(reason::zero_seats);
    g.training_coverage = detail::ratio_or_nan(g.trained, g.seats);
    g.activation = detail::ratio_or_nan(g.active, g.seats);
  }
  return result;
}

/// Owning results of `adoption`: per-account columns and the group aggregates.
struct adoption_result {
  Eigen::ArrayXd training_coverage;
  Eigen::ArrayXd activation;
  Eigen::ArrayXd shelfware_seats;
  std::vector<reason_set> reasons;
  per_group<adoption_group> groups{};
};

/// The adoption gap of every account and of every group, into newly allocated columns.
[[nodiscard]] inline adoption_result adoption(const adoption_input& in) {
  const auto rows = static_cast<Eigen::Index>(in.rows());
  adoption_result result{Eigen::ArrayXd(rows), Eigen::ArrayXd(rows), Eigen::ArrayXd(rows),
                         std::vector<reason_set>(in.rows()), {}};
  result.groups = adoption_into(in, {result.training_coverage.data(), result.activation.data(),
                                     result.shelfware_seats.data(), result.reasons.data()});
  return result;
}

// ---------------------------------------------------------------------------------------------
// 2. Funnel drop-off

/// One funnel's conversions (`funnel_of`, each row of `funnel`, each group).
struct funnel_steps {
  std::vector<double> step_conversion;   ///< step j: count[j + 1] / count[j], NaN when count[j] is 0
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
        (out.largest_drop_step < 0 || conversion < out.step_conversion[static_cast<std::size_t>(out.largest_drop_step)])) {
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
  double* step_conversion = nullptr;    ///< rows × (stages - 1), row-major
  double* overall_conversion = nullptr;
  std::int16_t* largest_drop_step = nullptr;
  reason_set* reasons = nullptr;  ///< required
};

/// A group's funnel: stage counts summed over its consistent rows, and their conversions.
struct funnel_group {
  std::size_t rows = 0;      ///< rows counted
  std::size_t excluded = 0;  ///< rows left out because a count increases along the funnel
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
  for (std::size_t s = 0; s < stages; ++s) detail::check_column(in.stages[s], in.stage_names[s].c_str(), rows, true, "");
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
    if (out.largest_drop_step != nullptr) out.largest_drop_step[row] = static_cast<std::int16_t>(steps.largest_drop_step);
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
  const std::size_t steps = in.stages.size() > 0 ? in.stages.size() - 1 : 0;
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
  Eigen::ArrayXXd counts = Eigen::ArrayXXd::Zero(static_cast<Eigen::Index>(cohort_count),
                                                 static_cast<Eigen::Index>(stage_count));
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

// ---------------------------------------------------------------------------------------------
// 3. Programme metrics (leading)

/// Input of `program`: one row per enrolment.
struct program_input {
  column_view<std::int32_t> course;      ///< optional: course (or format) code in [0, course_count), -1 = none
  std::size_t course_count = 0;          ///< number of course codes
  column_view<double> completed;         ///< required: 1 completed, 0 not
  column_view<double> assessment_passed; ///< optional: 1 passed, 0 failed, NaN not assessed
  column_view<double> days_to_completion;///< optional: days >= 0 for completed enrolments, NaN unknown
  column_view<std::int8_t> archetype;    ///< optional: archetype code per enrolment, -1 = none

  /// Number of enrolments (the length of `completed`).
  [[nodiscard]] std::size_t rows() const noexcept { return completed.size(); }
};

/// Leading programme metrics of one (course, group) cell.
struct program_cell {
  std::size_t enrolments = 0;
  std::size_t completions = 0;
  std::size_t assessed = 0;
  std::size_t passed = 0;
  std::size_t timed = 0;  ///< completions with a time to completion
  double completion_rate = detail::quiet_nan;  ///< completions / enrolments
  double pass_rate = detail::quiet_nan;        ///< passed / assessed
  double median_days_to_completion = detail::quiet_nan;  ///< the middle time (mean of the two middle ones when even)
  reason_set reasons = 0;  ///< empty_group, no_assessments, no_completion_times
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
    cell.completion_rate = detail::ratio_or_nan(static_cast<double>(cell.completions), static_cast<double>(cell.enrolments));
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

// ---------------------------------------------------------------------------------------------
// 4. Business impact (lagging): proportions and their difference with confidence intervals

/// A confidence interval.
struct interval {
  double lower = detail::quiet_nan;
  double upper = detail::quiet_nan;
};

/// The standard normal quantile for a two-sided `confidence` in (0, 1) (1.959964 for 0.95);
/// throws `error` outside (0, 1).
[[nodiscard]] inline double z_for_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw error("confidence = " + format_number(confidence) + "; accepted: a level in (0, 1), e.g. 0.95");
  }
  // Bisection on the normal CDF 0.5·erfc(−z/√2): slow but exact to the last bit, and called once per metric.
  const double target = 0.5 + confidence / 2.0;
  double low = 0.0, high = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double middle = low + (high - low) / 2.0;
    if (middle == low || middle == high) break;
    if (0.5 * std::erfc(-middle / std::sqrt(2.0)) < target) low = middle;
    else high = middle;
  }
  return low + (high - low) / 2.0;
}

/// The Wilson score interval of `successes` out of `trials` (Newcombe 1998, Stat Med 17:857,
/// method 3), without continuity correction; NaN bounds when `trials` is 0.
[[nodiscard]] inline interval wilson_interval(double successes, double trials, double z) noexcept {
  if (trials == 0.0) return {};
  const double z2 = z * z;
  const double denominator = 2.0 * (trials + z2);
  const double root = z * std::sqrt(z2 + 4.0 * successes * (trials - successes) / trials);
  // The bounds are exact at the ends of the range (no rounding past 0 or 1).
  return {successes == 0.0 ? 0.0 : (2.0 * successes + z2 - root) / denominator,
          successes == trials ? 1.0 : (2.0 * successes + z2 + root) / denominator};
}

/// A difference of two proportions and its confidence interval.
struct difference_interval {
  double difference = detail::quiet_nan;
  double lower = detail::quiet_nan;
  double upper = detail::quiet_nan;
};

/// p1 − p2 for x1/n1 and x2/n2 with Newcombe's hybrid score interval (Newcombe 1998, Stat Med
/// 17:873, method 10), built from the two Wilson intervals; NaN when either n is 0.
[[nodiscard]] inline difference_interval newcombe_interval(double x1, double n1, double x2, double n2,
                                                           double z) noexcept {
  if (n1 == 0.0 || n2 == 0.0) return {};
  const double p1 = x1 / n1, p2 = x2 / n2;
  const interval w1 = wilson_interval(x1, n1, z), w2 = wilson_interval(x2, n2, z);
  const double difference = p1 - p2;
  return {difference, difference - std::sqrt((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2)),
          difference + std::sqrt((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower))};
}

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
  std::size_t outcome_completed = 0;      ///< completed accounts with the outcome
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

// ---------------------------------------------------------------------------------------------
// 5. Interaction rate of community and social channels

/// Input of `interaction_rate`: one row per channel and period.
struct interaction_input {
  column_view<double> interactions;    ///< required: likes, comments, shares... in the period, >= 0
  column_view<double> posts;           ///< required: posts published in the period, >= 0
  column_view<double> followers;       ///< required: followers (members) of the channel, >= 0
  column_view<std::int8_t> archetype;  ///< optional: archetype code per row, -1 = none

  /// Number of rows.
  [[nodiscard]] std::size_t rows() const noexcept { return interactions.size(); }
};

/// A group's pooled interaction rate.
struct interaction_group {
  std::size_t rows = 0;      ///< rows counted
  std::size_t excluded = 0;  ///< rows with no posts or no followers (their rate is NaN)
  double interactions = 0.0;
  double posts = 0.0;
  double post_followers = 0.0;  ///< Σ posts × followers, the pooled denominator
  double rate = detail::quiet_nan;    ///< interactions / post_followers × 100
  reason_set reasons = 0;       ///< empty_group
};

/// Caller-owned per-row outputs of `interaction_rate_into`.
struct interaction_output {
  double* rate = nullptr;         ///< interactions ÷ posts ÷ followers × 100 (percent)
  reason_set* reasons = nullptr;  ///< required
};

/// Interactions ÷ posts ÷ followers × 100 per row into `out`; a group pools its rows with posts
/// and followers (Σ interactions ÷ Σ posts·followers × 100). Throws `column_error` for a count
/// that is NaN, infinite or negative.
inline per_group<interaction_group> interaction_rate_into(const interaction_input& in, const interaction_output& out) {
  const std::size_t rows = in.rows();
  detail::check_column(in.interactions, "interactions", rows, true, "interactions per channel and period");
  detail::check_column(in.posts, "posts", rows, true, "posts per channel and period");
  detail::check_column(in.followers, "followers", rows, true, "followers per channel and period");
  detail::check_archetypes(in.archetype, rows);
  if (out.reasons == nullptr && rows > 0) {
    throw error("interaction_output::reasons is null; accepted: a buffer of one reason_set per row");
  }
  per_group<interaction_group> result{};
  for (std::size_t row = 0; row < rows; ++row) {
    const double interactions = in.interactions[row], posts = in.posts[row], followers = in.followers[row];
    detail::check_count("interactions", interactions, row);
    detail::check_count("posts", posts, row);
    detail::check_count("followers", followers, row);
    reason_set reasons = 0;
    if (posts == 0.0) reasons |= bit(reason::zero_posts);
    if (followers == 0.0) reasons |= bit(reason::zero_followers);
    const double rate = reasons != 0 ? detail::quiet_nan : interactions / posts / followers * 100.0;
    if (out.rate != nullptr) out.rate[row] = rate;
    out.reasons[row] = reasons;
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      interaction_group& g = result[group];
      if (reasons != 0) {
        ++g.excluded;
        return;
      }
      ++g.rows;
      g.interactions += interactions;
      g.posts += posts;
      g.post_followers += posts * followers;
    });
  }
  for (auto& g : result) {
    if (g.rows == 0) g.reasons |= bit(reason::empty_group);
    else g.rate = g.interactions / g.post_followers * 100.0;
  }
  return result;
}

/// Owning results of `interaction_rate`.
struct interaction_result {
  Eigen::ArrayXd rate;
  std::vector<reason_set> reasons;
  per_group<interaction_group> groups{};
};

/// Every row's interaction rate and every group's, into newly allocated columns.
[[nodiscard]] inline interaction_result interaction_rate(const interaction_input& in) {
  interaction_result result{Eigen::ArrayXd(static_cast<Eigen::Index>(in.rows())), std::vector<reason_set>(in.rows()), {}};
  result.groups = interaction_rate_into(in, {result.rate.data(), result.reasons.data()});
  return result;
}

// ---------------------------------------------------------------------------------------------
// 6. Training cost model

/// How a training format is delivered, which decides how it costs.
enum class delivery_mode : std::uint8_t {
  ilt_onsite,     ///< instructor-led at the customer: sessions of class_size, trainer + travel + lodging + per diem
  ilt_virtual,    ///< instructor-led online: sessions of class_size, trainer time only by default
  on_demand,      ///< self-paced content: created once, hosted per learner
  certification,  ///< a programme set up once, a fee per learner (exam, proctoring, credential)
  email_nurture,  ///< a campaign written once, a sending cost per learner
};

/// Number of delivery modes.
inline constexpr std::size_t delivery_mode_count = 5;

}  // namespace riskscale::metrics

namespace riskscale::detail {
inline constexpr std::array<std::string_view, metrics::delivery_mode_count> delivery_mode_names = {
    "ilt_onsite", "ilt_virtual", "on_demand", "certification", "email_nurture"};
}  // namespace riskscale::detail

namespace riskscale::metrics {

/// The id of a delivery mode, e.g. "ilt_onsite".
[[nodiscard]] constexpr std::string_view to_string(delivery_mode mode) noexcept {
  return detail::delivery_mode_names[static_cast<std::size_t>(mode)];
}

/// The delivery mode of that id, or nothing.
[[nodiscard]] constexpr std::optional<delivery_mode> delivery_mode_from_string(std::string_view id) noexcept {
  for (std::size_t i = 0; i < delivery_mode_count; ++i) {
    if (detail::delivery_mode_names[i] == id) return static_cast<delivery_mode>(i);
  }
  return std::nullopt;
}

/// Costs of an instructor-led mode: everything is per session of up to `class_size` learners.
struct instructor_led_costs {
  double class_size;            ///< learners per session, a whole number >= 1
  double trainer_per_session;   ///< trainer time (fee or loaded salary) for one session
  double travel_per_session;    ///< trainer's return trip
  double lodging_per_session;   ///< trainer's nights away
  double per_diem_per_session;  ///< trainer's meals and incidentals

  /// Everything one session costs.
  [[nodiscard]] double per_session() const noexcept {
    return trainer_per_session + travel_per_session + lodging_per_session + per_diem_per_session;
  }
  friend bool operator==(const instructor_led_costs& a, const instructor_led_costs& b) noexcept {
    return a.class_size == b.class_size && a.trainer_per_session == b.trainer_per_session &&
           a.travel_per_session == b.travel_per_session && a.lodging_per_session == b.lodging_per_session &&
           a.per_diem_per_session == b.per_diem_per_session;
  }
};

/// Costs of a mode paid once plus per learner (on-demand creation + hosting, certification, email).
struct fixed_plus_per_learner_costs {
  double once;         ///< paid once per format: content creation, programme or campaign set-up
  double per_learner;  ///< paid for every learner: hosting seat, exam fee, sending

  friend bool operator==(const fixed_plus_per_learner_costs& a, const fixed_plus_per_learner_costs& b) noexcept {
    return a.once == b.once && a.per_learner == b.per_learner;
  }
};

/// The SPEC §5 catalogue formats and how each is delivered.
[[nodiscard]] inline std::vector<std::pair<std::string, delivery_mode>> default_format_modes() {
  return {
      {"knowledge_certification", delivery_mode::certification},   // an exam per learner
      {"supervised_assessment", delivery_mode::certification},     // proctored, a fee per learner
      {"on_demand_library", delivery_mode::on_demand},
      {"virtual_ilt_advanced", delivery_mode::ilt_virtual},
      {"virtual_ilt_one_to_many", delivery_mode::ilt_virtual},
      {"in_product_walkthrough", delivery_mode::on_demand},         // built once in a walkthrough tool
      {"microlearning_video", delivery_mode::on_demand},
      {"live_lab", delivery_mode::ilt_virtual},                     // a trainer runs the sandbox session
      {"onsite_training", delivery_mode::ilt_onsite},
      {"practical_certification", delivery_mode::certification},
      {"role_based_on_demand", delivery_mode::on_demand},
      {"role_based_email_nurture", delivery_mode::email_nurture},
  };
}

/// A cost-settings document was refused; `json_path()` names the offending key.
class settings_error : public error {
 public:
  settings_error(std::string json_path, const std::string& message)
      : error("invalid cost settings at " + json_path + ": " + message), json_path_(std::move(json_path)) {}

  /// The JSON path of the refused key, `$` for the document itself.
  [[nodiscard]] const std::string& json_path() const noexcept { return json_path_; }

 private:
  std::string json_path_;
};

/// The training cost model's parameters, in one currency; illustrative planning defaults, meant
/// to be overridden with an organisation's own figures (`from_json` merges a partial document).
struct cost_settings {
  /// Onsite: 20 learners is the usual cap for a hands-on class one trainer can supervise; one
  /// trainer day 1500; a return trip 600, one night 150 and one day's per diem 60, because the
  /// trainer travels to the customer for every session.
  instructor_led_costs ilt_onsite{20.0, 1500.0, 600.0, 150.0, 60.0};
  /// Virtual: 40 learners, since a 1:many online session holds more people than a room; a
  /// session costs 1000 of trainer time (shorter, no set-up on site) and nobody travels.
  instructor_led_costs ilt_virtual{40.0, 1000.0, 0.0, 0.0, 0.0};
  /// On-demand: 25000 to script, record, edit and test one self-paced course (weeks of a
  /// designer's time), then 8 per learner for the LMS seat and delivery over the period.
  fixed_plus_per_learner_costs on_demand{25000.0, 8.0};
  /// Certification: no set-up beyond the exam vendor's, 200 per candidate for exam, proctoring and credential.
  fixed_plus_per_learner_costs certification{0.0, 200.0};
  /// Email nurture: 2000 to write a role-based sequence once, 0.5 per recipient for the platform.
  fixed_plus_per_learner_costs email_nurture{2000.0, 0.5};
  /// Break-even search stops after this many learners: beyond a million learners instructor-led
  /// delivery is no longer a real option, so "no break-even" is the useful answer.
  double break_even_search_limit = 1e6;
  /// Delivery mode of each format id; a format not listed gets `unknown_format`, never a 0 cost.
  std::vector<std::pair<std::string, delivery_mode>> format_modes = default_format_modes();

  /// The delivery mode of a format id, or nothing when the mapping does not know it.
  [[nodiscard]] std::optional<delivery_mode> mode_of(std::string_view format_id) const noexcept {
    for (const auto& entry : format_modes) {
      if (entry.first == format_id) return entry.second;
    }
    return std::nullopt;
  }

  /// Refuses a value out of range, naming its JSON path.
  void validate() const {
    const auto amount = [](const std::string& path, double value) {
      if (!(std::isfinite(value) && value >= 0.0)) {
        throw settings_error(path, format_number(value) + "; accepted: a finite amount >= 0");
      }
    };
    const auto whole = [](const std::string& path, double value, double upper) {
      if (!(value >= 1.0 && value <= upper && value == std::floor(value))) {
        throw settings_error(path, format_number(value) + "; accepted: a whole number from 1 to " + format_number(upper));
      }
    };
    for (const auto& [name, costs] : {std::pair<const char*, const instructor_led_costs*>{"ilt_onsite", &ilt_onsite},
                                      {"ilt_virtual", &ilt_virtual}}) {
      const std::string base = std::string("$.") + name;
      whole(base + ".class_size", costs->class_size, 1e9);
      amount(base + ".trainer_per_session", costs->trainer_per_session);
      amount(base + ".travel_per_session", costs->travel_per_session);
      amount(base + ".lodging_per_session", costs->lodging_per_session);
      amount(base + ".per_diem_per_session", costs->per_diem_per_session);
    }
    for (const auto& [name, costs] :
         {std::pair<const char*, const fixed_plus_per_learner_costs*>{"on_demand", &on_demand},
          {"certification", &certification}, {"email_nurture", &email_nurture}}) {
      const std::string base = std::string("$.") + name;
      amount(base + ".once", costs->once);
      amount(base + ".per_learner", costs->per_learner);
    }
    whole("$.break_even_search_limit", break_even_search_limit, 1e9);
    for (std::size_t i = 0; i < format_modes.size(); ++i) {
      if (format_modes[i].first.empty()) throw settings_error("$.format_modes", "an empty format id; accepted: a non-empty id");
    }
  }

  /// The settings as a JSON document that `from_json` reads back to equal settings.
  [[nodiscard]] std::string to_json(int indent = 2) const {
    nlohmann::ordered_json doc;
    for (const auto& [name, costs] : {std::pair<const char*, const instructor_led_costs*>{"ilt_onsite", &ilt_onsite},
                                      {"ilt_virtual", &ilt_virtual}}) {
      doc[name] = {{"class_size", costs->class_size},
                   {"trainer_per_session", costs->trainer_per_session},
                   {"travel_per_session", costs->travel_per_session},
                   {"lodging_per_session", costs->lodging_per_session},
                   {"per_diem_per_session", costs->per_diem_per_session}};
    }
    for (const auto& [name, costs] :
         {std::pair<const char*, const fixed_plus_per_learner_costs*>{"on_demand", &on_demand},
          {"certification", &certification}, {"email_nurture", &email_nurture}}) {
      doc[name] = {{"once", costs->once}, {"per_learner", costs->per_learner}};
    }
    doc["break_even_search_limit"] = break_even_search_limit;
    nlohmann::ordered_json modes = nlohmann::ordered_json::object();
    for (const auto& [id, mode] : format_modes) modes[id] = std::string(to_string(mode));
    // A default format these settings removed is written as null, so reading the dump (merged onto
    // the defaults) removes it again: dump and load give the same settings.
    for (const auto& [id, mode] : default_format_modes()) {
      if (!mode_of(id)) modes[id] = nullptr;
    }
    doc["format_modes"] = modes;
    return doc.dump(indent);
  }

  /// The defaults with a JSON document merged in (see `merged`).
  [[nodiscard]] static cost_settings from_json(std::string_view json_text) { return cost_settings{}.merged(json_text); }

  /// These settings with a JSON document merged in: every key is optional, an object given for a
  /// mode changes only the keys it names, `format_modes` adds or replaces ids (`null` removes
  /// one); an unknown key, a wrong type or a value out of range is refused with `settings_error`.
  [[nodiscard]] cost_settings merged(std::string_view json_text) const {
    nlohmann::json doc;
    try {
      doc = detail::parse_json_document<nlohmann::json>(json_text);
    } catch (const detail::json_document_error& e) {
      throw settings_error(e.json_path(), e.message("a JSON object of cost settings"));
    }
    if (!doc.is_object()) throw settings_error("$", "not a JSON object; accepted: an object of cost settings");
    cost_settings settings = *this;
    const auto number = [](const nlohmann::json& value, const std::string& path) {
      if (!value.is_number()) throw settings_error(path, value.dump() + " is not a number; accepted: a number");
      return value.get<double>();
    };
    const auto object = [](const nlohmann::json& value, const std::string& path) {
      if (!value.is_object()) throw settings_error(path, value.dump() + " is not an object; accepted: an object");
    };
    for (const auto& [key, value] : doc.items()) {
      const std::string path = "$." + key;
      instructor_led_costs* instructor = key == "ilt_onsite" ? &settings.ilt_onsite
                                         : key == "ilt_virtual" ? &settings.ilt_virtual
                                                                : nullptr;
      fixed_plus_per_learner_costs* fixed = key == "on_demand"       ? &settings.on_demand
                                            : key == "certification" ? &settings.certification
                                            : key == "email_nurture" ? &settings.email_nurture
                                                                     : nullptr;
      if (instructor != nullptr) {
        object(value, path);
        for (const auto& [field, amount] : value.items()) {
          const std::string field_path = path + "." + field;
          double* target = field == "class_size"             ? &instructor->class_size
                           : field == "trainer_per_session"  ? &instructor->trainer_per_session
                           : field == "travel_per_session"   ? &instructor->travel_per_session
                           : field == "lodging_per_session"  ? &instructor->lodging_per_session
                           : field == "per_diem_per_session" ? &instructor->per_diem_per_session
                                                             : nullptr;
          if (target == nullptr) {
            throw settings_error(field_path, "unknown key; accepted: class_size, trainer_per_session, "
                                             "travel_per_session, lodging_per_session, per_diem_per_session");
          }
          *target = number(amount, field_path);
        }
      } else if (fixed != nullptr) {
        object(value, path);
        for (const auto& [field, amount] : value.items()) {
          const std::string field_path = path + "." + field;
          double* target = field == "once" ? &fixed->once : field == "per_learner" ? &fixed->per_learner : nullptr;
          if (target == nullptr) throw settings_error(field_path, "unknown key; accepted: once, per_learner");
          *target = number(amount, field_path);
        }
      } else if (key == "break_even_search_limit") {
        settings.break_even_search_limit = number(value, path);
      } else if (key == "format_modes") {
        object(value, path);
        for (const auto& item : value.items()) {
          const std::string& id = item.key();  // a plain name: C++17 lambdas cannot capture structured bindings
          const auto& mode = item.value();
          const std::string id_path = path + "." + id;
          auto& modes = settings.format_modes;
          const auto existing = std::find_if(modes.begin(), modes.end(), [&](const auto& e) { return e.first == id; });
          if (mode.is_null()) {
            if (existing != modes.end()) modes.erase(existing);
            continue;
          }
          const auto parsed = mode.is_string() ? delivery_mode_from_string(mode.get<std::string>()) : std::nullopt;
          if (!parsed) {
            throw settings_error(id_path, mode.dump() + " is not a delivery mode; accepted: ilt_onsite, ilt_virtual, "
                                                        "on_demand, certification, email_nurture, or null to remove");
          }
          if (existing != modes.end()) existing->second = *parsed;
          else modes.emplace_back(id, *parsed);
        }
      } else {
        throw settings_error(path, "unknown key; accepted: ilt_onsite, ilt_virtual, on_demand, certification, "
                                   "email_nurture, break_even_search_limit, format_modes");
      }
    }
    settings.validate();
    return settings;
  }

  friend bool operator==(const cost_settings& a, const cost_settings& b) noexcept {
    return a.ilt_onsite == b.ilt_onsite && a.ilt_virtual == b.ilt_virtual && a.on_demand == b.on_demand &&
           a.certification == b.certification && a.email_nurture == b.email_nurture &&
           a.break_even_search_limit == b.break_even_search_limit && a.format_modes == b.format_modes;
  }
};

/// The cost of delivering one format of a mode to some learners.
struct delivery_cost {
  double sessions = 0.0;  ///< instructor-led sessions, ceil(learners / class_size); 0 for other modes
  double once = 0.0;      ///< the part paid once per format (creation, set-up)
  double total = 0.0;     ///< everything, `once` included
  double per_learner = detail::quiet_nan;  ///< total / learners, NaN for no learners
};

/// What `mode` costs for `learners` (finite, >= 0; throws `error` otherwise): instructor-led
/// ceil(learners / class_size) sessions × per-session costs, the others once + per learner × learners.
[[nodiscard]] inline delivery_cost cost_of(delivery_mode mode, double learners, const cost_settings& settings) {
  if (!(std::isfinite(learners) && learners >= 0.0)) {
    throw error("learners = " + format_number(learners) + "; accepted: a finite number of learners >= 0");
  }
  const auto instructor = [&](const instructor_led_costs& costs) {
    const double sessions = std::ceil(learners / costs.class_size);
    const double total = sessions * costs.per_session();
    return delivery_cost{sessions, 0.0, total, detail::ratio_or_nan(total, learners)};
  };
  const auto fixed = [&](const fixed_plus_per_learner_costs& costs) {
    const double total = costs.once + costs.per_learner * learners;
    return delivery_cost{0.0, costs.once, total, detail::ratio_or_nan(total, learners)};
  };
  switch (mode) {
    case delivery_mode::ilt_onsite: return instructor(settings.ilt_onsite);
    case delivery_mode::ilt_virtual: return instructor(settings.ilt_virtual);
    case delivery_mode::on_demand: return fixed(settings.on_demand);
    case delivery_mode::certification: return fixed(settings.certification);
    case delivery_mode::email_nurture: return fixed(settings.email_nurture);
  }
  return {};
}

/// The smallest whole number of learners N >= 1 for which on-demand costs no more than
/// `instructor_led` (on-demand total ≤ instructor-led total), or nothing when there is none up to
/// `break_even_search_limit`. Instructor-led cost is a step function (ceil), so cheaper at N
/// does not imply cheaper at N + 1; this is the first N, found by checking the first learner of
/// every session block (on-demand cost never falls as N grows, so within a block it is the best).
[[nodiscard]] inline std::optional<std::uint64_t> break_even(const cost_settings& settings,
                                                             delivery_mode instructor_led = delivery_mode::ilt_onsite) {
  if (instructor_led != delivery_mode::ilt_onsite && instructor_led != delivery_mode::ilt_virtual) {
    throw error("break_even compares on-demand with " + std::string(to_string(instructor_led)) +
                "; accepted: ilt_onsite or ilt_virtual");
  }
  settings.validate();
  const double class_size = instructor_led == delivery_mode::ilt_onsite ? settings.ilt_onsite.class_size
                                                                          : settings.ilt_virtual.class_size;
  for (double first = 1.0; first <= settings.break_even_search_limit; first += class_size) {
    if (cost_of(delivery_mode::on_demand, first, settings).total <= cost_of(instructor_led, first, settings).total) {
      return static_cast<std::uint64_t>(first);
    }
  }
  return std::nullopt;
}

/// Input of `training_cost`: each account's recommended formats at its number of users.
struct cost_input {
  column_view<double> users;                  ///< required: learners per account, finite, >= 0
  column_view<std::int16_t> recommendations;  ///< rows × width indices into `format_ids`, -1 padded, row-major
  std::size_t width = 0;                      ///< recommendations per row
  std::vector<std::string> format_ids;        ///< the format ids the indices refer to
  column_view<std::int8_t> archetype;         ///< optional: archetype code per account, -1 = none

  /// Number of accounts.
  [[nodiscard]] std::size_t rows() const noexcept { return users.size(); }
};

/// Caller-owned per-account outputs of `training_cost_into`.
struct cost_output {
  double* total_cost = nullptr;      ///< the account's whole mix, standalone; NaN with unknown_format
  double* cost_per_learner = nullptr;///< total / users; NaN with zero_learners or unknown_format
  std::array<double*, delivery_mode_count> mode_cost{};  ///< the part of the total per delivery mode
  reason_set* reasons = nullptr;     ///< required
};

/// A group's training cost.
struct cost_group {
  std::size_t accounts = 0;  ///< accounts priced
  std::size_t unpriced = 0;  ///< accounts left out: a recommended format has no delivery mode
  double users = 0.0;
  /// Σ per-learner and per-session costs of the accounts, plus the once-per-format costs once per
  /// format used in the group (content is created once, however many accounts use it).
  double total_cost = 0.0;
  double cost_per_learner = detail::quiet_nan;  ///< total_cost / users
  std::array<double, delivery_mode_count> mode_cost{};
  reason_set reasons = 0;  ///< empty_group, zero_learners, unknown_format (some accounts unpriced)
};

/// The cost of every account's recommended mix at its users into `out`, standalone (as if the
/// account were the only audience, so each format's once-costs are in it), and the group costs;
/// throws `column_error` for users NaN, infinite or negative, or an index outside `format_ids`.
inline per_group<cost_group> training_cost_into(const cost_input& in, const cost_settings& settings,
                                             const cost_output& out) {
  settings.validate();
  const std::size_t rows = in.rows();
  detail::check_column(in.users, "users", rows, true, "learners per account");
  detail::check_archetypes(in.archetype, rows);
  if (in.recommendations.size() != rows * in.width) {
    throw column_error("recommendations", std::nullopt,
                       std::to_string(in.recommendations.size()) + " values; accepted: rows × width = " +
                           std::to_string(rows * in.width));
  }
  if (out.reasons == nullptr && rows > 0) {
    throw error("cost_output::reasons is null; accepted: a buffer of one reason_set per account");
  }
  std::vector<std::optional<delivery_mode>> modes;
  for (const auto& id : in.format_ids) modes.push_back(settings.mode_of(id));
  per_group<cost_group> result{};
  std::array<std::vector<bool>, group_count> used;  // formats of the priced accounts, per group
  for (auto& formats : used) formats.assign(in.format_ids.size(), false);
  struct format_cost {
    std::size_t format;
    delivery_mode mode;
    delivery_cost cost;
  };
  std::vector<format_cost> mix;
  for (std::size_t row = 0; row < rows; ++row) {
    const double users = in.users[row];
    detail::check_count("users", users, row);
    reason_set reasons = 0;
    mix.clear();
    const std::int16_t* formats = in.recommendations.data() + row * in.width;
    for (std::size_t j = 0; j < in.width && formats[j] >= 0; ++j) {
      const auto k = static_cast<std::size_t>(formats[j]);
      if (k >= modes.size()) {
        throw column_error("recommendations", row,
                           "format index " + std::to_string(k) + "; accepted: an index into " +
                               std::to_string(modes.size()) + " format ids, -1 padding");
      }
      if (modes[k]) mix.push_back({k, *modes[k], cost_of(*modes[k], users, settings)});
      else reasons |= bit(reason::unknown_format);
    }
    if (users == 0.0) reasons |= bit(reason::zero_learners);
    const bool priced = !has(reasons, reason::unknown_format);
    double total = 0.0;
    std::array<double, delivery_mode_count> per_mode{};
    for (const auto& item : mix) {
      total += item.cost.total;
      per_mode[static_cast<std::size_t>(item.mode)] += item.cost.total;
    }
    if (out.total_cost != nullptr) out.total_cost[row] = priced ? total : detail::quiet_nan;
    if (out.cost_per_learner != nullptr) out.cost_per_learner[row] = priced ? detail::ratio_or_nan(total, users) : detail::quiet_nan;
    for (std::size_t m = 0; m < delivery_mode_count; ++m) {
      if (out.mode_cost[m] != nullptr) out.mode_cost[m][row] = priced ? per_mode[m] : detail::quiet_nan;
    }
    out.reasons[row] = reasons;
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      cost_group& g = result[group];
      if (!priced) {
        ++g.unpriced;
        return;
      }
      ++g.accounts;
      g.users += users;
      // The variable part here; once-per-format costs are added once per distinct format below.
      for (const auto& item : mix) {
        g.total_cost += item.cost.total - item.cost.once;
        g.mode_cost[static_cast<std::size_t>(item.mode)] += item.cost.total - item.cost.once;
        used[group][item.format] = true;
      }
    });
  }
  for (std::size_t group = 0; group < group_count; ++group) {
    cost_group& g = result[group];
    for (std::size_t k = 0; k < modes.size(); ++k) {
      if (!used[group][k]) continue;
      const double once = cost_of(*modes[k], 0.0, settings).once;
      g.total_cost += once;
      g.mode_cost[static_cast<std::size_t>(*modes[k])] += once;
    }
    if (g.accounts + g.unpriced == 0) g.reasons |= bit(reason::empty_group);
    if (g.unpriced > 0) g.reasons |= bit(reason::unknown_format);
    if (g.accounts > 0 && g.users == 0.0) g.reasons |= bit(reason::zero_learners);
    g.cost_per_learner = detail::ratio_or_nan(g.total_cost, g.users);
  }
  return result;
}

/// Owning results of `training_cost`.
struct cost_result {
  Eigen::ArrayXd total_cost;
  Eigen::ArrayXd cost_per_learner;
  std::array<Eigen::ArrayXd, delivery_mode_count> mode_cost;
  std::vector<reason_set> reasons;
  per_group<cost_group> groups{};
};

/// Every account's and every group's training cost, into newly allocated columns.
[[nodiscard]] inline cost_result training_cost(const cost_input& in, const cost_settings& settings = {}) {
  const auto rows = static_cast<Eigen::Index>(in.rows());
  cost_result result;
  result.total_cost.resize(rows);
  result.cost_per_learner.resize(rows);
  for (auto& column : result.mode_cost) column.resize(rows);
  result.reasons.resize(in.rows());
  cost_output out{result.total_cost.data(), result.cost_per_learner.data(), {}, result.reasons.data()};
  for (std::size_t m = 0; m < delivery_mode_count; ++m) out.mode_cost[m] = result.mode_cost[m].data();
  result.groups = training_cost_into(in, settings, out);
  return result;
}

}  // namespace riskscale::metrics
