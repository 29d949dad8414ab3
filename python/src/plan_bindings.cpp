// riskscale._core: onboarding plans and content formats (plan.hpp, content.hpp) for Python.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <limits>
#include <string>

#include "riskscale/riskscale.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

// A mapping of trait name to number (a dict, a pandas Series...), checked by the core.
riskscale::product_traits traits_from(const py::object& traits) {
  riskscale::product_traits result;
  if (traits.is_none()) return result;
  if (!py::hasattr(traits, "items")) {
    throw riskscale::error(
        "traits: expected a mapping of trait name to a number in [0, 1], such as "
        "{'complex_product': 0.8}; got " +
        std::string(py::str(py::type::of(traits).attr("__name__"))));
  }
  for (const auto& item : traits.attr("items")()) {
    const auto pair = item.cast<py::tuple>();
    const std::string name = py::str(pair[0]);
    double value = 0.0;
    try {
      value = pair[1].cast<double>();
    } catch (const py::cast_error&) {
      throw riskscale::input_error(name, std::nullopt, "",
                                   std::string(py::repr(pair[1])) + " is not a number; accepted: a number in [0, 1]");
    }
    result.set(name, value);
  }
  return result;
}

py::list content_list(const std::vector<riskscale::content_recommendation>& content, const riskscale::policy& pol) {
  py::list out;
  for (const auto& c : content) {
    const auto& format = pol.settings().content->formats[c.format_index];
    out.append(py::make_tuple(format.id, format.name, format.description, c.score, c.reason));
  }
  return out;
}

// max_touches_per_week from Python: any int (10**20 included) or None. A limit above what an int
// holds means the same as the largest int (no week has that many days); a non-integer is refused.
std::optional<int> touches_option(const py::object& value) {
  if (value.is_none()) return std::nullopt;
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    throw riskscale::error("invalid plan option max_touches_per_week = " + std::string(py::repr(value)) +
                           "; accepted: an integer >= 1, or None for the policy's value");
  }
  int overflow = 0;
  const long long number =
      PyLong_AsLongLongAndOverflow(py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr())).ptr(), &overflow);
  if (overflow > 0 || number > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
  if (overflow < 0 || number < 1) {
    throw riskscale::error("invalid plan option max_touches_per_week = " + std::string(py::repr(value)) +
                           "; accepted: an integer >= 1, or None for the policy's value");
  }
  return static_cast<int>(number);
}

}  // namespace

void bind_plans(py::module_& m) {
  py::class_<riskscale::onboarding_plan>(m, "Plan")
      .def(
          "to_json", [](const riskscale::onboarding_plan& p, int indent) { return riskscale::plan_to_json(p, indent); },
          "indent"_a = 2)
      .def(
          "to_csv", [](const riskscale::onboarding_plan& p, bool header) { return riskscale::plan_to_csv(p, header); },
          "header"_a = true)
      .def(
          "to_ics",
          [](const riskscale::onboarding_plan& p, const std::string& dtstamp) {
            return riskscale::plan_to_ics(p, dtstamp);
          },
          "dtstamp"_a = "")
      .def_property_readonly("busiest_week", &riskscale::busiest_week);

  m.def(
      "plan",
      [](const riskscale::assessment& assessed, const py::object& traits, const std::string& start,
         const py::object& max_touches_per_week, std::optional<bool> role_tracks) {
        riskscale::plan_options options;
        options.max_touches_per_week = touches_option(max_touches_per_week);
        options.role_tracks = role_tracks;
        const riskscale::date start_date = start.empty() ? riskscale::date::today_utc() : riskscale::date::parse(start);
        const riskscale::product_traits checked = traits_from(traits);
        py::gil_scoped_release release;
        return riskscale::plan(assessed, checked, start_date, options);
      },
      "assessment"_a, "traits"_a, "start"_a, "max_touches_per_week"_a, "role_tracks"_a);

  m.def("plans_csv", [](const std::vector<const riskscale::onboarding_plan*>& plans) {
    if (plans.empty()) return std::string();
    std::string out = riskscale::plan_csv_header();
    for (const riskscale::onboarding_plan* p : plans) riskscale::append_plan_csv(out, *p);
    return out;
  });
  m.def(
      "plans_ics",
      [](const std::vector<const riskscale::onboarding_plan*>& plans, const std::string& dtstamp) {
        return riskscale::plan_to_ics(plans, dtstamp);
      },
      "plans"_a, "dtstamp"_a = "");

  m.def(
      "recommend_content",
      [](const riskscale::assessment& assessed, const py::object& traits) {
        return content_list(riskscale::recommend_content(assessed, traits_from(traits)), assessed.policy);
      },
      "assessment"_a, "traits"_a);

  m.def(
      "education_priority",
      [](const py::object& traits, const riskscale::policy& pol) {
        const riskscale::education_priority e = riskscale::assess_education(traits_from(traits), pol);
        py::list drivers;
        for (auto t : e.drivers) drivers.append(std::string(riskscale::to_string(t)));
        return py::make_tuple(e.score, drivers, e.reason);
      },
      "traits"_a, "policy"_a);

  const auto ids = [](const auto& array) { return std::vector<std::string>(array.begin(), array.end()); };
  m.attr("TRAITS") = py::cast(ids(riskscale::trait_ids));
  m.attr("PLAN_CATEGORIES") =
      py::dict("stage"_a = ids(riskscale::stage_ids), "channel"_a = ids(riskscale::channel_ids),
               "kind"_a = ids(riskscale::touchpoint_kind_ids), "audience"_a = ids(riskscale::audience_ids));
  m.attr("PLAN_CSV_COLUMNS") = py::cast(ids(riskscale::plan_csv_columns));
}
