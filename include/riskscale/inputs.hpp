// riskscale: raw tables through a policy's `inputs` section (SPEC §9): source columns in, model inputs and results out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskscale/account.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/error.hpp"
#include "riskscale/input_rules.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// One borrowed column of a raw table: text cells, numbers (NaN = empty cell) or categories
/// (a code per row into a list of texts, -1 = empty cell). It must outlive every call that reads it.
struct source_column {
  enum class kind : std::uint8_t { text, numbers, categories };
  kind type = kind::text;
  const std::string_view* cells = nullptr;       ///< `text`: one cell per row
  const double* values = nullptr;                ///< `numbers`: one value per row
  const std::int32_t* codes = nullptr;           ///< `categories`: one code per row
  const std::string_view* categories = nullptr;  ///< `categories`: the texts the codes index
  std::size_t category_count = 0;

  /// Text cells, e.g. the fields of CSV records or a Python object column.
  [[nodiscard]] static source_column text(const std::string_view* cells) noexcept {
    source_column column;
    column.cells = cells;
    return column;
  }
  /// Numbers; NaN is an empty cell (a `map` rule compares the number's shortest text, `5` for 5.0).
  [[nodiscard]] static source_column numbers(const double* values) noexcept {
    source_column column;
    column.type = kind::numbers;
    column.values = values;
    return column;
  }
  /// Categories (a pandas Categorical): every rule is resolved once per category.
  [[nodiscard]] static source_column from_categories(const std::int32_t* codes, const std::string_view* texts,
                                                     std::size_t count) noexcept {
    source_column column;
    column.type = kind::categories;
    column.codes = codes;
    column.categories = texts;
    column.category_count = count;
    return column;
  }

  /// The text of the cell at `row` as a user reads it (numbers in shortest form, empty when empty).
  [[nodiscard]] std::string cell_text(std::size_t row) const;
};

/// Named raw columns of equal length, borrowed: what a policy's `inputs` reads (SPEC §9).
class source_table {
 public:
  /// A table of `rows` rows with no columns yet.
  explicit source_table(std::size_t rows) noexcept : rows_(rows) {}

  /// Adds (or replaces) the column `name`.
  source_table& add(std::string name, source_column column) {
    for (auto& entry : columns_) {
      if (entry.first == name) {
        entry.second = column;
        return *this;
      }
    }
    columns_.emplace_back(std::move(name), column);
    return *this;
  }
  /// Number of rows.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// The column of that name, or null.
  [[nodiscard]] const source_column* find(std::string_view name) const noexcept {
    for (const auto& entry : columns_) {
      if (entry.first == name) return &entry.second;
    }
    return nullptr;
  }

 private:
  std::size_t rows_;
  std::vector<std::pair<std::string, source_column>> columns_;
};

/// A column a policy reads from a raw table, and who wants it.
struct source_request {
  std::string column;     ///< the source column's name
  std::string json_path;  ///< the rule that reads it (`$.inputs.sensitive_data`), or the input it feeds by name
  bool optional = false;  ///< true for `seats` read by its own name: a table without it has no seats
};

/// Every column `pol` reads (its account id column first), once each, in input order.
[[nodiscard]] std::vector<source_request> source_columns(const policy& pol);
/// The column that holds the account id under `pol` (`account_id` unless `inputs` renames it).
[[nodiscard]] std::string account_id_column(const policy& pol);

/// Why a model input of one row has no value, in words: the input, the source column, the cell's
/// text and the rule (`sensitive_data: Industry = "Aerospace" matches no key of inputs.sensitive_data.map`).
struct input_failure {
  row_status status = row_status::ok;
  std::string input;    ///< the model input
  std::string column;   ///< its source column (empty for a fixed value)
  std::string text;     ///< the cell's text
  std::string message;  ///< the whole sentence
};

/// Where one model input of one row came from, for explanations ("from Industry = 'Healthcare'").
struct input_origin {
  std::string input;
  double value = 0.0;       ///< NaN when absent (seats) or invalid
  std::string column;       ///< source column, empty for a fixed value
  std::string text;         ///< the cell's text
  std::string description;  ///< "from Industry = 'Healthcare'", "fixed value (inputs.physical_safety)"
};

/// The model inputs SPEC §9 derives from a raw table, one column per policy::input_fields() entry
/// (`seats` NaN where absent), with each row's status: `ok`, or why its first failing input failed.
struct mapped_inputs {
  std::size_t rows = 0;
  std::vector<std::string> fields;          ///< policy::input_fields()
  std::vector<std::vector<double>> values;  ///< per field, per row; NaN in the failing input
  std::vector<row_status> status;           ///< ok, or the reason of the first failing input
  std::vector<std::int16_t> invalid_field;  ///< index into `fields` of that input, -1 when valid

  /// The model inputs as a `portfolio` (borrowing `values`), `seats` left out.
  [[nodiscard]] portfolio as_portfolio() const;
};

/// A policy bound to the columns of one raw table: the rules compiled once, with their source columns
/// found. Throws `input_error` naming a missing source column and the JSON path that wants it.
class input_plan {
 public:
  input_plan(const policy& pol, const source_table& table);
  ~input_plan();
  input_plan(const input_plan&) = delete;
  input_plan& operator=(const input_plan&) = delete;

  /// Maps rows [begin, end) into `values` (one array of table rows per input field, `seats` may be null),
  /// `status` and `invalid_field`; columnar: a `map` is resolved once per distinct cell text of the range.
  void map_range(std::size_t begin, std::size_t end, double* const* values, row_status* status,
                 std::int16_t* invalid_field) const;
  /// Why input `field` of `row` failed (the rule re-run on that row alone).
  [[nodiscard]] input_failure failure(std::size_t row, std::size_t field) const;
  /// Where input `field` of `row` came from.
  [[nodiscard]] input_origin origin(std::size_t row, std::size_t field) const;
  /// The policy's input fields, in validation order.
  [[nodiscard]] const std::vector<std::string>& fields() const noexcept;

 private:
  struct compiled;
  std::unique_ptr<compiled> compiled_;
};

/// Maps every row of `table` (SPEC §9); invalid rows get a status, never an exception.
[[nodiscard]] mapped_inputs map_inputs(const source_table& table, const policy& pol, const batch_options& options = {});

/// Maps `table` through `pol`'s `inputs` and classifies it into `out` (SPEC §9 then §3–§8), in
/// parallel ranges; a row whose mapping fails gets the mapping's status and field. When `inputs` is
/// given, it receives the derived model inputs.
void classify_into(const source_table& table, const policy& pol, const batch_output& out,
                   const batch_options& options = {}, mapped_inputs* inputs = nullptr);

/// Caller-owned columns that receive the inputs SPEC §9 derives from a table: one array of `rows`
/// values per `policy::input_fields()` entry, and each row's mapping status and failing field.
struct mapped_output {
  std::vector<double*> values;            ///< per input field
  row_status* status = nullptr;           ///< ok, or the reason of the first failing input
  std::int16_t* invalid_field = nullptr;  ///< index of that input, -1 when valid
};

/// `classify_chunks` of a raw table (batch.hpp): each chunk is mapped through `pol`'s `inputs`
/// into `inputs` (whole-table columns, written at the chunk's rows) and then classified into
/// `outputs(chunk)`; `on_chunk(chunk, out)` follows on the same thread. A row whose mapping failed
/// gets the mapping's status and field. Throws `input_error` when a source column is missing.
template <class Outputs, class OnChunk>
void classify_chunks(const source_table& table, const policy& pol, const batch_options& options,
                     const mapped_output& inputs, Outputs&& outputs, OnChunk&& on_chunk);

/// Maps and classifies `table` into newly allocated columns.
[[nodiscard]] batch_result classify(const source_table& table, const policy& pol, const batch_options& options = {});

/// The inputs of row `row` of `table` as one account; throws `input_error` naming the input,
/// source column, cell text and rule when the row cannot be mapped or a value is out of range.
[[nodiscard]] account map_account(const source_table& table, std::size_t row, const policy& pol,
                                  std::vector<input_origin>* origins = nullptr);

/// The inputs of an explanation in words, one line each ("  sensitive_data 0.90 from Industry = 'Healthcare'").
[[nodiscard]] std::string describe_origins(const std::vector<input_origin>& origins);

}  // namespace riskscale

#include "riskscale/detail/inputs_impl.hpp"
