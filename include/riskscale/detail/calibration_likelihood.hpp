// riskscale internals: the log-likelihood of archetype labels under the SPEC §4 soft membership,
// and its analytic gradient in every policy parameter calibrate() can fit.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "riskscale/archetype.hpp"

namespace riskscale::detail {

/// The model parameters the likelihood depends on, in the units the optimiser moves them.
/// `log_reach_full` is ln(1 + reach_full): reach_full spans 1..1e9, its logarithm is what the
/// reach score divides by (SPEC §3), so the optimiser steps in it.
struct likelihood_parameters {
  double risk_threshold = 0.5;
  double scale_threshold = 0.5;
  std::vector<double> risk_weights;  ///< one per risk factor, policy order
  double frequency_weight = 0.4;     ///< normalised: the reach weight is 1 − this (SPEC §3)
  double temperature = 0.1;
  double frequency_full = 20.0;
  double log_reach_full = 0.0;
};

/// The labelled accounts as the likelihood reads them: factor values, active days, ln(1 + users).
struct likelihood_data {
  std::vector<const double*> factors;  ///< one column per risk factor, policy order
  const double* active_days = nullptr;
  Eigen::ArrayXd log1p_users;
  std::vector<archetype> labels;
};

/// Σ over `rows` of log membership_label (SPEC §4: log pS-or-(1−pS) + log pR-or-(1−pR)), and into
/// `gradient` (same layout as `likelihood_parameters`, risk weights expanded) its derivatives.
/// Where the SPEC §3 clamp or `0^w` makes a score flat or kinked, the one-sided derivative of the
/// flat side (0) is used, as the clamp is flat there.
struct likelihood_gradient {
  double risk_threshold = 0.0, scale_threshold = 0.0, frequency_weight = 0.0, temperature = 0.0, frequency_full = 0.0,
         log_reach_full = 0.0;
  std::vector<double> risk_weights;
};

inline double log_likelihood(const likelihood_data& data, const std::vector<std::size_t>& rows,
                             const likelihood_parameters& p, likelihood_gradient* gradient) {
  const std::size_t factor_count = p.risk_weights.size();
  std::vector<double> keep(factor_count);  // 1 − w_i x_i of one row
  if (gradient != nullptr) {
    *gradient = likelihood_gradient{};
    gradient->risk_weights.assign(factor_count, 0.0);
  }
  const double a = p.frequency_weight, tau = p.temperature;
  double total = 0.0;
  for (const std::size_t row : rows) {
    // SPEC §3 risk, noisy-OR.
    double product = 1.0;
    for (std::size_t i = 0; i < factor_count; ++i) {
      keep[i] = 1.0 - p.risk_weights[i] * data.factors[i][row];
      product *= keep[i];
    }
    const double risk = 1.0 - product;
    // SPEC §3 scale.
    const double frequency_ratio = data.active_days[row] / p.frequency_full;
    const double frequency = std::min(std::max(frequency_ratio, 0.0), 1.0);
    const double reach_ratio = data.log1p_users[static_cast<Eigen::Index>(row)] / p.log_reach_full;
    const double reach = std::min(std::max(reach_ratio, 0.0), 1.0);
    // f^a · r^(1−a) as one exp of logs when both are positive (the logs serve the gradient too);
    // pow keeps SPEC §3's 0^w = 0 (w > 0) and 0^0 = 1 otherwise.
    const bool both_positive = frequency > 0.0 && reach > 0.0;
    const double log_frequency = both_positive ? std::log(frequency) : 0.0;
    const double log_reach = both_positive ? std::log(reach) : 0.0;
    const double scale = both_positive ? std::exp(a * log_frequency + (1.0 - a) * log_reach)
                                       : std::pow(frequency, a) * std::pow(reach, 1.0 - a);
    // SPEC §4 soft membership of the label's quadrant.
    const archetype label = data.labels[row];
    const double risk_sign = is_high_risk(label) ? 1.0 : -1.0;
    const double scale_sign = is_high_scale(label) ? 1.0 : -1.0;
    const double risk_z = (risk - p.risk_threshold) / tau;
    const double scale_z = (scale - p.scale_threshold) / tau;
    // log σ(u) = min(u, 0) − log1p(e^−|u|) and σ(−u) from the same exponential.
    const double risk_u = risk_sign * risk_z, scale_u = scale_sign * scale_z;
    const double risk_e = std::exp(-std::abs(risk_u)), scale_e = std::exp(-std::abs(scale_u));
    total += std::min(risk_u, 0.0) - std::log1p(risk_e) + std::min(scale_u, 0.0) - std::log1p(scale_e);
    if (gradient == nullptr) continue;
    // d log σ(y z) / dz = y σ(−y z).
    const double d_risk_z = risk_sign * (risk_u >= 0.0 ? risk_e / (1.0 + risk_e) : 1.0 / (1.0 + risk_e));
    const double d_scale_z = scale_sign * (scale_u >= 0.0 ? scale_e / (1.0 + scale_e) : 1.0 / (1.0 + scale_e));
    gradient->risk_threshold -= d_risk_z / tau;
    gradient->scale_threshold -= d_scale_z / tau;
    gradient->temperature -= (d_risk_z * risk_z + d_scale_z * scale_z) / tau;
    const double d_risk = d_risk_z / tau;
    for (std::size_t i = 0; i < factor_count; ++i) {
      // dR/dw_i = x_i Π_{j≠i} (1 − w_j x_j), without dividing by a factor that may be 0.
      double others = 1.0;
      for (std::size_t j = 0; j < factor_count; ++j) {
        if (j != i) others *= keep[j];
      }
      gradient->risk_weights[i] += d_risk * data.factors[i][row] * others;
    }
    const double d_scale = d_scale_z / tau;
    if (both_positive) gradient->frequency_weight += d_scale * scale * (log_frequency - log_reach);
    if (frequency > 0.0 && frequency_ratio < 1.0) {
      // ds/df · df/dff, f = active_days / ff inside the clamp.
      gradient->frequency_full += d_scale * (a * scale / frequency) * (-frequency_ratio / p.frequency_full);
    }
    if (reach > 0.0 && reach_ratio < 1.0) {
      gradient->log_reach_full += d_scale * ((1.0 - a) * scale / reach) * (-reach_ratio / p.log_reach_full);
    }
  }
  return total;
}

/// A portable, seeded permutation of 0..n−1 (Fisher–Yates over splitmix64), the same on every
/// platform and standard library, unlike std::shuffle.
[[nodiscard]] inline std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::uint64_t state = seed;
  for (std::size_t i = n; i > 1; --i) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    const std::size_t j = static_cast<std::size_t>(z % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

}  // namespace riskscale::detail
