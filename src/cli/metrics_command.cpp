#include "cli/metrics_command.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli_error.hpp"
#include "cli/command_options.hpp"
#include "cli/input_source.hpp"
#include "cli/metric_tables.hpp"
#include "cli/output_file.hpp"
#include "cli/utf8_warning.hpp"
#include "csv/csv.hpp"
#include "riskscale/cell_text.hpp"
#include "riskscale/metrics.hpp"

namespace riskscale::cli {
namespace {

namespace m = riskscale::metrics;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------------------------
// Output: one table, rendered as aligned text, JSON or CSV.

using cell = std::variant<std::monostate, std::string, double, std::int64_t>;

struct result {
  std::string title;  // text output's first line
  std::vector<std::string> columns;
  std::vector<std::vector<cell>> rows;
  std::vector<std::string> notes;                                   // text output's last lines
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // JSON keys beside "rows"
  std::size_t excluded = 0;                                         // rows left out of the groups: exit status 1

  void add(std::vector<cell> row) { rows.push_back(std::move(row)); }
};

cell count(std::size_t value) { return static_cast<std::int64_t>(value); }

// "1 account", "3 accounts".
std::string counted(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}
cell text(std::string_view value) { return std::string(value); }
cell maybe(const std::vector<std::string>* column, std::size_t row) {
  return column != nullptr ? cell(column->at(row)) : cell();
}

std::string text_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.4f", value);
  std::string shown = buffer;
  while (!shown.empty() && shown.back() == '0') shown.pop_back();
  if (!shown.empty() && shown.back() == '.') shown.pop_back();
  return shown == "-0" ? "0" : shown;
}

std::string render_text(const result& r) {
  std::vector<std::vector<std::string>> shown;
  std::vector<std::size_t> width;
  for (const auto& name : r.columns) width.push_back(name.size());
  for (const auto& row : r.rows) {
    std::vector<std::string> line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string value;
      if (const auto* s = std::get_if<std::string>(&row[c]))
        value = *s;
      else if (const auto* d = std::get_if<double>(&row[c]))
        value = text_number(*d);
      else if (const auto* i = std::get_if<std::int64_t>(&row[c]))
        value = std::to_string(*i);
      width[c] = std::max(width[c], value.size());
      line.push_back(std::move(value));
    }
    shown.push_back(std::move(line));
  }
  std::string out = r.title + "\n";
  const auto emit = [&](const std::vector<std::string>& line) {
    std::string text_line;
    for (std::size_t c = 0; c < line.size(); ++c) {
      if (c > 0) text_line += "  ";
      text_line += line[c] + std::string(width[c] - line[c].size(), ' ');
    }
    while (!text_line.empty() && text_line.back() == ' ') text_line.pop_back();
    out += text_line + "\n";
  };
  emit(r.columns);
  for (const auto& line : shown) emit(line);
  for (const auto& note : r.notes) out += note + "\n";
  return out;
}

std::string render_csv(const result& r) {
  std::string out;
  for (std::size_t c = 0; c < r.columns.size(); ++c) {
    if (c > 0) out += ',';
    csv::append_field(out, r.columns[c]);
  }
  out += '\n';
  for (const auto& row : r.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      if (const auto* s = std::get_if<std::string>(&row[c]))
        csv::append_field(out, *s);
      else if (const auto* d = std::get_if<double>(&row[c])) {
        if (!std::isnan(*d)) csv::append_double(out, *d);
      } else if (const auto* i = std::get_if<std::int64_t>(&row[c]))
        out += std::to_string(*i);
    }
    out += '\n';
  }
  return out;
}

std::string render_json(const result& r, const metrics_command_options& options) {
  nlohmann::ordered_json doc;
  doc["metric"] = options.metric;
  doc["level"] = options.level;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  utf8_warning invalid_text;
  for (std::size_t row_number = 0; row_number < r.rows.size(); ++row_number) {
    const auto& row = r.rows[row_number];
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto& value = object[r.columns[c]];
      if (const auto* s = std::get_if<std::string>(&row[c])) {
        invalid_text.check(*s, r.columns[c], "output row " + std::to_string(row_number + 1));
        value = *s;
      } else if (const auto* d = std::get_if<double>(&row[c]))
        value = std::isfinite(*d) ? nlohmann::ordered_json(*d) : nullptr;
      else if (const auto* i = std::get_if<std::int64_t>(&row[c]))
        value = *i;
      else
        value = nullptr;
    }
    rows.push_back(std::move(object));
  }
  doc["rows"] = std::move(rows);
  for (const auto& [key, value] : r.extra.items()) doc[key] = value;
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// The groups a table shows: each archetype when the input had an archetype column, then overall.
std::vector<std::size_t> shown_groups(bool by_archetype) {
  if (!by_archetype) return {m::overall_group};
  return {0, 1, 2, 3, m::overall_group};
}

std::string reasons(m::reason_set set) { return m::describe(set); }

// The declared output level `name` of a metric (the --level given, already checked against the declaration).
const m::metric_level& level_named(const m::constant_list<m::metric_level>& levels, std::string_view name) {
  for (const m::metric_level& level : levels) {
    if (level.name == name) return level;
  }
  throw cli_error("--level " + std::string(name) +
                  ": not a level of this metric; accepted: " + std::string(levels[0].name));
}

// The --level choices of a metric with more than one declared level, the default first; none for one level.
std::vector<std::string> level_choices(const m::constant_list<m::metric_level>& levels) {
  std::vector<std::string> names;
  if (levels.size() > 1) {
    for (const m::metric_level& level : levels) names.emplace_back(level.name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// adoption

result run_adoption(const metrics_command_options& o) {
  namespace columns = m::adoption_table;
  namespace user_columns = m::adoption_users_table;
  const m::metric_level& level = level_named(columns::levels, o.level);
  const bool level_account = level.name != columns::levels[0].name;
  metric_table t = read_metric_table(o.input, m::input_names(columns::inputs), o.max_record_bytes);
  const std::vector<double> seats = required_metric_numbers(t, columns::seats);
  std::vector<double> trained, active;
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  std::optional<m::user_counts> users;
  if (!o.users.empty()) {
    if (t.has(columns::trained.name) || t.has(columns::active.name)) {
      throw cli_error(t.source + " has " + std::string(columns::trained.name) + "/" +
                      std::string(columns::active.name) + " columns and --users was given; accepted: one or the other");
    }
    const std::string id(columns::account_id.name);
    if (!t.has(id)) throw cli_error(t.source + " lacks the column '" + id + "'; accepted: the ids --users refers to");
    std::unordered_map<std::string, std::int64_t> index;
    const auto& ids = t.column(id);
    for (std::size_t row = 0; row < ids.size(); ++row) {
      if (!index.emplace(ids[row], static_cast<std::int64_t>(row)).second) {
        throw cli_error(t.where(row) + ", column '" + id + "': '" + ids[row] +
                        "' appears twice; accepted: one row per account with --users");
      }
    }
    const metric_table u = read_metric_table(o.users, m::input_names(user_columns::inputs), o.max_record_bytes);
    const std::string user_id(user_columns::account_id.name);
    if (!u.has(user_id)) {
      throw cli_error(u.source + " lacks the column '" + user_id +
                      "'; accepted: " + std::string(user_columns::account_id.accepted));
    }
    std::vector<std::int64_t> account;
    const auto& user_ids = u.column(user_id);
    for (std::size_t row = 0; row < user_ids.size(); ++row) {
      const auto found = index.find(user_ids[row]);
      if (found == index.end()) {
        throw cli_error(u.where(row) + ", column '" + user_id + "': '" + user_ids[row] + "' is not an " + id + " of " +
                        t.source + "; accepted: the " + id + " of an account row");
      }
      account.push_back(found->second);
    }
    const std::vector<double> trained_flags = required_metric_numbers(u, user_columns::trained);
    const std::vector<double> active_flags = required_metric_numbers(u, user_columns::active);
    users = refusing(u, {}, [&] { return m::count_users(account, trained_flags, active_flags, t.rows()); });
    trained.assign(users->trained.data(), users->trained.data() + users->trained.size());
    active.assign(users->active.data(), users->active.data() + users->active.size());
  } else {
    trained = required_metric_numbers(t, columns::trained);
    active = required_metric_numbers(t, columns::active);
  }
  m::adoption_input in;
  in.seats = seats;
  in.trained = trained;
  in.active = active;
  if (!archetype.empty()) in.archetype = archetype;
  if (users) {
    in.trained_inactive = users->trained_inactive;
    in.active_untrained = users->active_untrained;
  }
  const m::adoption_result r = refusing(t, {}, [&] { return m::adoption(in); });

  result out;
  out.excluded = r.groups[m::overall_group].excluded;
  m::output_choice choice;
  choice.with_users = users.has_value();
  out.columns = metric_output_names(t, level, choice);
  if (level_account) {
    out.title = "Adoption gap per account (" + t.source + ")";
    const auto* ids = t.has(columns::account_id.name) ? &t.column(columns::account_id.name) : nullptr;
    const auto* types = t.has(m::archetype_column.name) ? &t.column(m::archetype_column.name) : nullptr;
    for (std::size_t row = 0; row < t.rows(); ++row) {
      const auto i = static_cast<Eigen::Index>(row);
      std::vector<cell> line;
      if (ids) line.push_back(maybe(ids, row));
      if (types) line.push_back(maybe(types, row));
      line.insert(line.end(), {seats[row], trained[row], active[row]});
      if (users) line.insert(line.end(), {users->users[i], users->trained_inactive[i], users->active_untrained[i]});
      line.insert(line.end(),
                  {r.training_coverage[i], r.activation[i], r.shelfware_seats[i], text(reasons(r.reasons[row]))});
      out.add(std::move(line));
    }
    return out;
  }
  out.title = "Adoption gap per archetype (" + t.source + ", " + std::to_string(t.rows()) + " accounts)";
  for (std::size_t g : shown_groups(!archetype.empty())) {
    const m::adoption_group& group = r.groups[g];
    std::vector<cell> line{text(m::group_name(g)), count(group.accounts), count(group.excluded), group.seats,
                           group.trained,          group.active,          group.shelfware_seats};
    if (users) line.insert(line.end(), {group.trained_inactive, group.active_untrained});
    line.insert(line.end(), {group.training_coverage, group.activation, text(reasons(group.reasons))});
    out.add(std::move(line));
  }
  if (out.excluded > 0) {
    out.notes.push_back(counted(out.excluded, "account") +
                        " left out for bad or inconsistent data; see --level account for the reasons");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// funnel

void add_funnel_values(std::vector<cell>& line, const std::vector<std::string>& stages, const double* counts,
                       const double* step_conversion, double overall, int largest_drop, m::reason_set set) {
  for (std::size_t s = 0; s < stages.size(); ++s) line.emplace_back(counts[s]);
  for (std::size_t s = 0; s + 1 < stages.size(); ++s) line.emplace_back(step_conversion[s]);
  line.emplace_back(overall);
  line.push_back(largest_drop >= 0 ? text(stages[static_cast<std::size_t>(largest_drop) + 1]) : cell());
  line.push_back(text(reasons(set)));
}

result run_funnel(const metrics_command_options& o) {
  const std::vector<std::string>& stages = o.stages;
  if (stages.size() < 2)
    throw cli_error("--stages names " + std::to_string(stages.size()) +
                    " stage; accepted: at least two, in funnel order");
  const bool per_user = !o.stage_column.empty();
  namespace columns = m::funnel_table;
  std::vector<std::string> wanted = stages;
  wanted.insert(wanted.end(), {o.by, o.stage_column});
  for (const m::metric_input& column : columns::inputs) {
    if (column.kind == m::cell_kind::key || column.kind == m::cell_kind::archetype) wanted.emplace_back(column.name);
  }
  metric_table t = read_metric_table(o.input, wanted, o.max_record_bytes);
  m::output_choice choice;
  choice.stages = stages;
  choice.by = o.by;
  choice.row_identity = !per_user;  // per-user rows are cohorts, not input rows
  const std::vector<std::int8_t> row_archetype = metric_archetypes(t);

  // The funnel rows: the input's rows, or for per-user data one per (cohort, archetype).
  std::vector<std::vector<double>> counts(stages.size());
  std::vector<std::int8_t> archetype;
  std::vector<std::vector<cell>> keys;  // per funnel row: the key columns shown
  std::vector<std::string> key_names;
  if (!per_user) {
    for (std::size_t s = 0; s < stages.size(); ++s) {
      counts[s] = required_metric_numbers(t, stages[s], std::string(columns::stage.accepted) + " of --stages");
    }
    archetype = row_archetype;
    key_names = metric_output_names(t, level_named(columns::levels, "row"), choice, true);
    for (std::size_t row = 0; row < t.rows(); ++row) {
      std::vector<cell> key;
      for (const auto& name : key_names) key.push_back(maybe(&t.column(name), row));
      keys.push_back(std::move(key));
    }
  } else {
    if (!t.has(o.stage_column)) {
      throw cli_error(t.source + " lacks the column '" + o.stage_column +
                      "'; accepted: " + std::string(columns::furthest_stage.accepted));
    }
    if (!o.by.empty() && !t.has(o.by))
      throw cli_error(t.source + " lacks the column '" + o.by + "'; accepted: each user's cohort");
    const auto& stage_text = t.column(o.stage_column);
    std::vector<double> furthest;
    for (std::size_t row = 0; row < stage_text.size(); ++row) {
      const auto named = std::find(stages.begin(), stages.end(), stage_text[row]);
      double value = nan;
      if (named != stages.end())
        value = static_cast<double>(named - stages.begin());
      else if (!csv::parse_double(stage_text[row], value)) {
        throw cli_error(t.where(row) + ", column '" + o.stage_column + "': '" + stage_text[row] +
                        "' is not a stage; accepted: a name of --stages or its position from 0");
      }
      furthest.push_back(value);
    }
    // Cohorts: each distinct (--by value, archetype), sorted.
    std::map<std::pair<std::string, int>, std::int64_t> cohort_of;
    const auto key_of = [&](std::size_t row) {
      return std::make_pair(o.by.empty() ? std::string() : t.column(o.by)[row],
                            row_archetype.empty() ? -1 : static_cast<int>(row_archetype[row]));
    };
    for (std::size_t row = 0; row < t.rows(); ++row) cohort_of.emplace(key_of(row), 0);
    if (cohort_of.empty()) cohort_of.emplace(std::make_pair(std::string(), -1), 0);
    std::int64_t next = 0;
    for (auto& entry : cohort_of) entry.second = next++;
    std::vector<std::int64_t> cohort;
    for (std::size_t row = 0; row < t.rows(); ++row) cohort.push_back(cohort_of.at(key_of(row)));
    const Eigen::ArrayXXd matrix = refusing(t, {{"furthest_stage", o.stage_column}, {"cohort", o.by}}, [&] {
      return m::funnel_counts(furthest, cohort, cohort_of.size(), stages.size());
    });
    for (std::size_t s = 0; s < stages.size(); ++s) {
      const auto column = matrix.col(static_cast<Eigen::Index>(s));
      counts[s].assign(column.data(), column.data() + column.size());
    }
    key_names = metric_output_names(t, level_named(columns::levels, "row"), choice, true);
    for (const auto& [key, code] : cohort_of) {
      std::vector<cell> shown;  // a cell per key column: the --by value, then the archetype (once when --by names it)
      for (const std::string& name : key_names) {
        if (name == o.by) {
          shown.push_back(text(key.first));
        } else {
          shown.push_back(key.second >= 0 ? text(m::group_name(static_cast<std::size_t>(key.second))) : cell());
        }
      }
      if (!row_archetype.empty()) archetype.push_back(static_cast<std::int8_t>(key.second));
      keys.push_back(std::move(shown));
    }
  }
  m::funnel_input in;
  in.stage_names = stages;
  for (const auto& column : counts) in.stages.emplace_back(column);
  if (!archetype.empty()) in.archetype = archetype;
  const m::funnel_result r = refusing(t, {}, [&] { return m::funnel(in); });

  result out;
  out.excluded = r.groups[m::overall_group].excluded;
  if (o.level == "row") {
    out.title = "Funnel per " + std::string(per_user ? "cohort" : "row") + " (" + t.source + ")";
    out.columns = metric_output_names(t, level_named(columns::levels, o.level), choice);
    std::vector<double> row_counts(stages.size());
    for (std::size_t row = 0; row < keys.size(); ++row) {
      for (std::size_t s = 0; s < stages.size(); ++s) row_counts[s] = counts[s][row];
      std::vector<cell> line = keys[row];
      const auto i = static_cast<Eigen::Index>(row);
      add_funnel_values(line, stages, row_counts.data(), r.step_conversion.row(i).data(), r.overall_conversion[i],
                        r.largest_drop_step[row], r.reasons[row]);
      out.add(std::move(line));
    }
    return out;
  }
  out.title = "Funnel per archetype (" + t.source + ")";
  out.columns = metric_output_names(t, level_named(columns::levels, o.level), choice);
  for (std::size_t g : shown_groups(!archetype.empty())) {
    const m::funnel_group& group = r.groups[g];
    std::vector<cell> line{text(m::group_name(g)), count(group.rows), count(group.excluded)};
    add_funnel_values(line, stages, group.counts.data(), group.steps.step_conversion.data(),
                      group.steps.overall_conversion, group.steps.largest_drop_step, group.steps.reasons);
    out.add(std::move(line));
  }
  if (out.excluded > 0) {
    out.notes.push_back(counted(out.excluded, "row") +
                        " left out: a stage counts more than the one before it (see --level row)");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// programme

result run_program(const metrics_command_options& o) {
  const program_table p = read_program_table(o.input, o.by, o.max_record_bytes);
  const metric_table& t = p.table;
  const std::string& key = p.course_column;
  const auto& course_codes = p.course_codes;
  const m::program_result& r = p.result;
  result out;
  const std::string course_column = key.empty() ? std::string(m::program_table::course.name) : key;
  out.title = "Programme metrics per " + course_column + " and archetype (" + t.source + ", " +
              std::to_string(t.rows()) + " enrolments)";
  m::output_choice choice;
  choice.by = course_column;
  out.columns = metric_output_names(t, level_named(m::program_table::levels, o.level), choice);
  std::vector<std::pair<std::string, std::size_t>> courses;
  for (const auto& [name, code] : course_codes) courses.emplace_back(name, static_cast<std::size_t>(code));
  courses.emplace_back("overall", course_codes.size());
  for (const auto& [name, index] : courses) {
    for (std::size_t g : shown_groups(p.by_archetype)) {
      const m::program_cell& c = r.at(index, g);
      out.add({text(name), text(m::group_name(g)), count(c.enrolments), count(c.completions), c.completion_rate,
               count(c.assessed), count(c.passed), c.pass_rate, c.median_days_to_completion, text(reasons(c.reasons))});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// impact

result run_impact(const metrics_command_options& o) {
  const metric_table t = read_metric_table(o.input, impact_columns(o.completed, o.outcomes), o.max_record_bytes);
  const std::vector<std::string> outcomes = impact_outcomes(t, o.outcomes);
  const bool by_archetype = t.has(m::archetype_column.name);
  m::impact_settings settings;
  settings.min_group_size = o.min_group_size;
  settings.confidence = o.confidence;

  result out;
  out.title = "Impact of completed onboarding (" + o.completed + ") per outcome and archetype (" + t.source +
              "; Newcombe hybrid score interval, " + text_number(o.confidence * 100) + "%)";
  out.columns = metric_output_names(t, level_named(m::impact_table::levels, o.level));
  for (const auto& outcome : outcomes) {
    const auto groups = impact_of(t, o.completed, outcome, settings);
    for (std::size_t g : shown_groups(by_archetype)) {
      const m::impact_group& x = groups[g];
      out.add({text(outcome), text(m::group_name(g)), count(x.accounts_completed), count(x.outcome_completed),
               x.rate_completed, x.completed_interval.lower, x.completed_interval.upper,
               count(x.accounts_not_completed), count(x.outcome_not_completed), x.rate_not_completed,
               x.not_completed_interval.lower, x.not_completed_interval.upper, x.difference.difference,
               x.difference.lower, x.difference.upper, text(reasons(x.reasons))});
    }
  }
  const bool small = std::any_of(out.rows.begin(), out.rows.end(), [](const std::vector<cell>& row) {
    return std::get<std::string>(row.back()).find("small_group") != std::string::npos;
  });
  if (small) {
    out.notes.push_back("small_group: a side has fewer than " + counted(o.min_group_size, "account") +
                        " (--min-group-size); its interval is given but too wide to act on alone");
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// interaction rate

result run_interaction(const metrics_command_options& o) {
  const interaction_table channels = read_interaction_table(o.input, o.max_record_bytes);
  const metric_table& t = channels.table;
  const std::vector<double>& interactions = channels.interactions;
  const std::vector<double>& posts = channels.posts;
  const std::vector<double>& followers = channels.followers;
  const m::interaction_result& r = channels.result;
  result out;
  if (o.level == "group") {
    out.title = "Interaction rate (%) per archetype, pooled (" + t.source + ")";
    out.columns = metric_output_names(t, level_named(m::interaction_table::levels, o.level));
    for (std::size_t g : shown_groups(channels.by_archetype)) {
      const m::interaction_group& x = r.groups[g];
      out.add({text(m::group_name(g)), count(x.rows), count(x.excluded), x.interactions, x.posts, x.post_followers,
               x.rate, text(reasons(x.reasons))});
    }
    return out;
  }
  out.title = "Interaction rate (%) per channel and period (" + t.source + ")";
  const m::metric_level& level = level_named(m::interaction_table::levels, o.level);
  std::vector<const std::vector<std::string>*> keys;
  for (const std::string& name : metric_output_names(t, level, {}, true)) keys.push_back(&t.column(name));
  out.columns = metric_output_names(t, level);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    std::vector<cell> line;
    for (const auto* key : keys) line.push_back(maybe(key, row));
    line.insert(line.end(), {interactions[row], posts[row], followers[row], r.rate[static_cast<Eigen::Index>(row)],
                             text(reasons(r.reasons[row]))});
    out.add(std::move(line));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// cost

m::cost_settings load_cost_settings(const std::string& path) {
  if (path.empty()) return {};
  const std::string text = read_option_file(path, "cost settings", "a readable JSON file (see --print-settings)");
  try {
    return m::cost_settings::from_json(text);
  } catch (const riskscale::error& e) {
    throw cli_error(path + ": " + e.what());
  }
}

void add_break_even(result& out, const m::cost_settings& settings) {
  for (const auto mode : {m::delivery_mode::ilt_onsite, m::delivery_mode::ilt_virtual}) {
    const auto learners = m::break_even(settings, mode);
    const std::string name(m::to_string(mode));
    out.extra["break_even"][name] = learners ? nlohmann::ordered_json(*learners) : nlohmann::ordered_json(nullptr);
    out.notes.push_back("break-even, on-demand no dearer than " + name + ": " +
                        (learners ? std::to_string(*learners) + " learners"
                                  : "none up to " + text_number(settings.break_even_search_limit) + " learners (" +
                                        std::string(m::to_string(m::reason::no_break_even)) + ")"));
  }
}

result run_cost(const metrics_command_options& o) {
  const m::cost_settings settings = load_cost_settings(o.settings_path);
  result out;
  if (o.input.empty()) {
    if (o.learners.empty()) {
      out.title = "Break-even of on-demand against instructor-led training";
      out.columns = m::output_names(m::break_even_table::levels[0], {});
      for (const auto mode : {m::delivery_mode::ilt_onsite, m::delivery_mode::ilt_virtual}) {
        const auto learners = m::break_even(settings, mode);
        out.add({text(m::to_string(mode)), learners ? count(static_cast<std::size_t>(*learners)) : cell(),
                 text(learners ? "ok" : m::to_string(m::reason::no_break_even))});
      }
      return out;
    }
    out.title = "Training cost per delivery mode";
    out.columns = m::output_names(m::delivery_cost_table::levels[0], {});
    for (const double learners : o.learners) {
      for (std::size_t k = 0; k < m::delivery_mode_count; ++k) {
        const auto mode = static_cast<m::delivery_mode>(k);
        m::delivery_cost c;
        try {
          c = m::cost_of(mode, learners, settings);
        } catch (const riskscale::error& e) {
          throw cli_error(std::string("--learners: ") + e.what());
        }
        out.add({learners, text(m::to_string(mode)), c.sessions, c.total, c.per_learner});
      }
    }
    add_break_even(out, settings);
    return out;
  }
  namespace columns = m::cost_table;
  metric_table t = read_metric_table(o.input, m::input_names(columns::inputs), o.max_record_bytes);
  const std::vector<double> users = required_metric_numbers(t, columns::users);
  if (!t.has(columns::recommendations.name)) {
    throw cli_error(t.source + " lacks the column '" + std::string(columns::recommendations.name) +
                    "'; accepted: " + std::string(columns::recommendations.accepted));
  }
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  // Each row's format ids as indices into the distinct ids, -1 padded.
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::int16_t> position;
  std::vector<std::vector<std::int16_t>> mix(t.rows());
  std::size_t width = 0;
  const auto& texts = t.column(columns::recommendations.name);
  for (std::size_t row = 0; row < t.rows(); ++row) {
    std::stringstream parts(texts[row]);
    for (std::string id; std::getline(parts, id, ';');) {
      if (id.empty()) continue;
      const auto [found, added] = position.emplace(id, static_cast<std::int16_t>(ids.size()));
      if (added) ids.push_back(id);
      mix[row].push_back(found->second);
    }
    width = std::max(width, mix[row].size());
  }
  std::vector<std::int16_t> recommendations(t.rows() * width, -1);
  for (std::size_t row = 0; row < t.rows(); ++row)
    std::copy(mix[row].begin(), mix[row].end(), recommendations.begin() + static_cast<std::ptrdiff_t>(row * width));
  m::cost_input in;
  in.users = users;
  in.recommendations = recommendations;
  in.width = width;
  in.format_ids = ids;
  if (!archetype.empty()) in.archetype = archetype;
  const m::cost_result r = refusing(t, {}, [&] { return m::training_cost(in, settings); });
  out.excluded = r.groups[m::overall_group].unpriced;
  const m::metric_level& level = level_named(columns::levels, o.level);
  out.columns = metric_output_names(t, level);
  if (level.name != columns::levels[0].name) {
    out.title = "Training cost of each account's recommended mix, standalone (" + t.source + ")";
    const auto* account_ids = t.has(columns::account_id.name) ? &t.column(columns::account_id.name) : nullptr;
    const auto* types = t.has(m::archetype_column.name) ? &t.column(m::archetype_column.name) : nullptr;
    for (std::size_t row = 0; row < t.rows(); ++row) {
      const auto i = static_cast<Eigen::Index>(row);
      std::vector<cell> line;
      if (account_ids) line.push_back(maybe(account_ids, row));
      if (types) line.push_back(maybe(types, row));
      line.insert(line.end(), {users[row], r.total_cost[i], r.cost_per_learner[i]});
      for (std::size_t k = 0; k < m::delivery_mode_count; ++k) line.emplace_back(r.mode_cost[k][i]);
      std::string unknown;
      for (const std::int16_t k : mix[row]) {
        const std::string& id = ids[static_cast<std::size_t>(k)];
        if (!settings.mode_of(id)) unknown += (unknown.empty() ? "" : ";") + id;
      }
      line.insert(line.end(), {text(unknown), text(reasons(r.reasons[row]))});
      out.add(std::move(line));
    }
  } else {
    out.title = "Training cost of the recommended mixes per archetype (" + t.source + ", " + std::to_string(t.rows()) +
                " accounts; once-per-format costs counted once per group)";
    for (std::size_t g : shown_groups(!archetype.empty())) {
      const m::cost_group& x = r.groups[g];
      std::vector<cell> line{text(m::group_name(g)), count(x.accounts), count(x.unpriced), x.users,
                             x.total_cost,           x.cost_per_learner};
      for (std::size_t k = 0; k < m::delivery_mode_count; ++k) line.emplace_back(x.mode_cost[k]);
      line.push_back(text(reasons(x.reasons)));
      out.add(std::move(line));
    }
  }
  if (out.excluded > 0) {
    out.notes.push_back(counted(out.excluded, "account") +
                        " not priced: a recommended format has no delivery mode (unknown_format; add it to "
                        "format_modes in --settings)");
  }
  add_break_even(out, settings);
  return out;
}

}  // namespace

CLI::App* add_metrics_command(CLI::App& app, metrics_command_options& options) {
  CLI::App* metrics = app.add_subcommand(
      "metrics", "Education and onboarding metrics: adoption, funnel, program, impact, interaction, cost");
  metrics->require_subcommand(1);
  metrics->footer(
      "Every metric groups by an `archetype` column when the CSV has one (e.g. `riskscale classify --keep-all`\n"
      "output) and adds an `overall` row. NaN (empty in CSV, null in JSON, nan in text) means the value cannot be\n"
      "computed; the `reason` column says why (ok, zero_seats, empty_group, small_group, ...).\n"
      "Exit status: 0; 1 when rows were left out of the groups for bad or inconsistent data (their reasons are\n"
      "in the per-row output); 2 on a missing or malformed column, a bad option or file.\n"
      "Example:\n  riskscale metrics adoption accounts.csv --format csv -o adoption.csv");

  const auto common = [&](CLI::App* sub, const char* name, bool input_required, std::vector<std::string> levels) {
    auto* input = sub->add_option("input", options.input, "Input CSV (- for stdin)");
    if (input_required) input->required();
    sub->add_option("-o,--output", options.output, "Output file (default: - for stdout)");
    sub->add_option("--format", options.format, "text, json or csv (default: text)")
        ->check(CLI::IsMember({"text", "json", "csv"}));
    if (!levels.empty()) {
      sub->add_option("--level", options.level,
                      "Rows of the output: " + levels[0] + " or " + levels[1] + " (default: " + levels[0] + ")")
          ->check(CLI::IsMember(levels));
    }
    sub->callback([&options, name, levels] {
      options.metric = name;
      if (options.level.empty()) options.level = levels.empty() ? "group" : levels[0];
    });
    return sub;
  };

  CLI::App* adoption =
      common(metrics->add_subcommand("adoption", "Adoption gap: training coverage, activation, shelfware seats"),
             "adoption", true, level_choices(m::adoption_table::levels));
  adoption->add_option("--users", options.users,
                       "User table CSV (account_id, trained, active flags): counts trained/active per account and "
                       "adds trained_inactive, active_untrained");
  adoption->footer(
      "Input columns: seats, trained, active (counts per account; without --users), optional account_id, archetype.\n"
      "Rows with NaN/negative counts or more trained/active users than seats get a reason and are left out.\n"
      "Example:\n  riskscale metrics adoption accounts.csv\n"
      "  account_id,seats,trained,active,archetype\n  ACC-1,100,80,60,high_scale_high_risk\n"
      "  riskscale metrics adoption accounts.csv --users users.csv --level account --format csv");

  CLI::App* funnel =
      common(metrics->add_subcommand("funnel", "Funnel drop-off: step and overall conversion, largest drop"), "funnel",
             true, level_choices(m::funnel_table::levels));
  funnel->add_option("--stages", options.stages, "Stage names in funnel order, comma separated (at least two)")
      ->required()
      ->delimiter(',');
  funnel->add_option(
      "--stage-column", options.stage_column,
      "Per-user input: the column with each user's furthest stage (a stage name or its position from 0)");
  funnel->add_option("--by", options.by, "Cohort column: per-user counts per cohort; copied to --level row output");
  funnel->footer(
      "Input: one row per cohort with a count column per stage, optional archetype; or, with --stage-column, one\n"
      "row per user (reaching stage k counts in stages 0..k). largest_drop_stage is the stage with the lowest\n"
      "conversion into it (ties: the earliest). Rows whose counts rise along the funnel are reported and left out.\n"
      "Example:\n  riskscale metrics funnel cohorts.csv --stages invited,logged_in,finished_course,certified\n"
      "  cohort,invited,logged_in,finished_course,certified\n  2024-01,100,80,40,30\n"
      "  riskscale metrics funnel users.csv --stages invited,logged_in,certified --stage-column stage --by cohort");

  CLI::App* program = common(metrics->add_subcommand("program", "Programme metrics per course and archetype"),
                             "program", true, level_choices(m::program_table::levels));
  program->add_option("--by", options.by, "Course (or format) column (default: course, when present)");
  program->footer(
      "Input: one row per enrolment: completed (1/0), optional course, assessment_passed (1/0, empty when not\n"
      "assessed), days_to_completion (completed enrolments only), archetype.\n"
      "Example:\n  riskscale metrics program enrolments.csv\n"
      "  course,completed,assessment_passed,days_to_completion\n  admin-101,1,1,12");

  CLI::App* impact =
      common(metrics->add_subcommand("impact", "Renewal/retention/expansion with vs without completed onboarding"),
             "impact", true, level_choices(m::impact_table::levels));
  // The defaults, as the core declares them.
  const m::impact_settings defaults;
  std::string outcomes;
  for (const std::string_view name : m::default_impact_outcomes) outcomes += std::string(name) + ", ";
  impact->add_option(
      "--completed", options.completed,
      "Column flagging completed onboarding (default: " + std::string(m::impact_table::completed.name) + ")");
  impact
      ->add_option("--outcomes", options.outcomes,
                   "Outcome columns, comma separated (default: " + outcomes + "those present)")
      ->delimiter(',');
  impact->add_option(
      "--min-group-size", options.min_group_size,
      "A side with fewer accounts is flagged small_group (default: " + std::to_string(defaults.min_group_size) + ")");
  impact
      ->add_option("--confidence", options.confidence,
                   "Confidence level of the intervals (default: " + text_number(defaults.confidence) + ")")
      ->check(CLI::Range(0.0, 1.0));
  impact->footer(
      "Difference of rates (completed - not) with Newcombe's hybrid score interval (Stat Med 1998;17:873, method 10).\n"
      "An empty side gives NaN with completed_group_empty / not_completed_group_empty.\n"
      "Example:\n  riskscale metrics impact accounts.csv --outcomes renewed,expanded\n"
      "  account_id,onboarding_completed,renewed,expanded\n  ACC-1,1,1,0");

  CLI::App* interaction =
      common(metrics->add_subcommand("interaction", "Community/social interaction rate per channel and period"),
             "interaction", true, level_choices(m::interaction_table::levels));
  interaction->footer(
      "Input: interactions, posts, followers (counts), optional channel, period, account_id, archetype.\n"
      "Rate = interactions / posts / followers x 100 (%); groups pool their rows.\n"
      "Example:\n  riskscale metrics interaction channels.csv\n  channel,period,interactions,posts,followers\n"
      "  forum,2024-01,50,10,1000");

  CLI::App* cost =
      common(metrics->add_subcommand("cost", "Training cost: recommended mixes, modes compared, break-even"), "cost",
             false, level_choices(m::cost_table::levels));
  cost->add_option("--learners", options.learners,
                   "Without input: learner counts to price every mode at, comma separated")
      ->delimiter(',');
  cost->add_option("--settings", options.settings_path,
                   "Cost settings JSON (every key optional; see --print-settings)");
  cost->add_flag("--print-settings", options.print_settings, "Print the effective cost settings as JSON and exit");
  cost->footer(
      "Input: users and recommendations (format ids joined by ';', as classify writes them), optional account_id,\n"
      "archetype. Without input: --learners compares the modes; with neither, the break-even table.\n"
      "Example:\n  riskscale metrics cost classified.csv --settings costs.json\n"
      "  account_id,users,recommendations,archetype\n  ACC-1,45,onsite_training;live_lab,low_scale_high_risk\n"
      "  riskscale metrics cost --learners 20,100,500");
  for (CLI::App* metric : metrics->get_subcommands({})) add_max_record_bytes(metric, options.max_record_bytes);
  return metrics;
}

int run_metrics(const metrics_command_options& options) {
  refuse_clobbering({{"input", options.input}, {"users table", options.users}, {"settings", options.settings_path}},
                    {{"output", options.output}});
  if (options.metric == "cost" && options.print_settings) {
    output_file output(options.output);
    output.write(load_cost_settings(options.settings_path).to_json() + "\n");
    output.commit();
    return exit_ok;
  }
  result r;
  if (options.metric == "adoption")
    r = run_adoption(options);
  else if (options.metric == "funnel")
    r = run_funnel(options);
  else if (options.metric == "program")
    r = run_program(options);
  else if (options.metric == "impact")
    r = run_impact(options);
  else if (options.metric == "interaction")
    r = run_interaction(options);
  else if (options.metric == "cost")
    r = run_cost(options);
  else
    throw cli_error("metrics: no metric given; accepted: adoption, funnel, program, impact, interaction, cost");
  output_file output(options.output);
  output.write(options.format == "json"  ? render_json(r, options)
               : options.format == "csv" ? render_csv(r)
                                         : render_text(r));
  output.commit();
  return r.excluded > 0 ? exit_rows_rejected : exit_ok;
}

}  // namespace riskscale::cli
