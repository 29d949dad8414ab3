// batch.hpp: columns in, columns out; batch == single, any threads, any chunking, no row lost.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "riskscale/assess.hpp"
#include "riskscale/policy_json.hpp"
#include "riskscale/batch.hpp"

namespace {

using riskscale::batch_result;
using riskscale::policy;
using riskscale::row_status;

// A random portfolio as owned columns, with edge values (0, 1, thresholds) mixed in.
struct random_portfolio {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  riskscale::portfolio view;

  random_portfolio(std::size_t rows, const policy& p, unsigned seed) : view(rows) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    names = p.input_fields();
    columns.resize(names.size());
    for (std::size_t c = 0; c < names.size(); ++c) {
      columns[c].resize(rows);
      for (std::size_t row = 0; row < rows; ++row) {
        const double u = unit(rng);
        const bool edge = unit(rng) < 0.05;
        double value;
        if (names[c] == "active_days")
          value = edge ? (u < 0.5 ? 0.0 : 31.0) : 31.0 * u;
        else if (names[c] == "users" || names[c] == "seats")
          value = edge ? (u < 0.5 ? 0.0 : 1000.0) : std::floor(std::exp(12.0 * u) - 1.0);
        else
          value = edge ? (u < 0.5 ? 0.0 : 1.0) : u;
        columns[c][row] = value;
      }
      view.add(names[c], columns[c]);
    }
  }

  [[nodiscard]] riskscale::account account_at(std::size_t row) const {
    riskscale::account a;
    for (std::size_t c = 0; c < names.size(); ++c) {
      a.set_field(names[c], columns[c][row]);
    }
    return a;
  }
};

// Bitwise equality of two doubles, NaN equal to NaN.
bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_identical(const batch_result& a, const batch_result& b) {
  ASSERT_EQ(a.rows, b.rows);
  for (std::size_t row = 0; row < a.rows; ++row) {
    const auto i = static_cast<Eigen::Index>(row);
    ASSERT_TRUE(same_bits(a.risk_score[i], b.risk_score[i])) << row;
    ASSERT_TRUE(same_bits(a.scale_score[i], b.scale_score[i])) << row;
    ASSERT_TRUE(same_bits(a.frequency_score[i], b.frequency_score[i])) << row;
    ASSERT_TRUE(same_bits(a.reach_score[i], b.reach_score[i])) << row;
    ASSERT_TRUE(same_bits(a.margin[i], b.margin[i])) << row;
    for (std::size_t k = 0; k < 4; ++k) ASSERT_TRUE(same_bits(a.membership[k][i], b.membership[k][i])) << row;
    ASSERT_TRUE(same_bits(a.users_for_high_scale[i], b.users_for_high_scale[i])) << row;
    ASSERT_TRUE(same_bits(a.active_days_for_high_scale[i], b.active_days_for_high_scale[i])) << row;
    ASSERT_EQ(a.archetype[row], b.archetype[row]) << row;
    ASSERT_EQ(a.borderline[row], b.borderline[row]) << row;
    ASSERT_EQ(a.status[row], b.status[row]) << row;
    ASSERT_EQ(a.invalid_field[row], b.invalid_field[row]) << row;
    ASSERT_EQ(a.recommendation_count[row], b.recommendation_count[row]) << row;
  }
  ASSERT_EQ(a.recommendations, b.recommendations);
  for (Eigen::Index i = 0; i < a.recommendation_scores.size(); ++i) {
    ASSERT_TRUE(same_bits(a.recommendation_scores[i], b.recommendation_scores[i])) << i;
  }
}

class batch_equivalence : public ::testing::TestWithParam<const char*> {};

TEST_P(batch_equivalence, same_results_for_any_threads_and_chunks_and_equal_to_assess) {
  const policy p = policy::from_json(GetParam());
  constexpr std::size_t rows = 100000;
  const random_portfolio data(rows, p, 20261127);
  const batch_result reference = riskscale::classify(data.view, p, {1, 0});
  EXPECT_EQ(reference.invalid_rows(), 0u);
  for (const riskscale::batch_options options :
       {riskscale::batch_options{2, 0}, riskscale::batch_options{7, 0}, riskscale::batch_options{2, 1},
        riskscale::batch_options{7, 333}, riskscale::batch_options{1, 257}, riskscale::batch_options{2, 99991}}) {
    SCOPED_TRACE("threads " + std::to_string(options.threads) + ", chunk " + std::to_string(options.chunk_rows));
    expect_identical(riskscale::classify(data.view, p, options), reference);
  }
  // Every row equals the single-account API, bit for bit.
  const std::size_t width = p.recommendation_width();
  for (std::size_t row = 0; row < rows; ++row) {
    const auto a = riskscale::assess(data.account_at(row), p);
    const auto i = static_cast<Eigen::Index>(row);
    ASSERT_TRUE(same_bits(a.risk_score, reference.risk_score[i])) << row;
    ASSERT_TRUE(same_bits(a.scale_score, reference.scale_score[i])) << row;
    ASSERT_TRUE(same_bits(a.margin, reference.margin[i])) << row;
    ASSERT_TRUE(same_bits(a.membership[3], reference.membership[3][i])) << row;
    ASSERT_TRUE(same_bits(a.users_for_high_scale.value_or(NAN), reference.users_for_high_scale[i])) << row;
    ASSERT_TRUE(same_bits(a.active_days_for_high_scale.value_or(NAN), reference.active_days_for_high_scale[i])) << row;
    ASSERT_EQ(static_cast<int>(a.archetype), reference.archetype[row]) << row;
    ASSERT_EQ(a.borderline, reference.borderline[row] != 0) << row;
    ASSERT_EQ(a.recommendations.size(), static_cast<std::size_t>(reference.recommendation_count[row])) << row;
    for (std::size_t j = 0; j < a.recommendations.size(); ++j) {
      ASSERT_EQ(a.recommendations[j].format_index, static_cast<std::size_t>(reference.recommendations[row * width + j]))
          << row;
      ASSERT_TRUE(same_bits(a.recommendations[j].score,
                            reference.recommendation_scores[static_cast<Eigen::Index>(row * width + j)]));
    }
    // SPEC §4 properties, checked on every row.
    const double total = a.membership[0] + a.membership[1] + a.membership[2] + a.membership[3];
    ASSERT_NEAR(total, 1.0, 1e-12) << row;
    ASSERT_EQ(a.high_risk(), a.risk_score >= p.settings().risk_threshold) << row;
    ASSERT_EQ(a.high_scale(), a.scale_score >= p.settings().scale_threshold) << row;
  }
}

std::string policy_name(std::size_t index) {
  const char* const names[] = {"default", "custom", "reach_only", "ties", "large_catalogue"};
  return names[index];
}

INSTANTIATE_TEST_SUITE_P(
    policies, batch_equivalence,
    ::testing::Values(
        "{}",
        R"({"risk_weights": {"sensitive_data": 0.6, "export_control": 0.7},
                                               "scale_weights": {"frequency": 1, "reach": 1}, "top_k": 3,
                                               "temperature": 0.05, "scale_threshold": 0.55})",
        R"({"scale_weights": {"frequency": 0, "reach": 1}, "min_score": 0})",
        // exact ties and a tie within the tolerance (ranked by the insertion rule)
        R"({"catalog": [{"id": "a", "name": "A", "description": "Tied with b.", "affinity": {"high_scale_high_risk": 0.5}}, {"id": "b", "name": "B", "description": "Tied with a.", "affinity": {"high_scale_high_risk": 0.5}}, {"id": "c", "name": "C", "description": "Within the tolerance of a and b.", "affinity": {"high_scale_high_risk": 0.5000000000001}}, {"id": "d", "name": "D", "description": "Two archetypes.", "affinity": {"high_scale_low_risk": 0.5, "low_scale_high_risk": 0.5}}, {"id": "e", "name": "E", "description": "Two archetypes.", "affinity": {"low_scale_high_risk": 0.5, "high_scale_low_risk": 0.5}}, {"id": "f", "name": "F", "description": "One archetype.", "affinity": {"low_scale_low_risk": 1.0}}], "min_score": 0.05})",
        // more formats than the sorting network takes
        R"({"catalog": [{"id": "f0", "name": "F0", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.807, "low_scale_high_risk": 0.766}}, {"id": "f1", "name": "F1", "description": "Random affinities.", "affinity": {"high_scale_low_risk": 0.027, "low_scale_high_risk": 0.746, "low_scale_low_risk": 0.502}}, {"id": "f2", "name": "F2", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.846, "low_scale_high_risk": 0.998, "low_scale_low_risk": 0.813}}, {"id": "f3", "name": "F3", "description": "Random affinities.", "affinity": {"high_scale_low_risk": 0.706, "low_scale_high_risk": 0.955, "low_scale_low_risk": 0.54}}, {"id": "f4", "name": "F4", "description": "Random affinities.", "affinity": {"low_scale_high_risk": 0.082}}, {"id": "f5", "name": "F5", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.996, "high_scale_low_risk": 0.812}}, {"id": "f6", "name": "F6", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.372, "high_scale_low_risk": 0.752, "low_scale_high_risk": 0.96, "low_scale_low_risk": 0.774}}, {"id": "f7", "name": "F7", "description": "Random affinities.", "affinity": {"high_scale_low_risk": 0.557, "low_scale_low_risk": 0.36}}, {"id": "f8", "name": "F8", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.786, "high_scale_low_risk": 0.604, "low_scale_high_risk": 0.553, "low_scale_low_risk": 0.659}}, {"id": "f9", "name": "F9", "description": "Random affinities.", "affinity": {"high_scale_low_risk": 0.332, "low_scale_low_risk": 0.273}}, {"id": "f10", "name": "F10", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.753, "high_scale_low_risk": 0.467, "low_scale_high_risk": 0.633}}, {"id": "f11", "name": "F11", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.075, "low_scale_low_risk": 0.564}}, {"id": "f12", "name": "F12", "description": "Random affinities.", "affinity": {"high_scale_low_risk": 0.732, "low_scale_low_risk": 0.392}}, {"id": "f13", "name": "F13", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.251, "high_scale_low_risk": 0.11, "low_scale_high_risk": 0.842, "low_scale_low_risk": 0.805}}, {"id": "f14", "name": "F14", "description": "Random affinities.", "affinity": {"low_scale_high_risk": 0.926, "low_scale_low_risk": 0.771}}, {"id": "f15", "name": "F15", "description": "Random affinities.", "affinity": {"low_scale_high_risk": 0.075, "low_scale_low_risk": 0.637}}, {"id": "f16", "name": "F16", "description": "Random affinities.", "affinity": {"high_scale_high_risk": 0.532, "high_scale_low_risk": 0.163, "low_scale_high_risk": 0.725, "low_scale_low_risk": 0.393}}], "min_score": 0.2})"),
    [](const auto& info) { return policy_name(info.index); });

TEST(batch, the_ranking_network_sorts_every_input_of_up_to_16_values) {
  // The 0-1 principle: a comparator network sorts every input iff it sorts every 0/1 input.
  for (std::size_t n = 1; n <= riskscale::detail::network_formats; ++n) {
    std::vector<riskscale::detail::exchange> network(riskscale::detail::descending_network(n, nullptr));
    riskscale::detail::descending_network(n, network.data());
    for (std::uint32_t pattern = 0; pattern < (1u << n); ++pattern) {
      std::vector<int> values(n);
      for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<int>((pattern >> i) & 1);
      for (const auto& e : network) {
        ASSERT_LT(e.high, e.low);
        ASSERT_LT(e.low, n);
        if (values[e.high] < values[e.low]) std::swap(values[e.high], values[e.low]);
      }
      ASSERT_TRUE(std::is_sorted(values.rbegin(), values.rend())) << "n " << n << ", pattern " << pattern;
    }
  }
  EXPECT_EQ(riskscale::detail::network<12>::size, 42u);  // the best known has 39
}

TEST(batch, invalid_rows_get_their_reason_and_leave_neighbours_untouched) {
  const policy p;
  constexpr std::size_t rows = 5000;
  random_portfolio data(rows, p, 7);
  const batch_result clean = riskscale::classify(data.view, p, {1, 0});
  struct injected {
    std::size_t row;
    std::string field;
    double value;
    row_status status;
  };
  const std::vector<injected> faults = {
      {0, "sensitive_data", 1.5, row_status::above_range}, {255, "users", -1.0, row_status::below_range},
      {256, "active_days", NAN, row_status::not_a_number}, {1023, "legal_exposure", INFINITY, row_status::infinite},
      {1024, "seats", 2e9, row_status::above_range},       {4999, "org_disruption", -INFINITY, row_status::infinite},
  };
  const std::vector<std::string> fields = p.input_fields();
  for (const auto& fault : faults) {
    for (std::size_t c = 0; c < fields.size(); ++c) {
      if (fields[c] == fault.field) data.columns[c][fault.row] = fault.value;
    }
  }
  for (unsigned threads : {1u, 2u, 7u}) {
    const batch_result result = riskscale::classify(data.view, p, {threads, 100});
    EXPECT_EQ(result.invalid_rows(), faults.size());
    for (const auto& fault : faults) {
      SCOPED_TRACE(fault.field);
      EXPECT_EQ(result.status[fault.row], fault.status);
      EXPECT_EQ(fields[static_cast<std::size_t>(result.invalid_field[fault.row])], fault.field);
      EXPECT_EQ(result.archetype[fault.row], -1);
      EXPECT_EQ(result.borderline[fault.row], 0);
      EXPECT_EQ(result.recommendation_count[fault.row], 0);
      EXPECT_EQ(result.recommendations[fault.row * result.recommendation_width], -1);
      EXPECT_TRUE(std::isnan(result.risk_score[static_cast<Eigen::Index>(fault.row)]));
      EXPECT_TRUE(std::isnan(result.membership[0][static_cast<Eigen::Index>(fault.row)]));
      const auto error = riskscale::row_error(data.view, p, fault.row, result.status[fault.row],
                                              result.invalid_field[fault.row], "X1");
      EXPECT_EQ(error.field(), fault.field);
      EXPECT_EQ(error.row(), fault.row);
      EXPECT_NE(std::string(error.what()).find("row " + std::to_string(fault.row)), std::string::npos) << error.what();
    }
    for (std::size_t row = 0; row < rows; ++row) {
      bool faulty = false;
      for (const auto& fault : faults) faulty = faulty || fault.row == row;
      if (faulty) continue;
      const auto i = static_cast<Eigen::Index>(row);
      ASSERT_TRUE(same_bits(result.risk_score[i], clean.risk_score[i])) << row;
      ASSERT_TRUE(same_bits(result.scale_score[i], clean.scale_score[i])) << row;
      ASSERT_EQ(result.archetype[row], clean.archetype[row]) << row;
      ASSERT_EQ(result.status[row], row_status::ok) << row;
    }
  }
}

TEST(batch, the_first_invalid_field_in_input_order_is_reported) {
  const policy p;
  std::vector<double> ok = {0.5}, bad = {2.0}, days = {40.0}, users = {10.0};
  riskscale::portfolio input(1);
  input.add("sensitive_data", ok)
      .add("org_disruption", bad)
      .add("physical_safety", ok)
      .add("legal_exposure", bad)
      .add("active_days", days)
      .add("users", users);
  const auto result = riskscale::classify(input, p);
  EXPECT_EQ(result.invalid_field[0], 1);  // org_disruption, before legal_exposure and active_days
}

TEST(batch, a_missing_required_column_is_an_error_naming_it) {
  const policy p;
  std::vector<double> values(3, 0.5);
  riskscale::portfolio input(3);
  input.add("sensitive_data", values)
      .add("org_disruption", values)
      .add("physical_safety", values)
      .add("active_days", values)
      .add("users", values);
  try {
    (void)riskscale::classify(input, p);
    ADD_FAILURE() << "accepted";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "legal_exposure");
    EXPECT_NE(std::string(e.what()).find("missing column"), std::string::npos) << e.what();
  }
  input.add("legal_exposure", values);
  EXPECT_EQ(riskscale::classify(input, p).invalid_rows(), 0u);  // seats is optional
}

TEST(batch, column_lengths_must_match) {
  riskscale::portfolio input(3);
  const std::vector<double> short_column(2, 0.5);
  EXPECT_THROW(input.add("users", short_column), riskscale::input_error);
  const Eigen::ArrayXd eigen_column = Eigen::ArrayXd::Constant(3, 0.5);
  input.add("users", eigen_column);
  EXPECT_EQ(input.find("users"), eigen_column.data());  // borrowed, not copied
}

TEST(batch, null_outputs_are_skipped_and_status_is_required) {
  const policy p;
  const random_portfolio data(300, p, 3);
  std::vector<double> risk(300, -1.0);
  std::vector<row_status> status(300, row_status::infinite);
  riskscale::batch_output out;
  out.risk_score = risk.data();
  out.status = status.data();
  riskscale::classify_into(data.view, p, out);
  const batch_result full = riskscale::classify(data.view, p);
  for (std::size_t row = 0; row < 300; ++row) {
    EXPECT_EQ(status[row], row_status::ok);
    EXPECT_TRUE(same_bits(risk[row], full.risk_score[static_cast<Eigen::Index>(row)]));
  }
  riskscale::batch_output no_status;
  EXPECT_THROW(riskscale::classify_into(data.view, p, no_status), riskscale::error);
}

TEST(batch, an_empty_portfolio_is_fine) {
  const riskscale::portfolio empty(0);
  const auto result = riskscale::classify(empty, policy());
  EXPECT_EQ(result.rows, 0u);
  EXPECT_EQ(result.invalid_rows(), 0u);
}

}  // namespace

TEST(batch, streamed_results_equal_cached_ones) {
  const policy p;
  const random_portfolio data(5000, p, 11);
  const auto columns = riskscale::detail::resolve_columns(data.view, p);
  batch_result cached(5000, p), streamed(5000, p);
  riskscale::detail::classify_range(p, columns.data(), columns.size(), 0, 5000, cached.view(),
                                    riskscale::detail::best_isa(), false);
  // Ranges that start and end anywhere: a block that is not whole is copied as usual.
  for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 1280}, {1280, 1300}, {1300, 5000}}) {
    riskscale::detail::classify_range(p, columns.data(), columns.size(), begin, end, streamed.view(),
                                      riskscale::detail::best_isa(), true);
  }
  expect_identical(streamed, cached);
}
