// riskscale: validate a classified portfolio against a 0/1 outcome (churned, renewed, ...): the
// outcome rate per archetype and for borderline vs not, with Wilson intervals, and the Newcombe
// intervals of the high- vs low-risk and high- vs low-scale differences (the metrics core's code).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "riskscale/archetype.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/error.hpp"
#include "riskscale/metrics.hpp"

namespace riskscale {

/// The outcome rate of one group of accounts and its Wilson interval.
struct outcome_rate {
  std::string group;  ///< an archetype id, "borderline" or "not_borderline"
  std::size_t accounts = 0;
  std::size_t events = 0;                                  ///< accounts with outcome 1
  double rate = std::numeric_limits<double>::quiet_NaN();  ///< events / accounts, NaN when empty
  metrics::interval interval;                              ///< Wilson score interval, NaN when empty
};

/// What validate() found.
struct validation_result {
  double confidence = 0.95;
  std::size_t accounts = 0;                                 ///< accounts counted (rows with an archetype)
  std::size_t skipped = 0;                                  ///< rows without an archetype (invalid accounts), left out
  std::array<outcome_rate, archetype_count> per_archetype;  ///< SPEC §1 order
  outcome_rate borderline, not_borderline;
  outcome_rate high_risk, low_risk, high_scale, low_scale;
  metrics::difference_interval risk_difference;   ///< high-risk rate − low-risk rate (Newcombe)
  metrics::difference_interval scale_difference;  ///< high-scale rate − low-scale rate (Newcombe)
  /// True when some two archetypes' intervals do not overlap.
  bool quadrants_separate = false;
  /// The finding in words, e.g. that the quadrants do not separate the outcome.
  std::string verdict;
};

namespace detail {
inline void add_outcome(outcome_rate& rate, bool event) noexcept {
  ++rate.accounts;
  rate.events += event ? 1 : 0;
}
inline void finish_outcome(outcome_rate& rate, double z) noexcept {
  const double n = static_cast<double>(rate.accounts), x = static_cast<double>(rate.events);
  if (rate.accounts > 0) rate.rate = x / n;
  rate.interval = metrics::wilson_interval(x, n, z);
}
[[nodiscard]] inline bool intervals_overlap(const metrics::interval& a, const metrics::interval& b) noexcept {
  return !(a.upper < b.lower || b.upper < a.lower);
}
}  // namespace detail

/// Rates of `outcome` (0 or 1 per row) per archetype (`archetype[row]`, SPEC §1 index, −1 = an
/// invalid account, skipped) and for borderline (`borderline[row]` 0/1) vs not, with Wilson intervals
/// at `confidence`, and the Newcombe intervals of the risk and scale differences. Throws
/// `input_error` naming the row of an outcome that is not 0 or 1.
[[nodiscard]] inline validation_result validate(const std::vector<std::int8_t>& archetype_index,
                                                const std::vector<std::uint8_t>& borderline,
                                                const std::vector<double>& outcome,
                                                const std::string& outcome_column = "outcome",
                                                double confidence = 0.95) {
  if (archetype_index.size() != outcome.size() || borderline.size() != outcome.size()) {
    throw error("validate got " + std::to_string(archetype_index.size()) + " archetypes, " +
                std::to_string(borderline.size()) + " borderline flags and " + std::to_string(outcome.size()) +
                " outcomes; accepted: one of each per account");
  }
  const double z = metrics::z_for_confidence(confidence);
  validation_result r;
  r.confidence = confidence;
  for (std::size_t a = 0; a < archetype_count; ++a) r.per_archetype[a].group = to_string(static_cast<archetype>(a));
  r.borderline.group = "borderline";
  r.not_borderline.group = "not_borderline";
  r.high_risk.group = "high_risk";
  r.low_risk.group = "low_risk";
  r.high_scale.group = "high_scale";
  r.low_scale.group = "low_scale";
  for (std::size_t row = 0; row < outcome.size(); ++row) {
    if (outcome[row] != 0.0 && outcome[row] != 1.0) {
      throw input_error(outcome_column, row, "",
                        "outcome " + format_number(outcome[row]) + " is not 0 or 1; accepted: 0 or 1");
    }
    const std::int8_t index = archetype_index[row];
    if (index < 0 || index >= static_cast<std::int8_t>(archetype_count)) {
      ++r.skipped;
      continue;
    }
    const bool event = outcome[row] == 1.0;
    const auto a = static_cast<archetype>(index);
    ++r.accounts;
    detail::add_outcome(r.per_archetype[static_cast<std::size_t>(index)], event);
    detail::add_outcome(borderline[row] != 0 ? r.borderline : r.not_borderline, event);
    detail::add_outcome(is_high_risk(a) ? r.high_risk : r.low_risk, event);
    detail::add_outcome(is_high_scale(a) ? r.high_scale : r.low_scale, event);
  }
  for (auto& rate : r.per_archetype) detail::finish_outcome(rate, z);
  for (outcome_rate* rate :
       {&r.borderline, &r.not_borderline, &r.high_risk, &r.low_risk, &r.high_scale, &r.low_scale}) {
    detail::finish_outcome(*rate, z);
  }
  const auto difference = [z](const outcome_rate& one, const outcome_rate& two) {
    return metrics::newcombe_interval(static_cast<double>(one.events), static_cast<double>(one.accounts),
                                      static_cast<double>(two.events), static_cast<double>(two.accounts), z);
  };
  r.risk_difference = difference(r.high_risk, r.low_risk);
  r.scale_difference = difference(r.high_scale, r.low_scale);

  std::size_t populated = 0;
  for (std::size_t a = 0; a < archetype_count; ++a) {
    if (r.per_archetype[a].accounts == 0) continue;
    ++populated;
    for (std::size_t b = a + 1; b < archetype_count; ++b) {
      if (r.per_archetype[b].accounts == 0) continue;
      if (!detail::intervals_overlap(r.per_archetype[a].interval, r.per_archetype[b].interval)) {
        r.quadrants_separate = true;
      }
    }
  }
  const std::string level = format_number(confidence * 100.0) + " %";
  if (populated < 2) {
    r.verdict =
        "Fewer than two archetypes have accounts, so the quadrants cannot be compared on " + outcome_column + ".";
  } else if (r.quadrants_separate) {
    r.verdict = "The quadrants separate " + outcome_column + ": at least two archetypes' " + level +
                " Wilson intervals do not overlap.";
  } else {
    r.verdict = "The quadrants do not separate " + outcome_column + ": every two archetypes' " + level +
                " Wilson intervals overlap.";
  }
  const auto side = [&](const metrics::difference_interval& d, const std::string& what) {
    if (std::isnan(d.difference)) return " " + what + " cannot be compared (one side has no accounts).";
    if (d.lower <= 0.0 && d.upper >= 0.0) {
      return " " + what + " do not differ in " + outcome_column + " (the interval of the difference contains 0).";
    }
    return " " + what + " differ in " + outcome_column + " by " + format_number(d.difference) + " [" +
           format_number(d.lower) + ", " + format_number(d.upper) + "].";
  };
  r.verdict += side(r.risk_difference, "High- and low-risk accounts");
  r.verdict += side(r.scale_difference, "High- and low-scale accounts");
  return r;
}

}  // namespace riskscale
