// riskscale internals: which vector instruction set the kernel runs with, chosen at run time.
//
// The default build targets any x86-64 (SSE2): the kernel's baseline copy works on two lanes per
// vector. On GCC and Clang for x86-64 the kernel is also compiled for AVX2, four lanes per vector
// and two vectors per step (`[[gnu::target("avx2")]]`), and for AVX-512 (F, DQ, VL, BW: Skylake-SP,
// Ice Lake, Sapphire Rapids, Zen 4 and later), eight lanes per vector and two vectors per step;
// the CPU picks the copy when it runs; no -march flag is needed.
// All copies run the same elementwise operations without FMA (the AVX-512 copy has contraction
// turned off, see detail/kernel.hpp for the measurements behind that), so they give the same
// bits; tests/test_batch_dispatch.cpp checks that.
#pragma once

#include <string_view>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define RISKSCALE_HAS_AVX2_DISPATCH 1
#define RISKSCALE_HAS_AVX512_DISPATCH 1
/// The target of the AVX-512 copies: what isa_available(simd_isa::avx512) checks.
#define RISKSCALE_AVX512_TARGET "avx512f,avx512dq,avx512vl,avx512bw"
#else
#define RISKSCALE_HAS_AVX2_DISPATCH 0
#define RISKSCALE_HAS_AVX512_DISPATCH 0
#endif

namespace riskscale::detail {

/// An instruction set the kernel is compiled for.
enum class simd_isa {
  scalar,    ///< one lane at a time, plain doubles: the portable reference
  baseline,  ///< two lanes per vector, for whatever the translation unit targets (SSE2 on x86-64)
  avx2,      ///< 256-bit AVX2 vectors (two per step), dispatched at run time on x86-64 with GCC or Clang
  avx512,    ///< 512-bit AVX-512 F/DQ/VL/BW vectors (two per step), dispatched like avx2
};

/// Every instruction set a build may have a kernel copy for, narrowest first.
inline constexpr simd_isa all_isas[] = {simd_isa::scalar, simd_isa::baseline, simd_isa::avx2, simd_isa::avx512};

/// "scalar", "baseline", "avx2" or "avx512".
[[nodiscard]] constexpr std::string_view to_string(simd_isa isa) noexcept {
  switch (isa) {
    case simd_isa::scalar: return "scalar";
    case simd_isa::baseline: return "baseline";
    case simd_isa::avx2: return "avx2";
    case simd_isa::avx512: return "avx512";
  }
  return "unknown";
}

/// True when this build has a copy of the kernel for `isa` (whether or not this CPU can run it).
[[nodiscard]] constexpr bool isa_compiled(simd_isa isa) noexcept {
  switch (isa) {
    case simd_isa::avx2: return RISKSCALE_HAS_AVX2_DISPATCH != 0;
    case simd_isa::avx512: return RISKSCALE_HAS_AVX512_DISPATCH != 0;
    default: return true;
  }
}

/// True when this build has a copy of the kernel for `isa` and this CPU (and OS) can run it.
[[nodiscard]] inline bool isa_available(simd_isa isa) noexcept {
  // libgcc / compiler-rt fill the CPU model before main(); they also check that the OS saves the
  // YMM (and, for AVX-512, the ZMM and mask) state.
  switch (isa) {
    case simd_isa::avx2:
#if RISKSCALE_HAS_AVX2_DISPATCH
      return __builtin_cpu_supports("avx2");
#else
      return false;
#endif
    case simd_isa::avx512:
#if RISKSCALE_HAS_AVX512_DISPATCH
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#else
      return false;
#endif
    default: return true;
  }
}

/// The widest instruction set available, the one the kernel uses unless a test asks for another.
[[nodiscard]] inline simd_isa best_isa() noexcept {
  if (isa_available(simd_isa::avx512)) return simd_isa::avx512;
  return isa_available(simd_isa::avx2) ? simd_isa::avx2 : simd_isa::baseline;
}

}  // namespace riskscale::detail
