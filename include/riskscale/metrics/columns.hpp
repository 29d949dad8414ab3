// riskscale metrics: borrowed input columns, the error that refuses one, and the groups rows fall into.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "riskscale/archetype.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/error.hpp"

namespace riskscale::metrics {

/// A borrowed column of `size()` contiguous values (a numpy array, `std::vector`, Eigen array or
/// map); a default-constructed view means "column not given". It must outlive the call.
template <typename T>
class column_view {
 public:
  /// No column.
  column_view() noexcept = default;
  /// `size` values at `data`; a null `data` with `size == 0` means no column.
  column_view(const T* data, std::size_t size) noexcept : data_(data), size_(size) {}
  /// Borrows a vector (implicit, so a vector can be passed where a column is expected).
  column_view(const std::vector<T>& values) noexcept  // NOLINT(google-explicit-constructor)
      : data_(values.data()), size_(values.size()) {}
  /// Borrows a contiguous Eigen vector expression with storage: an array, a map, a ref or a column block.
  template <typename Derived, typename = std::enable_if_t<std::is_same_v<typename Derived::Scalar, T>>>
  column_view(const Eigen::DenseBase<Derived>& values) noexcept  // NOLINT(google-explicit-constructor)
      : data_(values.derived().data()), size_(static_cast<std::size_t>(values.size())) {
    static_assert(Derived::IsVectorAtCompileTime, "a column is a vector");
    static_assert(Derived::InnerStrideAtCompileTime == 1, "a column must be contiguous");
  }

  /// True when a column was given.
  [[nodiscard]] bool given() const noexcept { return data_ != nullptr || size_ > 0; }
  /// Number of values.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The first value.
  [[nodiscard]] const T* data() const noexcept { return data_; }
  /// Value `row`.
  [[nodiscard]] const T& operator[](std::size_t row) const noexcept { return data_[row]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

/// A metrics input column was refused: names the column, the 0-based row when one row is at
/// fault, and what is accepted; `message()` is that explanation without the location.
class column_error : public input_error {
 public:
  column_error(std::string column, std::optional<std::size_t> row, std::string message)
      : input_error(std::move(column), row, "", message) {}
};

/// Groups of every metric: the four archetypes in SPEC §1 order, then every row together.
inline constexpr std::size_t group_count = archetype_count + 1;
/// Index of the group that holds every row (archetype or not).
inline constexpr std::size_t overall_group = archetype_count;

/// The archetype id of a group, or "overall".
[[nodiscard]] constexpr std::string_view group_name(std::size_t group) noexcept {
  return group < archetype_count ? to_string(static_cast<archetype>(group)) : std::string_view("overall");
}

/// Per-group results, indexed by archetype then `overall_group`.
template <typename Group>
using per_group = std::array<Group, group_count>;

}  // namespace riskscale::metrics

namespace riskscale::detail {

inline constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

// num / den, NaN when den is 0 (the caller records why in a reason).
[[nodiscard]] inline double ratio_or_nan(double num, double den) noexcept { return den == 0.0 ? quiet_nan : num / den; }

// Refuses a required column that is absent or a column whose length is not the table's.
template <typename T>
void check_column(const metrics::column_view<T>& column, const char* name, std::size_t rows, bool required,
                  const char* accepted) {
  if (!column.given()) {
    if (required) throw metrics::column_error(name, std::nullopt, std::string("missing column; accepted: ") + accepted);
    return;
  }
  if (column.size() != rows) {
    throw metrics::column_error(name, std::nullopt,
                                "column has " + std::to_string(column.size()) + " values; accepted: " +
                                    std::to_string(rows) + " (one per row, as the other columns)");
  }
}

// Refuses an archetype code outside -1 (none) and the SPEC §1 indices.
inline void check_archetypes(const metrics::column_view<std::int8_t>& archetype, std::size_t rows) {
  check_column(archetype, "archetype", rows, false, "");
  for (std::size_t row = 0; row < archetype.size(); ++row) {
    const int code = archetype[row];
    if (code < -1 || code >= static_cast<int>(archetype_count)) {
      throw metrics::column_error(
          "archetype", row,
          "code " + std::to_string(code) + " is not an archetype; accepted: -1 (none) or 0 to 3 in SPEC §1 order");
    }
  }
}

// The archetype group of a row, or nothing (no column, or code -1).
inline std::optional<std::size_t> archetype_group(const metrics::column_view<std::int8_t>& archetype,
                                                  std::size_t row) noexcept {
  if (!archetype.given() || archetype[row] < 0) return std::nullopt;
  return static_cast<std::size_t>(archetype[row]);
}

// Refuses a count that is NaN, infinite or negative.
inline void check_count(const char* name, double value, std::size_t row) {
  if (std::isfinite(value) && value >= 0.0) return;
  throw metrics::column_error(name, row,
                              name + std::string(" = ") + format_number(value) +
                                  (std::isnan(value) ? " (missing)" : "") + "; accepted: a finite count >= 0");
}

// Refuses a flag that is not exactly 0 or 1.
inline void check_flag(const char* name, double value, std::size_t row) {
  if (value == 0.0 || value == 1.0) return;
  throw metrics::column_error(name, row,
                              name + std::string(" = ") + format_number(value) +
                                  (std::isnan(value) ? " (missing)" : "") + "; accepted: 1 (yes) or 0 (no)");
}

// Calls `visit(group)` for the row's archetype group (if any) and for the overall group.
template <typename Visit>
void for_groups_of(const metrics::column_view<std::int8_t>& archetype, std::size_t row, Visit&& visit) {
  if (const auto group = archetype_group(archetype, row)) visit(*group);
  visit(metrics::overall_group);
}

}  // namespace riskscale::detail
