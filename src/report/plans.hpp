// riskscale report: onboarding plans given as touchpoint rows (the `riskscale plan --all` CSV, the
// `riskscale.plans` DataFrame) read back into plans for the journey map.
#pragma once

#include <string>
#include <vector>

#include "riskscale/plan.hpp"

namespace riskscale::report {

/// Touchpoint rows as text, one vector per column, all of one length; `format`, `audience` and
/// `detail` may be empty vectors (the column is absent).
struct plan_rows {
  std::vector<std::string> account_id, day, date, stage, channel, kind, title, archetype;
  std::vector<std::string> format, audience, detail;
};

/// The columns plan_rows requires, in `riskscale plan --all` order.
inline const std::vector<std::string> plan_row_columns = {"account_id", "day",  "date",  "stage",
                                                          "channel",    "kind", "title", "archetype"};

/// One plan per account_id, in order of first appearance: its touchpoints in row order, each `milestone`
/// row also a milestone (criterion: its detail), its start the date of day 0 and its length the last day
/// + 1. Throws riskscale::input_error naming the row, column and what is accepted for a missing column,
/// a day that is not a whole number >= 0, a date that is not YYYY-MM-DD or disagrees with the account's
/// start + day, or an unknown stage, channel, kind, audience or archetype.
[[nodiscard]] std::vector<onboarding_plan> plans_from_rows(const plan_rows& rows);

}  // namespace riskscale::report
