// riskscale CLI: reading the metric tables (adoption, funnel, program, impact, interaction, cost) as
// `riskscale metrics` and `riskscale report --metrics` both read them: columns as text, numbers, flags
// and archetype codes, with each refusal naming the file, line and column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cli_error.hpp"
#include "riskscale/metrics.hpp"

namespace riskscale::cli {

/// The columns a metric reads, as text, with each row's line for messages.
struct metric_table {
  std::string source;
  std::vector<std::string> header;                          ///< every column name, in file order
  std::vector<std::size_t> lines;                           ///< line of each data row
  std::map<std::string, std::vector<std::string>> columns;  ///< the wanted columns the header has

  [[nodiscard]] bool has(std::string_view name) const { return columns.count(std::string(name)) > 0; }
  /// The wanted column `name`, which the header has.
  [[nodiscard]] const std::vector<std::string>& column(std::string_view name) const {
    return columns.at(std::string(name));
  }
  [[nodiscard]] std::size_t rows() const noexcept { return lines.size(); }
  [[nodiscard]] std::string where(std::size_t row) const { return source + " line " + std::to_string(lines.at(row)); }
};

/// Reads the `wanted` columns (every column when empty) of the CSV file `path` (- for stdin); throws cli_error on an empty file,
/// a malformed or too large record, or a record whose field count differs from the header's.
[[nodiscard]] metric_table read_metric_table(const std::string& path, const std::vector<std::string>& wanted,
                                             std::size_t max_record_bytes);

/// A column as numbers: empty cells are NaN (each metric says what NaN means); with `flag` also
/// true/false and yes/no (parse_flag). Text that is not a number throws cli_error naming its line.
/// Empty when the table lacks the column.
[[nodiscard]] std::vector<double> metric_numbers(const metric_table& t, const std::string& name,
                                                 const std::string& accepted, bool flag = false);
/// metric_numbers of a column the metric needs: throws cli_error naming the column when it is absent.
[[nodiscard]] std::vector<double> required_metric_numbers(const metric_table& t, const std::string& name,
                                                          const std::string& accepted, bool flag = false);
/// metric_numbers of a declared column: its name, accepted sentence and whether it is a flag from the core.
[[nodiscard]] std::vector<double> metric_numbers(const metric_table& t, const metrics::metric_input& column);
/// required_metric_numbers of a declared column (metrics/schema.hpp).
[[nodiscard]] std::vector<double> required_metric_numbers(const metric_table& t, const metrics::metric_input& column);
/// The output column names of `level` for table `t` (its columns decide the copied ones); with
/// `copied_only`, only those copied from `t` (metrics::output_names).
[[nodiscard]] std::vector<std::string> metric_output_names(const metric_table& t, const metrics::metric_level& level,
                                                           metrics::output_choice choice = {},
                                                           bool copied_only = false);
/// The archetype column as SPEC §1 codes (-1 for an empty cell); empty when there is no such column.
[[nodiscard]] std::vector<std::int8_t> metric_archetypes(const metric_table& t);

/// Runs a metric; a column the core refuses ends the command naming the file, line and column
/// (`names` maps the core's generic column names to the file's).
template <typename Body>
auto refusing(const metric_table& t, const std::map<std::string, std::string>& names, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const metrics::column_error& e) {
    const auto renamed = names.find(e.field());
    const std::string column = renamed != names.end() ? renamed->second : e.field();
    const std::string where = e.row() && *e.row() < t.rows() ? t.where(*e.row()) : t.source;
    throw cli_error(where + ", column '" + column + "': " + e.message());
  } catch (const metrics::settings_error& e) {
    throw cli_error(e.what());
  }
}

/// The programme metric of an enrolment table: the course codes (sorted names) and the core result.
struct program_table {
  metric_table table;
  std::string course_column;                         ///< the course column read, empty when none
  std::map<std::string, std::int32_t> course_codes;  ///< course name -> code
  bool by_archetype = false;                         ///< the table had an archetype column
  metrics::program_result result;
};
/// Reads an enrolment table (completed, optional course or `by`, assessment_passed, days_to_completion,
/// archetype) and runs metrics::program on it.
[[nodiscard]] program_table read_program_table(const std::string& path, const std::string& by,
                                               std::size_t max_record_bytes);

/// The interaction rate of a channel table (interactions, posts, followers, optional archetype).
struct interaction_table {
  metric_table table;
  std::vector<double> interactions, posts, followers;
  bool by_archetype = false;
  metrics::interaction_result result;
};
/// Reads a channel table and runs metrics::interaction_rate on it.
[[nodiscard]] interaction_table read_interaction_table(const std::string& path, std::size_t max_record_bytes);

/// The outcome columns of an impact table: `requested`, or else those of renewed, retained, expanded
/// that the table has; throws cli_error when there is none.
[[nodiscard]] std::vector<std::string> impact_outcomes(const metric_table& t,
                                                       const std::vector<std::string>& requested);
/// The wanted columns of an impact table read with `completed` and `requested` outcomes.
[[nodiscard]] std::vector<std::string> impact_columns(const std::string& completed,
                                                      const std::vector<std::string>& requested);
/// metrics::impact of one outcome column against the `completed` column of `t`.
[[nodiscard]] metrics::per_group<metrics::impact_group> impact_of(const metric_table& t, const std::string& completed,
                                                                  const std::string& outcome,
                                                                  const metrics::impact_settings& settings);

/// The groups of the adoption metric of an account table with seats, trained and active counts.
[[nodiscard]] metrics::per_group<metrics::adoption_group> read_adoption_groups(const std::string& path,
                                                                               std::size_t max_record_bytes);

/// The stage names of a funnel table read without --stages: every column but the funnel table's
/// key and archetype columns (metrics/schema.hpp), in file order.
[[nodiscard]] std::vector<std::string> funnel_stage_columns(const metric_table& t);
/// The funnel groups of a table with a count column per stage (`stages`, in funnel order).
[[nodiscard]] metrics::per_group<metrics::funnel_group> funnel_groups(const metric_table& t,
                                                                      const std::vector<std::string>& stages);

}  // namespace riskscale::cli
