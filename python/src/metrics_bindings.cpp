// riskscale._core: the education and onboarding metrics (metrics.hpp) for Python. Types only: numpy
// columns are borrowed as they are (the Python layer converts once), results are new numpy columns
// filled by the core, and a refused column becomes an InputError carrying the column and row.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metric_columns.hpp"
#include "numpy_columns.hpp"
#include "riskscale/metrics.hpp"

namespace py = pybind11;
using namespace pybind11::literals;
namespace metrics = riskscale::metrics;
using riskscale_python::adoption_input_of;
using riskscale_python::funnel_input_of;
using riskscale_python::impact_input_of;
using riskscale_python::interaction_input_of;
using riskscale_python::new_column;
using riskscale_python::program_input_of;
using riskscale_python::translating;
using riskscale_python::view;

namespace {

py::dict adoption_group_dict(const metrics::adoption_group& g) {
  return py::dict("accounts"_a = g.accounts, "excluded"_a = g.excluded, "seats"_a = g.seats, "trained"_a = g.trained,
                  "active"_a = g.active, "shelfware_seats"_a = g.shelfware_seats,
                  "trained_inactive"_a = g.trained_inactive, "active_untrained"_a = g.active_untrained,
                  "training_coverage"_a = g.training_coverage, "activation"_a = g.activation, "reasons"_a = g.reasons);
}

template <typename Group, typename ToDict>
py::list group_list(const metrics::per_group<Group>& groups, ToDict&& to_dict) {
  py::list out;
  for (const auto& g : groups) out.append(to_dict(g));
  return out;
}

py::dict adoption(const py::object& seats, const py::object& trained, const py::object& active,
                  const py::object& archetype, const py::object& trained_inactive, const py::object& active_untrained) {
  const metrics::adoption_input in =
      adoption_input_of(seats, trained, active, archetype, trained_inactive, active_untrained);
  const std::size_t rows = in.rows();
  auto coverage = new_column<double>(rows), activation = new_column<double>(rows), shelfware = new_column<double>(rows);
  auto reasons = new_column<metrics::reason_set>(rows);
  const metrics::adoption_output out{coverage.mutable_data(), activation.mutable_data(), shelfware.mutable_data(),
                                     reasons.mutable_data()};
  const auto groups = translating([&] {
    py::gil_scoped_release release;
    return metrics::adoption_into(in, out);
  });
  return py::dict("training_coverage"_a = coverage, "activation"_a = activation, "shelfware_seats"_a = shelfware,
                  "reasons"_a = reasons, "groups"_a = group_list(groups, adoption_group_dict));
}

py::dict count_users(const py::object& account, const py::object& trained, const py::object& active,
                     std::size_t accounts) {
  const auto counts = translating([&] {
    return metrics::count_users(view<std::int64_t>(account, "account_id"), view<double>(trained, "trained"),
                                view<double>(active, "active"), accounts);
  });
  const auto copy = [](const Eigen::ArrayXd& column) {
    return py::array_t<double>(static_cast<py::ssize_t>(column.size()), column.data());
  };
  return py::dict("users"_a = copy(counts.users), "trained"_a = copy(counts.trained), "active"_a = copy(counts.active),
                  "trained_inactive"_a = copy(counts.trained_inactive),
                  "active_untrained"_a = copy(counts.active_untrained));
}

py::dict funnel_steps_dict(const metrics::funnel_steps& steps) {
  return py::dict("step_conversion"_a = steps.step_conversion, "overall_conversion"_a = steps.overall_conversion,
                  "largest_drop_step"_a = steps.largest_drop_step, "reasons"_a = steps.reasons);
}

py::dict funnel(const std::vector<std::string>& stage_names, const py::list& stages, const py::object& archetype) {
  const metrics::funnel_input in = funnel_input_of(stage_names, stages, archetype);
  const std::size_t rows = in.rows();
  const std::size_t steps = !stages.empty() ? stages.size() - 1 : 0;
  py::array_t<double> conversion({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(steps)});
  auto overall = new_column<double>(rows);
  auto largest = new_column<std::int16_t>(rows);
  auto reasons = new_column<metrics::reason_set>(rows);
  const metrics::funnel_output out{conversion.mutable_data(), overall.mutable_data(), largest.mutable_data(),
                                   reasons.mutable_data()};
  const auto groups = translating([&] {
    py::gil_scoped_release release;
    return metrics::funnel_into(in, out);
  });
  return py::dict("step_conversion"_a = conversion, "overall_conversion"_a = overall, "largest_drop_step"_a = largest,
                  "reasons"_a = reasons, "groups"_a = group_list(groups, [](const metrics::funnel_group& g) {
                                           py::dict d = funnel_steps_dict(g.steps);
                                           d["rows"] = g.rows;
                                           d["excluded"] = g.excluded;
                                           d["counts"] = g.counts;
                                           return d;
                                         }));
}

// Stage counts per cohort, cohorts × stages.
py::array_t<double> funnel_counts(const py::object& furthest_stage, const py::object& cohort, std::size_t cohort_count,
                                  std::size_t stage_count) {
  const Eigen::ArrayXXd counts = translating([&] {
    return metrics::funnel_counts(view<double>(furthest_stage, "furthest_stage"), view<std::int64_t>(cohort, "cohort"),
                                  cohort_count, stage_count);
  });
  // Eigen is column-major: hand numpy the same layout.
  return py::array_t<double, py::array::f_style>(
      {static_cast<py::ssize_t>(cohort_count), static_cast<py::ssize_t>(stage_count)}, counts.data());
}

py::list program(const py::object& completed, const py::object& course, std::size_t course_count,
                 const py::object& assessment_passed, const py::object& days_to_completion,
                 const py::object& archetype) {
  const metrics::program_input in =
      program_input_of(completed, course, course_count, assessment_passed, days_to_completion, archetype);
  const metrics::program_result result = translating([&] { return metrics::program(in); });
  py::list out;
  for (std::size_t course_index = 0; course_index <= course_count; ++course_index) {
    for (std::size_t group = 0; group < metrics::group_count; ++group) {
      const metrics::program_cell& c = result.at(course_index, group);
      out.append(py::dict("course"_a = course_index, "group"_a = group, "enrolments"_a = c.enrolments,
                          "completions"_a = c.completions, "completion_rate"_a = c.completion_rate,
                          "assessed"_a = c.assessed, "passed"_a = c.passed, "pass_rate"_a = c.pass_rate,
                          "timed"_a = c.timed, "median_days_to_completion"_a = c.median_days_to_completion,
                          "reasons"_a = c.reasons));
    }
  }
  return out;
}

py::list impact(const py::object& completed, const py::object& outcome, const py::object& archetype,
                std::size_t min_group_size, double confidence) {
  const metrics::impact_input in = impact_input_of(completed, outcome, archetype);
  const metrics::impact_settings settings{min_group_size, confidence};
  const auto groups = translating([&] { return metrics::impact(in, settings); });
  return group_list(groups, [](const metrics::impact_group& g) {
    return py::dict(
        "accounts_completed"_a = g.accounts_completed, "outcome_completed"_a = g.outcome_completed,
        "rate_completed"_a = g.rate_completed, "completed_ci_lower"_a = g.completed_interval.lower,
        "completed_ci_upper"_a = g.completed_interval.upper, "accounts_not_completed"_a = g.accounts_not_completed,
        "outcome_not_completed"_a = g.outcome_not_completed, "rate_not_completed"_a = g.rate_not_completed,
        "not_completed_ci_lower"_a = g.not_completed_interval.lower,
        "not_completed_ci_upper"_a = g.not_completed_interval.upper, "difference"_a = g.difference.difference,
        "ci_lower"_a = g.difference.lower, "ci_upper"_a = g.difference.upper, "reasons"_a = g.reasons);
  });
}

py::dict interaction_rate(const py::object& interactions, const py::object& posts, const py::object& followers,
                          const py::object& archetype) {
  const metrics::interaction_input in = interaction_input_of(interactions, posts, followers, archetype);
  const std::size_t rows = in.rows();
  auto rate = new_column<double>(rows);
  auto reasons = new_column<metrics::reason_set>(rows);
  const metrics::interaction_output out{rate.mutable_data(), reasons.mutable_data()};
  const auto groups = translating([&] {
    py::gil_scoped_release release;
    return metrics::interaction_rate_into(in, out);
  });
  return py::dict("interaction_rate"_a = rate, "reasons"_a = reasons,
                  "groups"_a = group_list(groups, [](const metrics::interaction_group& g) {
                    return py::dict("rows"_a = g.rows, "excluded"_a = g.excluded, "interactions"_a = g.interactions,
                                    "posts"_a = g.posts, "post_followers"_a = g.post_followers,
                                    "interaction_rate"_a = g.rate, "reasons"_a = g.reasons);
                  }));
}

// Settings: the defaults with each JSON document of `layers` merged in, in order.
metrics::cost_settings cost_settings_of(const std::vector<std::string>& layers) {
  metrics::cost_settings settings;
  for (const auto& layer : layers) settings = settings.merged(layer);
  return settings;
}

std::vector<std::string> mode_names() {
  std::vector<std::string> names;
  for (std::size_t m = 0; m < metrics::delivery_mode_count; ++m) {
    names.emplace_back(metrics::to_string(static_cast<metrics::delivery_mode>(m)));
  }
  return names;
}

py::dict training_cost(const py::object& users, const py::array_t<std::int16_t, py::array::c_style>& recommendations,
                       const std::vector<std::string>& format_ids, const py::object& archetype,
                       const std::vector<std::string>& settings_layers) {
  const metrics::cost_settings settings = cost_settings_of(settings_layers);
  if (recommendations.ndim() != 2) throw py::type_error("recommendations: expected a 2-D int16 array (rows × width)");
  metrics::cost_input in;
  in.users = view<double>(users, "users");
  in.width = static_cast<std::size_t>(recommendations.shape(1));
  in.recommendations = {recommendations.data(), static_cast<std::size_t>(recommendations.size())};
  in.format_ids = format_ids;
  in.archetype = view<std::int8_t>(archetype, "archetype");
  const std::size_t rows = in.rows();
  auto total = new_column<double>(rows), per_learner = new_column<double>(rows);
  std::array<py::array_t<double>, metrics::delivery_mode_count> per_mode;
  metrics::cost_output out{total.mutable_data(), per_learner.mutable_data(), {}, nullptr};
  for (std::size_t m = 0; m < metrics::delivery_mode_count; ++m) {
    per_mode[m] = new_column<double>(rows);
    out.mode_cost[m] = per_mode[m].mutable_data();
  }
  auto reasons = new_column<metrics::reason_set>(rows);
  out.reasons = reasons.mutable_data();
  const auto groups = translating([&] {
    py::gil_scoped_release release;
    return metrics::training_cost_into(in, settings, out);
  });
  py::dict modes;
  const auto names = mode_names();
  for (std::size_t m = 0; m < metrics::delivery_mode_count; ++m) modes[py::str(names[m])] = per_mode[m];
  return py::dict("total_cost"_a = total, "cost_per_learner"_a = per_learner, "mode_cost"_a = modes,
                  "reasons"_a = reasons, "groups"_a = group_list(groups, [&](const metrics::cost_group& g) {
                                           py::dict mode_cost;
                                           for (std::size_t m = 0; m < metrics::delivery_mode_count; ++m) {
                                             mode_cost[py::str(names[m])] = g.mode_cost[m];
                                           }
                                           return py::dict("accounts"_a = g.accounts, "unpriced"_a = g.unpriced,
                                                           "users"_a = g.users, "total_cost"_a = g.total_cost,
                                                           "cost_per_learner"_a = g.cost_per_learner,
                                                           "mode_cost"_a = mode_cost, "reasons"_a = g.reasons);
                                         }));
}

// Sessions, total cost and cost per learner of one mode for each learner count.
py::dict delivery_costs(const std::string& mode_name, const py::array_t<double, py::array::c_style>& learners,
                        const std::vector<std::string>& settings_layers) {
  const auto mode = metrics::delivery_mode_from_string(mode_name);
  if (!mode)
    throw riskscale::error("delivery mode '" + mode_name +
                           "'; accepted: ilt_onsite, ilt_virtual, on_demand, certification, email_nurture");
  const metrics::cost_settings settings = cost_settings_of(settings_layers);
  const auto rows = static_cast<std::size_t>(learners.size());
  auto sessions = new_column<double>(rows), total = new_column<double>(rows), per_learner = new_column<double>(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    const metrics::delivery_cost cost = metrics::cost_of(*mode, learners.data()[row], settings);
    sessions.mutable_data()[row] = cost.sessions;
    total.mutable_data()[row] = cost.total;
    per_learner.mutable_data()[row] = cost.per_learner;
  }
  return py::dict("sessions"_a = sessions, "total"_a = total, "per_learner"_a = per_learner);
}

std::optional<std::uint64_t> break_even(const std::string& mode_name, const std::vector<std::string>& settings_layers) {
  const auto mode = metrics::delivery_mode_from_string(mode_name);
  if (!mode) throw riskscale::error("instructor_led = '" + mode_name + "'; accepted: ilt_onsite or ilt_virtual");
  return metrics::break_even(cost_settings_of(settings_layers), *mode);
}

// METRIC_COLUMNS: metrics/schema.hpp as plain Python data, metric -> {"rows", "inputs", "outputs": {level: [...]}}.
py::dict metric_columns() {
  constexpr std::array<const char*, 4> when = {"always", "input_has", "row_identity", "with_users"};
  constexpr std::array<const char*, 4> each = {"once", "each_stage", "each_later_stage", "each_mode"};
  py::dict tables;
  for (const metrics::metric_table_schema& table : metrics::metric_tables) {
    py::list inputs;
    for (const metrics::metric_input& column : table.inputs) {
      inputs.append(py::dict("name"_a = std::string(column.name), "required"_a = column.required,
                             "kind"_a = std::string(metrics::to_string(column.kind)),
                             "accepted"_a = std::string(column.accepted)));
    }
    py::dict outputs;
    for (const metrics::metric_level& level : table.levels) {
      py::list columns;
      for (const metrics::metric_output& column : level.columns) {
        columns.append(py::dict("name"_a = std::string(column.name),
                                "when"_a = when[static_cast<std::size_t>(column.when)],
                                "each"_a = each[static_cast<std::size_t>(column.each)]));
      }
      outputs[py::str(std::string(level.name))] = columns;
    }
    tables[py::str(std::string(table.metric))] =
        py::dict("rows"_a = std::string(table.rows), "inputs"_a = inputs, "outputs"_a = outputs);
  }
  return tables;
}

// metrics::output_names of a declared level for the columns `present` in the input.
std::vector<std::string> metric_output_names(const std::string& metric, const std::string& level_name,
                                             const std::vector<std::string>& present, bool row_identity,
                                             bool with_users, const std::vector<std::string>& stages,
                                             const std::string& by, bool copied_only) {
  const metrics::metric_table_schema* table = metrics::find_metric_table(metric);
  if (table == nullptr) throw py::value_error("metric '" + metric + "' is not a declared metric table");
  const metrics::metric_level* level = table->level(level_name);
  if (level == nullptr) throw py::value_error("level '" + level_name + "' is not a level of metric '" + metric + "'");
  metrics::output_choice choice;
  choice.input_has = [&present](std::string_view name) {
    return std::find(present.begin(), present.end(), name) != present.end();
  };
  choice.row_identity = row_identity;
  choice.with_users = with_users;
  choice.stages = stages;
  choice.by = by;
  return metrics::output_names(*level, choice, copied_only);
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.attr("METRIC_COLUMNS") = metric_columns();
  // The stage columns of a funnel table read without named stages (metrics::funnel_table::is_stage_column).
  m.def(
      "funnel_stage_columns",
      [](const std::vector<std::string>& names) {
        std::vector<std::string> stages;
        for (const std::string& name : names) {
          if (metrics::funnel_table::is_stage_column(name)) stages.push_back(name);
        }
        return stages;
      },
      "names"_a);
  m.def("metric_output_names", &metric_output_names, "metric"_a, "level"_a, "present"_a = std::vector<std::string>(),
        "row_identity"_a = false, "with_users"_a = false, "stages"_a = std::vector<std::string>(), "by"_a = "",
        "copied_only"_a = false);
  m.attr("METRIC_REASONS") = [] {
    py::list names;
    for (std::size_t i = 0; i < metrics::reason_count; ++i)
      names.append(std::string(metrics::to_string(static_cast<metrics::reason>(i))));
    return names;
  }();
  m.attr("DELIVERY_MODES") = mode_names();
  m.def(
      "metrics_describe_reasons", [](metrics::reason_set set) { return metrics::describe(set); }, "reasons"_a);
  m.def("metrics_adoption", &adoption, "seats"_a, "trained"_a, "active"_a, "archetype"_a = py::none(),
        "trained_inactive"_a = py::none(), "active_untrained"_a = py::none());
  m.def("metrics_count_users", &count_users, "account"_a, "trained"_a, "active"_a, "accounts"_a);
  m.def("metrics_funnel", &funnel, "stage_names"_a, "stages"_a, "archetype"_a = py::none());
  m.def("metrics_funnel_counts", &funnel_counts, "furthest_stage"_a, "cohort"_a, "cohort_count"_a, "stage_count"_a);
  m.def("metrics_program", &program, "completed"_a, "course"_a = py::none(), "course_count"_a = 0,
        "assessment_passed"_a = py::none(), "days_to_completion"_a = py::none(), "archetype"_a = py::none());
  m.def("metrics_impact", &impact, "completed"_a, "outcome"_a, "archetype"_a = py::none(), "min_group_size"_a = 10,
        "confidence"_a = 0.95);
  m.def(
      "metrics_wilson_interval",
      [](double x, double n, double confidence) {
        const metrics::interval w = metrics::wilson_interval(x, n, metrics::z_for_confidence(confidence));
        return py::make_tuple(w.lower, w.upper);
      },
      "successes"_a, "trials"_a, "confidence"_a = 0.95);
  m.def(
      "metrics_newcombe_interval",
      [](double x1, double n1, double x2, double n2, double confidence) {
        const metrics::difference_interval d =
            metrics::newcombe_interval(x1, n1, x2, n2, metrics::z_for_confidence(confidence));
        return py::make_tuple(d.difference, d.lower, d.upper);
      },
      "x1"_a, "n1"_a, "x2"_a, "n2"_a, "confidence"_a = 0.95);
  m.def("metrics_interaction_rate", &interaction_rate, "interactions"_a, "posts"_a, "followers"_a,
        "archetype"_a = py::none());
  m.def(
      "metrics_cost_settings",
      [](const std::vector<std::string>& layers) { return cost_settings_of(layers).to_json(); }, "layers"_a);
  m.def("metrics_training_cost", &training_cost, "users"_a, "recommendations"_a, "format_ids"_a, "archetype"_a,
        "settings_layers"_a);
  m.def("metrics_delivery_costs", &delivery_costs, "mode"_a, "learners"_a, "settings_layers"_a);
  m.def("metrics_break_even", &break_even, "instructor_led"_a, "settings_layers"_a);
}
