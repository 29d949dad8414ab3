// SPEC §9: the policy's `inputs` section: load checks with JSON paths, dump and reload, mapping of
// raw tables (conformance/mapping, every row), messages of invalid rows, and the renaming property.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/riskscale.hpp"
#include "support/table.hpp"

namespace {

using riskscale::batch_result;
using riskscale::input_rule;
using riskscale::input_rule_kind;
using riskscale::policy;
using riskscale::policy_error;
using riskscale::row_status;
using riskscale::source_column;
using riskscale::source_table;
using riskscale::testing::conformance_path;
using riskscale::testing::read_table;
using riskscale::testing::table;

// A table's text cells as borrowed columns (the cells live in `data`).
struct text_table {
  table data;
  std::vector<std::vector<std::string_view>> cells;  // per column
  source_table view{0};

  explicit text_table(table t) : data(std::move(t)), view(data.rows.size()) {
    cells.resize(data.header.size());
    for (std::size_t c = 0; c < data.header.size(); ++c) {
      for (const auto& row : data.rows) cells[c].push_back(row.at(c));
      view.add(data.header[c], source_column::text(cells[c].data()));
    }
  }
};

policy mapping_policy() { return policy::from_file(conformance_path("mapping/policy_inputs.json")); }

text_table crm_export() { return text_table(read_table(conformance_path("mapping/crm_export.csv"))); }

// The policy_error of loading `json`, or a failure when it loads.
policy_error load_error(const std::string& json) {
  try {
    (void)policy::from_json(json);
  } catch (const policy_error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted: " << json;
  return policy_error("$", "none");
}

std::string with_inputs(const std::string& inputs) { return R"({"version": 1, "inputs": )" + inputs + "}"; }

TEST(inputs_policy, conformance_policy_loads_with_every_rule_kind) {
  const policy pol = mapping_policy();
  const auto& inputs = pol.settings().inputs;
  ASSERT_EQ(inputs.rules.size(), 8u);
  EXPECT_EQ(inputs.find("account_id")->column, "Account ID");
  EXPECT_EQ(inputs.find("sensitive_data")->kind, input_rule_kind::map);
  EXPECT_EQ(*inputs.find("sensitive_data")->default_value, 0.2);
  EXPECT_EQ(inputs.find("legal_exposure")->kind, input_rule_kind::max);
  EXPECT_EQ(inputs.find("legal_exposure")->branches.size(), 2u);
  EXPECT_FALSE(inputs.find("legal_exposure")->branches[0].default_value.has_value());
  EXPECT_EQ(inputs.find("org_disruption")->kind, input_rule_kind::bands);
  EXPECT_EQ(inputs.find("physical_safety")->kind, input_rule_kind::value);
  EXPECT_EQ(inputs.find("active_days")->kind, input_rule_kind::affine);
  EXPECT_EQ(inputs.find("active_days")->scale, 30.0);
  EXPECT_EQ(inputs.find("users")->kind, input_rule_kind::linear);
  EXPECT_TRUE(inputs.find("seats")->shorthand);
  EXPECT_EQ(riskscale::account_id_column(pol), "Account ID");
}

TEST(inputs_policy, dump_reloads_to_an_equal_policy_and_the_same_text) {
  const policy pol = mapping_policy();
  const std::string dump = pol.to_json();
  const policy again = policy::from_json(dump);
  EXPECT_EQ(again, pol);
  EXPECT_EQ(again.to_json(), dump);
  EXPECT_EQ(policy::from_json(pol.to_json(-1)), pol);
}

TEST(inputs_policy, default_dump_has_no_inputs_key) {
  EXPECT_EQ(policy().to_json().find("\"inputs\""), std::string::npos);
  EXPECT_EQ(policy::from_json(with_inputs("{}")).to_json(), policy().to_json());
}

TEST(inputs_policy, dump_then_load_gives_the_same_results) {
  const policy pol = mapping_policy();
  const policy again = policy::from_json(pol.to_json());
  const text_table crm = crm_export();
  const batch_result a = riskscale::classify(crm.view, pol, {1, 0});
  const batch_result b = riskscale::classify(crm.view, again, {1, 0});
  ASSERT_EQ(a.rows, b.rows);
  for (std::size_t r = 0; r < a.rows; ++r) {
    const auto i = static_cast<Eigen::Index>(r);
    EXPECT_EQ(a.status[r], b.status[r]);
    if (a.status[r] != row_status::ok) continue;
    EXPECT_EQ(a.risk_score[i], b.risk_score[i]);
    EXPECT_EQ(a.scale_score[i], b.scale_score[i]);
    EXPECT_EQ(a.recommendations, b.recommendations);
  }
}

// One test per SPEC §9 load error: the message names the JSON path of the mistake.
struct load_error_case {
  const char* name;
  const char* inputs;
  const char* path;

  // Names the case in test listings instead of dumping its bytes.
  friend void PrintTo(const load_error_case& c, std::ostream* os) { *os << c.name; }
};

class inputs_load_error : public ::testing::TestWithParam<load_error_case> {};

TEST_P(inputs_load_error, names_its_json_path) {
  const policy_error e = load_error(with_inputs(GetParam().inputs));
  EXPECT_EQ(e.json_path(), GetParam().path) << e.what();
  EXPECT_NE(std::string(e.what()).find(GetParam().path), std::string::npos);
  EXPECT_NE(e.message().find("accepted"), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    spec9, inputs_load_error,
    ::testing::Values(
        load_error_case{"not_a_model_input", R"({"industry": "Industry"})", "$.inputs.industry"},
        load_error_case{"factor_of_another_policy", R"({"export_control": "X"})", "$.inputs.export_control"},
        load_error_case{"unknown_rule_key", R"({"users": {"column": "U", "scael": 2}})", "$.inputs.users.scael"},
        load_error_case{"no_transform", R"({"users": {}})", "$.inputs.users"},
        load_error_case{"default_alone", R"({"users": {"default": 3}})", "$.inputs.users"},
        load_error_case{"default_without_map", R"({"users": {"column": "U", "default": 3}})", "$.inputs.users.default"},
        load_error_case{"two_transforms", R"({"users": {"column": "U", "scale": 2, "bands": [[0, 1]]}})",
                        "$.inputs.users"},
        load_error_case{"value_and_map", R"({"sensitive_data": {"value": 0.2, "map": {"a": 0.1}}})",
                        "$.inputs.sensitive_data"},
        load_error_case{"value_with_column", R"({"sensitive_data": {"value": 0.2, "column": "C"}})",
                        "$.inputs.sensitive_data.column"},
        load_error_case{"map_without_column", R"({"sensitive_data": {"map": {"a": 0.1}}})",
                        "$.inputs.sensitive_data.column"},
        load_error_case{"map_duplicate_after_folding",
                        R"({"sensitive_data": {"column": "I", "map": {"Retail": 0.3, " RETAIL\t": 0.4}}})",
                        "$.inputs.sensitive_data.map[\" RETAIL\\t\"]"},
        load_error_case{"bands_not_increasing", R"({"org_disruption": {"column": "A", "bands": [[0, 0.1], [0, 0.4]]}})",
                        "$.inputs.org_disruption.bands[1]"},
        load_error_case{"bands_empty", R"({"org_disruption": {"column": "A", "bands": []}})",
                        "$.inputs.org_disruption.bands"},
        load_error_case{"linear_not_increasing", R"({"users": {"column": "U", "linear": [[0, 0], [10, 5], [5, 8]]}})",
                        "$.inputs.users.linear[2]"},
        load_error_case{"linear_one_knot", R"({"users": {"column": "U", "linear": [[0, 0]]}})",
                        "$.inputs.users.linear"},
        load_error_case{"max_empty", R"({"legal_exposure": {"max": []}})", "$.inputs.legal_exposure.max"},
        load_error_case{"max_branch_bad", R"({"legal_exposure": {"max": ["C", {"column": "D", "map": {"x": 2}}]}})",
                        "$.inputs.legal_exposure.max[1].map.x"},
        load_error_case{"value_out_of_range", R"({"physical_safety": {"value": 1.5}})",
                        "$.inputs.physical_safety.value"},
        load_error_case{"map_value_out_of_range", R"({"sensitive_data": {"column": "I", "map": {"a": -0.1}}})",
                        "$.inputs.sensitive_data.map.a"},
        load_error_case{"default_out_of_range", R"({"sensitive_data": {"column": "I", "map": {}, "default": 2}})",
                        "$.inputs.sensitive_data.default"},
        load_error_case{"band_value_out_of_range", R"({"active_days": {"column": "A", "bands": [[0, 1], [5, 40]]}})",
                        "$.inputs.active_days.bands[1][1]"},
        load_error_case{"knot_y_out_of_range", R"({"users": {"column": "U", "linear": [[0, -1], [1, 2]]}})",
                        "$.inputs.users.linear[0][1]"},
        load_error_case{"account_id_rule", R"({"account_id": {"column": "Id"}})", "$.inputs.account_id"},
        load_error_case{"column_not_text", R"({"users": 5})", "$.inputs.users"},
        load_error_case{"empty_column_name", R"({"users": ""})", "$.inputs.users"},
        load_error_case{"inputs_not_object", R"(["users"])", "$.inputs"}),
    [](const ::testing::TestParamInfo<load_error_case>& info) { return std::string(info.param.name); });

TEST(inputs_policy, factor_added_by_the_policy_is_a_model_input) {
  const policy pol = policy::from_json(
      R"({"version": 1, "inputs": {"export_control": {"column": "ITAR", "map": {"yes": 1}, "default": 0}},
          "risk_weights": {"sensitive_data": 0.8, "export_control": 0.7}})");
  EXPECT_EQ(pol.settings().inputs.find("export_control")->kind, input_rule_kind::map);
}

TEST(inputs_policy, constructed_settings_are_validated_too) {
  riskscale::policy_settings settings;
  input_rule rule;
  rule.kind = input_rule_kind::linear;
  rule.column = "U";
  rule.points = {{0, 0}};
  settings.inputs.set("users", rule);
  try {
    (void)policy(settings);
    ADD_FAILURE() << "one knot accepted";
  } catch (const policy_error& e) {
    EXPECT_EQ(e.json_path(), "$.inputs.users.linear");
  }
}

// SPEC §9 conformance: every row of expected_inputs.csv, expected_classified.csv, expected_invalid.csv.
TEST(inputs_conformance, derived_inputs_of_every_row) {
  const policy pol = mapping_policy();
  const text_table crm = crm_export();
  const table expected = read_table(conformance_path("mapping/expected_inputs.csv"));
  const riskscale::mapped_inputs mapped = riskscale::map_inputs(crm.view, pol, {1, 0});
  ASSERT_EQ(expected.rows.size(), crm.data.rows.size());
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    SCOPED_TRACE(expected.cell(r, "account_id"));
    ASSERT_EQ(expected.cell(r, "account_id"), crm.data.cell(r, "Account ID"));
    for (std::size_t f = 0; f < mapped.fields.size(); ++f) {
      const double want = expected.number(r, mapped.fields[f]);
      const double got = mapped.values[f][r];
      EXPECT_EQ(std::isnan(got), std::isnan(want)) << mapped.fields[f] << " got " << got;
      if (!std::isnan(want)) {
        const double tolerance = mapped.fields[f] == "active_days" ? 1e-12 : 1e-9;
        EXPECT_NEAR(got, want, tolerance) << mapped.fields[f];
      }
    }
  }
}

TEST(inputs_conformance, classified_rows_match_and_invalid_rows_name_input_and_reason) {
  const policy pol = mapping_policy();
  const text_table crm = crm_export();
  const table classified = read_table(conformance_path("mapping/expected_classified.csv"));
  const table invalid = read_table(conformance_path("mapping/expected_invalid.csv"));
  std::map<std::string, std::size_t> classified_row, invalid_row;
  for (std::size_t r = 0; r < classified.rows.size(); ++r) classified_row[classified.cell(r, "account_id")] = r;
  for (std::size_t r = 0; r < invalid.rows.size(); ++r) invalid_row[invalid.cell(r, "account_id")] = r;
  const batch_result result = riskscale::classify(crm.view, pol, {2, 7});
  const std::vector<std::string> fields = pol.input_fields();
  const std::vector<std::string>& scores = riskscale::testing::conformance_score_columns;
  std::size_t seen_valid = 0, seen_invalid = 0;
  for (std::size_t r = 0; r < result.rows; ++r) {
    const std::string id = crm.data.cell(r, "Account ID");
    SCOPED_TRACE(id);
    const auto i = static_cast<Eigen::Index>(r);
    if (result.status[r] != row_status::ok) {
      ASSERT_EQ(invalid_row.count(id), 1u) << "rejected, reason " << to_string(result.status[r]);
      const std::string reason =
          fields[static_cast<std::size_t>(result.invalid_field[r])] + ":" + std::string(to_string(result.status[r]));
      EXPECT_EQ(reason, invalid.cell(invalid_row[id], "reason"));
      EXPECT_TRUE(std::isnan(result.risk_score[i]));
      ++seen_invalid;
      continue;
    }
    ASSERT_EQ(classified_row.count(id), 1u);
    const std::size_t e = classified_row[id];
    ++seen_valid;
    const double got[] = {result.risk_score[i],    result.scale_score[i],   result.frequency_score[i],
                          result.reach_score[i],   result.margin[i],        result.membership[0][i],
                          result.membership[1][i], result.membership[2][i], result.membership[3][i]};
    for (std::size_t c = 0; c < scores.size(); ++c) EXPECT_NEAR(got[c], classified.number(e, scores[c]), 1e-9);
    EXPECT_EQ(to_string(static_cast<riskscale::archetype>(result.archetype[r])), classified.cell(e, "archetype"));
    EXPECT_EQ(result.borderline[r] != 0, classified.cell(e, "borderline") == "True");
    std::string ids;
    for (std::int16_t j = 0; j < result.recommendation_count[r]; ++j) {
      ids += (j ? ";" : "") +
             pol.catalog()[static_cast<std::size_t>(
                               result.recommendations[r * result.recommendation_width + static_cast<std::size_t>(j)])]
                 .id;
    }
    EXPECT_EQ(ids, classified.cell(e, "recommendations"));
    const double users = classified.number(e, "users_for_high_scale");
    EXPECT_EQ(std::isnan(result.users_for_high_scale[i]), std::isnan(users));
    if (!std::isnan(users)) {
      EXPECT_NEAR(result.users_for_high_scale[i], users, 1.0);
    }
    const double days = classified.number(e, "active_days_for_high_scale");
    EXPECT_EQ(std::isnan(result.active_days_for_high_scale[i]), std::isnan(days));
    if (!std::isnan(days)) {
      EXPECT_NEAR(result.active_days_for_high_scale[i], days, 1e-9);
    }
  }
  EXPECT_EQ(seen_valid, classified.rows.size());
  EXPECT_EQ(seen_invalid, invalid.rows.size());
}

// The row index of account `id` in the CRM export.
std::size_t row_of(const text_table& crm, const std::string& id) {
  for (std::size_t r = 0; r < crm.data.rows.size(); ++r) {
    if (crm.data.cell(r, "Account ID") == id) return r;
  }
  throw std::runtime_error("no row " + id);
}

TEST(inputs_messages, invalid_rows_name_input_column_cell_and_rule) {
  const policy pol = mapping_policy();
  const text_table crm = crm_export();
  const riskscale::input_plan plan(pol, crm.view);
  const std::vector<std::string> fields = pol.input_fields();
  const auto field = [&](const char* name) {
    return static_cast<std::size_t>(std::find(fields.begin(), fields.end(), name) - fields.begin());
  };
  const std::map<std::string, std::pair<const char*, std::string>> cases = {
      {"BAD_UNMAPPED",
       {"legal_exposure",
        "legal_exposure: Compliance = \"ISO 27001\" matches no key of inputs.legal_exposure.max[0].map"}},
      {"BAD_MAX_BRANCH",
       {"legal_exposure", "legal_exposure: Compliance = \"\" matches no key of inputs.legal_exposure.max[0].map"}},
      {"BAD_BELOW_BAND",
       {"org_disruption",
        "org_disruption: Admins = \"-1\" is below the first band of inputs.org_disruption.bands (lower bound 0)"}},
      {"BAD_SCALE_RANGE",
       {"active_days",
        "active_days: DAU/MAU = \"1.2\" gives 36, above the range [0, 31] (inputs.active_days.scale); accepted: a "
        "result in [0, 31]"}},
      {"BAD_TEXT",
       {"users", "users: Licensed Users = \"many\" is not a number (inputs.users.linear); accepted: a number"}},
      {"BAD_EMPTY_NUMBER",
       {"active_days", "active_days: DAU/MAU is empty (inputs.active_days.scale); accepted: a number"}},
  };
  for (const auto& [id, want] : cases) {
    const riskscale::input_failure failure = plan.failure(row_of(crm, id), field(want.first));
    EXPECT_EQ(failure.message, want.second) << id;
    EXPECT_EQ(failure.input, want.first);
  }
  try {
    (void)riskscale::map_account(crm.view, row_of(crm, "BAD_UNMAPPED"), pol);
    ADD_FAILURE() << "BAD_UNMAPPED mapped";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "legal_exposure");
    EXPECT_EQ(e.account_id(), "BAD_UNMAPPED");
    EXPECT_NE(std::string(e.what()).find("\"ISO 27001\" matches no key"), std::string::npos) << e.what();
  }
}

TEST(inputs_messages, unmapped_industry_as_in_the_spec) {
  const policy pol = policy::from_json(
      with_inputs(R"({"sensitive_data": {"column": "Industry", "map": {"Healthcare": 0.9, "Retail": 0.3}}})"));
  std::vector<std::string_view> industry = {"Aerospace"};
  std::vector<double> number = {0.5};
  source_table table(1);
  table.add("Industry", source_column::text(industry.data()));
  for (const char* name : {"org_disruption", "physical_safety", "legal_exposure", "active_days", "users"}) {
    table.add(name, source_column::numbers(number.data()));
  }
  const riskscale::input_plan plan(pol, table);
  EXPECT_EQ(plan.failure(0, 0).message,
            "sensitive_data: Industry = \"Aerospace\" matches no key of inputs.sensitive_data.map");
  EXPECT_EQ(plan.failure(0, 0).status, row_status::unmapped_value);
}

TEST(inputs_single_account, map_account_matches_the_batch_and_names_origins) {
  const policy pol = mapping_policy();
  const text_table crm = crm_export();
  const riskscale::mapped_inputs mapped = riskscale::map_inputs(crm.view, pol);
  const std::size_t row = row_of(crm, "M015");  // Healthcare, HIPAA, Yes
  std::vector<riskscale::input_origin> origins;
  const riskscale::account a = riskscale::map_account(crm.view, row, pol, &origins);
  EXPECT_EQ(a.account_id, "M015");
  const std::vector<std::string> fields = pol.input_fields();
  for (std::size_t f = 0; f < fields.size(); ++f) EXPECT_EQ(*a.field(fields[f]), mapped.values[f][row]) << fields[f];
  ASSERT_EQ(origins.size(), fields.size());
  EXPECT_EQ(origins[0].description, "from Industry = 'Healthcare'");
  EXPECT_EQ(origins[2].description, "fixed value (inputs.physical_safety.value)");
  EXPECT_EQ(origins[3].description, "from Compliance = 'HIPAA' (largest of inputs.legal_exposure.max)");
  const riskscale::account mining = riskscale::map_account(crm.view, row_of(crm, "M016"), pol, &origins);
  EXPECT_EQ(mining.sensitive_data, 0.2);
  EXPECT_EQ(origins[fields.size()].description, "from Industry = 'Mining' (default of inputs.sensitive_data)");
}

TEST(inputs_sources, missing_source_column_names_the_rule_that_wants_it) {
  const policy pol = mapping_policy();
  source_table empty(0);
  try {
    const riskscale::input_plan plan(pol, empty);
    ADD_FAILURE() << "bound without columns";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "sensitive_data");
    EXPECT_NE(std::string(e.what()).find("\"Industry\" is missing; $.inputs.sensitive_data reads it"),
              std::string::npos)
        << e.what();
  }
  const std::vector<riskscale::source_request> requests = riskscale::source_columns(pol);
  std::vector<std::string> names;
  for (const auto& request : requests) names.push_back(request.column);
  EXPECT_EQ(names, (std::vector<std::string>{"Account ID", "Industry", "Admins", "Compliance", "Handles PII", "DAU/MAU",
                                             "Licensed Users"}));
  EXPECT_EQ(requests[3].json_path, "$.inputs.legal_exposure.max[0]");
}

// Columns of other kinds give the same results as text: numbers, categories.
TEST(inputs_sources, numbers_and_categories_map_like_their_text) {
  const policy pol = policy::from_json(with_inputs(R"({
      "sensitive_data": {"column": "Tier", "map": {"1": 0.9, "2.5": 0.4}, "default": 0.1},
      "org_disruption": {"column": "Kind", "map": {"ops": 0.7}},
      "active_days": {"column": "Days", "bands": [[0, 2], [10, 20]]},
      "seats": "Seats"})"));
  const std::vector<double> tier = {1, 2.5, 3, NAN};
  const std::vector<std::string_view> kinds = {"OPS ", "x"};
  const std::vector<std::int32_t> kind_codes = {0, 0, 1, -1};
  const std::vector<double> days = {12, 3, 0, 10};
  const std::vector<double> seats = {NAN, 4, 5, 6};
  const std::vector<double> rest = {0.5, 0.5, 0.5, 0.5};
  const std::vector<double> users = {100, 100, 100, 100};
  source_table table(4);
  table.add("Tier", source_column::numbers(tier.data()))
      .add("Kind", source_column::from_categories(kind_codes.data(), kinds.data(), kinds.size()))
      .add("Days", source_column::numbers(days.data()))
      .add("Seats", source_column::numbers(seats.data()))
      .add("physical_safety", source_column::numbers(rest.data()))
      .add("legal_exposure", source_column::numbers(rest.data()))
      .add("users", source_column::numbers(users.data()));
  const riskscale::mapped_inputs mapped = riskscale::map_inputs(table, pol);
  EXPECT_EQ(mapped.values[0], (std::vector<double>{0.9, 0.4, 0.1, 0.1}));
  EXPECT_EQ(mapped.values[1][0], 0.7);
  EXPECT_EQ(mapped.values[4][0], 20.0);
  EXPECT_EQ(mapped.values[4][1], 2.0);
  EXPECT_TRUE(std::isnan(mapped.values[6][0]));  // empty seats: absent, the row stays valid
  EXPECT_EQ(mapped.status[0], row_status::ok);
  EXPECT_EQ(mapped.status[1], row_status::ok);
  EXPECT_EQ(mapped.status[2], row_status::unmapped_value);  // "x"
  EXPECT_EQ(mapped.invalid_field[2], 1);
  EXPECT_EQ(mapped.status[3], row_status::unmapped_value);  // empty category, no default
}

TEST(inputs_sources, seats_absent_without_its_column_and_checked_when_mapped) {
  const policy pol = policy::from_json(with_inputs(R"({"seats": {"column": "S", "scale": 1000}})"));
  const std::vector<double> half = {0.5, 0.5};
  const std::vector<double> s = {5, 2e6};
  source_table table(2);
  for (const char* name :
       {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days", "users"}) {
    table.add(name, source_column::numbers(half.data()));
  }
  table.add("S", source_column::numbers(s.data()));
  const batch_result result = riskscale::classify(table, pol);
  EXPECT_EQ(result.status[0], row_status::ok);
  EXPECT_EQ(result.status[1], row_status::above_range);  // 2e9 seats
  EXPECT_EQ(result.invalid_field[1], 6);
  EXPECT_TRUE(std::isnan(result.risk_score[1]));  // seats alone failed: still no scores
  EXPECT_EQ(result.archetype[1], -1);
}

TEST(inputs_sources, first_failing_input_in_spec_order) {
  // users fails (text) and sensitive_data fails (map): sensitive_data is reported.
  const policy pol = policy::from_json(with_inputs(R"({"sensitive_data": {"column": "I", "map": {"a": 1}}})"));
  const std::vector<std::string_view> text = {"b"};
  const std::vector<std::string_view> users = {"many"};
  const std::vector<double> half = {0.5};
  source_table table(1);
  table.add("I", source_column::text(text.data())).add("users", source_column::text(users.data()));
  for (const char* name : {"org_disruption", "physical_safety", "legal_exposure", "active_days"}) {
    table.add(name, source_column::numbers(half.data()));
  }
  const batch_result result = riskscale::classify(table, pol);
  EXPECT_EQ(result.status[0], row_status::unmapped_value);
  EXPECT_EQ(result.invalid_field[0], 0);
}

// Property: an `inputs` that only renames gives the results of the renamed table without it.
TEST(inputs_property, renaming_only_gives_the_results_of_the_renamed_table) {
  const policy plain;
  const policy renamed = policy::from_json(with_inputs(R"({
      "account_id": "Id", "sensitive_data": "SD", "org_disruption": {"column": "OD"}, "physical_safety": "PS",
      "legal_exposure": "LE", "active_days": "Days", "users": "Users", "seats": "Seats"})"));
  std::mt19937_64 random(16);
  std::uniform_real_distribution<double> unit(-0.05, 1.05);  // a few out of range
  constexpr std::size_t rows = 3000;
  std::vector<std::string> text[7];
  const char* names[7] = {"SD", "OD", "PS", "LE", "Days", "Users", "Seats"};
  const char* model[7] = {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days",
                          "users",          "seats"};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < 7; ++c) {
      const double scale = c == 4 ? 31.0 : c >= 5 ? 2000.0 : 1.0;
      std::string cell = riskscale::format_number(unit(random) * scale);
      if (r % 97 == 3 && c == r % 7) cell = "";     // empty cells
      if (r % 89 == 5 && c == r % 7) cell = "n/a";  // text
      text[c].push_back(cell);
    }
  }
  std::vector<std::string_view> views[7];
  source_table by_rule(rows), by_name(rows);
  for (std::size_t c = 0; c < 7; ++c) {
    for (const auto& cell : text[c]) views[c].push_back(cell);
    by_rule.add(names[c], source_column::text(views[c].data()));
    by_name.add(model[c], source_column::text(views[c].data()));
  }
  const batch_result a = riskscale::classify(by_rule, renamed, {2, 256});
  const batch_result b = riskscale::classify(by_name, plain, {1, 0});
  std::size_t invalid = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto i = static_cast<Eigen::Index>(r);
    ASSERT_EQ(a.status[r], b.status[r]) << r;
    ASSERT_EQ(a.invalid_field[r], b.invalid_field[r]) << r;
    if (a.status[r] != row_status::ok) {
      ++invalid;
      continue;
    }
    ASSERT_EQ(a.risk_score[i], b.risk_score[i]);
    ASSERT_EQ(a.scale_score[i], b.scale_score[i]);
    ASSERT_EQ(a.margin[i], b.margin[i]);
  }
  EXPECT_EQ(a.recommendations, b.recommendations);
  EXPECT_GT(invalid, 100u);  // the property covers invalid rows too
  // And the table in model units through the numeric batch API gives the same results.
  std::vector<std::vector<double>> numbers(7);
  riskscale::portfolio numeric(rows);
  for (std::size_t c = 0; c < 6; ++c) {
    for (const auto& cell : text[c]) {
      double value = NAN;
      numbers[c].push_back(riskscale::parse_number(cell, value) ? value : NAN);
    }
    numeric.add(model[c], numbers[c]);
  }
  const batch_result n = riskscale::classify(numeric, plain, {1, 0});
  for (std::size_t r = 0; r < rows; ++r) {
    if (a.status[r] != row_status::ok) continue;
    const auto i = static_cast<Eigen::Index>(r);
    ASSERT_EQ(n.status[r], row_status::ok);
    ASSERT_EQ(a.risk_score[i], n.risk_score[i]);
    ASSERT_EQ(a.reach_score[i], n.reach_score[i]);
  }
}

TEST(inputs_rules, linear_is_flat_beyond_its_ends_and_exact_at_knots) {
  const policy pol = policy::from_json(with_inputs(R"({"users": {"column": "U", "linear": [[10, 0], [20, 100]]}})"));
  const std::vector<double> u = {0, 10, 15, 20, 1e6};
  const std::vector<double> half(5, 0.5);
  source_table table(5);
  table.add("U", source_column::numbers(u.data()));
  for (const char* name : {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "active_days"}) {
    table.add(name, source_column::numbers(half.data()));
  }
  const riskscale::mapped_inputs mapped = riskscale::map_inputs(table, pol);
  EXPECT_EQ(mapped.values[5], (std::vector<double>{0, 0, 50, 100, 100}));
}

TEST(inputs_rules, map_trims_spaces_and_tabs_and_folds_ascii_case_only) {
  const policy pol = policy::from_json(
      with_inputs(R"({"sensitive_data": {"column": "I", "map": {"Financial Services": 0.85, "Ärzte": 0.7}}})"));
  const std::vector<std::string_view> cells = {"\t financial SERVICES ", "Financial  Services", "Ärzte", "äRZTE",
                                               "Financial Services\n"};
  const std::vector<double> half(5, 0.5);
  source_table table(5);
  table.add("I", source_column::text(cells.data()));
  for (const char* name : {"org_disruption", "physical_safety", "legal_exposure", "active_days", "users"}) {
    table.add(name, source_column::numbers(half.data()));
  }
  const riskscale::mapped_inputs mapped = riskscale::map_inputs(table, pol);
  EXPECT_EQ(mapped.values[0][0], 0.85);
  EXPECT_EQ(mapped.status[1], row_status::unmapped_value);  // inner spaces count
  EXPECT_EQ(mapped.values[0][2], 0.7);
  EXPECT_EQ(mapped.status[3], row_status::unmapped_value);  // non-ASCII letters are not folded
  EXPECT_EQ(mapped.status[4], row_status::unmapped_value);  // only spaces and tabs are trimmed
}

}  // namespace
