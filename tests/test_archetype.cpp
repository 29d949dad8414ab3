// archetype.hpp and catalog.hpp: ids, names and the SPEC §1/§5 tables.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "riskscale/archetype.hpp"
#include "riskscale/catalog.hpp"

namespace {

TEST(archetype, ids_follow_the_spec_table_order) {
  EXPECT_EQ(riskscale::to_string(riskscale::archetype::high_scale_high_risk), "high_scale_high_risk");
  EXPECT_EQ(riskscale::to_string(riskscale::archetype::high_scale_low_risk), "high_scale_low_risk");
  EXPECT_EQ(riskscale::to_string(riskscale::archetype::low_scale_high_risk), "low_scale_high_risk");
  EXPECT_EQ(riskscale::to_string(riskscale::archetype::low_scale_low_risk), "low_scale_low_risk");
  for (std::size_t i = 0; i < riskscale::archetype_count; ++i) {
    EXPECT_EQ(static_cast<std::size_t>(riskscale::all_archetypes[i]), i);
  }
}

TEST(archetype, from_string_round_trips_and_refuses_unknown_ids) {
  for (auto a : riskscale::all_archetypes) {
    EXPECT_EQ(riskscale::archetype_from_string(riskscale::to_string(a)), a);
  }
  EXPECT_FALSE(riskscale::archetype_from_string("high_risk"));
  EXPECT_FALSE(riskscale::archetype_from_string(""));
  EXPECT_FALSE(riskscale::archetype_from_string("HIGH_SCALE_HIGH_RISK"));
}

TEST(archetype, quadrant_of_scale_and_risk) {
  using riskscale::archetype;
  EXPECT_EQ(riskscale::archetype_of(true, true), archetype::high_scale_high_risk);
  EXPECT_EQ(riskscale::archetype_of(true, false), archetype::high_scale_low_risk);
  EXPECT_EQ(riskscale::archetype_of(false, true), archetype::low_scale_high_risk);
  EXPECT_EQ(riskscale::archetype_of(false, false), archetype::low_scale_low_risk);
  EXPECT_TRUE(riskscale::is_high_scale(archetype::high_scale_low_risk));
  EXPECT_FALSE(riskscale::is_high_scale(archetype::low_scale_high_risk));
  EXPECT_TRUE(riskscale::is_high_risk(archetype::low_scale_high_risk));
  EXPECT_FALSE(riskscale::is_high_risk(archetype::high_scale_low_risk));
}

TEST(archetype, display_names_and_descriptions_come_from_the_spec) {
  EXPECT_EQ(riskscale::display_name(riskscale::archetype::low_scale_high_risk), "Low scale, high risk");
  EXPECT_EQ(riskscale::description(riskscale::archetype::high_scale_high_risk),
            "many end users in a regulated environment");
  EXPECT_EQ(riskscale::description(riskscale::archetype::low_scale_low_risk),
            "few experts, customised but not mission-critical use");
}

TEST(catalog, default_catalog_is_the_spec_table) {
  const auto catalog = riskscale::default_catalog();
  ASSERT_EQ(catalog.size(), 12u);
  EXPECT_EQ(catalog.front().id, "knowledge_certification");
  EXPECT_EQ(catalog.back().id, "role_based_email_nurture");
  // Row 3 of SPEC §5: on_demand_library, HSHR 0.8 and HSLR 1.0.
  EXPECT_EQ(catalog[2].id, "on_demand_library");
  EXPECT_EQ(catalog[2].affinity, (std::array<double, 4>{0.8, 1.0, 0.0, 0.0}));
  EXPECT_EQ(catalog[7].id, "live_lab");
  EXPECT_EQ(catalog[7].affinity, (std::array<double, 4>{0.0, 0.0, 1.0, 0.0}));
  EXPECT_EQ(catalog[10].affinity, (std::array<double, 4>{0.0, 0.0, 0.0, 1.0}));
  std::set<std::string> ids;
  double affinity_total = 0;
  for (const auto& format : catalog) {
    EXPECT_FALSE(format.name.empty()) << format.id;
    EXPECT_FALSE(format.description.empty()) << format.id;
    ids.insert(format.id);
    for (double value : format.affinity) affinity_total += value;
  }
  EXPECT_EQ(ids.size(), 12u);
  // 1.0+0.9+0.8+0.7 + 1.0+0.9+0.8+0.7 + 1.0+0.9+0.8 + 1.0+0.9 = 11.4
  EXPECT_NEAR(affinity_total, 11.4, 1e-12);
}

}  // namespace
