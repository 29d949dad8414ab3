// riskscale report: a portfolio report and a per-account welcome pack as one self-contained HTML file
// (inline CSS and SVG, no script, nothing fetched), rendered from core results only.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/goals.hpp"
#include "report/lifecycle.hpp"
#include "report/plans.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/density.hpp"
#include "riskscale/drift.hpp"
#include "riskscale/plan.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/summary.hpp"

namespace riskscale::report {

/// One snapshot of a portfolio as the report reads it: an id per row and the model inputs as columns
/// (named as policy::input_fields(); a row whose record could not be read holds NaN, so it is invalid).
struct snapshot {
  const std::vector<std::string>* account_id = nullptr;
  const portfolio* inputs = nullptr;
};

/// What the report shows beyond its inputs.
struct report_options {
  std::string title = "Portfolio report";  ///< the page's heading and <title>
  riskscale::date start;                   ///< welcome day of the plans (journey map, welcome pack)
  std::size_t top = 10;                    ///< length of every top-N list
  std::size_t bins = 20;                   ///< cells per axis of the density grid
  unsigned threads = 0;                    ///< classification workers, 0: every core
  std::vector<goal> goals;                 ///< business goals: a Goals section when not empty
  /// Given plans (plans_from_rows): the journey map shows, per archetype present, the plan of its most
  /// typical planned account instead of a typical account's plan made under the policy.
  const std::vector<onboarding_plan>* plans = nullptr;
};

/// An account close to a line, with its SPEC §6 explanation in words (describe.hpp).
struct account_note {
  std::string account_id;
  riskscale::archetype archetype = archetype::low_scale_low_risk;
  double margin = 0.0;
  std::string explanation;
};

/// A moved account (SPEC §11) with its driver and reason.
struct account_move {
  std::string account_id;
  riskscale::archetype from = archetype::low_scale_low_risk;
  riskscale::archetype to = archetype::low_scale_low_risk;
  double risk_change = 0.0;
  double scale_change = 0.0;
  std::string driver;
  std::string reason;
};

/// The movement between the previous snapshot and this one (SPEC §11), aggregated.
struct movement {
  drift_matrix matrix;
  drift_counts counts;
  std::array<std::size_t, archetype_count> previous_counts{};  ///< valid accounts per archetype before
  std::vector<std::pair<std::string, std::size_t>> alerts;     ///< every alert kind with its count, kind order
  std::vector<std::pair<std::string, std::size_t>> drivers;    ///< drivers of moved accounts, most first
  std::vector<account_move> top_movers;                        ///< largest |risk_change| + |scale_change| first,
                                                               ///< as Drift.movers
};

/// The plan of a typical account of one archetype: the account with the largest membership in it.
struct journey {
  riskscale::archetype archetype = archetype::low_scale_low_risk;
  std::string account_id;
  onboarding_plan plan;
};

/// Everything the portfolio report shows, each number computed by the core.
struct report_data {
  explicit report_data(const policy& pol, std::size_t watch, std::size_t bins)
      : policy(pol), summary(pol, watch), density(bins) {}
  riskscale::policy policy;
  portfolio_summary summary;
  score_density density;
  std::vector<account_note> closest;
  std::optional<riskscale::report::movement> movement;
  std::vector<journey> journeys;
  bool plans_given = false;     ///< journeys come from given plans (--plans), not from typical accounts
  lifecycle_metrics lifecycle;  ///< the Onboarding and lifecycle section, shown when not empty
};

/// Classifies `current` (and compares it with `previous`, SPEC §11) under `pol` and gathers what the
/// report shows. Throws riskscale::input_error for an account id twice in a snapshot with `previous`.
[[nodiscard]] report_data collect(const policy& pol, const snapshot& current, const std::optional<snapshot>& previous,
                                  const report_options& options);

/// The portfolio report of `data` as one HTML document.
[[nodiscard]] std::string render_report(const report_data& data, const report_options& options);

/// The welcome pack of one account: its archetype in words, its plan as a timeline, milestones,
/// support contacts and recommended formats, as one printable HTML document.
[[nodiscard]] std::string render_welcome_pack(const assessment& assessed, const onboarding_plan& plan,
                                              const report_options& options);

/// The welcome pack of the account `account_id` of `current`; throws riskscale::input_error when no
/// row has that id, or when its inputs are invalid (naming the row and field).
[[nodiscard]] std::string welcome_pack(const policy& pol, const snapshot& current, const std::string& account_id,
                                       const report_options& options);

}  // namespace riskscale::report
