// riskscale._core internals: new numpy arrays for results, shared by the binding files.
#pragma once

#include <pybind11/numpy.h>

#include <cstddef>

namespace riskscale_python {

/// A new, uninitialised C-ordered array of `rows` values, or of `rows` × `width` when width > 0.
template <typename T>
pybind11::array_t<T> new_column(std::size_t rows, std::size_t width = 0) {
  if (width == 0) return pybind11::array_t<T>(static_cast<pybind11::ssize_t>(rows));
  return pybind11::array_t<T>({static_cast<pybind11::ssize_t>(rows), static_cast<pybind11::ssize_t>(width)});
}

}  // namespace riskscale_python
