// src/report: the Onboarding and lifecycle section (core metric results) and the journey map of
// given plans (plans read back from touchpoint rows).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "report/lifecycle.hpp"
#include "report/plans.hpp"
#include "report/report.hpp"
#include "riskscale/riskscale.hpp"

namespace {

namespace report = riskscale::report;
namespace m = riskscale::metrics;

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Two accounts: one high scale, high risk, one low scale, low risk.
struct two_accounts {
  std::vector<std::string> ids{"A1", "A4"};
  std::vector<std::vector<double>> values{{0.9, 0.1}, {0.5, 0.1}, {0.5, 0.0}, {0.9, 0.1}, {20, 2}, {1000, 5}};
  riskscale::portfolio inputs{2};
  report::snapshot view() {
    const char* names[] = {"sensitive_data", "org_disruption", "physical_safety",
                           "legal_exposure", "active_days",    "users"};
    for (int i = 0; i < 6; ++i) inputs.add(names[i], values[static_cast<std::size_t>(i)].data());
    return {&ids, &inputs};
  }
};

report::report_options options() {
  report::report_options o;
  o.start = riskscale::date::parse("2027-01-04");
  o.threads = 1;
  return o;
}

// Impact: 20 completed accounts of high_scale_high_risk (16 renewed) against 5 others (2 renewed, a small
// group); adoption: 100 seats, 80 trained, 60 active, and 50 seats, 10 trained, 40 active.
report::lifecycle_metrics sample_metrics() {
  report::lifecycle_metrics lm;
  std::vector<double> completed, renewed;
  std::vector<std::int8_t> archetype;
  for (int i = 0; i < 25; ++i) {
    completed.push_back(i < 20 ? 1 : 0);
    renewed.push_back(i < 16 || (i >= 20 && i < 22) ? 1 : 0);
    archetype.push_back(0);
  }
  m::impact_input in;
  in.completed = completed;
  in.outcome = renewed;
  in.archetype = archetype;
  lm.impact.push_back({"renewed", m::impact(in, lm.impact_settings)});
  const std::vector<double> seats{100, 50}, trained{80, 10}, active{60, 40};
  const std::vector<std::int8_t> types{0, 3};
  m::adoption_input a;
  a.seats = seats;
  a.trained = trained;
  a.active = active;
  a.archetype = types;
  lm.adoption = m::adoption(a).groups;
  return lm;
}

TEST(ReportLifecycle, LeadingBesideLaggingWithStagesIntervalsAndSmallGroups) {
  two_accounts now;
  const riskscale::policy pol;
  const report::report_options o = options();
  report::report_data data = report::collect(pol, now.view(), std::nullopt, o);
  data.lifecycle = sample_metrics();
  const std::string page = report::render_report(data, o);
  const std::size_t begin = page.find("<section id=\"lifecycle\">");
  ASSERT_NE(begin, std::string::npos);
  EXPECT_NE(page.find("<a href=\"#lifecycle\">"), std::string::npos);
  const std::string section = page.substr(begin, page.find("</section>", begin) - begin);
  // Every chart of the section has a title, a description and the table of its numbers.
  EXPECT_EQ(occurrences(section, "<svg "), 2u);
  EXPECT_EQ(occurrences(section, "<desc id="), 2u);
  EXPECT_NE(section.find("id=\"leading-chart\""), std::string::npos);
  EXPECT_NE(section.find("id=\"impact-chart\""), std::string::npos);
  // Each leading metric is labelled with its stage: adoption, 90 of 150 seats trained overall.
  EXPECT_NE(section.find("<td>adoption</td><td>training coverage</td><td>trained / seats</td><td>adoption</td>"
                         "<td class=\"n\" data-group=\"high_scale_high_risk\">80.0%</td>"),
            std::string::npos);
  EXPECT_NE(section.find("data-group=\"overall\">60.0%</td>"), std::string::npos);
  // Impact: 16/20 = 80.0% against 2/5 = 40.0%, +40.0 points, with an error bar per row with an interval.
  const m::impact_group& x = data.lifecycle.impact[0].groups[0];
  EXPECT_NE(section.find("<td class=\"n rate-completed\">80.0%</td>"), std::string::npos);
  EXPECT_NE(section.find("<td class=\"n rate-not-completed\">40.0%</td>"), std::string::npos);
  EXPECT_NE(section.find("<td class=\"n difference\">+40.0</td>"), std::string::npos);
  EXPECT_EQ(occurrences(section, "class=\"error-bar\""), 2u);  // high_scale_high_risk and overall
  EXPECT_TRUE(m::has(x.reasons, m::reason::small_group));
  EXPECT_NE(section.find("<td class=\"flag\">small_group</td>"), std::string::npos);
  EXPECT_NE(section.find("(small group)</text>"), std::string::npos);
  // The summary orders the metrics with the groups by how much they vary: the 60-point spread of training
  // coverage first (weighs 60 % of the accounts), the archetypes of 50 % each, the 40-point impact, then
  // activation (20 points).
  const std::size_t first_item = page.find("<li>", page.find("id=\"headlines\""));
  EXPECT_EQ(page.compare(first_item, 21, "<li>training coverage"), 0) << page.substr(first_item, 80);
  const std::size_t impact_line = page.find(
      "<li>renewed (renewal): 80.0% of the accounts that completed onboarding "
      "against 40.0% of the others (+40.0 points, 95% CI ");
  EXPECT_LT(first_item, page.find("<li>50.0% of the accounts"));
  EXPECT_LT(page.find("<li>50.0% of the accounts"), impact_line);
  EXPECT_LT(impact_line, page.find("<li>activation (adoption"));
  EXPECT_NE(page.find("a small group, too few accounts to act on alone.</li>"), std::string::npos);
  EXPECT_NE(page.find("training coverage (adoption, trained / seats): 60.0% overall, from 20.0% "
                      "(low_scale_low_risk) to 80.0% (high_scale_high_risk)."),
            std::string::npos);
}

TEST(ReportLifecycle, NoMetricsNoSection) {
  two_accounts now;
  const riskscale::policy pol;
  const report::report_options o = options();
  const std::string page = report::render_report(report::collect(pol, now.view(), std::nullopt, o), o);
  EXPECT_EQ(page.find("id=\"lifecycle\""), std::string::npos);
  EXPECT_EQ(page.find("#lifecycle"), std::string::npos);
  EXPECT_TRUE(report::lifecycle_metrics{}.empty());
  EXPECT_TRUE(report::lifecycle_headlines(report::lifecycle_metrics{}, 10).empty());
}

report::plan_rows rows_of(const std::vector<std::vector<std::string>>& table) {
  report::plan_rows r;
  for (const auto& row : table) {
    r.account_id.push_back(row[0]);
    r.day.push_back(row[1]);
    r.date.push_back(row[2]);
    r.stage.push_back(row[3]);
    r.channel.push_back(row[4]);
    r.kind.push_back(row[5]);
    r.title.push_back(row[6]);
    r.archetype.push_back(row[7]);
    r.detail.push_back(row[8]);
  }
  return r;
}

const std::vector<std::vector<std::string>> planned = {
    {"ZZ", "0", "2027-01-04", "launch", "email", "welcome", "Hello ZZ", "high_scale_high_risk", ""},
    {"A1", "0", "2027-01-04", "launch", "email", "welcome", "Hello A1", "high_scale_high_risk", ""},
    {"A1", "14", "2027-01-18", "adoption", "call", "milestone", "First report", "high_scale_high_risk", "a report"},
    {"A4", "2", "2027-01-06", "launch", "lab", "training", "Lab", "low_scale_low_risk", ""}};

TEST(ReportPlans, ReadBackFromTouchpointRows) {
  const std::vector<riskscale::onboarding_plan> plans = report::plans_from_rows(rows_of(planned));
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[1].account_id, "A1");
  EXPECT_EQ(plans[1].touchpoints.size(), 2u);
  EXPECT_EQ(plans[1].length_days, 15);
  EXPECT_EQ(plans[1].end.to_string(), "2027-01-18");
  ASSERT_EQ(plans[1].milestones.size(), 1u);
  EXPECT_EQ(plans[1].milestones[0].criterion, "a report");
  EXPECT_EQ(plans[1].touchpoints[1].channel, riskscale::channel::call);
  EXPECT_EQ(plans[2].start.to_string(), "2027-01-04");  // day 2 on 2027-01-06
}

TEST(ReportPlans, BadRowsAreNamed) {
  const auto refusal = [](std::vector<std::vector<std::string>> table, std::size_t row, std::size_t column,
                          const std::string& value) {
    table[row][column] = value;
    try {
      (void)report::plans_from_rows(rows_of(table));
    } catch (const riskscale::input_error& e) {
      return e.field() + "@" + std::to_string(e.row().value_or(99)) + ": " + e.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(refusal(planned, 2, 4, "fax").rfind("channel@2: 'fax' is not a channel; accepted: email", 0), 0u);
  EXPECT_EQ(refusal(planned, 3, 1, "1.5").rfind("day@3: '1.5' is not a day", 0), 0u);
  EXPECT_EQ(refusal(planned, 2, 2, "2027-01-19").rfind("date@2: '2027-01-19' is not the account's start", 0), 0u);
  EXPECT_EQ(refusal(planned, 2, 7, "low_scale_low_risk").rfind("archetype@2: 'low_scale_low_risk' differs", 0), 0u);
  EXPECT_EQ(refusal(planned, 0, 5, "party").rfind("kind@0: 'party' is not a kind", 0), 0u);
  report::plan_rows missing = rows_of(planned);
  missing.channel.clear();
  EXPECT_THROW((void)report::plans_from_rows(missing), riskscale::input_error);
}

TEST(ReportPlans, TheJourneyOfTheMostTypicalPlannedAccount) {
  two_accounts now;
  const riskscale::policy pol;
  report::report_options o = options();
  const std::vector<riskscale::onboarding_plan> plans = report::plans_from_rows(rows_of(planned));
  o.plans = &plans;
  const report::report_data data = report::collect(pol, now.view(), std::nullopt, o);
  EXPECT_TRUE(data.plans_given);
  ASSERT_EQ(data.journeys.size(), 2u);           // the archetypes of the plans
  EXPECT_EQ(data.journeys[0].account_id, "A1");  // classified, so more typical than ZZ (not in the accounts)
  EXPECT_EQ(data.journeys[1].account_id, "A4");
  const std::string page = report::render_report(data, o);
  EXPECT_NE(page.find("The given plans: for each archetype present"), std::string::npos);
  EXPECT_NE(page.find("id=\"journey-chart-high_scale_high_risk\""), std::string::npos);
  EXPECT_EQ(page.find("id=\"journey-chart-high_scale_low_risk\""), std::string::npos);
  EXPECT_NE(page.find("Hello A1"), std::string::npos);
  EXPECT_EQ(page.find("Hello ZZ"), std::string::npos);
}

}  // namespace
