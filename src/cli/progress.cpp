#include "cli/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace riskscale::cli {

progress::progress(std::size_t total_bytes)
    : enabled_(::isatty(STDERR_FILENO) == 1),
      total_bytes_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void progress::update(std::size_t rows, std::size_t bytes) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < 1.0 || now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double rate = static_cast<double>(rows) / elapsed;
  char line[160];
  if (total_bytes_ > 0) {
    const double fraction = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_bytes_));
    const int filled = static_cast<int>(fraction * 30);
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
    std::snprintf(line, sizeof line, "\r[%.*s%*s] %3.0f%%  %zu rows  %.2fM rows/s  ETA %.0fs ", filled,
                  "==============================", 30 - filled, "", fraction * 100.0, rows, rate / 1e6, eta);
  } else {
    std::snprintf(line, sizeof line, "\r%zu rows  %.2fM rows/s ", rows, rate / 1e6);
  }
  std::fputs(line, stderr);
  drawn_ = true;
}

void progress::finish() {
  if (drawn_) std::fputs("\r\033[K", stderr);
  drawn_ = false;
}

}  // namespace riskscale::cli
