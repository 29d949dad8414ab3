// riskscale._core: the C++ model for Python. It translates types only; every number comes from the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "csv/csv.hpp"
#include "numpy_columns.hpp"
#include "riskscale/riskscale.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::new_column;

// Reads only the inputs the policy uses (other keys, such as a DataFrame row's text
// columns, are ignored), looked up by name: the per-call cost stays a few lookups.
riskscale::account account_from(const py::dict& fields, const policy& pol) {
  riskscale::account a;
  PyObject* id = PyDict_GetItemString(fields.ptr(), "account_id");  // borrowed
  if (id != nullptr && id != Py_None) a.account_id = py::str(id);
  const auto read = [&](const std::string& name, bool optional) -> std::optional<double> {
    PyObject* value = PyDict_GetItemString(fields.ptr(), name.c_str());  // borrowed
    if (value == nullptr || value == Py_None) {
      if (optional) return std::nullopt;
      throw riskscale::input_error(name, std::nullopt, a.account_id,
                                   value == nullptr ? "missing: the policy needs " + name + "; accepted: a number"
                                                    : name + " is missing (None); accepted: a number");
    }
    const double number = PyFloat_AsDouble(value);  // floats, ints, numpy scalars
    if (number == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      throw riskscale::input_error(name, std::nullopt, a.account_id,
                                   name + " = " + std::string(py::repr(value)) + " is not a number; accepted: a number");
    }
    return number;
  };
  for (const auto& factor : pol.risk_factors()) {
    a.set_field(factor.name, *read(factor.name, false));
  }
  a.active_days = *read("active_days", false);
  a.users = *read("users", false);
  a.seats = read("seats", true);
  return a;
}

// An assessment as plain values for pickle (multiprocessing, Dask): the policy as its JSON, the
// catalogue and factor references as indices, every number as it is.
py::tuple assessment_state(const riskscale::assessment& a) {
  py::list recommendations, contributions;
  for (const auto& r : a.recommendations) recommendations.append(py::make_tuple(r.format_index, r.score));
  for (const auto& c : a.risk_contributions) contributions.append(py::make_tuple(std::string(c.factor), c.value, c.contribution));
  return py::make_tuple(a.policy.to_json(0), a.account_id, a.risk_score, a.scale_score, a.frequency_score,
                        a.reach_score, static_cast<int>(a.archetype), a.margin, a.borderline,
                        py::make_tuple(a.membership[0], a.membership[1], a.membership[2], a.membership[3]),
                        recommendations, contributions, static_cast<int>(a.binding_scale_component),
                        a.users_for_high_scale, a.active_days_for_high_scale);
}

riskscale::assessment assessment_from_state(const py::tuple& state) {
  if (state.size() != 15) throw std::runtime_error("riskscale.Assessment: unpickling data of another layout");
  riskscale::assessment a;
  a.policy = policy::from_json(state[0].cast<std::string>());
  a.account_id = state[1].cast<std::string>();
  a.risk_score = state[2].cast<double>();
  a.scale_score = state[3].cast<double>();
  a.frequency_score = state[4].cast<double>();
  a.reach_score = state[5].cast<double>();
  a.archetype = static_cast<riskscale::archetype>(state[6].cast<int>());
  a.margin = state[7].cast<double>();
  a.borderline = state[8].cast<bool>();
  const auto membership = state[9].cast<py::tuple>();
  for (std::size_t k = 0; k < a.membership.size(); ++k) a.membership[k] = membership[k].cast<double>();
  for (const auto& item : state[10].cast<py::list>()) {
    const auto pair = item.cast<py::tuple>();
    riskscale::recommendation r;
    r.format_index = pair[0].cast<std::size_t>();
    r.id = a.policy.catalog().at(r.format_index).id;  // a view into the policy this assessment holds
    r.score = pair[1].cast<double>();
    a.recommendations.push_back(r);
  }
  for (const auto& item : state[11].cast<py::list>()) {
    const auto triple = item.cast<py::tuple>();
    const std::string name = triple[0].cast<std::string>();
    riskscale::risk_contribution c;
    for (const auto& factor : a.policy.risk_factors()) {
      if (factor.name == name) c.factor = factor.name;
    }
    c.value = triple[1].cast<double>();
    c.contribution = triple[2].cast<double>();
    a.risk_contributions.push_back(c);
  }
  a.binding_scale_component = static_cast<riskscale::scale_component>(state[12].cast<int>());
  a.users_for_high_scale = state[13].cast<std::optional<double>>();
  a.active_days_for_high_scale = state[14].cast<std::optional<double>>();
  return a;
}

// SPEC §5 ranking of given membership columns (a classified table's p_* columns).
py::tuple rank_memberships(const py::array_t<double, py::array::c_style | py::array::forcecast>& p0,
                           const py::array_t<double, py::array::c_style | py::array::forcecast>& p1,
                           const py::array_t<double, py::array::c_style | py::array::forcecast>& p2,
                           const py::array_t<double, py::array::c_style | py::array::forcecast>& p3, const policy& pol) {
  const auto rows = static_cast<std::size_t>(p0.shape(0));
  const std::size_t width = std::max<std::size_t>(pol.recommendation_width(), 1);
  auto indices = new_column<std::int16_t>(rows, width);
  auto scores = new_column<double>(rows, width);
  auto counts = new_column<std::int64_t>(rows);
  std::int16_t* index = indices.mutable_data();
  double* score = scores.mutable_data();
  for (std::size_t row = 0; row < rows; ++row) {
    const std::array<double, riskscale::archetype_count> membership = {p0.data()[row], p1.data()[row], p2.data()[row],
                                                                       p3.data()[row]};
    std::size_t count = 0;
    if (!std::isnan(membership[0] + membership[1] + membership[2] + membership[3])) {
      count = riskscale::detail::rank_formats(pol, membership, index + row * width, score + row * width);
    }
    for (std::size_t j = count; j < width; ++j) {
      index[row * width + j] = -1;
      score[row * width + j] = std::nan("");
    }
    counts.mutable_data()[row] = static_cast<std::int64_t>(count);
  }
  return py::make_tuple(indices, scores, counts);
}

py::dict summarize(const py::list& account_ids, const py::array_t<std::int8_t, py::array::c_style>& archetype,
                   const py::array_t<double, py::array::c_style>& margin,
                   const py::array_t<bool, py::array::c_style>& borderline,
                   const py::array_t<double, py::array::c_style>& risk, const py::array_t<double, py::array::c_style>& scale,
                   const py::array_t<double, py::array::c_style>& frequency,
                   const py::array_t<double, py::array::c_style>& reach,
                   const py::array_t<std::int16_t, py::array::c_style>& ranked,
                   const py::array_t<std::int16_t, py::array::c_style>& counts, const policy& pol, std::size_t watch) {
  riskscale::portfolio_summary total(pol, watch);
  std::vector<riskscale::portfolio_summary> per_type(riskscale::archetype_count, riskscale::portfolio_summary(pol, 0));
  const auto rows = static_cast<std::size_t>(archetype.shape(0));
  const auto width = static_cast<std::size_t>(ranked.ndim() == 2 ? ranked.shape(1) : 0);
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int8_t code = archetype.data()[row];
    if (code < 0) {
      total.add_invalid();
      continue;
    }
    const auto type = static_cast<riskscale::archetype>(code);
    const std::int16_t* recs = ranked.data() + row * width;
    const auto n = static_cast<std::size_t>(counts.data()[row]);
    const std::string id = py::str(account_ids[row]);
    total.add(id, type, margin.data()[row], borderline.data()[row], risk.data()[row], scale.data()[row],
              frequency.data()[row], reach.data()[row], recs, n, row);
    per_type[static_cast<std::size_t>(code)].add(id, type, margin.data()[row], borderline.data()[row],
                                                 risk.data()[row], scale.data()[row], frequency.data()[row],
                                                 reach.data()[row], recs, n, row);
  }
  // Counts and sums, not means: partial summaries (Dask partitions) add up exactly.
  const auto totals = [](const riskscale::portfolio_summary& s) {
    return py::dict("accounts"_a = s.accounts(), "borderline"_a = s.borderline(),
                    "sum_risk_score"_a = s.sum_risk_score(), "sum_scale_score"_a = s.sum_scale_score(),
                    "sum_frequency_score"_a = s.sum_frequency_score(), "sum_reach_score"_a = s.sum_reach_score());
  };
  py::dict archetypes;
  for (auto type : riskscale::all_archetypes) {
    archetypes[py::str(std::string(riskscale::to_string(type)))] = totals(per_type[static_cast<std::size_t>(type)]);
  }
  py::list formats;
  for (std::size_t k : total.top_formats()) {
    formats.append(py::dict("index"_a = k, "format"_a = pol.catalog()[k].id, "accounts"_a = total.format_counts()[k],
                            "first_choice"_a = total.first_choice_counts()[k]));
  }
  py::list closest;
  for (const auto& entry : total.closest_to_threshold()) {
    closest.append(py::dict("account_id"_a = entry.account_id,
                            "archetype"_a = std::string(riskscale::to_string(entry.archetype)),
                            "margin"_a = entry.margin, "order"_a = entry.order));
  }
  return py::dict("total"_a = totals(total), "rejected"_a = total.invalid(), "archetypes"_a = archetypes,
                  "formats"_a = formats, "closest"_a = closest);
}

}  // namespace

// Defined in classify_bindings.cpp.
void bind_classify(py::module_& m);

// Defined in plan_bindings.cpp.
void bind_plans(py::module_& m);

// Defined in metrics_bindings.cpp.
void bind_metrics(py::module_& m);
// Defined in drift_bindings.cpp.
void bind_drift(py::module_& m);
// Defined in calibrate_bindings.cpp.
void bind_calibrate(py::module_& m);

// Defined in usage_bindings.cpp.
void bind_usage(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "riskscale's compiled core (private): use the riskscale package instead.";
  m.attr("__version__") = riskscale::version;
  m.attr("SPEC_VERSION") = riskscale::spec_version;
  m.def(
      "build_info",
      [] {
        const riskscale::build_info info = riskscale::current_build_info();
        return py::dict(py::arg("version") = info.version, py::arg("spec_version") = info.spec_version,
                        py::arg("compiler") = info.compiler, py::arg("kernel") = info.kernel,
                        py::arg("kernels_compiled") = info.compiled, py::arg("kernels_available") = info.available,
                        py::arg("fma") = info.fma, py::arg("description") = riskscale::describe_kernel(info));
      },
      "The build and the kernel copy this CPU runs, as a dict (riskscale/build_info.hpp).");

  // The C++ hierarchy, rooted in ValueError as pandas users expect: `except RiskscaleError` catches
  // both kinds. Translators run last-registered first, so the most derived type is tried first.
  const auto& base_error = py::register_exception<riskscale::error>(m, "RiskscaleError", PyExc_ValueError);
  py::register_exception<riskscale::policy_error>(m, "PolicyError", base_error.ptr());
  py::register_exception<riskscale::input_error>(m, "InputError", base_error.ptr());

  py::list archetypes;
  for (auto type : riskscale::all_archetypes) {
    archetypes.append(py::make_tuple(std::string(riskscale::to_string(type)), std::string(riskscale::display_name(type)),
                                     std::string(riskscale::description(type))));
  }
  m.attr("ARCHETYPES") = archetypes;

  py::class_<policy>(m, "Policy")
      .def(py::init<>())
      .def_static("from_json", [](const std::string& text) { return policy::from_json(text); })
      .def_static("from_file", &policy::from_file)
      .def("to_json", &policy::to_json, "indent"_a = 2)
      .def_property_readonly("input_fields", &policy::input_fields)
      .def_property_readonly("has_inputs", [](const policy& p) { return !p.settings().inputs.empty(); })
      .def_property_readonly("account_id_column", &riskscale::account_id_column)
      .def_property_readonly("recommendation_width", &policy::recommendation_width)
      .def_property_readonly("catalog_ids", [](const policy& p) {
        std::vector<std::string> ids;
        for (const auto& format : p.catalog()) ids.push_back(format.id);
        return ids;
      })
      .def("__eq__", [](const policy& a, const policy& b) { return a == b; })
      .def(py::pickle([](const policy& p) { return p.to_json(0); },
                      [](const std::string& text) { return policy::from_json(text); }));

  py::class_<riskscale::assessment>(m, "Assessment")
      .def_readonly("account_id", &riskscale::assessment::account_id)
      .def_readonly("risk_score", &riskscale::assessment::risk_score)
      .def_readonly("scale_score", &riskscale::assessment::scale_score)
      .def_readonly("frequency_score", &riskscale::assessment::frequency_score)
      .def_readonly("reach_score", &riskscale::assessment::reach_score)
      .def_property_readonly("archetype", [](const riskscale::assessment& a) { return std::string(riskscale::to_string(a.archetype)); })
      .def_readonly("margin", &riskscale::assessment::margin)
      .def_readonly("borderline", &riskscale::assessment::borderline)
      .def_property_readonly("high_risk", &riskscale::assessment::high_risk)
      .def_property_readonly("high_scale", &riskscale::assessment::high_scale)
      .def_property_readonly("membership", [](const riskscale::assessment& a) {
        py::dict out;
        for (auto type : riskscale::all_archetypes) out[py::str(std::string(riskscale::to_string(type)))] = a.membership_of(type);
        return out;
      })
      .def_property_readonly("recommendation_tuples", [](const riskscale::assessment& a) {
        py::list out;
        for (const auto& r : a.recommendations) {
          const auto& format = a.format(r);
          out.append(py::make_tuple(format.id, format.name, format.description, r.score));
        }
        return out;
      })
      .def_property_readonly("risk_contributions", [](const riskscale::assessment& a) {
        py::dict out;
        for (const auto& c : a.risk_contributions) out[py::str(std::string(c.factor))] = c.contribution;
        return out;
      })
      .def_property_readonly("binding_scale_component",
                             [](const riskscale::assessment& a) { return std::string(riskscale::to_string(a.binding_scale_component)); })
      .def_readonly("users_for_high_scale", &riskscale::assessment::users_for_high_scale)
      .def_readonly("active_days_for_high_scale", &riskscale::assessment::active_days_for_high_scale)
      .def_readonly("policy", &riskscale::assessment::policy)
      .def("explain", [](const riskscale::assessment& a) { return riskscale::describe(a); })
      .def(py::pickle(&assessment_state, &assessment_from_state))
      .def("__eq__", [](const riskscale::assessment& a, const riskscale::assessment& b) {
        return assessment_state(a).equal(assessment_state(b));
      });

  m.def("assess", [](const py::dict& fields, const policy& pol) { return riskscale::assess(account_from(fields, pol), pol); },
        "fields"_a, "policy"_a);
  bind_classify(m);
  m.def("summarize", &summarize);
  m.def("rank_memberships", &rank_memberships);
  m.def("describe_invalid", [](const policy& pol, std::size_t field, double value, std::uint8_t status) {
    const auto fields = pol.input_fields();
    return riskscale::describe_invalid(fields.at(field), value, riskscale::detail::input_field_range(pol, field),
                                       static_cast<riskscale::row_status>(status));
  });
  // Text cells read as the CLI reads CSV cells (csv::parse_double): "1e309" is infinite in both.
  m.def("parse_numbers", [](const py::array& values) {
    const py::array objects = py::array::ensure(values);
    const auto rows = static_cast<std::size_t>(objects.size());
    auto out = new_column<double>(rows);
    double* numbers = out.mutable_data();
    std::vector<std::size_t> not_numbers;
    const py::object math_isnan = py::module_::import("math").attr("isnan");
    py::object flat = objects.attr("ravel")();
    for (std::size_t row = 0; row < rows; ++row) {
      const py::object cell = flat[py::int_(row)];
      numbers[row] = std::numeric_limits<double>::quiet_NaN();
      if (cell.is_none()) continue;
      if (py::isinstance<py::str>(cell)) {
        const std::string text = cell.cast<std::string>();
        if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank: missing, as an empty CSV cell
        double number = 0.0;
        if (riskscale::csv::parse_double(text, number)) numbers[row] = number;
        else not_numbers.push_back(row);
        continue;
      }
      PyObject* raw = cell.ptr();
      if (PyBool_Check(raw) || !(PyFloat_Check(raw) || PyLong_Check(raw) || PyNumber_Check(raw))) {
        if (!py::hasattr(cell, "__float__") || PyBool_Check(raw)) {
          // pandas.NA and NaT are missing; anything else (a bool, a list) is no number.
          const std::string type_name = py::str(py::type::of(cell).attr("__name__"));
          if (type_name != "NAType" && type_name != "NaTType") not_numbers.push_back(row);
          continue;
        }
      }
      const double number = PyFloat_AsDouble(raw);
      if (number == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        not_numbers.push_back(row);
        continue;
      }
      numbers[row] = number;
    }
    return py::make_tuple(out, not_numbers);
  }, "values"_a);
  bind_plans(m);
  m.def("status_name", [](std::uint8_t status) { return std::string(riskscale::to_string(static_cast<riskscale::row_status>(status))); });
  bind_metrics(m);
  bind_usage(m);
  bind_drift(m);
  bind_calibrate(m);
}
