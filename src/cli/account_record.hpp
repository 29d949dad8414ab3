// riskscale CLI: one CSV record as an account (SPEC §2), or why it cannot be one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/input_layout.hpp"
#include "cli/pipeline.hpp"
#include "riskscale/account.hpp"
#include "riskscale/inputs.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::cli {

/// Why a record is not an account: the column (empty for the whole record), a reason code as in the
/// rejects file, and a message that says what is accepted.
struct record_problem {
  std::string column;
  std::string reason;
  std::string message;
};

/// The inputs of record `r` of `c` by the header layout, or nothing with `problem` filled when the
/// record is malformed, has the wrong field count or a cell that is not a number. Ranges are the
/// model's to check (assess), so an out-of-range value is read as it is.
[[nodiscard]] std::optional<riskscale::account> account_from_record(const chunk& c, std::size_t r,
                                                                    const input_layout& layout,
                                                                    const riskscale::policy& pol,
                                                                    record_problem& problem);

/// Where each model input of record `r` came from (SPEC §9), empty when the layout maps nothing.
[[nodiscard]] std::vector<riskscale::input_origin> input_origins(const chunk& c, std::size_t r,
                                                                 const input_layout& layout,
                                                                 const riskscale::policy& pol);

/// Reads `reader` until the first record whose account_id is `account_id` and which has the header's
/// field count; on success `c` holds it as record `r`. Throws cli_error naming `source` when none does.
void find_account_record(chunk_reader& reader, const input_layout& layout, std::string_view account_id,
                         const std::string& source, chunk& c, std::size_t& r);

}  // namespace riskscale::cli
