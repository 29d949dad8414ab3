// riskscale CLI: raw exports through the policy's `inputs` (SPEC §9): the columns it reads, found in
// the input's header or in --join tables held in memory, and one chunk's records as a source table.
#pragma once

#include <atomic>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/pipeline.hpp"
#include "riskscale/inputs.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::cli {

/// A --join file held in memory: a per-account table keyed by one column (the key is trimmed of
/// spaces and tabs, as the account id it matches).
struct join_table {
  std::string path;
  std::vector<std::string> header;
  std::size_t key = 0;  ///< the key column
  std::size_t rows = 0;
  std::vector<std::string> cells;  ///< row-major, rows × header.size()
  std::vector<std::size_t> lines;  ///< line of each row in the file
  std::unordered_map<std::string, std::size_t> row_of_id;
  std::unique_ptr<std::atomic<bool>[]> matched;  ///< per row: some input account had its id

  /// The row holding `account_id` (trimmed), or npos.
  [[nodiscard]] std::size_t find(std::string_view account_id) const;
  /// Cell `column` of row `row`.
  [[nodiscard]] std::string_view cell(std::size_t row, std::size_t column) const noexcept {
    return cells[row * header.size() + column];
  }
  /// Rows no input account matched.
  [[nodiscard]] std::size_t unmatched() const noexcept;
};

/// The --join and --join-key options of a command that reads accounts.
struct join_options {
  std::vector<std::string> paths;
  std::string key = "account_id";
};

/// Adds --join FILE (repeatable) and --join-key COL to `command`.
void add_join_options(CLI::App* command, join_options& options);

/// Says on stderr how many rows of each join table matched no input account (when any).
void report_unmatched(const std::vector<join_table>& joins);

/// Reads every --join file, keyed by `key_column`; throws cli_error for a missing key column, a
/// malformed row or a duplicated id (naming the id and both lines).
[[nodiscard]] std::vector<join_table> load_joins(const join_options& options);

inline constexpr std::size_t from_input = std::numeric_limits<std::size_t>::max();

/// Where one source column lives: a column of the input, or a column of a join table.
struct source_location {
  std::string name;
  std::size_t join = from_input;  ///< index of the join table, or from_input
  std::size_t column = 0;         ///< column in the input or in that join table
  bool present = true;            ///< false for optional seats that no table has
};

/// How the records of a raw export become a source table for the policy.
struct mapped_layout {
  std::vector<source_location> sources;  ///< every column the policy reads, riskscale::source_columns order
  const std::vector<join_table>* joins = nullptr;
  std::vector<std::pair<std::size_t, std::size_t>> kept_join;  ///< (join, column) passed through
  bool keep_inputs = false;                                    ///< write the derived model inputs as columns
};

/// Resolves the policy's source columns against the input header and the join tables; throws
/// cli_error naming a missing column and the JSON path that wants it.
[[nodiscard]] mapped_layout map_sources(const std::vector<std::string>& header, const riskscale::policy& pol,
                                        const std::vector<join_table>* joins);

/// One chunk's readable records as a source table (cells borrowed from the chunk and the joins).
struct mapped_chunk {
  std::vector<std::size_t> records;                  ///< table row -> record of the chunk
  std::vector<std::vector<std::string_view>> cells;  ///< per source, per table row
  std::vector<std::vector<std::size_t>> join_rows;   ///< per join, per table row (npos: no row)
  riskscale::source_table table{0};

  /// Fills the table from `records` of `c`; `account_id` is the input column of the account id.
  void fill(const chunk& c, const std::vector<std::size_t>& readable, std::size_t account_id,
            const mapped_layout& layout);
};

}  // namespace riskscale::cli
