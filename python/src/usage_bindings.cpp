// riskscale._core: SPEC §10 usage from product events (usage.hpp) for Python. Types only: the
// Python layer hands over id columns (object arrays, or categories + codes) and a time column
// (text, epoch seconds as int64 + missing mask, or float seconds); rows are read in blocks, the
// block's ids gathered with the GIL held and aggregated by the core with the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/usage.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::event_status;
using riskscale::usage_aggregator;

constexpr std::size_t rows_per_block = 1 << 16;

// A text column as the Python layer passes it: ("object", values) or ("categorical", categories, codes).
class text_column {
 public:
  text_column(const py::tuple& spec, const char* name, const py::object& missing_values) : name_(name) {
    const std::string kind = py::str(spec[0]);
    missing_ = missing_values;
    if (kind == "object") {
      values_ = py::array::ensure(spec[1]);
      rows_ = static_cast<std::size_t>(values_.shape(0));
    } else if (kind == "categorical") {
      codes_ = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(spec[2]);
      rows_ = static_cast<std::size_t>(codes_.shape(0));
      categorical_ = true;
      // Categories (a list of str) are read once: every row is then an index into them.
      for (const py::handle category : py::list(spec[1]))
        category_objects_.push_back(py::reinterpret_borrow<py::object>(category));
      for (const py::object& o : category_objects_) category_views_.push_back(view_of(o.ptr(), kept_categories_));
    } else {
      throw py::value_error(std::string("column '") + name + "': unknown kind " + kind);
    }
    if (!categorical_ && (values_.ndim() != 1 || values_.dtype().kind() != 'O')) {
      throw py::type_error(std::string("column '") + name + "': expected a 1-D object array");
    }
  }

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

  /// The text of rows [first, first + count) into `out` (empty for a missing value); needs the GIL.
  void gather(std::size_t first, std::size_t count, std::vector<std::string_view>& out) {
    out.resize(count);
    kept_.clear();
    if (categorical_) {
      const std::int64_t* codes = codes_.data();
      for (std::size_t i = 0; i < count; ++i) {
        const std::int64_t code = codes[first + i];
        out[i] = code < 0 || static_cast<std::size_t>(code) >= category_views_.size() ? std::string_view()
                                                                                      : category_views_[code];
      }
      return;
    }
    const auto* objects = static_cast<PyObject* const*>(values_.data());
    const auto stride = static_cast<std::size_t>(values_.strides(0)) / sizeof(PyObject*);
    for (std::size_t i = 0; i < count; ++i) out[i] = view_of(objects[(first + i) * stride], kept_);
  }

 private:
  // A str's UTF-8 text; missing values (None, NaN, pd.NA, pd.NaT) are empty; any other object is
  // read as its str(), kept alive in `keep` while its view is used.
  std::string_view view_of(PyObject* object, std::vector<py::object>& keep) const {
    if (PyUnicode_Check(object)) {
      Py_ssize_t size = 0;
      const char* text = PyUnicode_AsUTF8AndSize(object, &size);
      if (text == nullptr) throw py::error_already_set();
      return {text, static_cast<std::size_t>(size)};
    }
    if (object == Py_None || (PyFloat_Check(object) && std::isnan(PyFloat_AS_DOUBLE(object)))) return {};
    for (const auto& missing : missing_) {
      if (missing.ptr() == object) return {};
    }
    keep.push_back(py::str(py::handle(object)));
    return view_of(keep.back().ptr(), keep);
  }

  std::string name_;
  py::object missing_;
  py::array values_;
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> codes_;
  bool categorical_ = false;
  std::size_t rows_ = 0;
  std::vector<py::object> category_objects_, kept_categories_, kept_;
  std::vector<std::string_view> category_views_;
};

struct block_result {
  std::vector<std::int64_t> rows;
  std::vector<std::uint8_t> statuses;
};

// Adds every event of the columns to `state`; returns the positions and statuses of the invalid ones.
py::dict add_events(usage_aggregator& state, const py::tuple& account_spec, const py::tuple& user_spec,
                    const py::tuple& time_spec, const py::object& missing_values) {
  text_column accounts(account_spec, "account", missing_values), users(user_spec, "user", missing_values);
  const std::string time_kind = py::str(time_spec[0]);
  std::optional<text_column> time_text;
  py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> seconds;
  py::array_t<bool, py::array::c_style | py::array::forcecast> seconds_missing;
  py::array_t<double, py::array::c_style | py::array::forcecast> float_seconds;
  std::size_t rows = accounts.rows();
  const bool from_float = time_kind == "float_seconds";
  if (time_kind == "seconds") {
    seconds = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(time_spec[1]);
    seconds_missing = py::array_t<bool, py::array::c_style | py::array::forcecast>::ensure(time_spec[2]);
    if (static_cast<std::size_t>(seconds.shape(0)) != rows ||
        static_cast<std::size_t>(seconds_missing.shape(0)) != rows) {
      throw py::value_error("the time column's length differs from the id columns'");
    }
  } else if (from_float) {
    float_seconds = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(time_spec[1]);
    if (static_cast<std::size_t>(float_seconds.shape(0)) != rows)
      throw py::value_error("the time column's length differs");
  } else {
    time_text.emplace(time_spec, "time", missing_values);
    if (time_text->rows() != rows) throw py::value_error("the time column's length differs from the id columns'");
  }
  if (users.rows() != rows) throw py::value_error("the user column's length differs from the account column's");

  block_result invalid;
  std::vector<std::string_view> account_views, user_views, time_views;
  std::vector<usage_aggregator::event_text> batch;
  std::vector<usage_aggregator::event_seconds> second_batch;
  std::vector<event_status> batch_statuses;
  for (std::size_t first = 0; first < rows; first += rows_per_block) {
    const std::size_t count = std::min(rows_per_block, rows - first);
    accounts.gather(first, count, account_views);
    users.gather(first, count, user_views);
    if (time_text) time_text->gather(first, count, time_views);
    py::gil_scoped_release release;
    if (time_text) {
      // Text times: the core's batch path (it fetches the table memory of many events at once).
      batch.resize(count);
      batch_statuses.resize(count);
      for (std::size_t i = 0; i < count; ++i) batch[i] = {account_views[i], user_views[i], time_views[i]};
      state.add_batch(batch.data(), count, batch_statuses.data());
      for (std::size_t i = 0; i < count; ++i) {
        if (batch_statuses[i] == event_status::valid) continue;
        invalid.rows.push_back(static_cast<std::int64_t>(first + i));
        invalid.statuses.push_back(static_cast<std::uint8_t>(batch_statuses[i]));
      }
      continue;
    }
    if (!from_float) {
      // Epoch seconds (datetime and integer columns): the batch path too.
      second_batch.resize(count);
      batch_statuses.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t row = first + i;
        second_batch[i] = {
            account_views[i], user_views[i],
            seconds_missing.data()[row] ? std::nullopt : std::optional<std::int64_t>(seconds.data()[row])};
      }
      state.add_batch(second_batch.data(), count, batch_statuses.data());
      for (std::size_t i = 0; i < count; ++i) {
        if (batch_statuses[i] == event_status::valid) continue;
        invalid.rows.push_back(static_cast<std::int64_t>(first + i));
        invalid.statuses.push_back(static_cast<std::uint8_t>(batch_statuses[i]));
      }
      continue;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const event_status status =
          state.add_epoch_seconds_number(account_views[i], user_views[i], float_seconds.data()[first + i]);
      if (status != event_status::valid) {
        invalid.rows.push_back(static_cast<std::int64_t>(first + i));
        invalid.statuses.push_back(static_cast<std::uint8_t>(status));
      }
    }
  }
  py::array_t<std::int64_t> positions(static_cast<py::ssize_t>(invalid.rows.size()));
  py::array_t<std::uint8_t> statuses(static_cast<py::ssize_t>(invalid.statuses.size()));
  std::copy(invalid.rows.begin(), invalid.rows.end(), positions.mutable_data());
  std::copy(invalid.statuses.begin(), invalid.statuses.end(), statuses.mutable_data());
  return py::dict("rows"_a = positions, "statuses"_a = statuses);
}

// The finished aggregate as columns for a DataFrame, plus the counts.
py::dict finish(const usage_aggregator& state, const py::object& account_ids) {
  riskscale::usage_result result;
  if (account_ids.is_none()) {
    py::gil_scoped_release release;
    result = state.finish();
  } else {
    std::vector<std::string> ids;
    for (const py::handle id : account_ids) ids.push_back(py::str(id));
    const std::vector<std::string_view> views(ids.begin(), ids.end());
    py::gil_scoped_release release;
    result = state.finish(views);
  }
  const std::size_t n = result.accounts.size();
  py::list account_id(n);
  py::array_t<std::int64_t> active_users(static_cast<py::ssize_t>(n)), events(static_cast<py::ssize_t>(n)),
      last_event(static_cast<py::ssize_t>(n));
  py::array_t<double> active_days(static_cast<py::ssize_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = result.accounts[i];
    account_id[i] = py::str(row.account_id);
    active_users.mutable_data()[i] = static_cast<std::int64_t>(row.active_users);
    active_days.mutable_data()[i] = row.active_days;
    events.mutable_data()[i] = static_cast<std::int64_t>(row.events);
    // Days since 1970-01-01, or the NaT sentinel; the Python layer views them as datetime64[D].
    last_event.mutable_data()[i] =
        row.last_event ? row.last_event->days_since_epoch() : std::numeric_limits<std::int64_t>::min();
  }
  const auto& c = result.counts;
  return py::dict("account_id"_a = account_id, "active_users"_a = active_users, "active_days"_a = active_days,
                  "events"_a = events, "last_event"_a = last_event,
                  "as_of"_a = result.as_of ? py::object(py::str(result.as_of->to_string())) : py::object(py::none()),
                  "window_days"_a = result.window_days,
                  "counts"_a = py::dict("events_read"_a = c.events_read, "used"_a = c.used,
                                        "outside_window"_a = c.outside_window, "missing_value"_a = c.missing_value,
                                        "invalid_time"_a = c.invalid_time, "not_in_accounts"_a = c.not_in_accounts));
}

usage_aggregator make_aggregate(const std::optional<std::string>& as_of, int window_days) {
  riskscale::usage_options options;
  if (as_of) options.as_of = riskscale::date::parse(*as_of);
  options.window_days = window_days;
  return usage_aggregator(options);
}

}  // namespace

void bind_usage(py::module_& m) {
  py::class_<usage_aggregator>(m, "UsageAggregate")
      .def(py::init(&make_aggregate), "as_of"_a = py::none(), "window_days"_a = riskscale::default_usage_window_days)
      .def("add_events", &add_events, "account"_a, "user"_a, "time"_a, "missing_values"_a)
      .def("merge",
           [](usage_aggregator& self, const usage_aggregator& other) {
             py::gil_scoped_release release;
             self.merge(other);
           })
      .def("finish", &finish, "account_ids"_a = py::none())
      .def_property_readonly("as_of",
                             [](const usage_aggregator& s) -> py::object {
                               return s.options().as_of ? py::object(py::str(s.options().as_of->to_string()))
                                                        : py::object(py::none());
                             })
      .def_property_readonly("window_days", [](const usage_aggregator& s) { return s.options().window_days; })
      .def_property_readonly("events_read", &usage_aggregator::events_read)
      .def_property_readonly("pairs", &usage_aggregator::pairs)
      .def_property_readonly("memory_bytes", &usage_aggregator::memory_bytes)
      .def(py::pickle([](const usage_aggregator& s) { return py::bytes(s.save()); },
                      [](const py::bytes& b) { return usage_aggregator::load(std::string_view(b)); }));
  m.def("event_status_reason", [](std::uint8_t status) {
    const auto s = static_cast<event_status>(status);
    return py::make_tuple(std::string(riskscale::reason_id(s)), std::string(riskscale::field_of(s)));
  });
  m.def("parse_event_time", [](const std::string& text) -> py::object {
    const auto d = riskscale::parse_event_time(text);
    return d ? py::object(py::str(d->to_string())) : py::object(py::none());
  });
}
