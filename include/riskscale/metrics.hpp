// riskscale: education and onboarding metrics: adoption gap, funnels, programme, impact, interaction, cost.
//
// Every metric reads borrowed columns (one value per row) and an optional archetype code per row
// (-1 = none, else the SPEC §1 index), and reports per-row values where a row has them plus one
// aggregate per group: the four archetypes and `overall` (every row). Nothing is clamped and no
// zero denominator becomes a silent 0: a value that cannot be computed is NaN, and a `reason_set`
// beside it says why. A column that is missing, of the wrong length or holds values the metric
// cannot accept is refused with a `column_error` naming the column, the row and what is accepted;
// the adoption table is the exception, where bad and inconsistent accounts are the data quality
// the metric reports, so they get per-row reasons and are left out of the aggregates.
#pragma once

#include "riskscale/metrics/reasons.hpp"
#include "riskscale/metrics/columns.hpp"
#include "riskscale/metrics/statistics.hpp"
#include "riskscale/metrics/adoption.hpp"
#include "riskscale/metrics/funnel.hpp"
#include "riskscale/metrics/programme.hpp"
#include "riskscale/metrics/impact.hpp"
#include "riskscale/metrics/interaction.hpp"
#include "riskscale/metrics/cost.hpp"
#include "riskscale/metrics/schema.hpp"
