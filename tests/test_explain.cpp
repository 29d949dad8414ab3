// explain.hpp: SPEC §6 risk contributions and the binding scale component.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "riskscale/assess.hpp"
#include "riskscale/policy_json.hpp"
#include "riskscale/explain.hpp"

namespace {

double total(const std::vector<riskscale::risk_contribution>& parts) {
  double sum = 0;
  for (const auto& part : parts) sum += part.contribution;
  return sum;
}

TEST(explain, contributions_split_risk_by_log_survival) {
  const riskscale::policy p;
  // w x = 0.4, 0.2, 0, 0.18: L = -ln(0.6), -ln(0.8), 0, -ln(0.82)
  const std::vector<double> values = {0.5, 0.4, 0.0, 0.2};
  const double risk = 0.6064;
  const auto parts = riskscale::risk_contributions(p, values, risk);
  ASSERT_EQ(parts.size(), 4u);
  const double l0 = -std::log(0.6), l1 = -std::log(0.8), l3 = -std::log(0.82);
  EXPECT_NEAR(parts[0].contribution, risk * l0 / (l0 + l1 + l3), 1e-15);
  EXPECT_NEAR(parts[1].contribution, risk * l1 / (l0 + l1 + l3), 1e-15);
  EXPECT_EQ(parts[2].contribution, 0.0);
  EXPECT_NEAR(total(parts), risk, 1e-15);
  EXPECT_EQ(parts[3].factor, "legal_exposure");
  EXPECT_EQ(parts[3].value, 0.2);
}

TEST(explain, certain_factors_share_the_risk_equally) {
  const riskscale::policy p = riskscale::policy::from_json(
      R"({"risk_weights": {"sensitive_data": 1, "org_disruption": 1, "legal_exposure": 0.5}})");
  const auto parts = riskscale::risk_contributions(p, {1.0, 1.0, 0.6}, 1.0);
  EXPECT_EQ(parts[0].contribution, 0.5);
  EXPECT_EQ(parts[1].contribution, 0.5);
  EXPECT_EQ(parts[2].contribution, 0.0);
}

TEST(explain, zero_risk_gives_zero_contributions) {
  const auto parts = riskscale::risk_contributions(riskscale::policy(), {0, 0, 0, 0}, 0.0);
  for (const auto& part : parts) EXPECT_EQ(part.contribution, 0.0);
}

TEST(explain, contributions_sum_to_risk_in_assess) {
  riskscale::account a;
  a.sensitive_data = 0.3;
  a.org_disruption = 0.7;
  a.physical_safety = 0.25;
  a.legal_exposure = 0.9;
  a.active_days = 12;
  a.users = 70;
  const auto result = riskscale::assess(a);
  EXPECT_NEAR(total(result.risk_contributions), result.risk_score, 1e-15);
  EXPECT_EQ(result.risk_contributions[3].value, 0.9);
}

TEST(explain, binding_component_is_the_lower_frequency_on_ties) {
  using riskscale::scale_component;
  EXPECT_EQ(riskscale::binding_component(0.2, 0.9), scale_component::frequency);
  EXPECT_EQ(riskscale::binding_component(0.9, 0.2), scale_component::reach);
  EXPECT_EQ(riskscale::binding_component(0.5, 0.5), scale_component::frequency);
  EXPECT_EQ(riskscale::to_string(scale_component::reach), "reach");
  riskscale::account a;
  a.active_days = 30;
  a.users = 3;
  EXPECT_EQ(riskscale::assess(a).binding_scale_component, scale_component::reach);
}

}  // namespace
