// riskscale._core.calibrate_columns / validate_columns: calibrate.hpp and validate.hpp over numpy columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "numpy_columns.hpp"
#include "riskscale/calibrate.hpp"
#include "riskscale/validate.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::borrow_column;

// Fits without the GIL; returns (fitted policy, report JSON text). Every number is the core's.
py::tuple calibrate_columns(const py::dict& columns, const std::vector<std::string>& labels,
                            const std::string& label_column, const policy& start, const std::vector<std::string>& fit,
                            std::size_t folds, std::uint64_t seed, double l2) {
  const std::size_t rows = labels.size();
  std::vector<py::array_t<double>> held;
  riskscale::portfolio input(rows);
  for (const auto& item : columns) {
    const std::string name = py::str(item.first);
    held.push_back(borrow_column(item.second, name, rows));
    input.add(name, held.back().data());
  }
  riskscale::calibration_options options;
  options.folds = folds;
  options.seed = seed;
  options.l2 = l2;
  options.fit.clear();
  for (const auto& name : fit) options.fit.push_back(riskscale::calibration_parameter_from_string(name));
  const std::vector<riskscale::archetype> archetypes = riskscale::archetype_labels(labels, label_column);
  riskscale::calibration_result result;
  {
    py::gil_scoped_release release;
    result = riskscale::calibrate(input, archetypes, start, options);
  }
  return py::make_tuple(result.fitted, riskscale::calibration_report(result).dump());
}

py::dict validate_columns(const py::array_t<std::int8_t, py::array::c_style | py::array::forcecast>& archetype,
                          const py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>& borderline,
                          const py::array_t<double, py::array::c_style | py::array::forcecast>& outcome,
                          const std::string& outcome_column, double confidence) {
  const std::vector<std::int8_t> a(archetype.data(), archetype.data() + archetype.size());
  const std::vector<std::uint8_t> b(borderline.data(), borderline.data() + borderline.size());
  const std::vector<double> o(outcome.data(), outcome.data() + outcome.size());
  const riskscale::validation_result r = riskscale::validate(a, b, o, outcome_column, confidence);
  py::list groups;
  const auto add = [&](const riskscale::outcome_rate& g) {
    groups.append(py::dict("group"_a = g.group, "accounts"_a = g.accounts, "events"_a = g.events, "rate"_a = g.rate,
                           "lower"_a = g.interval.lower, "upper"_a = g.interval.upper));
  };
  for (const auto& g : r.per_archetype) add(g);
  for (const auto* g : {&r.borderline, &r.not_borderline, &r.high_risk, &r.low_risk, &r.high_scale, &r.low_scale})
    add(*g);
  const auto difference = [](const riskscale::metrics::difference_interval& d) {
    return py::dict("difference"_a = d.difference, "lower"_a = d.lower, "upper"_a = d.upper);
  };
  return py::dict("groups"_a = groups, "accounts"_a = r.accounts, "skipped"_a = r.skipped,
                  "high_minus_low_risk"_a = difference(r.risk_difference),
                  "high_minus_low_scale"_a = difference(r.scale_difference),
                  "quadrants_separate"_a = r.quadrants_separate, "verdict"_a = r.verdict,
                  "confidence"_a = r.confidence);
}

}  // namespace

void bind_calibrate(py::module_& m) {
  m.def("calibrate_columns", &calibrate_columns, "columns"_a, "labels"_a, "label_column"_a, "policy"_a, "fit"_a,
        "folds"_a, "seed"_a, "l2"_a,
        "Fits a policy to archetype labels (calibrate.hpp); returns (policy, report JSON).");
  m.def("validate_columns", &validate_columns, "archetype"_a, "borderline"_a, "outcome"_a, "outcome_column"_a,
        "confidence"_a, "Outcome rates and intervals per group (validate.hpp).");
  py::list names;
  for (const auto name : riskscale::calibration_parameter_names) names.append(std::string(name));
  m.attr("CALIBRATION_PARAMETERS") = names;
}
