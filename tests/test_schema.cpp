// The table contract of the core: the input schema (how each input and its empty cell read), the
// output schema, the text-cell rules (numbers, flags, lists), typed row errors, the CSV field
// writer and the chunked classify that every front end uses.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "riskscale/riskscale.hpp"

namespace {

using namespace riskscale;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(InputSchema, OneDescriptorPerInputSeatsOptionalAndAbsentWhenEmpty) {
  const policy pol;
  const std::vector<input_descriptor> schema = input_schema(pol);
  ASSERT_EQ(schema.size(), pol.input_fields().size());
  for (std::size_t i = 0; i < schema.size(); ++i) EXPECT_EQ(schema[i].name, pol.input_fields()[i]);
  EXPECT_EQ(schema[0].name, "sensitive_data");
  EXPECT_EQ(schema[0].range.upper, 1.0);
  EXPECT_FALSE(schema[0].optional);
  EXPECT_EQ(schema[0].empty, empty_cell::missing);
  EXPECT_EQ(schema[4].name, "active_days");
  EXPECT_EQ(schema[4].range.upper, 31.0);
  EXPECT_EQ(schema.back().name, "seats");
  EXPECT_TRUE(schema.back().optional);
  EXPECT_EQ(schema.back().empty, empty_cell::absent);
  EXPECT_EQ(schema.back().range.upper, 1e9);
}

TEST(InputSchema, ACellReadsAsItsInputSays) {
  const std::vector<input_descriptor> schema = input_schema(policy());
  const input_descriptor& users = schema[5];
  const input_descriptor& seats = schema[6];
  EXPECT_EQ(read_input_cell(users, " 12 ").value, 12.0);
  EXPECT_EQ(read_input_cell(users, " 12 ").status, row_status::ok);
  EXPECT_EQ(read_input_cell(users, "").status, row_status::missing_value);
  EXPECT_EQ(read_input_cell(users, "  ").status, row_status::missing_value);
  EXPECT_EQ(read_input_cell(users, "-1").status, row_status::below_range);
  EXPECT_EQ(read_input_cell(users, "1e309").status, row_status::infinite);
  EXPECT_EQ(read_input_cell(users, "nan").status, row_status::not_a_number);
  EXPECT_FALSE(read_input_cell(users, "nan").text_not_a_number);
  EXPECT_EQ(read_input_cell(users, "lots").status, row_status::not_a_number);
  EXPECT_TRUE(read_input_cell(users, "lots").text_not_a_number);
  // seats: an empty cell is absent (NaN, valid); anything else reads as for users.
  EXPECT_EQ(read_input_cell(seats, "").status, row_status::ok);
  EXPECT_TRUE(std::isnan(read_input_cell(seats, "").value));
  EXPECT_EQ(read_input_cell(seats, "-3").status, row_status::below_range);
  EXPECT_EQ(check_input(seats, nan), row_status::ok);
  EXPECT_EQ(check_input(users, nan), row_status::not_a_number);
}

// A portfolio of three valid accounts; seats as given.
struct three_accounts {
  std::vector<double> sensitive{0.9, 0.1, 0.5}, disruption{0.2, 0.0, 0.4}, safety{0, 0, 0}, legal{0.7, 0, 0.1},
      days{18, 2, 9}, users{500, 8, 40}, seats;
  [[nodiscard]] portfolio view() const {
    portfolio p(3);
    p.add("sensitive_data", sensitive).add("org_disruption", disruption).add("physical_safety", safety);
    p.add("legal_exposure", legal).add("active_days", days).add("users", users);
    if (!seats.empty()) p.add("seats", seats);
    return p;
  }
};

TEST(InputSchema, ABlankSeatsValueIsAbsentInTheBatchAndForOneAccount) {
  three_accounts data;
  data.seats = {nan, 10, -1};
  const batch_result with_seats = classify(data.view());
  EXPECT_EQ(with_seats.status[0], row_status::ok);  // NaN seats: absent, the row is valid
  EXPECT_EQ(with_seats.status[1], row_status::ok);
  EXPECT_EQ(with_seats.status[2], row_status::below_range);  // a negative count is still refused
  EXPECT_EQ(with_seats.invalid_field[2], 6);
  data.seats.clear();
  const batch_result without = classify(data.view());
  EXPECT_EQ(without.risk_score[0], with_seats.risk_score[0]);  // seats feeds no score
  EXPECT_EQ(without.scale_score[0], with_seats.scale_score[0]);

  account one;
  one.sensitive_data = 0.9;
  one.active_days = 18;
  one.users = 500;
  one.seats = nan;
  EXPECT_NO_THROW((void)assess(one));
  one.seats = -1;
  EXPECT_THROW((void)assess(one), input_error);
}

TEST(TypedErrors, ARefusedRowCarriesFieldRowValueRangeAndReason) {
  three_accounts data;
  data.days[1] = 40;
  const portfolio input = data.view();
  const policy pol;
  const batch_result result = classify(input, pol);
  ASSERT_EQ(result.status[1], row_status::above_range);
  const input_error e = row_error(input, pol, 1, result.status[1], result.invalid_field[1], "ACC-2");
  EXPECT_EQ(e.field(), "active_days");
  EXPECT_EQ(e.row(), std::optional<std::size_t>(1));
  EXPECT_EQ(e.account_id(), "ACC-2");
  ASSERT_TRUE(e.why().has_value());
  EXPECT_EQ(e.why()->reason, "above_range");
  EXPECT_EQ(e.why()->value, "40");
  EXPECT_EQ(e.why()->lower, 0.0);
  EXPECT_EQ(e.why()->upper, 31.0);
  EXPECT_EQ(e.message(), "active_days = 40 is above the range; accepted: a finite number in [0, 31]");
  EXPECT_EQ(std::string(e.what()), "invalid input for account 'ACC-2' at row 1, field 'active_days': " + e.message());
  // A text cell's refusal keeps the text as given.
  const input_descriptor users = input_schema(pol)[5];
  const input_error text = refused_row(users, 3, "", nan, row_status::not_a_number, std::string_view(" lots "));
  EXPECT_EQ(text.why()->value, "lots");
  EXPECT_EQ(text.message(), "users = ' lots ' is not a number; accepted: a finite number in [0, 1e+09]");
}

TEST(CellText, FlagsInAnyCaseAndNothingElse) {
  for (const char* yes : {"true", "TRUE", "True", "yes", "YES", "1", " yes "}) {
    EXPECT_EQ(parse_flag(yes), std::optional<bool>(true)) << yes;
  }
  for (const char* no : {"false", "False", "no", "NO", "0", "\tno"})
    EXPECT_EQ(parse_flag(no), std::optional<bool>(false)) << no;
  for (const char* other : {"", " ", "y", "2", "1.0", "on", "truee", "-1"}) EXPECT_FALSE(parse_flag(other)) << other;
}

TEST(CellText, NumbersAsSpecSectionTwoReadsThem) {
  double value = 0;
  EXPECT_TRUE(parse_number(" +12.5 ", value));
  EXPECT_EQ(value, 12.5);
  EXPECT_TRUE(parse_number("1e309", value));
  EXPECT_TRUE(std::isinf(value));
  EXPECT_TRUE(parse_number("0.1", value));
  EXPECT_EQ(value, 0.1);
  EXPECT_FALSE(parse_number("+-1", value));
  EXPECT_FALSE(parse_number("1,5", value));
  EXPECT_FALSE(parse_number("", value));
}

TEST(CellText, AListSplitsAtTheSeparator) {
  EXPECT_EQ(split_list("a;b;c"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(split_list("a;;b;"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(split_list("").empty());
}

TEST(CellText, AnArchetypeCellIsAnIdOrEmpty) {
  EXPECT_EQ(riskscale::parse_archetype_cell("high_scale_high_risk"), std::optional<std::int8_t>(0));
  EXPECT_EQ(riskscale::parse_archetype_cell("low_scale_low_risk"), std::optional<std::int8_t>(3));
  EXPECT_EQ(riskscale::parse_archetype_cell(""), std::optional<std::int8_t>(-1));
  for (const char* other : {" ", "High_Scale_High_Risk", " low_scale_low_risk", "gone", "0"}) {
    EXPECT_FALSE(riskscale::parse_archetype_cell(other)) << other;
  }
}

TEST(OutputSchema, TheSpecSectionEightColumnsInOrder) {
  ASSERT_EQ(classify_output_columns.size(), 15u);
  EXPECT_EQ(classify_output_columns.front().name, "account_id");
  EXPECT_EQ(classify_output_columns[5].name, "archetype");
  EXPECT_EQ(classify_output_columns[5].type, column_type::category);
  EXPECT_EQ(classify_output_columns[7].type, column_type::flag);
  EXPECT_EQ(classify_output_columns[12].type, column_type::list);
  EXPECT_EQ(classify_output_columns.back().name, "active_days_for_high_scale");
  std::set<std::string_view> numbers;
  for (const auto& column : classify_output_columns) {
    if (column.type == column_type::number) numbers.insert(column.name);
  }
  EXPECT_EQ(numbers, std::set<std::string_view>(classify_number_columns.begin(), classify_number_columns.end()));
}

TEST(CsvField, OneQuotingRuleLeadingAndTrailingBlanksIncluded) {
  EXPECT_FALSE(csv_needs_quotes("plain"));
  EXPECT_TRUE(csv_needs_quotes(" leading"));
  EXPECT_TRUE(csv_needs_quotes("trailing\t"));
  EXPECT_TRUE(csv_needs_quotes("a,b"));
  std::string out;
  append_csv_field(out, "say \"hi\"");
  EXPECT_EQ(out, "\"say \"\"hi\"\"\"");
  // A plan CSV quotes an account id with a leading blank, as every other CSV the project writes.
  account a;
  a.account_id = "  ACC-7";
  a.sensitive_data = 0.9;
  a.active_days = 18;
  a.users = 500;
  const std::string csv = plan_to_csv(plan(assess(a), product_traits(), date::parse("2026-12-07")));
  const std::string first_row = csv.substr(csv.find("\r\n") + 2, 10);
  EXPECT_EQ(first_row.substr(0, 10), "\"  ACC-7\",");
}

TEST(ChunkedClassify, EveryChunkOnceWithItsWorkerAndTheSameResultsAsClassify) {
  std::vector<double> sensitive, zeros, days, users;
  for (int i = 0; i < 10000; ++i) {
    sensitive.push_back((i % 97) / 96.0);
    zeros.push_back(0.0);
    days.push_back(i % 33);  // 0..31 valid days, then one row out of range (32)
    users.push_back(i % 2000);
  }
  portfolio input(sensitive.size());
  input.add("sensitive_data", sensitive).add("org_disruption", zeros).add("physical_safety", zeros);
  input.add("legal_exposure", zeros).add("active_days", days).add("users", users);
  const policy pol;
  const batch_result whole = classify(input, pol, {1, 0});
  batch_result chunked(input.rows(), pol);
  const batch_output out = chunked.view();
  std::mutex seen_lock;
  std::vector<int> seen(input.rows(), 0);
  std::atomic<std::size_t> chunks{0};
  classify_chunks(
      input, pol, {2, 777},
      [&](const chunk& piece) {
        EXPECT_LT(piece.worker, 2u);
        return out.at_row(piece.begin, pol.recommendation_width());
      },
      [&](const chunk& piece, const batch_output& view) {
        ++chunks;
        EXPECT_EQ(view.status, out.status + piece.begin);
        const std::lock_guard<std::mutex> hold(seen_lock);
        for (std::size_t row = piece.begin; row < piece.end; ++row) ++seen[row];
      });
  EXPECT_EQ(chunks.load(), (input.rows() + 776) / 777);
  for (std::size_t row = 0; row < input.rows(); ++row) ASSERT_EQ(seen[row], 1) << row;
  for (std::size_t row = 0; row < input.rows(); ++row) {
    const auto i = static_cast<Eigen::Index>(row);
    ASSERT_EQ(chunked.status[row], whole.status[row]) << row;
    if (whole.status[row] != row_status::ok) continue;
    ASSERT_EQ(chunked.risk_score[i], whole.risk_score[i]) << row;
    ASSERT_EQ(chunked.scale_score[i], whole.scale_score[i]) << row;
    ASSERT_EQ(chunked.recommendation_count[row], whole.recommendation_count[row]) << row;
  }
  std::size_t out_of_range = 0;
  for (const double d : days) out_of_range += d > 31 ? 1 : 0;
  EXPECT_EQ(whole.invalid_rows(), out_of_range);
  EXPECT_GT(out_of_range, 300u);
}

}  // namespace
