// riskscale: the four quadrants of the risk–scale matrix (SPEC §1), with their ids and names.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace riskscale {

/// An onboarding archetype; the enumerator order is the SPEC §1 table order used by every array.
enum class archetype : std::int8_t {
  high_scale_high_risk = 0,
  high_scale_low_risk = 1,
  low_scale_high_risk = 2,
  low_scale_low_risk = 3,
};

/// Number of archetypes, the length of every membership vector.
inline constexpr std::size_t archetype_count = 4;

/// Every archetype in SPEC order, for loops and tables.
inline constexpr std::array<archetype, archetype_count> all_archetypes = {
    archetype::high_scale_high_risk, archetype::high_scale_low_risk, archetype::low_scale_high_risk,
    archetype::low_scale_low_risk};

namespace detail {
struct archetype_names {
  std::string_view id;
  std::string_view display_name;
  std::string_view description;
};
// SPEC §1 table, in archetype order.
inline constexpr std::array<archetype_names, archetype_count> archetype_table = {{
    {"high_scale_high_risk", "High scale, high risk", "many end users in a regulated environment"},
    {"high_scale_low_risk", "High scale, low risk", "many end users, goal is broad adoption"},
    {"low_scale_high_risk", "Low scale, high risk", "few highly specialised users, errors are costly"},
    {"low_scale_low_risk", "Low scale, low risk", "few experts, customised but not mission-critical use"},
}};
}  // namespace detail

/// The archetype id of SPEC §1, e.g. "high_scale_low_risk".
[[nodiscard]] constexpr std::string_view to_string(archetype a) noexcept {
  return detail::archetype_table[static_cast<std::size_t>(a)].id;
}

/// A human-readable quadrant name, e.g. "High scale, low risk".
[[nodiscard]] constexpr std::string_view display_name(archetype a) noexcept {
  return detail::archetype_table[static_cast<std::size_t>(a)].display_name;
}

/// The one-line "typical account" description of SPEC §1.
[[nodiscard]] constexpr std::string_view description(archetype a) noexcept {
  return detail::archetype_table[static_cast<std::size_t>(a)].description;
}

/// The archetype with this id, or nothing when the id is not one of the four.
[[nodiscard]] constexpr std::optional<archetype> archetype_from_string(std::string_view id) noexcept {
  for (std::size_t i = 0; i < archetype_count; ++i) {
    if (detail::archetype_table[i].id == id) return static_cast<archetype>(i);
  }
  return std::nullopt;
}

/// The quadrant of an account that is (or is not) high scale and high risk (SPEC §4).
[[nodiscard]] constexpr archetype archetype_of(bool high_scale, bool high_risk) noexcept {
  return static_cast<archetype>((high_scale ? 0 : 2) + (high_risk ? 0 : 1));
}

/// True for the two high-scale quadrants.
[[nodiscard]] constexpr bool is_high_scale(archetype a) noexcept {
  return a == archetype::high_scale_high_risk || a == archetype::high_scale_low_risk;
}

/// True for the two high-risk quadrants.
[[nodiscard]] constexpr bool is_high_risk(archetype a) noexcept {
  return a == archetype::high_scale_high_risk || a == archetype::low_scale_high_risk;
}

}  // namespace riskscale
