// Onboarding plans and content formats (plan.hpp, content.hpp, the policy's plans/content sections).
#include <algorithm>
#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "riskscale/plan.hpp"
#include "riskscale/riskscale.hpp"

namespace {

using namespace riskscale;

// One account per quadrant under the default policy (hand-checked: see test_assess for the scores).
account account_in(archetype quadrant) {
  account a;
  a.account_id = std::string("ACC-") + std::string(to_string(quadrant));
  const bool high_risk = is_high_risk(quadrant), high_scale = is_high_scale(quadrant);
  a.sensitive_data = high_risk ? 0.9 : 0.1;
  a.legal_exposure = high_risk ? 0.7 : 0.0;
  a.active_days = high_scale ? 18 : 2;
  a.users = high_scale ? 500 : 8;
  return a;
}

product_traits traits_of(double complex_product, double diverse_users = 0.3) {
  product_traits t;
  t.set("complex_product", complex_product);
  t.set("diverse_users", diverse_users);
  return t;
}

// The overload guard, counted here from the touchpoints rather than with busiest_week().
int max_in_any_week(const onboarding_plan& p, audience view) {
  int busiest = 0;
  for (int window = 1; window < p.length_days; ++window) {
    int count = 0;
    for (const touchpoint& t : p.touchpoints) {
      const bool seen = !p.role_tracks || t.audience == audience::all || t.audience == view;
      if (seen && t.day >= window && t.day < window + 7 && t.day > 0) ++count;
    }
    busiest = std::max(busiest, count);
  }
  return busiest;
}

TEST(Date, ParsesAndCrossesMonthYearAndLeapDays) {
  EXPECT_EQ(date::parse("2026-12-30").plus_days(3).to_string(), "2027-01-02");
  EXPECT_EQ(date::parse("2026-01-31").plus_days(1).to_string(), "2026-02-01");
  EXPECT_EQ(date::parse("2028-02-28").plus_days(1).to_string(), "2028-02-29");  // leap year
  EXPECT_EQ(date::parse("2100-02-28").plus_days(1).to_string(), "2100-03-01");  // not a leap year
  EXPECT_EQ(date::parse("2000-02-28").plus_days(1).to_string(), "2000-02-29");  // divisible by 400
  EXPECT_EQ(date::parse("2027-03-01").plus_days(-1).to_string(), "2027-02-28");
  EXPECT_EQ(date::parse("1970-01-01").days_since_epoch(), 0);
  EXPECT_EQ(date::parse("2026-11-27").days_since_epoch(), 20784);  // 56 years, 14 leap days, + 330
  EXPECT_EQ(date::parse("2026-11-27").to_basic_string(), "20261127");
  for (long d = date::first().days_since_epoch(); d <= date::last().days_since_epoch(); d += 97) {
    const date x = date::parse("1970-01-01").plus_days(d);  // every 97th day of 1900–2199, through the civil form
    EXPECT_EQ(date::parse(x.to_string()), x) << x.to_string();
  }
}

// Found by the date fuzzer: a NUL in the text cut the message short before "accepted".
TEST(Date, AMessageShowsControlBytesOfTheTextEscaped) {
  try {
    (void)date::parse(
        std::string("14\r\0"
                    "2",
                    5));
    ADD_FAILURE() << "accepted";
  } catch (const error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'14\\x0d\\x002'"), std::string::npos) << message;
    EXPECT_NE(message.find("accepted: YYYY-MM-DD"), std::string::npos) << message;
  }
}

TEST(Date, OneSupportedRangeFrom1900To2199) {
  EXPECT_EQ(date::first().to_string(), "1900-01-01");
  EXPECT_EQ(date::last().to_string(), "2199-12-31");
  EXPECT_EQ(date::parse("2199-12-31"), date::last());
  for (const char* outside : {"9999-12-31", "1899-12-31", "2200-01-01", "0001-01-01"}) {
    try {
      (void)date::parse(outside);
      ADD_FAILURE() << "accepted " << outside;
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find("between 1900-01-01 and 2199-12-31"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW((void)date::last().plus_days(1), error);
  EXPECT_THROW((void)date::first().plus_days(-1), error);
  EXPECT_THROW((void)date(2200, 1, 1), error);
  EXPECT_EQ(date::from_days_since_epoch(0).to_string(), "1970-01-01");
}

TEST(Date, RefusesWhatIsNotADate) {
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "26-01-01", "2026/01/01", "2026-1-1",
                          "", "0000-01-01", "2026-01-01T00:00"}) {
    try {
      (void)date::parse(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find("accepted: YYYY-MM-DD"), std::string::npos) << e.what();
    }
  }
  try {
    (void)date::parse("2026-02-29");
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("month 2 of 2026 has 28 days"), std::string::npos) << e.what();
  }
}

TEST(Traits, RefusesUnknownNamesAndOutOfRangeValues) {
  product_traits t;
  EXPECT_THROW(t.set("complexity", 0.5), input_error);
  EXPECT_THROW(t.set("complex_product", 1.5), input_error);
  EXPECT_THROW(t.set("complex_product", -0.1), input_error);
  EXPECT_THROW(t.set("complex_product", std::nan("")), input_error);
  try {
    (void)product_traits::from_json(R"({"complex_product": 0.4, "diverse_user": 0.9})");
    ADD_FAILURE();
  } catch (const input_error& e) {
    EXPECT_EQ(e.field(), "diverse_user");
    EXPECT_NE(std::string(e.what()).find("accepted: complex_product, behavior_change"), std::string::npos);
  }
  EXPECT_THROW((void)product_traits::from_json(R"({"complex_product": "high"})"), input_error);
  EXPECT_THROW((void)product_traits::from_json("[0.5]"), error);
  EXPECT_THROW((void)product_traits::from_json("{"), error);
  const product_traits parsed = product_traits::from_json(R"({"support_heavy": 1})");
  EXPECT_EQ(parsed[product_trait::support_heavy], 1.0);
  EXPECT_EQ(parsed[product_trait::complex_product], 0.5);  // not given: the middle
  EXPECT_EQ(product_traits::from_json(parsed.to_json()), parsed);
}

TEST(Education, IsTheWeightedMeanOfTheTraitsWithItsDrivers) {
  product_traits t;
  t.values = {0.9, 0.8, 0.0, 0.0, 0.0, 0.0};
  const education_priority e = assess_education(t);
  // Default weights 0.30, 0.25, 0.15, 0.10, 0.10, 0.10 (sum 1): 0.3·0.9 + 0.25·0.8 = 0.47.
  EXPECT_NEAR(e.score, 0.47, 1e-12);
  ASSERT_EQ(e.drivers.size(), 2u);
  EXPECT_EQ(e.drivers[0], product_trait::complex_product);
  EXPECT_EQ(e.drivers[1], product_trait::behavior_change);
  EXPECT_EQ(e.reason, "driven by complex_product (0.9) and behavior_change (0.8)");
  t.values = {};
  EXPECT_EQ(assess_education(t).score, 0.0);
  EXPECT_TRUE(assess_education(t).drivers.empty());
}

TEST(Content, QuizWheneverCertificationSlidesWheneverLiveTraining) {
  product_traits low;
  low.values = {};  // no trait asks for anything: only the training boosts can recommend content
  const assessment hshr = assess(account_in(archetype::high_scale_high_risk));
  std::vector<std::string> ids;
  for (const auto& c : recommend_content(hshr, low)) ids.emplace_back(c.id);
  // knowledge_certification → quiz (boost 1); virtual_ilt_advanced → slide deck (1), webinar (0.5).
  EXPECT_EQ(
      ids, (std::vector<std::string>{"slide_deck", "quiz_knowledge_check", "recorded_webinar", "recorded_screencast"}));
  const auto content = recommend_content(hshr, low);
  EXPECT_EQ(content[0].score, 1.0);
  EXPECT_EQ(content[0].reason, "Virtual ILT: advanced topics is recommended");
  EXPECT_EQ(content[1].reason, "Knowledge certification is recommended");
  EXPECT_NEAR(content[2].score, 0.5, 1e-12);  // recorded_webinar: boost 0.5 from virtual ILT, no trait
  EXPECT_NEAR(content[3].score, 0.5, 1e-12);  // recorded_screencast: boost 0.5 from the on-demand library

  const assessment lslr = assess(account_in(archetype::low_scale_low_risk));
  ids.clear();
  for (const auto& c : recommend_content(lslr, low)) ids.emplace_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"recorded_screencast", "infographic_pdf"}));

  product_traits complex_suite;
  complex_suite.values = {1, 1, 1, 1, 1, 1};
  // Every trait at 1: each format scores min(1, Σ weights + boost); the quiz's weights sum to 0.6.
  for (const auto& c : recommend_content(lslr, complex_suite)) {
    if (c.id == "quiz_knowledge_check") {
      EXPECT_NEAR(c.score, 0.6, 1e-12);
    }
    if (c.id == "slide_deck") {
      EXPECT_NEAR(c.score, 0.5, 1e-12);
    }
    EXPECT_NE(c.reason.find("strongest trait"), std::string::npos) << c.reason;
  }
}

TEST(Plan, EachArchetypeTrainsWithItsRecommendedFormats) {
  for (archetype quadrant : all_archetypes) {
    const assessment assessed = assess(account_in(quadrant));
    ASSERT_EQ(assessed.archetype, quadrant);
    const onboarding_plan p = plan(assessed, traits_of(0.5), date::parse("2026-03-02"));
    std::set<std::string> trained;
    for (const touchpoint& t : p.touchpoints) {
      if (t.kind == touchpoint_kind::training) trained.insert(t.format);
    }
    ASSERT_FALSE(assessed.recommendations.empty());
    for (const recommendation& r : assessed.recommendations) {
      EXPECT_TRUE(trained.count(std::string(r.id))) << to_string(quadrant) << " lacks " << r.id;
    }
    for (const content_recommendation& c : p.content) {
      EXPECT_TRUE(trained.count(std::string(c.id))) << to_string(quadrant) << " lacks content " << c.id;
    }
    EXPECT_EQ(p.training_formats.size(), assessed.recommendations.size());
    EXPECT_TRUE(p.notes.empty() || p.notes.back().find("check-in") != std::string::npos);
  }
}

TEST(Plan, AStartWhosePlanWouldEndAfter2199IsRefused) {
  const assessment assessed = assess(account_in(archetype::high_scale_high_risk));
  const onboarding_plan fits = plan(assessed, traits_of(0.5), date::parse("2199-01-04"));
  EXPECT_EQ(fits.end.ymd()[0], 2199);
  try {
    (void)plan(assessed, traits_of(0.5), date::parse("2199-12-30"));
    ADD_FAILURE() << "a plan into year 2200 was accepted";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("would end after 2199-12-31"), std::string::npos) << e.what();
  }
}

TEST(Plan, LengthAndCadenceFollowTheDocumentedTables) {
  const plan_settings& tables = *policy().settings().plans;
  const date start = date::parse("2026-12-21");
  for (archetype quadrant : all_archetypes) {
    const assessment assessed = assess(account_in(quadrant));
    const auto a = static_cast<std::size_t>(quadrant);
    const std::pair<double, complexity> levels[] = {{0.0, complexity::simple},    {0.34, complexity::simple},
                                                    {0.35, complexity::moderate}, {0.69, complexity::moderate},
                                                    {0.7, complexity::complex},   {1.0, complexity::complex}};
    for (const auto& [trait, level] : levels) {
      const onboarding_plan p = plan(assessed, traits_of(trait), start);
      EXPECT_EQ(p.complexity, level) << trait;
      EXPECT_EQ(p.length_days, tables.length_days[a][static_cast<std::size_t>(level)]);
      EXPECT_EQ(p.end, start.plus_days(p.length_days - 1));
      EXPECT_EQ(p.cadences, tables.cadences[a]);
      for (const touchpoint& t : p.touchpoints) {
        EXPECT_GE(t.day, 0);
        EXPECT_LT(t.day, p.length_days);
        EXPECT_EQ(t.date, start.plus_days(t.day));
      }
    }
  }
  // The documented defaults (README table): days for a simple product, weeks for a complex one.
  EXPECT_EQ(tables.length_days[1][0], 7);
  EXPECT_EQ(tables.length_days[0][2], 84);
  EXPECT_EQ(tables.cadences[1][0], cadence::daily);
  EXPECT_EQ(tables.cadences[3][2], cadence::bi_weekly);
}

TEST(Plan, WithRoomEveryCadenceGapHasAnEmail) {
  // With a limit of 50 a week the guard never binds, so each stage's cadence shows whole.
  plan_options roomy;
  roomy.max_touches_per_week = 50;
  for (archetype quadrant : all_archetypes) {
    const onboarding_plan p = plan(assess(account_in(quadrant)), traits_of(1.0), date::parse("2026-01-05"), roomy);
    for (std::size_t s = 0; s < stage_count; ++s) {
      const int first = std::max(1, p.stage_start[s]);
      const int last = s + 1 < stage_count ? p.stage_start[s + 1] - 1 : p.length_days - 1;
      // Emails needed per block of days: daily 1 a day, semi-weekly 2 a week, weekly 1, bi-weekly 1 in 14.
      const int block = p.cadences[s] == cadence::daily ? 1 : p.cadences[s] == cadence::bi_weekly ? 14 : 7;
      const int needed = p.cadences[s] == cadence::semi_weekly ? 2 : 1;
      for (int day = first; day + block - 1 <= last; day += block) {
        const auto emails = std::count_if(p.touchpoints.begin(), p.touchpoints.end(), [&](const touchpoint& t) {
          return t.channel == channel::email && t.day >= day && t.day < day + block;
        });
        EXPECT_GE(emails, needed) << to_string(quadrant) << " stage " << s << " days " << day << ".."
                                  << day + block - 1;
      }
    }
  }
}

TEST(Plan, RandomPortfolioKeepsTheGuardSupportAndMeasurement) {
  std::mt19937_64 rng(20261127);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> day_offset(0, 3650);
  const policy pol;
  const date base = date::parse("2024-01-01");
  for (int n = 0; n < 10000; ++n) {
    account a;
    a.account_id = "ACC-" + std::to_string(n);
    a.sensitive_data = unit(rng);
    a.org_disruption = unit(rng);
    a.physical_safety = unit(rng) * unit(rng);
    a.legal_exposure = unit(rng);
    a.active_days = 31 * unit(rng);
    a.users = std::floor(std::exp(9 * unit(rng)));
    product_traits t;
    for (double& v : t.values) v = unit(rng);
    const assessment assessed = assess(a, pol);
    const onboarding_plan p = plan(assessed, t, base.plus_days(day_offset(rng)));
    const auto views = p.role_tracks ? std::vector<audience>{audience::admins, audience::end_users}
                                     : std::vector<audience>{audience::all};
    for (audience view : views) {
      ASSERT_LE(max_in_any_week(p, view), pol.settings().plans->max_touches_per_week) << a.account_id;
    }
    ASSERT_LE(busiest_week(p), pol.settings().plans->max_touches_per_week);
    // Support resources in every 7-day week of the plan.
    for (int week = 0; week * 7 < p.length_days; ++week) {
      ASSERT_TRUE(
          std::any_of(p.touchpoints.begin(), p.touchpoints.end(),
                      [&](const touchpoint& tp) { return tp.kind == touchpoint_kind::support && tp.day / 7 == week; }))
          << a.account_id << " week " << week;
    }
    // A measurement touchpoint for each milestone, on its day.
    ASSERT_EQ(p.milestones.size(), pol.settings().plans->milestones[static_cast<std::size_t>(p.archetype)].size());
    for (const milestone& m : p.milestones) {
      ASSERT_TRUE(std::any_of(p.touchpoints.begin(), p.touchpoints.end(),
                              [&](const touchpoint& tp) {
                                return tp.kind == touchpoint_kind::milestone && tp.day == m.day &&
                                       tp.detail == "measure: " + m.criterion;
                              }))
          << a.account_id << " " << m.id;
    }
    ASSERT_TRUE(std::is_sorted(p.touchpoints.begin(), p.touchpoints.end(),
                               [](const touchpoint& x, const touchpoint& y) { return x.day < y.day; }));
    ASSERT_EQ(p.role_tracks, t[product_trait::diverse_users] >= pol.settings().plans->role_tracks_from);
  }
}

TEST(Plan, RoleTracksSplitAdminsFromEndUsers) {
  const assessment hshr = assess(account_in(archetype::high_scale_high_risk));
  const onboarding_plan tracked = plan(hshr, traits_of(0.5, 0.9), date::parse("2026-05-04"));
  ASSERT_TRUE(tracked.role_tracks);
  EXPECT_EQ(tracked.welcome_messages.size(), 2u);
  bool admin_ilt = false;
  for (const touchpoint& t : tracked.touchpoints) {
    if (t.format == "virtual_ilt_advanced") admin_ilt = t.audience == audience::admins;
  }
  EXPECT_TRUE(admin_ilt);
  EXPECT_TRUE(std::any_of(tracked.milestones.begin(), tracked.milestones.end(),
                          [](const milestone& m) { return m.audience == audience::admins; }));
  const onboarding_plan single = plan(hshr, traits_of(0.5, 0.2), date::parse("2026-05-04"));
  EXPECT_FALSE(single.role_tracks);
  EXPECT_EQ(single.welcome_messages.size(), 1u);
  plan_options forced;
  forced.role_tracks = true;
  EXPECT_TRUE(plan(hshr, traits_of(0.5, 0.2), date::parse("2026-05-04"), forced).role_tracks);
  forced.max_touches_per_week = 0;
  EXPECT_THROW((void)plan(hshr, traits_of(0.5), date::parse("2026-05-04"), forced), error);
}

TEST(PlanExport, CsvJsonAndIcsCarryEveryTouchpoint) {
  const onboarding_plan p =
      plan(assess(account_in(archetype::low_scale_high_risk)), traits_of(0.5), date::parse("2026-12-28"));
  const std::string csv = plan_to_csv(p);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "account_id,day,date,stage,channel,kind,title,format,audience,detail,archetype");
  EXPECT_EQ(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), p.touchpoints.size() + 1);
  const auto doc = nlohmann::json::parse(plan_to_json(p));
  EXPECT_EQ(doc["touchpoints"].size(), p.touchpoints.size());
  EXPECT_EQ(doc["archetype"], "low_scale_high_risk");
  EXPECT_EQ(doc["end"], p.end.to_string());
  const std::string ics = plan_to_ics(p, "20261127T120000Z");
  std::size_t events = 0;
  for (const touchpoint& t : p.touchpoints) events += is_live(t.channel) || t.kind == touchpoint_kind::milestone;
  std::size_t found = 0;
  for (std::size_t at = ics.find("BEGIN:VEVENT"); at != std::string::npos; at = ics.find("BEGIN:VEVENT", at + 1))
    ++found;
  EXPECT_EQ(found, events);
  EXPECT_GT(events, 0u);
  EXPECT_EQ(ics.rfind("END:VCALENDAR\r\n"), ics.size() - 15);
  // RFC 5545 §3.1: no line longer than 75 octets, every line ends in CRLF.
  std::size_t begin = 0;
  while (begin < ics.size()) {
    const std::size_t end = ics.find("\r\n", begin);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - begin, 75u);
    begin = end + 2;
  }
}

TEST(PlanPolicy, SectionsRoundTripAndRefuseBadValuesWithTheirPath) {
  const policy custom = policy::from_json(R"({"plans": {"max_touches_per_week": 2,
      "length_days": {"low_scale_low_risk": {"simple": 3}},
      "cadence": {"high_scale_low_risk": {"launch": "weekly"}}},
    "content": {"min_score": 0.2}})");
  EXPECT_EQ(custom.settings().plans->max_touches_per_week, 2);
  EXPECT_EQ(custom.settings().plans->length_days[3][0], 3);
  EXPECT_EQ(custom.settings().plans->length_days[3][1], 14);  // not given: the default
  EXPECT_EQ(custom.settings().plans->cadences[1][0], cadence::weekly);
  EXPECT_EQ(policy::from_json(custom.to_json()), custom);
  const onboarding_plan p =
      plan(assess(account_in(archetype::low_scale_low_risk), custom), traits_of(0.0), date::parse("2026-02-27"));
  EXPECT_EQ(p.length_days, 3);
  EXPECT_LE(busiest_week(p), 2);

  // A one-day plan: everything on the welcome day, each milestone still measured.
  const policy one_day = policy::from_json(R"({"plans": {"length_days": {"low_scale_low_risk": {"simple": 1}}}})");
  const onboarding_plan tiny =
      plan(assess(account_in(archetype::low_scale_low_risk), one_day), traits_of(0.0), date::parse("2026-12-31"));
  EXPECT_EQ(tiny.length_days, 1);
  EXPECT_EQ(tiny.end, tiny.start);
  EXPECT_EQ(tiny.milestones.size(), 2u);
  for (const touchpoint& t : tiny.touchpoints) EXPECT_EQ(t.day, 0);

  const std::pair<const char*, const char*> refused[] = {
      {R"({"plans": {"max_touches_per_week": 0}})", "$.plans.max_touches_per_week"},
      {R"({"plans": {"max_touches_per_week": 2.5}})", "$.plans.max_touches_per_week"},
      {R"({"plans": {"cadence": {"high_scale_low_risk": {"launch": "hourly"}}}})",
       "$.plans.cadence.high_scale_low_risk.launch"},
      {R"({"plans": {"cadence": {"mid_scale": {"launch": "daily"}}}})", "$.plans.cadence.mid_scale"},
      {R"({"plans": {"length_days": {"low_scale_low_risk": {"simple": 0}}}})",
       "$.plans.length_days.low_scale_low_risk.simple"},
      {R"({"plans": {"length_days": {"low_scale_low_risk": {"tiny": 3}}}})",
       "$.plans.length_days.low_scale_low_risk.tiny"},
      {R"({"plans": {"stage_shares": {"launch": 0.6, "reinforcement": 0.5}}})", "$.plans.stage_shares"},
      {R"({"plans": {"format_channels": {"knowlege_certification": "email"}}})",
       "$.plans.format_channels.knowlege_certification"},
      {R"({"plans": {"format_channels": {"live_lab": "fax"}}})", "$.plans.format_channels.live_lab"},
      {R"({"plans": {"milestones": {"low_scale_low_risk": [{"id": "x", "at": 1.5, "criterion": "c"}]}}})",
       "$.plans.milestones.low_scale_low_risk[0].at"},
      {R"({"plans": {"milestones": {"low_scale_low_risk": [{"id": "x", "at": 0.5}]}}})",
       "$.plans.milestones.low_scale_low_risk[0].criterion"},
      {R"({"plans": {"support": []}})", "$.plans.support"},
      {R"({"plans": {"weekly_limit": 3}})", "$.plans.weekly_limit"},
      {R"({"content": {"formats": []}})", "$.content.formats"},
      {R"({"content": {"formats": [{"id": "quiz", "traits": {"complexity": 1}}]}})",
       "$.content.formats[0].traits.complexity"},
      {R"({"content": {"formats": [{"id": "quiz", "training": {"live_lab": 2}}]}})",
       "$.content.formats[0].training.live_lab"},
      {R"({"content": {"formats": [{"id": "a"}, {"id": "a"}]}})", "$.content.formats[1].id"},
      {R"({"content": {"education_weights": {"complex_product": 0}}})", "$.content.education_weights"},
      {R"({"content": {"min_score": -1}})", "$.content.min_score"},
  };
  for (const auto& [json, path] : refused) {
    try {
      (void)policy::from_json(json);
      ADD_FAILURE() << "accepted " << json;
    } catch (const policy_error& e) {
      EXPECT_EQ(e.json_path(), path) << e.what();
      EXPECT_NE(e.message().find("accepted"), std::string::npos) << e.what();
    }
  }
  // A custom catalogue keeps the default content and plans valid: SPEC ids simply never match.
  EXPECT_NO_THROW((void)policy::from_json(
      R"({"catalog": [{"id": "buddy", "affinity": {"low_scale_low_risk": 1}}],
          "plans": {"format_channels": {"buddy": "call"}}})"));
}

}  // namespace
