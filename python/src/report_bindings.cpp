// riskscale._core.report_html: the portfolio report or a welcome pack (src/report) from borrowed columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metric_columns.hpp"
#include "numpy_columns.hpp"
#include "report/report.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::borrow_column;
using riskscale_python::translating;
namespace metrics = riskscale::metrics;

// The metric results of the report's Onboarding and lifecycle section, computed by the core one metric
// table at a time (so that the Python layer names a refused row by its frame's label).
struct report_metrics {
  riskscale::report::lifecycle_metrics lifecycle;

  void add_adoption(const py::object& seats, const py::object& trained, const py::object& active,
                    const py::object& archetype) {
    const metrics::adoption_input in = riskscale_python::adoption_input_of(seats, trained, active, archetype);
    lifecycle.adoption = translating([&] { return metrics::adoption(in).groups; });
  }
  void add_funnel(const std::vector<std::string>& stage_names, const std::vector<py::object>& stages,
                  const py::object& archetype) {
    const metrics::funnel_input in = riskscale_python::funnel_input_of(stage_names, stages, archetype);
    lifecycle.funnel = translating([&] { return metrics::funnel(in).groups; });
    lifecycle.funnel_stages = stage_names;
  }
  void add_program(const py::object& completed, const py::object& course, const std::vector<std::string>& courses,
                   const py::object& assessment_passed, const py::object& days_to_completion,
                   const py::object& archetype) {
    const metrics::program_input in = riskscale_python::program_input_of(
        completed, course, courses.size(), assessment_passed, days_to_completion, archetype);
    lifecycle.program = translating([&] { return metrics::program(in); });
    lifecycle.courses = courses;
  }
  void add_impact(const std::string& outcome_name, const py::object& completed, const py::object& outcome,
                  const py::object& archetype) {
    const metrics::impact_input in = riskscale_python::impact_input_of(completed, outcome, archetype);
    lifecycle.impact.push_back(
        {outcome_name, translating([&] { return metrics::impact(in, lifecycle.impact_settings); })});
  }
  void add_interaction(const py::object& interactions, const py::object& posts, const py::object& followers,
                       const py::object& archetype) {
    const metrics::interaction_input in =
        riskscale_python::interaction_input_of(interactions, posts, followers, archetype);
    lifecycle.interaction = translating([&] { return metrics::interaction_rate(in).groups; });
  }
};

// Plans from touchpoint rows (columns of text); a bad row leaves as InputError with .column, .row, .detail.
std::vector<riskscale::onboarding_plan> plans_of(const std::map<std::string, std::vector<std::string>>& columns) {
  const auto column = [&](const char* name) {
    const auto found = columns.find(name);
    return found == columns.end() ? std::vector<std::string>() : found->second;
  };
  const riskscale::report::plan_rows rows{column("account_id"), column("day"),       column("date"),
                                          column("stage"),      column("channel"),   column("kind"),
                                          column("title"),      column("archetype"), column("format"),
                                          column("audience"),   column("detail")};
  try {
    return riskscale::report::plans_from_rows(rows);
  } catch (const riskscale::input_error& e) {
    riskscale_python::raise_input_error(e, "plans");
  }
}

// A snapshot's float64 columns, kept alive while the GIL is released.
struct borrowed_snapshot {
  std::vector<std::string> ids;
  std::vector<py::array_t<double>> held;
  riskscale::portfolio input{0};

  borrowed_snapshot(std::vector<std::string> account_ids, const py::dict& columns) : ids(std::move(account_ids)) {
    input = riskscale::portfolio(ids.size());
    for (const auto& item : columns) {
      const std::string name = py::str(item.first);
      held.push_back(borrow_column(item.second, name, ids.size()));
      input.add(name, held.back().data());
    }
  }
  [[nodiscard]] riskscale::report::snapshot view() const { return {&ids, &input}; }
};

// The same core calls as `riskscale report` (cli/report_command.cpp), so the same inputs give the same bytes.
std::string report_html(std::vector<std::string> ids, const py::dict& columns, const policy& pol,
                        std::optional<std::vector<std::string>> previous_ids,
                        const std::optional<py::dict>& previous_columns, const std::optional<std::string>& account,
                        const std::string& title, const std::string& start, std::size_t top, unsigned threads,
                        const std::optional<std::string>& goals, const report_metrics* lifecycle,
                        const std::optional<std::map<std::string, std::vector<std::string>>>& plan_columns) {
  const borrowed_snapshot current(std::move(ids), columns);
  std::optional<borrowed_snapshot> before;
  if (previous_ids && previous_columns) before.emplace(std::move(*previous_ids), *previous_columns);
  riskscale::report::report_options options;
  if (!title.empty()) options.title = title;
  options.start = start.empty() ? riskscale::date::today_utc() : riskscale::date::parse(start);
  options.top = top;
  options.threads = threads;
  if (goals) options.goals = riskscale::report::parse_goals(*goals);
  std::vector<riskscale::onboarding_plan> plans;
  if (plan_columns) {
    plans = plans_of(*plan_columns);
    options.plans = &plans;
  }
  py::gil_scoped_release release;
  if (account) return riskscale::report::welcome_pack(pol, current.view(), *account, options);
  std::optional<riskscale::report::snapshot> then;
  if (before) then = before->view();
  riskscale::report::report_data data = riskscale::report::collect(pol, current.view(), then, options);
  if (lifecycle != nullptr) data.lifecycle = lifecycle->lifecycle;
  return riskscale::report::render_report(data, options);
}

}  // namespace

void bind_report(py::module_& m) {
  py::class_<report_metrics>(m, "ReportMetrics", "The metric results of a report's Onboarding and lifecycle section.")
      .def(py::init<>())
      .def("add_adoption", &report_metrics::add_adoption, "seats"_a, "trained"_a, "active"_a,
           "archetype"_a = py::none())
      .def("add_funnel", &report_metrics::add_funnel, "stage_names"_a, "stages"_a, "archetype"_a = py::none())
      .def("add_program", &report_metrics::add_program, "completed"_a, "course"_a, "courses"_a,
           "assessment_passed"_a = py::none(), "days_to_completion"_a = py::none(), "archetype"_a = py::none())
      .def("add_impact", &report_metrics::add_impact, "outcome_name"_a, "completed"_a, "outcome"_a,
           "archetype"_a = py::none())
      .def("add_interaction", &report_metrics::add_interaction, "interactions"_a, "posts"_a, "followers"_a,
           "archetype"_a = py::none());
  m.def("report_html", &report_html, "ids"_a, "columns"_a, "policy"_a, "previous_ids"_a = py::none(),
        "previous_columns"_a = py::none(), "account"_a = py::none(), "title"_a = "", "start"_a = "", "top"_a = 10,
        "threads"_a = 0u, "goals"_a = py::none(), "metrics"_a = py::none(), "plans"_a = py::none(),
        "The portfolio report (or, with account, that account's welcome pack) as one self-contained HTML document.");
}
