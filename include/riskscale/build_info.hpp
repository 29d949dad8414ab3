// riskscale: what this build is and which copy of the kernel it runs on this CPU (for --version,
// riskscale.build_info() and the benchmarks, so that a figure is never read without its machine).
#pragma once

#include <string>
#include <vector>

#include "riskscale/detail/simd_dispatch.hpp"
#include "riskscale/version.hpp"

namespace riskscale {

/// The library and SPEC versions, the compiler, and the kernel copies: built, runnable here, in use.
struct build_info {
  std::string version;                 ///< the library version, "major.minor.patch"
  int spec_version = 0;                ///< the SPEC.md model version implemented
  std::string compiler;                ///< the compiler and version the caller's code was built with
  std::string kernel;                  ///< the kernel copy batch and assess run with on this CPU
  std::vector<std::string> compiled;   ///< every kernel copy in this build, narrowest first
  std::vector<std::string> available;  ///< the compiled copies this CPU and OS can run
  bool fma = false;                    ///< whether a copy fuses multiply-adds (never: every copy gives the same bits)
};

/// The build_info of the code that calls it (the header is compiled into the caller).
[[nodiscard]] inline build_info current_build_info() {
  build_info info;
  info.version = version;
  info.spec_version = spec_version;
#if defined(__clang__)
  info.compiler = "Clang " __clang_version__;
#elif defined(__GNUC__)
  info.compiler = "GCC " __VERSION__;
#elif defined(_MSC_VER)
  info.compiler = "MSVC " + std::to_string(_MSC_VER);
#else
  info.compiler = "unknown";
#endif
  info.kernel = std::string(detail::to_string(detail::best_isa()));
  for (const detail::simd_isa isa : detail::all_isas) {
    if (!detail::isa_compiled(isa)) continue;
    info.compiled.emplace_back(detail::to_string(isa));
    if (detail::isa_available(isa)) info.available.emplace_back(detail::to_string(isa));
  }
  return info;
}

/// One line for `--version` and logs: "kernel: avx512 (compiled: scalar, baseline, avx2, avx512;
/// this CPU runs: ...; no FMA, every copy gives the same bits)".
[[nodiscard]] inline std::string describe_kernel(const build_info& info) {
  const auto join = [](const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
  };
  return "kernel: " + info.kernel + " (compiled: " + join(info.compiled) + "; this CPU runs: " + join(info.available) +
         (info.fma ? "; FMA" : "; no FMA, every copy gives the same bits") + ")";
}

}  // namespace riskscale
