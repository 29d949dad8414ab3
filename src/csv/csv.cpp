#include "csv/csv.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <system_error>

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

// Tells whether an out-of-range decimal number (already validated by
// std::from_chars, without sign) overflows rather than underflows, from the
// decimal exponent of its first non-zero digit.
bool decimal_text_overflows(std::string_view unsigned_text) {
    long long digits_before_point = 0;
    long long first_nonzero_index = -1;  // index among all mantissa digits
    long long digit_index = 0;
    bool after_point = false;
    std::size_t position = 0;
    for (; position < unsigned_text.size(); ++position) {
        const char c = unsigned_text[position];
        if (c == '.') {
            after_point = true;
            continue;
        }
        if (c == 'e' || c == 'E') {
            break;
        }
        if (first_nonzero_index < 0 && c != '0') {
            first_nonzero_index = digit_index;
        }
        ++digit_index;
        if (!after_point) {
            ++digits_before_point;
        }
    }
    long long exponent = 0;
    if (position < unsigned_text.size()) {
        ++position;  // skip 'e'
        bool negative_exponent = false;
        if (position < unsigned_text.size() &&
            (unsigned_text[position] == '+' || unsigned_text[position] == '-')) {
            negative_exponent = unsigned_text[position] == '-';
            ++position;
        }
        // Saturate: only the sign of the final magnitude matters here.
        constexpr long long exponent_cap = 1'000'000'000;
        for (; position < unsigned_text.size() && exponent < exponent_cap; ++position) {
            exponent = exponent * 10 + (unsigned_text[position] - '0');
        }
        if (negative_exponent) {
            exponent = -exponent;
        }
    }
    if (first_nonzero_index < 0) {
        return false;  // all zeros cannot be out of range; treat as underflow
    }
    // The first non-zero digit has place value 10^(digits_before_point - 1 - index).
    const long long magnitude = digits_before_point - 1 - first_nonzero_index + exponent;
    return magnitude >= 0;
}

}  // namespace

reader::reader(std::istream& in, std::size_t buffer_bytes, char delimiter)
    : in_(in), buffer_(std::max<std::size_t>(buffer_bytes, 1)), delimiter_(delimiter) {
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
            std::memmove(buffer_.data(), buffer_.data() + record_begin_, pending);
        }
        record_begin_ = 0;
        data_end_ = pending;
    }
    if (data_end_ == buffer_.size()) {
        // Why: a single record is larger than the buffer; doubling keeps the
        // total re-scanning work linear in the record size.
        buffer_.resize(buffer_.size() * 2);
    }
    in_.read(buffer_.data() + data_end_, static_cast<std::streamsize>(buffer_.size() - data_end_));
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
    field.append(buffer_.data() + record_begin_ + begin, end - begin);
}

bool reader::skip_to_record_start() {
    if (!byte_order_mark_checked_) {
        byte_order_mark_checked_ = true;
        if (ensure_available(2)) {
            const auto* start = reinterpret_cast<const unsigned char*>(buffer_.data() + record_begin_);
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
    if (!skip_to_record_start()) {
        return false;
    }
    out.line = next_line_;
    out.malformed = false;
    out.error.clear();

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
        bool field_done = false;     // the field ended at a delimiter or the record end
        bool record_done = false;    // the record ended after this field

        if (ensure_available(position) && buffer_[record_begin_ + position] == quote_char) {
            ++position;
            segment_begin = position;
            for (;;) {
                const char* const base = buffer_.data() + record_begin_;
                const char* const limit = buffer_.data() + data_end_;
                const char* cursor = base + position;
                while (cursor != limit && *cursor != quote_char) {
                    embedded_newlines += (*cursor == '\n');
                    ++cursor;
                }
                position = static_cast<std::size_t>(cursor - base);
                if (cursor == limit) {
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
                if (ensure_available(position + 1) &&
                    buffer_[record_begin_ + position + 1] == quote_char) {
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
                const char* const base = buffer_.data() + record_begin_;
                const char* const limit = buffer_.data() + data_end_;
                const char* cursor = base + position;
                // Why: this loop is the hot path for numeric files; testing four
                // byte values inline is faster than any table lookup here.
                while (cursor != limit) {
                    const char c = *cursor;
                    if (c == delimiter || c == '\n' || c == '\r' || c == quote_char) {
                        break;
                    }
                    ++cursor;
                }
                position = static_cast<std::size_t>(cursor - base);
                if (cursor == limit) {
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
                    segment_begin = position;
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
    out.raw.assign(buffer_.data() + record_begin_, position);
    if (unterminated) {
        // Why: the input's final line terminator ended the line, not the
        // field, as far as anyone looking at the text can tell; keeping it
        // would make rejected rows written back out gain a blank line.
        drop_trailing_line_terminator(out.raw);
        drop_trailing_line_terminator(out.fields.back());
    }
    const std::size_t record_bytes = position + terminator_length;
    consume(record_bytes);
    next_line_ += embedded_newlines + (terminator_length != 0 && buffer_[record_begin_ - 1] == '\n' ? 1 : 0);
    return true;
}

void append_field(std::string& out, std::string_view value, char delimiter) {
    bool needs_quotes = !value.empty() && (value.front() == ' ' || value.front() == '\t' ||
                                           value.back() == ' ' || value.back() == '\t');
    if (!needs_quotes) {
        for (const char c : value) {
            if (c == delimiter || c == quote_char || c == '\r' || c == '\n') {
                needs_quotes = true;
                break;
            }
        }
    }
    if (!needs_quotes) {
        out.append(value);
        return;
    }
    out.push_back(quote_char);
    std::size_t run_begin = 0;
    for (std::size_t index = 0; index < value.size(); ++index) {
        if (value[index] == quote_char) {
            // Append the run including this quote, then double it.
            out.append(value.substr(run_begin, index + 1 - run_begin));
            out.push_back(quote_char);
            run_begin = index + 1;
        }
    }
    out.append(value.substr(run_begin));
    out.push_back(quote_char);
}

void append_double(std::string& out, double value) {
    // Why 32: the longest shortest-round-trip double is 24 characters,
    // e.g. "-2.2250738585072014e-308".
    char text[32];
    const std::to_chars_result result = std::to_chars(text, text + sizeof text, value);
    assert(result.ec == std::errc());
    out.append(text, result.ptr);
}

bool parse_double(std::string_view text, double& value) {
    const auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && is_blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_blank(text.back())) {
        text.remove_suffix(1);
    }
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
        // Why: from_chars would accept "+-1" once the '+' is gone.
        if (!text.empty() && text.front() == '-') {
            return false;
        }
    }
    if (text.empty()) {
        return false;
    }
    const char* const first = text.data();
    const char* const last = first + text.size();
    double parsed = 0.0;
    const std::from_chars_result result = std::from_chars(first, last, parsed);
    if (result.ptr != last) {
        return false;  // not a number, or trailing garbage such as "1.5x"
    }
    if (result.ec == std::errc()) {
        value = parsed;
        return true;
    }
    if (result.ec == std::errc::result_out_of_range) {
        // Why: from_chars leaves the value untouched here; give the correctly
        // rounded result instead (as strtod does) so the caller can tell an
        // overflow (infinite) from a legitimate tiny value (zero).
        const bool negative = text.front() == '-';
        const std::string_view magnitude_text = negative ? text.substr(1) : text;
        const double magnitude = decimal_text_overflows(magnitude_text)
                                     ? std::numeric_limits<double>::infinity()
                                     : 0.0;
        value = negative ? -magnitude : magnitude;
        return true;
    }
    return false;
}

}  // namespace riskscale::csv
