// riskscale._core: the C++ model for Python. It translates types only; every number comes from the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

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
      throw riskscale::input_error(
          name, std::nullopt, a.account_id,
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
  for (const auto& c : a.risk_contributions)
    contributions.append(py::make_tuple(std::string(c.factor), c.value, c.contribution));
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
                           const py::array_t<double, py::array::c_style | py::array::forcecast>& p3,
                           const policy& pol) {
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
      count = riskscale::rank_formats(pol, membership, index + row * width, score + row * width);
    }
    for (std::size_t j = count; j < width; ++j) {
      index[row * width + j] = -1;
      score[row * width + j] = std::nan("");
    }
    counts.mutable_data()[row] = static_cast<std::int64_t>(count);
  }
  return py::make_tuple(indices, scores, counts);
}

// The summary of a classified table, in total and per archetype, accumulated and merged by the core
// (riskscale.summary, and riskscale.dask.summary across partitions).
struct python_summary {
  policy pol;
  riskscale::portfolio_summary total;
  std::vector<riskscale::portfolio_summary> per_type;
  python_summary(const policy& p, std::size_t watch)
      : pol(p), total(p, watch), per_type(riskscale::archetype_count, riskscale::portfolio_summary(p, 0)) {}
};

// Rows of one table (or one partition, `part`: its rows order after those of earlier parts).
void summary_add_rows(
    python_summary& s, const py::list& account_ids, const py::array_t<std::int8_t, py::array::c_style>& archetype,
    const py::array_t<double, py::array::c_style>& margin, const py::array_t<bool, py::array::c_style>& borderline,
    const py::array_t<double, py::array::c_style>& risk, const py::array_t<double, py::array::c_style>& scale,
    const py::array_t<double, py::array::c_style>& frequency, const py::array_t<double, py::array::c_style>& reach,
    const py::array_t<std::int16_t, py::array::c_style>& ranked,
    const py::array_t<std::int16_t, py::array::c_style>& counts, std::size_t part) {
  const auto rows = static_cast<std::size_t>(archetype.shape(0));
  const auto width = static_cast<std::size_t>(ranked.ndim() == 2 ? ranked.shape(1) : 0);
  constexpr std::size_t rows_per_part = std::size_t{1} << 40;  // input order across partitions
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int8_t code = archetype.data()[row];
    if (code < 0) {
      s.total.add_invalid();
      continue;
    }
    const auto type = static_cast<riskscale::archetype>(code);
    const std::int16_t* recs = ranked.data() + row * width;
    const auto n = static_cast<std::size_t>(counts.data()[row]);
    const std::string id = py::str(account_ids[row]);
    const std::size_t order = part * rows_per_part + row;
    for (riskscale::portfolio_summary* target : {&s.total, &s.per_type[static_cast<std::size_t>(code)]}) {
      target->add(id, type, margin.data()[row], borderline.data()[row], risk.data()[row], scale.data()[row],
                  frequency.data()[row], reach.data()[row], recs, n, order);
    }
  }
}

// The summary as the tables riskscale.summary shows: counts, shares and means are the core's.
py::dict summary_tables(const python_summary& s) {
  const auto row = [](const riskscale::portfolio_summary& one, double share) {
    const bool empty = one.accounts() == 0;  // no mean of no accounts: NaN in pandas
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return py::dict("accounts"_a = one.accounts(), "share"_a = share, "borderline"_a = one.borderline(),
                    "mean_risk_score"_a = empty ? nan : one.mean_risk_score(),
                    "mean_scale_score"_a = empty ? nan : one.mean_scale_score(),
                    "mean_frequency_score"_a = empty ? nan : one.mean_frequency_score(),
                    "mean_reach_score"_a = empty ? nan : one.mean_reach_score());
  };
  py::dict archetypes;
  for (auto type : riskscale::all_archetypes) {
    archetypes[py::str(std::string(riskscale::to_string(type)))] =
        row(s.per_type[static_cast<std::size_t>(type)], s.total.share(type));
  }
  archetypes["all"] = row(s.total, s.total.accounts() == 0 ? 0.0 : 1.0);
  py::list formats;
  for (std::size_t k : s.total.top_formats()) {
    formats.append(py::make_tuple(s.pol.catalog()[k].id, s.total.format_counts()[k], s.total.format_share(k),
                                  s.total.first_choice_counts()[k]));
  }
  py::list closest;
  for (const auto& entry : s.total.closest_to_threshold()) {
    closest.append(py::make_tuple(entry.account_id, std::string(riskscale::to_string(entry.archetype)), entry.margin));
  }
  return py::dict("rows"_a = archetypes, "formats"_a = formats, "closest"_a = closest,
                  "rejected"_a = s.total.invalid());
}

py::tuple summary_state_tuple(const riskscale::portfolio_summary& one) {
  const riskscale::summary_state st = one.state();
  py::list watch;
  for (const auto& e : st.watch) {
    watch.append(py::make_tuple(e.account_id, static_cast<int>(e.archetype), e.margin, e.order));
  }
  return py::make_tuple(
      st.accounts, st.invalid, st.borderline,
      std::vector<std::size_t>(st.per_archetype.begin(), st.per_archetype.end()),
      std::vector<std::size_t>(st.borderline_per_archetype.begin(), st.borderline_per_archetype.end()), st.sum_risk,
      st.sum_scale, st.sum_frequency, st.sum_reach, st.format_count, st.first_choice_count, st.watch_size, watch);
}

riskscale::portfolio_summary summary_from_tuple(const policy& pol, const py::tuple& t) {
  riskscale::summary_state st;
  st.accounts = t[0].cast<std::size_t>();
  st.invalid = t[1].cast<std::size_t>();
  st.borderline = t[2].cast<std::size_t>();
  const auto per = t[3].cast<std::vector<std::size_t>>();
  if (per.size() != riskscale::archetype_count) throw py::value_error("summary state: four archetype counts expected");
  std::copy(per.begin(), per.end(), st.per_archetype.begin());
  const auto borderline = t[4].cast<std::vector<std::size_t>>();
  if (borderline.size() != riskscale::archetype_count) {
    throw py::value_error("summary state: four archetype borderline counts expected");
  }
  std::copy(borderline.begin(), borderline.end(), st.borderline_per_archetype.begin());
  st.sum_risk = t[5].cast<double>();
  st.sum_scale = t[6].cast<double>();
  st.sum_frequency = t[7].cast<double>();
  st.sum_reach = t[8].cast<double>();
  st.format_count = t[9].cast<std::vector<std::size_t>>();
  st.first_choice_count = t[10].cast<std::vector<std::size_t>>();
  st.watch_size = t[11].cast<std::size_t>();
  for (const auto& item : t[12].cast<py::list>()) {
    const auto e = item.cast<py::tuple>();
    st.watch.push_back({e[0].cast<std::string>(), static_cast<riskscale::archetype>(e[1].cast<int>()),
                        e[2].cast<double>(), e[3].cast<std::size_t>()});
  }
  return riskscale::portfolio_summary(pol, std::move(st));
}

void bind_summary(py::module_& m) {
  py::class_<python_summary>(m, "Summary")
      .def(py::init<const policy&, std::size_t>(), "policy"_a, "watch"_a)
      .def("add_rows", &summary_add_rows, "account_ids"_a, "archetype"_a, "margin"_a, "borderline"_a, "risk"_a,
           "scale"_a, "frequency"_a, "reach"_a, "ranked"_a, "counts"_a, "part"_a = 0)
      .def(
          "merge",
          [](python_summary& s, const python_summary& other) {
            s.total.merge(other.total);
            for (std::size_t a = 0; a < riskscale::archetype_count; ++a) s.per_type[a].merge(other.per_type[a]);
          },
          "other"_a)
      .def("tables", &summary_tables)
      .def(py::pickle(
          [](const python_summary& s) {
            py::list parts;
            parts.append(summary_state_tuple(s.total));
            for (const auto& one : s.per_type) parts.append(summary_state_tuple(one));
            return py::make_tuple(s.pol.to_json(0), parts);
          },
          [](const py::tuple& state) {
            const policy pol = policy::from_json(state[0].cast<std::string>());
            const auto parts = state[1].cast<py::list>();
            python_summary s(pol, 0);
            s.total = summary_from_tuple(pol, parts[0].cast<py::tuple>());
            for (std::size_t a = 0; a < riskscale::archetype_count; ++a) {
              s.per_type[a] = summary_from_tuple(pol, parts[a + 1].cast<py::tuple>());
            }
            return s;
          }));
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
// Defined in report_bindings.cpp.
void bind_report(py::module_& m);

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
    archetypes.append(py::make_tuple(std::string(riskscale::to_string(type)),
                                     std::string(riskscale::display_name(type)),
                                     std::string(riskscale::description(type))));
  }
  m.attr("ARCHETYPES") = archetypes;

  py::class_<policy>(m, "Policy")
      .def(py::init<>())
      .def_static("from_json", [](const std::string& text) { return policy::from_json(text); })
      .def_static("from_file", &policy::from_file<>)
      .def("to_json", &policy::to_json<>, "indent"_a = 2)
      .def_property_readonly("input_fields", &policy::input_fields)
      .def_property_readonly("has_inputs", [](const policy& p) { return !p.settings().inputs.empty(); })
      .def_property_readonly("account_id_column", &riskscale::account_id_column)
      .def_property_readonly("recommendation_width", &policy::recommendation_width)
      .def_property_readonly("catalog_ids",
                             [](const policy& p) {
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
      .def_property_readonly(
          "archetype", [](const riskscale::assessment& a) { return std::string(riskscale::to_string(a.archetype)); })
      .def_readonly("margin", &riskscale::assessment::margin)
      .def_readonly("borderline", &riskscale::assessment::borderline)
      .def_property_readonly("high_risk", &riskscale::assessment::high_risk)
      .def_property_readonly("high_scale", &riskscale::assessment::high_scale)
      .def_property_readonly("membership",
                             [](const riskscale::assessment& a) {
                               py::dict out;
                               for (auto type : riskscale::all_archetypes)
                                 out[py::str(std::string(riskscale::to_string(type)))] = a.membership_of(type);
                               return out;
                             })
      .def_property_readonly("recommendation_tuples",
                             [](const riskscale::assessment& a) {
                               py::list out;
                               for (const auto& r : a.recommendations) {
                                 const auto& format = a.format(r);
                                 out.append(py::make_tuple(format.id, format.name, format.description, r.score));
                               }
                               return out;
                             })
      .def_property_readonly("risk_contributions",
                             [](const riskscale::assessment& a) {
                               py::dict out;
                               for (const auto& c : a.risk_contributions)
                                 out[py::str(std::string(c.factor))] = c.contribution;
                               return out;
                             })
      .def_property_readonly(
          "binding_scale_component",
          [](const riskscale::assessment& a) { return std::string(riskscale::to_string(a.binding_scale_component)); })
      .def_readonly("users_for_high_scale", &riskscale::assessment::users_for_high_scale)
      .def_readonly("active_days_for_high_scale", &riskscale::assessment::active_days_for_high_scale)
      .def_readonly("policy", &riskscale::assessment::policy)
      .def("explain", [](const riskscale::assessment& a) { return riskscale::describe(a); })
      .def(py::pickle(&assessment_state, &assessment_from_state))
      .def("__eq__", [](const riskscale::assessment& a, const riskscale::assessment& b) {
        return assessment_state(a).equal(assessment_state(b));
      });

  m.def(
      "assess",
      [](const py::dict& fields, const policy& pol) { return riskscale::assess(account_from(fields, pol), pol); },
      "fields"_a, "policy"_a);
  bind_classify(m);
  bind_summary(m);
  m.def("rank_memberships", &rank_memberships);
  // A refused row as data (the core's refusal and sentence), for InputError's attributes and message.
  m.def(
      "row_refusal",
      [](const policy& pol, std::size_t field, double value, std::uint8_t status, std::optional<std::string> text) {
        const std::vector<riskscale::input_descriptor> schema = riskscale::input_schema(pol);
        const riskscale::input_descriptor& input = schema.at(field);
        const auto reason = static_cast<riskscale::row_status>(status);
        std::optional<std::string_view> cell;
        if (text) cell = *text;
        const riskscale::refusal why = riskscale::refusal_of(input, value, reason, cell);
        return py::dict("field"_a = input.name, "reason"_a = why.reason, "value"_a = why.value, "lower"_a = why.lower,
                        "upper"_a = why.upper, "message"_a = riskscale::describe_refusal(input, value, reason, cell));
      },
      "policy"_a, "field"_a, "value"_a, "status"_a, "text"_a = py::none());
  // The inputs the policy reads (SPEC §2), one dict each, in policy.input_fields() order.
  m.def(
      "input_schema",
      [](const policy& pol) {
        py::list out;
        for (const auto& input : riskscale::input_schema(pol)) {
          out.append(py::dict("name"_a = input.name, "lower"_a = input.range.lower, "upper"_a = input.range.upper,
                              "optional"_a = input.optional,
                              "empty_is_absent"_a = input.empty == riskscale::empty_cell::absent));
        }
        return out;
      },
      "policy"_a);
  // Archetype cells (distinct texts) read by the core's rule: SPEC §1 index, -1 for empty, None for no archetype.
  m.def(
      "archetype_codes",
      [](const std::vector<std::string>& texts) {
        py::list out;
        for (const std::string& text : texts) {
          const std::optional<std::int8_t> code = riskscale::parse_archetype_cell(text);
          out.append(code ? py::object(py::int_(*code)) : py::object(py::none()));
        }
        return out;
      },
      "texts"_a);
  m.attr("ARCHETYPE_CELL_TEXTS") = std::string(riskscale::archetype_cell_texts);
  // Recommendation cells (distinct texts) split by the core's rule: ids in order, empty entries dropped.
  m.def(
      "split_lists",
      [](const std::vector<std::string>& texts) {
        py::list out;
        for (const std::string& text : texts) {
          py::list items;
          for (const std::string_view item : riskscale::split_list(text))
            items.append(py::str(item.data(), item.size()));
          out.append(std::move(items));
        }
        return out;
      },
      "texts"_a);
  // Flag cells read by the core's rule: 1.0/0.0, NaN for an empty cell, and the rows that are no flag.
  m.def(
      "parse_flags",
      [](const py::array& values) {
        const py::array objects = py::array::ensure(values);
        const auto rows = static_cast<std::size_t>(objects.size());
        auto out = new_column<double>(rows);
        double* flags = out.mutable_data();
        std::vector<std::size_t> not_flags;
        py::object flat = objects.attr("ravel")();
        for (std::size_t row = 0; row < rows; ++row) {
          const py::object cell = flat[py::int_(row)];
          flags[row] = std::numeric_limits<double>::quiet_NaN();
          if (cell.is_none()) continue;
          if (PyFloat_Check(cell.ptr()) && std::isnan(PyFloat_AS_DOUBLE(cell.ptr()))) continue;
          const std::string text =
              py::isinstance<py::str>(cell) ? cell.cast<std::string>() : std::string(py::str(cell));
          if (riskscale::is_blank(text)) continue;
          if (const std::optional<bool> flag = riskscale::parse_flag(text)) {
            flags[row] = *flag ? 1.0 : 0.0;
          } else if (PyFloat_Check(cell.ptr()) || PyLong_Check(cell.ptr())) {
            flags[row] = PyFloat_AsDouble(cell.ptr());  // a number other than 0 or 1: the metric refuses it by value
          } else {
            not_flags.push_back(row);
          }
        }
        return py::make_tuple(out, not_flags);
      },
      "values"_a);
  m.attr("FLAG_TEXTS") = std::string(riskscale::flag_texts);
  {
    const riskscale::metrics::impact_settings defaults;
    py::list outcomes;
    for (const std::string_view name : riskscale::metrics::default_impact_outcomes) outcomes.append(std::string(name));
    m.attr("IMPACT_DEFAULTS") = py::dict("min_group_size"_a = defaults.min_group_size,
                                         "confidence"_a = defaults.confidence, "outcomes"_a = py::tuple(outcomes));
  }
  // Text cells read by the core's number rule, as the CLI reads CSV cells: "1e309" is infinite in both.
  m.def(
      "parse_numbers",
      [](const py::array& values) {
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
            if (riskscale::is_blank(text)) continue;  // blank: missing, as an empty CSV cell
            double number = 0.0;
            if (riskscale::parse_number(text, number))
              numbers[row] = number;
            else
              not_numbers.push_back(row);
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
      },
      "values"_a);
  bind_plans(m);
  m.def("status_name", [](std::uint8_t status) {
    return std::string(riskscale::to_string(static_cast<riskscale::row_status>(status)));
  });
  bind_metrics(m);
  bind_usage(m);
  bind_drift(m);
  bind_calibrate(m);
  bind_report(m);
}
