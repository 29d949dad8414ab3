#include "cli/mapped_input.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "cli/cli_error.hpp"
#include "cli/input_source.hpp"
#include "csv/csv.hpp"

namespace riskscale::cli {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

std::size_t join_table::find(std::string_view account_id) const {
  const auto it = row_of_id.find(std::string(trimmed(account_id)));
  return it == row_of_id.end() ? std::string::npos : it->second;
}

std::size_t join_table::unmatched() const noexcept {
  std::size_t count = 0;
  for (std::size_t r = 0; r < rows; ++r) count += matched[r].load(std::memory_order_relaxed) ? 0 : 1;
  return count;
}

void add_join_options(CLI::App* command, join_options& options) {
  command->add_option("--join", options.paths,
                      "Per-account CSV to left-join on the account id (repeatable); its columns can be named in the "
                      "policy's inputs and by --keep");
  command->add_option("--join-key", options.key, "Account id column of the --join files (default: account_id)");
}

void report_unmatched(const std::vector<join_table>& joins) {
  for (const join_table& join : joins) {
    const std::size_t unmatched = join.unmatched();
    if (unmatched == 0) continue;
    std::fprintf(stderr, "--join %s: %zu of %zu rows matched no account of the input\n", join.path.c_str(), unmatched,
                 join.rows);
  }
}

std::vector<join_table> load_joins(const join_options& options) {
  const std::string& key_column = options.key;
  std::vector<join_table> joins;
  for (const std::string& path : options.paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      throw cli_error("cannot read --join " + path + "; accepted: a readable CSV file with a " + key_column +
                      " column");
    csv::reader reader(in);
    csv::record record;
    join_table join;
    join.path = path;
    read_header_row(reader, record, "--join " + path);
    join.header = record.fields;
    const auto key = std::find(join.header.begin(), join.header.end(), key_column);
    if (key == join.header.end()) {
      throw cli_error("--join " + path + " has no key column '" + key_column + "' (--join-key); the file has " +
                      joined(join.header));
    }
    join.key = static_cast<std::size_t>(key - join.header.begin());
    while (reader.next(record)) {
      const std::string where = "--join " + path + " line " + std::to_string(record.line);
      if (record.malformed) throw cli_error(where + ": " + record.error + "; accepted: RFC 4180 CSV");
      if (record.fields.size() != join.header.size()) {
        throw cli_error(where + ": expected " + std::to_string(join.header.size()) +
                        " fields as in the header, found " + std::to_string(record.fields.size()));
      }
      const std::string id(trimmed(record.fields[join.key]));
      const auto [it, added] = join.row_of_id.emplace(id, join.rows);
      if (!added) {
        throw cli_error("--join " + path + ": account id '" + id + "' is on line " +
                        std::to_string(join.lines[it->second]) + " and line " + std::to_string(record.line) +
                        "; accepted: one row per account");
      }
      for (auto& field : record.fields) join.cells.push_back(std::move(field));
      join.lines.push_back(record.line);
      ++join.rows;
    }
    if (in.bad()) throw cli_error("cannot read --join " + path + ": read error");
    join.matched = std::make_unique<std::atomic<bool>[]>(join.rows);
    for (std::size_t r = 0; r < join.rows; ++r) join.matched[r].store(false, std::memory_order_relaxed);
    joins.push_back(std::move(join));
  }
  return joins;
}

mapped_layout map_sources(const std::vector<std::string>& header, const riskscale::policy& pol,
                          const std::vector<join_table>* joins) {
  mapped_layout layout;
  layout.joins = joins;
  // A column name that both the input and a join table (other than its key) have is ambiguous.
  if (joins != nullptr) {
    for (std::size_t j = 0; j < joins->size(); ++j) {
      const join_table& join = (*joins)[j];
      for (std::size_t k = 0; k < join.header.size(); ++k) {
        if (k == join.key) continue;
        const std::string& name = join.header[k];
        if (std::find(header.begin(), header.end(), name) != header.end()) {
          throw cli_error("column '" + name + "' is in the input and in --join " + join.path +
                          "; accepted: join columns whose names the input does not have");
        }
        for (std::size_t other = 0; other < j; ++other) {
          const auto& earlier = (*joins)[other];
          if (std::find(earlier.header.begin(), earlier.header.end(), name) != earlier.header.end() &&
              name != earlier.header[earlier.key]) {
            throw cli_error("column '" + name + "' is in --join " + earlier.path + " and --join " + join.path +
                            "; accepted: each column in one table");
          }
        }
      }
    }
  }
  for (const riskscale::source_request& request : riskscale::source_columns(pol)) {
    source_location where;
    where.name = request.column;
    const auto in_input = std::find(header.begin(), header.end(), request.column);
    if (in_input != header.end()) {
      where.column = static_cast<std::size_t>(in_input - header.begin());
    } else {
      bool found = false;
      for (std::size_t j = 0; joins != nullptr && j < joins->size() && !found; ++j) {
        const join_table& join = (*joins)[j];
        for (std::size_t k = 0; k < join.header.size(); ++k) {
          if (k != join.key && join.header[k] == request.column) {
            where.join = j;
            where.column = k;
            found = true;
            break;
          }
        }
      }
      if (!found && request.optional) {
        where.present = false;
      } else if (!found) {
        const std::string wanted_by =
            request.json_path.empty() ? "the model input of that name needs it (the policy's inputs does not name it)"
                                      : request.json_path + " reads it";
        throw cli_error("missing source column '" + request.column + "': " + wanted_by + "; the input has " +
                        joined(header) + (joins != nullptr && !joins->empty() ? " (and the --join columns)" : ""));
      }
    }
    layout.sources.push_back(std::move(where));
  }
  return layout;
}

void mapped_chunk::fill(const chunk& c, const std::vector<std::size_t>& readable, std::size_t account_id,
                        const mapped_layout& layout) {
  records = readable;
  const std::size_t rows = records.size();
  const std::size_t join_count = layout.joins != nullptr ? layout.joins->size() : 0;
  join_rows.assign(join_count, std::vector<std::size_t>(rows, std::string::npos));
  for (std::size_t j = 0; j < join_count; ++j) {
    const join_table& join = (*layout.joins)[j];
    for (std::size_t i = 0; i < rows; ++i) {
      const std::size_t row = join.find(c.field(records[i], account_id));
      join_rows[j][i] = row;
      if (row != std::string::npos) join.matched[row].store(true, std::memory_order_relaxed);
    }
  }
  cells.assign(layout.sources.size(), {});
  table = riskscale::source_table(rows);
  for (std::size_t s = 0; s < layout.sources.size(); ++s) {
    const source_location& where = layout.sources[s];
    if (!where.present) continue;
    auto& column = cells[s];
    column.resize(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      if (where.join == from_input) {
        column[i] = c.field(records[i], where.column);
      } else {
        const std::size_t row = join_rows[where.join][i];
        column[i] = row == std::string::npos ? std::string_view() : (*layout.joins)[where.join].cell(row, where.column);
      }
    }
    table.add(where.name, riskscale::source_column::text(column.data()));
  }
}

}  // namespace riskscale::cli
