// riskscale internals: the one implementation of the SPEC §3–§6 math, over a fixed-size block of accounts.
//
// Every front end ends here: `assess` runs a block holding one account, `classify` runs
// blocks over a portfolio. Each account is computed in one SIMD lane by elementwise
// operations only, and partial blocks are padded, so a row's result never depends on
// its neighbours, the block size, the chunking or the thread count.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "riskscale/account.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::detail {

/// Rows per block on the batch path: large enough to amortise per-block work, small enough for L1.
inline constexpr int batch_block_rows = 256;
/// Rows per block for one account: a whole number of the widest SIMD registers (8 doubles).
inline constexpr int single_block_rows = 8;

/// Tolerance under which two format scores tie and keep catalogue order (SPEC §5).
inline constexpr double score_tie_tolerance = 1e-12;

/// The valid range of input field `index` in policy::input_fields() order (SPEC §2).
[[nodiscard]] inline field_range input_field_range(const policy& pol, std::size_t index) noexcept {
  const std::size_t factor_count = pol.risk_factors().size();
  if (index < factor_count) return risk_factor_range;
  return index == factor_count ? active_days_range : count_range;
}

template <int B>
using lanes = Eigen::Array<double, B, 1>;

/// Where one block reads its inputs: one pointer per input field (policy input_fields order).
struct block_source {
  const double* const* columns;  ///< factors..., active_days, users, seats (seats may be null)
  std::size_t field_count;       ///< number of entries in `columns`
  std::size_t offset;            ///< first row of the block
  int count;                     ///< rows in the block, <= B
};

/// Everything SPEC §3–§6 computes per account, for one block; lanes beyond `count` are padding.
template <int B>
struct block_scores {
  lanes<B> frequency, reach, scale, risk, margin;
  std::array<lanes<B>, archetype_count> membership;
  lanes<B> users_for_high_scale, active_days_for_high_scale;  // NaN when absent
  std::array<row_status, B> status;
  std::array<std::int16_t, B> invalid_field;  // index into policy::input_fields(), -1 when valid
};

template <int B>
inline void load_lanes(lanes<B>& dst, const double* column, std::size_t offset, int count) {
  if (count == B) {
    dst = Eigen::Map<const lanes<B>>(column + offset);
  } else {
    dst.setZero();  // padding lanes hold a valid input, so they raise no status and no FP trap
    std::copy_n(column + offset, count, dst.data());
  }
}

// SPEC §2: records, per lane, the first field out of range; lanes already flagged keep their first reason.
template <int B>
inline void check_field(const lanes<B>& values, field_range range, std::int16_t field_index, int count,
                        block_scores<B>& out) {
  if (((values >= range.lower) && (values <= range.upper)).all()) return;  // fast path; NaN fails it
  for (int lane = 0; lane < count; ++lane) {
    if (out.status[lane] != row_status::ok) continue;
    const row_status status = check_value(values[lane], range);
    if (status != row_status::ok) {
      out.status[lane] = status;
      out.invalid_field[lane] = field_index;
    }
  }
}

/// Computes SPEC §3 scores, §4 classification inputs and §6 distances for one block.
template <int B>
inline void compute_block(const policy& pol, const block_source& source, block_scores<B>& out) {
  const policy_settings& s = pol.settings();
  const std::size_t factor_count = pol.risk_factors().size();
  out.status.fill(row_status::ok);
  out.invalid_field.fill(-1);

  // SPEC §3 risk: noisy-OR, R = 1 - prod(1 - w_i x_i).
  lanes<B> values;
  lanes<B> survival = lanes<B>::Ones();
  for (std::size_t i = 0; i < factor_count; ++i) {
    load_lanes<B>(values, source.columns[i], source.offset, source.count);
    check_field<B>(values, risk_factor_range, static_cast<std::int16_t>(i), source.count, out);
    survival *= 1.0 - s.risk_weights[i].weight * values;
  }
  out.risk = 1.0 - survival;

  lanes<B> active_days;
  load_lanes<B>(active_days, source.columns[factor_count], source.offset, source.count);
  check_field<B>(active_days, active_days_range, static_cast<std::int16_t>(factor_count), source.count, out);
  lanes<B> users;
  load_lanes<B>(users, source.columns[factor_count + 1], source.offset, source.count);
  check_field<B>(users, count_range, static_cast<std::int16_t>(factor_count + 1), source.count, out);
  if (source.field_count > factor_count + 2 && source.columns[factor_count + 2] != nullptr) {
    load_lanes<B>(values, source.columns[factor_count + 2], source.offset, source.count);
    check_field<B>(values, count_range, static_cast<std::int16_t>(factor_count + 2), source.count, out);
  }

  // SPEC §3 scale: f = clamp(days / full), r = clamp(ln(1 + users) / ln(1 + full)), s = f^wf r^wr.
  out.frequency = (active_days / s.frequency_full).max(0.0).min(1.0);
  out.reach = ((users + 1.0).log() / pol.log_reach_full()).max(0.0).min(1.0);
  const double wf = pol.frequency_weight();
  const double wr = pol.reach_weight();
  const lanes<B> log_frequency = out.frequency.log();  // -inf where f = 0
  const lanes<B> log_reach = out.reach.log();
  lanes<B> log_scale = lanes<B>::Zero();
  if (wf > 0) log_scale += wf * log_frequency;  // a zero weight drops the component (x^0 = 1)
  if (wr > 0) log_scale += wr * log_reach;
  constexpr double minus_infinity = -std::numeric_limits<double>::infinity();
  // 0^w = 0 exactly: the vector exp saturates near 1e-308 instead of reaching 0.
  out.scale = (log_scale == minus_infinity).select(lanes<B>::Zero(), log_scale.exp());

  // SPEC §4: margin and soft membership.
  const lanes<B> risk_offset = out.risk - s.risk_threshold;
  const lanes<B> scale_offset = out.scale - s.scale_threshold;
  out.margin = risk_offset.abs().min(scale_offset.abs());
  const lanes<B> p_risk = 1.0 / (1.0 + (-risk_offset / s.temperature).exp());
  const lanes<B> p_scale = 1.0 / (1.0 + (-scale_offset / s.temperature).exp());
  out.membership[0] = p_scale * p_risk;
  out.membership[1] = p_scale * (1.0 - p_risk);
  out.membership[2] = (1.0 - p_scale) * p_risk;
  out.membership[3] = (1.0 - p_scale) * (1.0 - p_risk);

  // SPEC §6: distance to high scale, the other component held fixed, low-scale accounts only.
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const double log_threshold = std::log(s.scale_threshold);
  const auto low_scale = out.scale < s.scale_threshold;
  if (wr > 0) {
    const lanes<B> reach_needed = ((log_threshold - wf * log_frequency) / wr).exp();
    const lanes<B> users_needed = ((reach_needed * pol.log_reach_full()).exp() - 1.0).ceil();
    out.users_for_high_scale =
        (low_scale && out.frequency > 0.0 && reach_needed <= 1.0).select(users_needed, nan);
  } else {
    out.users_for_high_scale.setConstant(nan);
  }
  if (wf > 0) {
    const lanes<B> frequency_needed = ((log_threshold - wr * log_reach) / wf).exp();
    const lanes<B> days_needed = frequency_needed * s.frequency_full;
    out.active_days_for_high_scale =
        (low_scale && out.reach > 0.0 && frequency_needed <= 1.0 &&
         days_needed <= active_days_range.upper)
            .select(days_needed, nan);
  } else {
    out.active_days_for_high_scale.setConstant(nan);
  }
}

/// SPEC §4: the archetype of a valid lane.
[[nodiscard]] inline archetype classify_lane(const policy& pol, double risk, double scale) noexcept {
  return archetype_of(scale >= pol.settings().scale_threshold, risk >= pol.settings().risk_threshold);
}

/// SPEC §5: ranks the formats of one account into `indices`/`scores` (capacity
/// recommendation_width()); returns how many were recommended.
inline std::size_t rank_formats(const policy& pol, const std::array<double, archetype_count>& membership,
                                std::int16_t* indices, double* scores) noexcept {
  const std::vector<training_format>& catalog = pol.catalog();
  const std::size_t width = pol.recommendation_width();
  const double min_score = pol.settings().min_score;
  std::size_t count = 0;
  for (std::size_t k = 0; k < catalog.size(); ++k) {
    const auto& affinity = catalog[k].affinity;
    const double score = membership[0] * affinity[0] + membership[1] * affinity[1] +
                         membership[2] * affinity[2] + membership[3] * affinity[3];
    if (!(score >= min_score)) continue;
    // Insert before the first entry it beats by more than the tie tolerance; later
    // (catalogue) entries lose ties. A bounded list keeps the same prefix as a full sort.
    std::size_t position = 0;
    while (position < count && !(score > scores[position] + score_tie_tolerance)) ++position;
    if (position >= width) continue;
    const std::size_t last = std::min(count, width - 1);
    for (std::size_t j = last; j > position; --j) {
      indices[j] = indices[j - 1];
      scores[j] = scores[j - 1];
    }
    indices[position] = static_cast<std::int16_t>(k);
    scores[position] = score;
    if (count < width) ++count;
  }
  return count;
}

}  // namespace riskscale::detail
