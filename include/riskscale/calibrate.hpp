// riskscale: calibrate a policy's thresholds and weights to accounts labelled with an archetype,
// by maximum likelihood under the SPEC §4 soft membership, with an L2 pull toward the starting policy.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <LBFGSB.h>
#include <nlohmann/json.hpp>

#include "riskscale/archetype.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/detail/calibration_likelihood.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/error.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// A group of policy parameters calibrate() can fit (README "Calibrate and validate").
enum class calibration_parameter : std::uint8_t {
  risk_threshold,   ///< SPEC §4, boxed in [1e-6, 1 − 1e-6]
  scale_threshold,  ///< SPEC §4, boxed in [1e-6, 1 − 1e-6]
  risk_weights,     ///< SPEC §3, every factor's weight in [0, 1]
  scale_weights,    ///< SPEC §3, the normalised frequency weight in [0, 1] (reach = 1 − it)
  temperature,      ///< SPEC §4 τ, boxed in [1e-3, 1]
  frequency_full,   ///< SPEC §3, boxed in [0.01, 1000] days
  reach_full,       ///< SPEC §3, boxed in [1, 1e9] users
};

/// Names of the calibration parameters, in enumerator order.
inline constexpr std::array<std::string_view, 7> calibration_parameter_names = {
    "risk_threshold", "scale_threshold", "risk_weights", "scale_weights",
    "temperature",    "frequency_full",  "reach_full"};

/// The name of a calibration parameter group.
[[nodiscard]] constexpr std::string_view to_string(calibration_parameter p) noexcept {
  return calibration_parameter_names[static_cast<std::size_t>(p)];
}

/// The group of that name; throws `error` naming the accepted names otherwise.
[[nodiscard]] inline calibration_parameter calibration_parameter_from_string(std::string_view name) {
  for (std::size_t i = 0; i < calibration_parameter_names.size(); ++i) {
    if (calibration_parameter_names[i] == name) return static_cast<calibration_parameter>(i);
  }
  std::string accepted;
  for (const auto n : calibration_parameter_names) accepted += (accepted.empty() ? "" : ", ") + std::string(n);
  throw error("unknown parameter to fit '" + std::string(name) + "'; accepted: " + accepted);
}

/// How calibrate() fits.
struct calibration_options {
  /// The parameter groups to fit; the others keep the starting policy's values.
  std::vector<calibration_parameter> fit = {calibration_parameter::risk_threshold,
                                            calibration_parameter::scale_threshold, calibration_parameter::risk_weights,
                                            calibration_parameter::scale_weights};
  /// Strength λ of the L2 pull: the fit minimises −Σ log-likelihood + λ/2 · Σ ((θ − θ₀)/u)², u = 1
  /// for thresholds and weights and the starting value for temperature, frequency_full and
  /// ln(1 + reach_full). 0 = maximum likelihood; +∞ = the starting policy unchanged.
  double l2 = 1.0;
  /// Folds of the cross-validated agreement; 0 skips cross-validation, otherwise 2..accounts.
  std::size_t folds = 5;
  /// Seed of the fold shuffle; the same input and seed give the same result.
  std::uint64_t seed = 0;
  /// Most L-BFGS-B iterations per fit.
  int max_iterations = 500;
};

/// Fewest labelled accounts calibrate() accepts.
inline constexpr std::size_t min_calibration_accounts = 20;

/// How well a policy's hard classification (SPEC §4) agrees with the labels.
struct label_agreement {
  double agreement = 0.0;  ///< share of accounts whose archetype is their label
  double kappa = 0.0;      ///< Cohen's kappa over the four archetypes; NaN when chance agreement is 1
  /// confusion[label][classified], SPEC §1 archetype order.
  std::array<std::array<std::size_t, archetype_count>, archetype_count> confusion{};
};

/// One fitted number, before → after.
struct fitted_value {
  std::string name;  ///< e.g. "risk_threshold", "risk_weights.sensitive_data", "scale_weights.reach"
  double before = 0.0;
  double after = 0.0;
};

/// A labelled account the fitted policy still classifies differently.
struct label_disagreement {
  std::size_t row = 0;
  archetype label{};
  archetype fitted{};             ///< the fitted policy's archetype
  archetype start{};              ///< the starting policy's archetype
  double label_membership = 0.0;  ///< the fitted policy's soft membership of the label (SPEC §4)
};

/// Everything calibrate() found.
struct calibration_result {
  policy start;
  policy fitted;  ///< the starting policy with the fitted values; every other section kept
  std::size_t accounts = 0;
  label_agreement start_agreement, fitted_agreement;
  double start_log_likelihood = 0.0, fitted_log_likelihood = 0.0;  ///< Σ log membership of the labels
  std::vector<fitted_value> parameters;
  std::vector<label_disagreement> disagreements;
  std::size_t folds = 0;
  std::vector<double> fold_agreement;        ///< held-out agreement of the policy fitted without each fold
  std::vector<double> fold_start_agreement;  ///< the starting policy's agreement on the same folds
  double cv_mean = std::numeric_limits<double>::quiet_NaN();
  double cv_spread = std::numeric_limits<double>::quiet_NaN();  ///< sample standard deviation over folds
  double cv_start_mean = std::numeric_limits<double>::quiet_NaN();
  int iterations = 0;  ///< L-BFGS-B iterations of the full fit
};

/// The archetype labels of `ids` (SPEC §1 ids); throws `input_error` naming the row of one that is not.
[[nodiscard]] inline std::vector<archetype> archetype_labels(const std::vector<std::string>& ids,
                                                             const std::string& column = "label") {
  std::vector<archetype> labels;
  labels.reserve(ids.size());
  for (std::size_t row = 0; row < ids.size(); ++row) {
    const auto a = archetype_from_string(ids[row]);
    if (!a) {
      throw input_error(column, row, "",
                        "'" + ids[row] +
                            "' is not an archetype id; accepted: high_scale_high_risk, "
                            "high_scale_low_risk, low_scale_high_risk, low_scale_low_risk");
    }
    labels.push_back(*a);
  }
  return labels;
}

/// Archetype labels from separate high/low risk and high/low scale labels ("high" or "low" each).
[[nodiscard]] inline std::vector<archetype> archetype_labels(const std::vector<std::string>& risk,
                                                             const std::vector<std::string>& scale,
                                                             const std::string& risk_column,
                                                             const std::string& scale_column) {
  if (risk.size() != scale.size()) {
    throw error("the risk and scale label columns have " + std::to_string(risk.size()) + " and " +
                std::to_string(scale.size()) + " rows; accepted: the same length");
  }
  const auto high = [](const std::string& value, const std::string& column, std::size_t row) {
    if (value == "high") return true;
    if (value == "low") return false;
    throw input_error(column, row, "", "'" + value + "' is not a label; accepted: high, low");
  };
  std::vector<archetype> labels;
  labels.reserve(risk.size());
  for (std::size_t row = 0; row < risk.size(); ++row) {
    const bool high_risk = high(risk[row], risk_column, row);
    labels.push_back(archetype_of(high(scale[row], scale_column, row), high_risk));
  }
  return labels;
}

namespace detail {

inline constexpr double threshold_margin = 1e-6;  // thresholds lie in the open (0, 1), SPEC §4

/// The fitted coordinates: which entries of likelihood_parameters the optimiser moves.
struct fit_layout {
  bool risk_threshold = false, scale_threshold = false, risk_weights = false, scale_weights = false,
       temperature = false, frequency_full = false, reach_full = false;
  std::size_t factor_count = 0;

  explicit fit_layout(const std::vector<calibration_parameter>& fit, std::size_t factors) : factor_count(factors) {
    for (const auto p : fit) {
      switch (p) {
        case calibration_parameter::risk_threshold: risk_threshold = true; break;
        case calibration_parameter::scale_threshold: scale_threshold = true; break;
        case calibration_parameter::risk_weights: risk_weights = true; break;
        case calibration_parameter::scale_weights: scale_weights = true; break;
        case calibration_parameter::temperature: temperature = true; break;
        case calibration_parameter::frequency_full: frequency_full = true; break;
        case calibration_parameter::reach_full: reach_full = true; break;
      }
    }
  }
  [[nodiscard]] std::size_t size() const noexcept {
    return static_cast<std::size_t>(risk_threshold) + scale_threshold + (risk_weights ? factor_count : 0) +
           scale_weights + temperature + frequency_full + reach_full;
  }

  // Visits every fitted coordinate in vector order: visit(value&, gradient, lower, upper, unit).
  template <class Visit>
  void each(likelihood_parameters& p, likelihood_gradient& g, const likelihood_parameters& start, Visit&& visit) const {
    if (risk_threshold) visit(p.risk_threshold, g.risk_threshold, threshold_margin, 1.0 - threshold_margin, 1.0);
    if (scale_threshold) visit(p.scale_threshold, g.scale_threshold, threshold_margin, 1.0 - threshold_margin, 1.0);
    if (risk_weights) {
      for (std::size_t i = 0; i < factor_count; ++i) visit(p.risk_weights[i], g.risk_weights[i], 0.0, 1.0, 1.0);
    }
    if (scale_weights) visit(p.frequency_weight, g.frequency_weight, 0.0, 1.0, 1.0);
    if (temperature) visit(p.temperature, g.temperature, 1e-3, 1.0, start.temperature);
    if (frequency_full) visit(p.frequency_full, g.frequency_full, 0.01, 1000.0, start.frequency_full);
    if (reach_full) {
      visit(p.log_reach_full, g.log_reach_full, std::log1p(1.0), std::log1p(1e9), start.log_reach_full);
    }
  }
};

[[nodiscard]] inline likelihood_parameters parameters_of(const policy& pol) {
  const policy_settings& s = pol.settings();
  likelihood_parameters p;
  p.risk_threshold = s.risk_threshold;
  p.scale_threshold = s.scale_threshold;
  for (const auto& factor : s.risk_weights) p.risk_weights.push_back(factor.weight);
  p.frequency_weight = pol.frequency_weight();
  p.temperature = s.temperature;
  p.frequency_full = s.frequency_full;
  p.log_reach_full = pol.log_reach_full();
  return p;
}

[[nodiscard]] inline policy policy_with(const policy& start, const fit_layout& layout, const likelihood_parameters& p) {
  policy_settings s = start.settings();
  if (layout.risk_threshold) s.risk_threshold = p.risk_threshold;
  if (layout.scale_threshold) s.scale_threshold = p.scale_threshold;
  if (layout.risk_weights) {
    for (std::size_t i = 0; i < s.risk_weights.size(); ++i) s.risk_weights[i].weight = p.risk_weights[i];
  }
  if (layout.scale_weights) {
    s.frequency_weight = p.frequency_weight;
    s.reach_weight = 1.0 - p.frequency_weight;
  }
  if (layout.temperature) s.temperature = p.temperature;
  if (layout.frequency_full) s.frequency_full = p.frequency_full;
  if (layout.reach_full) s.reach_full = std::expm1(p.log_reach_full);
  return policy(std::move(s));
}

struct fit_outcome {
  likelihood_parameters parameters;
  int iterations = 0;
};

// Minimises −Σ log L + λ/2 Σ ((θ−θ₀)/u)² over `rows`, divided by the row count (same optimum, a
// gradient whose size does not grow with the data), with L-BFGS-B inside the boxes.
inline fit_outcome fit_rows(const likelihood_data& data, const std::vector<std::size_t>& rows,
                            const likelihood_parameters& start, const fit_layout& layout,
                            const calibration_options& options) {
  fit_outcome outcome{start, 0};
  const std::size_t n = layout.size();
  if (n == 0 || std::isinf(options.l2) || rows.empty()) return outcome;
  Eigen::VectorXd x(static_cast<Eigen::Index>(n)), lower(x.size()), upper(x.size()), centre(x.size()), unit(x.size());
  likelihood_parameters work = start;
  likelihood_gradient ignored;
  ignored.risk_weights.assign(start.risk_weights.size(), 0.0);
  Eigen::Index k = 0;
  layout.each(work, ignored, start, [&](double& value, double&, double lo, double hi, double u) {
    lower[k] = lo;
    upper[k] = hi;
    centre[k] = value;
    unit[k] = u;
    x[k] = std::min(std::max(value, lo), hi);  // a start outside the box begins on its edge
    ++k;
  });
  const double count = static_cast<double>(rows.size());
  double best_value = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best = x;
  auto objective = [&](const Eigen::VectorXd& point, Eigen::VectorXd& grad) {
    likelihood_parameters p = start;
    likelihood_gradient g;
    g.risk_weights.assign(start.risk_weights.size(), 0.0);
    Eigen::Index i = 0;
    layout.each(p, g, start, [&](double& value, double&, double, double, double) { value = point[i++]; });
    const double log_l = log_likelihood(data, rows, p, &g);
    double value = -log_l;
    i = 0;
    layout.each(p, g, start, [&](double&, double& derivative, double, double, double) {
      const double step = (point[i] - centre[i]) / unit[i];
      value += 0.5 * options.l2 * step * step;
      grad[i] = (-derivative + options.l2 * step / unit[i]) / count;
      ++i;
    });
    value /= count;
    if (value < best_value) {
      best_value = value;
      best = point;
    }
    return value;
  };
  LBFGSpp::LBFGSBParam<double> param;
  param.epsilon = 1e-9;
  param.epsilon_rel = 1e-9;
  param.past = 1;
  param.delta = 1e-12;
  param.max_iterations = options.max_iterations;
  param.max_linesearch = 60;
  LBFGSpp::LBFGSBSolver<double> solver(param);
  double fx = 0.0;
  try {
    outcome.iterations = solver.minimize(objective, x, fx, lower, upper);
  } catch (const std::exception&) {
    // A line search that cannot improve further ends the fit at the best point evaluated (in the box).
  }
  k = 0;
  layout.each(outcome.parameters, ignored, start,
              [&](double& value, double&, double, double, double) { value = best[k++]; });
  return outcome;
}

// The SPEC §4 hard archetype of every row under `pol`, through the batch kernel.
[[nodiscard]] inline std::vector<std::int8_t> classify_archetypes(const portfolio& accounts, const policy& pol,
                                                                  std::vector<row_status>& status,
                                                                  std::vector<std::int16_t>& invalid_field) {
  std::vector<std::int8_t> archetypes(accounts.rows());
  status.assign(accounts.rows(), row_status::ok);
  invalid_field.assign(accounts.rows(), -1);
  batch_output out;
  out.archetype = archetypes.data();
  out.status = status.data();
  out.invalid_field = invalid_field.data();
  classify_into(accounts, pol, out);
  return archetypes;
}

[[nodiscard]] inline double share_agreeing(const std::vector<std::int8_t>& classified,
                                           const std::vector<archetype>& labels, const std::vector<std::size_t>& rows) {
  if (rows.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::size_t same = 0;
  for (const std::size_t row : rows) same += classified[row] == static_cast<std::int8_t>(labels[row]);
  return static_cast<double>(same) / static_cast<double>(rows.size());
}

}  // namespace detail

/// Agreement, Cohen's kappa and the 4×4 confusion matrix of `classified` against `labels`.
[[nodiscard]] inline label_agreement agreement_of(const std::vector<std::int8_t>& classified,
                                                  const std::vector<archetype>& labels) {
  label_agreement result;
  const std::size_t n = labels.size();
  if (n == 0) return result;
  for (std::size_t row = 0; row < n; ++row) {
    ++result.confusion[static_cast<std::size_t>(labels[row])][static_cast<std::size_t>(classified[row])];
  }
  double observed = 0.0, chance = 0.0;
  const double total = static_cast<double>(n);
  for (std::size_t a = 0; a < archetype_count; ++a) {
    double label_count = 0.0, classified_count = 0.0;
    for (std::size_t b = 0; b < archetype_count; ++b) {
      label_count += static_cast<double>(result.confusion[a][b]);
      classified_count += static_cast<double>(result.confusion[b][a]);
    }
    observed += static_cast<double>(result.confusion[a][a]);
    chance += (label_count / total) * (classified_count / total);
  }
  result.agreement = observed / total;
  result.kappa =
      chance >= 1.0 ? std::numeric_limits<double>::quiet_NaN() : (result.agreement - chance) / (1.0 - chance);
  return result;
}

/// Fits the `options.fit` parameters of `start` to the archetype `labels` of `accounts` (one per row)
/// by maximum likelihood under the SPEC §4 soft membership with an L2 pull toward `start`, each
/// parameter inside its box (see calibration_parameter); reports agreement before and after,
/// k-fold cross-validated agreement and the accounts still classified differently.
/// Throws `error` for fewer than 20 accounts, a quadrant side with no labelled account while a
/// parameter that needs it is fitted, or a bad option; `input_error` for an invalid account.
[[nodiscard]] inline calibration_result calibrate(const portfolio& accounts, const std::vector<archetype>& labels,
                                                  const policy& start = policy(),
                                                  const calibration_options& options = {}) {
  const std::size_t n = accounts.rows();
  if (labels.size() != n) {
    throw error("calibrate got " + std::to_string(labels.size()) + " labels for " + std::to_string(n) +
                " accounts; accepted: one label per account");
  }
  if (n < min_calibration_accounts) {
    throw error("calibration needs at least " + std::to_string(min_calibration_accounts) + " labelled accounts; got " +
                std::to_string(n));
  }
  if (!(options.l2 >= 0.0)) {
    throw error("l2 = " + format_number(options.l2) + "; accepted: a strength >= 0 (inf keeps the starting policy)");
  }
  if (options.folds == 1 || options.folds > n) {
    throw error("folds = " + std::to_string(options.folds) + "; accepted: 0 (no cross-validation) or 2.." +
                std::to_string(n));
  }
  if (options.max_iterations < 0) throw error("max_iterations must be >= 0");
  const detail::fit_layout layout(options.fit, start.risk_factors().size());

  // A side of the matrix nobody is labelled on leaves its parameters without information (SPEC §4).
  std::array<std::size_t, 4> side{};  // high risk, low risk, high scale, low scale
  for (const archetype a : labels) {
    ++side[is_high_risk(a) ? 0 : 1];
    ++side[is_high_scale(a) ? 2 : 3];
  }
  const auto refuse_side = [&](std::size_t index, bool fitted, std::string_view parameter) {
    if (side[index] != 0 || !fitted) return;
    static constexpr std::array<std::string_view, 4> names = {
        "high risk (high_scale_high_risk or low_scale_high_risk)",
        "low risk (high_scale_low_risk or low_scale_low_risk)",
        "high scale (high_scale_high_risk or high_scale_low_risk)",
        "low scale (low_scale_high_risk or low_scale_low_risk)"};
    throw error("no labelled account is " + std::string(names[index]) + ", so " + std::string(parameter) +
                " cannot be identified; label accounts of that class or leave " + std::string(parameter) +
                " out of the fit");
  };
  for (std::size_t s = 0; s < 2; ++s) {
    refuse_side(s, layout.risk_threshold, "risk_threshold");
    refuse_side(s, layout.risk_weights, "risk_weights");
    refuse_side(s, layout.temperature, "temperature");
  }
  for (std::size_t s = 2; s < 4; ++s) {
    refuse_side(s, layout.scale_threshold, "scale_threshold");
    refuse_side(s, layout.scale_weights, "scale_weights");
    refuse_side(s, layout.frequency_full, "frequency_full");
    refuse_side(s, layout.reach_full, "reach_full");
    refuse_side(s, layout.temperature, "temperature");
  }

  calibration_result result;
  result.start = start;
  result.fitted = start;
  result.accounts = n;
  std::vector<row_status> status;
  std::vector<std::int16_t> invalid_field;
  const std::vector<std::int8_t> start_classes = detail::classify_archetypes(accounts, start, status, invalid_field);
  for (std::size_t row = 0; row < n; ++row) {
    if (status[row] != row_status::ok) throw row_error(accounts, start, row, status[row], invalid_field[row]);
  }

  detail::likelihood_data data;
  const std::vector<const double*> columns = detail::resolve_columns(accounts, start);
  const std::size_t factor_count = start.risk_factors().size();
  data.factors.assign(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(factor_count));
  data.active_days = columns[factor_count];
  data.log1p_users = Eigen::Map<const Eigen::ArrayXd>(columns[factor_count + 1], static_cast<Eigen::Index>(n)).log1p();
  data.labels = labels;

  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  const detail::likelihood_parameters start_parameters = detail::parameters_of(start);
  const detail::fit_outcome full = detail::fit_rows(data, all, start_parameters, layout, options);
  result.fitted = detail::policy_with(start, layout, full.parameters);
  result.iterations = full.iterations;
  result.start_log_likelihood = detail::log_likelihood(data, all, start_parameters, nullptr);
  result.fitted_log_likelihood = detail::log_likelihood(data, all, detail::parameters_of(result.fitted), nullptr);

  const std::vector<std::int8_t> fitted_classes =
      detail::classify_archetypes(accounts, result.fitted, status, invalid_field);
  result.start_agreement = agreement_of(start_classes, labels);
  result.fitted_agreement = agreement_of(fitted_classes, labels);

  // Before → after, as the policy file holds them (scale weights normalised, SPEC §3).
  const auto record = [&](bool fitted, std::string name, double before, double after) {
    if (fitted) result.parameters.push_back({std::move(name), before, after});
  };
  const policy_settings& b = start.settings();
  const policy_settings& a = result.fitted.settings();
  record(layout.risk_threshold, "risk_threshold", b.risk_threshold, a.risk_threshold);
  record(layout.scale_threshold, "scale_threshold", b.scale_threshold, a.scale_threshold);
  for (std::size_t i = 0; i < factor_count; ++i) {
    record(layout.risk_weights, "risk_weights." + b.risk_weights[i].name, b.risk_weights[i].weight,
           a.risk_weights[i].weight);
  }
  record(layout.scale_weights, "scale_weights.frequency", start.frequency_weight(), result.fitted.frequency_weight());
  record(layout.scale_weights, "scale_weights.reach", start.reach_weight(), result.fitted.reach_weight());
  record(layout.temperature, "temperature", b.temperature, a.temperature);
  record(layout.frequency_full, "frequency_full", b.frequency_full, a.frequency_full);
  record(layout.reach_full, "reach_full", b.reach_full, a.reach_full);

  const detail::likelihood_parameters fitted_parameters = detail::parameters_of(result.fitted);
  for (std::size_t row = 0; row < n; ++row) {
    if (fitted_classes[row] == static_cast<std::int8_t>(labels[row])) continue;
    const double log_membership = detail::log_likelihood(data, {row}, fitted_parameters, nullptr);
    result.disagreements.push_back({row, labels[row], static_cast<archetype>(fitted_classes[row]),
                                    static_cast<archetype>(start_classes[row]), std::exp(log_membership)});
  }

  // k-fold cross-validation: fold f holds the shuffled positions p with p mod k = f.
  result.folds = options.folds;
  if (options.folds >= 2) {
    const std::vector<std::size_t> order = detail::seeded_permutation(n, options.seed);
    for (std::size_t fold = 0; fold < options.folds; ++fold) {
      std::vector<std::size_t> train, held_out;
      for (std::size_t p = 0; p < n; ++p) (p % options.folds == fold ? held_out : train).push_back(order[p]);
      std::sort(train.begin(), train.end());
      std::sort(held_out.begin(), held_out.end());
      const detail::fit_outcome fold_fit = detail::fit_rows(data, train, start_parameters, layout, options);
      const policy fold_policy = detail::policy_with(start, layout, fold_fit.parameters);
      const std::vector<std::int8_t> fold_classes =
          detail::classify_archetypes(accounts, fold_policy, status, invalid_field);
      result.fold_agreement.push_back(detail::share_agreeing(fold_classes, labels, held_out));
      result.fold_start_agreement.push_back(detail::share_agreeing(start_classes, labels, held_out));
    }
    const auto mean = [](const std::vector<double>& v) {
      double sum = 0.0;
      for (const double x : v) sum += x;
      return sum / static_cast<double>(v.size());
    };
    result.cv_mean = mean(result.fold_agreement);
    result.cv_start_mean = mean(result.fold_start_agreement);
    double squares = 0.0;
    for (const double x : result.fold_agreement) squares += (x - result.cv_mean) * (x - result.cv_mean);
    result.cv_spread = std::sqrt(squares / static_cast<double>(options.folds - 1));
  }
  return result;
}

/// The report of a calibration as JSON (what the CLI's `--format json` prints and Python's `.report` holds).
[[nodiscard]] inline nlohmann::ordered_json calibration_report(const calibration_result& r) {
  using json = nlohmann::ordered_json;
  const auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  const auto agreement = [&](const label_agreement& a) {
    json confusion = json::object();
    for (std::size_t l = 0; l < archetype_count; ++l) {
      json row = json::object();
      for (std::size_t c = 0; c < archetype_count; ++c) {
        row[std::string(to_string(static_cast<archetype>(c)))] = a.confusion[l][c];
      }
      confusion[std::string(to_string(static_cast<archetype>(l)))] = row;
    }
    return json{{"agreement", a.agreement}, {"kappa", number(a.kappa)}, {"confusion", confusion}};
  };
  json parameters = json::array();
  for (const auto& p : r.parameters) parameters.push_back({{"name", p.name}, {"before", p.before}, {"after", p.after}});
  json disagreements = json::array();
  for (const auto& d : r.disagreements) {
    disagreements.push_back({{"row", d.row},
                             {"label", to_string(d.label)},
                             {"fitted", to_string(d.fitted)},
                             {"start", to_string(d.start)},
                             {"label_membership", d.label_membership}});
  }
  json folds = json::array();
  for (const double f : r.fold_agreement) folds.push_back(f);
  return json{{"accounts", r.accounts},
              {"start", agreement(r.start_agreement)},
              {"fitted", agreement(r.fitted_agreement)},
              {"log_likelihood", {{"start", r.start_log_likelihood}, {"fitted", r.fitted_log_likelihood}}},
              {"cross_validation",
               {{"folds", r.folds},
                {"agreement", folds},
                {"mean", number(r.cv_mean)},
                {"spread", number(r.cv_spread)},
                {"start_mean", number(r.cv_start_mean)}}},
              {"parameters", parameters},
              {"disagreements", disagreements},
              {"iterations", r.iterations}};
}

}  // namespace riskscale
