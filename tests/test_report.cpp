// src/report: the numbers the portfolio report gathers from the core, and the HTML it renders.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "report/html.hpp"
#include "report/report.hpp"
#include "riskscale/riskscale.hpp"

namespace {

using riskscale::archetype;
namespace report = riskscale::report;

// A hand-made snapshot: ids and the six required SPEC §2 inputs.
struct sample {
  std::vector<std::string> ids;
  std::map<std::string, std::vector<double>> columns;
  riskscale::portfolio inputs{0};

  void add(const std::string& id, double sensitive, double disruption, double safety, double legal, double days,
           double users) {
    ids.push_back(id);
    const double values[] = {sensitive, disruption, safety, legal, days, users};
    const char* names[] = {"sensitive_data", "org_disruption", "physical_safety",
                           "legal_exposure", "active_days",    "users"};
    for (int i = 0; i < 6; ++i) columns[names[i]].push_back(values[i]);
  }
  report::snapshot view() {
    inputs = riskscale::portfolio(ids.size());
    for (auto& [name, values] : columns) inputs.add(name, values);
    return {&ids, &inputs};
  }
  riskscale::account account(std::size_t row) const {
    riskscale::account a;
    a.account_id = ids[row];
    for (const auto& [name, values] : columns) a.set_field(name, values[row]);
    return a;
  }
};

sample current_portfolio() {
  sample s;
  s.add("A1", 0.9, 0.5, 0.5, 0.9, 20, 1000);  // high scale, high risk
  s.add("A2", 0.1, 0.1, 0.0, 0.1, 20, 1000);  // high scale, low risk
  s.add("A3", 0.9, 0.5, 0.5, 0.9, 2, 5);      // low scale, high risk
  s.add("A4", 0.1, 0.1, 0.0, 0.1, 2, 5);      // low scale, low risk
  s.add("<b>&x", 0.1, 0.1, 0.0, 0.55, 2, 5);  // near the risk line, and an id that must be escaped
  s.add("BAD", 0.1, 0.1, 0.0, 0.1, 2, -1);    // invalid: negative users
  return s;
}

sample previous_portfolio() {
  sample s;
  s.add("A2", 0.1, 0.1, 0.0, 0.1, 20, 5);  // was low scale: moved to high scale by reach
  s.add("A3", 0.9, 0.5, 0.5, 0.9, 2, 5);
  s.add("A4", 0.1, 0.1, 0.0, 0.1, 2, 5);
  s.add("<b>&x", 0.1, 0.1, 0.0, 0.55, 2, 5);
  s.add("BAD", 0.1, 0.1, 0.0, 0.1, 2, 5);
  s.add("OLD", 0.1, 0.1, 0.0, 0.1, 2, 5);  // gone
  return s;
}

report::report_options options() {
  report::report_options o;
  o.start = riskscale::date::parse("2027-01-04");
  o.threads = 1;
  return o;
}

TEST(ReportCollect, CountsAreTheCoresAssessments) {
  sample now = current_portfolio();
  const riskscale::policy pol;
  const report::report_data data = report::collect(pol, now.view(), std::nullopt, options());
  std::map<archetype, std::size_t> expected;
  std::size_t borderline = 0;
  for (std::size_t row = 0; row + 1 < now.ids.size(); ++row) {
    const riskscale::assessment a = riskscale::assess(now.account(row), pol);
    ++expected[a.archetype];
    borderline += a.borderline ? 1 : 0;
  }
  for (archetype type : riskscale::all_archetypes) EXPECT_EQ(data.summary.count(type), expected[type]);
  EXPECT_EQ(data.summary.accounts(), 5u);
  EXPECT_EQ(data.summary.invalid(), 1u);
  EXPECT_EQ(data.summary.borderline(), borderline);
  EXPECT_EQ(data.density.total(), 5u);
  EXPECT_FALSE(data.movement.has_value());
  // The closest account is the one 0.05 from the risk line (margin min(|R - 0.5|, |s - 0.5|)).
  ASSERT_FALSE(data.closest.empty());
  const riskscale::assessment nearest = riskscale::assess(now.account(4), pol);
  EXPECT_EQ(data.closest.front().account_id, "<b>&x");
  EXPECT_DOUBLE_EQ(data.closest.front().margin, nearest.margin);
  EXPECT_NE(data.closest.front().explanation.find("risk "), std::string::npos);
  // One journey per archetype present, each a plan of an account of that archetype.
  ASSERT_EQ(data.journeys.size(), 4u);
  for (const report::journey& j : data.journeys) {
    EXPECT_EQ(j.plan.archetype, j.archetype);
    EXPECT_FALSE(j.plan.touchpoints.empty());
    EXPECT_EQ(j.plan.start, riskscale::date::parse("2027-01-04"));
  }
}

TEST(ReportCollect, MovementIsTheDriftOfTheTwoSnapshots) {
  sample now = current_portfolio(), before = previous_portfolio();
  const riskscale::policy pol;
  const report::report_data data = report::collect(pol, now.view(), before.view(), options());
  ASSERT_TRUE(data.movement.has_value());
  const report::movement& m = *data.movement;
  const riskscale::drift_report drift =
      riskscale::compare_snapshots(before.ids, before.inputs, now.ids, now.inputs, pol);
  EXPECT_EQ(m.matrix, drift.matrix);
  EXPECT_EQ(m.matrix.total(), 7u);  // A1..A4, <b>&x, BAD, OLD
  EXPECT_EQ(m.counts[riskscale::drift_status::moved], 1u);
  EXPECT_EQ(m.counts[riskscale::drift_status::new_account], 1u);
  EXPECT_EQ(m.counts[riskscale::drift_status::gone], 1u);
  EXPECT_EQ(m.counts[riskscale::drift_status::invalid], 1u);
  ASSERT_EQ(m.top_movers.size(), 1u);
  EXPECT_EQ(m.top_movers[0].account_id, "A2");
  EXPECT_EQ(m.top_movers[0].from, archetype::low_scale_low_risk);
  EXPECT_EQ(m.top_movers[0].to, archetype::high_scale_low_risk);
  EXPECT_EQ(m.top_movers[0].driver, "reach");
  EXPECT_NE(m.top_movers[0].reason.find("users 5 → 1000"), std::string::npos);
  ASSERT_EQ(m.drivers.size(), 1u);
  EXPECT_EQ(m.drivers[0], (std::pair<std::string, std::size_t>{"reach", 1}));
  std::size_t alerts = 0;
  for (const auto& [kind, n] : m.alerts) alerts += n;
  EXPECT_EQ(alerts, drift.alerts.size());
  // Previous archetype counts: the old snapshot's valid accounts (OLD and the four kept ones).
  EXPECT_EQ(m.previous_counts[static_cast<std::size_t>(archetype::low_scale_low_risk)], 4u);
}

TEST(ReportCollect, DuplicateIdsWithAPreviousSnapshotAreRefused) {
  sample now = current_portfolio(), before = previous_portfolio();
  now.add("A1", 0.1, 0.1, 0.1, 0.1, 1, 1);
  const riskscale::policy pol;
  EXPECT_THROW((void)report::collect(pol, now.view(), before.view(), options()), riskscale::input_error);
}

// Every id="..." of the page.
std::vector<std::string> ids_of(const std::string& page) {
  std::vector<std::string> ids;
  const std::regex id_attribute(" id=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), id_attribute); it != std::sregex_iterator(); ++it) {
    ids.push_back((*it)[1]);
  }
  return ids;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportRender, EverySectionWithTheNumbersAndNothingFetched) {
  sample now = current_portfolio(), before = previous_portfolio();
  const riskscale::policy pol;
  const report::report_options o = options();
  const std::string page = report::render_report(report::collect(pol, now.view(), before.view(), o), o);
  for (const char* section : {"id=\"summary\"", "id=\"portfolio\"", "id=\"talk\"", "id=\"movement\"", "id=\"journeys\"",
                              "id=\"matrix-chart\"", "id=\"movers\"", "id=\"transitions\""}) {
    EXPECT_NE(page.find(section), std::string::npos) << section;
  }
  EXPECT_NE(page.find("<tr data-archetype=\"high_scale_low_risk\"><td><span class=\"tag a1\">high_scale_low_risk</span>"
                      "</td><td class=\"n count\">1</td>"),
            std::string::npos);
  EXPECT_NE(page.find("id=\"rejected-count\">1<"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;&amp;x"), std::string::npos);
  EXPECT_EQ(page.find("<b>&x"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  for (const std::string& attribute : {std::string("href=\"")}) {
    for (std::size_t at = page.find(attribute); at != std::string::npos; at = page.find(attribute, at + 1)) {
      EXPECT_EQ(page[at + attribute.size()], '#') << page.substr(at, 40);
    }
  }
  const std::vector<std::string> ids = ids_of(page);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  // Every chart has a title and a description for screen readers.
  EXPECT_EQ(occurrences(page, "<svg "), occurrences(page, "<desc id="));
  EXPECT_GE(occurrences(page, "<svg "), 8u);  // matrix, formats, alerts, drivers and four journeys
  EXPECT_EQ(page, report::render_report(report::collect(pol, now.view(), before.view(), o), o));
  // The summary leads with the largest change: low scale, low risk had A2, A4, BAD and OLD, now only A4.
  const std::size_t first_item = page.find("<li>", page.find("id=\"headlines\""));
  const std::string first = "<li>Low scale, low risk: 4 → 1 accounts (-3).</li>";
  EXPECT_EQ(page.compare(first_item, first.size(), first), 0) << page.substr(first_item, 80);
}

TEST(ReportRender, ADensityGridNotADotPerAccount) {
  sample big;
  for (int i = 0; i < 20000; ++i) {
    const double u = (i % 101) / 100.0, v = (i % 89) / 88.0;
    big.add("ACC-" + std::to_string(i), u, v, 0.0, 1.0 - u, 31.0 * v, 1 + i % 3000);
  }
  const riskscale::policy pol;
  report::report_options o = options();
  const std::string page = report::render_report(report::collect(pol, big.view(), std::nullopt, o), o);
  const std::size_t chart = page.find("id=\"matrix-chart\""), end = page.find("</svg>", chart);
  const std::string svg = page.substr(chart, end - chart);
  EXPECT_LE(occurrences(svg, "<rect "), o.bins * o.bins + 1);
  EXPECT_LT(page.size(), 2'000'000u);
}

TEST(WelcomePack, TheAccountsPlanMilestonesAndFormats) {
  sample now = current_portfolio();
  const riskscale::policy pol;
  const report::report_options o = options();
  const std::string pack = report::welcome_pack(pol, now.view(), "A3", o);
  const riskscale::assessment a = riskscale::assess(now.account(2), pol);
  const riskscale::onboarding_plan p = riskscale::plan(a, riskscale::product_traits{}, o.start);
  EXPECT_NE(pack.find("Welcome, A3"), std::string::npos);
  EXPECT_NE(pack.find("Low scale, high risk"), std::string::npos);
  for (const riskscale::milestone& m : p.milestones) {
    EXPECT_NE(pack.find(report::html::escape(m.criterion)), std::string::npos) << m.criterion;
  }
  for (const riskscale::recommendation& r : a.recommendations) {
    EXPECT_NE(pack.find("(" + a.format(r).id + ")"), std::string::npos) << a.format(r).id;
  }
  EXPECT_EQ(occurrences(pack, "<tr><td class=\"n\">"), p.touchpoints.size() + p.milestones.size());
  EXPECT_EQ(pack.find("http"), std::string::npos);
}

TEST(WelcomePack, UnknownAndInvalidAccountsAreNamed) {
  sample now = current_portfolio();
  const riskscale::policy pol;
  try {
    (void)report::welcome_pack(pol, now.view(), "NOPE", options());
    FAIL() << "an unknown id was accepted";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "account_id");
    EXPECT_NE(std::string(e.what()).find("NOPE"), std::string::npos);
  }
  try {
    (void)report::welcome_pack(pol, now.view(), "BAD", options());
    FAIL() << "an invalid account was accepted";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "users");
    EXPECT_EQ(e.row(), std::optional<std::size_t>(5));
  }
}

TEST(ReportGoals, ReadNamedAndMeasured) {
  const std::vector<report::goal> goals = report::parse_goals(
      R"([{"initiative": "Fewer on the fence", "metric": "borderline_share", "target": 0.25, "direction": "at_most"},
          {"initiative": "Stable", "metric": "moved", "target": 3}])");
  ASSERT_EQ(goals.size(), 2u);
  EXPECT_TRUE(goals[0].at_most);
  EXPECT_FALSE(goals[1].at_most);
  EXPECT_EQ(report::parse_goals(report::goals_to_json(goals)), goals);
  const auto refused = [](const char* text, const char* where) {
    try {
      (void)report::parse_goals(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const riskscale::error& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("accepted"), std::string::npos) << e.what();
    }
  };
  refused(R"({"goals": []})", "at $:");
  refused(R"([{"initiative": "x", "metric": "nope", "target": 1}])", "$[0].metric");
  refused(R"([{"initiative": "x", "metric": "moved"}])", "no target");
  refused(R"([{"initiative": "x", "metric": "moved", "target": 1, "colour": 2}])", "$[0].colour");
  refused(R"([{"initiative": "", "metric": "moved", "target": 1}])", "$[0].initiative");
  refused(R"([{"initiative": "x", "metric": "moved", "target": 1, "direction": "up"}])", "$[0].direction");
  refused(R"([{"initiative": "x", "metric": "moved", "target": 1, "target": 2}])", "$[0]");

  sample now = current_portfolio(), before = previous_portfolio();
  const riskscale::policy pol;
  const report::report_data alone = report::collect(pol, now.view(), std::nullopt, options());
  EXPECT_EQ(report::metric_value(alone, "accounts"), std::optional<double>(5.0));
  EXPECT_EQ(report::metric_value(alone, "rejected"), std::optional<double>(1.0));
  EXPECT_EQ(report::metric_value(alone, "share_low_scale_low_risk"), std::optional<double>(0.2));
  EXPECT_EQ(report::metric_value(alone, "moved"), std::nullopt);
  const report::report_data both = report::collect(pol, now.view(), before.view(), options());
  EXPECT_EQ(report::metric_value(both, "moved"), std::optional<double>(1.0));
  EXPECT_EQ(report::metric_value(both, "moved_share"), std::optional<double>(1.0 / 4.0));  // A2 of A2, A3, A4, <b>&x
  report::report_options o = options();
  o.goals = goals;
  const std::string page = report::render_report(both, o);
  EXPECT_NE(page.find("<td>Stable</td><td>moved</td><td class=\"n\">1</td><td class=\"n\">at least 3</td>"
                      "<td class=\"flag\">not met</td>"),
            std::string::npos);
}

TEST(ReportHtml, EscapeAndNumbers) {
  EXPECT_EQ(report::html::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(report::html::count(1234567), "1,234,567");
  EXPECT_EQ(report::html::count(12), "12");
  EXPECT_EQ(report::html::percent(1, 3), "33.3%");
  EXPECT_EQ(report::html::percent(0, 0), "0.0%");
  EXPECT_EQ(report::html::fixed(0.125, 2), "0.12");  // printf rounds the binary value half to even
}

}  // namespace
