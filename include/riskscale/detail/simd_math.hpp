// riskscale internals: vectors of W doubles (one account per lane) and the exp, log and ceil the
// kernel needs on them.
//
// The kernel (detail/kernel.hpp) is written once over `simd<W>`: W = 2 is an SSE2 register (any
// x86-64), W = 4 an AVX2 register, W = 8 two of them, W = 16 two AVX-512 registers
// (detail/simd_dispatch.hpp), W = 1 plain doubles. The vectors are GCC/Clang vector extensions, so
// the code says exactly which elementwise operation runs; no auto-vectoriser decides, and there is
// no branch on a value. Every operation is an IEEE
// elementwise +, −, ×, ÷, compare, bitwise blend or 64-bit integer operation on the bit pattern,
// never a fused multiply-add, so every width gives the same bits for the same lane: batch results
// equal assess(), for any block position, chunking, thread count or instruction set.
//
// `std::exp` and `std::log` are library calls on one double; the replacements below are accurate
// to about 1 ulp over the kernel's domains (tests/test_batch_dispatch.cpp checks them against the
// library functions); SPEC §3 asks for 1e-9.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if defined(__GNUC__) || defined(__clang__)
#define RISKSCALE_HAS_VECTOR_EXTENSIONS 1
/// A lane helper: always inlined, so it is compiled for the instruction set of the kernel copy using it.
#define RISKSCALE_LANE_INLINE [[gnu::always_inline]] inline
#else
#define RISKSCALE_HAS_VECTOR_EXTENSIONS 0
#define RISKSCALE_LANE_INLINE inline
#endif

#if RISKSCALE_HAS_VECTOR_EXTENSIONS
// simd<4> values are passed by value between always-inlined helpers only, which never cross an ABI
// boundary; GCC (at the end of the translation unit) and Clang still note that a 32-byte vector
// argument's ABI differs without AVX. The note concerns only such vector arguments, so it stays
// off to the end of the translation unit (a push/pop would not reach the end-of-unit note).
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

// No multiply and add of the kernel is ever fused into an FMA, for any copy or compiler flag that
// leaves Clang's default contraction (`-ffp-contract=on`); GCC's is turned off per kernel copy
// (detail/kernel.hpp). The pair of macros brackets the kernel's headers and restores the caller's
// setting after them.
#if defined(__clang__)
#define RISKSCALE_BEGIN_NO_CONTRACTION _Pragma("float_control(push)") _Pragma("clang fp contract(off)")
#define RISKSCALE_END_NO_CONTRACTION _Pragma("float_control(pop)")
#else
#define RISKSCALE_BEGIN_NO_CONTRACTION
#define RISKSCALE_END_NO_CONTRACTION
#endif

RISKSCALE_BEGIN_NO_CONTRACTION
namespace riskscale::detail {

/// The vector types of W lanes (aligned(8): loads and stores may be unaligned).
template <int W>
struct vector_types;
#if RISKSCALE_HAS_VECTOR_EXTENSIONS
template <>
struct vector_types<2> {
  typedef double f64 __attribute__((vector_size(16), aligned(8)));
  typedef std::uint64_t u64 __attribute__((vector_size(16), aligned(8)));
  typedef std::int64_t i64 __attribute__((vector_size(16), aligned(8)));
};
template <>
struct vector_types<4> {
  typedef double f64 __attribute__((vector_size(32), aligned(8)));
  typedef std::uint64_t u64 __attribute__((vector_size(32), aligned(8)));
  typedef std::int64_t i64 __attribute__((vector_size(32), aligned(8)));
};
template <>
struct vector_types<8> {
  typedef double f64 __attribute__((vector_size(64), aligned(8)));
  typedef std::uint64_t u64 __attribute__((vector_size(64), aligned(8)));
  typedef std::int64_t i64 __attribute__((vector_size(64), aligned(8)));
};
#endif

/// W doubles in one vector register, one per lane, and the operations the kernel uses on them;
/// W = 1 is plain scalars. Vectors are passed by reference: Clang refuses a 512-bit vector argument
/// by value to a helper not itself compiled for AVX-512, even an always-inlined one.
template <int W>
struct native_simd {
  static constexpr int width = W;
  using f64 = typename vector_types<W>::f64;
  using u64 = typename vector_types<W>::u64;
  /// All ones in a lane where a comparison holds, zero elsewhere.
  using mask = typename vector_types<W>::i64;

  RISKSCALE_LANE_INLINE static f64 load(const double* values) noexcept {
    f64 v;
    std::memcpy(&v, values, sizeof v);
    return v;
  }
  RISKSCALE_LANE_INLINE static void store(double* values, const f64& v) noexcept { std::memcpy(values, &v, sizeof v); }
  RISKSCALE_LANE_INLINE static f64 splat(double value) noexcept { return f64{} + value; }
  RISKSCALE_LANE_INLINE static u64 bits(const f64& v) noexcept { return (u64)v; }
  RISKSCALE_LANE_INLINE static f64 from_bits(const u64& v) noexcept { return (f64)v; }
  RISKSCALE_LANE_INLINE static mask less(const f64& a, const f64& b) noexcept { return opaque((mask)(a < b)); }
  RISKSCALE_LANE_INLINE static mask less_equal(const f64& a, const f64& b) noexcept { return opaque((mask)(a <= b)); }
  RISKSCALE_LANE_INLINE static mask equal(const f64& a, const f64& b) noexcept { return opaque((mask)(a == b)); }
  /// A comparison's lanes as a plain vector. GCC 12 folds the bitwise operations on 512-bit
  /// comparison results (AVX-512 mask registers) into forms it then compiles one lane at a time (a
  /// compare, a setcc and an insert per lane: the AVX-512 copy ran slower than AVX2's); an empty asm
  /// statement makes each comparison an opaque vector and keeps every operation in vector registers.
  RISKSCALE_LANE_INLINE static mask opaque(mask m) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    if constexpr (W == 8) __asm__("" : "+v"(m));
#endif
    return m;
  }
  /// `condition ? if_true : if_false` per lane: a blend (or a min / max the compiler recognises).
  RISKSCALE_LANE_INLINE static f64 select(const mask& condition, const f64& if_true, const f64& if_false) noexcept {
    return condition ? if_true : if_false;
  }
  /// True when the condition holds in some lane.
  RISKSCALE_LANE_INLINE static bool any(const mask& condition) noexcept {
    std::uint64_t combined = 0;
    for (int lane = 0; lane < W; ++lane) combined |= condition[lane];
    return combined != 0;
  }
  // (The casts above are between vector types of one size: the same bits, reinterpreted.)
};

/// One lane: the same operations on plain doubles (the portable path, and a reference in tests).
template <>
struct native_simd<1> {
  static constexpr int width = 1;
  using f64 = double;
  using u64 = std::uint64_t;
  using mask = std::int64_t;

  RISKSCALE_LANE_INLINE static f64 load(const double* values) noexcept { return *values; }
  RISKSCALE_LANE_INLINE static void store(double* values, f64 v) noexcept { *values = v; }
  RISKSCALE_LANE_INLINE static f64 splat(double value) noexcept { return value; }
  RISKSCALE_LANE_INLINE static u64 bits(f64 v) noexcept {
    u64 b;
    std::memcpy(&b, &v, sizeof b);
    return b;
  }
  RISKSCALE_LANE_INLINE static f64 from_bits(u64 b) noexcept {
    f64 v;
    std::memcpy(&v, &b, sizeof v);
    return v;
  }
  RISKSCALE_LANE_INLINE static mask less(f64 a, f64 b) noexcept { return to_mask(a < b); }
  RISKSCALE_LANE_INLINE static mask less_equal(f64 a, f64 b) noexcept { return to_mask(a <= b); }
  RISKSCALE_LANE_INLINE static mask equal(f64 a, f64 b) noexcept { return to_mask(a == b); }
  RISKSCALE_LANE_INLINE static f64 select(mask condition, f64 if_true, f64 if_false) noexcept {
    return condition != 0 ? if_true : if_false;
  }
  RISKSCALE_LANE_INLINE static bool any(const mask& condition) noexcept { return condition != 0; }

 private:
  RISKSCALE_LANE_INLINE static mask to_mask(bool condition) noexcept { return -mask{condition}; }
};

#if RISKSCALE_HAS_VECTOR_EXTENSIONS
/// Two vectors of W/2 lanes used as one of W lanes: each operation runs on both halves, one after
/// the other, so the instruction stream holds two independent dependency chains (the polynomial
/// evaluations in exp and log are long chains; the CPU overlaps the two halves).
template <class Half>
struct twin {
  typename Half::type low,
      high;  // Half names the vector type (a wrapper: a vector attribute cannot be a template argument)
};

/// The wrappers twin<> is instantiated with.
template <int W>
struct f64_half {
  using type = typename native_simd<W>::f64;
};
template <int W>
struct u64_half {
  using type = typename native_simd<W>::u64;
};
template <int W>
struct mask_half {
  using type = typename native_simd<W>::mask;
};

#define RISKSCALE_TWIN_BINARY(op)                                                          \
  template <class V>                                                                       \
  RISKSCALE_LANE_INLINE twin<V> operator op(const twin<V>& x, const twin<V>& y) noexcept { \
    return {x.low op y.low, x.high op y.high};                                             \
  }                                                                                        \
  template <class V, class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>          \
  RISKSCALE_LANE_INLINE twin<V> operator op(const twin<V>& x, T y) noexcept {              \
    return {x.low op y, x.high op y};                                                      \
  }                                                                                        \
  template <class V, class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>          \
  RISKSCALE_LANE_INLINE twin<V> operator op(T x, const twin<V>& y) noexcept {              \
    return {x op y.low, x op y.high};                                                      \
  }
RISKSCALE_TWIN_BINARY(+)
RISKSCALE_TWIN_BINARY(-)
RISKSCALE_TWIN_BINARY(*)
RISKSCALE_TWIN_BINARY(/)
RISKSCALE_TWIN_BINARY(&)
RISKSCALE_TWIN_BINARY(|)
RISKSCALE_TWIN_BINARY(<<)
RISKSCALE_TWIN_BINARY(>>)
#undef RISKSCALE_TWIN_BINARY

template <class V>
RISKSCALE_LANE_INLINE twin<V> operator~(const twin<V>& x) noexcept {
  return {~x.low, ~x.high};
}
template <class V>
RISKSCALE_LANE_INLINE twin<V>& operator|=(twin<V>& x, const twin<V>& y) noexcept {
  x.low |= y.low;
  x.high |= y.high;
  return x;
}

/// W lanes as two vectors of W/2 (W = 8: two AVX2 registers in the AVX2 kernel copy; W = 16: two
/// AVX-512 registers in the AVX-512 copy).
template <int W>
struct twin_simd {
  static constexpr int width = W;
  using half = native_simd<W / 2>;
  using f64 = twin<f64_half<W / 2>>;
  using u64 = twin<u64_half<W / 2>>;
  using mask = twin<mask_half<W / 2>>;

  RISKSCALE_LANE_INLINE static f64 load(const double* values) noexcept {
    return {half::load(values), half::load(values + W / 2)};
  }
  RISKSCALE_LANE_INLINE static void store(double* values, const f64& v) noexcept {
    half::store(values, v.low);
    half::store(values + W / 2, v.high);
  }
  RISKSCALE_LANE_INLINE static f64 splat(double value) noexcept { return {half::splat(value), half::splat(value)}; }
  RISKSCALE_LANE_INLINE static u64 bits(const f64& v) noexcept { return {half::bits(v.low), half::bits(v.high)}; }
  RISKSCALE_LANE_INLINE static f64 from_bits(const u64& v) noexcept {
    return {half::from_bits(v.low), half::from_bits(v.high)};
  }
  RISKSCALE_LANE_INLINE static mask less(const f64& a, const f64& b) noexcept {
    return {half::less(a.low, b.low), half::less(a.high, b.high)};
  }
  RISKSCALE_LANE_INLINE static mask less_equal(const f64& a, const f64& b) noexcept {
    return {half::less_equal(a.low, b.low), half::less_equal(a.high, b.high)};
  }
  RISKSCALE_LANE_INLINE static mask equal(const f64& a, const f64& b) noexcept {
    return {half::equal(a.low, b.low), half::equal(a.high, b.high)};
  }
  RISKSCALE_LANE_INLINE static f64 select(const mask& condition, const f64& if_true, const f64& if_false) noexcept {
    return {half::select(condition.low, if_true.low, if_false.low),
            half::select(condition.high, if_true.high, if_false.high)};
  }
  RISKSCALE_LANE_INLINE static bool any(const mask& condition) noexcept {
    return half::any(condition.low | condition.high);
  }
};
#endif

/// The lanes the kernel is written over: W = 1, 2 and 4 are one register (plain doubles, SSE2,
/// AVX2), W = 8 two AVX2 registers and W = 16 two AVX-512 registers (the AVX-512 copy also uses
/// native_simd<8>, one register, in the ranking network).
template <int W>
struct simd : native_simd<W> {};
#if RISKSCALE_HAS_VECTOR_EXTENSIONS
template <>
struct simd<8> : twin_simd<8> {};
template <>
struct simd<16> : twin_simd<16> {};
#endif

/// min(a, b) per lane, as std::min: b when b < a.
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 min_lanes(typename simd<W>::f64 a, typename simd<W>::f64 b) noexcept {
  return simd<W>::select(simd<W>::less(b, a), b, a);
}

/// max(a, b) per lane, as std::max: b when a < b.
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 max_lanes(typename simd<W>::f64 a, typename simd<W>::f64 b) noexcept {
  return simd<W>::select(simd<W>::less(a, b), b, a);
}

/// |x| per lane: the sign bit cleared.
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 abs_lanes(typename simd<W>::f64 x) noexcept {
  return simd<W>::from_bits(simd<W>::bits(x) & ~(std::uint64_t{1} << 63));
}

/// 1.5 · 2^52: adding it rounds a double of magnitude < 2^51 to an integer held in the low mantissa bits.
inline constexpr double round_to_integer_shift = 6755399441055744.0;
/// ln 2 split so that n · ln2_high is exact for |n| < 2^11 (Cody–Waite reduction).
inline constexpr double ln2_high = 0.693147180369123816490;    // 0x1.62e42fee00000p-1
inline constexpr double ln2_low = 1.90821492927058770002e-10;  // ln 2 - ln2_high

/// e^x per lane. Results below 2^-1021 (x < -707.7, and x = -inf) are exactly 0: subnormal
/// results are flushed, which SPEC's absolute tolerances allow; x > ln(DBL_MAX) gives +inf.
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 exp_lanes(typename simd<W>::f64 x) noexcept {
  using S = simd<W>;
  using f64 = typename S::f64;
  constexpr double lowest = -707.7;
  constexpr double highest = 709.782712893384;  // ln(DBL_MAX), rounded down
  constexpr double inverse_ln2 = 1.4426950408889634;
  // (e^r - 1 - r) / r^2 on |r| <= ln2/2: Chebyshev fit of degree 9, relative error of e^r < 2e-17
  // (mpmath.chebyfit(q, [-ln2/2, ln2/2], 10), coefficients rounded to double, lowest degree first).
  constexpr double c0 = 0.5000000000000001, c1 = 0.16666666666666669, c2 = 0.04166666666662413,
                   c3 = 0.008333333333330062, c4 = 0.0013888888917213717, c5 = 0.00019841269863053618,
                   c6 = 2.4801521295954376e-05, c7 = 2.7557268459997064e-06, c8 = 2.7620088445409746e-07,
                   c9 = 2.510038549551032e-08;

  const f64 clamped = min_lanes<W>(max_lanes<W>(x, S::splat(lowest)), S::splat(highest));
  // x = n ln2 + r, |r| <= ln2/2; n is read back from the low bits of `shifted`.
  const f64 shifted = clamped * inverse_ln2 + round_to_integer_shift;
  const f64 n = shifted - round_to_integer_shift;
  const f64 r = (clamped - n * ln2_high) - n * ln2_low;
  const f64 q = c0 + r * (c1 + r * (c2 + r * (c3 + r * (c4 + r * (c5 + r * (c6 + r * (c7 + r * (c8 + r * c9))))))));
  const f64 exp_r = 1.0 + (r + (r * r) * q);
  // 2^(n-1) built in the exponent field (n - 1 + 1023 in [1, 2046]), then doubled, so that n = 1024
  // still reaches DBL_MAX.
  const f64 power = S::from_bits((S::bits(shifted) + std::uint64_t{1022}) << 52);
  const f64 result = (exp_r * power) * 2.0;
  const f64 saturated =
      S::select(S::less(S::splat(highest), x), S::splat(std::numeric_limits<double>::infinity()), result);
  return S::select(S::less(x, S::splat(lowest)), S::splat(0.0), saturated);
}

/// ln x per lane for x >= 0, subnormals included; ln 0 = -inf. (Negative, NaN and infinite x
/// only come from invalid rows, whose scores are discarded.)
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 log_lanes(typename simd<W>::f64 x) noexcept {
  using S = simd<W>;
  using f64 = typename S::f64;
  constexpr double smallest_normal = 2.2250738585072014e-308;  // 2^-1022
  constexpr double subnormal_scale = 18014398509481984.0;      // 2^54
  constexpr double sqrt2 = 1.4142135623730951;
  constexpr std::uint64_t mantissa_mask = (std::uint64_t{1} << 52) - 1;
  constexpr std::uint64_t one_bits = std::uint64_t{0x3ff} << 52;  // the bits of 1.0
  constexpr std::uint64_t two_pow_52_bits = std::uint64_t{0x433} << 52;
  constexpr double two_pow_52 = 4503599627370496.0;
  // (2 atanh(s) - 2s) / s^3 as a polynomial in z = s^2, |s| <= (sqrt2-1)/(sqrt2+1): Chebyshev fit
  // of degree 6, relative error of ln < 5e-18 (mpmath.chebyfit, as for exp_lanes).
  constexpr double p0 = 0.666666666666667, p1 = 0.39999999999899444, p2 = 0.2857142862600327, p3 = 0.22222211130259878,
                   p4 = 0.18182889455674947, p5 = 0.15331710618210773, p6 = 0.14616585424888623;

  // Subnormals are scaled into the normal range first.
  const typename S::mask subnormal = S::less(x, S::splat(smallest_normal));
  const f64 normal = S::select(subnormal, x * subnormal_scale, x);
  const typename S::u64 bits = S::bits(normal);
  // x = 2^e · m, m in [1, 2), then moved to [sqrt(1/2), sqrt(2)) so that |ln m| is smallest.
  const f64 biased_exponent = S::from_bits((bits >> 52) | two_pow_52_bits) - two_pow_52;
  const f64 m_in_1_2 = S::from_bits((bits & mantissa_mask) | one_bits);
  const typename S::mask halve = S::less(S::splat(sqrt2), m_in_1_2);
  const f64 m = S::select(halve, m_in_1_2 * 0.5, m_in_1_2);
  const f64 e = (biased_exponent - S::select(subnormal, S::splat(1077.0), S::splat(1023.0))) +
                S::select(halve, S::splat(1.0), S::splat(0.0));
  // ln m = ln(1 + f) = 2 atanh(s), s = f / (2 + f); written f - s (f - R) so that f, exact, leads.
  const f64 f = m - 1.0;
  const f64 s = f / (2.0 + f);
  const f64 z = s * s;
  const f64 big_r = z * (p0 + z * (p1 + z * (p2 + z * (p3 + z * (p4 + z * (p5 + z * p6))))));
  const f64 ln_m = f - s * (f - big_r);
  const f64 result = e * ln2_high + (ln_m + e * ln2_low);
  return S::select(S::equal(x, S::splat(0.0)), S::splat(-std::numeric_limits<double>::infinity()), result);
}

/// The smallest whole number >= x per lane, for x >= 0.
template <int W>
RISKSCALE_LANE_INLINE typename simd<W>::f64 ceil_nonnegative_lanes(typename simd<W>::f64 x) noexcept {
  using S = simd<W>;
  constexpr double two_pow_52 = 4503599627370496.0;  // from here on every double is whole
  const typename S::f64 nearest = (x + two_pow_52) - two_pow_52;
  const typename S::f64 up = S::select(S::less(nearest, x), nearest + 1.0, nearest);
  return S::select(S::less_equal(S::splat(two_pow_52), x), x, up);
}

}  // namespace riskscale::detail
RISKSCALE_END_NO_CONTRACTION
