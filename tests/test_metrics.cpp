// metrics.hpp: every metric on hand-computed tables, Newcombe's published intervals, batch == row by row.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "riskscale/metrics.hpp"

namespace {

namespace m = riskscale::metrics;
using m::reason;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t HSHR = 0, HSLR = 1, LSHR = 2, LSLR = 3, ALL = m::overall_group;

m::reason_set bits(std::initializer_list<reason> reasons) {
  m::reason_set set = 0;
  for (reason r : reasons) set |= m::bit(r);
  return set;
}

// Runs `call`, expecting a column_error for `column` at `row` (nullopt: no row).
template <typename Call>
void expect_column_error(Call&& call, const std::string& column, std::optional<std::size_t> row) {
  try {
    call();
    FAIL() << "expected a column_error for " << column;
  } catch (const m::column_error& e) {
    EXPECT_EQ(e.field(), column) << e.what();
    EXPECT_EQ(e.row(), row) << e.what();
    EXPECT_NE(std::string(e.what()).find("accepted"), std::string::npos) << e.what();
  }
}

// ----------------------------------------------------------------------------------------------
// reasons

TEST(MetricsReasons, NamesRoundTripAndJoinInEnumOrder) {
  for (std::size_t i = 0; i < m::reason_count; ++i) {
    const auto r = static_cast<reason>(i);
    EXPECT_EQ(m::reason_from_string(m::to_string(r)), r);
  }
  EXPECT_FALSE(m::reason_from_string("nope"));
  EXPECT_EQ(m::describe(0), "ok");
  EXPECT_EQ(m::describe(bits({reason::active_above_seats, reason::trained_above_seats})),
            "trained_above_seats;active_above_seats");
  EXPECT_EQ(m::group_name(HSLR), "high_scale_low_risk");
  EXPECT_EQ(m::group_name(ALL), "overall");
}

// ----------------------------------------------------------------------------------------------
// 1. adoption

struct adoption_table {
  std::vector<double> seats{100, 50, 10, 0, nan, 20, 40};
  std::vector<double> trained{80, 50, 12, 0, 5, -1, 10};
  std::vector<double> active{60, 20, 5, 0, 5, 30, 10};
  std::vector<std::int8_t> archetype{0, 0, 1, 1, 2, -1, -1};

  [[nodiscard]] m::adoption_input input() const {
    m::adoption_input in;
    in.seats = seats;
    in.trained = trained;
    in.active = active;
    in.archetype = archetype;
    return in;
  }
};

TEST(MetricsAdoption, PerAccountValuesAndReasons) {
  const adoption_table table;
  const m::adoption_result r = m::adoption(table.input());
  EXPECT_DOUBLE_EQ(r.training_coverage[0], 0.8);
  EXPECT_DOUBLE_EQ(r.activation[0], 0.6);
  EXPECT_DOUBLE_EQ(r.shelfware_seats[0], 40);
  EXPECT_EQ(r.reasons[0], 0u);
  // More trained than seats: reported as it is (1.2, not 1) and flagged.
  EXPECT_DOUBLE_EQ(r.training_coverage[2], 1.2);
  EXPECT_DOUBLE_EQ(r.activation[2], 0.5);
  EXPECT_EQ(r.reasons[2], bits({reason::trained_above_seats}));
  // No seats: NaN rates with a reason, shelfware 0.
  EXPECT_TRUE(std::isnan(r.training_coverage[3]));
  EXPECT_TRUE(std::isnan(r.activation[3]));
  EXPECT_EQ(r.shelfware_seats[3], 0.0);
  EXPECT_EQ(r.reasons[3], bits({reason::zero_seats}));
  // NaN seats and a negative count: NaN values, flagged by column.
  EXPECT_TRUE(std::isnan(r.training_coverage[4]) && std::isnan(r.shelfware_seats[4]));
  EXPECT_EQ(r.reasons[4], bits({reason::seats_not_finite}));
  EXPECT_EQ(r.reasons[5], bits({reason::trained_negative}));
  EXPECT_EQ(m::adoption_of(5, 6, 7).reasons, bits({reason::trained_above_seats, reason::active_above_seats}));
  EXPECT_EQ(m::adoption_of(-1, std::numeric_limits<double>::infinity(), -2).reasons,
            bits({reason::seats_negative, reason::trained_not_finite, reason::active_negative}));
}

TEST(MetricsAdoption, GroupsSumTheirAccountsAndLeaveBadRowsOut) {
  const adoption_table table;
  const m::adoption_result r = m::adoption(table.input());
  const auto& hshr = r.groups[HSHR];
  EXPECT_EQ(hshr.accounts, 2u);
  EXPECT_EQ(hshr.excluded, 0u);
  EXPECT_EQ(hshr.seats, 150);
  EXPECT_EQ(hshr.trained, 130);
  EXPECT_EQ(hshr.active, 80);
  EXPECT_EQ(hshr.shelfware_seats, 70);
  EXPECT_DOUBLE_EQ(hshr.training_coverage, 130.0 / 150.0);
  EXPECT_DOUBLE_EQ(hshr.activation, 80.0 / 150.0);
  EXPECT_TRUE(std::isnan(hshr.trained_inactive));  // no user-level data given
  EXPECT_EQ(hshr.reasons, 0u);
  // HSLR: the inconsistent row is left out; the zero-seat row is counted, so the rates are NaN.
  EXPECT_EQ(r.groups[HSLR].accounts, 1u);
  EXPECT_EQ(r.groups[HSLR].excluded, 1u);
  EXPECT_TRUE(std::isnan(r.groups[HSLR].training_coverage));
  EXPECT_EQ(r.groups[HSLR].reasons, bits({reason::zero_seats}));
  // LSHR has only a bad row, LSLR none: both empty, count 0, NaN rates.
  for (std::size_t g : {LSHR, LSLR}) {
    EXPECT_EQ(r.groups[g].accounts, 0u);
    EXPECT_EQ(r.groups[g].seats, 0.0);
    EXPECT_TRUE(std::isnan(r.groups[g].activation));
    EXPECT_EQ(r.groups[g].reasons, bits({reason::empty_group}));
  }
  EXPECT_EQ(r.groups[LSHR].excluded, 1u);
  // Overall includes the rows without an archetype.
  const auto& all = r.groups[ALL];
  EXPECT_EQ(all.accounts, 4u);
  EXPECT_EQ(all.excluded, 3u);
  EXPECT_EQ(all.seats, 190);
  EXPECT_DOUBLE_EQ(all.training_coverage, 140.0 / 190.0);
  EXPECT_DOUBLE_EQ(all.activation, 90.0 / 190.0);
  EXPECT_EQ(all.shelfware_seats, 100);
}

TEST(MetricsAdoption, UserTableGivesCountsAndCrossTabs) {
  // Users of account 0: (trained, active) = (1,1), (1,0), (0,1); account 1: (0,0); account 2: none.
  const std::vector<std::int64_t> account{0, 0, 0, 1};
  const std::vector<double> trained{1, 1, 0, 0}, active{1, 0, 1, 0};
  const m::user_counts users = m::count_users(account, trained, active, 3);
  EXPECT_EQ(users.users[0], 3);
  EXPECT_EQ(users.trained[0], 2);
  EXPECT_EQ(users.active[0], 2);
  EXPECT_EQ(users.trained_inactive[0], 1);
  EXPECT_EQ(users.active_untrained[0], 1);
  EXPECT_EQ(users.users[1], 1);
  EXPECT_EQ(users.trained[1] + users.active[1], 0);
  EXPECT_EQ(users.users[2], 0);

  const std::vector<double> seats{4, 2, 1};
  m::adoption_input in;
  in.seats = seats;
  in.trained = users.trained;
  in.active = users.active;
  in.trained_inactive = users.trained_inactive;
  in.active_untrained = users.active_untrained;
  const m::adoption_result r = m::adoption(in);
  EXPECT_DOUBLE_EQ(r.training_coverage[0], 0.5);
  EXPECT_DOUBLE_EQ(r.groups[ALL].trained_inactive, 1);
  EXPECT_DOUBLE_EQ(r.groups[ALL].active_untrained, 1);
  EXPECT_DOUBLE_EQ(r.groups[ALL].shelfware_seats, 5);
  // Without archetypes every archetype group is empty, but still reported.
  EXPECT_EQ(r.groups[HSHR].reasons, bits({reason::empty_group}));
  EXPECT_EQ(r.groups[HSHR].trained_inactive, 0);

  expect_column_error([&] { (void)m::count_users(account, trained, active, 1); }, "account_id", 3);
  const std::vector<double> half{1, 0.5, 0, 0};
  expect_column_error([&] { (void)m::count_users(account, half, active, 3); }, "trained", 1);
}

TEST(MetricsAdoption, BadColumnsAreRefusedNamingTheColumn) {
  adoption_table table;
  m::adoption_input in = table.input();
  in.active = {};
  expect_column_error([&] { (void)m::adoption(in); }, "active", std::nullopt);
  in = table.input();
  const std::vector<double> short_column{1, 2};
  in.trained = short_column;
  expect_column_error([&] { (void)m::adoption(in); }, "trained", std::nullopt);
  in = table.input();
  table.archetype[3] = 4;
  in.archetype = table.archetype;
  expect_column_error([&] { (void)m::adoption(in); }, "archetype", 3);
}

// ----------------------------------------------------------------------------------------------
// 2. funnel

struct funnel_table {
  std::vector<std::string> names{"invited", "logged_in", "finished_course", "certified", "active_30_days"};
  std::vector<std::vector<double>> counts{
      {100, 50, 10, 10, 0}, {80, 40, 12, 0, 0}, {40, 20, 5, 0, 0}, {30, 20, 5, 0, 0}, {20, 10, 5, 0, 0}};
  std::vector<std::int8_t> archetype{0, 0, 1, 2, 2};

  [[nodiscard]] m::funnel_input input() const {
    m::funnel_input in;
    in.stage_names = names;
    for (const auto& column : counts) in.stages.emplace_back(column);
    in.archetype = archetype;
    return in;
  }
};

TEST(MetricsFunnel, StepConversionsLargestDropAndInconsistentRows) {
  const funnel_table table;
  const m::funnel_result r = m::funnel(table.input());
  ASSERT_EQ(r.step_conversion.cols(), 4);
  // Row 0: 100 → 80 → 40 → 30 → 20.
  EXPECT_DOUBLE_EQ(r.step_conversion(0, 0), 0.8);
  EXPECT_DOUBLE_EQ(r.step_conversion(0, 1), 0.5);
  EXPECT_DOUBLE_EQ(r.step_conversion(0, 2), 0.75);
  EXPECT_DOUBLE_EQ(r.step_conversion(0, 3), 20.0 / 30.0);
  EXPECT_DOUBLE_EQ(r.overall_conversion[0], 0.2);
  EXPECT_EQ(r.largest_drop_step[0], 1);
  EXPECT_EQ(r.reasons[0], 0u);
  // Row 1: 50 → 40 → 20 → 20 → 10: steps 1 and 3 tie at 0.5, the earliest wins.
  EXPECT_EQ(r.largest_drop_step[1], 1);
  // Row 2: 10 → 12 rises: flagged, values as they are.
  EXPECT_DOUBLE_EQ(r.step_conversion(2, 0), 1.2);
  EXPECT_EQ(r.reasons[2], bits({reason::stage_count_increases}));
  // Row 3: 10 → 0: later steps divide by 0.
  EXPECT_DOUBLE_EQ(r.step_conversion(3, 0), 0.0);
  EXPECT_TRUE(std::isnan(r.step_conversion(3, 1)));
  EXPECT_DOUBLE_EQ(r.overall_conversion[3], 0.0);
  EXPECT_EQ(r.largest_drop_step[3], 0);
  EXPECT_EQ(r.reasons[3], bits({reason::zero_stage_count}));
  // Row 4: nobody invited: every conversion NaN, no largest drop.
  EXPECT_TRUE(std::isnan(r.overall_conversion[4]));
  EXPECT_EQ(r.largest_drop_step[4], -1);
}

TEST(MetricsFunnel, GroupsSumConsistentRows) {
  const funnel_table table;
  const m::funnel_result r = m::funnel(table.input());
  const auto& hshr = r.groups[HSHR];
  EXPECT_EQ(hshr.rows, 2u);
  EXPECT_EQ(hshr.counts, (std::vector<double>{150, 120, 60, 50, 30}));
  EXPECT_DOUBLE_EQ(hshr.steps.step_conversion[2], 50.0 / 60.0);
  EXPECT_DOUBLE_EQ(hshr.steps.overall_conversion, 0.2);
  EXPECT_EQ(hshr.steps.largest_drop_step, 1);
  EXPECT_EQ(r.groups[HSLR].rows, 0u);
  EXPECT_EQ(r.groups[HSLR].excluded, 1u);
  EXPECT_EQ(r.groups[HSLR].counts, (std::vector<double>(5, 0.0)));
  EXPECT_TRUE(std::isnan(r.groups[HSLR].steps.overall_conversion));
  EXPECT_TRUE(m::has(r.groups[HSLR].steps.reasons, reason::empty_group));
  EXPECT_EQ(r.groups[LSHR].counts, (std::vector<double>{10, 0, 0, 0, 0}));
  EXPECT_EQ(r.groups[LSLR].steps.reasons, bits({reason::empty_group}));
  EXPECT_EQ(r.groups[ALL].counts, (std::vector<double>{160, 120, 60, 50, 30}));
  EXPECT_EQ(r.groups[ALL].excluded, 1u);
}

TEST(MetricsFunnel, CountsFromFurthestStagePerUser) {
  // Cohort 0 users reached stages 0, 1, 2; cohort 1 users reached 2 and 4.
  const std::vector<double> furthest{0, 1, 2, 2, 4};
  const std::vector<std::int64_t> cohort{0, 0, 0, 1, 1};
  const Eigen::ArrayXXd counts = m::funnel_counts(furthest, cohort, 2, 5);
  Eigen::ArrayXXd expected(2, 5);
  expected << 3, 2, 1, 0, 0, 2, 2, 2, 1, 1;
  EXPECT_TRUE((counts == expected).all()) << counts;
  const std::vector<double> too_far{0, 5, 0, 0, 0};
  expect_column_error([&] { (void)m::funnel_counts(too_far, cohort, 2, 5); }, "furthest_stage", 1);
  const std::vector<double> fraction{0, 0, 1.5, 0, 0};
  expect_column_error([&] { (void)m::funnel_counts(fraction, cohort, 2, 5); }, "furthest_stage", 2);
}

TEST(MetricsFunnel, BadInputIsRefused) {
  funnel_table table;
  m::funnel_input in = table.input();
  in.stages.resize(1);
  in.stage_names.resize(1);
  expect_column_error([&] { (void)m::funnel(in); }, "stages", std::nullopt);
  table.counts[2][3] = -1;
  expect_column_error([&] { (void)m::funnel(table.input()); }, "finished_course", 3);
  table.counts[2][3] = nan;
  expect_column_error([&] { (void)m::funnel(table.input()); }, "finished_course", 3);
}

// ----------------------------------------------------------------------------------------------
// 3. programme

TEST(MetricsProgram, RatesAndMediansPerCourseAndGroup) {
  // Courses A = 0, B = 1, C = 2 (no enrolments).
  const std::vector<std::int32_t> course{0, 0, 0, 1, 1};
  const std::vector<double> completed{1, 1, 0, 1, 0};
  const std::vector<double> passed{1, 0, nan, nan, 0};
  const std::vector<double> days{10, 20, nan, 5, nan};
  const std::vector<std::int8_t> archetype{0, 0, 1, 1, -1};
  m::program_input in;
  in.course = course;
  in.course_count = 3;
  in.completed = completed;
  in.assessment_passed = passed;
  in.days_to_completion = days;
  in.archetype = archetype;
  const m::program_result r = m::program(in);
  const auto& a_all = r.at(0, ALL);
  EXPECT_EQ(a_all.enrolments, 3u);
  EXPECT_EQ(a_all.completions, 2u);
  EXPECT_DOUBLE_EQ(a_all.completion_rate, 2.0 / 3.0);
  EXPECT_EQ(a_all.assessed, 2u);
  EXPECT_DOUBLE_EQ(a_all.pass_rate, 0.5);
  EXPECT_DOUBLE_EQ(a_all.median_days_to_completion, 15.0);
  EXPECT_EQ(a_all.reasons, 0u);
  EXPECT_DOUBLE_EQ(r.at(0, HSHR).completion_rate, 1.0);
  const auto& a_hslr = r.at(0, HSLR);
  EXPECT_EQ(a_hslr.enrolments, 1u);
  EXPECT_DOUBLE_EQ(a_hslr.completion_rate, 0.0);
  EXPECT_TRUE(std::isnan(a_hslr.pass_rate));
  EXPECT_TRUE(std::isnan(a_hslr.median_days_to_completion));
  EXPECT_EQ(a_hslr.reasons, bits({reason::no_assessments, reason::no_completion_times}));
  EXPECT_DOUBLE_EQ(r.at(1, ALL).pass_rate, 0.0);
  EXPECT_DOUBLE_EQ(r.at(1, ALL).median_days_to_completion, 5.0);
  const auto& c_all = r.at(2, ALL);
  EXPECT_EQ(c_all.enrolments, 0u);
  EXPECT_TRUE(std::isnan(c_all.completion_rate));
  EXPECT_EQ(c_all.reasons, bits({reason::empty_group}));
  const auto& every = r.at(3, ALL);
  EXPECT_EQ(every.enrolments, 5u);
  EXPECT_DOUBLE_EQ(every.completion_rate, 0.6);
  EXPECT_DOUBLE_EQ(every.pass_rate, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(every.median_days_to_completion, 10.0);
  EXPECT_EQ(r.at(3, LSLR).reasons, bits({reason::empty_group}));
  EXPECT_EQ(r.at(3, HSHR).enrolments, 2u);
}

TEST(MetricsProgram, BadEnrolmentsAreRefused) {
  const std::vector<double> completed{1, 0};
  const std::vector<double> days{3, 4};
  m::program_input in;
  in.completed = completed;
  in.days_to_completion = days;
  expect_column_error([&] { (void)m::program(in); }, "days_to_completion", 1);
  const std::vector<double> bad_flag{1, 2};
  in = {};
  in.completed = bad_flag;
  expect_column_error([&] { (void)m::program(in); }, "completed", 1);
  const std::vector<std::int32_t> course{0, 1};
  in.completed = completed;
  in.course = course;
  in.course_count = 1;
  expect_column_error([&] { (void)m::program(in); }, "course", 1);
}

// ----------------------------------------------------------------------------------------------
// 4. impact: Wilson and Newcombe against the published worked examples

// Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
// seven methods. Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score, no
// continuity correction), examples (i) 81/263, (ii) 15/148, (iii) 0/20, (iv) 1/29.
TEST(MetricsImpact, WilsonIntervalMatchesNewcombe1998TableI) {
  const double z = m::z_for_confidence(0.95);
  EXPECT_NEAR(z, 1.959963984540054, 1e-13);
  struct example {
    double x, n, lower, upper;
  };
  for (const example& e : {example{81, 263, 0.2553, 0.3662}, example{15, 148, 0.0624, 0.1605},
                           example{0, 20, 0.0, 0.1611}, example{1, 29, 0.0061, 0.1718}}) {
    const m::interval w = m::wilson_interval(e.x, e.n, z);
    EXPECT_NEAR(w.lower, e.lower, 5e-5) << e.x << "/" << e.n;
    EXPECT_NEAR(w.upper, e.upper, 5e-5) << e.x << "/" << e.n;
  }
  EXPECT_EQ(m::wilson_interval(0, 20, z).lower, 0.0);
  EXPECT_EQ(m::wilson_interval(20, 20, z).upper, 1.0);
  EXPECT_TRUE(std::isnan(m::wilson_interval(0, 0, z).lower));
}

// Newcombe RG (1998). Interval estimation for the difference between independent proportions:
// comparison of eleven methods. Statistics in Medicine 17:873–890, Table II, method 10 (hybrid
// score, from Wilson intervals without continuity correction), examples (a)–(f). Example (c),
// 6/7 − 2/7, is 0.0582 to 0.8062 in the table and by the method-10 formula that reproduces the
// other five examples (a figure of 0.0342 to 0.8095 quoted from memory does not follow from it).
TEST(MetricsImpact, NewcombeIntervalMatchesNewcombe1998TableII) {
  const double z = m::z_for_confidence(0.95);
  struct example {
    double x1, n1, x2, n2, lower, upper;
  };
  for (const example& e : {example{56, 70, 48, 80, 0.0524, 0.3339}, example{9, 10, 3, 10, 0.1705, 0.8090},
                           example{6, 7, 2, 7, 0.0582, 0.8062}, example{5, 56, 0, 29, -0.0381, 0.1926},
                           example{0, 10, 0, 20, -0.1611, 0.2775}, example{10, 10, 0, 20, 0.6791, 1.0000}}) {
    const m::difference_interval d = m::newcombe_interval(e.x1, e.n1, e.x2, e.n2, z);
    EXPECT_DOUBLE_EQ(d.difference, e.x1 / e.n1 - e.x2 / e.n2);
    EXPECT_NEAR(d.lower, e.lower, 5e-5) << e.x1 << "/" << e.n1 << " vs " << e.x2 << "/" << e.n2;
    EXPECT_NEAR(d.upper, e.upper, 5e-5) << e.x1 << "/" << e.n1 << " vs " << e.x2 << "/" << e.n2;
  }
  EXPECT_NEAR(m::newcombe_interval(56, 70, 48, 80, z).difference, 0.2, 1e-15);
  EXPECT_TRUE(std::isnan(m::newcombe_interval(1, 0, 1, 2, z).lower));
  EXPECT_THROW((void)m::z_for_confidence(1.0), riskscale::error);
}

TEST(MetricsImpact, GroupsCompareCompletedWithTheRest) {
  // Overall: 56/70 completed accounts renewed vs 48/80 others (Newcombe's example (a)), split so
  // that HSHR holds 6/7 vs 2/7 (example (c)), HSLR only completed accounts, LSHR only five others.
  std::vector<double> completed, outcome;
  std::vector<std::int8_t> archetype;
  const auto add = [&](int n, double c, double o, std::int8_t a) {
    for (int i = 0; i < n; ++i) {
      completed.push_back(c);
      outcome.push_back(o);
      archetype.push_back(a);
    }
  };
  add(6, 1, 1, 0);
  add(1, 1, 0, 0);
  add(2, 0, 1, 0);
  add(5, 0, 0, 0);
  add(50, 1, 1, 1);
  add(13, 1, 0, 1);
  add(5, 0, 1, 2);
  add(41, 0, 1, -1);
  add(27, 0, 0, -1);
  m::impact_input in;
  in.completed = completed;
  in.outcome = outcome;
  in.archetype = archetype;
  const auto groups = m::impact(in);
  const auto& all = groups[ALL];
  EXPECT_EQ(all.accounts_completed, 70u);
  EXPECT_EQ(all.outcome_completed, 56u);
  EXPECT_EQ(all.accounts_not_completed, 80u);
  EXPECT_EQ(all.outcome_not_completed, 48u);
  EXPECT_NEAR(all.difference.lower, 0.0524, 5e-5);
  EXPECT_NEAR(all.difference.upper, 0.3339, 5e-5);
  EXPECT_DOUBLE_EQ(all.rate_completed, 0.8);
  EXPECT_EQ(all.reasons, 0u);
  const auto& hshr = groups[HSHR];
  EXPECT_NEAR(hshr.difference.lower, 0.0582, 5e-5);
  EXPECT_NEAR(hshr.difference.upper, 0.8062, 5e-5);
  EXPECT_EQ(hshr.reasons, bits({reason::small_group}));  // 7 and 7 accounts, under 10: flagged, not hidden
  const auto& hslr = groups[HSLR];
  EXPECT_TRUE(std::isnan(hslr.rate_not_completed) && std::isnan(hslr.difference.difference));
  EXPECT_DOUBLE_EQ(hslr.rate_completed, 50.0 / 63.0);
  EXPECT_EQ(hslr.reasons, bits({reason::not_completed_group_empty, reason::small_group}));
  EXPECT_EQ(groups[LSHR].reasons, bits({reason::completed_group_empty, reason::small_group}));
  EXPECT_EQ(groups[LSLR].reasons,
            bits({reason::completed_group_empty, reason::not_completed_group_empty, reason::small_group}));

  m::impact_settings lenient;
  lenient.min_group_size = 7;
  EXPECT_EQ(m::impact(in, lenient)[HSHR].reasons, 0u);
  outcome[3] = nan;
  expect_column_error([&] { (void)m::impact(in); }, "outcome", 3);
}

// ----------------------------------------------------------------------------------------------
// 5. interaction rate

TEST(MetricsInteraction, RatePerRowAndPooledPerGroup) {
  const std::vector<double> interactions{50, 0, 30, 90}, posts{10, 0, 5, 3}, followers{1000, 100, 0, 2000};
  const std::vector<std::int8_t> archetype{0, 0, 1, 0};
  m::interaction_input in;
  in.interactions = interactions;
  in.posts = posts;
  in.followers = followers;
  in.archetype = archetype;
  const m::interaction_result r = m::interaction_rate(in);
  EXPECT_DOUBLE_EQ(r.rate[0], 0.5);  // 50 / 10 / 1000 × 100 %
  EXPECT_TRUE(std::isnan(r.rate[1]));
  EXPECT_EQ(r.reasons[1], bits({reason::zero_posts}));
  EXPECT_EQ(r.reasons[2], bits({reason::zero_followers}));
  EXPECT_DOUBLE_EQ(r.rate[3], 1.5);
  // HSHR pools rows 0 and 3: 140 / (10·1000 + 3·2000) × 100.
  EXPECT_DOUBLE_EQ(r.groups[HSHR].rate, 140.0 / 16000.0 * 100.0);
  EXPECT_EQ(r.groups[HSHR].excluded, 1u);
  EXPECT_TRUE(std::isnan(r.groups[HSLR].rate));
  EXPECT_EQ(r.groups[HSLR].reasons, bits({reason::empty_group}));
  EXPECT_EQ(r.groups[ALL].rows, 2u);
  const std::vector<double> negative{50, -1, 30, 90};
  in.posts = negative;
  expect_column_error([&] { (void)m::interaction_rate(in); }, "posts", 1);
}

// ----------------------------------------------------------------------------------------------
// 6. cost

TEST(MetricsCost, ModesCostWhatTheSettingsSay) {
  const m::cost_settings s;
  // 45 learners onsite: ceil(45 / 20) = 3 sessions of 1500 + 600 + 150 + 60.
  const m::delivery_cost onsite = m::cost_of(m::delivery_mode::ilt_onsite, 45, s);
  EXPECT_EQ(onsite.sessions, 3);
  EXPECT_DOUBLE_EQ(onsite.total, 3 * 2310.0);
  EXPECT_EQ(m::cost_of(m::delivery_mode::ilt_onsite, 40, s).sessions, 2);
  EXPECT_EQ(m::cost_of(m::delivery_mode::ilt_virtual, 0, s).total, 0);
  EXPECT_TRUE(std::isnan(m::cost_of(m::delivery_mode::ilt_virtual, 0, s).per_learner));
  EXPECT_DOUBLE_EQ(onsite.per_learner, 3 * 2310.0 / 45);
  EXPECT_DOUBLE_EQ(m::cost_of(m::delivery_mode::on_demand, 100, s).total, 25000 + 800);
  EXPECT_DOUBLE_EQ(m::cost_of(m::delivery_mode::on_demand, 100, s).once, 25000);
  EXPECT_DOUBLE_EQ(m::cost_of(m::delivery_mode::certification, 10, s).total, 2000);
  EXPECT_DOUBLE_EQ(m::cost_of(m::delivery_mode::email_nurture, 10, s).total, 2005);
  EXPECT_THROW((void)m::cost_of(m::delivery_mode::on_demand, -1, s), riskscale::error);
  // Every SPEC §5 default format has a delivery mode.
  for (const char* id :
       {"knowledge_certification", "supervised_assessment", "on_demand_library", "virtual_ilt_advanced",
        "virtual_ilt_one_to_many", "in_product_walkthrough", "microlearning_video", "live_lab", "onsite_training",
        "practical_certification", "role_based_on_demand", "role_based_email_nurture"}) {
    EXPECT_TRUE(s.mode_of(id)) << id;
  }
  EXPECT_FALSE(s.mode_of("webinar"));
}

TEST(MetricsCost, BreakEvenIsTheFirstLearnerCountWhereOnDemandIsNoDearer) {
  const m::cost_settings s;
  // Onsite: 25000 + 8N <= 2310·ceil(N / 20) first holds at N = 221 (12 sessions: 26768 <= 27720).
  EXPECT_EQ(m::break_even(s), 221u);
  EXPECT_GT(m::cost_of(m::delivery_mode::on_demand, 220, s).total,
            m::cost_of(m::delivery_mode::ilt_onsite, 220, s).total);
  // Virtual: 25000 + 8N <= 1000·ceil(N / 40) first holds at N = 1441.
  EXPECT_EQ(m::break_even(s, m::delivery_mode::ilt_virtual), 1441u);
  // Hosting dearer per learner than a class seat: never.
  m::cost_settings dear = s;
  dear.on_demand.per_learner = 200;
  EXPECT_FALSE(m::break_even(dear));
  m::cost_settings cheap = s;
  cheap.on_demand.once = 0;
  EXPECT_EQ(m::break_even(cheap), 1u);
  EXPECT_THROW((void)m::break_even(s, m::delivery_mode::on_demand), riskscale::error);
}

TEST(MetricsCost, BreakEvenEqualsABruteForceSearch) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> size(1, 30), amount(0, 3000), per(0, 60);
  for (int trial = 0; trial < 300; ++trial) {
    m::cost_settings s;
    s.ilt_onsite = {static_cast<double>(size(rng)), static_cast<double>(amount(rng)),
                    static_cast<double>(amount(rng) / 3), 0.0, static_cast<double>(per(rng))};
    s.on_demand = {static_cast<double>(amount(rng) * 5), static_cast<double>(per(rng)) / 2.0};
    s.break_even_search_limit = 5000;
    std::optional<std::uint64_t> expected;
    for (std::uint64_t n = 1; n <= 5000 && !expected; ++n) {
      const auto learners = static_cast<double>(n);
      if (m::cost_of(m::delivery_mode::on_demand, learners, s).total <=
          m::cost_of(m::delivery_mode::ilt_onsite, learners, s).total) {
        expected = n;
      }
    }
    EXPECT_EQ(m::break_even(s), expected) << s.to_json();
  }
}

TEST(MetricsCost, AccountMixesAndGroups) {
  const std::vector<std::string> ids{"onsite_training", "on_demand_library", "webinar", "knowledge_certification"};
  // Account 0 (HSHR, 45 users): onsite + on-demand; 1 (HSHR, 10): on-demand + certification;
  // 2 (LSHR, 5): onsite + an unknown format; 3 (LSLR, 0 users): on-demand.
  const std::vector<double> users{45, 10, 5, 0};
  const std::vector<std::int16_t> recommendations{0, 1, 1, 3, 0, 2, 1, -1};
  const std::vector<std::int8_t> archetype{0, 0, 2, 3};
  m::cost_input in;
  in.users = users;
  in.recommendations = recommendations;
  in.width = 2;
  in.format_ids = ids;
  in.archetype = archetype;
  const m::cost_result r = m::training_cost(in);
  const auto onsite = static_cast<std::size_t>(m::delivery_mode::ilt_onsite);
  const auto on_demand = static_cast<std::size_t>(m::delivery_mode::on_demand);
  EXPECT_DOUBLE_EQ(r.total_cost[0], 3 * 2310.0 + 25000 + 8 * 45);
  EXPECT_DOUBLE_EQ(r.cost_per_learner[0], (3 * 2310.0 + 25000 + 8 * 45) / 45);
  EXPECT_DOUBLE_EQ(r.mode_cost[onsite][0], 3 * 2310.0);
  EXPECT_DOUBLE_EQ(r.total_cost[1], 25000 + 80 + 2000);
  EXPECT_TRUE(std::isnan(r.total_cost[2]));
  EXPECT_EQ(r.reasons[2], bits({reason::unknown_format}));
  EXPECT_DOUBLE_EQ(r.total_cost[3], 25000);
  EXPECT_TRUE(std::isnan(r.cost_per_learner[3]));
  EXPECT_EQ(r.reasons[3], bits({reason::zero_learners}));
  // HSHR: the on-demand course is created once for both accounts.
  const auto& hshr = r.groups[HSHR];
  EXPECT_EQ(hshr.accounts, 2u);
  EXPECT_DOUBLE_EQ(hshr.total_cost, 3 * 2310.0 + 8 * 55 + 25000 + 2000);
  EXPECT_DOUBLE_EQ(hshr.mode_cost[on_demand], 25000 + 8 * 55);
  EXPECT_DOUBLE_EQ(hshr.cost_per_learner, hshr.total_cost / 55);
  EXPECT_EQ(r.groups[LSHR].accounts, 0u);
  EXPECT_EQ(r.groups[LSHR].unpriced, 1u);
  EXPECT_EQ(r.groups[LSHR].reasons, bits({reason::unknown_format}));
  EXPECT_EQ(r.groups[LSLR].reasons, bits({reason::zero_learners}));
  EXPECT_EQ(r.groups[HSLR].reasons, bits({reason::empty_group}));
  EXPECT_DOUBLE_EQ(r.groups[ALL].total_cost, 3 * 2310.0 + 8 * 55 + 25000 + 2000);
  EXPECT_EQ(r.groups[ALL].reasons, bits({reason::unknown_format}));

  const std::vector<double> bad_users{45, -1, 5, 0};
  in.users = bad_users;
  expect_column_error([&] { (void)m::training_cost(in); }, "users", 1);
}

TEST(MetricsCost, SettingsJsonMergesRoundTripsAndRefusesBadKeys) {
  const m::cost_settings defaults;
  EXPECT_EQ(m::cost_settings::from_json(defaults.to_json()), defaults);
  EXPECT_EQ(m::cost_settings::from_json("{}"), defaults);
  const m::cost_settings s = m::cost_settings::from_json(
      R"({"ilt_onsite": {"class_size": 12}, "format_modes": {"webinar": "on_demand", "live_lab": null}})");
  EXPECT_EQ(s.ilt_onsite.class_size, 12);
  EXPECT_EQ(s.ilt_onsite.trainer_per_session, 1500);
  EXPECT_EQ(s.mode_of("webinar"), m::delivery_mode::on_demand);
  EXPECT_FALSE(s.mode_of("live_lab"));
  const auto refused = [](const char* text, const std::string& path) {
    try {
      (void)m::cost_settings::from_json(text);
      ADD_FAILURE() << text;
    } catch (const m::settings_error& e) {
      EXPECT_EQ(e.json_path(), path) << e.what();
    }
  };
  refused(R"({"ilt_onsite": {"class_size": 0}})", "$.ilt_onsite.class_size");
  refused(R"({"ilt_onsite": {"class_size": 2.5}})", "$.ilt_onsite.class_size");
  refused(R"({"on_demand": {"once": -1}})", "$.on_demand.once");
  refused(R"({"on_demand": {"creation": 1}})", "$.on_demand.creation");
  refused(R"({"format_modes": {"x": "carrier_pigeon"}})", "$.format_modes.x");
  refused(R"({"colour": 1})", "$.colour");
  refused(R"({"on_demand": {"once": "a lot"}})", "$.on_demand.once");
  refused("[1]", "$");
  refused("{", "$");
}

// ----------------------------------------------------------------------------------------------
// batch == row by row, 10^6 accounts

TEST(MetricsBatch, MillionAccountsEqualRowByRow) {
  constexpr std::size_t rows = 1000000;
  std::mt19937_64 rng(2024);
  std::uniform_int_distribution<int> count(0, 500), type(-1, 3), pick(0, 99);
  std::vector<double> seats(rows), trained(rows), active(rows), posts(rows), followers(rows), interactions(rows);
  std::vector<std::int8_t> archetype(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    seats[row] = count(rng);
    trained[row] = count(rng) * 0.9;
    active[row] = count(rng) * 0.7;
    const int special = pick(rng);
    if (special == 0) seats[row] = nan;
    if (special == 1) active[row] = -3;
    if (special == 2) seats[row] = 0;
    posts[row] = count(rng) / 50;
    followers[row] = count(rng);
    interactions[row] = count(rng);
    archetype[row] = static_cast<std::int8_t>(type(rng));
  }
  m::adoption_input in;
  in.seats = seats;
  in.trained = trained;
  in.active = active;
  in.archetype = archetype;
  const m::adoption_result batch = m::adoption(in);

  m::interaction_input social;
  social.interactions = interactions;
  social.posts = posts;
  social.followers = followers;
  social.archetype = archetype;
  const m::interaction_result rates = m::interaction_rate(social);

  m::per_group<m::adoption_group> sums{};
  m::per_group<m::interaction_group> pooled{};
  const auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
  std::size_t mismatches = 0;
  for (std::size_t row = 0; row < rows; ++row) {
    const m::adoption_account one = m::adoption_of(seats[row], trained[row], active[row]);
    mismatches += !(same(one.training_coverage, batch.training_coverage[static_cast<Eigen::Index>(row)]) &&
                    same(one.activation, batch.activation[static_cast<Eigen::Index>(row)]) &&
                    same(one.shelfware_seats, batch.shelfware_seats[static_cast<Eigen::Index>(row)]) &&
                    one.reasons == batch.reasons[row]);
    // The same row alone through the batch entry point gives the same values and group sums.
    m::interaction_input single;
    single.interactions = m::column_view<double>(&interactions[row], 1);
    single.posts = m::column_view<double>(&posts[row], 1);
    single.followers = m::column_view<double>(&followers[row], 1);
    single.archetype = m::column_view<std::int8_t>(&archetype[row], 1);
    const m::interaction_result alone = m::interaction_rate(single);
    mismatches +=
        !(same(alone.rate[0], rates.rate[static_cast<Eigen::Index>(row)]) && alone.reasons[0] == rates.reasons[row]);
    const auto add = [&](std::size_t g) {
      if ((one.reasons & m::excluding_reasons) != 0) {
        ++sums[g].excluded;
      } else {
        ++sums[g].accounts;
        sums[g].seats += seats[row];
        sums[g].trained += trained[row];
        sums[g].active += active[row];
      }
      pooled[g].rows += alone.groups[ALL].rows;
      pooled[g].interactions += alone.groups[ALL].interactions;
      pooled[g].post_followers += alone.groups[ALL].post_followers;
    };
    if (archetype[row] >= 0) add(static_cast<std::size_t>(archetype[row]));
    add(ALL);
  }
  EXPECT_EQ(mismatches, 0u);
  for (std::size_t g = 0; g < m::group_count; ++g) {
    EXPECT_EQ(batch.groups[g].accounts, sums[g].accounts) << g;
    EXPECT_EQ(batch.groups[g].excluded, sums[g].excluded) << g;
    EXPECT_EQ(batch.groups[g].seats, sums[g].seats) << g;
    EXPECT_EQ(batch.groups[g].trained, sums[g].trained) << g;
    EXPECT_EQ(batch.groups[g].active, sums[g].active) << g;
    EXPECT_EQ(batch.groups[g].training_coverage, sums[g].trained / sums[g].seats) << g;
    EXPECT_EQ(rates.groups[g].rows, pooled[g].rows) << g;
    EXPECT_EQ(rates.groups[g].interactions, pooled[g].interactions) << g;
    EXPECT_EQ(rates.groups[g].post_followers, pooled[g].post_followers) << g;
  }
  EXPECT_GT(batch.groups[ALL].excluded, 10000u);
  EXPECT_GT(batch.groups[ALL].accounts, 300000u);  // about half the random rows are consistent
}

}  // namespace
