// riskscale._core internals: new numpy arrays for results, shared by the binding files.
#pragma once

#include <pybind11/numpy.h>

#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>

namespace riskscale_python {

/// A new, uninitialised C-ordered array of `rows` values, or of `rows` × `width` when width > 0.
template <typename T>
pybind11::array_t<T> new_column(std::size_t rows, std::size_t width = 0) {
  if (width == 0) return pybind11::array_t<T>(static_cast<pybind11::ssize_t>(rows));
  return pybind11::array_t<T>({static_cast<pybind11::ssize_t>(rows), static_cast<pybind11::ssize_t>(width)});
}

/// A float64, C-contiguous, 1-D numpy array, or an error naming the column: the Python layer
/// converts other inputs once, so this boundary never copies.
inline pybind11::array_t<double> borrow_column(const pybind11::handle& value, const std::string& name,
                                               std::size_t rows) {
  namespace py = pybind11;
  if (!py::isinstance<py::array>(value)) throw py::type_error("column '" + name + "': expected a numpy array");
  // Equivalent dtypes, not identical dtype objects: an unpickled float64 array has its own descriptor.
  if (!py::isinstance<py::array_t<double, py::array::c_style>>(value) ||
      py::reinterpret_borrow<py::array>(value).ndim() != 1) {
    throw py::type_error("column '" + name + "': expected a 1-D C-contiguous float64 array");
  }
  auto array = py::reinterpret_borrow<py::array>(value);
  if (static_cast<std::size_t>(array.shape(0)) != rows) {
    throw py::value_error("column '" + name + "' has " + std::to_string(array.shape(0)) +
                          " values; accepted: " + std::to_string(rows) + " (the other columns' length)");
  }
  return py::reinterpret_borrow<py::array_t<double>>(array);
}

}  // namespace riskscale_python
