// riskscale._core.report_html: the portfolio report or a welcome pack (src/report) from borrowed columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "numpy_columns.hpp"
#include "report/report.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::borrow_column;

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
                        std::optional<std::vector<std::string>> previous_ids, const std::optional<py::dict>& previous_columns,
                        const std::optional<std::string>& account, const std::string& title, const std::string& start,
                        std::size_t top, unsigned threads, const std::optional<std::string>& goals) {
  const borrowed_snapshot current(std::move(ids), columns);
  std::optional<borrowed_snapshot> before;
  if (previous_ids && previous_columns) before.emplace(std::move(*previous_ids), *previous_columns);
  riskscale::report::report_options options;
  if (!title.empty()) options.title = title;
  options.start = start.empty() ? riskscale::date::today_utc() : riskscale::date::parse(start);
  options.top = top;
  options.threads = threads;
  if (goals) options.goals = riskscale::report::parse_goals(*goals);
  py::gil_scoped_release release;
  if (account) return riskscale::report::welcome_pack(pol, current.view(), *account, options);
  std::optional<riskscale::report::snapshot> then;
  if (before) then = before->view();
  return riskscale::report::render_report(riskscale::report::collect(pol, current.view(), then, options), options);
}

}  // namespace

void bind_report(py::module_& m) {
  m.def("report_html", &report_html, "ids"_a, "columns"_a, "policy"_a, "previous_ids"_a = py::none(),
        "previous_columns"_a = py::none(), "account"_a = py::none(), "title"_a = "", "start"_a = "", "top"_a = 10,
        "threads"_a = 0u, "goals"_a = py::none(),
        "The portfolio report (or, with account, that account's welcome pack) as one self-contained HTML document.");
}
