// riskscale CLI: streams CSV records in chunks through parallel workers and hands results back in input order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csv/csv.hpp"
#include "riskscale/summary.hpp"

namespace riskscale::cli {

/// A block of consecutive input records (text only) and, once processed, what became of them.
struct chunk {
  std::size_t sequence = 0;     ///< position of the chunk in the input
  std::size_t first_order = 0;  ///< 0-based index of its first record among all data records
  std::size_t bytes_end = 0;    ///< input bytes consumed once this chunk was read (for progress)

  std::vector<std::size_t> lines;   ///< physical line where each record starts
  std::vector<std::string> errors;  ///< per record: the CSV problem, empty when well-formed
  std::vector<bool> oversized;      ///< per record: longer than the maximum record size
  /// Where a record's text or a field's value lies in `text`.
  struct span {
    span(std::size_t first, std::size_t last) noexcept : begin(first), end(last) {}
    std::size_t begin, end;
  };
  /// Every record's original text; after a record whose fields are not plain slices of it
  /// (quoted fields), its field values too.
  std::string text;
  std::vector<span> raw_span;           ///< each record's original text
  std::vector<span> cell_span;          ///< each field's value, record after record
  std::vector<std::size_t> record_end;  ///< end of each record's fields in `cell_span`

  std::string output;   ///< formatted output rows
  std::string rejects;  ///< formatted rejects rows
  std::size_t classified = 0;
  std::size_t rejected = 0;
  std::optional<portfolio_summary> summary;  ///< partial summary, when the command wants one
  std::shared_ptr<void> payload;             ///< a command's own results of `process` for `consume` (drift)

  /// Number of records.
  [[nodiscard]] std::size_t size() const noexcept { return lines.size(); }
  /// Fields in record `i`.
  [[nodiscard]] std::size_t field_count(std::size_t i) const noexcept {
    return record_end[i] - (i == 0 ? 0 : record_end[i - 1]);
  }
  /// Field `f` of record `i`.
  [[nodiscard]] std::string_view field(std::size_t i, std::size_t f) const noexcept {
    const span& cell = cell_span[(i == 0 ? 0 : record_end[i - 1]) + f];
    return std::string_view(text).substr(cell.begin, cell.end - cell.begin);
  }
  /// The original text of record `i`.
  [[nodiscard]] std::string_view raw_text(std::size_t i) const noexcept {
    return std::string_view(text).substr(raw_span[i].begin, raw_span[i].end - raw_span[i].begin);
  }
  /// Empties the chunk, keeping its capacity for reuse.
  void clear();
};

/// Reads the header, then fills chunks of records from a CSV stream.
class chunk_reader {
 public:
  /// Reads from `in` (which must outlive the reader) `rows_per_chunk` records at a time.
  chunk_reader(std::istream& in, std::string source_name, std::size_t rows_per_chunk,
               std::size_t max_record_bytes = csv::reader::default_max_record_bytes);

  /// The header row; throws cli_error when the input is empty or the header is malformed.
  [[nodiscard]] std::vector<std::string> read_header();
  /// Fills `out` with the next records; false when the input has none left.
  [[nodiscard]] bool fill(chunk& out);
  /// Input bytes consumed so far.
  [[nodiscard]] std::size_t bytes_consumed() const noexcept { return reader_.bytes_consumed(); }
  /// Line number of the header row.
  [[nodiscard]] std::size_t header_line() const noexcept { return header_line_; }

 private:
  std::istream& in_;
  std::string source_name_;
  csv::reader reader_;
  csv::record record_;
  std::size_t rows_per_chunk_;
  std::size_t records_read_ = 0;
  std::size_t header_line_ = 0;
};

/// The worker threads of a `--threads N` option: N, or every hardware thread for 0.
[[nodiscard]] unsigned worker_count(unsigned requested) noexcept;

/// Runs `process` on every chunk on `workers` threads while the calling thread reads, and
/// `consume` on each processed chunk in input order on one writer thread; at most
/// `max_in_flight` chunks exist at once, so memory stays flat. The first exception of any
/// stage stops the run and is rethrown here.
void run_pipeline(chunk_reader& reader, unsigned workers, std::size_t max_in_flight,
                  const std::function<void(chunk&)>& process, const std::function<void(chunk&)>& consume);

}  // namespace riskscale::cli
