// Test support: reads a whole CSV file (through the project's reader) into named columns.
#pragma once

#include <cstddef>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "csv/csv.hpp"

namespace riskscale::testing {

/// A CSV file held in memory: a header and rows of text cells.
struct table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  /// Index of a header column; throws when absent so a test fails loudly.
  [[nodiscard]] std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw std::runtime_error("no column '" + name + "' in the table");
  }
  /// The cell of a row in a named column.
  [[nodiscard]] const std::string& cell(std::size_t row, const std::string& name) const {
    return rows.at(row).at(column(name));
  }
  /// The cell parsed as a double; an empty cell is NaN.
  [[nodiscard]] double number(std::size_t row, const std::string& name) const;
};

inline double table::number(std::size_t row, const std::string& name) const {
  const std::string& text = cell(row, name);
  double value = std::numeric_limits<double>::quiet_NaN();
  if (!text.empty() && !csv::parse_double(text, value)) {
    throw std::runtime_error("cell '" + text + "' of column " + name + " is not a number");
  }
  return value;
}

/// Reads a CSV file; throws when it is missing or has a malformed record.
inline table read_table(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  csv::reader reader(in);
  csv::record record;
  table result;
  bool first = true;
  while (reader.next(record)) {
    if (record.malformed) throw std::runtime_error(path + ": " + record.error);
    if (first) {
      result.header = record.fields;
      first = false;
    } else {
      result.rows.push_back(record.fields);
    }
  }
  return result;
}

/// The scored columns of SPEC §8 that the conformance files give (within 1e-9), written out here on
/// purpose rather than read from output_schema.hpp: a test states what it expects on its own.
inline const std::vector<std::string> conformance_score_columns = {"risk_score",
                                                                   "scale_score",
                                                                   "frequency_score",
                                                                   "reach_score",
                                                                   "margin",
                                                                   "p_high_scale_high_risk",
                                                                   "p_high_scale_low_risk",
                                                                   "p_low_scale_high_risk",
                                                                   "p_low_scale_low_risk"};

/// The folder of the shared conformance files (SPEC §8 expectations), set by CMake.
inline std::string conformance_path(const std::string& file) {
  return std::string(RISKSCALE_CONFORMANCE_DIR) + "/" + file;
}

}  // namespace riskscale::testing
