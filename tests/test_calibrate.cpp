// Tests of include/riskscale/calibrate.hpp: recovery of a planted policy, boxes, the L2 pull,
// the fitted file's round trip and each refusal.
#include "riskscale/calibrate.hpp"
#include "riskscale/policy_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using riskscale::archetype;
using riskscale::calibration_options;
using riskscale::calibration_parameter;
using riskscale::policy;
using riskscale::policy_settings;

// Accounts spread over both sides of thresholds in the middle of (0, 1).
struct labelled {
  std::vector<std::vector<double>> factors{4};
  std::vector<double> active_days, users;
  riskscale::portfolio accounts{0};
  std::vector<archetype> truth, labels;

  labelled(std::size_t n, const policy& planted, double flip_share, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (auto& f : factors) f.resize(n);
    active_days.resize(n);
    users.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (auto& f : factors) f[i] = std::pow(unit(rng), 3.0);
      active_days[i] = 31.0 * unit(rng);
      users[i] = std::floor(std::expm1(unit(rng) * std::log1p(1e4)));
    }
    accounts = riskscale::portfolio(n);
    const char* names[] = {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure"};
    for (std::size_t k = 0; k < 4; ++k) accounts.add(names[k], factors[k]);
    accounts.add("active_days", active_days).add("users", users);
    const riskscale::batch_result planted_result = riskscale::classify(accounts, planted);
    for (std::size_t i = 0; i < n; ++i) {
      const auto a = static_cast<archetype>(planted_result.archetype[i]);
      truth.push_back(a);
      archetype label = a;
      if (unit(rng) < flip_share) {
        label = static_cast<archetype>((static_cast<int>(a) + 1 + static_cast<int>(unit(rng) * 3.0)) % 4);
      }
      labels.push_back(label);
    }
  }
};

policy planted_policy() {
  policy_settings s;
  s.risk_threshold = 0.4;
  s.scale_threshold = 0.6;
  s.risk_weights = {
      {"sensitive_data", 0.6}, {"org_disruption", 0.75}, {"physical_safety", 0.5}, {"legal_exposure", 0.95}};
  s.frequency_weight = 0.6;
  s.reach_weight = 0.4;
  return policy(s);
}

TEST(Calibrate, RecoversPlantedThresholdsFromNoisyLabels) {
  // The planted policy's weights are known (the start carries them), its thresholds are not:
  // both thresholds come back within 0.03 from 5 % flipped labels.
  const policy planted = planted_policy();
  const labelled data(3000, planted, 0.05, 7);
  policy_settings start_settings = planted.settings();
  start_settings.risk_threshold = 0.5;
  start_settings.scale_threshold = 0.5;
  calibration_options options;
  options.fit = {calibration_parameter::risk_threshold, calibration_parameter::scale_threshold};
  const riskscale::calibration_result r =
      riskscale::calibrate(data.accounts, data.labels, policy(start_settings), options);
  EXPECT_NEAR(r.fitted.settings().risk_threshold, 0.4, 0.03);
  EXPECT_NEAR(r.fitted.settings().scale_threshold, 0.6, 0.03);
  EXPECT_GT(r.cv_mean, r.cv_start_mean);
}

TEST(Calibrate, RecoversAPlantedPolicyFromNoisyLabels) {
  // Default fit (thresholds and both weight groups) from the SPEC defaults. With hard labels the
  // risk weights and risk_threshold trade off along nearly the same boundary (README), so what must
  // come back is the classification and the scale side.
  const policy planted = planted_policy();
  const labelled data(3000, planted, 0.05, 7);
  const riskscale::calibration_result r = riskscale::calibrate(data.accounts, data.labels);
  const policy_settings& fitted = r.fitted.settings();
  EXPECT_NEAR(fitted.scale_threshold, 0.6, 0.03);
  EXPECT_NEAR(r.fitted.frequency_weight(), 0.6, 0.03);
  // Held-out: the cross-validated agreement with the (noisy) labels beats the start's on the same folds,
  EXPECT_GT(r.cv_mean, r.cv_start_mean + 0.05);
  ASSERT_EQ(r.fold_agreement.size(), 5u);
  // and on fresh accounts the fitted policy classifies as the planted one did, at least 95 %.
  const labelled fresh(3000, planted, 0.0, 8);
  const riskscale::batch_result held_out = riskscale::classify(fresh.accounts, r.fitted);
  const riskscale::batch_result start = riskscale::classify(fresh.accounts, policy());
  std::size_t same = 0, start_same = 0;
  for (std::size_t i = 0; i < fresh.truth.size(); ++i) {
    same += held_out.archetype[i] == static_cast<std::int8_t>(fresh.truth[i]);
    start_same += start.archetype[i] == static_cast<std::int8_t>(fresh.truth[i]);
  }
  EXPECT_GE(static_cast<double>(same) / static_cast<double>(fresh.truth.size()), 0.95);
  EXPECT_GT(same, start_same);
  EXPECT_GT(r.fitted_agreement.agreement, r.start_agreement.agreement);
  EXPECT_GT(r.fitted_agreement.kappa, r.start_agreement.kappa);
  EXPECT_GT(r.fitted_log_likelihood, r.start_log_likelihood);
  // Disagreements are exactly the off-diagonal of the fitted confusion matrix.
  std::size_t off_diagonal = 0;
  for (std::size_t a = 0; a < 4; ++a)
    for (std::size_t b = 0; b < 4; ++b) off_diagonal += a == b ? 0 : r.fitted_agreement.confusion[a][b];
  EXPECT_EQ(r.disagreements.size(), off_diagonal);
}

TEST(Calibrate, HeldOutFoldFitRecoversTheTruth) {
  // The issue's held-out test on one split: fit on 80 %, score the remaining 20 % against the planted archetypes.
  const policy planted = planted_policy();
  const labelled data(2500, planted, 0.05, 11);
  const std::size_t train_rows = 2000;
  riskscale::portfolio train(train_rows);
  const char* names[] = {"sensitive_data", "org_disruption", "physical_safety", "legal_exposure"};
  for (std::size_t k = 0; k < 4; ++k) train.add(names[k], data.factors[k].data());
  train.add("active_days", data.active_days.data()).add("users", data.users.data());
  const std::vector<archetype> train_labels(data.labels.begin(), data.labels.begin() + train_rows);
  calibration_options options;
  options.folds = 0;
  const auto r = riskscale::calibrate(train, train_labels, policy(), options);
  const riskscale::batch_result fitted = riskscale::classify(data.accounts, r.fitted);
  const riskscale::batch_result start = riskscale::classify(data.accounts, policy());
  std::size_t fitted_same = 0, start_same = 0;
  for (std::size_t i = train_rows; i < data.truth.size(); ++i) {
    fitted_same += fitted.archetype[i] == static_cast<std::int8_t>(data.truth[i]);
    start_same += start.archetype[i] == static_cast<std::int8_t>(data.truth[i]);
  }
  EXPECT_GE(static_cast<double>(fitted_same) / 500.0, 0.95);
  EXPECT_GT(fitted_same, start_same);
  EXPECT_TRUE(std::isnan(r.cv_mean));
}

TEST(Calibrate, LikelihoodIsTheKernelsMembershipAndItsGradientIsExact) {
  const labelled data(200, planted_policy(), 0.1, 3);
  policy_settings s;
  s.temperature = 0.2;
  s.frequency_full = 25.0;
  s.reach_full = 500.0;
  const policy pol(s);
  // Σ log membership_label equals the log of the batch kernel's memberships (SPEC §4).
  const riskscale::batch_result result = riskscale::classify(data.accounts, pol);
  riskscale::detail::likelihood_data d;
  for (const auto& f : data.factors) d.factors.push_back(f.data());
  d.active_days = data.active_days.data();
  d.log1p_users = Eigen::Map<const Eigen::ArrayXd>(data.users.data(), 200).log1p();
  d.labels = data.labels;
  std::vector<std::size_t> rows(200);
  for (std::size_t i = 0; i < 200; ++i) rows[i] = i;
  double expected = 0.0;
  for (std::size_t i = 0; i < 200; ++i)
    expected += std::log(result.membership[static_cast<std::size_t>(data.labels[i])][static_cast<Eigen::Index>(i)]);
  auto p = riskscale::detail::parameters_of(pol);
  riskscale::detail::likelihood_gradient g;
  const double value = riskscale::detail::log_likelihood(d, rows, p, &g);
  EXPECT_NEAR(value, expected, 1e-9 * std::abs(expected));
  // Central differences of every parameter.
  const auto numeric = [&](double riskscale::detail::likelihood_parameters::*member) {
    auto up = p, down = p;
    const double h = 1e-6 * std::max(1.0, std::abs(p.*member));
    up.*member += h;
    down.*member -= h;
    return (riskscale::detail::log_likelihood(d, rows, up, nullptr) -
            riskscale::detail::log_likelihood(d, rows, down, nullptr)) /
           (2.0 * h);
  };
  using P = riskscale::detail::likelihood_parameters;
  EXPECT_NEAR(g.risk_threshold, numeric(&P::risk_threshold), 1e-4 * std::abs(g.risk_threshold) + 1e-5);
  EXPECT_NEAR(g.scale_threshold, numeric(&P::scale_threshold), 1e-4 * std::abs(g.scale_threshold) + 1e-5);
  EXPECT_NEAR(g.frequency_weight, numeric(&P::frequency_weight), 1e-4 * std::abs(g.frequency_weight) + 1e-5);
  EXPECT_NEAR(g.temperature, numeric(&P::temperature), 1e-4 * std::abs(g.temperature) + 1e-5);
  EXPECT_NEAR(g.frequency_full, numeric(&P::frequency_full), 1e-4 * std::abs(g.frequency_full) + 1e-5);
  EXPECT_NEAR(g.log_reach_full, numeric(&P::log_reach_full), 1e-4 * std::abs(g.log_reach_full) + 1e-5);
  for (std::size_t i = 0; i < 4; ++i) {
    auto up = p, down = p;
    up.risk_weights[i] += 1e-6;
    down.risk_weights[i] -= 1e-6;
    const double n = (riskscale::detail::log_likelihood(d, rows, up, nullptr) -
                      riskscale::detail::log_likelihood(d, rows, down, nullptr)) /
                     2e-6;
    EXPECT_NEAR(g.risk_weights[i], n, 1e-4 * std::abs(n) + 1e-5) << i;
  }
}

TEST(Calibrate, EveryParameterStaysInItsBox) {
  // Labels that push to the edges: everything high risk but a few, at L2 strength 0.
  const labelled data(300, planted_policy(), 0.0, 5);
  std::vector<archetype> labels = data.labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    labels[i] = i % 10 == 0 ? archetype::low_scale_low_risk : archetype::high_scale_high_risk;
  }
  calibration_options options;
  options.l2 = 0.0;
  options.folds = 0;
  options.fit = {calibration_parameter::risk_threshold, calibration_parameter::scale_threshold,
                 calibration_parameter::risk_weights,   calibration_parameter::scale_weights,
                 calibration_parameter::temperature,    calibration_parameter::frequency_full,
                 calibration_parameter::reach_full};
  const auto r = riskscale::calibrate(data.accounts, labels, policy(), options);
  const policy_settings& s = r.fitted.settings();
  EXPECT_GE(s.risk_threshold, 1e-6);
  EXPECT_LE(s.risk_threshold, 1.0 - 1e-6);
  EXPECT_GE(s.scale_threshold, 1e-6);
  EXPECT_LE(s.scale_threshold, 1.0 - 1e-6);
  for (const auto& f : s.risk_weights) {
    EXPECT_GE(f.weight, 0.0);
    EXPECT_LE(f.weight, 1.0);
  }
  EXPECT_GE(s.frequency_weight, 0.0);
  EXPECT_LE(s.frequency_weight, 1.0);
  EXPECT_NEAR(s.frequency_weight + s.reach_weight, 1.0, 1e-15);
  EXPECT_GE(s.temperature, 1e-3);
  EXPECT_LE(s.temperature, 1.0);
  EXPECT_GE(s.frequency_full, 0.01);
  EXPECT_LE(s.frequency_full, 1000.0);
  EXPECT_GE(s.reach_full, 1.0 - 1e-9);
  EXPECT_LE(s.reach_full, 1e9 * (1 + 1e-12));
  EXPECT_EQ(r.parameters.size(), 2u + 4u + 2u + 3u);
  EXPECT_GT(r.fitted_log_likelihood, r.start_log_likelihood);
}

TEST(Calibrate, L2StrengthZeroIsMaximumLikelihoodAndInfinityKeepsTheStart) {
  const labelled data(400, planted_policy(), 0.05, 9);
  calibration_options options;
  options.folds = 0;
  options.l2 = 0.0;
  const auto free_fit = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  options.l2 = 50.0;
  const auto pulled = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  // Without the pull the likelihood is at least as high as with it, and the pull moves less.
  EXPECT_GE(free_fit.fitted_log_likelihood, pulled.fitted_log_likelihood - 1e-9);
  const auto distance = [](const riskscale::calibration_result& r) {
    double sum = 0.0;
    for (const auto& p : r.parameters) sum += (p.after - p.before) * (p.after - p.before);
    return sum;
  };
  EXPECT_LT(distance(pulled), distance(free_fit));
  options.l2 = 1e12;
  const auto huge = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  EXPECT_NEAR(huge.fitted.settings().risk_threshold, 0.5, 1e-6);
  EXPECT_NEAR(huge.fitted.settings().scale_threshold, 0.5, 1e-6);
  options.l2 = std::numeric_limits<double>::infinity();
  const auto infinite = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  EXPECT_EQ(infinite.fitted, policy());
  EXPECT_EQ(infinite.start_agreement.agreement, infinite.fitted_agreement.agreement);
}

TEST(Calibrate, DeterministicForAGivenSeed) {
  const labelled data(300, planted_policy(), 0.05, 13);
  calibration_options options;
  options.seed = 42;
  const auto a = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  const auto b = riskscale::calibrate(data.accounts, data.labels, policy(), options);
  EXPECT_EQ(a.fitted, b.fitted);
  EXPECT_EQ(a.fold_agreement, b.fold_agreement);
  EXPECT_EQ(riskscale::calibration_report(a).dump(), riskscale::calibration_report(b).dump());
}

TEST(Calibrate, FittedPolicyKeepsOtherSectionsAndRoundTrips) {
  const policy start = policy::from_json(R"({"version": 1, "min_score": 0.3, "top_k": 2, "borderline_band": 0.07,
    "inputs": {"account_id": "Id", "users": {"column": "Seats_Used"}}})");
  const labelled data(300, planted_policy(), 0.05, 17);
  calibration_options options;
  options.folds = 0;
  const auto r = riskscale::calibrate(data.accounts, data.labels, start, options);
  EXPECT_EQ(r.fitted.settings().inputs, start.settings().inputs);
  EXPECT_EQ(r.fitted.settings().min_score, 0.3);
  EXPECT_EQ(r.fitted.settings().top_k, std::optional<std::size_t>(2));
  EXPECT_EQ(r.fitted.settings().borderline_band, 0.07);
  EXPECT_NE(r.fitted.settings().risk_threshold, start.settings().risk_threshold);
  EXPECT_EQ(policy::from_json(r.fitted.to_json()), r.fitted);
}

TEST(Calibrate, RefusesFewerThanTwentyAccounts) {
  const labelled data(19, planted_policy(), 0.0, 1);
  try {
    (void)riskscale::calibrate(data.accounts, data.labels);
    FAIL();
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 20 labelled accounts; got 19"), std::string::npos) << e.what();
  }
}

TEST(Calibrate, RefusesALabelThatIsNotAnArchetypeNamingTheRow) {
  try {
    (void)riskscale::archetype_labels(std::vector<std::string>{"high_scale_high_risk", "churned"}, "cs_label");
    FAIL();
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "cs_label");
    EXPECT_EQ(e.row(), std::optional<std::size_t>(1));
    EXPECT_NE(std::string(e.what()).find("'churned' is not an archetype id; accepted: high_scale_high_risk"),
              std::string::npos);
  }
  EXPECT_THROW((void)riskscale::archetype_labels({"high"}, {"medium"}, "risk", "scale"), riskscale::input_error);
  EXPECT_EQ(riskscale::archetype_labels({"high", "low"}, {"low", "high"}, "risk", "scale"),
            (std::vector<archetype>{archetype::low_scale_high_risk, archetype::high_scale_low_risk}));
}

TEST(Calibrate, RefusesAClassWithNoExamplesNamingTheParameter) {
  const labelled data(100, planted_policy(), 0.0, 2);
  std::vector<archetype> labels(100, archetype::high_scale_low_risk);
  for (std::size_t i = 0; i < 100; i += 2) labels[i] = archetype::low_scale_low_risk;
  try {
    (void)riskscale::calibrate(data.accounts, labels);
    FAIL();
  } catch (const riskscale::error& e) {
    EXPECT_NE(std::string(e.what()).find("no labelled account is high risk"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("risk_threshold cannot be identified"), std::string::npos) << e.what();
  }
  // Fitting only the scale side is fine without high-risk labels.
  calibration_options options;
  options.fit = {calibration_parameter::scale_threshold};
  options.folds = 0;
  EXPECT_NO_THROW((void)riskscale::calibrate(data.accounts, labels, policy(), options));
}

TEST(Calibrate, RefusesBadOptionsAndInvalidAccounts) {
  labelled data(40, planted_policy(), 0.0, 4);
  calibration_options options;
  options.folds = 1;
  EXPECT_THROW((void)riskscale::calibrate(data.accounts, data.labels, policy(), options), riskscale::error);
  options.folds = 5;
  options.l2 = -1.0;
  EXPECT_THROW((void)riskscale::calibrate(data.accounts, data.labels, policy(), options), riskscale::error);
  EXPECT_THROW((void)riskscale::calibration_parameter_from_string("threshold"), riskscale::error);
  EXPECT_EQ(riskscale::calibration_parameter_from_string("reach_full"), calibration_parameter::reach_full);
  data.active_days[3] = 40.0;
  try {
    (void)riskscale::calibrate(data.accounts, data.labels);
    FAIL();
  } catch (const riskscale::input_error& e) {
    EXPECT_EQ(e.field(), "active_days");
    EXPECT_EQ(e.row(), std::optional<std::size_t>(3));
  }
}

TEST(Calibrate, AgreementAndKappaByHand) {
  // 4 accounts: 3 agree; labels HSHR, HSHR, LSLR, LSLR; classified HSHR, LSLR, LSLR, LSLR.
  const std::vector<std::int8_t> classified = {0, 3, 3, 3};
  const std::vector<archetype> labels = {archetype::high_scale_high_risk, archetype::high_scale_high_risk,
                                         archetype::low_scale_low_risk, archetype::low_scale_low_risk};
  const auto a = riskscale::agreement_of(classified, labels);
  EXPECT_DOUBLE_EQ(a.agreement, 0.75);
  // chance = 0.5·0.25 + 0.5·0.75 = 0.5, kappa = (0.75 − 0.5)/(1 − 0.5) = 0.5
  EXPECT_DOUBLE_EQ(a.kappa, 0.5);
  EXPECT_EQ(a.confusion[0][3], 1u);
  EXPECT_EQ(a.confusion[3][3], 2u);
}

}  // namespace
