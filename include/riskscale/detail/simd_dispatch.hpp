// riskscale internals: which vector instruction set the kernel runs with, chosen at run time.
//
// The default build targets any x86-64 (SSE2): the kernel's baseline copy works on two lanes per
// vector. On GCC and Clang for x86-64 the kernel is also compiled for AVX2, four lanes per vector
// and two vectors per step (`[[gnu::target("avx2")]]`), and the CPU picks the copy when it runs;
// no -march flag is needed.
// All copies run the same elementwise operations without FMA (AVX2 does not imply it), so they
// give the same bits; tests/test_batch_dispatch.cpp checks that.
#pragma once

#include <string_view>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define RISKSCALE_HAS_AVX2_DISPATCH 1
#else
#define RISKSCALE_HAS_AVX2_DISPATCH 0
#endif

namespace riskscale::detail {

/// An instruction set the kernel is compiled for.
enum class simd_isa {
  scalar,    ///< one lane at a time, plain doubles: the portable reference
  baseline,  ///< two lanes per vector, for whatever the translation unit targets (SSE2 on x86-64)
  avx2,      ///< 256-bit AVX2 vectors (two per step), dispatched at run time on x86-64 with GCC or Clang
};

/// Every instruction set a build may have a kernel copy for, narrowest first.
inline constexpr simd_isa all_isas[] = {simd_isa::scalar, simd_isa::baseline, simd_isa::avx2};

/// "scalar", "baseline" or "avx2".
[[nodiscard]] constexpr std::string_view to_string(simd_isa isa) noexcept {
  switch (isa) {
    case simd_isa::scalar: return "scalar";
    case simd_isa::baseline: return "baseline";
    case simd_isa::avx2: return "avx2";
  }
  return "unknown";
}

/// True when this build has a copy of the kernel for `isa` and this CPU (and OS) can run it.
[[nodiscard]] inline bool isa_available(simd_isa isa) noexcept {
  if (isa != simd_isa::avx2) return true;
#if RISKSCALE_HAS_AVX2_DISPATCH
  // libgcc / compiler-rt fill the CPU model before main(); it also checks that the OS saves YMM state.
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

/// The widest instruction set available, the one the kernel uses unless a test asks for another.
[[nodiscard]] inline simd_isa best_isa() noexcept {
  return isa_available(simd_isa::avx2) ? simd_isa::avx2 : simd_isa::baseline;
}

}  // namespace riskscale::detail
