#include "csv/csv.hpp"

#include "riskscale/cell_text.hpp"
#include "riskscale/csv_field.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace riskscale::csv {

namespace {

constexpr char quote_char = '"';

// Returns the slot for the field at `index`, reusing an existing string (and
// its capacity) when the record already had that many fields.
std::string& field_slot(std::vector<std::string>& fields, std::size_t index) {
  if (index == fields.size()) {
    fields.emplace_back();
  }
  std::string& field = fields[index];
  field.clear();
  return field;
}

// Returns the first byte in [cursor, limit) equal to any of the four given
// bytes (repeat one to look for fewer), or `limit` if there is none.
inline const char* find_first_of_four(const char* cursor, const char* limit, char first, char second, char third,
                                      char fourth) {
#if defined(__SSE2__) && defined(__GNUC__)
  // Why: SSE2 is part of every x86-64 CPU and tests 16 bytes per step,
  // which covers a typical numeric field in one step.
  const __m128i first_block = _mm_set1_epi8(first);
  const __m128i second_block = _mm_set1_epi8(second);
  const __m128i third_block = _mm_set1_epi8(third);
  const __m128i fourth_block = _mm_set1_epi8(fourth);
  while (limit - cursor >= 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(cursor));
    const __m128i matches =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, first_block), _mm_cmpeq_epi8(block, second_block)),
                     _mm_or_si128(_mm_cmpeq_epi8(block, third_block), _mm_cmpeq_epi8(block, fourth_block)));
    const int match_mask = _mm_movemask_epi8(matches);
    if (match_mask != 0) {
      return cursor + __builtin_ctz(static_cast<unsigned>(match_mask));
    }
    cursor += 16;
  }
#endif
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // Why: elsewhere, testing 8 bytes per step in a 64-bit word ("SWAR") is
  // still several times faster than testing one byte at a time.
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
  // Flags the zero bytes of `word`; false positives only ever appear above
  // a true zero byte, so the lowest flag is always exact.
  const auto zero_bytes = [](std::uint64_t word) { return (word - ones) & ~word & high_bits; };
  const std::uint64_t first_bytes = ones * static_cast<unsigned char>(first);
  const std::uint64_t second_bytes = ones * static_cast<unsigned char>(second);
  const std::uint64_t third_bytes = ones * static_cast<unsigned char>(third);
  const std::uint64_t fourth_bytes = ones * static_cast<unsigned char>(fourth);
  while (limit - cursor >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, cursor, sizeof word);
    const std::uint64_t matches = zero_bytes(word ^ first_bytes) | zero_bytes(word ^ second_bytes) |
                                  zero_bytes(word ^ third_bytes) | zero_bytes(word ^ fourth_bytes);
    if (matches != 0) {
      // Little-endian: the lowest flagged byte comes first in memory.
      return cursor + (__builtin_ctzll(matches) >> 3);
    }
    cursor += 8;
  }
#endif
  while (cursor != limit) {
    const char c = *cursor;
    if (c == first || c == second || c == third || c == fourth) {
      break;
    }
    ++cursor;
  }
  return cursor;
}

// Returns the first byte in [cursor, limit) that ends or breaks an unquoted
// field (the delimiter, LF, CR or a quote), or `limit` if there is none.
inline const char* find_unquoted_stop(const char* cursor, const char* limit, char delimiter) {
  return find_first_of_four(cursor, limit, delimiter, '\n', '\r', quote_char);
}

// Returns the first quote or LF in [cursor, limit) (inside a quoted field,
// LFs are only counted), or `limit` if there is none.
inline const char* find_quoted_stop(const char* cursor, const char* limit) {
  return find_first_of_four(cursor, limit, quote_char, '\n', quote_char, quote_char);
}

// Replaces the contents of `value` with [begin, begin + length), reusing its
// storage.
inline void store_value(std::string& value, const char* begin, std::size_t length) {
  if (length <= value.size()) {
    // Why: overwriting then truncating needs no out-of-line string call
    // (this runs once per field, so the call overhead is measurable).
    if (length != 0) {
      std::memcpy(value.data(), begin, length);
    }
    value.erase(length);
  } else {
    // Why clear+append rather than assign: append is the cheaper library
    // routine (assign must also handle a source overlapping the string).
    value.clear();
    value.append(begin, length);
  }
}

// Records the first problem of a record; later problems are consequences of
// the first one more often than not, so only the first is reported.
void mark_malformed(record& out, const char* problem, std::size_t field_number) {
  if (out.malformed) {
    return;
  }
  out.malformed = true;
  out.error = problem;
  out.error += " (field ";
  out.error += std::to_string(field_number);
  out.error += ')';
}

// Drops a trailing LF, CRLF or CR from `text`, if present.
void drop_trailing_line_terminator(std::string& text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  if (!text.empty() && text.back() == '\r') {
    text.pop_back();
  }
}

}  // namespace

reader::reader(std::istream& in, std::size_t buffer_bytes, char delimiter)
    : in_(in),
      // Why not std::vector: its zero-filling would touch every page of a
      // buffer that small inputs never use.
      buffer_(new char[std::max<std::size_t>(buffer_bytes, 1)]),
      buffer_capacity_(std::max<std::size_t>(buffer_bytes, 1)),
      delimiter_(delimiter) {
  if (delimiter == quote_char || delimiter == '\r' || delimiter == '\n') {
    throw std::invalid_argument("csv::reader: the delimiter cannot be a quote, CR or LF");
  }
}

bool reader::refill() {
  if (input_exhausted_) {
    return false;
  }
  const std::size_t pending = data_end_ - record_begin_;
  if (record_begin_ != 0) {
    // Why: keep the partial record contiguous at the front so that the
    // rest of the buffer can take a full block of new input.
    if (pending != 0) {
      std::memmove(buffer_.get(), buffer_.get() + record_begin_, pending);
    }
    record_begin_ = 0;
    data_end_ = pending;
  }
  if (data_end_ == buffer_capacity_) {
    // Why: a single record is larger than the buffer; doubling keeps the
    // total work of re-reading it linear in the record size.
    const std::size_t grown_capacity = buffer_capacity_ * 2;
    std::unique_ptr<char[]> grown(new char[grown_capacity]);
    std::memcpy(grown.get(), buffer_.get(), data_end_);
    buffer_ = std::move(grown);
    buffer_capacity_ = grown_capacity;
  }
  in_.read(buffer_.get() + data_end_, static_cast<std::streamsize>(buffer_capacity_ - data_end_));
  const auto received = static_cast<std::size_t>(in_.gcount());
  data_end_ += received;
  if (!in_) {
    // Why: a short read means end of file or a stream error; either way no
    // more bytes will come, and asking again could block on a terminal.
    input_exhausted_ = true;
  }
  return received != 0;
}

bool reader::ensure_available(std::size_t offset) {
  while (record_begin_ + offset >= data_end_) {
    if (!refill()) {
      return false;
    }
  }
  return true;
}

void reader::consume(std::size_t count) noexcept {
  record_begin_ += count;
  bytes_consumed_ += count;
}

void reader::append_span(std::string& field, std::size_t begin, std::size_t end) const {
  field.append(buffer_.get() + record_begin_ + begin, end - begin);
}

bool reader::skip_to_record_start() {
  if (!byte_order_mark_checked_) {
    byte_order_mark_checked_ = true;
    if (ensure_available(2)) {
      const auto* start = reinterpret_cast<const unsigned char*>(buffer_.get() + record_begin_);
      if (start[0] == 0xEF && start[1] == 0xBB && start[2] == 0xBF) {
        consume(3);
      }
    }
  }
  for (;;) {
    if (!ensure_available(0)) {
      return false;
    }
    const char first = buffer_[record_begin_];
    if (first == '\n') {
      consume(1);
      ++next_line_;
      continue;
    }
    if (first == '\r') {
      if (!ensure_available(1)) {
        consume(1);  // a lone CR at the end of input is a blank line
        return false;
      }
      if (buffer_[record_begin_ + 1] == '\n') {
        consume(2);
        ++next_line_;
        continue;
      }
    }
    return true;
  }
}

bool reader::next(record& out) {
  if (skip_pending_) {
    skip_oversized_record();
  }
  if (!skip_to_record_start()) {
    return false;
  }
  out.line = next_line_;
  out.malformed = false;
  out.too_large = false;
  out.error.clear();
  const std::size_t consumed_before = bytes_consumed_;
  if (!parse_plain_record(out)) {
    parse_record(out);
  }
  if (!out.too_large && bytes_consumed_ - consumed_before > max_record_bytes_ && out.raw.size() > max_record_bytes_) {
    // Read whole (it fit in the buffer) but longer than allowed: reported the same way.
    out.fields.clear();
    out.raw.resize(oversized_excerpt_bytes);
    out.too_large = true;
    out.malformed = true;
    out.error = "record longer than " + std::to_string(max_record_bytes_) + " bytes (the maximum record size)";
  }
  return true;
}

void reader::report_oversized(record& out) {
  out.fields.clear();
  const std::size_t available = data_end_ - record_begin_;
  out.raw.assign(buffer_.get() + record_begin_, std::min(available, oversized_excerpt_bytes));
  out.too_large = true;
  out.malformed = true;
  out.error = "record longer than " + std::to_string(max_record_bytes_) + " bytes (the maximum record size)";
  skip_pending_ = true;
}

void reader::skip_oversized_record() {
  skip_pending_ = false;
  enum class state { field_start, unquoted, quoted, quote_in_quoted, carriage_return };
  state at = state::field_start;
  for (;;) {
    if (record_begin_ == data_end_ && !refill()) {
      return;  // the input ended inside the record
    }
    const char* const base = buffer_.get() + record_begin_;
    const std::size_t available = data_end_ - record_begin_;
    std::size_t i = 0;
    for (; i < available; ++i) {
      const char c = base[i];
      if (at == state::quote_in_quoted) {
        if (c == quote_char) {
          at = state::quoted;  // a doubled quote
          continue;
        }
        at = state::unquoted;  // closed; what follows is read as unquoted text
      }
      if (at == state::carriage_return) {
        if (c == '\n') {
          consume(i + 1);
          ++next_line_;
          return;
        }
        at = state::unquoted;  // a CR inside unquoted text is data
      }
      if (at == state::quoted) {
        if (c == quote_char) {
          at = state::quote_in_quoted;
        } else if (c == '\n') {
          ++next_line_;  // embedded in the value
        }
        continue;
      }
      if (c == delimiter_) {
        at = state::field_start;
      } else if (c == '\n') {
        consume(i + 1);
        ++next_line_;
        return;
      } else if (c == '\r') {
        at = state::carriage_return;
      } else if (c == quote_char && at == state::field_start) {
        at = state::quoted;
      } else {
        at = state::unquoted;
      }
    }
    consume(available);  // nothing of the record is kept
  }
}

bool reader::parse_plain_record(record& out) {
  const char* const base = buffer_.get() + record_begin_;
  const char* const limit = buffer_.get() + data_end_;
  const char delimiter = delimiter_;
  std::vector<std::string>& fields = out.fields;
  std::size_t field_count = 0;
  const char* field_begin = base;
  for (;;) {
    if (field_begin != limit && *field_begin == quote_char) {
      return false;
    }
    const char* const stop = find_unquoted_stop(field_begin, limit, delimiter);
    if (stop == limit) {
      return false;  // the record may go on past the buffered bytes
    }
    std::size_t terminator_length = 0;
    if (*stop == '\n') {
      terminator_length = 1;
    } else if (*stop == '\r' && stop + 1 != limit && stop[1] == '\n') {
      terminator_length = 2;
    } else if (*stop != delimiter) {
      return false;  // a stray quote or a CR that needs a closer look
    }
    if (field_count == fields.size()) {
      fields.emplace_back();
    }
    store_value(fields[field_count], field_begin, static_cast<std::size_t>(stop - field_begin));
    ++field_count;
    if (terminator_length == 0) {
      field_begin = stop + 1;
      continue;
    }
    fields.resize(field_count);
    const auto record_length = static_cast<std::size_t>(stop - base);
    store_value(out.raw, base, record_length);
    consume(record_length + terminator_length);
    ++next_line_;
    return true;
  }
}

void reader::parse_record(record& out) {
  std::size_t field_count = 0;
  std::size_t embedded_newlines = 0;  // LFs inside quoted fields of this record
  std::size_t position = 0;           // parse cursor, as an offset from record_begin_
  std::size_t terminator_length = 0;  // bytes of LF / CRLF / final CR after the record
  bool unterminated = false;

  // Each iteration parses one field; `position` is at the field's first byte.
  for (;;) {
    std::string& field = field_slot(out.fields, field_count);
    ++field_count;

    // Where the unquoted text to scan starts; a quoted field that is
    // followed by stray text continues as unquoted text.
    std::size_t segment_begin = position;
    bool field_done = false;   // the field ended at a delimiter or the record end
    bool record_done = false;  // the record ended after this field

    if (ensure_available(position) && buffer_[record_begin_ + position] == quote_char) {
      ++position;
      segment_begin = position;
      for (;;) {
        const char* const base = buffer_.get() + record_begin_;
        const char* const limit = buffer_.get() + data_end_;
        const char* const cursor = find_quoted_stop(base + position, limit);
        position = static_cast<std::size_t>(cursor - base);
        if (cursor != limit && *cursor == '\n') {
          ++embedded_newlines;  // kept in the value; only counted here
          ++position;
          continue;
        }
        if (cursor == limit) {
          if (position > max_record_bytes_) {
            report_oversized(out);
            return;
          }
          if (refill()) {
            continue;
          }
          // End of input inside the quotes: RFC 4180 gives no way to
          // recover, so the rest of the input is this record.
          append_span(field, segment_begin, position);
          mark_malformed(out, "unterminated quoted field", field_count);
          unterminated = true;
          record_done = true;
          field_done = true;
          break;
        }
        // `position` is at a quote: either a doubled quote or the closing one.
        if (ensure_available(position + 1) && buffer_[record_begin_ + position + 1] == quote_char) {
          append_span(field, segment_begin, position + 1);  // keep one quote
          position += 2;
          segment_begin = position;
          continue;
        }
        append_span(field, segment_begin, position);
        ++position;  // past the closing quote
        break;
      }
      if (!field_done) {
        // What follows a closing quote must end the field.
        if (!ensure_available(position)) {
          field_done = record_done = true;
        } else {
          const char after = buffer_[record_begin_ + position];
          if (after == delimiter_) {
            ++position;
            field_done = true;
          } else if (after == '\n') {
            terminator_length = 1;
            field_done = record_done = true;
          } else if (after == '\r' && !ensure_available(position + 1)) {
            terminator_length = 1;
            field_done = record_done = true;
          } else if (after == '\r' && buffer_[record_begin_ + position + 1] == '\n') {
            terminator_length = 2;
            field_done = record_done = true;
          } else {
            // Keep reading to the end of the field, as unquoted text
            // appended to the value, so the next record starts right.
            mark_malformed(out, "unexpected text after closing quote", field_count);
            segment_begin = position;
          }
        }
      }
    }

    if (!field_done) {
      // Unquoted text: scan to the delimiter, the end of line or the input.
      const char delimiter = delimiter_;
      for (;;) {
        const char* const base = buffer_.get() + record_begin_;
        const char* const limit = buffer_.get() + data_end_;
        const char* cursor = base + position;
        cursor = find_unquoted_stop(cursor, limit, delimiter);
        position = static_cast<std::size_t>(cursor - base);
        if (cursor == limit) {
          if (position > max_record_bytes_) {
            report_oversized(out);
            return;
          }
          if (refill()) {
            continue;
          }
          record_done = true;  // end of input without a final newline
          break;
        }
        const char stop = *cursor;
        if (stop == delimiter) {
          append_span(field, segment_begin, position);
          ++position;
          break;
        }
        if (stop == '\n') {
          terminator_length = 1;
          record_done = true;
          break;
        }
        if (stop == quote_char) {
          // Kept in the value; a quote may only open a field.
          mark_malformed(out, "stray quote in unquoted field", field_count);
          ++position;
          continue;
        }
        // A CR: part of the terminator before LF or at the end of the
        // input, otherwise ordinary data.
        if (!ensure_available(position + 1)) {
          terminator_length = 1;
          record_done = true;
          break;
        }
        if (buffer_[record_begin_ + position + 1] == '\n') {
          terminator_length = 2;
          record_done = true;
          break;
        }
        ++position;
      }
      if (record_done) {
        append_span(field, segment_begin, position);
      }
    }

    if (record_done) {
      break;
    }
  }

  out.fields.resize(field_count);
  out.raw.assign(buffer_.get() + record_begin_, position);
  if (unterminated) {
    // Why: the input's final line terminator ended the line, not the
    // field, as far as anyone looking at the text can tell; keeping it
    // would make rejected rows written back out gain a blank line.
    drop_trailing_line_terminator(out.raw);
    drop_trailing_line_terminator(out.fields.back());
  }
  const std::size_t record_bytes = position + terminator_length;
  // Only a terminator ending in LF starts a new line (a final lone CR does not).
  const bool ended_with_line_feed = terminator_length != 0 && buffer_[record_begin_ + record_bytes - 1] == '\n';
  consume(record_bytes);
  next_line_ += embedded_newlines + (ended_with_line_feed ? 1 : 0);
}

bool needs_quotes(std::string_view value, char delimiter) noexcept { return csv_needs_quotes(value, delimiter); }

char* write_field(char* out, std::string_view value, char delimiter) noexcept {
  return write_csv_field(out, value, delimiter);
}

void append_field(std::string& out, std::string_view value, char delimiter) { append_csv_field(out, value, delimiter); }

char* write_double(char* out, double value) noexcept {
  // Why: -0 reads back as 0 anyway, and a "-0" in a score column only puzzles its reader.
  if (value == 0.0) {
    value = 0.0;
  }
  const std::to_chars_result result = std::to_chars(out, out + double_bound, value);
  assert(result.ec == std::errc());
  return result.ptr;
}

void append_double(std::string& out, double value) {
  char text[double_bound];
  out.append(text, write_double(text, value));
}

bool parse_double(std::string_view text, double& value) { return riskscale::parse_number(text, value); }

}  // namespace riskscale::csv
