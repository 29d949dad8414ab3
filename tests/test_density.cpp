// density.hpp: the risk x scale density grid, and the per-archetype borderline counts of summary.hpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "riskscale/riskscale.hpp"

namespace {

TEST(ScoreDensity, BinsAreHalfOpenWithOneInTheLastCell) {
  const riskscale::score_density grid(20);
  EXPECT_EQ(grid.bin_of(0.0), 0u);
  EXPECT_EQ(grid.bin_of(0.0499), 0u);
  EXPECT_EQ(grid.bin_of(0.05), 1u);
  EXPECT_EQ(grid.bin_of(0.5), 10u);
  EXPECT_EQ(grid.bin_of(0.999), 19u);
  EXPECT_EQ(grid.bin_of(1.0), 19u);
}

TEST(ScoreDensity, CountsByRiskRowAndScaleColumn) {
  riskscale::score_density grid(4);
  grid.add(0.9, 0.1);  // risk row 3, scale column 0
  grid.add(0.9, 0.2);
  grid.add(0.1, 0.9);                                       // risk row 0, scale column 3
  grid.add(std::numeric_limits<double>::quiet_NaN(), 0.5);  // not a score: not counted
  EXPECT_EQ(grid.count(3, 0), 2u);
  EXPECT_EQ(grid.count(0, 3), 1u);
  EXPECT_EQ(grid.count(0, 0), 0u);
  EXPECT_EQ(grid.total(), 3u);
  EXPECT_EQ(grid.max_count(), 2u);
}

TEST(ScoreDensity, MergeAddsAndRefusesAnotherSize) {
  riskscale::score_density a(4), b(4);
  a.add(0.1, 0.1);
  b.add(0.1, 0.1);
  b.add(0.6, 0.6);
  a.merge(b);
  EXPECT_EQ(a.count(0, 0), 2u);
  EXPECT_EQ(a.count(2, 2), 1u);
  EXPECT_EQ(a.total(), 3u);
  EXPECT_THROW(a.merge(riskscale::score_density(5)), std::invalid_argument);
  EXPECT_THROW(riskscale::score_density(0), std::invalid_argument);
}

TEST(PortfolioSummary, BorderlinePerArchetypeAddsUpAndMerges) {
  const riskscale::policy pol;
  riskscale::portfolio_summary a(pol), b(pol);
  a.add("x", riskscale::archetype::high_scale_high_risk, 0.01, true, 0.51, 0.9, 1, 1, nullptr, 0, 0);
  a.add("y", riskscale::archetype::high_scale_high_risk, 0.2, false, 0.7, 0.9, 1, 1, nullptr, 0, 1);
  b.add("z", riskscale::archetype::low_scale_low_risk, 0.02, true, 0.48, 0.2, 1, 1, nullptr, 0, 2);
  a.merge(b);
  EXPECT_EQ(a.borderline(riskscale::archetype::high_scale_high_risk), 1u);
  EXPECT_EQ(a.borderline(riskscale::archetype::low_scale_low_risk), 1u);
  EXPECT_EQ(a.borderline(riskscale::archetype::high_scale_low_risk), 0u);
  EXPECT_EQ(a.borderline(), 2u);
}

}  // namespace
