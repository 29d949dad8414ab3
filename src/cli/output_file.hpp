// riskscale CLI: an output that appears whole or not at all, and never harms what is already there:
// a regular file (or a symlink's target) is replaced atomically at commit; a device, FIFO or socket is
// written in place; an input is never an output.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace riskscale::cli {

/// stdout was closed by its reader (`riskscale ... -o - | head`): the run ends quietly, exit 141.
class broken_pipe : public std::runtime_error {
 public:
  broken_pipe() : std::runtime_error("stdout was closed") {}
};

/// Writes to `path`. "-" writes to stdout. An existing device, FIFO or socket (after following
/// symlinks) is opened and written in place. Otherwise the text goes to an unnamed temporary file
/// (Linux O_TMPFILE) in the target's folder, linked into place by `commit()`, so even SIGKILL leaves
/// nothing behind; where the file system has no O_TMPFILE, to a named temporary file that the
/// destructor and the interrupt handlers remove. A symlink is followed and its target replaced.
class output_file {
 public:
  explicit output_file(std::string path);
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file();

  /// Appends text; throws cli_error on a write error, naming the file (broken_pipe for a closed stdout).
  void write(std::string_view text);
  /// Flushes, closes and puts the file into place; throws cli_error on failure.
  void commit();
  /// The path the user named.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

  /// True for "-" and for a path that names (through symlinks) an existing file that is not a
  /// regular file: such outputs are streams, written in place.
  [[nodiscard]] static bool is_stream(const std::string& path);

 private:
  enum class kind { standard_output, in_place, unnamed_temporary, named_temporary };
  std::string path_;            // as the user named it
  std::string target_;          // after following symlinks
  std::string temporary_path_;  // the named temporary file (named_temporary only)
  kind kind_ = kind::standard_output;
  int descriptor_ = -1;
  std::vector<char> buffer_ = std::vector<char>(std::size_t{1} << 16);  // this file's stdio buffer
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

/// Where the rejects go when the user names no --rejects: OUT.rejects.csv beside a file output;
/// `riskscale.rejects.csv` in the working directory beside stdout or a stream target (device, FIFO),
/// and then only when some row was rejected (`only_when_rows_rejected`).
struct rejects_destination {
  std::string path;
  bool only_when_rows_rejected = false;
};
[[nodiscard]] rejects_destination default_rejects(const std::string& output);

/// True when two output paths name the same file: both stdout, or one path by two spellings
/// (a file that does not exist yet has no inode to compare, so its path is compared).
[[nodiscard]] bool same_destination(const std::string& a, const std::string& b);

/// Refuses (cli_error, before anything is written) an output that names the same file as an input
/// or as another output: same device and inode, through symlinks and hard links; names both paths.
/// Empty paths and "-" are skipped.
void refuse_clobbering(const std::vector<std::pair<std::string, std::string>>& inputs,
                       const std::vector<std::pair<std::string, std::string>>& outputs);

}  // namespace riskscale::cli
