// riskscale CLI: options every command that reads CSV records shares.
#pragma once

#include <cstddef>
#include <limits>

#include <CLI/CLI.hpp>

namespace riskscale::cli {

/// Records per chunk handed to a worker by the commands that stream accounts (classify, summary).
inline constexpr std::size_t account_rows_per_chunk = 2048;

/// `--max-record-bytes` on a command that reads CSV records.
inline void add_max_record_bytes(CLI::App* command, std::size_t& bytes) {
  command
      ->add_option("--max-record-bytes", bytes,
                   "Longest CSV record accepted; a longer one is rejected as record_too_large (default 64 MiB)")
      ->check(CLI::Range(std::size_t{1}, std::numeric_limits<std::size_t>::max() / 4));
}

}  // namespace riskscale::cli
