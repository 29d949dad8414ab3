// riskscale CLI: which CSV column feeds which model input, from the header row.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "riskscale/policy.hpp"

namespace riskscale::cli {

struct join_table;
struct mapped_layout;

inline constexpr std::size_t no_column = std::numeric_limits<std::size_t>::max();

/// Where each input lives in a CSV record, resolved once from the header.
struct input_layout {
  std::vector<std::string> header;
  std::size_t account_id = no_column;
  /// One column per policy::input_fields() entry; `seats` may be no_column.
  std::vector<std::size_t> fields;
  /// Input columns passed through to the output, before the SPEC §8 columns.
  std::vector<std::size_t> kept;
  /// Set when the input is read through the policy's `inputs` (SPEC §9) or with --join tables:
  /// then `fields` is empty and every model input comes from the mapping (cli/mapped_input.hpp).
  std::shared_ptr<const mapped_layout> mapped;
};

/// Which input columns to pass through.
struct keep_request {
  bool all = false;
  std::vector<std::string> columns;
  bool inputs = false;  ///< --keep-inputs: the derived model inputs as columns too
};

/// Maps a header to the policy's inputs; throws cli_error naming a missing, duplicate or
/// unknown column and listing what the file has.
[[nodiscard]] input_layout map_header(const std::vector<std::string>& header, const policy& pol,
                                      const keep_request& keep, const std::vector<join_table>* joins = nullptr);

}  // namespace riskscale::cli
