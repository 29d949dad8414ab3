// riskscale._core: numpy columns borrowed as the metrics' column views, and a refused column turned into
// riskscale._core.InputError with its column and row, shared by the metrics and report bindings.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>

#include "riskscale/metrics.hpp"

namespace riskscale_python {

namespace py = pybind11;
namespace metrics = riskscale::metrics;

// A borrowed 1-D C-contiguous numpy column of T (None: not given); the Python layer converts first.
template <typename T>
inline metrics::column_view<T> view(const py::object& value, const char* name) {
  if (value.is_none()) return {};
  if (!py::isinstance<py::array_t<T, py::array::c_style>>(value) ||
      py::reinterpret_borrow<py::array>(value).ndim() != 1) {
    throw py::type_error(std::string("column '") + name + "': expected a 1-D C-contiguous numpy array of " +
                         std::string(py::str(py::dtype::of<T>())));
  }
  const auto array = py::reinterpret_borrow<py::array_t<T, py::array::c_style>>(value);
  return {array.data(), static_cast<std::size_t>(array.shape(0))};
}

// Raises riskscale._core.InputError for `e` with `.column`, `.row` (position, or None), `.detail` and, when
// given, `.source` (the input it came from), so the Python layer can name the row by its label.
[[noreturn]] inline void raise_input_error(const riskscale::input_error& e, const char* source = nullptr) {
  const py::object type = py::module_::import("riskscale._core").attr("InputError");
  const py::object exception = type(e.what());
  exception.attr("column") = e.field();
  exception.attr("row") = e.row() ? py::cast(*e.row()) : py::none();
  exception.attr("detail") = e.message();
  if (source != nullptr) exception.attr("source") = source;
  PyErr_SetObject(type.ptr(), exception.ptr());
  throw py::error_already_set();
}

// Runs `body`; a refused column leaves as riskscale._core.InputError (raise_input_error).
template <typename Body>
inline auto translating(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const metrics::column_error& e) {
    raise_input_error(e);
  }
}

}  // namespace riskscale_python
