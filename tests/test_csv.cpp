// Tests for riskscale::csv: the streaming reader, the field writer and the
// double formatting / parsing helpers.
#include "csv/csv.hpp"
#include "riskscale/cell_text.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <locale>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using riskscale::csv::append_double;
using riskscale::csv::append_field;
using riskscale::csv::parse_double;
using riskscale::csv::reader;
using riskscale::csv::record;

using field_list = std::vector<std::string>;

// Reads every record of `input` with the given buffer size, delimiter and maximum record size.
std::vector<record> read_all(const std::string& input, std::size_t buffer_bytes = 1 << 20, char delimiter = ',',
                             std::size_t max_record_bytes = reader::default_max_record_bytes) {
  std::istringstream stream(input);
  reader csv_reader(stream, buffer_bytes, delimiter);
  csv_reader.set_max_record_bytes(max_record_bytes);
  std::vector<record> records;
  record current;
  while (csv_reader.next(current)) {
    records.push_back(current);
  }
  EXPECT_EQ(csv_reader.bytes_consumed(), input.size()) << "every input byte must be consumed";
  return records;
}

// Buffer sizes that make records straddle refills at every possible offset,
// plus the default size.
const std::vector<std::size_t> buffer_sizes_to_try = {1, 2, 3, 4, 5, 7, 11, 64, 1 << 20};

// Checks that `input` yields exactly `expected_fields` (one entry per record)
// and `expected_lines` with every buffer size, none of them malformed.
void expect_records(const std::string& input, const std::vector<field_list>& expected_fields,
                    const std::vector<std::size_t>& expected_lines) {
  for (const std::size_t buffer_bytes : buffer_sizes_to_try) {
    SCOPED_TRACE("buffer_bytes=" + std::to_string(buffer_bytes));
    const std::vector<record> records = read_all(input, buffer_bytes);
    ASSERT_EQ(records.size(), expected_fields.size());
    for (std::size_t index = 0; index < records.size(); ++index) {
      SCOPED_TRACE("record " + std::to_string(index));
      EXPECT_EQ(records[index].fields, expected_fields[index]);
      EXPECT_EQ(records[index].line, expected_lines[index]);
      EXPECT_FALSE(records[index].malformed) << records[index].error;
      EXPECT_TRUE(records[index].error.empty());
    }
  }
}

std::uint64_t bits_of(double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

std::string field_text(std::string_view value, char delimiter = ',') {
  std::string out;
  append_field(out, value, delimiter);
  return out;
}

std::string double_text(double value) {
  std::string out;
  append_double(out, value);
  return out;
}

// ---------------------------------------------------------------- reader

TEST(CsvReader, SimpleRecordsWithLineNumbers) {
  expect_records("a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}, {1, 2});
}

TEST(CsvReader, EmptyInputHasNoRecords) { EXPECT_TRUE(read_all("").empty()); }

TEST(CsvReader, EmptyFields) {
  expect_records(",,\na,\n,b\n\"\"\n\"\",\n", {{"", "", ""}, {"a", ""}, {"", "b"}, {""}, {"", ""}}, {1, 2, 3, 4, 5});
}

TEST(CsvReader, MissingFinalNewline) {
  expect_records("a,b\nc,d", {{"a", "b"}, {"c", "d"}}, {1, 2});
  expect_records("a,b\n\"c\",\"d\"", {{"a", "b"}, {"c", "d"}}, {1, 2});
  expect_records("x,", {{"x", ""}}, {1});
}

TEST(CsvReader, CrlfLineEndingsAreNotPartOfFields) {
  const std::string input = "a,b\r\n\"q\",2\r\nlast,\"x\r\ny\"\r\n";
  expect_records(input, {{"a", "b"}, {"q", "2"}, {"last", "x\r\ny"}}, {1, 2, 3});
  const std::vector<record> records = read_all(input, 4);
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].raw, "a,b");
  EXPECT_EQ(records[1].raw, "\"q\",2");
  EXPECT_EQ(records[2].raw, "last,\"x\r\ny\"");
}

TEST(CsvReader, FinalCarriageReturnIsATerminator) {
  expect_records("a,b\r", {{"a", "b"}}, {1});
  expect_records("a,\"b\"\r", {{"a", "b"}}, {1});
  const std::vector<record> records = read_all("a,b\r", 2);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].raw, "a,b");
}

TEST(CsvReader, LoneCarriageReturnInsideUnquotedFieldIsData) {
  expect_records("a\rb,c\n\r\r\n", {{"a\rb", "c"}, {"\r"}}, {1, 2});
}

TEST(CsvReader, QuotedFieldsWithDelimitersAndDoubledQuotes) {
  expect_records("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n\"\",\"x\"\"\"\n", {{"a,b", "say \"hi\"", "\""}, {"", "x\""}},
                 {1, 2});
}

TEST(CsvReader, EmbeddedNewlinesAreKeptAndCountedInLineNumbers) {
  const std::string input =
      "id,text\n"
      "1,\"line one\nline two\"\n"
      "2,\"crlf\r\ninside\r\n\r\nthree\"\n"
      "3,plain\n";
  expect_records(input,
                 {{"id", "text"}, {"1", "line one\nline two"}, {"2", "crlf\r\ninside\r\n\r\nthree"}, {"3", "plain"}},
                 {1, 2, 4, 8});
  const std::vector<record> records = read_all(input, 7);
  ASSERT_EQ(records.size(), 4U);
  EXPECT_EQ(records[1].raw, "1,\"line one\nline two\"");
  EXPECT_EQ(records[2].raw, "2,\"crlf\r\ninside\r\n\r\nthree\"");
}

TEST(CsvReader, ByteOrderMarkAtStartIsSkipped) {
  const std::string bom = "\xEF\xBB\xBF";
  expect_records(bom + "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}, {1, 2});
  expect_records(bom + "\"a\",b\n", {{"a", "b"}}, {1});
  expect_records(bom, {}, {});
  expect_records(bom + "\n\nx\n", {{"x"}}, {3});
  const std::vector<record> records = read_all(bom + "a,b\n", 1);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].raw, "a,b");
}

TEST(CsvReader, ByteOrderMarkElsewhereIsData) {
  const std::string bom = "\xEF\xBB\xBF";
  expect_records("a\n" + bom + "b\n", {{"a"}, {bom + "b"}}, {1, 2});
  // Only one mark is skipped; a partial mark is data.
  expect_records(bom + bom + "c\n", {{bom + "c"}}, {1});
  expect_records("\xEF\xBB", {{"\xEF\xBB"}}, {1});
}

TEST(CsvReader, BlankLinesAreSkippedButCounted) {
  expect_records("\n\na,b\n\r\n\nc,d\n\n\r\n", {{"a", "b"}, {"c", "d"}}, {3, 6});
  expect_records("\n\r\n\r", {}, {});
  // A line with spaces is not blank.
  expect_records(" \n", {{" "}}, {1});
}

TEST(CsvReader, UnterminatedQuoteAtEndOfInputIsOneMalformedRecord) {
  const std::string input = "a,b\n1,\"never closed\n2,3\n";
  for (const std::size_t buffer_bytes : buffer_sizes_to_try) {
    SCOPED_TRACE("buffer_bytes=" + std::to_string(buffer_bytes));
    const std::vector<record> records = read_all(input, buffer_bytes);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_FALSE(records[0].malformed);
    EXPECT_TRUE(records[1].malformed);
    EXPECT_EQ(records[1].line, 2U);
    EXPECT_NE(records[1].error.find("unterminated quoted field"), std::string::npos) << records[1].error;
    EXPECT_NE(records[1].error.find("field 2"), std::string::npos) << records[1].error;
    // The final newline of the input is not part of the record's text.
    EXPECT_EQ(records[1].raw, "1,\"never closed\n2,3");
    EXPECT_EQ(records[1].fields, (field_list{"1", "never closed\n2,3"}));
  }
  const std::vector<record> crlf = read_all("x\r\n\"abc\r\ndef\r\n", 5);
  ASSERT_EQ(crlf.size(), 2U);
  EXPECT_TRUE(crlf[1].malformed);
  EXPECT_EQ(crlf[1].raw, "\"abc\r\ndef");
  EXPECT_EQ(crlf[1].fields, (field_list{"abc\r\ndef"}));
  EXPECT_EQ(crlf[1].line, 2U);
  const std::vector<record> no_newline = read_all("\"abc\"\"", 3);
  ASSERT_EQ(no_newline.size(), 1U);
  EXPECT_TRUE(no_newline[0].malformed);
  EXPECT_EQ(no_newline[0].raw, "\"abc\"\"");
  EXPECT_EQ(no_newline[0].fields, (field_list{"abc\""}));
}

TEST(CsvReader, TextAfterClosingQuoteIsMalformedAndNextRecordIsFine) {
  const std::string input = "\"ab\"c,d\nx,y\n\"q\" ,z\r\nlast\n";
  for (const std::size_t buffer_bytes : buffer_sizes_to_try) {
    SCOPED_TRACE("buffer_bytes=" + std::to_string(buffer_bytes));
    const std::vector<record> records = read_all(input, buffer_bytes);
    ASSERT_EQ(records.size(), 4U);
    EXPECT_TRUE(records[0].malformed);
    EXPECT_NE(records[0].error.find("after closing quote"), std::string::npos) << records[0].error;
    EXPECT_NE(records[0].error.find("field 1"), std::string::npos) << records[0].error;
    EXPECT_EQ(records[0].raw, "\"ab\"c,d");
    EXPECT_EQ(records[0].fields, (field_list{"abc", "d"}));
    EXPECT_FALSE(records[1].malformed);
    EXPECT_EQ(records[1].fields, (field_list{"x", "y"}));
    EXPECT_EQ(records[1].line, 2U);
    EXPECT_TRUE(records[2].malformed);
    EXPECT_EQ(records[2].raw, "\"q\" ,z");
    EXPECT_EQ(records[2].line, 3U);
    EXPECT_FALSE(records[3].malformed);
    EXPECT_EQ(records[3].fields, (field_list{"last"}));
    EXPECT_EQ(records[3].line, 4U);
  }
}

TEST(CsvReader, StrayQuoteInUnquotedFieldIsMalformed) {
  const std::string input = "ok,ab\"c,d\nnext,row\n";
  for (const std::size_t buffer_bytes : buffer_sizes_to_try) {
    SCOPED_TRACE("buffer_bytes=" + std::to_string(buffer_bytes));
    const std::vector<record> records = read_all(input, buffer_bytes);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_TRUE(records[0].malformed);
    EXPECT_NE(records[0].error.find("stray quote in unquoted field"), std::string::npos) << records[0].error;
    EXPECT_NE(records[0].error.find("field 2"), std::string::npos) << records[0].error;
    EXPECT_EQ(records[0].raw, "ok,ab\"c,d");
    EXPECT_EQ(records[0].fields, (field_list{"ok", "ab\"c", "d"}));
    // A stray quote does not open a quoted section: the newline still ends the record.
    EXPECT_FALSE(records[1].malformed);
    EXPECT_EQ(records[1].fields, (field_list{"next", "row"}));
    EXPECT_EQ(records[1].line, 2U);
  }
}

TEST(CsvReader, FirstProblemOfARecordIsReported) {
  const std::vector<record> records = read_all("ab\"c,\"x\"y\n\"x\"y,ab\"c\n", 4);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].error, "stray quote in unquoted field (field 1)");
  EXPECT_EQ(records[0].fields, (field_list{"ab\"c", "xy"}));
  EXPECT_EQ(records[1].error, "unexpected text after closing quote (field 1)");
  EXPECT_EQ(records[1].fields, (field_list{"xy", "ab\"c"}));
}

TEST(CsvReader, RawTextIsPreservedExactly) {
  const std::string input =
      "\xEF\xBB\xBF"
      "  spaced , \"q,1\" ,x\r\n"
      "\n"
      "\"multi\r\nline\",\"a\"\"b\"\n"
      "tail";
  const std::vector<std::string> expected_raw = {
      "  spaced , \"q,1\" ,x",
      "\"multi\r\nline\",\"a\"\"b\"",
      "tail",
  };
  for (const std::size_t buffer_bytes : buffer_sizes_to_try) {
    SCOPED_TRACE("buffer_bytes=" + std::to_string(buffer_bytes));
    const std::vector<record> records = read_all(input, buffer_bytes);
    ASSERT_EQ(records.size(), expected_raw.size());
    for (std::size_t index = 0; index < records.size(); ++index) {
      EXPECT_EQ(records[index].raw, expected_raw[index]);
    }
    // Spaces around a quoted field make it malformed; unquoted spaces are data.
    EXPECT_TRUE(records[0].malformed);
    EXPECT_EQ(records[0].fields[0], "  spaced ");
    EXPECT_EQ(records[1].fields, (field_list{"multi\r\nline", "a\"b"}));
    EXPECT_EQ(records[1].line, 3U);
    EXPECT_EQ(records[2].line, 5U);
  }
}

TEST(CsvReader, RecordLargerThanBufferGrowsIt) {
  std::string long_unquoted(10000, 'u');
  std::string long_quoted;
  for (int index = 0; index < 3000; ++index) {
    long_quoted += "a\"\",\n";
  }
  const std::string expected_quoted_value = [&] {
    std::string value;
    for (int index = 0; index < 3000; ++index) {
      value += "a\",\n";
    }
    return value;
  }();
  const std::string input = long_unquoted + ",x\n\"" + long_quoted + "\",y\nz\n";
  expect_records(input, {{long_unquoted, "x"}, {expected_quoted_value, "y"}, {"z"}}, {1, 2, 3003});
}

TEST(CsvReader, EveryFieldLengthAroundTheScanWidths) {
  // The scanner tests 16 and 8 bytes at a time and then single bytes, so
  // put each kind of stop byte after values of every length from 1 to 41,
  // and records at every offset of the buffer.
  std::string input;
  std::vector<field_list> expected_fields;
  std::vector<std::size_t> expected_lines;
  std::size_t line = 1;
  for (std::size_t length = 1; length <= 41; ++length) {
    const std::string value(length, 'v');
    input += value + "," + value + "\r\n";
    expected_fields.push_back({value, value});
    expected_lines.push_back(line++);
    input += value + "\n";
    expected_fields.push_back({value});
    expected_lines.push_back(line++);
    input += value + "\rx\n";  // a CR not before LF is data
    expected_fields.push_back({value + "\rx"});
    expected_lines.push_back(line++);
    input += "\"" + value + "\"," + value + "\n";
    expected_fields.push_back({value, value});
    expected_lines.push_back(line++);
    input += "\"" + value + "\n" + value + "\"\"\r\n" + value + "\"\n";
    expected_fields.push_back({value + "\n" + value + "\"\r\n" + value});
    expected_lines.push_back(line);
    line += 3;
  }
  input += "end";
  expected_fields.push_back({"end"});
  expected_lines.push_back(line);
  expect_records(input, expected_fields, expected_lines);

  for (std::size_t length = 1; length <= 41; ++length) {
    SCOPED_TRACE("length=" + std::to_string(length));
    const std::string value(length, 'v');
    const std::vector<record> records = read_all(value + "\"q," + value + "\n");
    ASSERT_EQ(records.size(), 1U);
    EXPECT_TRUE(records[0].malformed);
    EXPECT_EQ(records[0].fields, (field_list{value + "\"q", value}));
  }
}

TEST(CsvReader, CustomDelimiter) {
  const std::vector<record> semicolon = read_all("a;\"b;c\";d,e\n", 4, ';');
  ASSERT_EQ(semicolon.size(), 1U);
  EXPECT_EQ(semicolon[0].fields, (field_list{"a", "b;c", "d,e"}));
  const std::vector<record> tab = read_all("1\t2\n", 4, '\t');
  ASSERT_EQ(tab.size(), 1U);
  EXPECT_EQ(tab[0].fields, (field_list{"1", "2"}));
}

TEST(CsvReader, RejectsImpossibleDelimiters) {
  std::istringstream stream("x");
  EXPECT_THROW(reader(stream, 16, '"'), std::invalid_argument);
  EXPECT_THROW(reader(stream, 16, '\n'), std::invalid_argument);
  EXPECT_THROW(reader(stream, 16, '\r'), std::invalid_argument);
}

TEST(CsvReader, ZeroBufferSizeStillWorks) {
  const std::vector<record> records = read_all("a,b\nc\n", 0);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[1].fields, (field_list{"c"}));
}

TEST(CsvReader, BytesConsumedAdvancesPerRecord) {
  const std::string input =
      "\xEF\xBB\xBF"
      "ab,c\r\n\n\"x\ny\"\nlast";
  std::istringstream stream(input);
  reader csv_reader(stream, 4);
  record current;
  EXPECT_EQ(csv_reader.bytes_consumed(), 0U);
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_EQ(csv_reader.bytes_consumed(), 3U + 6U);
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_EQ(csv_reader.bytes_consumed(), 3U + 6U + 1U + 6U);
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_EQ(csv_reader.bytes_consumed(), input.size());
  EXPECT_FALSE(csv_reader.next(current));
  EXPECT_EQ(csv_reader.bytes_consumed(), input.size());
  EXPECT_FALSE(csv_reader.next(current));
}

TEST(CsvReader, ReusedRecordKeepsItsStorage) {
  // Values longer than the small-string buffer, so they live on the heap.
  const std::string first_row = std::string(40, 'a') + "," + std::string(40, 'b') + "\n";
  const std::string second_row = std::string(30, 'c') + "," + std::string(35, 'd') + "\n";
  std::istringstream stream(first_row + second_row + "\"bad\"x,y\n");
  reader csv_reader(stream);
  record current;
  ASSERT_TRUE(csv_reader.next(current));
  const std::string* const vector_storage = current.fields.data();
  const char* const first_field_storage = current.fields[0].data();
  const char* const second_field_storage = current.fields[1].data();
  const char* const raw_storage = current.raw.data();
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_EQ(current.fields, (field_list{std::string(30, 'c'), std::string(35, 'd')}));
  EXPECT_EQ(current.fields.data(), vector_storage);
  EXPECT_EQ(current.fields[0].data(), first_field_storage);
  EXPECT_EQ(current.fields[1].data(), second_field_storage);
  EXPECT_EQ(current.raw.data(), raw_storage);
  // A malformed row followed by a clean one resets the flag and the error.
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_TRUE(current.malformed);
  std::istringstream clean_stream("fine\n");
  reader clean_reader(clean_stream);
  ASSERT_TRUE(clean_reader.next(current));
  EXPECT_FALSE(current.malformed);
  EXPECT_TRUE(current.error.empty());
  EXPECT_EQ(current.fields, (field_list{"fine"}));
  EXPECT_EQ(current.line, 1U);
}

TEST(CsvReader, ManyRowsWithSmallBuffer) {
  std::string input;
  for (int row = 0; row < 5000; ++row) {
    input += std::to_string(row) + ",\"r" + std::to_string(row) + "\"\r\n";
  }
  std::istringstream stream(input);
  reader csv_reader(stream, 7);
  record current;
  int row = 0;
  while (csv_reader.next(current)) {
    ASSERT_EQ(current.fields, (field_list{std::to_string(row), "r" + std::to_string(row)}));
    ASSERT_EQ(current.line, static_cast<std::size_t>(row + 1));
    ++row;
  }
  EXPECT_EQ(row, 5000);
}

// ---------------------------------------------------------------- writer

TEST(CsvWriter, AppendFieldQuotesOnlyWhenNeeded) {
  EXPECT_EQ(field_text("abc"), "abc");
  EXPECT_EQ(field_text(""), "");
  EXPECT_EQ(field_text("1.5e-3"), "1.5e-3");
  EXPECT_EQ(field_text("a b"), "a b");
  EXPECT_EQ(field_text("a,b"), "\"a,b\"");
  EXPECT_EQ(field_text("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(field_text("\""), "\"\"\"\"");
  EXPECT_EQ(field_text("\"\"x\""), "\"\"\"\"\"x\"\"\"");
  EXPECT_EQ(field_text("a\nb"), "\"a\nb\"");
  EXPECT_EQ(field_text("a\rb"), "\"a\rb\"");
  EXPECT_EQ(field_text(" a"), "\" a\"");
  EXPECT_EQ(field_text("a "), "\"a \"");
  EXPECT_EQ(field_text("\ta"), "\"\ta\"");
  EXPECT_EQ(field_text("a;b"), "a;b");
  EXPECT_EQ(field_text("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(field_text("a,b", ';'), "a,b");
}

TEST(CsvWriter, AppendFieldAppendsWithoutClearing) {
  std::string out = "x,";
  append_field(out, "y,z");
  EXPECT_EQ(out, "x,\"y,z\"");
}

TEST(CsvWriter, WrittenRecordsReadBackIdentically) {
  std::mt19937_64 generator(20240611);
  const std::string alphabet = "ab ,\"\r\n;";
  std::uniform_int_distribution<int> field_count_pick(1, 5);
  std::uniform_int_distribution<int> length_pick(0, 6);
  std::uniform_int_distribution<std::size_t> char_pick(0, alphabet.size() - 1);
  std::vector<field_list> written;
  std::string document;
  for (int row = 0; row < 2000; ++row) {
    field_list fields(static_cast<std::size_t>(field_count_pick(generator)));
    for (std::string& field : fields) {
      const int length = length_pick(generator);
      for (int index = 0; index < length; ++index) {
        field.push_back(alphabet[char_pick(generator)]);
      }
    }
    for (std::size_t index = 0; index < fields.size(); ++index) {
      if (index != 0) {
        document.push_back(',');
      }
      append_field(document, fields[index]);
    }
    if (fields.size() == 1 && fields[0].empty()) {
      document += "\"\"";  // see append_field: an empty line would be skipped
    }
    document += (row % 2 == 0) ? "\n" : "\r\n";
    written.push_back(fields);
  }
  for (const std::size_t buffer_bytes : {std::size_t{3}, std::size_t{4096}}) {
    const std::vector<record> records = read_all(document, buffer_bytes);
    ASSERT_EQ(records.size(), written.size());
    for (std::size_t index = 0; index < records.size(); ++index) {
      ASSERT_FALSE(records[index].malformed) << records[index].error;
      ASSERT_EQ(records[index].fields, written[index]) << "row " << index;
    }
  }
}

TEST(CsvWriter, AppendDoubleShortestForm) {
  EXPECT_EQ(double_text(0.1), "0.1");
  EXPECT_EQ(double_text(0.0), "0");
  EXPECT_EQ(double_text(-0.0), "0");  // no output column shows a negative zero
  EXPECT_EQ(double_text(1.0), "1");
  EXPECT_EQ(double_text(-2.5), "-2.5");
  EXPECT_EQ(double_text(123456.0), "123456");
  EXPECT_EQ(double_text(1e21), "1e+21");
  EXPECT_EQ(double_text(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(double_text(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(double_text(-std::numeric_limits<double>::infinity()), "-inf");
  std::string out = "v=";
  append_double(out, 2.0);
  EXPECT_EQ(out, "v=2");
}

TEST(CsvWriter, AppendDoubleRoundTripsBitIdentically) {
  std::vector<double> values = {
      0.0,
      -0.0,
      0.1,
      1e23,
      5e-324,
      -5e-324,
      std::numeric_limits<double>::min(),
      std::numeric_limits<double>::max(),
      std::numeric_limits<double>::lowest(),
      std::numeric_limits<double>::epsilon(),
      std::numeric_limits<double>::denorm_min(),
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      9007199254740993.0,
  };
  std::mt19937_64 generator(42);
  for (int index = 0; index < 200000; ++index) {
    // Random bit patterns cover every exponent, including subnormals.
    const std::uint64_t bits = generator();
    double value = 0.0;
    std::memcpy(&value, &bits, sizeof value);
    if (!std::isnan(value)) {
      values.push_back(value);
    }
  }
  std::uniform_real_distribution<double> ordinary(-1e6, 1e6);
  for (int index = 0; index < 100000; ++index) {
    values.push_back(ordinary(generator));
  }
  std::string text;
  for (const double value : values) {
    text.clear();
    append_double(text, value);
    double parsed = std::numeric_limits<double>::quiet_NaN();
    ASSERT_TRUE(parse_double(text, parsed)) << text;
    // The same value; the same bits except for -0, which is written as 0.
    ASSERT_EQ(bits_of(parsed), bits_of(value == 0.0 ? 0.0 : value)) << text;
  }
}

// ---------------------------------------------------------------- parse_double

TEST(CsvParseDouble, AcceptsWholeNumbers) {
  double value = 0.0;
  EXPECT_TRUE(parse_double("1.5", value));
  EXPECT_EQ(value, 1.5);
  EXPECT_TRUE(parse_double("  -2.25\t ", value));
  EXPECT_EQ(value, -2.25);
  EXPECT_TRUE(parse_double("+3", value));
  EXPECT_EQ(value, 3.0);
  EXPECT_TRUE(parse_double(" +4e2 ", value));
  EXPECT_EQ(value, 400.0);
  EXPECT_TRUE(parse_double("1E-5", value));
  EXPECT_EQ(value, 1e-5);
  EXPECT_TRUE(parse_double(".5", value));
  EXPECT_EQ(value, 0.5);
  EXPECT_TRUE(parse_double("7.", value));
  EXPECT_EQ(value, 7.0);
  EXPECT_TRUE(parse_double("-0", value));
  EXPECT_EQ(bits_of(value), bits_of(-0.0));
  EXPECT_TRUE(parse_double("0.1", value));
  EXPECT_EQ(bits_of(value), bits_of(0.1));
  EXPECT_TRUE(parse_double("000123", value));
  EXPECT_EQ(value, 123.0);
}

TEST(CsvParseDouble, IsCorrectlyRounded) {
  double value = 0.0;
  // Halfway between 1 and the next double: ties to even gives 1.
  EXPECT_TRUE(parse_double("1.00000000000000011102230246251565404236316680908203125", value));
  EXPECT_EQ(value, 1.0);
  // Just above halfway rounds up.
  EXPECT_TRUE(parse_double("1.00000000000000011102230246251565404236316680908203126", value));
  EXPECT_EQ(value, 1.0000000000000002);
  EXPECT_TRUE(parse_double("9007199254740993", value));
  EXPECT_EQ(value, 9007199254740992.0);
}

TEST(CsvParseDouble, NanAndInfinityWordsAnyCase) {
  double value = 0.0;
  for (const char* text : {"nan", "NaN", "NAN", " nan ", "-nan", "+nan"}) {
    value = 0.0;
    EXPECT_TRUE(parse_double(text, value)) << text;
    EXPECT_TRUE(std::isnan(value)) << text;
  }
  for (const char* text : {"inf", "INF", "Infinity", "infinity", "+inf", "+Infinity"}) {
    value = 0.0;
    EXPECT_TRUE(parse_double(text, value)) << text;
    EXPECT_TRUE(std::isinf(value) && value > 0) << text;
  }
  for (const char* text : {"-inf", "-Inf", "-INFINITY", "-Infinity"}) {
    value = 0.0;
    EXPECT_TRUE(parse_double(text, value)) << text;
    EXPECT_TRUE(std::isinf(value) && value < 0) << text;
  }
}

TEST(CsvParseDouble, OutOfRangeGivesInfinityOrZero) {
  double value = 1.0;
  EXPECT_TRUE(parse_double("1e400", value));
  EXPECT_TRUE(std::isinf(value) && value > 0);
  EXPECT_TRUE(parse_double("-1.8e308", value));
  EXPECT_TRUE(std::isinf(value) && value < 0);
  EXPECT_TRUE(parse_double("123456789e999999999999", value));
  EXPECT_TRUE(std::isinf(value) && value > 0);
  EXPECT_TRUE(parse_double("0.000001e-320", value));
  EXPECT_EQ(bits_of(value), bits_of(0.0));
  EXPECT_TRUE(parse_double("-1e-400", value));
  EXPECT_EQ(bits_of(value), bits_of(-0.0));
  EXPECT_TRUE(parse_double("1000e-327", value));  // 1e-324: rounds to zero
  EXPECT_EQ(bits_of(value), bits_of(0.0));
  EXPECT_TRUE(parse_double("0.0000000000000000000001e330", value));  // 1e308: fits
  EXPECT_EQ(value, 1e308);
  EXPECT_TRUE(parse_double("4.9e-324", value));  // smallest subnormal, in range
  EXPECT_EQ(value, std::numeric_limits<double>::denorm_min());
}

TEST(CsvParseDouble, RejectsNonNumbersAndLeavesValueUnchanged) {
  for (const char* text :
       {"",     " ",  "\t",  "+", "-",  "+-1",  "++1",   "--1",   "-+1", "1.5x", "x1",  "1,5",  "1 2",
        "0x10", "1e", "1e+", ".", "e5", "nan1", "infin", "1.2.3", "$5",  "5%",   "+ 1", "1_000"}) {
    double value = 12.5;
    EXPECT_FALSE(parse_double(text, value)) << '"' << text << '"';
    EXPECT_EQ(value, 12.5) << text;
  }
  // A string view that is not NUL-terminated is parsed only within its bounds.
  const std::string backing = "2.5999";
  double value = 0.0;
  EXPECT_TRUE(parse_double(std::string_view(backing).substr(0, 3), value));
  EXPECT_EQ(value, 2.5);
}

// A numpunct facet that uses ',' as the decimal point, as many locales do.
struct comma_decimal_point : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
};

TEST(CsvParseDouble, IgnoresTheGlobalLocale) {
  const std::locale previous = std::locale::global(std::locale(std::locale::classic(), new comma_decimal_point));
  double dot_value = 0.0;
  double comma_value = 0.0;
  const bool dot_parsed = parse_double("1.25", dot_value);
  const bool comma_parsed = parse_double("1,25", comma_value);
  std::string text;
  append_double(text, 1.25);
  std::locale::global(previous);
  EXPECT_TRUE(dot_parsed);
  EXPECT_EQ(dot_value, 1.25);
  EXPECT_FALSE(comma_parsed);
  EXPECT_EQ(text, "1.25");
}

}  // namespace

TEST(CsvParseDouble, PlainDecimalFastPathEqualsFromChars) {
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 200000; ++i) {
    // Up to 15 digits with the point anywhere, sometimes negative or with leading zeros.
    const int digits = 1 + static_cast<int>(rng() % 15);
    std::string text = (rng() % 4 == 0) ? "-" : "";
    const int point = static_cast<int>(rng() % static_cast<std::uint64_t>(digits + 1));
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    double fast = -1.0;
    ASSERT_TRUE(riskscale::detail::parse_plain_decimal(text, fast)) << text;
    double reference = -2.0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), reference);
    ASSERT_EQ(result.ptr, text.data() + text.size()) << text;
    ASSERT_EQ(std::memcmp(&fast, &reference, sizeof fast), 0) << text;  // the same bits, -0 included
  }
  for (const char* other : {"", "-", ".5", "5.", "1e5", "+1", "--1", "1.2.3", " 1", "1 ", "0x10", "nan", "inf",
                            "1234567890123456", "0.0000000000000001", "1,5"}) {
    double value = 7.0;
    EXPECT_FALSE(riskscale::detail::parse_plain_decimal(other, value)) << other;
    EXPECT_EQ(value, 7.0) << other;
  }
}

TEST(CsvReader, RecordsLongerThanTheLimitAreReportedAloneAndSkipped) {
  // A long unquoted record, a long quoted one with embedded newlines and doubled quotes, a CRLF
  // one, and short records around them: the short ones survive with the right line numbers.
  const std::string unquoted(300, 'u');
  const std::string quoted = "\"" + std::string(150, 'q') + "\n\"\"," + std::string(150, 'q') + "\n\"";
  const std::string input = "a,b\n" + unquoted + ",x\n" + "c,d\n" + quoted + ",y\r\n" + "e,f\n" + "\"g\"," +
                            std::string(200, 'z') + "\r\n" + "h,i";
  for (const std::size_t buffer_bytes : {std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1} << 20}) {
    SCOPED_TRACE(buffer_bytes);
    const std::vector<record> records = read_all(input, buffer_bytes, ',', 100);
    ASSERT_EQ(records.size(), 7u);
    const std::vector<std::size_t> lines = {1, 2, 3, 4, 7, 8, 9};  // the quoted record spans lines 4-6
    const std::vector<bool> too_large = {false, true, false, true, false, true, false};
    for (std::size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].line, lines[i]) << i;
      EXPECT_EQ(records[i].too_large, too_large[i]) << i;
      EXPECT_EQ(records[i].malformed, too_large[i]) << i;
      if (too_large[i]) {
        EXPECT_TRUE(records[i].fields.empty());
        EXPECT_LE(records[i].raw.size(), reader::oversized_excerpt_bytes);
        EXPECT_NE(records[i].error.find("longer than 100 bytes"), std::string::npos) << records[i].error;
      }
    }
    EXPECT_EQ(records[2].fields, (field_list{"c", "d"}));
    EXPECT_EQ(records[4].fields, (field_list{"e", "f"}));
    EXPECT_EQ(records[6].fields, (field_list{"h", "i"}));
  }
}

TEST(CsvReader, AnEndlessRecordIsReportedAtOnceWithFlatMemory) {
  // An input that never ends its first record (as /dev/zero): the reader reports it as soon as
  // the limit is passed, without reading on to an end that never comes.
  struct endless_zeros : std::streambuf {
    char block[4096] = {};
    std::size_t served = 0;
    int_type underflow() override {
      served += sizeof block;
      setg(block, block, block + sizeof block);
      return traits_type::to_int_type(block[0]);
    }
  } zeros;
  std::istream stream(&zeros);
  reader csv_reader(stream, 1 << 16);
  csv_reader.set_max_record_bytes(1 << 20);
  record current;
  ASSERT_TRUE(csv_reader.next(current));
  EXPECT_TRUE(current.too_large);
  EXPECT_EQ(current.line, 1u);
  EXPECT_LT(zeros.served, std::size_t{4} << 20);  // read a little past the limit, not to the end
}
