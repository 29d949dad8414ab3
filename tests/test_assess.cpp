// assess.hpp: each SPEC §3–§6 clause on hand-computed accounts.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "riskscale/assess.hpp"
#include "riskscale/policy_json.hpp"

namespace {

using riskscale::account;
using riskscale::archetype;
using riskscale::assess;
using riskscale::policy;

account make(double sensitive, double org, double physical, double legal, double days, double users) {
  account a;
  a.account_id = "T1";
  a.sensitive_data = sensitive;
  a.org_disruption = org;
  a.physical_safety = physical;
  a.legal_exposure = legal;
  a.active_days = days;
  a.users = users;
  return a;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

TEST(assess_scores, frequency_is_days_over_twenty_clamped) {  // SPEC §3
  EXPECT_DOUBLE_EQ(assess(make(0, 0, 0, 0, 10, 5)).frequency_score, 0.5);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 0, 5)).frequency_score, 0.0);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 31, 5)).frequency_score, 1.0);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 20, 5)).frequency_score, 1.0);
}

TEST(assess_scores, reach_is_log_users_over_log_thousand_clamped) {  // SPEC §3
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 10, 30)).reach_score, 0.49704864540372573, 1e-15);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 10, 0)).reach_score, 0.0);
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 10, 1000)).reach_score, 1.0, 1e-15);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 10, 50000)).reach_score, 1.0);
}

TEST(assess_scores, scale_is_a_weighted_geometric_mean) {                                 // SPEC §3
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 10, 1000)).scale_score, 0.757858283255199, 1e-12);  // 0.5^0.4
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 10, 999)).scale_score, 0.757792497027489, 1e-12);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 0, 1000)).scale_score, 0.0);  // 0^w = 0
  EXPECT_EQ(assess(make(0, 0, 0, 0, 25, 0)).scale_score, 0.0);
}

TEST(assess_scores, a_zero_weight_drops_its_component) {  // SPEC §3
  const policy reach_only = policy::from_json(R"({"scale_weights": {"frequency": 0, "reach": 3}})");
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 0, 1000), reach_only).scale_score, 1.0, 1e-12);
  EXPECT_NEAR(assess(make(0, 0, 0, 0, 0, 30), reach_only).scale_score, 0.49704864540372573, 1e-12);
}

TEST(assess_scores, risk_is_a_noisy_or_of_weighted_factors) {  // SPEC §3
  // 1 - (1 - 0.8*0.5)(1 - 0.5*0.4)(1 - 1.0*0)(1 - 0.9*0.2) = 1 - 0.6*0.8*0.82 = 0.6064
  EXPECT_NEAR(assess(make(0.5, 0.4, 0, 0.2, 10, 999)).risk_score, 0.6064, 1e-15);
  EXPECT_EQ(assess(make(0, 0, 0, 0, 10, 999)).risk_score, 0.0);
  EXPECT_EQ(assess(make(0, 0, 1, 0, 10, 999)).risk_score, 1.0);  // physical_safety weighs 1
}

TEST(assess_classification, thresholds_are_inclusive) {              // SPEC §4: high iff >=
  const auto at_threshold = assess(make(0.625, 0, 0, 0, 10, 1000));  // 0.8 * 0.625 = 0.5 exactly
  EXPECT_EQ(at_threshold.risk_score, 0.5);
  EXPECT_TRUE(at_threshold.high_risk());
  EXPECT_EQ(at_threshold.margin, 0.0);
  EXPECT_TRUE(at_threshold.borderline);
  const policy low_bar = policy::from_json(R"({"scale_threshold": 0.25})");
  const auto scale_at = assess(make(0, 0, 0, 0, 0, 1000), policy::from_json(R"({"scale_weights": {"reach": 1}})"));
  EXPECT_TRUE(scale_at.high_scale());
  EXPECT_FALSE(assess(make(0, 0, 0, 0, 0, 1000), low_bar).high_scale());
}

TEST(assess_classification, quadrants) {  // SPEC §4
  EXPECT_EQ(assess(make(0.5, 0.4, 0, 0.2, 10, 999)).archetype, archetype::high_scale_high_risk);
  EXPECT_EQ(assess(make(0, 0.1, 0, 0, 25, 5000)).archetype, archetype::high_scale_low_risk);
  EXPECT_EQ(assess(make(0.9, 0, 0, 0.9, 3, 4)).archetype, archetype::low_scale_high_risk);
  EXPECT_EQ(assess(make(0.1, 0.1, 0, 0, 2, 3)).archetype, archetype::low_scale_low_risk);
}

TEST(assess_classification, margin_borderline_and_membership) {  // SPEC §4
  const auto a = assess(make(0.5, 0.4, 0, 0.2, 10, 999));
  const double risk = 0.6064;
  const double scale = 0.757792497027489;
  EXPECT_NEAR(a.margin, risk - 0.5, 1e-12);
  EXPECT_FALSE(a.borderline);
  const double p_risk = sigmoid((risk - 0.5) / 0.1);
  const double p_scale = sigmoid((scale - 0.5) / 0.1);
  EXPECT_NEAR(a.membership[0], 0.6909866258635966, 1e-12);
  EXPECT_NEAR(a.membership[0], p_scale * p_risk, 1e-12);
  EXPECT_NEAR(a.membership[1], 0.23844065868488307, 1e-12);
  EXPECT_NEAR(a.membership[2], 0.052467582282747297, 1e-12);
  EXPECT_NEAR(a.membership[3], 0.018105133168773036, 1e-12);
  EXPECT_NEAR(a.membership[0] + a.membership[1] + a.membership[2] + a.membership[3], 1.0, 1e-15);
  EXPECT_EQ(a.membership_of(archetype::low_scale_high_risk), a.membership[2]);
  const auto near = assess(make(0.4, 0.08, 0, 0, 10, 999));  // R = 1 - 0.68*0.96 = 0.3472 ... margin 0.1528
  EXPECT_NEAR(near.risk_score, 0.3472, 1e-15);
  const auto edge = assess(make(0.65, 0, 0, 0, 10, 999));  // R = 0.52, margin 0.02 < 0.05
  EXPECT_NEAR(edge.margin, 0.02, 1e-12);
  EXPECT_TRUE(edge.borderline);
}

TEST(assess_recommendations, ranked_by_score_above_min_score) {  // SPEC §5
  const auto a = assess(make(0.5, 0.4, 0, 0.2, 10, 999));
  ASSERT_EQ(a.recommendations.size(), 4u);
  EXPECT_EQ(a.recommendations[0].id, "on_demand_library");  // 0.8*0.691 + 1.0*0.238
  EXPECT_NEAR(a.recommendations[0].score, 0.7912299593757603, 1e-12);
  EXPECT_EQ(a.recommendations[1].id, "knowledge_certification");
  EXPECT_NEAR(a.recommendations[1].score, 0.6909866258635966, 1e-12);
  EXPECT_EQ(a.recommendations[2].id, "supervised_assessment");
  EXPECT_EQ(a.recommendations[3].id, "virtual_ilt_advanced");
  EXPECT_NEAR(a.recommendations[3].score, 0.48369063810451757, 1e-12);  // next: 0.2146 < 0.25
  EXPECT_EQ(a.format(a.recommendations[3]).name, "Virtual ILT: advanced topics");
  EXPECT_EQ(a.recommendations[2].format_index, 1u);
}

TEST(assess_recommendations, top_k_and_min_score_are_policy_parameters) {  // SPEC §5
  const auto top2 = assess(make(0.5, 0.4, 0, 0.2, 10, 999), policy::from_json(R"({"top_k": 2})"));
  ASSERT_EQ(top2.recommendations.size(), 2u);
  EXPECT_EQ(top2.recommendations[1].id, "knowledge_certification");
  EXPECT_TRUE(assess(make(0.5, 0.4, 0, 0.2, 10, 999), policy::from_json(R"({"top_k": 0})")).recommendations.empty());
  const auto lenient = assess(make(0.5, 0.4, 0, 0.2, 10, 999), policy::from_json(R"({"min_score": 0.2})"));
  EXPECT_EQ(lenient.recommendations.size(), 5u);  // + virtual_ilt_one_to_many at 0.2146
  EXPECT_TRUE(
      assess(make(0.5, 0.4, 0, 0.2, 10, 999), policy::from_json(R"({"min_score": 1})")).recommendations.empty());
}

TEST(assess_recommendations, a_score_equal_to_min_score_is_recommended) {  // SPEC §5: >=
  // One format with affinity 1 everywhere scores exactly 1 for every account.
  const policy p = policy::from_json(R"({"min_score": 1, "catalog": [{"id": "all", "affinity":
      {"high_scale_high_risk": 1, "high_scale_low_risk": 1, "low_scale_high_risk": 1, "low_scale_low_risk": 1}}]})");
  const auto a = assess(make(0, 0, 0, 0, 0, 0), p);
  ASSERT_EQ(a.recommendations.size(), 1u);
  EXPECT_NEAR(a.recommendations[0].score, 1.0, 1e-15);
}

TEST(assess_recommendations, ties_within_1e12_keep_catalogue_order) {  // SPEC §5
  riskscale::policy_settings s;
  s.catalog = {{"first", "First", "", {0.5, 0.5, 0.5, 0.5}},
               {"second", "Second", "", {0.5 + 1e-13, 0.5 + 1e-13, 0.5 + 1e-13, 0.5 + 1e-13}},
               {"third", "Third", "", {0.6, 0.6, 0.6, 0.6}},
               {"fourth", "Fourth", "", {0.5 - 1e-9, 0.5 - 1e-9, 0.5 - 1e-9, 0.5 - 1e-9}}};
  const auto a = assess(make(0.3, 0, 0, 0, 10, 100), policy(s));
  ASSERT_EQ(a.recommendations.size(), 4u);
  EXPECT_EQ(a.recommendations[0].id, "third");
  EXPECT_EQ(a.recommendations[1].id, "first");  // "second" is higher by 1e-13 only: a tie
  EXPECT_EQ(a.recommendations[2].id, "second");
  EXPECT_EQ(a.recommendations[3].id, "fourth");  // lower by 1e-9: not a tie
}

TEST(assess_distance, users_and_days_needed_for_high_scale) {  // SPEC §6
  const auto low = assess(make(0, 0, 0, 0, 4, 50));
  EXPECT_NEAR(low.scale_score, 0.3745662829461397, 1e-12);
  ASSERT_TRUE(low.users_for_high_scale);
  EXPECT_EQ(*low.users_for_high_scale, 579.0);  // ceil(578.99)
  ASSERT_TRUE(low.active_days_for_high_scale);
  EXPECT_NEAR(*low.active_days_for_high_scale, 8.23499422750622, 1e-9);
  // Check the claim: at the computed values the account is high scale.
  auto more_users = make(0, 0, 0, 0, 4, 579);
  EXPECT_TRUE(assess(more_users).high_scale());
  more_users.users = 578;
  EXPECT_FALSE(assess(more_users).high_scale());
}

TEST(assess_distance, absent_when_high_scale_or_out_of_reach) {  // SPEC §6
  const auto high = assess(make(0, 0, 0, 0, 25, 5000));
  EXPECT_FALSE(high.users_for_high_scale);
  EXPECT_FALSE(high.active_days_for_high_scale);
  const auto no_users = assess(make(0, 0, 0, 0, 31, 0));  // r = 0: no days can help; f = 1
  EXPECT_EQ(no_users.users_for_high_scale, 8.0);          // ceil(7.81)
  EXPECT_FALSE(no_users.active_days_for_high_scale);
  const auto idle = assess(make(0, 0, 0, 0, 0, 1000));  // f = 0: no users can help
  EXPECT_FALSE(idle.users_for_high_scale);
  EXPECT_NEAR(*idle.active_days_for_high_scale, 3.5355339059327378, 1e-9);
  const auto rare = assess(make(0, 0, 0, 0, 1, 5));  // r* > 1 and f* * 20 > 31
  EXPECT_FALSE(rare.users_for_high_scale);
  EXPECT_FALSE(rare.active_days_for_high_scale);
}

TEST(assess_inputs, invalid_values_name_field_value_and_range) {  // SPEC §2
  const auto expect_error = [](account a, const std::string& field, const std::string& fragment) {
    try {
      (void)assess(a);
      ADD_FAILURE() << field << " accepted";
    } catch (const riskscale::input_error& e) {
      EXPECT_EQ(e.field(), field);
      EXPECT_EQ(e.account_id(), "T1");
      const std::string what = e.what();
      EXPECT_NE(what.find(field), std::string::npos) << what;
      EXPECT_NE(what.find(fragment), std::string::npos) << what;
      EXPECT_NE(what.find("accepted"), std::string::npos) << what;
    }
  };
  expect_error(make(1.2, 0, 0, 0, 10, 5), "sensitive_data", "1.2 is above the range");
  expect_error(make(0, -0.1, 0, 0, 10, 5), "org_disruption", "[0, 1]");
  expect_error(make(0, 0, NAN, 0, 10, 5), "physical_safety", "not a number");
  expect_error(make(0, 0, 0, INFINITY, 10, 5), "legal_exposure", "infinite");
  expect_error(make(0, 0, 0, 0, 32, 5), "active_days", "[0, 31]");
  expect_error(make(0, 0, 0, 0, 10, -4), "users", "-4 is below the range");
  expect_error(make(0, 0, 0, 0, 10, 2e9), "users", "[0, 1e+09]");
  auto seats = make(0, 0, 0, 0, 10, 5);
  seats.seats = -1;
  expect_error(seats, "seats", "below");
  auto two_bad = make(2, 0, 0, 0, 40, 5);
  expect_error(two_bad, "sensitive_data", "above");  // the first field in input order is reported
}

TEST(assess_inputs, extra_factors_are_read_by_name) {  // SPEC §7
  const policy p = policy::from_json(R"({"risk_weights": {"sensitive_data": 0.5, "export_control": 0.7}})");
  auto a = make(0.2, 0.9, 0.9, 0.9, 10, 100);  // factors the policy dropped are ignored
  a.extra_factors["export_control"] = 0.5;
  EXPECT_NEAR(assess(a, p).risk_score, 1 - 0.9 * 0.65, 1e-15);
  a.extra_factors.clear();
  try {
    (void)assess(a, p);
    ADD_FAILURE() << "accepted";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "export_control");
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  a.extra_factors["export_control"] = 3;
  EXPECT_THROW((void)assess(a, p), riskscale::input_error);
}

TEST(assess, the_assessment_keeps_its_policy_alive) {
  riskscale::assessment kept;
  {
    const policy p =
        policy::from_json(R"({"catalog": [{"id": "temporary_format", "affinity": {"low_scale_low_risk": 1}}]})");
    kept = assess(make(0, 0, 0, 0, 1, 2), p);
  }
  ASSERT_EQ(kept.recommendations.size(), 1u);
  EXPECT_EQ(kept.recommendations[0].id, "temporary_format");
  EXPECT_EQ(kept.risk_contributions.size(), 4u);
  EXPECT_EQ(kept.risk_contributions[0].factor, "sensitive_data");
}

}  // namespace

namespace {

TEST(account, set_field_is_the_inverse_of_field) {
  riskscale::account a;
  double value = 0.125;
  for (const char* name : {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days",
                           "users", "seats", "export_control"}) {
    a.set_field(name, value);
    ASSERT_EQ(a.field(name), value) << name;
    value += 1.0;
  }
  EXPECT_EQ(a.legal_exposure, 3.125);
  EXPECT_EQ(a.extra_factors.at("export_control"), 7.125);
  EXPECT_FALSE(a.field("unknown_factor"));
}

}  // namespace
