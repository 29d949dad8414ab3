// The metric tables' column declaration (metrics/schema.hpp): consistent with itself, and the output
// column lists it gives for the choices a front end makes.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/metrics.hpp"

namespace {

namespace m = riskscale::metrics;

// Usable in constant expressions: a front end may look a table up at compile time.
static_assert(m::find_metric_table("impact")->metric == "impact");
static_assert(m::find_metric_table("nothing") == nullptr);
static_assert(m::find_metric_table("adoption")->input("seats")->required);
static_assert(m::find_metric_table("interaction")->levels[0].name == "row");

bool placeholder_free(std::string_view name) { return name.find('{') == std::string_view::npos; }

TEST(MetricSchema, TableNamesAreUniqueAndFound) {
  std::set<std::string_view> names;
  for (const m::metric_table_schema& table : m::metric_tables) {
    EXPECT_FALSE(table.metric.empty());
    EXPECT_FALSE(table.rows.empty()) << table.metric;
    EXPECT_TRUE(names.insert(table.metric).second) << table.metric << " is declared twice";
    EXPECT_EQ(m::find_metric_table(table.metric), &table);
  }
  for (const char* metric : {"adoption", "funnel", "program", "impact", "interaction", "cost"}) {
    EXPECT_NE(m::find_metric_table(metric), nullptr) << metric;
  }
}

TEST(MetricSchema, InputsAreUniqueNamedAndSayWhatIsAccepted) {
  for (const m::metric_table_schema& table : m::metric_tables) {
    std::set<std::string_view> names;
    for (const m::metric_input& column : table.inputs) {
      EXPECT_FALSE(column.name.empty()) << table.metric;
      EXPECT_FALSE(column.accepted.empty()) << table.metric << "." << column.name;
      EXPECT_TRUE(names.insert(column.name).second) << table.metric << "." << column.name << " is declared twice";
      EXPECT_EQ(table.input(column.name), &column);
      EXPECT_NE(m::to_string(column.kind), "") << table.metric << "." << column.name;
    }
    EXPECT_EQ(table.input("no such column"), nullptr);
  }
}

TEST(MetricSchema, EveryLevelHasUniqueColumnsAndTablesWithInputEndWithReason) {
  for (const m::metric_table_schema& table : m::metric_tables) {
    if (table.levels.empty()) {
      EXPECT_FALSE(table.inputs.empty()) << table.metric << " neither reads nor writes";
      continue;
    }
    std::set<std::string_view> levels;
    for (const m::metric_level& level : table.levels) {
      EXPECT_TRUE(levels.insert(level.name).second) << table.metric << " level " << level.name;
      ASSERT_FALSE(level.columns.empty()) << table.metric << " level " << level.name;
      std::set<std::string_view> names;
      for (const m::metric_output& column : level.columns) {
        EXPECT_TRUE(names.insert(column.name).second)
            << table.metric << " level " << level.name << ": " << column.name << " twice";
      }
      EXPECT_EQ(table.level(level.name), &level);
      if (!table.inputs.empty()) {
        EXPECT_EQ(level.columns[level.columns.size() - 1].name, m::reason_column.name) << table.metric;
      }
    }
  }
}

TEST(MetricSchema, PatternsAndCopiedColumnsAreDeclaredConsistently) {
  for (const m::metric_table_schema& table : m::metric_tables) {
    for (const m::metric_level& level : table.levels) {
      for (const m::metric_output& column : level.columns) {
        const std::string where =
            std::string(table.metric) + " " + std::string(level.name) + " " + std::string(column.name);
        switch (column.each) {
          case m::repeated::once: EXPECT_TRUE(placeholder_free(column.name) || column.name == "{by}") << where; break;
          case m::repeated::each_stage:
          case m::repeated::each_later_stage:
            EXPECT_NE(column.name.find("{stage}"), std::string_view::npos) << where;
            break;
          case m::repeated::each_mode: EXPECT_NE(column.name.find("{mode}"), std::string_view::npos) << where; break;
        }
        // A column copied from the input is one the table declares reading (or the named one).
        if (column.when == m::shown_when::input_has || column.when == m::shown_when::row_identity) {
          EXPECT_TRUE(column.name == "{by}" || table.input(column.name) != nullptr) << where;
        }
      }
    }
  }
}

TEST(MetricSchema, ImpactReadsTheDefaultOutcomes) {
  const m::metric_table_schema& impact = *m::find_metric_table("impact");
  for (const std::string_view outcome : m::default_impact_outcomes) {
    ASSERT_NE(impact.input(outcome), nullptr) << outcome;
    EXPECT_EQ(impact.input(outcome)->kind, m::cell_kind::flag);
    EXPECT_FALSE(impact.input(outcome)->required);
  }
  EXPECT_EQ(m::impact_table::completed.name, "onboarding_completed");
  EXPECT_TRUE(m::impact_table::completed.required);
}

TEST(MetricSchema, OutputNamesFollowTheInputAndTheChoices) {
  const auto has = [](std::vector<std::string> present) {
    return [present](std::string_view name) {
      for (const auto& p : present) {
        if (p == name) return true;
      }
      return false;
    };
  };
  m::output_choice plain;
  EXPECT_EQ(m::output_names(*m::find_metric_table("adoption")->level("account"), plain),
            (std::vector<std::string>{"seats", "trained", "active", "training_coverage", "activation",
                                      "shelfware_seats", "reason"}));
  m::output_choice users;
  users.input_has = has({"account_id", "seats"});
  users.with_users = true;
  EXPECT_EQ(
      m::output_names(*m::find_metric_table("adoption")->level("account"), users),
      (std::vector<std::string>{"account_id", "seats", "trained", "active", "users", "trained_inactive",
                                "active_untrained", "training_coverage", "activation", "shelfware_seats", "reason"}));
  EXPECT_EQ(
      m::output_names(*m::find_metric_table("adoption")->level("group"), users),
      (std::vector<std::string>{"archetype", "accounts", "excluded", "seats", "trained", "active", "shelfware_seats",
                                "trained_inactive", "active_untrained", "training_coverage", "activation", "reason"}));

  // Funnel rows: the named column once even when it is also the cohort, identity columns only when asked.
  m::output_choice funnel;
  funnel.input_has = has({"cohort", "account_id", "archetype", "a", "b", "c"});
  funnel.stages = {"a", "b", "c"};
  funnel.by = "cohort";
  funnel.row_identity = true;
  const m::metric_level& rows = *m::find_metric_table("funnel")->level("row");
  EXPECT_EQ(m::output_names(rows, funnel),
            (std::vector<std::string>{"cohort", "account_id", "archetype", "a", "b", "c", "conversion_to_b",
                                      "conversion_to_c", "overall_conversion", "largest_drop_stage", "reason"}));
  funnel.row_identity = false;
  funnel.by = "region";  // not a column of the input: not written
  EXPECT_EQ(m::output_names(rows, funnel),
            (std::vector<std::string>{"archetype", "a", "b", "c", "conversion_to_b", "conversion_to_c",
                                      "overall_conversion", "largest_drop_stage", "reason"}));

  // Programme: the named course column always heads the table.
  m::output_choice program;
  program.by = "format";
  EXPECT_EQ(m::output_names(*m::find_metric_table("program")->level("group"), program)[0], "format");

  // Cost: one column per delivery mode, in delivery_mode order.
  const std::vector<std::string> cost = m::output_names(*m::find_metric_table("cost")->level("group"), plain);
  ASSERT_EQ(cost.size(), 7 + m::delivery_mode_count);
  for (std::size_t k = 0; k < m::delivery_mode_count; ++k) {
    EXPECT_EQ(cost[6 + k], std::string(m::to_string(static_cast<m::delivery_mode>(k))) + "_cost");
  }

  // Impact: the intervals of both rates and of their difference.
  const std::vector<std::string> impact = m::output_names(*m::find_metric_table("impact")->level("group"), plain);
  EXPECT_EQ(impact.size(), 16U);
  EXPECT_EQ(impact[5], "completed_ci_lower");
  EXPECT_EQ(impact[13], "ci_lower");
  EXPECT_EQ(impact[14], "ci_upper");
}

TEST(MetricSchema, FunnelStagesAreEveryColumnButTheKeysAndTheArchetype) {
  for (const char* key : {"archetype", "cohort", "account_id", "period", "channel"}) {
    EXPECT_FALSE(m::funnel_table::is_stage_column(key)) << key;
  }
  for (const char* stage : {"invited", "logged_in", "certified", "Cohort", "stage"}) {
    EXPECT_TRUE(m::funnel_table::is_stage_column(stage)) << stage;
  }
}

}  // namespace
