// riskscale metrics: confidence intervals for proportions (Wilson) and their differences (Newcombe).
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
#include <utility>
#include <vector>

#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"

namespace riskscale::metrics {

/// A confidence interval.
struct interval {
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

/// The standard normal quantile for a two-sided `confidence` in (0, 1) (1.959964 for 0.95);
/// throws `error` outside (0, 1).
[[nodiscard]] inline double z_for_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw error("confidence = " + format_number(confidence) + "; accepted: a level in (0, 1), e.g. 0.95");
  }
  // Bisection on the normal CDF 0.5·erfc(−z/√2): slow but exact to the last bit, and called once per metric.
  const double target = 0.5 + confidence / 2.0;
  double low = 0.0, high = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double middle = low + (high - low) / 2.0;
    if (middle == low || middle == high) break;
    if (0.5 * std::erfc(-middle / std::sqrt(2.0)) < target)
      low = middle;
    else
      high = middle;
  }
  return low + (high - low) / 2.0;
}

/// The Wilson score interval of `successes` out of `trials` (Newcombe 1998, Stat Med 17:857,
/// method 3), without continuity correction; NaN bounds when `trials` is 0.
[[nodiscard]] inline interval wilson_interval(double successes, double trials, double z) noexcept {
  if (trials == 0.0) return {};
  const double z2 = z * z;
  const double denominator = 2.0 * (trials + z2);
  const double root = z * std::sqrt(z2 + 4.0 * successes * (trials - successes) / trials);
  // The bounds are exact at the ends of the range (no rounding past 0 or 1).
  return {successes == 0.0 ? 0.0 : (2.0 * successes + z2 - root) / denominator,
          successes == trials ? 1.0 : (2.0 * successes + z2 + root) / denominator};
}

/// A difference of two proportions and its confidence interval.
struct difference_interval {
  double difference = std::numeric_limits<double>::quiet_NaN();
  double lower = std::numeric_limits<double>::quiet_NaN();
  double upper = std::numeric_limits<double>::quiet_NaN();
};

/// p1 − p2 for x1/n1 and x2/n2 with Newcombe's hybrid score interval (Newcombe 1998, Stat Med
/// 17:873, method 10), built from the two Wilson intervals; NaN when either n is 0.
[[nodiscard]] inline difference_interval newcombe_interval(double x1, double n1, double x2, double n2,
                                                           double z) noexcept {
  if (n1 == 0.0 || n2 == 0.0) return {};
  const double p1 = x1 / n1, p2 = x2 / n2;
  const interval w1 = wilson_interval(x1, n1, z), w2 = wilson_interval(x2, n2, z);
  const double difference = p1 - p2;
  return {difference, difference - std::sqrt((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2)),
          difference + std::sqrt((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower))};
}

}  // namespace riskscale::metrics
