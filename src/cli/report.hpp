// riskscale CLI: the portfolio summary rendered as text, JSON or Markdown.
#pragma once

#include <string>

#include "riskscale/policy.hpp"
#include "riskscale/summary.hpp"

namespace riskscale::cli {

/// Output formats of `riskscale summary`.
enum class report_format { text, json, markdown };

/// Renders a summary; `rows_read` counts every data row of the input (classified + rejected).
[[nodiscard]] std::string render_summary(const portfolio_summary& summary, const policy& pol, report_format format);

/// 1234567 as "1,234,567".
[[nodiscard]] std::string with_thousands(std::size_t value);

}  // namespace riskscale::cli
