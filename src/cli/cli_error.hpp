// riskscale CLI: the error that ends a command with a one-line message and a documented exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace riskscale::cli {

/// Exit statuses of every command (documented in `riskscale --help` and the README).
enum exit_status : int {
  exit_ok = 0,             ///< every row classified
  exit_rows_rejected = 1,  ///< output written, but some rows went to the rejects file
  exit_failure = 2,        ///< usage, input/output, header or policy error: no output left behind
  exit_broken_pipe = 141,  ///< stdout was closed by its reader (128 + SIGPIPE, as coreutils)
};

/// A failure of the whole command (bad file, missing column, bad policy), never of one row.
class cli_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace riskscale::cli
