// riskscale CLI: one chunk of CSV records through the model: parse, classify, format; bad rows to rejects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/input_layout.hpp"
#include "cli/pipeline.hpp"
#include "riskscale/policy.hpp"

namespace riskscale::cli {

/// What a command wants from each chunk.
struct chunk_job {
  const riskscale::policy* policy = nullptr;
  const input_layout* layout = nullptr;
  bool format_output = true;  ///< fill chunk::output with SPEC §8 rows
  bool summarize = false;     ///< fill chunk::summary
};

/// The output header: kept input (and join) columns, the derived model inputs with --keep-inputs,
/// then the SPEC §8 columns in order.
[[nodiscard]] std::string output_header(const input_layout& layout, const riskscale::policy& pol);
/// The rejects file header.
[[nodiscard]] std::string rejects_header();

/// Appends one rejects row for record `record` of `c`: line, account_id, column, reason, message
/// and the original record; counts it in `c.rejected`.
void append_reject(chunk& c, std::size_t record, std::string_view account_id, std::string_view column,
                   std::string_view reason, std::string_view message);

/// The records of a chunk read as model inputs, as classify reads them: the readable records' values
/// as columns in policy::input_fields() order (a column the file lacks stays empty), and per record
/// why it could not be read.
struct chunk_inputs {
  /// Why a record is not a row of the model: the column (empty for the whole record), reason, message.
  struct unreadable {
    std::string column;
    std::string reason;
    std::string message;
  };
  std::vector<std::vector<double>> columns;
  std::size_t rows = 0;  ///< readable records, the model's rows, in record order
  std::vector<std::optional<unreadable>> unreadable_records;
};

/// Reads every record of `c` into `out` (text to numbers; ranges are the model's to check).
void read_chunk_inputs(const chunk& c, const riskscale::policy& pol, const input_layout& layout, chunk_inputs& out);

/// Parses every record of `c`, classifies the well-formed ones and formats both outputs;
/// safe to call from several threads on different chunks.
void classify_chunk(chunk& c, const chunk_job& job);

}  // namespace riskscale::cli
