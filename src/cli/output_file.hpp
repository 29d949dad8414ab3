// riskscale CLI: an output that appears whole or not at all (temporary file, renamed on commit).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace riskscale::cli {

/// Writes to `path` through a temporary file in the same folder, renamed over `path` by
/// `commit()`; destroyed uncommitted, it removes the temporary file. "-" writes to stdout.
class output_file {
 public:
  explicit output_file(std::string path);
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file();

  /// Appends text; throws cli_error on a write error, naming the file.
  void write(std::string_view text);
  /// Flushes, closes and renames into place; throws cli_error on failure.
  void commit();
  /// The path the user named.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
  std::string temporary_path_;
  std::vector<char> buffer_ = std::vector<char>(std::size_t{1} << 16);  // this file's stdio buffer
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

/// The rejects file beside an output: OUT.rejects.csv for OUT.csv (riskscale.rejects.csv beside stdout).
inline std::string default_rejects_path(const std::string& output) {
  if (output == "-") return "riskscale.rejects.csv";
  const std::string extension = ".csv";
  if (output.size() > extension.size() && output.compare(output.size() - extension.size(), extension.size(), extension) == 0) {
    return output.substr(0, output.size() - extension.size()) + ".rejects.csv";
  }
  return output + ".rejects.csv";
}

}  // namespace riskscale::cli
