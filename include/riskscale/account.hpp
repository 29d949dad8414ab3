// riskscale: one account's inputs (SPEC §2), their valid ranges, and per-row validity codes.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace riskscale {

/// The inputs of one account (SPEC §2); risk factors a policy adds are looked up in `extra_factors`.
struct account {
  std::string account_id;
  double sensitive_data = 0.0;
  double org_disruption = 0.0;
  double physical_safety = 0.0;
  double legal_exposure = 0.0;
  double active_days = 0.0;
  double users = 0.0;
  /// Licensed seats: used by metrics only, validated when present.
  std::optional<double> seats;
  /// Values of risk factors that a policy adds by name (SPEC §7), keyed by that name.
  std::map<std::string, double, std::less<>> extra_factors;

  /// The value of the named input field or risk factor, or nothing when this account lacks it.
  [[nodiscard]] std::optional<double> field(std::string_view name) const {
    if (name == "sensitive_data") return sensitive_data;
    if (name == "org_disruption") return org_disruption;
    if (name == "physical_safety") return physical_safety;
    if (name == "legal_exposure") return legal_exposure;
    if (name == "active_days") return active_days;
    if (name == "users") return users;
    if (name == "seats") return seats;
    if (auto it = extra_factors.find(name); it != extra_factors.end()) return it->second;
    return std::nullopt;
  }

  /// Sets the named input field, or the risk factor of that name (the inverse of `field`).
  void set_field(std::string_view name, double value) {
    if (name == "sensitive_data")
      sensitive_data = value;
    else if (name == "org_disruption")
      org_disruption = value;
    else if (name == "physical_safety")
      physical_safety = value;
    else if (name == "legal_exposure")
      legal_exposure = value;
    else if (name == "active_days")
      active_days = value;
    else if (name == "users")
      users = value;
    else if (name == "seats")
      seats = value;
    else
      extra_factors[std::string(name)] = value;
  }
};

/// The closed interval a numeric input must lie in (SPEC §2).
struct field_range {
  double lower;
  double upper;
};

/// Range of every risk factor, the four of SPEC §2 and any a policy adds.
inline constexpr field_range risk_factor_range{0.0, 1.0};
/// Range of `active_days`: days per user per month.
inline constexpr field_range active_days_range{0.0, 31.0};
/// Range of `users` and `seats`.
inline constexpr field_range count_range{0.0, 1e9};

/// Why a row of a batch got no scores; `ok` for a classified row.
enum class row_status : std::uint8_t {
  ok = 0,
  not_a_number = 1,    ///< the value is NaN (in a table: a missing cell)
  infinite = 2,        ///< the value is +inf or -inf
  below_range = 3,     ///< finite but below the field's lower bound
  above_range = 4,     ///< finite but above the field's upper bound
  missing_value = 5,   ///< SPEC §9: the source cell is empty
  unmapped_value = 6,  ///< SPEC §9: the cell's text matches no key of a `map` rule without a default
};

/// A short, stable code for a row status, e.g. "below_range".
[[nodiscard]] constexpr std::string_view to_string(row_status status) noexcept {
  switch (status) {
    case row_status::ok: return "ok";
    case row_status::not_a_number: return "not_a_number";
    case row_status::infinite: return "infinite";
    case row_status::below_range: return "below_range";
    case row_status::above_range: return "above_range";
    case row_status::missing_value: return "missing_value";
    case row_status::unmapped_value: return "unmapped_value";
  }
  return "unknown";
}

/// Checks one value against its range: `ok` or why it is refused (never clamps).
[[nodiscard]] inline row_status check_value(double value, field_range range) noexcept {
  if (std::isnan(value)) return row_status::not_a_number;
  if (std::isinf(value)) return row_status::infinite;
  if (value < range.lower) return row_status::below_range;
  if (value > range.upper) return row_status::above_range;
  return row_status::ok;
}

}  // namespace riskscale
