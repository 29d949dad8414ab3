// riskscale metrics: the columns each metric table reads and writes, declared once for every front end.
//
// Plain constant data: per table, its input columns (name, required or optional, what a cell holds,
// the sentence a refusal gives as accepted) and, per output level, its output columns in order,
// with when each is written. Names in braces are filled in by the caller: `{stage}` with each
// funnel stage, `{mode}` with each delivery mode, `{by}` with the column the user named (the course
// of a programme table, the cohort of a funnel), `{stage_column}` with the per-user funnel's stage column. The CLI and Python read every column name and
// accepted sentence from here (Python as `riskscale._core.METRIC_COLUMNS`).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/cell_text.hpp"
#include "riskscale/metrics/cost.hpp"
#include "riskscale/metrics/impact.hpp"

namespace riskscale::metrics {

/// What a cell of a metric input column holds, as the front ends read it.
enum class cell_kind : std::uint8_t {
  count,      ///< a number >= 0; an empty cell is NaN
  flag,       ///< 1/0, true/false or yes/no in any case (`parse_flag`), or a number the metric checks; empty is NaN
  number,     ///< a number; an empty cell is NaN
  archetype,  ///< a SPEC §1 archetype id, or empty for none
  key,        ///< text naming the row (copied to per-row outputs, or grouped by)
  text,       ///< text the front end splits (recommendations: format ids joined by ';')
};

/// The name of a `cell_kind` ("count", "flag", ...).
[[nodiscard]] constexpr std::string_view to_string(cell_kind kind) noexcept {
  constexpr std::array<std::string_view, 6> names = {"count", "flag", "number", "archetype", "key", "text"};
  return names[static_cast<std::size_t>(kind)];
}

/// One input column of a metric table.
struct metric_input {
  std::string_view name;      ///< the column's name (`{stage}`, `{by}`: named by the caller)
  bool required;              ///< the metric refuses a table without it
  cell_kind kind;             ///< what a cell holds
  std::string_view accepted;  ///< what a refusal of the column (missing, or a cell unread) says is accepted
};

/// When an output column is written.
enum class shown_when : std::uint8_t {
  always,        ///< in every output of the level
  input_has,     ///< copied from the input, when the input has a column of that name (or `by` names one)
  row_identity,  ///< like input_has, but only where each output row is an input row and the front end has no row
                 ///< labels: the CLI writes it; a DataFrame keeps the input's index instead
  with_users,    ///< adoption counted from a users table: the cross counts
};

/// How many output columns one declaration stands for.
enum class repeated : std::uint8_t {
  once,              ///< one column
  each_stage,        ///< one per funnel stage, `{stage}` in the name replaced by the stage
  each_later_stage,  ///< one per funnel stage after the first
  each_mode,         ///< one per delivery mode (SPEC order of `delivery_mode`), `{mode}` replaced
};

/// One output column (or a family of them) of a metric level.
struct metric_output {
  std::string_view name;                 ///< the column's name, or its pattern
  shown_when when = shown_when::always;  ///< when it is written
  repeated each = repeated::once;        ///< how many columns it stands for
};

/// A constant list (the data of a std::array), so tables of different lengths share one type.
template <typename T>
class constant_list {
 public:
  /// No entries.
  constexpr constant_list() noexcept = default;
  /// The entries of `values`, which must be a constant that outlives the list.
  template <std::size_t N>
  constexpr constant_list(const std::array<T, N>& values) noexcept  // NOLINT(google-explicit-constructor)
      : data_(values.data()), size_(N) {}

  /// Number of entries.
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  /// True when there is no entry.
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  /// Entry `i`.
  [[nodiscard]] constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  /// The first entry.
  [[nodiscard]] constexpr const T* begin() const noexcept { return data_; }
  /// One past the last entry.
  [[nodiscard]] constexpr const T* end() const noexcept { return data_ + size_; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// The output columns of one level of a metric ("group", "account", "row", ...), in order.
struct metric_level {
  std::string_view name;                 ///< the level (`--level`, `level=`)
  constant_list<metric_output> columns;  ///< its columns, in output order
};

/// What one metric table reads and writes.
struct metric_table_schema {
  std::string_view metric;             ///< the table's name (`riskscale metrics NAME`, a METRIC_COLUMNS key)
  std::string_view rows;               ///< what one input row is
  constant_list<metric_input> inputs;  ///< its input columns
  constant_list<metric_level> levels;  ///< its outputs per level, the default level first; none for a table
                                       ///< only read beside another (the adoption users table)

  /// The input column named `name`, or null.
  [[nodiscard]] constexpr const metric_input* input(std::string_view name) const noexcept {
    for (const metric_input& column : inputs) {
      if (column.name == name) return &column;
    }
    return nullptr;
  }
  /// The output level named `name`, or null.
  [[nodiscard]] constexpr const metric_level* level(std::string_view name) const noexcept {
    for (const metric_level& entry : levels) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }
};

/// The input column every metric groups by when the table has it.
inline constexpr metric_input archetype_column{"archetype", false, cell_kind::archetype, archetype_cell_texts};
/// The output column every metric with an input table ends its rows with: why a value is NaN, or ok.
inline constexpr metric_output reason_column{"reason"};

/// Adoption gap (`adoption`): one row per account.
namespace adoption_table {
/// The account's id, copied to per-account output; required with a users table.
inline constexpr metric_input account_id{"account_id", false, cell_kind::key, "the id of each account"};
/// Licensed seats.
inline constexpr metric_input seats{"seats", true, cell_kind::count, "licensed seats per account, a count >= 0"};
/// Users trained (without a users table).
inline constexpr metric_input trained{"trained", true, cell_kind::count, "users trained per account, a count >= 0"};
/// Users active over the period (without a users table).
inline constexpr metric_input active{"active", true, cell_kind::count,
                                     "users active over the period per account, a count >= 0"};
/// Every input column.
inline constexpr std::array<metric_input, 5> inputs = {account_id, archetype_column, seats, trained, active};
/// Per archetype and overall.
inline constexpr std::array<metric_output, 12> group = {{{"archetype"},
                                                         {"accounts"},
                                                         {"excluded"},
                                                         {"seats"},
                                                         {"trained"},
                                                         {"active"},
                                                         {"shelfware_seats"},
                                                         {"trained_inactive", shown_when::with_users},
                                                         {"active_untrained", shown_when::with_users},
                                                         {"training_coverage"},
                                                         {"activation"},
                                                         reason_column}};
/// Per account.
inline constexpr std::array<metric_output, 12> account = {{{"account_id", shown_when::input_has},
                                                           {"archetype", shown_when::input_has},
                                                           {"seats"},
                                                           {"trained"},
                                                           {"active"},
                                                           {"users", shown_when::with_users},
                                                           {"trained_inactive", shown_when::with_users},
                                                           {"active_untrained", shown_when::with_users},
                                                           {"training_coverage"},
                                                           {"activation"},
                                                           {"shelfware_seats"},
                                                           reason_column}};
/// The levels, the default first.
inline constexpr std::array<metric_level, 2> levels = {{{"group", group}, {"account", account}}};
}  // namespace adoption_table

/// The users table beside an adoption table (`adoption --users`): one row per user.
namespace adoption_users_table {
/// The account of the user: an account_id of the adoption table.
inline constexpr metric_input account_id{"account_id", true, cell_kind::key, "the account of each user"};
/// The user is trained.
inline constexpr metric_input trained{"trained", true, cell_kind::flag, "a flag per user: 1/0, true/false or yes/no"};
/// The user was active over the period.
inline constexpr metric_input active{"active", true, cell_kind::flag, "a flag per user: 1/0, true/false or yes/no"};
/// Every input column.
inline constexpr std::array<metric_input, 3> inputs = {account_id, trained, active};
}  // namespace adoption_users_table

/// Funnel drop-off (`funnel`): one row per cohort (or account) with a count per stage, or one row per user.
namespace funnel_table {
/// A stage's count; the stages are named by the caller, in funnel order.
inline constexpr metric_input stage{"{stage}", true, cell_kind::count, "a count per row, >= 0, one column per stage"};
/// Per-user data: each user's furthest stage (a stage name or its position from 0), in the column the caller names.
inline constexpr metric_input furthest_stage{"{stage_column}", false, cell_kind::text, "each user's furthest stage"};
/// The cohort of a row, or the column the caller names (`by`) to count users per cohort.
inline constexpr metric_input cohort{"cohort", false, cell_kind::key, "the cohort of each row"};
/// The account of a row.
inline constexpr metric_input account_id{"account_id", false, cell_kind::key, "the account of each row"};
/// The period of a row (never a stage).
inline constexpr metric_input period{"period", false, cell_kind::key, "the period of each row"};
/// The channel of a row (never a stage).
inline constexpr metric_input channel{"channel", false, cell_kind::key, "the channel of each row"};
/// Every input column; without named stages, every column of a table that is not one of these is a stage.
inline constexpr std::array<metric_input, 7> inputs = {stage,      furthest_stage, archetype_column, cohort,
                                                       account_id, period,         channel};
/// Per archetype and overall.
inline constexpr std::array<metric_output, 8> group = {
    {{"archetype"},
     {"rows"},
     {"excluded"},
     {"{stage}", shown_when::always, repeated::each_stage},
     {"conversion_to_{stage}", shown_when::always, repeated::each_later_stage},
     {"overall_conversion"},
     {"largest_drop_stage"},
     reason_column}};
/// Per input row (per cohort for per-user data).
inline constexpr std::array<metric_output, 9> row = {
    {{"{by}", shown_when::input_has},
     {"cohort", shown_when::row_identity},
     {"account_id", shown_when::row_identity},
     {"archetype", shown_when::input_has},
     {"{stage}", shown_when::always, repeated::each_stage},
     {"conversion_to_{stage}", shown_when::always, repeated::each_later_stage},
     {"overall_conversion"},
     {"largest_drop_stage"},
     reason_column}};
/// The levels, the default first.
inline constexpr std::array<metric_level, 2> levels = {{{"group", group}, {"row", row}}};
/// True when a column of a table read without named stages is a stage: every column that is not a
/// key or the archetype (so not `archetype`, `cohort`, `account_id`, `period` or `channel`).
[[nodiscard]] constexpr bool is_stage_column(std::string_view name) noexcept {
  for (const metric_input& column : inputs) {
    if (column.name == name && (column.kind == cell_kind::key || column.kind == cell_kind::archetype)) return false;
  }
  return true;
}
}  // namespace funnel_table

/// Programme metrics (`program`): one row per enrolment.
namespace program_table {
/// The course (or format) of the enrolment: `course`, or the column the caller names (`by`).
inline constexpr metric_input course{"course", false, cell_kind::key, "the course or format of each enrolment"};
/// The enrolment is completed.
inline constexpr metric_input completed{"completed", true, cell_kind::flag,
                                        "a completed flag per enrolment: 1/0, true/false or yes/no"};
/// The assessment's result, empty when not assessed.
inline constexpr metric_input assessment_passed{"assessment_passed", false, cell_kind::flag,
                                                "1 passed, 0 failed, empty when not assessed"};
/// Days the completion took.
inline constexpr metric_input days_to_completion{"days_to_completion", false, cell_kind::number,
                                                 "days >= 0 for a completed enrolment, else empty"};
/// Every input column.
inline constexpr std::array<metric_input, 5> inputs = {course, completed, assessment_passed, days_to_completion,
                                                       archetype_column};
/// Per course (and `overall`) and archetype.
inline constexpr std::array<metric_output, 10> group = {{{"{by}"},
                                                         {"archetype"},
                                                         {"enrolments"},
                                                         {"completions"},
                                                         {"completion_rate"},
                                                         {"assessed"},
                                                         {"passed"},
                                                         {"pass_rate"},
                                                         {"median_days_to_completion"},
                                                         reason_column}};
/// The one level.
inline constexpr std::array<metric_level, 1> levels = {{{"group", group}}};
}  // namespace program_table

/// Business impact (`impact`): one row per account.
namespace impact_table {
/// The flag of completed onboarding (the default column; the caller may name another).
inline constexpr metric_input completed{"onboarding_completed", true, cell_kind::flag,
                                        "a flag per account: 1/0, true/false or yes/no"};
/// The outcomes read when none are named: those of `default_impact_outcomes` the table has.
inline constexpr metric_input renewed{default_impact_outcomes[0], false, cell_kind::flag, completed.accepted};
/// See `renewed`.
inline constexpr metric_input retained{default_impact_outcomes[1], false, cell_kind::flag, completed.accepted};
/// See `renewed`.
inline constexpr metric_input expanded{default_impact_outcomes[2], false, cell_kind::flag, completed.accepted};
/// Every input column.
inline constexpr std::array<metric_input, 5> inputs = {completed, renewed, retained, expanded, archetype_column};
/// Per outcome and archetype.
inline constexpr std::array<metric_output, 16> group = {{{"outcome"},
                                                         {"archetype"},
                                                         {"accounts_completed"},
                                                         {"outcome_completed"},
                                                         {"rate_completed"},
                                                         {"completed_ci_lower"},
                                                         {"completed_ci_upper"},
                                                         {"accounts_not_completed"},
                                                         {"outcome_not_completed"},
                                                         {"rate_not_completed"},
                                                         {"not_completed_ci_lower"},
                                                         {"not_completed_ci_upper"},
                                                         {"difference"},
                                                         {"ci_lower"},
                                                         {"ci_upper"},
                                                         reason_column}};
/// The one level.
inline constexpr std::array<metric_level, 1> levels = {{{"group", group}}};
}  // namespace impact_table

/// Interaction rate (`interaction`): one row per channel and period.
namespace interaction_table {
/// The account of a row, copied to per-row output.
inline constexpr metric_input account_id{"account_id", false, cell_kind::key, "the account of each row"};
/// The channel of a row, copied to per-row output.
inline constexpr metric_input channel{"channel", false, cell_kind::key, "the channel of each row"};
/// The period of a row, copied to per-row output.
inline constexpr metric_input period{"period", false, cell_kind::key, "the period of each row"};
/// Interactions.
inline constexpr metric_input interactions{"interactions", true, cell_kind::count,
                                           "interactions per channel and period, a count >= 0"};
/// Posts.
inline constexpr metric_input posts{"posts", true, cell_kind::count, "posts per channel and period, a count >= 0"};
/// Followers.
inline constexpr metric_input followers{"followers", true, cell_kind::count,
                                        "followers per channel and period, a count >= 0"};
/// Every input column.
inline constexpr std::array<metric_input, 7> inputs = {account_id,   channel, period,   archetype_column,
                                                       interactions, posts,   followers};
/// Per input row.
inline constexpr std::array<metric_output, 9> row = {{{"account_id", shown_when::input_has},
                                                      {"channel", shown_when::input_has},
                                                      {"period", shown_when::input_has},
                                                      {"archetype", shown_when::input_has},
                                                      {"interactions"},
                                                      {"posts"},
                                                      {"followers"},
                                                      {"interaction_rate"},
                                                      reason_column}};
/// Per archetype and overall, pooled.
inline constexpr std::array<metric_output, 8> group = {{{"archetype"},
                                                        {"rows"},
                                                        {"excluded"},
                                                        {"interactions"},
                                                        {"posts"},
                                                        {"post_followers"},
                                                        {"interaction_rate"},
                                                        reason_column}};
/// The levels, the default first.
inline constexpr std::array<metric_level, 2> levels = {{{"row", row}, {"group", group}}};
}  // namespace interaction_table

/// Training cost of recommended mixes (`cost` with an input): one row per account.
namespace cost_table {
/// The account's id, copied to per-account output.
inline constexpr metric_input account_id{"account_id", false, cell_kind::key, "the id of each account"};
/// Learners.
inline constexpr metric_input users{"users", true, cell_kind::count, "learners per account, a count >= 0"};
/// The recommended formats.
inline constexpr metric_input recommendations{"recommendations", true, cell_kind::text,
                                              "format ids joined by ';' (riskscale classify output)"};
/// Every input column.
inline constexpr std::array<metric_input, 4> inputs = {account_id, archetype_column, users, recommendations};
/// Per archetype and overall (each format's once-cost counted once per group).
inline constexpr std::array<metric_output, 8> group = {{{"archetype"},
                                                        {"accounts"},
                                                        {"unpriced"},
                                                        {"users"},
                                                        {"total_cost"},
                                                        {"cost_per_learner"},
                                                        {"{mode}_cost", shown_when::always, repeated::each_mode},
                                                        reason_column}};
/// Per account, priced standalone.
inline constexpr std::array<metric_output, 8> account = {{{"account_id", shown_when::input_has},
                                                          {"archetype", shown_when::input_has},
                                                          {"users"},
                                                          {"total_cost"},
                                                          {"cost_per_learner"},
                                                          {"{mode}_cost", shown_when::always, repeated::each_mode},
                                                          {"unknown_formats"},
                                                          reason_column}};
/// The levels, the default first.
inline constexpr std::array<metric_level, 2> levels = {{{"group", group}, {"account", account}}};
}  // namespace cost_table

/// The cost of every delivery mode at given learner counts (`cost` without an input): no input table.
namespace delivery_cost_table {
/// One row per learner count and mode.
inline constexpr std::array<metric_output, 5> mode = {
    {{"learners"}, {"mode"}, {"sessions"}, {"total_cost"}, {"cost_per_learner"}}};
/// The one level.
inline constexpr std::array<metric_level, 1> levels = {{{"mode", mode}}};
}  // namespace delivery_cost_table

/// The break-even of on-demand against each instructor-led mode (`cost` with neither input nor learners).
namespace break_even_table {
/// One row per instructor-led mode.
inline constexpr std::array<metric_output, 3> mode = {{{"instructor_led"}, {"break_even_learners"}, reason_column}};
/// The one level.
inline constexpr std::array<metric_level, 1> levels = {{{"mode", mode}}};
}  // namespace break_even_table

/// Every metric table, as `riskscale metrics` names them (the users table and the two cost tables
/// without input under names of their own).
inline constexpr std::array<metric_table_schema, 9> metric_tables = {{
    {"adoption", "one row per account", adoption_table::inputs, adoption_table::levels},
    {"adoption_users", "one row per user, beside an adoption table", adoption_users_table::inputs, {}},
    {"funnel", "one row per cohort with a count per stage, or one row per user", funnel_table::inputs,
     funnel_table::levels},
    {"program", "one row per enrolment", program_table::inputs, program_table::levels},
    {"impact", "one row per account", impact_table::inputs, impact_table::levels},
    {"interaction", "one row per channel and period", interaction_table::inputs, interaction_table::levels},
    {"cost", "one row per account", cost_table::inputs, cost_table::levels},
    {"delivery_cost", "no input: learner counts given as options", {}, delivery_cost_table::levels},
    {"break_even", "no input", {}, break_even_table::levels},
}};

/// The metric table named `metric` (a `metric_tables` entry), or null.
[[nodiscard]] constexpr const metric_table_schema* find_metric_table(std::string_view metric) noexcept {
  for (const metric_table_schema& table : metric_tables) {
    if (table.metric == metric) return &table;
  }
  return nullptr;
}

/// The names of `columns`, in order (the columns a reader asks a table for).
[[nodiscard]] inline std::vector<std::string> input_names(const constant_list<metric_input>& columns) {
  std::vector<std::string> names;
  for (const metric_input& column : columns) names.emplace_back(column.name);
  return names;
}

/// What decides a level's output columns: the input's columns, the stages, the named column.
struct output_choice {
  std::function<bool(std::string_view)> input_has;  ///< the input has a column of this name (none: no column)
  bool row_identity = false;                        ///< write `row_identity` columns (see `shown_when`)
  bool with_users = false;                          ///< adoption counted from a users table
  std::vector<std::string> stages;                  ///< funnel stages, in order
  std::string by;                                   ///< the column named for `{by}`: written only when not empty
};

/// True for an output column copied from the input (`input_has`, `row_identity`).
[[nodiscard]] constexpr bool copied(const metric_output& column) noexcept {
  return column.when == shown_when::input_has || column.when == shown_when::row_identity;
}

/// The output column names of `level` for `choice`, in order (with `copied_only`, only the columns
/// copied from the input); a copied column whose name is already written is not repeated.
[[nodiscard]] inline std::vector<std::string> output_names(const metric_level& level, const output_choice& choice,
                                                           bool copied_only = false) {
  std::vector<std::string> names;
  const auto filled = [](std::string_view pattern, std::string_view field, std::string_view value) {
    std::string name(pattern);
    const std::size_t at = name.find(field);
    if (at != std::string::npos) name.replace(at, field.size(), value);
    return name;
  };
  for (const metric_output& column : level.columns) {
    if (copied_only && !copied(column)) continue;
    const bool by = column.name == "{by}";
    if (by && choice.by.empty()) continue;
    const std::string_view name = by ? std::string_view(choice.by) : column.name;
    const bool has = choice.input_has && choice.input_has(name);
    if (column.when == shown_when::input_has && !has) continue;
    if (column.when == shown_when::row_identity && !(choice.row_identity && has)) continue;
    if (column.when == shown_when::with_users && !choice.with_users) continue;
    if (copied(column) && std::find(names.begin(), names.end(), name) != names.end()) continue;
    switch (column.each) {
      case repeated::once: names.emplace_back(name); break;
      case repeated::each_stage:
      case repeated::each_later_stage:
        for (std::size_t s = column.each == repeated::each_stage ? 0 : 1; s < choice.stages.size(); ++s) {
          names.push_back(filled(name, "{stage}", choice.stages[s]));
        }
        break;
      case repeated::each_mode:
        for (std::size_t k = 0; k < delivery_mode_count; ++k) {
          names.push_back(filled(name, "{mode}", to_string(static_cast<delivery_mode>(k))));
        }
        break;
    }
  }
  return names;
}

}  // namespace riskscale::metrics
