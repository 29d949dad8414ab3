// riskscale internals: the one implementation of the SPEC §3–§6 math, over a fixed-size block of accounts.
//
// Every front end ends here: `assess` runs a block holding one account, `classify` runs blocks
// over a portfolio. Each account is computed in one lane of a loop by elementwise IEEE operations
// only (detail/simd_math.hpp replaces the library exp and log), so a row's result never depends
// on its neighbours, the block size, the chunking, the thread count or the instruction set the
// loop was vectorised for (detail/simd_dispatch.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "riskscale/account.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/detail/simd_dispatch.hpp"
#include "riskscale/detail/simd_math.hpp"
#include "riskscale/policy.hpp"

RISKSCALE_BEGIN_NO_CONTRACTION
namespace riskscale::detail {

/// Rows per block on the batch path: a block's inputs and outputs (about 20 columns) stay in L1.
inline constexpr int batch_block_rows = 128;
/// Rows per block for one account: one AVX2 vector (two SSE2 ones); one row is used.
inline constexpr int single_block_rows = 4;

/// Tolerance under which two format scores tie and keep catalogue order (SPEC §5).
inline constexpr double score_tie_tolerance = 1e-12;

/// One value per lane of a block.
template <int B>
using lanes = std::array<double, B>;

/// Where one block reads its inputs: one pointer per input field (policy input_fields order).
struct block_source {
  const double* const* columns;  ///< factors..., active_days, users, seats (seats may be null)
  std::size_t field_count;       ///< number of entries in `columns`
  std::size_t offset;            ///< first row of the block
  int count;                     ///< rows in the block, <= B
};

/// Everything SPEC §3–§6 computes per account, for one block; lanes beyond `count` are padding,
/// and lanes whose status is not ok hold meaningless numbers.
template <int B>
struct block_scores {
  alignas(64) lanes<B> frequency, reach, scale, risk, margin;
  alignas(64) std::array<lanes<B>, archetype_count> membership;
  alignas(64) lanes<B> users_for_high_scale, active_days_for_high_scale;  // NaN when absent
  std::array<row_status, B> status;
  std::array<std::int16_t, B> invalid_field;  // index into policy::input_fields(), -1 when valid
  bool any_invalid = false;                   // some lane's status is not ok
};

/// The policy's numbers as the kernel uses them, derived once per call rather than once per block.
struct kernel_parameters {
  std::size_t factor_count;
  const risk_factor* factors;
  double frequency_full, log_reach_full;
  double frequency_weight, reach_weight;                  // normalised, SPEC §3
  double inverse_frequency_weight, inverse_reach_weight;  // 1/w, inf for a dropped component
  double risk_threshold, scale_threshold, log_scale_threshold;
  double minus_inverse_temperature;  // -1/τ: σ(z/τ) = 1 / (1 + e^(z · -1/τ))

  explicit kernel_parameters(const policy& pol) noexcept
      : factor_count(pol.risk_factors().size()),
        factors(pol.risk_factors().data()),
        frequency_full(pol.settings().frequency_full),
        log_reach_full(pol.log_reach_full()),
        frequency_weight(pol.frequency_weight()),
        reach_weight(pol.reach_weight()),
        inverse_frequency_weight(1.0 / pol.frequency_weight()),
        inverse_reach_weight(1.0 / pol.reach_weight()),
        risk_threshold(pol.settings().risk_threshold),
        scale_threshold(pol.settings().scale_threshold),
        log_scale_threshold(std::log(pol.settings().scale_threshold)),
        minus_inverse_temperature(-1.0 / pol.settings().temperature) {}
};

/// The B values of a block's column: the column itself for a whole block, else the `count` values
/// copied into `padded` and padded with a valid input (0), which raises no status and no FP trap.
template <int B>
[[nodiscard]] inline const double* block_column(const double* column, std::size_t offset, int count,
                                                lanes<B>& padded) noexcept {
  if (count == B) return column + offset;
  std::copy_n(column + offset, count, padded.data());
  std::fill(padded.data() + count, padded.data() + B, 0.0);
  return padded.data();
}

// SPEC §2: records, per lane, the first field out of range; lanes already flagged keep their first reason.
// `NanIsAbsent`: a NaN is an empty cell of an optional input (seats), which is valid (input_schema.hpp).
template <int B, int W, bool NanIsAbsent = false>
RISKSCALE_LANE_INLINE void check_field(const double* values, field_range range, std::int16_t field_index, int count,
                                       block_scores<B>& out) {
  using S = simd<W>;
  typename S::mask outside{};  // NaN fails both compares, so it is outside too
  for (int lane = 0; lane < B; lane += W) {
    const typename S::f64 value = S::load(values + lane);
    outside |= ~(S::less_equal(S::splat(range.lower), value) & S::less_equal(value, S::splat(range.upper)));
  }
  if (!S::any(outside)) return;
  for (int lane = 0; lane < count; ++lane) {
    if (out.status[lane] != row_status::ok) continue;
    if (NanIsAbsent && std::isnan(values[lane])) continue;
    const row_status status = check_value(values[lane], range);
    if (status != row_status::ok) {
      out.status[lane] = status;
      out.invalid_field[lane] = field_index;
      out.any_invalid = true;
    }
  }
}

/// SPEC §3–§6 for one block, W lanes at a time; inlined into one copy per instruction set.
template <int B, int W>
RISKSCALE_LANE_INLINE void compute_lanes(const kernel_parameters& k, const block_source& source, block_scores<B>& out) {
  static_assert(B % W == 0, "a block is a whole number of vectors");
  using S = simd<W>;
  using f64 = typename S::f64;
  using mask = typename S::mask;
  out.status.fill(row_status::ok);
  out.invalid_field.fill(-1);
  out.any_invalid = false;
  alignas(64) lanes<B> padded;

  // SPEC §3 risk: noisy-OR, R = 1 - prod(1 - w_i x_i).
  alignas(64) lanes<B> survival;
  survival.fill(1.0);
  for (std::size_t i = 0; i < k.factor_count; ++i) {
    const double* values = block_column<B>(source.columns[i], source.offset, source.count, padded);
    check_field<B, W>(values, risk_factor_range, static_cast<std::int16_t>(i), source.count, out);
    const double weight = k.factors[i].weight;
    for (int lane = 0; lane < B; lane += W) {
      S::store(&survival[lane], S::load(&survival[lane]) * (1.0 - weight * S::load(values + lane)));
    }
  }

  alignas(64) lanes<B> padded_days, padded_users;
  const std::size_t days_field = k.factor_count;
  const double* active_days = block_column<B>(source.columns[days_field], source.offset, source.count, padded_days);
  check_field<B, W>(active_days, active_days_range, static_cast<std::int16_t>(days_field), source.count, out);
  const double* users = block_column<B>(source.columns[days_field + 1], source.offset, source.count, padded_users);
  check_field<B, W>(users, count_range, static_cast<std::int16_t>(days_field + 1), source.count, out);
  if (source.field_count > days_field + 2 && source.columns[days_field + 2] != nullptr) {
    const double* seats = block_column<B>(source.columns[days_field + 2], source.offset, source.count, padded);
    check_field<B, W, true>(seats, count_range, static_cast<std::int16_t>(days_field + 2), source.count, out);
  }

  const double wf = k.frequency_weight;
  const double wr = k.reach_weight;
  const bool uses_frequency = wf > 0;  // a zero weight drops the component (x^0 = 1), SPEC §3
  const bool uses_reach = wr > 0;
  const f64 zero = S::splat(0.0);
  const f64 one = S::splat(1.0);
  const f64 nan = S::splat(std::numeric_limits<double>::quiet_NaN());

  // SPEC §3 scale: f = clamp(days / full), r = clamp(ln(1 + users) / ln(1 + full)).
  for (int lane = 0; lane < B; lane += W) {
    S::store(&out.risk[lane], 1.0 - S::load(&survival[lane]));
    // "+ zero" turns the -0 of active_days = -0 into +0 and leaves every other value's bits alone.
    S::store(&out.frequency[lane],
             min_lanes<W>(max_lanes<W>(S::load(active_days + lane) / k.frequency_full, zero), one) + zero);
    S::store(&out.reach[lane],
             min_lanes<W>(max_lanes<W>(log_lanes<W>(1.0 + S::load(users + lane)) / k.log_reach_full, zero), one));
  }
  // SPEC §3: s = f^wf · r^wr = e^(wf ln f + wr ln r); a dropped component adds nothing (0 · ln 0 would be NaN).
  alignas(64) lanes<B> weighted_log_frequency, weighted_log_reach;
  for (int lane = 0; lane < B; lane += W) {
    const f64 log_frequency = log_lanes<W>(S::load(&out.frequency[lane]));  // -inf where f = 0
    S::store(&weighted_log_frequency[lane], uses_frequency ? wf * log_frequency : zero);
  }
  for (int lane = 0; lane < B; lane += W) {
    const f64 log_reach = log_lanes<W>(S::load(&out.reach[lane]));
    S::store(&weighted_log_reach[lane], uses_reach ? wr * log_reach : zero);
  }
  for (int lane = 0; lane < B; lane += W) {
    const f64 log_scale = S::load(&weighted_log_frequency[lane]) + S::load(&weighted_log_reach[lane]);
    S::store(&out.scale[lane], exp_lanes<W>(log_scale));  // exactly 0 when a used component is 0
  }

  // SPEC §4: margin and soft membership, σ(z/τ) = 1 / (1 + e^(z · -1/τ)).
  alignas(64) lanes<B> p_risk;
  for (int lane = 0; lane < B; lane += W) {
    const f64 risk_offset = S::load(&out.risk[lane]) - k.risk_threshold;
    const f64 scale_offset = S::load(&out.scale[lane]) - k.scale_threshold;
    S::store(&out.margin[lane], min_lanes<W>(abs_lanes<W>(risk_offset), abs_lanes<W>(scale_offset)));
    S::store(&p_risk[lane], 1.0 / (1.0 + exp_lanes<W>(risk_offset * k.minus_inverse_temperature)));
  }
  for (int lane = 0; lane < B; lane += W) {
    const f64 scale_offset = S::load(&out.scale[lane]) - k.scale_threshold;
    const f64 p_scale = 1.0 / (1.0 + exp_lanes<W>(scale_offset * k.minus_inverse_temperature));
    const f64 p_high_risk = S::load(&p_risk[lane]);
    S::store(&out.membership[0][lane], p_scale * p_high_risk);
    S::store(&out.membership[1][lane], p_scale * (1.0 - p_high_risk));
    S::store(&out.membership[2][lane], (1.0 - p_scale) * p_high_risk);
    S::store(&out.membership[3][lane], (1.0 - p_scale) * (1.0 - p_high_risk));
  }

  // SPEC §6: distance to high scale, the other component held fixed, low-scale accounts only. The
  // block's low-scale lanes are packed first, so that the three exponentials run on those alone (a
  // third of a random portfolio; measured in bench/README.md, "Fewer transcendental calls"); every
  // lane's operations, and so its bits, are unchanged.
  out.users_for_high_scale.fill(std::numeric_limits<double>::quiet_NaN());
  out.active_days_for_high_scale.fill(std::numeric_limits<double>::quiet_NaN());
  if (!uses_reach && !uses_frequency) return;
  alignas(64) std::array<int, B + 1> low_lanes;
  int low_count = 0;
  for (int lane = 0; lane < source.count; ++lane) {  // branch-free: every lane is written, low ones kept
    low_lanes[static_cast<std::size_t>(low_count)] = lane;
    low_count += out.scale[lane] < k.scale_threshold;
  }
  if (low_count == 0) return;
  const int packed_count = (low_count + W - 1) / W * W;
  alignas(64) lanes<B> packed_log_frequency, packed_log_reach, packed_frequency, packed_reach, packed_users,
      packed_days;
  for (int j = 0; j < packed_count; ++j) {
    const int lane = low_lanes[static_cast<std::size_t>(j < low_count ? j : 0)];  // padding repeats a low lane
    packed_log_frequency[j] = weighted_log_frequency[lane];
    packed_log_reach[j] = weighted_log_reach[lane];
    packed_frequency[j] = out.frequency[lane];
    packed_reach[j] = out.reach[lane];
  }
  for (int j = 0; j < packed_count; j += W) {
    if (uses_reach) {
      // r* = (threshold / f^wf)^(1/wr); users = ceil(e^(r* ln(1 + reach_full)) - 1); absent when f = 0 or r* > 1.
      const f64 needed =
          exp_lanes<W>((k.log_scale_threshold - S::load(&packed_log_frequency[j])) * k.inverse_reach_weight);
      const f64 users_needed = ceil_nonnegative_lanes<W>(exp_lanes<W>(needed * k.log_reach_full) - 1.0);
      const mask present = S::less(zero, S::load(&packed_frequency[j])) & S::less_equal(needed, one);
      S::store(&packed_users[j], S::select(present, users_needed, nan));
    }
    if (uses_frequency) {
      // f* = (threshold / r^wr)^(1/wf); days = f* · frequency_full; absent when r = 0, f* > 1 or days > 31.
      const f64 frequency_needed =
          exp_lanes<W>((k.log_scale_threshold - S::load(&packed_log_reach[j])) * k.inverse_frequency_weight);
      const f64 days_needed = frequency_needed * k.frequency_full;
      const mask present = S::less(zero, S::load(&packed_reach[j])) & S::less_equal(frequency_needed, one) &
                           S::less_equal(days_needed, S::splat(active_days_range.upper));
      S::store(&packed_days[j], S::select(present, days_needed, nan));
    }
  }
  for (int j = 0; j < low_count; ++j) {
    const int lane = low_lanes[static_cast<std::size_t>(j)];
    if (uses_reach) out.users_for_high_scale[lane] = packed_users[j];
    if (uses_frequency) out.active_days_for_high_scale[lane] = packed_days[j];
  }
}

#if defined(__GNUC__) && !defined(__clang__)
/// GCC contracts a * b + c into an FMA wherever the target has one (AVX-512F implies FMA; so does
/// -march=native on most CPUs), whatever -std says; this keeps every multiply and add of the kernel
/// copy it marks separate. (Clang's contraction is off in these headers, see detail/simd_math.hpp.)
#define RISKSCALE_NO_CONTRACTION_ATTRIBUTE [[gnu::optimize("fp-contract=off")]]
/// The same, to append inside another attribute list: [[gnu::target(...) RISKSCALE_NO_CONTRACTION]].
#define RISKSCALE_NO_CONTRACTION , gnu::optimize("fp-contract=off")
#else
#define RISKSCALE_NO_CONTRACTION_ATTRIBUTE
#define RISKSCALE_NO_CONTRACTION
#endif

/// SPEC §3 scale from its components, s = f^wf · r^wr, by the same operations as compute_lanes in one
/// lane, so s(f, r) of an account's own f and r has the bits of its scale score (drift, SPEC §11,
/// needs s at mixed pairs: the new frequency with the old reach and the reverse).
[[nodiscard]] RISKSCALE_NO_CONTRACTION_ATTRIBUTE inline double scale_from_components(const kernel_parameters& k,
                                                                                     double frequency,
                                                                                     double reach) noexcept {
  const double weighted_log_frequency = k.frequency_weight > 0 ? k.frequency_weight * log_lanes<1>(frequency) : 0.0;
  const double weighted_log_reach = k.reach_weight > 0 ? k.reach_weight * log_lanes<1>(reach) : 0.0;
  return exp_lanes<1>(weighted_log_frequency + weighted_log_reach);
}

/// Lanes per vector of the baseline copy: an SSE2 register (or plain doubles without vector extensions).
inline constexpr int baseline_width = RISKSCALE_HAS_VECTOR_EXTENSIONS ? 2 : 1;

template <int B>
RISKSCALE_NO_CONTRACTION_ATTRIBUTE inline void compute_block_scalar(const kernel_parameters& k,
                                                                    const block_source& source, block_scores<B>& out) {
  compute_lanes<B, 1>(k, source, out);
}

template <int B>
RISKSCALE_NO_CONTRACTION_ATTRIBUTE inline void compute_block_baseline(const kernel_parameters& k,
                                                                      const block_source& source,
                                                                      block_scores<B>& out) {
  compute_lanes<B, baseline_width>(k, source, out);
}

#if RISKSCALE_HAS_AVX2_DISPATCH
// The same source, eight lanes per step as two AVX2 registers of four (simd<8>; a one-account
// block uses one register): the two halves are independent dependency chains, so the long
// polynomial chains of exp and log overlap (1.1-1.4x one register per step in A/B runs). "avx2"
// does not enable FMA, so no multiply-add is fused and the bits equal the baseline copy's.
template <int B>
[[gnu::target("avx2") RISKSCALE_NO_CONTRACTION]] inline void compute_block_avx2(const kernel_parameters& k,
                                                                                const block_source& source,
                                                                                block_scores<B>& out) {
  compute_lanes<B, (B % 8 == 0 ? 8 : 4)>(k, source, out);  // a one-account block (B = 4) takes one register
}
#endif

#if RISKSCALE_HAS_AVX512_DISPATCH
// Sixteen lanes per step as two AVX-512 registers of eight (simd<16>; a one-account block uses one
// AVX2-width register of four, as the AVX2 copy does). AVX-512F implies FMA, and contraction is off
// (RISKSCALE_NO_CONTRACTION here, `#pragma clang fp contract` in detail/simd_math.hpp): no
// multiply-add is fused, so the bits equal the scalar copy's.
// FMA, decided by A/B runs on a Zen 4 guest ("The AVX-512 copy" in bench/README.md): fused, this
// copy ran 1.25x faster on 16,384 accounts in L2 but only 1.01-1.09x on 10^7 (memory bound), so
// it is left out and the guarantee stays bit-identity: every copy gives the same bits for the same
// account, batch == assess exactly, on any machine. Two registers per step measured 1.19x one.
template <int B>
[[gnu::target(RISKSCALE_AVX512_TARGET) RISKSCALE_NO_CONTRACTION]] inline void compute_block_avx512(
    const kernel_parameters& k, const block_source& source, block_scores<B>& out) {
  compute_lanes<B, (B % 16 == 0 ? 16 : 4)>(k, source, out);
}
#endif

/// Computes SPEC §3 scores, §4 classification inputs and §6 distances for one block, with the
/// copy of the kernel compiled for `isa` (which must be available, see isa_available()).
template <int B>
inline void compute_block(const kernel_parameters& k, const block_source& source, block_scores<B>& out, simd_isa isa) {
  switch (isa) {
#if RISKSCALE_HAS_AVX512_DISPATCH
    case simd_isa::avx512: compute_block_avx512<B>(k, source, out); return;
#endif
#if RISKSCALE_HAS_AVX2_DISPATCH
    case simd_isa::avx2: compute_block_avx2<B>(k, source, out); return;
#endif
    case simd_isa::scalar: compute_block_scalar<B>(k, source, out); return;
    default: compute_block_baseline<B>(k, source, out); return;
  }
}

/// Computes one block under `pol` with the best instruction set available.
template <int B>
inline void compute_block(const policy& pol, const block_source& source, block_scores<B>& out) {
  compute_block<B>(kernel_parameters(pol), source, out, best_isa());
}

/// SPEC §4: the archetype of a valid lane.
[[nodiscard]] inline archetype classify_lane(const policy& pol, double risk, double scale) noexcept {
  return archetype_of(scale >= pol.settings().scale_threshold, risk >= pol.settings().risk_threshold);
}

/// SPEC §5: the score of one format, Σ_a membership_a · affinity_a in archetype order. Zero
/// affinities are skipped: their terms are exactly +0, so the sum has the same bits.
[[nodiscard]] inline double format_score(const std::array<double, archetype_count>& membership,
                                         const std::array<double, archetype_count>& affinity) noexcept {
  double score = 0.0;
  for (std::size_t a = 0; a < archetype_count; ++a) {
    if (affinity[a] != 0.0) score += membership[a] * affinity[a];
  }
  return score;
}

/// SPEC §5: adds format `k` with `score` to the ranking `indices`/`scores` of `count` entries
/// (capacity `width`); formats must arrive in catalogue order. Returns the new count.
inline std::size_t insert_ranked(std::size_t k, double score, std::size_t count, std::size_t width,
                                 std::int16_t* indices, double* scores) noexcept {
  // Insert before the first entry it beats by more than the tie tolerance; later
  // (catalogue) entries lose ties. A bounded list keeps the same prefix as a full sort.
  std::size_t position = 0;
  while (position < count && !(score > scores[position] + score_tie_tolerance)) ++position;
  if (position >= width) return count;
  const std::size_t last = std::min(count, width - 1);
  for (std::size_t j = last; j > position; --j) {
    indices[j] = indices[j - 1];
    scores[j] = scores[j - 1];
  }
  indices[position] = static_cast<std::int16_t>(k);
  scores[position] = score;
  return count < width ? count + 1 : count;
}

/// SPEC §5: ranks formats given each one's score (`format_scores[k * stride]` for format k) into
/// `indices`/`scores` (capacity `width`); returns how many were recommended.
inline std::size_t rank_scored_formats(const double* format_scores, std::size_t stride, std::size_t format_count,
                                       std::size_t width, double min_score, std::int16_t* indices,
                                       double* scores) noexcept {
  std::size_t count = 0;
  for (std::size_t k = 0; k < format_count; ++k) {
    const double score = format_scores[k * stride];
    if (score >= min_score) count = insert_ranked(k, score, count, width, indices, scores);
  }
  return count;
}

/// SPEC §5: ranks the formats of one account into `indices`/`scores` (capacity
/// recommendation_width()); returns how many were recommended.
inline std::size_t rank_formats(const policy& pol, const std::array<double, archetype_count>& membership,
                                std::int16_t* indices, double* scores) {
  const std::vector<training_format>& catalog = pol.catalog();
  constexpr std::size_t on_stack = 32;
  std::array<double, on_stack> stack_scores;
  std::vector<double> heap_scores;
  double* format_scores = stack_scores.data();
  if (catalog.size() > on_stack) {
    heap_scores.resize(catalog.size());
    format_scores = heap_scores.data();
  }
  for (std::size_t k = 0; k < catalog.size(); ++k) format_scores[k] = format_score(membership, catalog[k].affinity);
  return rank_scored_formats(format_scores, 1, catalog.size(), pol.recommendation_width(), pol.settings().min_score,
                             indices, scores);
}

}  // namespace riskscale::detail
RISKSCALE_END_NO_CONTRACTION
