// riskscale: one account through the whole model (SPEC §3–§6), as one value holding every quantity.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/account.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/detail/kernel.hpp"
#include "riskscale/error.hpp"
#include "riskscale/input_schema.hpp"
#include "riskscale/explain.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// One recommended training format (SPEC §5), in rank order.
struct recommendation {
  std::size_t format_index = 0;  ///< index in the policy's catalogue
  std::string_view id;           ///< format id, a view into the policy the assessment holds
  double score = 0.0;
};

/// Everything the model says about one account; it keeps its policy alive, so its views stay valid.
struct assessment {
  std::string account_id;
  double risk_score = 0.0;                                         ///< SPEC §3
  double scale_score = 0.0;                                        ///< SPEC §3
  double frequency_score = 0.0;                                    ///< SPEC §3
  double reach_score = 0.0;                                        ///< SPEC §3
  riskscale::archetype archetype = archetype::low_scale_low_risk;  ///< SPEC §4
  double margin = 0.0;                                             ///< SPEC §4: distance to the nearest threshold
  bool borderline = false;                                         ///< SPEC §4: margin < borderline_band
  std::array<double, archetype_count> membership{};                ///< SPEC §4, archetype order, sums to 1
  std::vector<recommendation> recommendations;                     ///< SPEC §5, ranked
  std::vector<risk_contribution> risk_contributions;               ///< SPEC §6, policy factor order
  scale_component binding_scale_component = scale_component::frequency;  ///< SPEC §6
  std::optional<double> users_for_high_scale;                            ///< SPEC §6, low-scale accounts only
  std::optional<double> active_days_for_high_scale;                      ///< SPEC §6, low-scale accounts only
  riskscale::policy policy;                                              ///< the policy that produced this

  /// True when the risk score reaches the risk threshold.
  [[nodiscard]] bool high_risk() const noexcept { return is_high_risk(archetype); }
  /// True when the scale score reaches the scale threshold.
  [[nodiscard]] bool high_scale() const noexcept { return is_high_scale(archetype); }
  /// The membership of one archetype.
  [[nodiscard]] double membership_of(riskscale::archetype a) const noexcept {
    return membership[static_cast<std::size_t>(a)];
  }
  /// The catalogue entry of a recommendation.
  [[nodiscard]] const training_format& format(const recommendation& r) const {
    return policy.catalog()[r.format_index];
  }
};

/// Assesses one account under a policy; throws `input_error` naming the field, value and
/// accepted range when an input is invalid (SPEC §2), or a factor the policy needs is missing.
[[nodiscard]] inline assessment assess(const account& input, const policy& pol = policy()) {
  constexpr int B = detail::single_block_rows;
  const auto& factors = pol.risk_factors();
  const std::size_t field_count = factors.size() + 3;
  // One value per field, read by the kernel as a one-row column; small policies stay on the stack.
  std::array<double, 16> small_values{};
  std::array<const double*, 16> small_columns{};
  std::vector<double> large_values;
  std::vector<const double*> large_columns;
  double* values = small_values.data();
  const double** columns = small_columns.data();
  if (field_count > small_values.size()) {
    large_values.resize(field_count);
    large_columns.resize(field_count);
    values = large_values.data();
    columns = large_columns.data();
  }
  for (std::size_t i = 0; i < factors.size(); ++i) {
    const std::optional<double> value = input.field(factors[i].name);
    if (!value) {
      throw input_error(factors[i].name, std::nullopt, input.account_id,
                        "missing: the policy weighs risk factor '" + factors[i].name +
                            "'; accepted: a value in [0, 1] in account::extra_factors[\"" + factors[i].name + "\"]");
    }
    values[i] = *value;
  }
  values[factors.size()] = input.active_days;
  values[factors.size() + 1] = input.users;
  values[factors.size() + 2] = input.seats.value_or(0.0);
  for (std::size_t i = 0; i < field_count; ++i) columns[i] = values + i;

  detail::block_scores<B> block;
  detail::compute_block<B>(pol, detail::block_source{columns, field_count, 0, 1}, block);
  if (block.status[0] != row_status::ok) {
    const std::size_t field = static_cast<std::size_t>(block.invalid_field[0]);
    const std::vector<std::string> names = pol.input_fields();
    const field_range range = input_range(pol, field);
    throw input_error(names[field], std::nullopt, input.account_id,
                      describe_invalid(names[field], values[field], range, block.status[0]));
  }

  assessment result;
  result.policy = pol;
  result.account_id = input.account_id;
  result.risk_score = block.risk[0];
  result.scale_score = block.scale[0];
  result.frequency_score = block.frequency[0];
  result.reach_score = block.reach[0];
  result.archetype = detail::classify_lane(pol, result.risk_score, result.scale_score);
  result.margin = block.margin[0];
  result.borderline = result.margin < pol.settings().borderline_band;
  for (std::size_t a = 0; a < archetype_count; ++a) result.membership[a] = block.membership[a][0];

  const std::size_t width = pol.recommendation_width();
  std::array<std::int16_t, 16> small_indices{};
  std::array<double, 16> small_scores{};
  std::vector<std::int16_t> large_indices;
  std::vector<double> large_scores;
  std::int16_t* indices = small_indices.data();
  double* scores = small_scores.data();
  if (width > small_indices.size()) {
    large_indices.resize(width);
    large_scores.resize(width);
    indices = large_indices.data();
    scores = large_scores.data();
  }
  const std::size_t count = detail::rank_formats(pol, result.membership, indices, scores);
  result.recommendations.reserve(count);
  for (std::size_t j = 0; j < count; ++j) {
    const auto k = static_cast<std::size_t>(indices[j]);
    result.recommendations.push_back({k, pol.catalog()[k].id, scores[j]});
  }

  result.risk_contributions =
      risk_contributions(pol, std::vector<double>(values, values + factors.size()), result.risk_score);
  result.binding_scale_component = binding_component(result.frequency_score, result.reach_score);
  if (!std::isnan(block.users_for_high_scale[0])) result.users_for_high_scale = block.users_for_high_scale[0];
  if (!std::isnan(block.active_days_for_high_scale[0])) {
    result.active_days_for_high_scale = block.active_days_for_high_scale[0];
  }
  return result;
}

}  // namespace riskscale
