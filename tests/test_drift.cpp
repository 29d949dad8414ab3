// drift.hpp: SPEC §11 drift between two snapshots, against ../shared/conformance/drift and by property.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "riskscale/riskscale.hpp"
#include "support/table.hpp"

namespace {

using riskscale::testing::conformance_path;
using riskscale::testing::read_table;
using riskscale::testing::table;

constexpr double tolerance = 1e-9;  // conformance README: values within 1e-9

// A snapshot file as ids and input columns (empty or unreadable cells are NaN: invalid rows).
struct snapshot_columns {
  std::vector<std::string> ids;
  std::map<std::string, std::vector<double>> columns;
  riskscale::portfolio portfolio{0};
};

void load_snapshot(const std::string& file, snapshot_columns& out) {
  const table t = read_table(conformance_path(file));
  for (std::size_t c = 0; c < t.header.size(); ++c) {
    if (t.header[c] == "account_id") continue;
    auto& column = out.columns[t.header[c]];
    for (std::size_t r = 0; r < t.rows.size(); ++r) column.push_back(t.number(r, t.header[c]));
  }
  for (std::size_t r = 0; r < t.rows.size(); ++r) out.ids.push_back(t.cell(r, "account_id"));
  out.portfolio = riskscale::portfolio(t.rows.size());
  for (auto& [name, values] : out.columns) out.portfolio.add(name, values);
}

bool close(double expected, double got) {
  if (std::isnan(expected)) return std::isnan(got);
  return std::fabs(expected - got) <= tolerance;
}

std::string state_name(riskscale::snapshot_state s) {
  if (s == riskscale::snapshot_state::absent || s == riskscale::snapshot_state::invalid) return "";
  return std::string(riskscale::to_string(static_cast<riskscale::archetype>(s)));
}

TEST(drift, every_conformance_row_and_the_matrix) {
  snapshot_columns old_snapshot, new_snapshot;
  load_snapshot("drift/old.csv", old_snapshot);
  load_snapshot("drift/new.csv", new_snapshot);
  const riskscale::policy pol;
  const riskscale::drift_report report = riskscale::compare_snapshots(old_snapshot.ids, old_snapshot.portfolio,
                                                                      new_snapshot.ids, new_snapshot.portfolio, pol);

  const table expected = read_table(conformance_path("drift/expected_drift.csv"));
  ASSERT_EQ(report.accounts.size(), expected.rows.size());
  std::map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < report.accounts.size(); ++i) row_of[std::string(report.account_id[i])] = i;
  for (std::size_t r = 0; r < expected.rows.size(); ++r) {
    const std::string id = expected.cell(r, "account_id");
    SCOPED_TRACE("account " + id);
    ASSERT_EQ(row_of.count(id), 1u);
    const riskscale::account_drift& d = report.accounts[row_of[id]];
    EXPECT_EQ(riskscale::to_string(d.status), expected.cell(r, "status"));
    // An invalid account keeps its archetype and scores on the side where it is valid.
    EXPECT_EQ(state_name(d.old_state), expected.cell(r, "archetype_old"));
    EXPECT_EQ(state_name(d.new_state), expected.cell(r, "archetype_new"));
    EXPECT_TRUE(close(expected.number(r, "risk_old"), d.risk_old)) << d.risk_old;
    EXPECT_TRUE(close(expected.number(r, "risk_new"), d.risk_new)) << d.risk_new;
    EXPECT_TRUE(close(expected.number(r, "scale_old"), d.scale_old)) << d.scale_old;
    EXPECT_TRUE(close(expected.number(r, "scale_new"), d.scale_new)) << d.scale_new;
    EXPECT_TRUE(close(expected.number(r, "risk_change"), d.risk_change)) << d.risk_change;
    EXPECT_TRUE(close(expected.number(r, "scale_change"), d.scale_change)) << d.scale_change;
    const auto& factors = pol.risk_factors();
    for (std::size_t i = 0; i < factors.size(); ++i) {
      const double want = expected.number(r, "cause_" + factors[i].name);
      const double got = d.risk_causes.empty() ? std::numeric_limits<double>::quiet_NaN() : d.risk_causes[i];
      EXPECT_TRUE(close(want, got)) << factors[i].name << " " << got;
    }
    EXPECT_TRUE(close(expected.number(r, "cause_frequency"), d.cause_frequency)) << d.cause_frequency;
    EXPECT_TRUE(close(expected.number(r, "cause_reach"), d.cause_reach)) << d.cause_reach;
    EXPECT_EQ(riskscale::player_name(pol, d.driver), expected.cell(r, "driver"));
    if (d.has_causes()) {
      double sum = 0;
      for (double c : d.risk_causes) sum += c;
      EXPECT_NEAR(sum, d.risk_change, 1e-12);
      EXPECT_NEAR(d.cause_frequency + d.cause_reach, d.scale_change, 1e-12);
    }
  }

  const table matrix = read_table(conformance_path("drift/expected_matrix.csv"));
  ASSERT_EQ(matrix.header.size(), riskscale::drift_matrix_size + 1);
  ASSERT_EQ(matrix.rows.size(), riskscale::drift_matrix_size);
  for (std::size_t j = 0; j < riskscale::drift_matrix_size; ++j) {
    EXPECT_EQ(matrix.header[j + 1], riskscale::drift_matrix::column_label(j));
  }
  for (std::size_t i = 0; i < riskscale::drift_matrix_size; ++i) {
    EXPECT_EQ(matrix.rows[i][0], riskscale::drift_matrix::row_label(i));
    for (std::size_t j = 0; j < riskscale::drift_matrix_size; ++j) {
      EXPECT_EQ(std::to_string(report.matrix.counts[i][j]), matrix.rows[i][j + 1]) << i << "," << j;
    }
  }
  EXPECT_EQ(report.matrix.total(), 41u);  // distinct ids of the two snapshots
  EXPECT_EQ(report.counts[riskscale::drift_status::moved], 9u);
  EXPECT_EQ(report.counts[riskscale::drift_status::new_account], 1u);
  EXPECT_EQ(report.counts[riskscale::drift_status::gone], 1u);
  EXPECT_EQ(report.counts[riskscale::drift_status::invalid], 1u);
}

// SPEC §11 by definition: the 2^n sum over coalitions.
std::vector<double> enumerated_shapley(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  std::vector<double> factorial(n + 1, 1.0);
  for (std::size_t k = 1; k <= n; ++k) factorial[k] = factorial[k - 1] * static_cast<double>(k);
  const auto value = [&](unsigned mask) {
    double survival = 1.0;
    for (std::size_t j = 0; j < n; ++j) survival *= (mask >> j) & 1u ? b[j] : a[j];
    return 1.0 - survival;
  };
  std::vector<double> phi(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      if ((mask >> i) & 1u) continue;
      const auto size = static_cast<std::size_t>(__builtin_popcount(mask));
      const double weight = factorial[size] * factorial[n - size - 1] / factorial[n];
      phi[i] += weight * (value(mask | (1u << i)) - value(mask));
    }
  }
  return phi;
}

TEST(drift_shapley, fast_method_equals_enumeration_for_1_to_10_factors) {
  std::mt19937_64 random(20261201);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  riskscale::detail::shapley_scratch scratch;
  for (std::size_t n = 1; n <= 10; ++n) {
    for (int trial = 0; trial < 30; ++trial) {
      std::vector<double> a(n), b(n), phi(n);
      for (std::size_t j = 0; j < n; ++j) {
        const double w = unit(random);
        a[j] = 1.0 - w * unit(random);
        // Some factors keep their value, some reach w·x = 1 (survival 0).
        const double roll = unit(random);
        b[j] = roll < 0.2 ? a[j] : roll < 0.3 ? 0.0 : 1.0 - w * unit(random);
      }
      riskscale::detail::noisy_or_shapley(n, a.data(), b.data(), phi.data(), scratch);
      const std::vector<double> want = enumerated_shapley(a, b);
      double sum = 0, survival_old = 1, survival_new = 1;
      for (std::size_t j = 0; j < n; ++j) {
        EXPECT_NEAR(phi[j], want[j], 1e-13) << "n " << n << " factor " << j;
        sum += phi[j];
        survival_old *= a[j];
        survival_new *= b[j];
      }
      EXPECT_NEAR(sum, survival_old - survival_new, 1e-12);  // efficiency
    }
  }
}

TEST(drift_shapley, large_factor_counts_stay_efficient) {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  riskscale::detail::shapley_scratch scratch;
  const std::size_t n = 60;  // 2^60 coalitions: only the polynomial method can do this
  std::vector<double> a(n), b(n), phi(n);
  for (std::size_t j = 0; j < n; ++j) {
    a[j] = 1.0 - 0.05 * unit(random);
    b[j] = 1.0 - 0.05 * unit(random);
  }
  riskscale::detail::noisy_or_shapley(n, a.data(), b.data(), phi.data(), scratch);
  double sum = 0, pa = 1, pb = 1;
  for (std::size_t j = 0; j < n; ++j) {
    sum += phi[j];
    pa *= a[j];
    pb *= b[j];
  }
  EXPECT_NEAR(sum, pa - pb, 1e-12);
}

riskscale::drift_observation observe(const riskscale::policy& pol, const riskscale::account& input,
                                     std::vector<double>& factor_storage, riskscale::assessment& kept) {
  kept = riskscale::assess(input, pol);
  factor_storage.clear();
  for (const auto& factor : pol.risk_factors()) factor_storage.push_back(*input.field(factor.name));
  riskscale::drift_observation o;
  o.valid = true;
  o.factor_values = factor_storage.data();
  o.active_days = input.active_days;
  o.users = input.users;
  o.risk_score = kept.risk_score;
  o.scale_score = kept.scale_score;
  o.frequency_score = kept.frequency_score;
  o.reach_score = kept.reach_score;
  o.margin = kept.margin;
  o.archetype = kept.archetype;
  return o;
}

riskscale::account make_account(double sd, double od, double ps, double le, double days, double users) {
  riskscale::account a;
  a.account_id = "T";
  a.sensitive_data = sd;
  a.org_disruption = od;
  a.physical_safety = ps;
  a.legal_exposure = le;
  a.active_days = days;
  a.users = users;
  return a;
}

TEST(drift_shapley, symmetry_and_dummy) {
  // Two factors of equal weight with equal change get equal causes; an unchanged one gets 0.
  const riskscale::policy pol = riskscale::policy::from_json(
      R"({"risk_weights": {"sensitive_data": 0.7, "org_disruption": 0.7, "physical_safety": 1.0, "legal_exposure": 0.9}})");
  std::vector<double> fo, fn;
  riskscale::assessment ao, an;
  const auto o = observe(pol, make_account(0.1, 0.1, 0.3, 0.2, 10, 50), fo, ao);
  const auto n = observe(pol, make_account(0.6, 0.6, 0.3, 0.5, 10, 50), fn, an);
  riskscale::drift_comparer comparer(pol);
  riskscale::account_drift d;
  comparer.compare(&o, &n, d);
  ASSERT_TRUE(d.has_causes());
  EXPECT_NEAR(d.risk_causes[0], d.risk_causes[1], 1e-15);
  EXPECT_GT(d.risk_causes[0], 0.0);
  EXPECT_EQ(d.risk_causes[2], 0.0);  // physical_safety did not change
  EXPECT_EQ(d.cause_frequency, 0.0);
  EXPECT_EQ(d.cause_reach, 0.0);
  EXPECT_NEAR(d.risk_causes[0] + d.risk_causes[1] + d.risk_causes[3], d.risk_change, 1e-12);
}

TEST(drift_shapley, scale_from_zero_activity_and_the_two_player_formula) {
  const riskscale::policy pol;
  std::vector<double> fo, fn;
  riskscale::assessment ao, an;
  // f0 = 0 makes s(f0, ·) = 0: frequency's cause is half of s(f1,r0) plus half of s(f1,r1).
  const auto o = observe(pol, make_account(0.5, 0.5, 0.5, 0.5, 0.0, 20), fo, ao);
  const auto n = observe(pol, make_account(0.5, 0.5, 0.5, 0.5, 15.0, 300), fn, an);
  riskscale::drift_comparer comparer(pol);
  riskscale::account_drift d;
  comparer.compare(&o, &n, d);
  EXPECT_EQ(d.scale_old, 0.0);
  const double f1 = 15.0 / 20.0, r0 = std::log1p(20.0) / std::log1p(1000.0),
               r1 = std::log1p(300.0) / std::log1p(1000.0);
  const double s10 = std::pow(f1, 0.4) * std::pow(r0, 0.6);
  const double s11 = std::pow(f1, 0.4) * std::pow(r1, 0.6);
  EXPECT_NEAR(d.cause_frequency, 0.5 * (s10 + s11), 1e-12);
  EXPECT_NEAR(d.cause_frequency + d.cause_reach, d.scale_change, 1e-15);
  EXPECT_NEAR(d.cause_reach, 0.5 * (s11 - s10), 1e-12);  // reach adds nothing while f = 0
  EXPECT_EQ(d.status, riskscale::drift_status::moved);
  EXPECT_EQ(riskscale::player_name(pol, d.driver), "frequency");
}

TEST(drift_shapley, factors_at_certainty) {
  // w·x = 1 (physical_safety weight 1, value 1) makes R = 1 whatever the others do.
  const riskscale::policy pol;
  std::vector<double> fo, fn;
  riskscale::assessment ao, an;
  const auto o = observe(pol, make_account(0.2, 0.1, 0.1, 0.1, 10, 10), fo, ao);
  const auto n = observe(pol, make_account(0.9, 0.1, 1.0, 0.1, 10, 10), fn, an);
  riskscale::drift_comparer comparer(pol);
  riskscale::account_drift d;
  comparer.compare(&o, &n, d);
  EXPECT_EQ(d.risk_new, 1.0);
  const std::vector<double> a = {1 - 0.8 * 0.2, 1 - 0.5 * 0.1, 1 - 1.0 * 0.1, 1 - 0.9 * 0.1};
  const std::vector<double> b = {1 - 0.8 * 0.9, 1 - 0.5 * 0.1, 0.0, 1 - 0.9 * 0.1};
  const auto want = enumerated_shapley(a, b);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(d.risk_causes[i], want[i], 1e-15) << i;
  EXPECT_GT(d.risk_causes[2], d.risk_causes[0]);
  EXPECT_EQ(d.status, riskscale::drift_status::moved);
  EXPECT_EQ(riskscale::player_name(pol, d.driver), "physical_safety");
}

TEST(drift_kernel, scale_from_components_has_the_kernel_bits) {
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> days(0.0, 31.0), users(0.0, 5000.0);
  for (const char* text : {"{}", R"({"scale_weights": {"frequency": 0, "reach": 1}})",
                           R"({"scale_weights": {"frequency": 3, "reach": 1}, "frequency_full": 12})"}) {
    const riskscale::policy pol = riskscale::policy::from_json(text);
    const riskscale::detail::kernel_parameters k(pol);
    for (int i = 0; i < 200; ++i) {
      const auto a =
          riskscale::assess(make_account(0.1, 0.2, 0.3, 0.4, i % 7 == 0 ? 0.0 : days(random), users(random)), pol);
      EXPECT_EQ(riskscale::detail::scale_from_components(k, a.frequency_score, a.reach_score), a.scale_score);
    }
  }
}

TEST(drift, statuses_of_new_gone_and_invalid_accounts_and_their_matrix_cells) {
  const riskscale::policy pol;
  riskscale::drift_comparer comparer(pol);
  std::vector<double> f;
  riskscale::assessment a;
  const auto valid = observe(pol, make_account(0.9, 0.9, 0.9, 0.9, 20, 1000), f, a);
  riskscale::drift_observation invalid;  // valid = false
  riskscale::account_drift d;
  riskscale::drift_matrix matrix;
  comparer.compare(nullptr, &valid, d);
  EXPECT_EQ(d.status, riskscale::drift_status::new_account);
  matrix.add(d);
  comparer.compare(&valid, nullptr, d);
  EXPECT_EQ(d.status, riskscale::drift_status::gone);
  matrix.add(d);
  comparer.compare(&invalid, &valid, d);
  EXPECT_EQ(d.status, riskscale::drift_status::invalid);
  EXPECT_TRUE(std::isnan(d.risk_old));
  EXPECT_EQ(d.risk_new, valid.risk_score);
  matrix.add(d);
  comparer.compare(nullptr, &invalid, d);  // new and invalid: row new, column invalid
  EXPECT_EQ(d.status, riskscale::drift_status::invalid);
  matrix.add(d);
  using S = riskscale::snapshot_state;
  EXPECT_EQ(matrix.at(S::absent, S::high_scale_high_risk), 1u);
  EXPECT_EQ(matrix.at(S::high_scale_high_risk, S::absent), 1u);
  EXPECT_EQ(matrix.at(S::invalid, S::high_scale_high_risk), 1u);
  EXPECT_EQ(matrix.at(S::absent, S::invalid), 1u);
  riskscale::drift_matrix twice = matrix;
  twice.merge(matrix);
  EXPECT_EQ(twice.total(), 8u);
  EXPECT_EQ(twice.at(S::absent, S::invalid), 2u);
}

TEST(drift_alerts, one_of_each_kind_with_format_deltas_from_assess) {
  const riskscale::policy pol;
  riskscale::drift_comparer comparer(pol);
  std::vector<double> fo, fn;
  riskscale::assessment ao, an;
  // Low scale, low risk → high scale, high risk: both axes crossed, two rows.
  const auto account_old = make_account(0.1, 0.1, 0.1, 0.2, 5, 10);
  const auto account_new = make_account(0.1, 0.1, 0.1, 0.9, 25, 900);
  auto o = observe(pol, account_old, fo, ao);
  auto n = observe(pol, account_new, fn, an);
  std::vector<std::int16_t> ro, rn;
  for (const auto& r : ao.recommendations) ro.push_back(static_cast<std::int16_t>(r.format_index));
  for (const auto& r : an.recommendations) rn.push_back(static_cast<std::int16_t>(r.format_index));
  o.recommendations = ro.data();
  o.recommendation_count = ro.size();
  n.recommendations = rn.data();
  n.recommendation_count = rn.size();
  riskscale::account_drift d;
  comparer.compare(&o, &n, d);
  ASSERT_EQ(d.status, riskscale::drift_status::moved);
  auto alerts = riskscale::drift_alerts(comparer, d, &o, &n);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(riskscale::to_string(alerts[0].kind), "entered_high_risk");
  EXPECT_EQ(riskscale::player_name(pol, alerts[0].driver), "legal_exposure");
  EXPECT_EQ(alerts[0].reason.rfind("legal_exposure 0.20 → 0.90 raised risk by ", 0), 0u) << alerts[0].reason;
  EXPECT_NE(alerts[0].reason.find("across the 0.50 line"), std::string::npos);
  EXPECT_EQ(riskscale::to_string(alerts[1].kind), "entered_high_scale");
  // Format deltas: recommended now and not before (new rank order), and the reverse.
  std::vector<std::size_t> want_new, want_dropped;
  for (const auto& r : an.recommendations) {
    if (std::none_of(ao.recommendations.begin(), ao.recommendations.end(),
                     [&](const riskscale::recommendation& x) { return x.format_index == r.format_index; })) {
      want_new.push_back(r.format_index);
    }
  }
  for (const auto& r : ao.recommendations) {
    if (std::none_of(an.recommendations.begin(), an.recommendations.end(),
                     [&](const riskscale::recommendation& x) { return x.format_index == r.format_index; })) {
      want_dropped.push_back(r.format_index);
    }
  }
  EXPECT_FALSE(want_new.empty());
  EXPECT_EQ(alerts[0].new_formats, want_new);
  EXPECT_EQ(alerts[0].dropped_formats, want_dropped);
  EXPECT_TRUE(alerts[0].replan);

  // The reverse move: left_high_risk and left_high_scale.
  comparer.compare(&n, &o, d);
  alerts = riskscale::drift_alerts(comparer, d, &n, &o);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(riskscale::to_string(alerts[0].kind), "left_high_risk");
  EXPECT_EQ(riskscale::to_string(alerts[1].kind), "left_high_scale");
  EXPECT_EQ(alerts[0].new_formats, want_dropped);
  EXPECT_EQ(riskscale::to_string(drift_alerts(
                                     comparer,
                                     [&] {
                                       comparer.compare(nullptr, &n, d);
                                       return d;
                                     }(),
                                     nullptr, &n)[0]
                                     .kind),
            "new_account");
  comparer.compare(&o, nullptr, d);
  alerts = riskscale::drift_alerts(comparer, d, &o, nullptr);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(riskscale::to_string(alerts[0].kind), "gone");
  EXPECT_EQ(alerts[0].dropped_formats.size(), ro.size());
  EXPECT_FALSE(alerts[0].replan);
  // A stayed account has no alert.
  comparer.compare(&o, &o, d);
  EXPECT_TRUE(riskscale::drift_alerts(comparer, d, &o, &o).empty());
}

TEST(drift_watch, stayed_account_sliding_into_the_band_toward_a_line) {
  const riskscale::policy pol;
  riskscale::drift_comparer comparer(pol);
  std::vector<double> fo, fn;
  riskscale::assessment ao, an;
  // Risk 0.34 → 0.47 (band 0.05 around 0.50), scale well below its line in both.
  const auto o = observe(pol, make_account(0.0, 0.0, 0.0, 0.3778, 2, 5), fo, ao);
  const auto n = observe(pol, make_account(0.0, 0.0, 0.0, 0.5222, 2, 5), fn, an);
  riskscale::account_drift d;
  comparer.compare(&o, &n, d);
  ASSERT_EQ(d.status, riskscale::drift_status::stayed);
  ASSERT_GE(o.margin, 0.05);
  ASSERT_LT(n.margin, 0.05);
  const auto watch = riskscale::drift_watch_entry(comparer, d, &o, &n);
  ASSERT_TRUE(watch.has_value());
  EXPECT_TRUE(watch->risk_axis);
  EXPECT_EQ(riskscale::player_name(pol, watch->driver), "legal_exposure");
  EXPECT_NE(watch->reason.find("toward the 0.50 line"), std::string::npos) << watch->reason;
  // Moving away from the line again is not watched.
  comparer.compare(&n, &o, d);
  EXPECT_FALSE(riskscale::drift_watch_entry(comparer, d, &n, &o).has_value());
}

TEST(drift_what_if, two_policies_on_the_same_inputs) {
  snapshot_columns snapshot;
  load_snapshot("drift/old.csv", snapshot);
  const riskscale::policy strict = riskscale::policy::from_json(R"({"risk_threshold": 0.9})");
  const riskscale::drift_report report = riskscale::compare_snapshots(snapshot.ids, snapshot.portfolio, snapshot.ids,
                                                                      snapshot.portfolio, strict, riskscale::policy());
  std::size_t moved = 0;
  for (std::size_t i = 0; i < report.accounts.size(); ++i) {
    const auto& d = report.accounts[i];
    EXPECT_FALSE(d.has_causes());
    EXPECT_TRUE(std::isnan(d.cause_frequency));
    EXPECT_EQ(d.risk_change, 0.0);  // the same inputs: only the lines moved
    if (d.status == riskscale::drift_status::moved) {
      ++moved;
      EXPECT_EQ(riskscale::player_name(strict, d.driver), "policy");
      EXPECT_TRUE(d.crossed_risk);
      EXPECT_FALSE(d.crossed_scale);
      EXPECT_LT(d.risk_new, 0.9);
      EXPECT_NE(report.reason[i].find("the line moved 0.50 → 0.90"), std::string::npos) << report.reason[i];
    }
  }
  EXPECT_GT(moved, 0u);
  EXPECT_EQ(report.matrix.total(), snapshot.ids.size());
}

TEST(drift, duplicated_id_is_an_error_naming_it_and_its_rows) {
  std::vector<double> zeros = {0.1, 0.1, 0.1}, days = {3, 3, 3};
  riskscale::portfolio p(3);
  for (const char* name : {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure", "users"})
    p.add(name, zeros);
  p.add("active_days", days);
  const std::vector<std::string> ids = {"A", "B", "A"}, other = {"A", "B", "C"};
  try {
    (void)riskscale::compare_snapshots(other, p, ids, p, riskscale::policy());
    FAIL() << "no error";
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.account_id(), "A");
    EXPECT_NE(std::string(e.what()).find("rows 0 and 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("new snapshot"), std::string::npos) << e.what();
  }
}

TEST(drift_snapshot, holds_accounts_keyed_by_id_and_refuses_a_second_copy) {
  riskscale::drift_snapshot snapshot(4, 12);
  const double factors[4] = {0.1, 0.2, 0.3, 0.4};
  const std::int16_t recommendations[2] = {3, 5};
  riskscale::drift_observation o;
  o.valid = true;
  o.factor_values = factors;
  o.risk_score = 0.7;
  o.archetype = riskscale::archetype::low_scale_high_risk;
  o.recommendations = recommendations;
  o.recommendation_count = 2;
  for (int i = 0; i < 5000; ++i)
    EXPECT_FALSE(snapshot.add("id-" + std::to_string(i), o, static_cast<std::size_t>(i + 2)));
  const auto again = snapshot.add("id-42", o, 9999);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(snapshot.line(*again), 44u);
  const auto found = snapshot.find("id-4999");
  ASSERT_TRUE(found.has_value());
  const riskscale::drift_observation back = snapshot.observation(*found);
  EXPECT_EQ(back.factor_values[3], 0.4);
  EXPECT_EQ(back.recommendations[1], 5);
  EXPECT_EQ(back.risk_score, 0.7);
  EXPECT_EQ(snapshot.id(*found), "id-4999");
  EXPECT_FALSE(snapshot.find("id-5000").has_value());
  EXPECT_GT(snapshot.bytes_per_account(), 4 * sizeof(double));
  // claim: the first match wins; a second one learns the first line.
  EXPECT_EQ(snapshot.matched_line(*found), 0u);
  EXPECT_EQ(snapshot.claim(*found, 17), 0u);
  EXPECT_EQ(snapshot.claim(*found, 23), 17u);
  EXPECT_EQ(snapshot.matched_line(*found), 17u);
}

}  // namespace
