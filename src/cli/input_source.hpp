// riskscale CLI: what every command opens first: its policy, its input (a file, or stdin for "-") and
// the input's header row.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/cli_error.hpp"
#include "csv/csv.hpp"
#include "riskscale/text_file.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/policy_json.hpp"

namespace riskscale::cli {

/// The policy of a --policy option: the SPEC defaults when empty; a bad file ends the command.
inline riskscale::policy load_policy(const std::string& path) {
  if (path.empty()) return riskscale::policy();
  try {
    return riskscale::policy::from_file(path);
  } catch (const riskscale::error& e) {
    throw cli_error(e.what());
  }
}

/// The whole text of a small file named by an option (traits, settings); a file that cannot be read
/// ends the command with a message naming it and `accepted`.
inline std::string read_option_file(const std::string& path, const std::string& what, const std::string& accepted) {
  try {
    return riskscale::read_text_file(path, what, accepted);  // names a directory, a missing file, a cause
  } catch (const riskscale::error& e) {
    throw cli_error(e.what());
  }
}

/// An opened input: a file, or stdin for "-".
struct input_source {
  std::string name;
  std::ifstream file;
  std::istream* stream = nullptr;
  std::size_t size = 0;  // 0 when unknown

  explicit input_source(const std::string& path) : name(path == "-" ? "stdin" : path) {
    if (path == "-") {
      stream = &std::cin;
      return;
    }
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      throw cli_error("cannot read " + path + ": it is a directory; accepted: a CSV file, or - for stdin");
    }
    file.open(path, std::ios::binary);
    if (!file) {
      throw cli_error("cannot read " + path + ": " + std::strerror(errno) +
                      "; accepted: a readable CSV file, or - for stdin");
    }
    stream = &file;
    const auto bytes = std::filesystem::file_size(path, error);
    size = error ? 0 : static_cast<std::size_t>(bytes);
  }
};

/// Reads the header row of the table `name` into `header`; an empty input or a malformed header ends
/// the command, the first saying what `table` (e.g. "a CSV file") was expected.
inline void read_header_row(csv::reader& reader, csv::record& header, const std::string& name,
                            const std::string& table = "a CSV file") {
  if (!reader.next(header))
    throw cli_error(name + " is empty; accepted: " + table + " whose first row names the columns");
  if (header.malformed) throw cli_error(name + ": the header row is malformed (" + header.error + ")");
}

}  // namespace riskscale::cli
