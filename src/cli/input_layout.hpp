// riskscale CLI: which CSV column feeds which model input, from the header row.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "riskscale/policy.hpp"

namespace riskscale::cli {

inline constexpr std::size_t no_column = std::numeric_limits<std::size_t>::max();

/// Where each input lives in a CSV record, resolved once from the header.
struct input_layout {
  std::vector<std::string> header;
  std::size_t account_id = no_column;
  /// One column per policy::input_fields() entry; `seats` may be no_column.
  std::vector<std::size_t> fields;
  /// Input columns passed through to the output, before the SPEC §8 columns.
  std::vector<std::size_t> kept;
};

/// Which input columns to pass through.
struct keep_request {
  bool all = false;
  std::vector<std::string> columns;
};

/// Maps a header to the policy's inputs; throws cli_error naming a missing, duplicate or
/// unknown column and listing what the file has.
[[nodiscard]] input_layout map_header(const std::vector<std::string>& header, const policy& pol,
                                      const keep_request& keep);

}  // namespace riskscale::cli
