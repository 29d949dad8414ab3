// Streaming RFC 4180 CSV reader and CSV field writer.
//
// The reader is built for very large inputs: it reads the stream in large
// blocks into one reusable buffer (grown only when a single record does not
// fit), and it fills a caller-owned `record` whose vectors and strings are
// reused from row to row, so memory stays flat whatever the number of rows.
//
// Parsing rules (RFC 4180 plus the leniencies a command-line tool needs):
//  * Records end at LF or CRLF; a CR that is followed by LF, or that is the
//    very last byte of the input, belongs to the terminator, never to a field.
//    A CR anywhere else in an unquoted field is kept as data.
//  * A field that starts with '"' is quoted: it may contain the delimiter,
//    CR and LF (kept as-is), and '""' stands for one '"'.
//  * A UTF-8 byte order mark at the very start of the input is skipped.
//  * Blank lines (empty, or a single CR before the LF) are skipped, but they
//    still count in line numbers. A line holding only `""` is not blank: it
//    is a record with one empty field.
//  * Problems never stop the reader and never lose a row: the record is
//    returned with `malformed = true` and an `error` text, and parsing resumes
//    at the next record. Problems detected are an unterminated quoted field
//    (which, per RFC 4180, runs to the end of the input), text after a
//    closing quote, and a quote inside an unquoted field.
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace riskscale::csv {

// One parsed CSV record, meant to be reused across reader::next() calls so
// that its vectors and strings keep their capacity.
struct record {
  // 1-based physical line number on which the record starts (blank lines and
  // newlines embedded in quoted fields of earlier records are counted).
  std::size_t line = 0;
  // Field values with the quoting removed ("" collapsed to ").
  std::vector<std::string> fields;
  // The record's text exactly as it appears in the input, without its line
  // terminator (embedded newlines of quoted fields are included).
  std::string raw;
  // True when the record broke a quoting rule; fields then hold a best-effort
  // reading and `raw` holds the exact text.
  bool malformed = false;
  // What was wrong with a malformed record (the first problem found), empty
  // otherwise, e.g. "stray quote in unquoted field (field 2)".
  std::string error;
  // True when the record is longer than the reader's maximum record size: it
  // is then also `malformed`, has no fields, and `raw` holds only its first
  // bytes (at most `reader::oversized_excerpt_bytes`).
  bool too_large = false;
};

// Reads CSV records one at a time from any std::istream in large blocks.
// Because it reads ahead by up to a block, the stream's position says nothing
// about the records returned so far: give each reader its own stream.
class reader {
 public:
  // Reads from `in`, which must outlive the reader and should not have
  // exceptions enabled for eofbit/failbit (reaching the end sets them);
  // `buffer_bytes` is the initial block size (at least 1) and `delimiter`
  // separates fields and may not be '"', CR or LF (std::invalid_argument is
  // thrown otherwise).
  explicit reader(std::istream& in, std::size_t buffer_bytes = std::size_t{1} << 20, char delimiter = ',');

  // A reader owns a position in a stream, so it is movable but not copyable.
  reader(const reader&) = delete;
  // Copy assignment is disabled for the same reason as copying.
  reader& operator=(const reader&) = delete;
  // Moving hands the stream position and buffer over to the new reader.
  reader(reader&&) noexcept = default;
  // Move assignment is impossible because the reader refers to its stream.
  reader& operator=(reader&&) = delete;

  // Fills `out` with the next record and returns true, or returns false at
  // the end of the input (then `out` is left in an unspecified state). A read
  // error of the stream is treated as end of input: check `in.bad()` after
  // next() returns false.
  [[nodiscard]] bool next(record& out);

  // The longest record accepted, in bytes (default 64 MiB). A longer record is
  // returned at once as `too_large` (with the first bytes of its text), and
  // the next call skips the rest of it without holding it in memory, so an
  // endless line (/dev/zero) keeps memory flat and the records after a huge
  // one are still read.
  void set_max_record_bytes(std::size_t bytes) noexcept { max_record_bytes_ = bytes == 0 ? 1 : bytes; }
  [[nodiscard]] std::size_t max_record_bytes() const noexcept { return max_record_bytes_; }

  // The default maximum record size, and how much of an oversized record's
  // text is kept in `record::raw`.
  static constexpr std::size_t default_max_record_bytes = std::size_t{64} << 20;
  static constexpr std::size_t oversized_excerpt_bytes = 256;

  // Number of input bytes consumed so far by the records returned (including
  // a skipped byte order mark and skipped blank lines), for progress reports.
  [[nodiscard]] std::size_t bytes_consumed() const noexcept { return bytes_consumed_; }

 private:
  // Moves the unconsumed bytes to the front of the buffer (growing it when
  // they fill it) and appends more input; returns false when nothing more
  // could be read. Offsets relative to record_begin_ stay valid across it.
  bool refill();

  // Makes the byte at `offset` from record_begin_ available in the buffer,
  // reading more input if needed; returns false if the input ends before it.
  bool ensure_available(std::size_t offset);

  // Marks the bytes [record_begin_, record_begin_ + count) as consumed.
  void consume(std::size_t count) noexcept;

  // Skips the input's leading byte order mark and any blank lines; returns
  // false when no record remains.
  bool skip_to_record_start();

  // Fast path for the common record without quotes that lies wholly in the
  // buffer: parses it into `out`, consumes it and returns true, or returns
  // false without consuming anything when parse_record() must handle it.
  bool parse_plain_record(record& out);

  // General parser for the record at record_begin_ (any quoting, any size,
  // malformed input): fills `out`'s fields and raw text and consumes it.
  void parse_record(record& out);

  // Turns `out` into the too-large report of the record at record_begin_
  // (nothing is consumed; the next call to next() skips the record).
  void report_oversized(record& out);

  // Consumes the rest of an oversized record, block by block, following the
  // quoting rules of parse_record so that it ends where parse_record would.
  void skip_oversized_record();

  // Appends buffer bytes [begin, end) (offsets from record_begin_) to `field`.
  void append_span(std::string& field, std::size_t begin, std::size_t end) const;

  std::istream& in_;                                         // the input stream (not owned)
  std::unique_ptr<char[]> buffer_;                           // block buffer holding the unconsumed input
  std::size_t buffer_capacity_ = 0;                          // size of buffer_ in bytes
  std::size_t record_begin_ = 0;                             // buffer index of the first unconsumed byte
  std::size_t data_end_ = 0;                                 // buffer index one past the last byte read
  std::size_t bytes_consumed_ = 0;                           // total input bytes consumed so far
  std::size_t next_line_ = 1;                                // physical line number of record_begin_
  char delimiter_ = ',';                                     // field separator
  bool input_exhausted_ = false;                             // the stream reported end of input or an error
  bool byte_order_mark_checked_ = false;                     // the start of input was examined for a BOM
  std::size_t max_record_bytes_ = default_max_record_bytes;  // longest record accepted
  bool skip_pending_ = false;                                // the record at record_begin_ was reported too large
};

// Appends `value` to `out` as one CSV field, quoted per RFC 4180 only when it
// contains the delimiter, a quote, CR or LF, or starts or ends with a space or
// tab; quotes inside are doubled. An empty value is written as nothing, so a
// record made of a single empty field must be written by the caller as `""`
// (an empty line would be read back as a skipped blank line).
void append_field(std::string& out, std::string_view value, char delimiter = ',');

// The most bytes write_field can produce for a value of `size` bytes (each a doubled quote, plus two quotes).
constexpr std::size_t field_bound(std::size_t size) noexcept { return 2 * size + 2; }  // = riskscale::csv_field_bound

// True when append_field would quote `value`.
bool needs_quotes(std::string_view value, char delimiter = ',') noexcept;

// Writes `value` at `out` exactly as append_field appends it and returns the end of what it
// wrote; `out` must have room for field_bound(value.size()) bytes. For writers that format a
// whole row into one reserved span.
char* write_field(char* out, std::string_view value, char delimiter = ',') noexcept;

// Appends the shortest text that parses back (with parse_double) to exactly
// the same double, e.g. "0.1", "1e+21", "inf"; -0 is written as "0" (no output
// column ever shows a negative zero). The caller must not pass
// NaN (write an empty field instead); if it does, "nan" or "-nan" is written.
void append_double(std::string& out, double value);

// The most bytes write_double writes (the longest shortest-round-trip double is 24 characters,
// e.g. "-2.2250738585072014e-308").
inline constexpr std::size_t double_bound = 32;

// Writes `value` at `out` as append_double appends it and returns the end; `out` must have
// room for double_bound bytes.
char* write_double(char* out, double value) noexcept;

// Parses the whole of `text` as a double, independently of any locale, with
// correct rounding: surrounding spaces and tabs are ignored, a leading '+' is
// accepted, and "nan", "inf", "infinity" (any case, optionally signed) give
// NaN or infinity so the caller can reject them with a precise reason. A
// decimal number too large for a double gives +/-infinity and one too small
// gives +/-0. Returns false, leaving `value` unchanged, when the text is empty
// or not entirely a number (e.g. "1.5x", "1,5", "0x10", "+-1").
[[nodiscard]] bool parse_double(std::string_view text, double& value);

}  // namespace riskscale::csv
