#include "cli/metric_tables.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "cli/input_source.hpp"
#include "csv/csv.hpp"
#include "riskscale/cell_text.hpp"

namespace riskscale::cli {

namespace m = riskscale::metrics;

metric_table read_metric_table(const std::string& path, const std::vector<std::string>& wanted,
                               std::size_t max_record_bytes) {
  input_source in(path);
  csv::reader reader(*in.stream);
  reader.set_max_record_bytes(max_record_bytes);
  csv::record record;
  read_header_row(reader, record, in.name);
  metric_table t;
  t.header = record.fields;
  const std::vector<std::string>& header = t.header;
  t.source = in.name;
  std::vector<std::pair<std::size_t, std::vector<std::string>*>> picked;
  for (const auto& name : wanted.empty() ? header : wanted) {
    const auto found = std::find(header.begin(), header.end(), name);
    if (name.empty() || found == header.end() || t.has(name)) continue;
    picked.emplace_back(static_cast<std::size_t>(found - header.begin()), &t.columns[name]);
  }
  while (reader.next(record)) {
    const std::string where = in.name + " line " + std::to_string(record.line);
    if (record.too_large) {
      throw cli_error(where + ": record_too_large: " + record.error + "; accepted: records up to --max-record-bytes");
    }
    if (record.malformed) throw cli_error(where + ": malformed CSV record (" + record.error + ")");
    if (record.fields.size() != header.size()) {
      throw cli_error(where + ": " + std::to_string(record.fields.size()) +
                      " fields; accepted: " + std::to_string(header.size()) + ", as in the header");
    }
    t.lines.push_back(record.line);
    for (auto& entry : picked) entry.second->push_back(std::move(record.fields[entry.first]));
  }
  if (in.stream->bad()) throw cli_error("cannot read " + in.name + ": read error");
  return t;
}

std::vector<double> metric_numbers(const metric_table& t, const std::string& name, const std::string& accepted,
                                   bool flag) {
  std::vector<double> values;
  const auto found = t.columns.find(name);
  if (found == t.columns.end()) return values;
  values.reserve(found->second.size());
  for (std::size_t row = 0; row < found->second.size(); ++row) {
    const std::string& text = found->second[row];
    double value = std::numeric_limits<double>::quiet_NaN();
    if (!text.empty() && !parse_number(text, value)) {
      const std::optional<bool> word = flag ? parse_flag(text) : std::nullopt;  // the core's flag rule
      if (!word) {
        throw cli_error(t.where(row) + ", column '" + name + "': '" + text +
                        "' is not a number; accepted: " + accepted);
      }
      value = *word ? 1.0 : 0.0;
    }
    values.push_back(value);
  }
  return values;
}

std::vector<double> required_metric_numbers(const metric_table& t, const std::string& name, const std::string& accepted,
                                            bool flag) {
  if (!t.has(name)) throw cli_error(t.source + " lacks the column '" + name + "'; accepted: " + accepted);
  return metric_numbers(t, name, accepted, flag);
}

std::vector<double> metric_numbers(const metric_table& t, const m::metric_input& column) {
  return metric_numbers(t, std::string(column.name), std::string(column.accepted), column.kind == m::cell_kind::flag);
}

std::vector<double> required_metric_numbers(const metric_table& t, const m::metric_input& column) {
  return required_metric_numbers(t, std::string(column.name), std::string(column.accepted),
                                 column.kind == m::cell_kind::flag);
}

std::vector<std::string> metric_output_names(const metric_table& t, const m::metric_level& level,
                                             m::output_choice choice, bool copied_only) {
  choice.input_has = [&t](std::string_view name) { return t.has(name); };
  return m::output_names(level, choice, copied_only);
}

std::vector<std::int8_t> metric_archetypes(const metric_table& t) {
  std::vector<std::int8_t> codes;
  const auto found = t.columns.find(std::string(m::archetype_column.name));
  if (found == t.columns.end()) return codes;
  for (std::size_t row = 0; row < found->second.size(); ++row) {
    const std::string& text = found->second[row];
    const std::optional<std::int8_t> code = parse_archetype_cell(text);  // -1: empty, no archetype
    if (!code) {
      throw cli_error(t.where(row) + ", column '" + std::string(m::archetype_column.name) + "': '" + text +
                      "' is not an archetype; accepted: " + std::string(m::archetype_column.accepted));
    }
    codes.push_back(*code);
  }
  return codes;
}

program_table read_program_table(const std::string& path, const std::string& by, std::size_t max_record_bytes) {
  program_table p;
  metric_table& t = p.table;
  namespace columns = m::program_table;
  std::vector<std::string> wanted = m::input_names(columns::inputs);
  if (!by.empty()) wanted.front() = by;  // the course column, named
  t = read_metric_table(path, wanted, max_record_bytes);
  std::string key = by;
  if (key.empty() && t.has(columns::course.name)) key = columns::course.name;
  if (!by.empty() && !t.has(by)) {
    throw cli_error(t.source + " lacks the column '" + by + "'; accepted: " + std::string(columns::course.accepted));
  }
  const std::vector<double> completed = required_metric_numbers(t, columns::completed);
  const std::vector<double> passed = metric_numbers(t, columns::assessment_passed);
  const std::vector<double> days = metric_numbers(t, columns::days_to_completion);
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  std::vector<std::int32_t> course;
  if (!key.empty()) {
    for (const auto& value : t.column(key)) {
      if (!value.empty()) p.course_codes.emplace(value, 0);
    }
    std::int32_t next = 0;
    for (auto& entry : p.course_codes) entry.second = next++;
    for (const auto& value : t.column(key)) course.push_back(value.empty() ? -1 : p.course_codes.at(value));
  }
  m::program_input in;
  in.completed = completed;
  if (!key.empty()) {
    in.course = course;
    in.course_count = p.course_codes.size();
  }
  if (!passed.empty()) in.assessment_passed = passed;
  if (!days.empty()) in.days_to_completion = days;
  if (!archetype.empty()) in.archetype = archetype;
  p.course_column = key;
  p.by_archetype = !archetype.empty();
  p.result = refusing(t, {{std::string(columns::course.name), key}}, [&] { return m::program(in); });
  return p;
}

interaction_table read_interaction_table(const std::string& path, std::size_t max_record_bytes) {
  interaction_table x;
  metric_table& t = x.table;
  t = read_metric_table(path, m::input_names(m::interaction_table::inputs), max_record_bytes);
  x.interactions = required_metric_numbers(t, m::interaction_table::interactions);
  x.posts = required_metric_numbers(t, m::interaction_table::posts);
  x.followers = required_metric_numbers(t, m::interaction_table::followers);
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  m::interaction_input in;
  in.interactions = x.interactions;
  in.posts = x.posts;
  in.followers = x.followers;
  if (!archetype.empty()) in.archetype = archetype;
  x.by_archetype = !archetype.empty();
  x.result = refusing(t, {}, [&] { return m::interaction_rate(in); });
  return x;
}

std::vector<std::string> impact_columns(const std::string& completed, const std::vector<std::string>& requested) {
  std::vector<std::string> wanted = m::input_names(m::impact_table::inputs);
  wanted.front() = completed;  // the completed column, named
  wanted.insert(wanted.end(), requested.begin(), requested.end());
  return wanted;
}

std::vector<std::string> impact_outcomes(const metric_table& t, const std::vector<std::string>& requested) {
  std::vector<std::string> outcomes = requested;
  if (outcomes.empty()) {
    for (const std::string_view name : m::default_impact_outcomes) {
      if (t.has(std::string(name))) outcomes.emplace_back(name);
    }
  }
  if (outcomes.empty()) {
    std::string names;
    for (const std::string_view name : m::default_impact_outcomes) {
      names += (names.empty() ? "" : ", ") + std::string(name);
    }
    throw cli_error(t.source + " has no outcome column; accepted: --outcomes COLUMNS, or columns " + names);
  }
  return outcomes;
}

m::per_group<m::impact_group> impact_of(const metric_table& t, const std::string& completed, const std::string& outcome,
                                        const m::impact_settings& settings) {
  const std::string flag(m::impact_table::completed.accepted);  // every outcome is accepted as the completed flag
  const std::vector<double> done = required_metric_numbers(t, completed, flag, true);
  const std::vector<double> values = required_metric_numbers(t, outcome, flag, true);
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  m::impact_input in;
  in.completed = done;
  in.outcome = values;
  if (!archetype.empty()) in.archetype = archetype;
  return refusing(t, {{"completed", completed}, {"outcome", outcome}}, [&] {  // the core's generic names
    try {
      return m::impact(in, settings);
    } catch (const m::column_error&) {
      throw;
    } catch (const riskscale::error& e) {
      throw cli_error(std::string("--confidence: ") + e.what());
    }
  });
}

m::per_group<m::adoption_group> read_adoption_groups(const std::string& path, std::size_t max_record_bytes) {
  namespace columns = m::adoption_table;
  const metric_table t = read_metric_table(path, m::input_names(columns::inputs), max_record_bytes);
  const std::vector<double> seats = required_metric_numbers(t, columns::seats);
  const std::vector<double> trained = required_metric_numbers(t, columns::trained);
  const std::vector<double> active = required_metric_numbers(t, columns::active);
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  m::adoption_input in;
  in.seats = seats;
  in.trained = trained;
  in.active = active;
  if (!archetype.empty()) in.archetype = archetype;
  return refusing(t, {}, [&] { return m::adoption(in); }).groups;
}

std::vector<std::string> funnel_stage_columns(const metric_table& t) {
  std::vector<std::string> stages;
  for (const std::string& name : t.header) {
    if (m::funnel_table::is_stage_column(name)) stages.push_back(name);
  }
  return stages;
}

m::per_group<m::funnel_group> funnel_groups(const metric_table& t, const std::vector<std::string>& stages) {
  if (stages.size() < 2) {
    throw cli_error(t.source + ": " + std::to_string(stages.size()) +
                    " stage column; accepted: at least two count columns, in funnel order");
  }
  std::vector<std::vector<double>> counts;
  for (const std::string& stage : stages) {
    counts.push_back(required_metric_numbers(t, stage, std::string(m::funnel_table::stage.accepted)));
  }
  const std::vector<std::int8_t> archetype = metric_archetypes(t);
  m::funnel_input in;
  in.stage_names = stages;
  for (const auto& column : counts) in.stages.emplace_back(column);
  if (!archetype.empty()) in.archetype = archetype;
  return refusing(t, {}, [&] { return m::funnel(in); }).groups;
}

}  // namespace riskscale::cli
