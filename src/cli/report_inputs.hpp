// riskscale CLI: the optional inputs of `riskscale report`: the metric tables of --metrics KIND=FILE
// (read as `riskscale metrics` reads them) and the touchpoint rows of --plans.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/lifecycle.hpp"
#include "riskscale/plan.hpp"

namespace riskscale::cli {

/// The metric kinds --metrics accepts, in the order the section shows them.
inline const std::vector<std::string> report_metric_kinds = {"funnel", "program", "adoption", "interaction", "impact"};

/// The file of each "KIND=FILE" of `specs`, for refuse_clobbering; throws cli_error on a malformed spec,
/// an unknown kind or a kind given twice.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> metric_files(const std::vector<std::string>& specs);

/// Reads each metric table and runs its metric in the core with the `riskscale metrics` defaults
/// (impact: column onboarding_completed, outcomes renewed/retained/expanded present, 95 %, groups of 10;
/// funnel: every column but archetype, cohort, account_id, period and channel is a stage, in file order).
[[nodiscard]] report::lifecycle_metrics load_lifecycle_metrics(const std::vector<std::string>& specs,
                                                               std::size_t max_record_bytes);

/// The plans of a touchpoint CSV (the `riskscale plan --all` output); throws cli_error naming the file,
/// line and column of a bad row.
[[nodiscard]] std::vector<onboarding_plan> load_plans(const std::string& path, std::size_t max_record_bytes);

}  // namespace riskscale::cli
