// riskscale CLI: a progress line on stderr for long runs on a terminal, silent otherwise.
#pragma once

#include <chrono>
#include <cstddef>

namespace riskscale::cli {

/// Shows rows, rows/s, percent and ETA once a run has lasted a second; only when stderr is a TTY.
class progress {
 public:
  /// `total_bytes` is the input size, 0 when unknown (stdin).
  explicit progress(std::size_t total_bytes);
  /// Reports that `rows` rows and `bytes` input bytes are done; redraws at most 5 times a second.
  void update(std::size_t rows, std::size_t bytes);
  /// Clears the line.
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::size_t total_bytes_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace riskscale::cli
