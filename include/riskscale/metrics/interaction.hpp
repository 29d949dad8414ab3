// riskscale metrics: interaction rate of community and social channels per channel and period.
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
  double post_followers = 0.0;      ///< Σ posts × followers, the pooled denominator
  double rate = detail::quiet_nan;  ///< interactions / post_followers × 100
  reason_set reasons = 0;           ///< empty_group
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
    if (g.rows == 0)
      g.reasons |= bit(reason::empty_group);
    else
      g.rate = g.interactions / g.post_followers * 100.0;
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
  interaction_result result{
      Eigen::ArrayXd(static_cast<Eigen::Index>(in.rows())), std::vector<reason_set>(in.rows()), {}};
  result.groups = interaction_rate_into(in, {result.rate.data(), result.reasons.data()});
  return result;
}

}  // namespace riskscale::metrics
