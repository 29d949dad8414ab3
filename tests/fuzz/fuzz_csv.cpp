// libFuzzer harness for riskscale::csv::reader and append_field.
//
// Invariants checked (any violation aborts):
//  1. The same records come out whatever the buffer size.
//  2. Record line numbers strictly increase.
//  3. Every input byte is consumed once the reader reports the end.
//  4. Re-serialising the fields of the well-formed records with append_field
//     and parsing that text again gives back the same fields.
//  5. Parsing any record's `raw` text on its own gives back that record's
//     fields, malformed flag and error (so rejected rows can be written out
//     verbatim and still mean the same thing).
//  6. Every field that parse_double accepts as a non-NaN number gives the same
//     double as the C library's strtod, and append_double then parse_double
//     gives it back bit for bit (-0 comes back as +0).
//  7. With a small maximum record size, the same records start on the same
//     lines; those within the limit are unchanged, the others are reported as
//     too large (and were longer than the limit), whatever the buffer size.
#include "csv/csv.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

using riskscale::csv::append_double;
using riskscale::csv::append_field;
using riskscale::csv::parse_double;
using riskscale::csv::reader;
using riskscale::csv::record;

// Prints what broke and aborts, so libFuzzer saves the input.
void fail(const char* invariant) {
  std::fprintf(stderr, "csv fuzz invariant violated: %s\n", invariant);
  std::abort();
}

// Reads all records of `input` with the given buffer size, checking that the
// whole input is consumed.
std::vector<record> read_all(const std::string& input, std::size_t buffer_bytes,
                             std::size_t max_record_bytes = reader::default_max_record_bytes) {
  std::istringstream stream(input);
  reader csv_reader(stream, buffer_bytes);
  csv_reader.set_max_record_bytes(max_record_bytes);
  std::vector<record> records;
  record current;
  while (csv_reader.next(current)) {
    records.push_back(current);
  }
  if (csv_reader.bytes_consumed() != input.size()) {
    fail("bytes_consumed() differs from the input size at the end");
  }
  return records;
}

std::uint64_t bits_of(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Checks invariant 6 on one field's text.
void check_number_text(const std::string& text) {
  double value = 0.0;
  if (!parse_double(text, value) || std::isnan(value)) {
    return;
  }
  std::string written;
  append_double(written, value);
  double reparsed = 0.0;
  // -0 is written as "0" (no output shows a negative zero): the same value, the bits of +0.
  if (!parse_double(written, reparsed) || bits_of(reparsed) != bits_of(value == 0.0 ? 0.0 : value)) {
    fail("append_double output does not parse back to the same double");
  }
  // strtod (this harness never changes the C locale) accepts a superset of
  // what parse_double accepts once blanks and a leading '+' are removed.
  std::size_t first = text.find_first_not_of(" \t");
  const std::size_t last = text.find_last_not_of(" \t");
  if (text[first] == '+') {
    ++first;
  }
  const std::string trimmed = text.substr(first, last + 1 - first);
  char* end = nullptr;
  const double expected = std::strtod(trimmed.c_str(), &end);
  if (end != trimmed.c_str() + trimmed.size()) {
    fail("parse_double accepted text that strtod does not fully parse");
  }
  if (bits_of(expected) != bits_of(value)) {
    fail("parse_double and strtod disagree");
  }
}

bool same_record(const record& left, const record& right) {
  return left.line == right.line && left.fields == right.fields && left.raw == right.raw &&
         left.malformed == right.malformed && left.error == right.error;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);

  const std::vector<record> reference = read_all(input, std::size_t{1} << 20);
  // Why several sizes: 1 forces a refill at every byte, the others put the
  // buffer boundary at varying offsets inside records.
  for (const std::size_t buffer_bytes : {std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
    const std::vector<record> small = read_all(input, buffer_bytes);
    if (small.size() != reference.size()) {
      fail("record count depends on the buffer size");
    }
    for (std::size_t index = 0; index < small.size(); ++index) {
      if (!same_record(small[index], reference[index])) {
        fail("record content depends on the buffer size");
      }
    }
  }

  // Why a leading byte order mark: the reader skips one at the very start,
  // so a first field that itself begins with those bytes survives.
  const std::string byte_order_mark = "\xEF\xBB\xBF";
  std::string rewritten = byte_order_mark;
  std::vector<const record*> well_formed;
  std::size_t previous_line = 0;
  for (const record& current : reference) {
    if (current.line <= previous_line) {
      fail("line numbers do not strictly increase");
    }
    previous_line = current.line;
    if (current.fields.empty()) {
      fail("a record has no fields");
    }
    if (current.malformed == current.error.empty()) {
      fail("malformed flag and error text disagree");
    }

    // Invariant 5: `raw` alone, with a CRLF terminator (so that a raw
    // text ending in CR keeps it), reads back as the same record.
    const std::vector<record> reread = read_all(byte_order_mark + current.raw + "\r\n", 5);
    if (reread.size() != 1 || reread[0].fields != current.fields || reread[0].malformed != current.malformed ||
        reread[0].error != current.error) {
      fail("a record's raw text does not read back as the same record");
    }

    for (const std::string& field : current.fields) {
      check_number_text(field);
    }
    if (current.malformed) {
      continue;
    }
    well_formed.push_back(&current);
    for (std::size_t index = 0; index < current.fields.size(); ++index) {
      if (index != 0) {
        rewritten.push_back(',');
      }
      append_field(rewritten, current.fields[index]);
    }
    if (current.fields.size() == 1 && current.fields[0].empty()) {
      rewritten += "\"\"";  // an empty line would be skipped as blank
    }
    rewritten.push_back('\n');
  }

  const std::vector<record> reparsed = read_all(rewritten, 4);
  if (reparsed.size() != well_formed.size()) {
    fail("re-serialised records do not read back as the same number of records");
  }
  for (std::size_t index = 0; index < reparsed.size(); ++index) {
    if (reparsed[index].malformed) {
      fail("a re-serialised record reads back as malformed");
    }
    if (reparsed[index].fields != well_formed[index]->fields) {
      fail("re-serialised fields differ after reading back");
    }
  }
  constexpr std::size_t limit = 16;
  for (const std::size_t buffer_bytes : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 20}) {
    const std::vector<record> limited = read_all(input, buffer_bytes, limit);
    if (limited.size() != reference.size()) {
      fail("a maximum record size changes the number of records");
    }
    for (std::size_t index = 0; index < limited.size(); ++index) {
      const record& got = limited[index];
      const record& full = reference[index];
      if (got.line != full.line) {
        fail("a maximum record size changes where records start");
      }
      if (!got.too_large && (!same_record(got, full) || full.raw.size() > limit)) {
        fail("a record within the limit differs, or one over it was not reported");
      }
      if (got.too_large && (full.raw.size() + 2 <= limit || !got.fields.empty() || !got.malformed)) {
        fail("a record within the limit was reported too large");
      }
    }
  }

  return 0;
}
