// riskscale: the SPEC §8 output columns (names, types, order) that every front end writes.
#pragma once

#include <array>
#include <cstdint>
#include <cstddef>
#include <string_view>

#include "riskscale/archetype.hpp"

namespace riskscale {

/// What a column of the SPEC §8 output holds.
enum class column_type : std::uint8_t {
  text,      ///< account_id: the input's text
  number,    ///< a double; absent (NaN) is an empty cell
  category,  ///< archetype: one of the SPEC §1 ids
  flag,      ///< borderline: true or false
  list,      ///< recommendations: catalogue ids joined by ';' (`list_separator` of cell_text.hpp)
};

/// One output column.
struct output_column {
  std::string_view name;
  column_type type;
};

/// The SPEC §8 columns of a classified portfolio, in SPEC order.
inline constexpr std::array<output_column, 15> classify_output_columns = {{
    {"account_id", column_type::text},
    {"risk_score", column_type::number},
    {"scale_score", column_type::number},
    {"frequency_score", column_type::number},
    {"reach_score", column_type::number},
    {"archetype", column_type::category},
    {"margin", column_type::number},
    {"borderline", column_type::flag},
    {"p_high_scale_high_risk", column_type::number},
    {"p_high_scale_low_risk", column_type::number},
    {"p_low_scale_high_risk", column_type::number},
    {"p_low_scale_low_risk", column_type::number},
    {"recommendations", column_type::list},
    {"users_for_high_scale", column_type::number},
    {"active_days_for_high_scale", column_type::number},
}};

/// The number columns of SPEC §8 in the order of one (columns, rows) float block, as `batch_output`
/// holds them: the four scores, margin, the four memberships, then the two counterfactuals.
inline constexpr std::array<std::string_view, 11> classify_number_columns = {"risk_score",
                                                                             "scale_score",
                                                                             "frequency_score",
                                                                             "reach_score",
                                                                             "margin",
                                                                             "p_high_scale_high_risk",
                                                                             "p_high_scale_low_risk",
                                                                             "p_low_scale_high_risk",
                                                                             "p_low_scale_low_risk",
                                                                             "users_for_high_scale",
                                                                             "active_days_for_high_scale"};

}  // namespace riskscale
