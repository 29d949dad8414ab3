// riskscale CLI: the portfolio summary rendered as text, JSON or Markdown.
#pragma once

#include <string>

#include "riskscale/policy.hpp"
#include "riskscale/summary.hpp"

namespace riskscale::cli {

/// Output formats of `riskscale summary`.
enum class summary_format { text, json, markdown };

/// Renders a summary (its classified accounts and rejected rows) as text, JSON or Markdown under `pol`.
[[nodiscard]] std::string render_summary(const portfolio_summary& summary, const policy& pol, summary_format format);

/// 1234567 as "1,234,567".
[[nodiscard]] std::string with_thousands(std::size_t value);

}  // namespace riskscale::cli
