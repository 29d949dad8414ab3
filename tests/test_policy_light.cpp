// Classifying code that never includes the content and plan tables (plan_settings.hpp): the policy
// holds them as sections, so settings are built, copied, compared and used without their header.
#include <gtest/gtest.h>

#include <type_traits>

#include "riskscale/assess.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/policy.hpp"

namespace {
// True when T is a complete type at this point of this file (nothing later completes it here).
template <typename T, typename = void>
struct is_complete : std::false_type {};
template <typename T>
struct is_complete<T, decltype(void(sizeof(T)))> : std::true_type {};
}  // namespace

static_assert(!is_complete<riskscale::plan_settings>::value, "classifying headers include plan_settings.hpp");
static_assert(!is_complete<riskscale::content_settings>::value, "classifying headers include plan_settings.hpp");

TEST(policy_without_plan_tables, settings_are_built_compared_and_used_to_classify) {
  riskscale::policy_settings s;
  s.risk_threshold = 0.4;
  const riskscale::policy_settings copy = s;
  EXPECT_EQ(copy, s);
  EXPECT_NE(copy, riskscale::policy_settings{});
  const riskscale::policy pol(copy);
  riskscale::account account;
  account.sensitive_data = 0.5;
  account.active_days = 20;
  account.users = 1000;
  const riskscale::assessment a = riskscale::assess(account, pol);
  EXPECT_EQ(a.archetype, riskscale::archetype::high_scale_high_risk);
  EXPECT_EQ(pol, riskscale::policy(copy));
  EXPECT_NE(pol, riskscale::policy());
}
