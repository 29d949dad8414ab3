// riskscale internals: SPEC §5 ranking of a block of accounts by a sorting network.
//
// For catalogues of up to 16 formats the batch path ranks a block's candidates (formats reaching
// min_score) without a branch per comparison: each format's score becomes a sort key that also
// carries its catalogue position, the keys of W accounts at a time go through one sorting network
// held in vector registers, and a lane whose adjacent candidates come within the tie tolerance of
// each other is flagged, to be ranked again by the insertion rule (detail/kernel.hpp), which
// decides ties. Every lane is ranked exactly as rank_scored_formats would rank it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "riskscale/detail/kernel.hpp"
#include "riskscale/detail/simd_dispatch.hpp"
#include "riskscale/detail/simd_math.hpp"

RISKSCALE_BEGIN_NO_CONTRACTION
namespace riskscale::detail {

/// Largest catalogue ranked by a network: the catalogue position lives in 4 bits of the key.
inline constexpr std::size_t network_formats = 16;

/// How far apart two candidates' sort keys must be for their scores to be more than the tie
/// tolerance apart: the tolerance plus the 16 ulp (of a score <= 1) by which each key may differ.
inline constexpr double sort_key_tie_gap = score_tie_tolerance + 1e-14;

/// A compare-exchange: the larger value goes to `high` (the lower position), the smaller to `low`.
struct exchange {
  std::uint8_t high, low;
};

/// Writes (when `out` is not null) the compare-exchanges of a sorting network that puts `n`
/// values in descending order and returns how many there are: Batcher's odd–even merge sort over
/// the next power of two, without the exchanges that reach past `n` (inputs beyond `n` count as
/// smaller than any value, so those never move anything).
constexpr std::size_t descending_network(std::size_t n, exchange* out) noexcept {
  std::size_t size = 1;
  while (size < n) size *= 2;
  std::size_t count = 0;
  for (std::size_t p = 1; p < size; p *= 2) {
    for (std::size_t k = p; k >= 1; k /= 2) {
      for (std::size_t j = k % p; j + k < size; j += 2 * k) {
        for (std::size_t i = 0; i < k && i + j + k < size; ++i) {
          const std::size_t high = i + j, low = i + j + k;
          if (high / (2 * p) != low / (2 * p) || low >= n) continue;
          if (out != nullptr) out[count] = exchange{static_cast<std::uint8_t>(high), static_cast<std::uint8_t>(low)};
          ++count;
        }
      }
    }
  }
  return count;
}

/// The network for exactly N values, built at compile time.
template <std::size_t N>
struct network {
  static constexpr std::size_t size = descending_network(N, nullptr);
  static constexpr std::array<exchange, size> exchanges = [] {
    std::array<exchange, size> all{};
    descending_network(N, all.data());
    return all;
  }();
};

/// The catalogue position a sort key carries.
[[nodiscard]] inline std::size_t format_of_sort_key(double key) noexcept {
  std::uint64_t bits;
  std::memcpy(&bits, &key, sizeof bits);
  return 15 - static_cast<std::size_t>(bits & 15);
}

/// One compare-exchange of the network for N values, at compile-time positions (S: a simd<> or
/// native_simd<> type).
template <class S, std::size_t N, std::size_t E>
RISKSCALE_LANE_INLINE void exchange_at(typename S::f64 (&keys)[N]) noexcept {
  constexpr exchange e = network<N>::exchanges[E];
  const typename S::mask swap = S::less(keys[e.high], keys[e.low]);
  const typename S::f64 larger = S::select(swap, keys[e.low], keys[e.high]);
  keys[e.low] = S::select(swap, keys[e.high], keys[e.low]);
  keys[e.high] = larger;
}

template <class S, std::size_t N, std::size_t... E>
RISKSCALE_LANE_INLINE void run_network(typename S::f64 (&keys)[N], std::index_sequence<E...>) noexcept {
  (exchange_at<S, N, E>(keys), ...);
}

/// Ranks the S::width lanes starting at `lane` of a block of B (format k's score of lane l at
/// `format_scores[k * B + l]`, `formats` <= N): writes the sorted keys (`keys`, same layout; a
/// key below 0 is no candidate), the number of candidates and a near-tie flag (-1) per lane.
template <int B, class S, std::size_t N>
RISKSCALE_LANE_INLINE void rank_lanes(const double* format_scores, std::size_t formats, double min_score, int lane,
                                      double* keys, std::int64_t* candidate_count, std::int64_t* near_tie) noexcept {
  typename S::f64 sorted[N];
  for (std::size_t k = 0; k < N; ++k) {
    if (k >= formats) {
      sorted[k] = S::splat(-1.0);
      continue;
    }
    // The score with its lowest four mantissa bits replaced by 15 - k: keys order as scores do,
    // except scores within 16 ulp of each other (a tie), which order by catalogue position.
    const typename S::f64 score = S::load(format_scores + k * B + lane);
    const typename S::f64 key = S::from_bits((S::bits(score) & ~std::uint64_t{15}) | std::uint64_t{15 - k});
    sorted[k] = S::select(S::less_equal(S::splat(min_score), score), key, S::splat(-1.0));
  }
  run_network<S, N>(sorted, std::make_index_sequence<network<N>::size>());
  const typename S::f64 zero = S::splat(0.0), tie_gap = S::splat(sort_key_tie_gap);
  typename S::mask candidates{}, near{};
  for (std::size_t k = 0; k < N; ++k) {
    candidates = candidates - S::less_equal(zero, sorted[k]);  // a true mask is -1
    if (k + 1 < N)
      near = near | (S::less_equal(zero, sorted[k + 1]) & S::less_equal(sorted[k] - sorted[k + 1], tie_gap));
    if (k < formats) S::store(keys + k * B + lane, sorted[k]);
  }
  std::memcpy(candidate_count + lane, &candidates, sizeof candidates);
  std::memcpy(near_tie + lane, &near, sizeof near);
}

/// rank_lanes over every vector of a block, for a network of N keys.
template <int B, class S, std::size_t N>
RISKSCALE_LANE_INLINE void rank_block_vectors(const double* format_scores, std::size_t formats, double min_score,
                                              double* keys, std::int64_t* candidate_count,
                                              std::int64_t* near_tie) noexcept {
  static_assert(B % S::width == 0, "a block is a whole number of vectors");
  for (int lane = 0; lane < B; lane += S::width) {
    rank_lanes<B, S, N>(format_scores, formats, min_score, lane, keys, candidate_count, near_tie);
  }
}

// Always-inlined functions rather than a generic lambda: a lambda is a function of its own, compiled
// for the translation unit's target and, being large, not inlined into the kernel copy that calls it.
template <int B, class S>
RISKSCALE_LANE_INLINE void rank_block_lanes(const double* format_scores, std::size_t formats, double min_score,
                                            double* keys, std::int64_t* candidate_count,
                                            std::int64_t* near_tie) noexcept {
  if (formats <= 4) {
    rank_block_vectors<B, S, 4>(format_scores, formats, min_score, keys, candidate_count, near_tie);
  } else if (formats <= 8) {
    rank_block_vectors<B, S, 8>(format_scores, formats, min_score, keys, candidate_count, near_tie);
  } else if (formats <= 12) {
    rank_block_vectors<B, S, 12>(format_scores, formats, min_score, keys, candidate_count, near_tie);
  } else {
    rank_block_vectors<B, S, 16>(format_scores, formats, min_score, keys, candidate_count, near_tie);
  }
}

template <int B>
inline void rank_block_baseline(const double* format_scores, std::size_t formats, double min_score, double* keys,
                                std::int64_t* candidate_count, std::int64_t* near_tie) noexcept {
  rank_block_lanes<B, simd<baseline_width>>(format_scores, formats, min_score, keys, candidate_count, near_tie);
}

template <int B>
inline void rank_block_scalar(const double* format_scores, std::size_t formats, double min_score, double* keys,
                              std::int64_t* candidate_count, std::int64_t* near_tie) noexcept {
  rank_block_lanes<B, simd<1>>(format_scores, formats, min_score, keys, candidate_count, near_tie);
}

#if RISKSCALE_HAS_AVX2_DISPATCH
// Four lanes per AVX2 register: the keys of up to 12 formats stay in registers through the network.
template <int B>
[[gnu::target("avx2")]] inline void rank_block_avx2(const double* format_scores, std::size_t formats, double min_score,
                                                    double* keys, std::int64_t* candidate_count,
                                                    std::int64_t* near_tie) noexcept {
  rank_block_lanes<B, simd<4>>(format_scores, formats, min_score, keys, candidate_count, near_tie);
}
#endif

#if RISKSCALE_HAS_AVX512_DISPATCH
// Eight lanes per AVX-512 register: the keys of up to 16 formats stay in the 32 registers through
// the network. The network only compares and blends, so contraction does not arise here.
template <int B>
[[gnu::target(RISKSCALE_AVX512_TARGET)]] inline void rank_block_avx512(const double* format_scores, std::size_t formats,
                                                                       double min_score, double* keys,
                                                                       std::int64_t* candidate_count,
                                                                       std::int64_t* near_tie) noexcept {
  rank_block_lanes<B, native_simd<8>>(format_scores, formats, min_score, keys, candidate_count, near_tie);
}
#endif

/// Sorts the candidate keys of a block of B accounts (`formats` <= network_formats) with the copy
/// for `isa`; see rank_lanes.
template <int B>
inline void rank_block(const double* format_scores, std::size_t formats, double min_score, double* keys,
                       std::int64_t* candidate_count, std::int64_t* near_tie, simd_isa isa) noexcept {
  switch (isa) {
#if RISKSCALE_HAS_AVX512_DISPATCH
    case simd_isa::avx512:
      rank_block_avx512<B>(format_scores, formats, min_score, keys, candidate_count, near_tie);
      return;
#endif
#if RISKSCALE_HAS_AVX2_DISPATCH
    case simd_isa::avx2: rank_block_avx2<B>(format_scores, formats, min_score, keys, candidate_count, near_tie); return;
#endif
    case simd_isa::scalar:
      rank_block_scalar<B>(format_scores, formats, min_score, keys, candidate_count, near_tie);
      return;
    default: rank_block_baseline<B>(format_scores, formats, min_score, keys, candidate_count, near_tie); return;
  }
}

}  // namespace riskscale::detail
RISKSCALE_END_NO_CONTRACTION
