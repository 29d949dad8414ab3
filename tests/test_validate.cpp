// Tests of include/riskscale/validate.hpp: hand-computed Wilson and Newcombe intervals per quadrant,
// an outcome the quadrants separate and one they do not.
#include "riskscale/validate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

struct portfolio_outcomes {
  std::vector<std::int8_t> archetype;
  std::vector<std::uint8_t> borderline;
  std::vector<double> outcome;
  void add(std::int8_t a, std::size_t accounts, std::size_t events, std::size_t borderline_accounts = 0) {
    for (std::size_t i = 0; i < accounts; ++i) {
      archetype.push_back(a);
      outcome.push_back(i < events ? 1.0 : 0.0);
      borderline.push_back(i < borderline_accounts ? 1 : 0);
    }
  }
};

TEST(Validate, WilsonPerQuadrantAndNewcombeDifferencesByHand) {
  // High risk 56/70 vs low risk 48/80: Newcombe (1998, Stat Med 17:873) method 10 gives 0.0524 to 0.3339.
  portfolio_outcomes p;
  p.add(0, 30, 28);           // high_scale_high_risk
  p.add(2, 40, 28);           // low_scale_high_risk
  p.add(1, 40, 24);           // high_scale_low_risk
  p.add(3, 40, 24);           // low_scale_low_risk
  p.archetype.push_back(-1);  // an invalid account is skipped
  p.borderline.push_back(0);
  p.outcome.push_back(1.0);
  const auto r = riskscale::validate(p.archetype, p.borderline, p.outcome, "renewed");
  EXPECT_EQ(r.accounts, 150u);
  EXPECT_EQ(r.skipped, 1u);
  // Wilson (z = 1.959964): 28/30 -> [0.786765, 0.981523], 28/40 -> [0.545700, 0.819252], 24/40 -> [0.445959, 0.736517].
  EXPECT_NEAR(r.per_archetype[0].interval.lower, 0.786765, 1e-6);
  EXPECT_NEAR(r.per_archetype[0].interval.upper, 0.981523, 1e-6);
  EXPECT_NEAR(r.per_archetype[2].interval.lower, 0.545700, 1e-6);
  EXPECT_NEAR(r.per_archetype[2].interval.upper, 0.819252, 1e-6);
  EXPECT_NEAR(r.per_archetype[1].interval.lower, 0.445959, 1e-6);
  EXPECT_NEAR(r.per_archetype[3].interval.upper, 0.736517, 1e-6);
  EXPECT_DOUBLE_EQ(r.per_archetype[0].rate, 28.0 / 30.0);
  EXPECT_EQ(r.high_risk.accounts, 70u);
  EXPECT_EQ(r.high_risk.events, 56u);
  EXPECT_NEAR(r.risk_difference.difference, 0.2, 1e-12);
  EXPECT_NEAR(r.risk_difference.lower, 0.0524, 5e-5);
  EXPECT_NEAR(r.risk_difference.upper, 0.3339, 5e-5);
  // High scale 52/70 vs low scale 52/80.
  EXPECT_NEAR(r.scale_difference.difference, 52.0 / 70.0 - 52.0 / 80.0, 1e-12);
  EXPECT_EQ(r.not_borderline.accounts, 150u);
  EXPECT_EQ(r.borderline.accounts, 0u);
  EXPECT_TRUE(std::isnan(r.borderline.rate));
  // 28/30 [0.787, 0.982] and 24/40 [0.446, 0.737] do not overlap.
  EXPECT_TRUE(r.quadrants_separate);
  EXPECT_NE(r.verdict.find("The quadrants separate renewed"), std::string::npos) << r.verdict;
  EXPECT_NE(r.verdict.find("High- and low-risk accounts differ in renewed"), std::string::npos) << r.verdict;
}

TEST(Validate, SaysWhenTheQuadrantsDoNotSeparateTheOutcome) {
  portfolio_outcomes p;
  p.add(0, 20, 10, 5);
  p.add(1, 20, 9, 5);
  p.add(2, 20, 11, 5);
  p.add(3, 20, 10, 5);
  const auto r = riskscale::validate(p.archetype, p.borderline, p.outcome, "churned");
  EXPECT_FALSE(r.quadrants_separate);
  EXPECT_NE(
      r.verdict.find("The quadrants do not separate churned: every two archetypes' 95 % Wilson intervals overlap."),
      std::string::npos)
      << r.verdict;
  EXPECT_NE(r.verdict.find(
                "High- and low-risk accounts do not differ in churned (the interval of the difference contains 0)"),
            std::string::npos)
      << r.verdict;
  EXPECT_EQ(r.borderline.accounts, 20u);
  EXPECT_EQ(r.borderline.events, 20u);  // the first 5 of each group are both borderline and events
  EXPECT_DOUBLE_EQ(r.borderline.interval.upper, 1.0);
}

TEST(Validate, RefusesAnOutcomeThatIsNotZeroOrOneNamingTheRow) {
  portfolio_outcomes p;
  p.add(0, 3, 1);
  p.outcome[2] = 2.0;
  try {
    (void)riskscale::validate(p.archetype, p.borderline, p.outcome, "churned");
    FAIL();
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "churned");
    EXPECT_EQ(e.row(), std::optional<std::size_t>(2));
    EXPECT_NE(std::string(e.what()).find("accepted: 0 or 1"), std::string::npos);
  }
}

}  // namespace
