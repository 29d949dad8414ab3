// detail/json_parse.hpp: the one reader behind every JSON document (policy, traits, cost settings).
#include <gtest/gtest.h>

#include <string>

#include "riskscale/content.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/metrics.hpp"

namespace {

using riskscale::detail::json_document_error;
using riskscale::detail::parse_json_document;

// Parsing `text` must fail at `path` with `fragment` in the message.
void expect_refused(const std::string& text, const std::string& path, const std::string& fragment) {
  SCOPED_TRACE(text.substr(0, 80));
  try {
    (void)parse_json_document<nlohmann::json>(text);
    ADD_FAILURE() << "accepted";
  } catch (const json_document_error& e) {
    EXPECT_EQ(e.json_path(), path) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(JsonDocument, ReadsWhatNlohmannReads) {
  const std::string text = R"({"a": [1, 2.5, "x", null, true, {"b": -3}], "c": {}})";
  EXPECT_EQ(parse_json_document<nlohmann::json>(text), nlohmann::json::parse(text));
  EXPECT_EQ(parse_json_document<nlohmann::ordered_json>(text).dump(), nlohmann::ordered_json::parse(text).dump());
}

TEST(JsonDocument, RefusesWithTheJsonPath) {
  expect_refused(R"({"a": {"b": 1, "b": 2}})", "$.a.b", "duplicate key");
  expect_refused(R"({"a": [0, {"x y": 1, "x y": 1}]})", "$.a[1][\"x y\"]", "duplicate key");
  expect_refused(R"({"a": [1, 2, 1e400]})", "$.a[2]", "outside the range of a double");
  expect_refused(R"({"a": [1, NaN]})", "$.a[1]", "JSON has no NaN or Infinity");
  expect_refused(R"({"a": Infinity})", "$.a", "JSON has no NaN or Infinity");
  expect_refused(R"({"a": 1,})", "$", "line 1, column 9");
  expect_refused("{\n  \"a\": tru\n}", "$.a", "line 2");
  expect_refused("", "$", "the document is empty");
  expect_refused(
      std::string(65, '[') + std::string(65, ']'),
      "$" +
          [] {
            std::string path;
            for (int i = 0; i < 64; ++i) path += "[0]";
            return path;
          }(),
      "nested deeper than 64 levels");
  EXPECT_NO_THROW((void)parse_json_document<nlohmann::json>(std::string(64, '[') + std::string(64, ']')));
}

TEST(JsonDocument, EveryReaderUsesIt) {
  try {
    (void)riskscale::product_traits::from_json(R"({"complex_product": 0.2, "complex_product": 0.9})");
    ADD_FAILURE() << "duplicate trait accepted";
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("$.complex_product: duplicate key"), std::string::npos) << e.what();
  }
  try {
    (void)riskscale::metrics::cost_settings::from_json(R"({"on_demand": {"once": 1e999}})");
    ADD_FAILURE() << "1e999 accepted";
  } catch (const riskscale::metrics::settings_error& e) {
    EXPECT_EQ(e.json_path(), "$.on_demand.once");
  }
  EXPECT_THROW((void)riskscale::metrics::cost_settings::from_json(std::string(100000, '[') + std::string(100000, ']')),
               riskscale::metrics::settings_error);
}

}  // namespace

namespace {

// Found by the cost settings fuzzer: a default format removed with null came back on reload.
TEST(JsonDocument, CostSettingsWithARemovedDefaultFormatRoundTrip) {
  using riskscale::metrics::cost_settings;
  const cost_settings removed = cost_settings::from_json(R"({"format_modes": {"live_lab": null}})");
  EXPECT_FALSE(removed.mode_of("live_lab").has_value());
  const cost_settings again = cost_settings::from_json(removed.to_json());
  EXPECT_FALSE(again.mode_of("live_lab").has_value());
  EXPECT_EQ(again.to_json(), removed.to_json());
}

}  // namespace
