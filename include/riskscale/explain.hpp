// riskscale: why an account sits where it does (SPEC §6): risk contributions and the binding scale component.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "riskscale/policy.hpp"

namespace riskscale {

/// One risk factor's share of the risk score; the shares of an account sum to its risk score.
struct risk_contribution {
  std::string_view factor;  ///< factor name, a view into the policy the assessment holds
  double value = 0.0;       ///< input value of the factor
  double contribution = 0.0;
};

/// The two components of the scale score.
enum class scale_component : std::uint8_t { frequency = 0, reach = 1 };

/// "frequency" or "reach".
[[nodiscard]] constexpr std::string_view to_string(scale_component component) noexcept {
  return component == scale_component::frequency ? "frequency" : "reach";
}

/// SPEC §6: the component with the lower value, frequency when they are equal.
[[nodiscard]] constexpr scale_component binding_component(double frequency_score, double reach_score) noexcept {
  return reach_score < frequency_score ? scale_component::reach : scale_component::frequency;
}

/// SPEC §6: splits `risk_score` over the policy's factors given their input values (policy order).
[[nodiscard]] inline std::vector<risk_contribution> risk_contributions(const policy& pol,
                                                                       const std::vector<double>& factor_values,
                                                                       double risk_score) {
  const auto& factors = pol.risk_factors();
  std::vector<risk_contribution> contributions(factors.size());
  std::size_t certain = 0;  // factors with w_i x_i = 1, which alone make R = 1
  double log_sum = 0.0;
  for (std::size_t i = 0; i < factors.size(); ++i) {
    contributions[i].factor = factors[i].name;
    contributions[i].value = factor_values[i];
    const double exposure = factors[i].weight * factor_values[i];
    if (exposure >= 1.0) {
      ++certain;
    } else {
      contributions[i].contribution = -std::log1p(-exposure);  // L_i = -ln(1 - w_i x_i), until shared out
      log_sum += contributions[i].contribution;
    }
  }
  for (std::size_t i = 0; i < factors.size(); ++i) {
    double& share = contributions[i].contribution;
    if (risk_score == 0.0) {
      share = 0.0;  // all zero
    } else if (certain > 0) {
      share = factors[i].weight * factor_values[i] >= 1.0 ? risk_score / static_cast<double>(certain) : 0.0;
    } else {
      share = log_sum > 0.0 ? risk_score * share / log_sum : 0.0;
    }
  }
  return contributions;
}

}  // namespace riskscale
