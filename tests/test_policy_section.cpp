// The policy's content and plan sections (policy_section.hpp): defaults without allocation, copy on
// write, value equality, and validation of an edited section when a policy is built from it.
#include <gtest/gtest.h>

#include <string>

#include "riskscale/plan_settings.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/policy_json.hpp"

using riskscale::channel;
using riskscale::plan_settings;
using riskscale::policy;
using riskscale::policy_error;
using riskscale::policy_settings;

namespace {

// The JSON path of the policy_error that building a policy from `s` throws, or "" when it builds.
std::string refused_path(const policy_settings& s) {
  try {
    (void)policy(s);
  } catch (const policy_error& e) {
    return e.json_path();
  }
  return "";
}

}  // namespace

TEST(policy_section, an_untouched_section_is_the_defaults_and_equals_them_given) {
  const policy_settings untouched;
  EXPECT_TRUE(untouched.plans.untouched());
  EXPECT_TRUE(untouched.content.untouched());
  EXPECT_EQ(untouched.plans->max_touches_per_week, 3);
  EXPECT_EQ(*untouched.plans, plan_settings{});
  policy_settings given;
  given.plans = plan_settings{};
  EXPECT_FALSE(given.plans.untouched());
  EXPECT_EQ(untouched, given);
  EXPECT_EQ(given, untouched);
  given.plans->max_touches_per_week = 4;
  EXPECT_NE(untouched, given);
  EXPECT_NE(given, untouched);
}

TEST(policy_section, a_copy_keeps_its_tables_when_the_original_is_edited) {
  policy_settings first;
  first.plans->max_touches_per_week = 2;
  policy_settings second = first;
  EXPECT_EQ(first, second);
  second.plans->max_touches_per_week = 5;
  second.content->min_score = 0.75;
  EXPECT_EQ(first.plans->max_touches_per_week, 2);
  EXPECT_EQ(first.content->min_score, 0.5);
  EXPECT_EQ(second.plans->max_touches_per_week, 5);
  EXPECT_NE(first, second);
}

TEST(policy_section, editing_settings_read_from_a_policy_leaves_the_policy_alone) {
  policy_settings s;
  s.plans->length_days[0][0] = 10;
  const policy frozen(s);
  policy_settings copy = frozen.settings();
  copy.plans->length_days[0][0] = 20;
  EXPECT_EQ(frozen.settings().plans->length_days[0][0], 10);
  EXPECT_EQ(policy(copy).settings().plans->length_days[0][0], 20);
}

TEST(policy_section, an_edited_section_is_validated_with_its_json_path) {
  policy_settings touches;
  touches.plans->max_touches_per_week = 0;
  EXPECT_EQ(refused_path(touches), "$.plans.max_touches_per_week");
  policy_settings score;
  score.content->min_score = 2;
  EXPECT_EQ(refused_path(score), "$.content.min_score");
  policy_settings channels;
  channels.plans->format_channels.emplace_back("no_such_format", channel::email);
  EXPECT_EQ(refused_path(channels), "$.plans.format_channels.no_such_format");
}

TEST(policy_section, untouched_sections_stay_valid_under_a_custom_catalogue) {
  policy_settings s;
  s.catalog = {riskscale::default_catalog().front()};
  EXPECT_EQ(refused_path(s), "");
  s.plans->admin_only_formats = {"own_format"};  // neither in this catalogue nor a SPEC §5 id
  EXPECT_EQ(refused_path(s), "$.plans.admin_only_formats[0]");
}

TEST(policy_section, edited_sections_survive_the_json_round_trip) {
  policy_settings s;
  s.plans->max_touches_per_week = 2;
  s.plans->cadences[1][0] = riskscale::cadence::weekly;
  s.content->education_weights[0] = 0.5;
  const policy edited(s);
  const policy reread = policy::from_json(edited.to_json());
  EXPECT_EQ(reread, edited);
  EXPECT_EQ(reread.settings().plans->max_touches_per_week, 2);
  EXPECT_EQ(reread.settings().content->education_weights[0], 0.5);
  EXPECT_EQ(policy::from_json("{}"), policy());  // a document without the sections: the defaults
}
