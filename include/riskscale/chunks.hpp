// riskscale: how a batch of rows is cut into chunks and spread over threads (a static round-robin).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace riskscale {

/// How a batch runs; any setting gives the same results.
struct batch_options {
  /// Worker threads; 0 means every hardware thread.
  unsigned threads = 0;
  /// Rows per unit of work handed to a thread; 0 splits the rows evenly over the threads.
  std::size_t chunk_rows = 0;
};

/// How a batch of rows is cut into chunks and spread over threads.
struct chunk_plan {
  unsigned threads = 1;        ///< workers; chunk c runs on worker c % threads
  std::size_t chunk_rows = 0;  ///< rows per chunk (the last may be shorter)
  std::size_t chunks = 0;      ///< number of chunks
};

/// The chunks and threads `options` asks for over `rows` rows (rows > 0). Threads 0 means every
/// hardware thread, but not for a handful of rows: starting a thread costs more than ~10^4 accounts.
[[nodiscard]] inline chunk_plan plan_chunks(std::size_t rows, const batch_options& options) noexcept {
  unsigned threads = options.threads;
  if (threads == 0) {
    constexpr std::size_t min_rows_per_thread = 16384;
    const std::size_t useful = std::max<std::size_t>(1, rows / min_rows_per_thread);
    threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), useful));
  }
  chunk_plan plan;
  plan.chunk_rows = options.chunk_rows != 0 ? options.chunk_rows : (rows + threads - 1) / threads;
  plan.chunks = (rows + plan.chunk_rows - 1) / plan.chunk_rows;
  plan.threads = static_cast<unsigned>(std::min<std::size_t>(threads, plan.chunks));
  return plan;
}

/// Calls `work(worker, begin, end)` for every chunk of `plan`, chunk c on worker c % threads (a
/// static round-robin: which thread runs a chunk never changes a result); worker 0 is the caller's thread.
template <class Work>
void run_chunks(const chunk_plan& plan, std::size_t rows, Work&& work) {
  const auto worker_loop = [&](unsigned worker) {
    for (std::size_t c = worker; c < plan.chunks; c += plan.threads) {
      const std::size_t begin = c * plan.chunk_rows;
      work(worker, begin, std::min(rows, begin + plan.chunk_rows));
    }
  };
  if (plan.threads <= 1) {
    worker_loop(0);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(plan.threads - 1);
  for (unsigned worker = 1; worker < plan.threads; ++worker) pool.emplace_back(worker_loop, worker);
  worker_loop(0);
  for (auto& thread : pool) thread.join();
}

}  // namespace riskscale
