// riskscale._core: numpy columns borrowed as the metrics' column views, and a refused column turned into
// riskscale._core.InputError with its column and row, shared by the metrics and report bindings.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

// The metrics' inputs from numpy columns (None: not given), built alike for the metrics and the report.

inline metrics::adoption_input adoption_input_of(const py::object& seats, const py::object& trained,
                                                 const py::object& active, const py::object& archetype,
                                                 const py::object& trained_inactive = py::none(),
                                                 const py::object& active_untrained = py::none()) {
  metrics::adoption_input in;
  in.seats = view<double>(seats, "seats");
  in.trained = view<double>(trained, "trained");
  in.active = view<double>(active, "active");
  in.archetype = view<std::int8_t>(archetype, "archetype");
  in.trained_inactive = view<double>(trained_inactive, "trained_inactive");
  in.active_untrained = view<double>(active_untrained, "active_untrained");
  return in;
}

// `stages` holds one count column per stage name, in funnel order; a refused one is named by its stage.
template <typename Columns>
inline metrics::funnel_input funnel_input_of(const std::vector<std::string>& stage_names, const Columns& stages,
                                             const py::object& archetype) {
  metrics::funnel_input in;
  in.stage_names = stage_names;
  for (std::size_t s = 0; s < static_cast<std::size_t>(stages.size()); ++s) {
    const std::string name = s < stage_names.size() ? stage_names[s] : "stage " + std::to_string(s);
    in.stages.push_back(view<double>(stages[s], name.c_str()));
  }
  in.archetype = view<std::int8_t>(archetype, "archetype");
  return in;
}

inline metrics::program_input program_input_of(const py::object& completed, const py::object& course,
                                               std::size_t course_count, const py::object& assessment_passed,
                                               const py::object& days_to_completion, const py::object& archetype) {
  metrics::program_input in;
  in.completed = view<double>(completed, "completed");
  in.course = view<std::int32_t>(course, "course");
  in.course_count = course_count;
  in.assessment_passed = view<double>(assessment_passed, "assessment_passed");
  in.days_to_completion = view<double>(days_to_completion, "days_to_completion");
  in.archetype = view<std::int8_t>(archetype, "archetype");
  return in;
}

inline metrics::impact_input impact_input_of(const py::object& completed, const py::object& outcome,
                                             const py::object& archetype) {
  metrics::impact_input in;
  in.completed = view<double>(completed, "completed");
  in.outcome = view<double>(outcome, "outcome");
  in.archetype = view<std::int8_t>(archetype, "archetype");
  return in;
}

inline metrics::interaction_input interaction_input_of(const py::object& interactions, const py::object& posts,
                                                       const py::object& followers, const py::object& archetype) {
  metrics::interaction_input in;
  in.interactions = view<double>(interactions, "interactions");
  in.posts = view<double>(posts, "posts");
  in.followers = view<double>(followers, "followers");
  in.archetype = view<std::int8_t>(archetype, "archetype");
  return in;
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
