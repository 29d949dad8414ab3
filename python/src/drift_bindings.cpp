// riskscale._core.drift_columns: SPEC §11 drift of two portfolios (drift.hpp), laid out for pandas.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "numpy_columns.hpp"
#include "riskscale/drift.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::borrow_column;
using riskscale_python::new_column;

struct borrowed_snapshot {
  std::vector<py::array_t<double>> held;  // keeps the inputs alive while the GIL is released
  riskscale::portfolio input{0};
};

void borrow(const py::dict& columns, std::size_t rows, borrowed_snapshot& out) {
  out.input = riskscale::portfolio(rows);
  for (const auto& item : columns) {
    const std::string name = py::str(item.first);
    out.held.push_back(borrow_column(item.second, name, rows));
    out.input.add(name, out.held.back().data());
  }
}

std::string joined(const policy& pol, const std::vector<std::size_t>& formats) {
  std::string text;
  for (std::size_t k : formats) {
    if (!text.empty()) text += ';';
    text += pol.catalog()[k].id;
  }
  return text;
}

py::object state_or_none(const std::optional<riskscale::archetype>& a) {
  if (!a) return py::none();
  return py::str(std::string(riskscale::to_string(*a)));
}

// Compares two portfolios (ids + borrowed float64 columns) without the GIL; every number is the core's.
py::dict drift_columns(const std::vector<std::string>& old_ids, const py::dict& old_columns,
                       const std::vector<std::string>& new_ids, const py::dict& new_columns, const policy& pol,
                       const std::optional<policy>& old_policy, unsigned threads) {
  borrowed_snapshot before, after;
  borrow(old_columns, old_ids.size(), before);
  borrow(new_columns, new_ids.size(), after);
  std::optional<riskscale::drift_report> computed;
  {
    py::gil_scoped_release release;
    computed.emplace(
        riskscale::compare_snapshots(old_ids, before.input, new_ids, after.input, pol, old_policy, {threads, 0}));
  }
  const riskscale::drift_report& report = *computed;
  const std::size_t rows = report.accounts.size();
  const std::size_t factors = pol.risk_factors().size();

  auto status = new_column<std::int8_t>(rows);
  auto old_state = new_column<std::int8_t>(rows);
  auto new_state = new_column<std::int8_t>(rows);
  auto old_row = new_column<std::int64_t>(rows);
  auto new_row = new_column<std::int64_t>(rows);
  auto driver = new_column<std::int16_t>(rows);
  auto numbers = new_column<double>(8, rows);  // risk_old ... scale_change, cause_frequency, cause_reach
  auto causes = new_column<double>(std::max<std::size_t>(factors, 1), rows);
  py::list account_id, reason;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < rows; ++i) {
    const riskscale::account_drift& d = report.accounts[i];
    status.mutable_data()[i] = static_cast<std::int8_t>(d.status);
    old_state.mutable_data()[i] = static_cast<std::int8_t>(d.old_state);
    new_state.mutable_data()[i] = static_cast<std::int8_t>(d.new_state);
    old_row.mutable_data()[i] =
        report.old_row[i] == riskscale::drift_report::no_row ? -1 : static_cast<std::int64_t>(report.old_row[i]);
    new_row.mutable_data()[i] =
        report.new_row[i] == riskscale::drift_report::no_row ? -1 : static_cast<std::int64_t>(report.new_row[i]);
    driver.mutable_data()[i] = static_cast<std::int16_t>(d.driver);
    const double values[8] = {d.risk_old,    d.risk_new,     d.scale_old,       d.scale_new,
                              d.risk_change, d.scale_change, d.cause_frequency, d.cause_reach};
    for (std::size_t k = 0; k < 8; ++k) numbers.mutable_data()[k * rows + i] = values[k];
    for (std::size_t j = 0; j < factors; ++j)
      causes.mutable_data()[j * rows + i] = d.has_causes() ? d.risk_causes[j] : nan;
    account_id.append(py::str(report.account_id[i].data(), report.account_id[i].size()));
    reason.append(py::str(report.reason[i]));
  }
  const policy& before_policy = old_policy ? *old_policy : pol;
  py::dict alerts("row"_a = py::list(), "alert"_a = py::list(), "from"_a = py::list(), "to"_a = py::list(),
                  "driver"_a = py::list(), "reason"_a = py::list(), "new_formats"_a = py::list(),
                  "dropped_formats"_a = py::list(), "replan"_a = py::list());
  for (const auto& [row, alert] : report.alerts) {
    alerts["row"].cast<py::list>().append(row);
    alerts["alert"].cast<py::list>().append(std::string(riskscale::to_string(alert.kind)));
    alerts["from"].cast<py::list>().append(state_or_none(alert.from));
    alerts["to"].cast<py::list>().append(state_or_none(alert.to));
    alerts["driver"].cast<py::list>().append(std::string(riskscale::player_name(pol, alert.driver)));
    alerts["reason"].cast<py::list>().append(alert.reason);
    alerts["new_formats"].cast<py::list>().append(joined(pol, alert.new_formats));
    alerts["dropped_formats"].cast<py::list>().append(joined(before_policy, alert.dropped_formats));
    alerts["replan"].cast<py::list>().append(alert.replan);
  }
  py::dict watch("row"_a = py::list(), "axis"_a = py::list(), "line"_a = py::list(), "distance_old"_a = py::list(),
                 "distance_new"_a = py::list(), "driver"_a = py::list(), "reason"_a = py::list());
  for (const auto& [row, entry] : report.watch) {
    watch["row"].cast<py::list>().append(row);
    watch["axis"].cast<py::list>().append(entry.risk_axis ? "risk" : "scale");
    watch["line"].cast<py::list>().append(entry.line);
    watch["distance_old"].cast<py::list>().append(entry.distance_old);
    watch["distance_new"].cast<py::list>().append(entry.distance_new);
    watch["driver"].cast<py::list>().append(std::string(riskscale::player_name(pol, entry.driver)));
    watch["reason"].cast<py::list>().append(entry.reason);
  }
  auto matrix = new_column<std::int64_t>(riskscale::drift_matrix_size, riskscale::drift_matrix_size);
  for (std::size_t i = 0; i < riskscale::drift_matrix_size; ++i) {
    for (std::size_t j = 0; j < riskscale::drift_matrix_size; ++j) {
      matrix.mutable_data()[i * riskscale::drift_matrix_size + j] =
          static_cast<std::int64_t>(report.matrix.counts[i][j]);
    }
  }
  std::vector<std::string> drivers;  // driver code + 2 -> name: policy, none, factors..., frequency, reach
  for (int code = riskscale::driver_policy; code <= static_cast<int>(factors) + 1; ++code) {
    drivers.emplace_back(riskscale::player_name(pol, code));
  }
  // Per snapshot row: its row status and the field that made it invalid, for the Python messages.
  const auto snapshot_status = [](const riskscale::batch_result& result) {
    auto codes = new_column<std::uint8_t>(result.rows);
    auto fields = new_column<std::int16_t>(result.rows);
    for (std::size_t r = 0; r < result.rows; ++r) {
      codes.mutable_data()[r] = static_cast<std::uint8_t>(result.status[r]);
      fields.mutable_data()[r] = result.invalid_field[r];
    }
    return py::make_tuple(codes, fields);
  };
  return py::dict("account_id"_a = account_id, "status"_a = status, "old_state"_a = old_state,
                  "new_state"_a = new_state, "old_row"_a = old_row, "new_row"_a = new_row, "driver"_a = driver,
                  "driver_names"_a = drivers, "numbers"_a = numbers, "causes"_a = causes, "reason"_a = reason,
                  "alerts"_a = alerts, "watch"_a = watch, "matrix"_a = matrix,
                  "old_status"_a = snapshot_status(report.old_result),
                  "new_status"_a = snapshot_status(report.new_result));
}

}  // namespace

void bind_drift(py::module_& m) {
  m.def("drift_columns", &drift_columns, "old_ids"_a, "old_columns"_a, "new_ids"_a, "new_columns"_a, "policy"_a,
        "old_policy"_a = py::none(), "threads"_a = 0u,
        "SPEC §11 drift of two portfolios: per-account arrays, alerts, watch list and the transition matrix.");
  py::list statuses;
  for (std::size_t s = 0; s < riskscale::drift_status_count; ++s) {
    statuses.append(std::string(riskscale::to_string(static_cast<riskscale::drift_status>(s))));
  }
  m.attr("DRIFT_STATUSES") = statuses;
  py::list rows, columns;
  for (std::size_t i = 0; i < riskscale::drift_matrix_size; ++i) {
    rows.append(std::string(riskscale::drift_matrix::row_label(i)));
    columns.append(std::string(riskscale::drift_matrix::column_label(i)));
  }
  m.attr("DRIFT_MATRIX_ROWS") = rows;
  m.attr("DRIFT_MATRIX_COLUMNS") = columns;
}
