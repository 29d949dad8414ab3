// riskscale report: the "Onboarding and lifecycle" section: the core's metric results (metrics/*.hpp),
// each labelled with its lifecycle stage, leading programme metrics beside lagging business impact.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "riskscale/metrics.hpp"

namespace riskscale::report {

/// One outcome of the impact metric (renewed, retained, expanded, ...) with its groups.
struct impact_outcome {
  std::string outcome;
  metrics::per_group<metrics::impact_group> groups{};
};

/// The metric results the section shows, each as the core computed it; a metric absent is not shown.
struct lifecycle_metrics {
  std::optional<metrics::per_group<metrics::adoption_group>> adoption;        ///< adoption stage
  std::optional<metrics::per_group<metrics::interaction_group>> interaction;  ///< adoption stage
  std::vector<std::string> funnel_stages;                                     ///< funnel stage names, in order
  std::optional<metrics::per_group<metrics::funnel_group>> funnel;            ///< onboarding stage
  std::vector<std::string> courses;                                           ///< program course names, code order
  std::optional<metrics::program_result> program;                             ///< onboarding stage
  std::vector<impact_outcome> impact;                                         ///< renewal stage
  metrics::impact_settings impact_settings;                                   ///< of the impact intervals

  /// True when no metric was given (the section is then left out).
  [[nodiscard]] bool empty() const noexcept {
    return !adoption && !interaction && !funnel && !program && impact.empty();
  }
};

/// A sentence of the page's summary with its weight (the larger first).
struct headline {
  double weight = 0.0;
  std::string text;
};

/// The summary lines of the metrics: one per metric, weighted by how much it varies across the
/// archetypes (largest minus smallest rate, or the impact difference) times `accounts`, so that a
/// 40-point spread weighs as much as an archetype holding 40 % of the accounts.
[[nodiscard]] std::vector<headline> lifecycle_headlines(const lifecycle_metrics& metrics, std::size_t accounts);

/// The section as HTML (id "lifecycle"): a chart of the leading metrics, the impact differences with
/// their confidence intervals as error bars, and the tables of their numbers per archetype.
[[nodiscard]] std::string lifecycle_section(const lifecycle_metrics& metrics);

}  // namespace riskscale::report
