// SPEC §8 conformance: every row of ../shared/conformance through assess() and classify().
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "riskscale/riskscale.hpp"
#include "support/table.hpp"

namespace {

using riskscale::testing::conformance_path;
using riskscale::testing::read_table;
using riskscale::testing::table;

constexpr double score_tolerance = 1e-9;  // conformance README: scores within 1e-9

const std::vector<std::string>& score_columns = riskscale::testing::conformance_score_columns;

// One row of our output, whichever API produced it.
struct observed {
  std::vector<double> scores;  // score_columns order
  std::string archetype;
  bool borderline;
  std::vector<std::string> recommendations;
  std::vector<double> format_scores;  // every catalogue format's score, catalogue order
  double users_for_high_scale;        // NaN when absent
  double active_days_for_high_scale;  // NaN when absent
};

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    ids.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

std::vector<double> all_format_scores(const riskscale::policy& policy, const std::array<double, 4>& m) {
  std::vector<double> scores;
  for (const auto& format : policy.catalog()) {
    double score = 0;
    for (std::size_t a = 0; a < 4; ++a) score += m[a] * format.affinity[a];
    scores.push_back(score);
  }
  return scores;
}

// Compares one row under the conformance README's rules.
void expect_row(const table& expected, std::size_t row, const observed& got, const riskscale::policy& policy) {
  const std::string id = expected.cell(row, "account_id");
  SCOPED_TRACE("account " + id);
  for (std::size_t c = 0; c < score_columns.size(); ++c) {
    EXPECT_NEAR(got.scores[c], expected.number(row, score_columns[c]), score_tolerance) << score_columns[c];
  }
  const auto& s = policy.settings();
  const double risk = got.scores[0];
  const double scale = got.scores[1];
  const bool near_threshold =
      std::abs(risk - s.risk_threshold) < score_tolerance || std::abs(scale - s.scale_threshold) < score_tolerance;
  if (!near_threshold) {
    EXPECT_EQ(got.archetype, expected.cell(row, "archetype"));
  }
  const std::string borderline_text = expected.cell(row, "borderline");
  ASSERT_TRUE(borderline_text == "True" || borderline_text == "False") << borderline_text;
  if (std::abs(got.scores[4] - s.borderline_band) >= score_tolerance) {
    EXPECT_EQ(got.borderline, borderline_text == "True");
  }
  // Recommendations as a ranking: position j must hold a format scoring within 1e-9 of the expected one.
  const std::vector<std::string> want = split_ids(expected.cell(row, "recommendations"));
  ASSERT_EQ(got.recommendations.size(), want.size()) << expected.cell(row, "recommendations");
  for (std::size_t j = 0; j < want.size(); ++j) {
    const auto wanted = policy.format_index(want[j]);
    const auto ours = policy.format_index(got.recommendations[j]);
    ASSERT_TRUE(wanted && ours);
    EXPECT_NEAR(got.format_scores[*wanted], got.format_scores[*ours], score_tolerance)
        << "rank " << j << ": expected " << want[j] << ", got " << got.recommendations[j];
  }
  const double users = expected.number(row, "users_for_high_scale");
  EXPECT_EQ(std::isnan(got.users_for_high_scale), std::isnan(users)) << "users_for_high_scale";
  if (!std::isnan(users)) {
    EXPECT_NEAR(got.users_for_high_scale, users, 1.0);
  }
  const double days = expected.number(row, "active_days_for_high_scale");
  EXPECT_EQ(std::isnan(got.active_days_for_high_scale), std::isnan(days)) << "active_days_for_high_scale";
  if (!std::isnan(days)) {
    EXPECT_NEAR(got.active_days_for_high_scale, days, score_tolerance);
  }
}

riskscale::account account_from(const table& input, std::size_t row, const riskscale::policy& policy) {
  riskscale::account a;
  a.account_id = input.cell(row, "account_id");
  a.sensitive_data = input.number(row, "sensitive_data");
  a.org_disruption = input.number(row, "org_disruption");
  a.physical_safety = input.number(row, "physical_safety");
  a.legal_exposure = input.number(row, "legal_exposure");
  a.active_days = input.number(row, "active_days");
  a.users = input.number(row, "users");
  a.seats = input.number(row, "seats");
  for (const auto& factor : policy.risk_factors()) {
    if (!a.field(factor.name)) a.extra_factors[factor.name] = input.number(row, factor.name);
  }
  return a;
}

struct conformance_case {
  std::string accounts;
  std::string expected;
  std::string policy;  // empty: defaults

  // Names the case in test listings instead of dumping its bytes.
  friend void PrintTo(const conformance_case& c, std::ostream* os) { *os << c.accounts; }
};

class conformance : public ::testing::TestWithParam<conformance_case> {
 protected:
  riskscale::policy load_policy() const {
    return GetParam().policy.empty() ? riskscale::policy()
                                     : riskscale::policy::from_file(conformance_path(GetParam().policy));
  }
};

TEST_P(conformance, every_row_through_assess) {
  const riskscale::policy policy = load_policy();
  const table input = read_table(conformance_path(GetParam().accounts));
  const table expected = read_table(conformance_path(GetParam().expected));
  ASSERT_EQ(input.rows.size(), 90u);
  ASSERT_EQ(expected.rows.size(), input.rows.size());
  for (std::size_t row = 0; row < input.rows.size(); ++row) {
    ASSERT_EQ(input.cell(row, "account_id"), expected.cell(row, "account_id"));
    const riskscale::assessment a = riskscale::assess(account_from(input, row, policy), policy);
    observed got{{a.risk_score, a.scale_score, a.frequency_score, a.reach_score, a.margin, a.membership[0],
                  a.membership[1], a.membership[2], a.membership[3]},
                 std::string(riskscale::to_string(a.archetype)),
                 a.borderline,
                 {},
                 all_format_scores(policy, a.membership),
                 a.users_for_high_scale.value_or(NAN),
                 a.active_days_for_high_scale.value_or(NAN)};
    for (const auto& r : a.recommendations) got.recommendations.emplace_back(r.id);
    expect_row(expected, row, got, policy);
  }
}

TEST_P(conformance, every_row_through_classify) {
  const riskscale::policy policy = load_policy();
  const table input = read_table(conformance_path(GetParam().accounts));
  const table expected = read_table(conformance_path(GetParam().expected));
  const std::size_t rows = input.rows.size();
  std::vector<std::vector<double>> columns;
  const std::vector<std::string> fields = policy.input_fields();
  riskscale::portfolio portfolio(rows);
  columns.reserve(fields.size());
  for (const std::string& field : fields) {
    auto& column = columns.emplace_back();
    for (std::size_t row = 0; row < rows; ++row) column.push_back(input.number(row, field));
    portfolio.add(field, column);
  }
  const riskscale::batch_result result = riskscale::classify(portfolio, policy, {2, 7});
  ASSERT_EQ(result.invalid_rows(), 0u);
  for (std::size_t row = 0; row < rows; ++row) {
    std::array<double, 4> membership{};
    for (std::size_t a = 0; a < 4; ++a) membership[a] = result.membership[a][static_cast<Eigen::Index>(row)];
    const auto i = static_cast<Eigen::Index>(row);
    observed got{{result.risk_score[i], result.scale_score[i], result.frequency_score[i], result.reach_score[i],
                  result.margin[i], membership[0], membership[1], membership[2], membership[3]},
                 std::string(riskscale::to_string(static_cast<riskscale::archetype>(result.archetype[row]))),
                 result.borderline[row] != 0,
                 {},
                 all_format_scores(policy, membership),
                 result.users_for_high_scale[i],
                 result.active_days_for_high_scale[i]};
    for (int j = 0; j < result.recommendation_count[row]; ++j) {
      const auto k = result.recommendations[row * result.recommendation_width + static_cast<std::size_t>(j)];
      got.recommendations.push_back(policy.catalog()[static_cast<std::size_t>(k)].id);
    }
    expect_row(expected, row, got, policy);
  }
}

INSTANTIATE_TEST_SUITE_P(
    shared, conformance,
    ::testing::Values(conformance_case{"accounts.csv", "expected_default.csv", ""},
                      conformance_case{"accounts_custom.csv", "expected_custom.csv", "policy_custom.json"}),
    [](const auto& info) { return info.param.policy.empty() ? "default_policy" : "custom_policy"; });

// invalid.csv: OK rows classified, each BAD row rejected with the column its name announces.
TEST(conformance_invalid, bad_rows_are_rejected_with_their_column_and_neighbours_classified) {
  const table input = read_table(conformance_path("invalid.csv"));
  const riskscale::policy policy;
  const std::vector<std::string> fields = policy.input_fields();
  const std::size_t rows = input.rows.size();
  std::vector<std::vector<double>> columns;
  riskscale::portfolio portfolio(rows);
  columns.reserve(fields.size());
  std::vector<std::size_t> unparsable_rows;  // BAD_TEXT: not a number at all, a CSV front end's concern
  for (const std::string& field : fields) {
    auto& column = columns.emplace_back();
    for (std::size_t row = 0; row < rows; ++row) {
      double value = NAN;
      const std::string& text = input.cell(row, field);
      if (!text.empty() && !riskscale::csv::parse_double(text, value)) {
        unparsable_rows.push_back(row);
        value = NAN;  // what a front end hands the core for a cell it could not read
      }
      column.push_back(value);
    }
    portfolio.add(field, column);
  }
  const riskscale::batch_result result = riskscale::classify(portfolio, policy);
  const std::map<std::string, std::pair<std::string, riskscale::row_status>> want = {
      {"BAD_RANGE", {"sensitive_data", riskscale::row_status::above_range}},
      {"BAD_NEG", {"users", riskscale::row_status::below_range}},
      {"BAD_DAYS", {"active_days", riskscale::row_status::above_range}},
      {"BAD_NAN", {"org_disruption", riskscale::row_status::not_a_number}},
      {"BAD_EMPTY", {"physical_safety", riskscale::row_status::not_a_number}},
      {"BAD_TEXT", {"legal_exposure", riskscale::row_status::not_a_number}},
  };
  std::size_t ok_rows = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    const std::string id = input.cell(row, "account_id");
    SCOPED_TRACE(id);
    if (id.rfind("OK", 0) == 0) {
      ++ok_rows;
      EXPECT_EQ(result.status[row], riskscale::row_status::ok);
      EXPECT_GE(result.archetype[row], 0);
      EXPECT_FALSE(std::isnan(result.risk_score[static_cast<Eigen::Index>(row)]));
      continue;
    }
    const auto& [field, status] = want.at(id);
    EXPECT_EQ(result.status[row], status);
    ASSERT_GE(result.invalid_field[row], 0);
    EXPECT_EQ(fields[static_cast<std::size_t>(result.invalid_field[row])], field);
    EXPECT_EQ(result.archetype[row], -1);
    EXPECT_TRUE(std::isnan(result.risk_score[static_cast<Eigen::Index>(row)]));
    const riskscale::input_error e =
        riskscale::row_error(portfolio, policy, row, result.status[row], result.invalid_field[row], id);
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(id), std::string::npos) << e.what();
  }
  EXPECT_EQ(ok_rows, 2u);
  EXPECT_EQ(unparsable_rows.size(), 1u);
  EXPECT_EQ(result.invalid_rows(), 6u);
}

}  // namespace
