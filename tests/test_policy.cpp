// policy.hpp: SPEC §3–§5 defaults, SPEC §7 JSON loading, validation and dumping.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "riskscale/policy.hpp"
#include "riskscale/policy_json.hpp"
#include "support/table.hpp"

namespace {

using riskscale::policy;
using riskscale::policy_error;

// Loading `json` must fail with an error at `path` whose message contains `fragment`.
void expect_refused(const std::string& json, const std::string& path, const std::string& fragment) {
  SCOPED_TRACE(json);
  try {
    (void)policy::from_json(json);
    ADD_FAILURE() << "accepted";
  } catch (const policy_error& e) {
    EXPECT_EQ(e.json_path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("accepted"), std::string::npos) << e.what();
  }
}

TEST(policy, defaults_are_the_spec_values) {
  const policy p;
  const auto& s = p.settings();
  EXPECT_EQ(s.frequency_full, 20.0);
  EXPECT_EQ(s.reach_full, 1000.0);
  EXPECT_EQ(p.frequency_weight(), 0.4);
  EXPECT_EQ(p.reach_weight(), 0.6);
  ASSERT_EQ(p.risk_factors().size(), 4u);
  EXPECT_EQ(p.risk_factors()[0].name, "sensitive_data");
  EXPECT_EQ(p.risk_factors()[0].weight, 0.8);
  EXPECT_EQ(p.risk_factors()[1].weight, 0.5);
  EXPECT_EQ(p.risk_factors()[2].weight, 1.0);
  EXPECT_EQ(p.risk_factors()[3].name, "legal_exposure");
  EXPECT_EQ(p.risk_factors()[3].weight, 0.9);
  EXPECT_EQ(s.risk_threshold, 0.5);
  EXPECT_EQ(s.scale_threshold, 0.5);
  EXPECT_EQ(s.borderline_band, 0.05);
  EXPECT_EQ(s.temperature, 0.1);
  EXPECT_EQ(s.min_score, 0.25);
  EXPECT_FALSE(s.top_k.has_value());
  EXPECT_EQ(p.catalog().size(), 12u);
  EXPECT_EQ(p.recommendation_width(), 12u);
  EXPECT_DOUBLE_EQ(p.log_reach_full(), std::log(1001.0));
  EXPECT_EQ(p.input_fields(), (std::vector<std::string>{"sensitive_data", "org_disruption", "physical_safety",
                                                        "legal_exposure", "active_days", "users", "seats"}));
}

TEST(policy, a_partial_document_keeps_every_other_default) {
  const policy p = policy::from_json(R"({"version": 1, "risk_threshold": 0.6})");
  EXPECT_EQ(p.settings().risk_threshold, 0.6);
  riskscale::policy_settings expected;
  expected.risk_threshold = 0.6;
  EXPECT_EQ(p.settings(), expected);
  EXPECT_EQ(policy::from_json("{}"), policy());  // every key optional, version included
}

TEST(policy, custom_conformance_policy_replaces_factors_and_normalises_weights) {
  const policy p = policy::from_file(riskscale::testing::conformance_path("policy_custom.json"));
  EXPECT_EQ(p.settings().frequency_full, 15.0);
  EXPECT_EQ(p.settings().reach_full, 250.0);
  EXPECT_EQ(p.frequency_weight(), 0.5);  // {1, 1} normalised
  EXPECT_EQ(p.reach_weight(), 0.5);
  ASSERT_EQ(p.risk_factors().size(), 3u);  // replaced, not merged
  EXPECT_EQ(p.risk_factors()[0].name, "sensitive_data");
  EXPECT_EQ(p.risk_factors()[1].name, "legal_exposure");
  EXPECT_EQ(p.risk_factors()[2].name, "export_control");
  EXPECT_EQ(p.risk_factors()[2].weight, 0.7);
  EXPECT_EQ(p.settings().top_k, 3u);
  EXPECT_EQ(p.recommendation_width(), 3u);
  EXPECT_EQ(p.catalog().size(), 12u);  // not given: default catalogue
}

TEST(policy, scale_weights_given_replace_both_components) {
  const policy p = policy::from_json(R"({"scale_weights": {"reach": 2}})");
  EXPECT_EQ(p.frequency_weight(), 0.0);
  EXPECT_EQ(p.reach_weight(), 1.0);
}

TEST(policy, dump_then_load_is_identical) {
  const policy defaults;
  EXPECT_EQ(policy::from_json(defaults.to_json()), defaults);
  EXPECT_EQ(policy::from_json(defaults.to_json()).to_json(), defaults.to_json());
  const policy custom = policy::from_file(riskscale::testing::conformance_path("policy_custom.json"));
  const policy reloaded = policy::from_json(custom.to_json(0));
  EXPECT_EQ(reloaded.settings(), custom.settings());
  EXPECT_EQ(reloaded.to_json(), custom.to_json());
  // Awkward doubles survive the text form exactly.
  riskscale::policy_settings s;
  s.risk_threshold = 0.1 + 0.2;
  s.temperature = 1.0 / 3.0;
  s.catalog[4].affinity[1] = 0.7000000000000001;
  const policy awkward(s);
  EXPECT_EQ(policy::from_json(awkward.to_json()).settings(), s);
}

TEST(policy, catalog_can_be_replaced_with_defaults_for_missing_parts) {
  const policy p = policy::from_json(R"({"catalog": [
      {"id": "shadowing", "affinity": {"low_scale_high_risk": 0.6}},
      {"id": "wiki", "name": "Team wiki", "description": "pages", "affinity": {}}]})");
  ASSERT_EQ(p.catalog().size(), 2u);
  EXPECT_EQ(p.catalog()[0].name, "shadowing");  // name defaults to the id
  EXPECT_EQ(p.catalog()[0].affinity, (std::array<double, 4>{0, 0, 0.6, 0}));
  EXPECT_EQ(p.catalog()[1].affinity, (std::array<double, 4>{0, 0, 0, 0}));
  EXPECT_EQ(p.format_index("wiki"), 1u);
  EXPECT_FALSE(p.format_index("live_lab"));
}

TEST(policy_validation, refuses_unknown_keys_everywhere) {
  expect_refused(R"({"risk_treshold": 0.5})", "$.risk_treshold", "unknown key");
  expect_refused(R"({"scale_weights": {"frequency": 1, "depth": 1}})", "$.scale_weights.depth", "unknown key");
  expect_refused(R"({"catalog": [{"id": "x", "colour": "red"}]})", "$.catalog[0].colour", "unknown key");
}

TEST(policy_validation, refuses_wrong_types) {
  expect_refused(R"([1, 2])", "$", "array");
  expect_refused(R"({"risk_threshold": "0.5"})", "$.risk_threshold", "string");
  expect_refused(R"({"risk_threshold": true})", "$.risk_threshold", "boolean");
  expect_refused(R"({"risk_weights": [0.8]})", "$.risk_weights", "array");
  expect_refused(R"({"risk_weights": {"sensitive_data": null}})", "$.risk_weights.sensitive_data", "null");
  expect_refused(R"({"scale_weights": 0.5})", "$.scale_weights", "number");
  expect_refused(R"({"top_k": "3"})", "$.top_k", "string");
  expect_refused(R"({"catalog": {"id": "x"}})", "$.catalog", "object");
  expect_refused(R"({"catalog": ["x"]})", "$.catalog[0]", "string");
  expect_refused(R"({"catalog": [{"id": 7}]})", "$.catalog[0].id", "number");
  expect_refused(R"({"catalog": [{"id": "x", "affinity": {"low_scale_low_risk": "high"}}]})",
                 "$.catalog[0].affinity.low_scale_low_risk", "string");
}

TEST(policy_validation, refuses_out_of_range_values) {
  expect_refused(R"({"frequency_full": 0})", "$.frequency_full", "0 is out of range");
  expect_refused(R"({"frequency_full": -5})", "$.frequency_full", "-5");
  expect_refused(R"({"reach_full": 0})", "$.reach_full", "out of range");
  expect_refused(R"({"scale_weights": {"frequency": -1, "reach": 1}})", "$.scale_weights.frequency", "-1");
  expect_refused(R"({"scale_weights": {"frequency": 0, "reach": 0}})", "$.scale_weights", "positive sum");
  expect_refused(R"({"scale_weights": {}})", "$.scale_weights", "positive sum");
  expect_refused(R"({"risk_weights": {"sensitive_data": 1.5}})", "$.risk_weights.sensitive_data", "1.5");
  expect_refused(R"({"risk_weights": {"sensitive_data": -0.1}})", "$.risk_weights.sensitive_data", "-0.1");
  expect_refused(R"({"risk_weights": {}})", "$.risk_weights", "at least one factor");
  expect_refused(R"({"risk_threshold": 0})", "$.risk_threshold", "(0, 1)");
  expect_refused(R"({"risk_threshold": 1})", "$.risk_threshold", "(0, 1)");
  expect_refused(R"({"scale_threshold": 1.2})", "$.scale_threshold", "(0, 1)");
  expect_refused(R"({"borderline_band": -0.01})", "$.borderline_band", ">= 0");
  expect_refused(R"({"temperature": 0})", "$.temperature", "> 0");
  expect_refused(R"({"min_score": 1.5})", "$.min_score", "[0, 1]");
  expect_refused(R"({"top_k": -1})", "$.top_k", "integer >= 0");
  expect_refused(R"({"top_k": 2.5})", "$.top_k", "whole number");
  expect_refused(R"({"catalog": []})", "$.catalog", "empty");
  expect_refused(R"({"catalog": [{"id": "x", "affinity": {"high_scale_low_risk": 1.01}}]})",
                 "$.catalog[0].affinity.high_scale_low_risk", "1.01");
}

TEST(policy_validation, refuses_bad_factor_names) {
  expect_refused(R"({"risk_weights": {"users": 0.5}})", "$.risk_weights.users", "input of its own");
  expect_refused(R"({"risk_weights": {"": 0.5}})", R"($.risk_weights[""])", "not a usable factor name");
  expect_refused(R"({"risk_weights": {"export control": 0.5}})", R"($.risk_weights["export control"])",
                 "not a usable factor name");
  riskscale::policy_settings twice;
  twice.risk_weights.push_back({"sensitive_data", 0.1});
  try {
    const policy p(twice);
    ADD_FAILURE() << "accepted";
  } catch (const policy_error& e) {
    EXPECT_EQ(e.json_path(), "$.risk_weights.sensitive_data");
    EXPECT_NE(std::string(e.what()).find("twice"), std::string::npos);
  }
}

TEST(policy_validation, refuses_unknown_archetypes_and_bad_format_ids) {
  expect_refused(R"({"catalog": [{"id": "x", "affinity": {"high_risk": 1}}]})", "$.catalog[0].affinity.high_risk",
                 "unknown archetype \"high_risk\"");
  expect_refused(R"({"catalog": [{"id": "x"}, {"id": "x"}]})", "$.catalog[1].id", "duplicate");
  expect_refused(R"({"catalog": [{"id": ""}]})", "$.catalog[0].id", "empty");
  expect_refused(R"({"catalog": [{"name": "no id"}]})", "$.catalog[0].id", "missing");
  expect_refused(R"({"catalog": [{"id": "a;b"}]})", "$.catalog[0].id", "';'");
}

TEST(policy_validation, refuses_other_versions_saying_which_it_reads) {
  expect_refused(R"({"version": 2})", "$.version", "reads version 1");
  expect_refused(R"({"version": "1"})", "$.version", "reads version 1");
  expect_refused(R"({"version": 1.5})", "$.version", "not supported");
}

TEST(policy_validation, refuses_malformed_json) {
  expect_refused(R"({"risk_threshold": 0.5,})", "$", "not valid JSON");
  expect_refused("", "$", "not valid JSON");
  // A number no double holds, and NaN/Infinity (not JSON), are named with their path.
  expect_refused(R"({"risk_threshold": 1e400})", "$.risk_threshold", "outside the range of a double");
  expect_refused(R"({"risk_threshold": NaN})", "$.risk_threshold", "JSON has no NaN or Infinity");
  expect_refused(R"({"risk_weights": {"legal_exposure": -Infinity}})", "$.risk_weights.legal_exposure",
                 "JSON has no NaN or Infinity");
  expect_refused(R"({"catalog": [{"id": "a"}, {"id": "b", "affinity": {"x": 1e999}}]})", "$.catalog[1].affinity.x",
                 "outside the range of a double");
}

TEST(policy_validation, refuses_duplicate_keys_with_their_path) {
  expect_refused(R"({"risk_threshold": 0.5, "risk_threshold": 0.6})", "$.risk_threshold", "duplicate key");
  expect_refused(R"({"scale_weights": {"reach": 0.5, "frequency": 0.2, "reach": 0.3}})", "$.scale_weights.reach",
                 "duplicate key");
  expect_refused(R"({"catalog": [{"id": "a", "id": "b"}]})", "$.catalog[0].id", "duplicate key");
  // The same key in two different objects is no duplicate.
  EXPECT_NO_THROW((void)policy::from_json(R"({"catalog": [{"id": "a"}, {"id": "b"}]})"));
}

TEST(policy_validation, refuses_nesting_deeper_than_the_limit_without_recursing) {
  // 100,000 levels once segfaulted every JSON reader; the limit stops the parse at level 65.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_path = "$";
  for (int level = 1; level < 65; ++level) deep_path += "[0]";  // where the 65th level opens
  expect_refused(deep, deep_path, "nested deeper than 64 levels");
  std::string deep_object = R"({"plans": )";
  for (int i = 0; i < 70; ++i) deep_object += R"({"a": )";
  std::string object_path = "$.plans";
  for (int level = 3; level < 66; ++level) object_path += ".a";
  expect_refused(deep_object + "1" + std::string(71, '}'), object_path, "nested deeper than 64 levels");
  // 64 levels are read (and then refused for what they say, not for their depth).
  std::string at_limit = std::string(63, '[') + std::string(63, ']');
  expect_refused(R"({"catalog": )" + at_limit + "}", "$.catalog[0]", "is a JSON array");
}

TEST(policy_validation, keys_with_control_characters_are_escaped_in_the_path) {
  const std::string nul_key = std::string(R"({"catalog": [{"id": "a", "affinity": {"x\u0000y": 1}}]})");
  try {
    (void)policy::from_json(nul_key);
    ADD_FAILURE() << "accepted";
  } catch (const policy_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\0'), std::string::npos);
    EXPECT_EQ(e.json_path(), R"($.catalog[0].affinity["x\u0000y"])");
    EXPECT_NE(what.find("unknown archetype"), std::string::npos) << what;
  }
}

TEST(policy, huge_scale_weights_normalise_like_small_ones) {
  const policy huge = policy::from_json(R"({"scale_weights": {"frequency": 1e308, "reach": 1e308}})");
  EXPECT_EQ(huge.frequency_weight(), 0.5);
  EXPECT_EQ(huge.reach_weight(), 0.5);
  const policy lopsided = policy::from_json(R"({"scale_weights": {"frequency": 1.5e308, "reach": 1.7e308}})");
  EXPECT_DOUBLE_EQ(lopsided.frequency_weight(), 1.5 / 3.2);
}

TEST(policy_validation, nothing_is_half_applied) {
  // The first keys are valid, a later one is not: the call throws, and no policy exists to hold a mix.
  EXPECT_THROW((void)policy::from_json(R"({"risk_threshold": 0.7, "temperature": -1})"), policy_error);
  riskscale::policy_settings s;
  s.temperature = -1;
  EXPECT_THROW(policy{s}, policy_error);
}

TEST(policy_validation, from_file_names_the_file) {
  try {
    (void)policy::from_file("/nonexistent/p.json");
    ADD_FAILURE() << "accepted";
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/p.json"), std::string::npos) << e.what();
  }
  const std::string path = ::testing::TempDir() + "riskscale_bad_policy.json";
  std::ofstream(path) << R"({"version": 1, "min_score": 2})";
  try {
    (void)policy::from_file(path);
    ADD_FAILURE() << "accepted";
  } catch (const policy_error& e) {
    EXPECT_EQ(e.json_path(), "$.min_score");
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(policy, copies_share_one_immutable_block_across_threads) {
  const policy original = policy::from_json(R"({"top_k": 2})");
  const policy copy = original;
  EXPECT_EQ(&copy.settings(), &original.settings());  // cheap: no deep copy
  std::vector<std::thread> threads;
  std::vector<std::size_t> widths(4);
  for (std::size_t t = 0; t < widths.size(); ++t) {
    threads.emplace_back([&, t] {
      const policy local = original;
      widths[t] = local.recommendation_width();
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t width : widths) EXPECT_EQ(width, 2u);
}

}  // namespace
