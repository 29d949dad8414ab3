// riskscale Python bindings: the (columns, rows) float64 block a classify result lives in, allocated
// so that its memory is written once, by the classifying threads.
//
// A fresh block of memory is zeroed by the OS page by page when first touched. numpy's own
// allocation (malloc, with numpy's MADV_HUGEPAGE hint) leaves that first touch to whichever worker
// writes a page first; the workers take 4,096-row chunks in turn, so both threads reach the same
// 2 MB page at once and one waits while the other's fault zeroes it. Here the block is 2 MB
// aligned, asks for transparent huge pages where the OS offers them (Linux `madvise`), and each
// worker first touches one contiguous share of its pages (one store per 4 KB page, a zero the
// kernel overwrites), so the OS zeroes the pages in parallel without the two threads meeting;
// nothing else writes the block before the kernel does. Measured in bench/README.md.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "riskscale/batch.hpp"

namespace riskscale_python {

/// A new, uninitialised C-ordered float64 array of shape (columns, rows) whose pages `threads`
/// workers have first touched (0: as many as classify_into would use for `rows`); owned by the array.
inline pybind11::array_t<double> allocate_float_block(std::size_t columns, std::size_t rows, unsigned threads) {
  constexpr std::size_t huge_page = std::size_t{2} << 20;
  constexpr std::size_t small_page = 4096;
  const std::size_t bytes = columns * rows * sizeof(double);
  const auto shape_columns = static_cast<pybind11::ssize_t>(columns);
  const auto shape_rows = static_cast<pybind11::ssize_t>(rows);
  if (bytes == 0) return pybind11::array_t<double>({shape_columns, shape_rows});  // nothing to allocate
  const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
  void* memory = std::aligned_alloc(huge_page, rounded);
  if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  (void)madvise(memory, rounded, MADV_HUGEPAGE);  // a hint: refused where THP is off
#endif
  pybind11::capsule owner(memory, [](void* block) { std::free(block); });
  {
    const riskscale::chunk_plan workers = riskscale::plan_chunks(rows, {threads, 0});
    const std::size_t pages = (rounded + small_page - 1) / small_page;
    riskscale::chunk_plan by_pages;
    by_pages.threads = workers.threads;
    by_pages.chunk_rows = (pages + workers.threads - 1) / workers.threads;
    by_pages.chunks = (pages + by_pages.chunk_rows - 1) / by_pages.chunk_rows;
    by_pages.threads = static_cast<unsigned>(std::min<std::size_t>(by_pages.threads, by_pages.chunks));
    auto* first = static_cast<unsigned char*>(memory);
    pybind11::gil_scoped_release release;
    riskscale::run_chunks(by_pages, pages, [&](unsigned, std::size_t begin, std::size_t end) {
      for (std::size_t page = begin; page < end; ++page) first[page * small_page] = 0;
    });
  }
  return pybind11::array_t<double>({shape_columns, shape_rows}, static_cast<double*>(memory), owner);
}

}  // namespace riskscale_python
