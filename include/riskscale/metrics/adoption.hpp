// riskscale metrics: the adoption gap of each account (training coverage, activation, shelfware seats) and of each group.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "riskscale/archetype.hpp"
#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/metrics/columns.hpp"
#include "riskscale/metrics/reasons.hpp"

namespace riskscale::metrics {

/// One account's adoption gap (`adoption_of`, and each row of `adoption`).
struct adoption_account {
  double training_coverage = detail::quiet_nan;  ///< trained / seats
  double activation = detail::quiet_nan;         ///< active / seats
  double shelfware_seats = detail::quiet_nan;    ///< seats - active (negative when active > seats: not clamped)
  reason_set reasons = 0;                        ///< why values are NaN, or the row is left out of its groups
};

/// The adoption gap of one account from its licensed seats, users trained and users active; a
/// NaN, infinite or negative input gives NaN values, more trained or active users than seats
/// gives the values as they are, and both are flagged in `reasons` (never clamped).
[[nodiscard]] inline adoption_account adoption_of(double seats, double trained, double active) noexcept {
  adoption_account out;
  const auto check = [&](double value, reason not_finite, reason negative) {
    if (!std::isfinite(value))
      out.reasons |= bit(not_finite);
    else if (value < 0.0)
      out.reasons |= bit(negative);
  };
  check(seats, reason::seats_not_finite, reason::seats_negative);
  check(trained, reason::trained_not_finite, reason::trained_negative);
  check(active, reason::active_not_finite, reason::active_negative);
  if (out.reasons != 0) return out;
  if (trained > seats) out.reasons |= bit(reason::trained_above_seats);
  if (active > seats) out.reasons |= bit(reason::active_above_seats);
  if (seats == 0.0) out.reasons |= bit(reason::zero_seats);
  out.training_coverage = detail::ratio_or_nan(trained, seats);
  out.activation = detail::ratio_or_nan(active, seats);
  out.shelfware_seats = seats - active;
  return out;
}

/// Per-account counts of a user table (`count_users`).
struct user_counts {
  Eigen::ArrayXd users;             ///< users listed for the account
  Eigen::ArrayXd trained;           ///< users with the trained flag
  Eigen::ArrayXd active;            ///< users with the active flag
  Eigen::ArrayXd trained_inactive;  ///< trained but not active
  Eigen::ArrayXd active_untrained;  ///< active but not trained
};

/// Counts a user table (one row per user: the 0-based row of the user's account in the accounts
/// table, a trained flag and an active flag, each 1 or 0) per account; throws `column_error`
/// for an account row outside [0, accounts) or a flag that is not 0 or 1.
[[nodiscard]] inline user_counts count_users(column_view<std::int64_t> account, column_view<double> trained,
                                             column_view<double> active, std::size_t accounts) {
  const std::size_t rows = account.size();
  detail::check_column(account, "account_id", rows, true, "the account of each user");
  detail::check_column(trained, "trained", rows, true, "a 1/0 flag per user");
  detail::check_column(active, "active", rows, true, "a 1/0 flag per user");
  const auto n = static_cast<Eigen::Index>(accounts);
  user_counts out{Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n), Eigen::ArrayXd::Zero(n),
                  Eigen::ArrayXd::Zero(n)};
  for (std::size_t row = 0; row < rows; ++row) {
    const std::int64_t a = account[row];
    if (a < 0 || static_cast<std::uint64_t>(a) >= accounts) {
      throw column_error("account_id", row,
                         "the user's account is not in the accounts table; accepted: the account_id of an "
                         "account row");
    }
    detail::check_flag("trained", trained[row], row);
    detail::check_flag("active", active[row], row);
    const bool is_trained = trained[row] == 1.0;
    const bool is_active = active[row] == 1.0;
    out.users[a] += 1.0;
    out.trained[a] += is_trained ? 1.0 : 0.0;
    out.active[a] += is_active ? 1.0 : 0.0;
    out.trained_inactive[a] += is_trained && !is_active ? 1.0 : 0.0;
    out.active_untrained[a] += is_active && !is_trained ? 1.0 : 0.0;
  }
  return out;
}

/// Input columns of `adoption`, one row per account.
struct adoption_input {
  column_view<double> seats;             ///< licensed seats (required)
  column_view<double> trained;           ///< users trained (required)
  column_view<double> active;            ///< users active over the period (required)
  column_view<double> trained_inactive;  ///< optional: trained users not active (from `count_users`), counts >= 0
  column_view<double> active_untrained;  ///< optional: active users not trained (from `count_users`), counts >= 0
  column_view<std::int8_t> archetype;    ///< optional: archetype code per account, -1 = none

  /// Number of accounts (the length of `seats`).
  [[nodiscard]] std::size_t rows() const noexcept { return seats.size(); }
};

/// Caller-owned per-account outputs of `adoption_into`, `rows()` entries each; a null pointer
/// skips that output, except `reasons`, which every call fills.
struct adoption_output {
  double* training_coverage = nullptr;
  double* activation = nullptr;
  double* shelfware_seats = nullptr;
  reason_set* reasons = nullptr;  ///< required
};

/// The adoption gap of a group of accounts: sums over the accounts counted, rates of the sums.
struct adoption_group {
  std::size_t accounts = 0;  ///< accounts counted
  std::size_t excluded = 0;  ///< accounts left out for bad or inconsistent data (see their reasons)
  double seats = 0.0;
  double trained = 0.0;
  double active = 0.0;
  double shelfware_seats = 0.0;
  double trained_inactive = detail::quiet_nan;   ///< NaN when the input had no user-level counts
  double active_untrained = detail::quiet_nan;   ///< NaN when the input had no user-level counts
  double training_coverage = detail::quiet_nan;  ///< trained / seats
  double activation = detail::quiet_nan;         ///< active / seats
  reason_set reasons = 0;                        ///< empty_group, zero_seats
};

/// Computes the adoption gap of every account into `out` and returns the group aggregates;
/// accounts with a reason in `excluding_reasons` are counted in `excluded` only.
inline per_group<adoption_group> adoption_into(const adoption_input& in, const adoption_output& out) {
  const std::size_t rows = in.rows();
  detail::check_column(in.seats, "seats", rows, true, "licensed seats per account");
  detail::check_column(in.trained, "trained", rows, true, "users trained per account");
  detail::check_column(in.active, "active", rows, true, "users active per account");
  detail::check_column(in.trained_inactive, "trained_inactive", rows, false, "");
  detail::check_column(in.active_untrained, "active_untrained", rows, false, "");
  detail::check_archetypes(in.archetype, rows);
  if (out.reasons == nullptr && rows > 0) {
    throw error("adoption_output::reasons is null; accepted: a buffer of one reason_set per account");
  }
  const bool user_level = in.trained_inactive.given() && in.active_untrained.given();
  per_group<adoption_group> result{};
  if (user_level) {
    for (auto& g : result) g.trained_inactive = g.active_untrained = 0.0;
  }
  for (std::size_t row = 0; row < rows; ++row) {
    const adoption_account account = adoption_of(in.seats[row], in.trained[row], in.active[row]);
    if (out.training_coverage != nullptr) out.training_coverage[row] = account.training_coverage;
    if (out.activation != nullptr) out.activation[row] = account.activation;
    if (out.shelfware_seats != nullptr) out.shelfware_seats[row] = account.shelfware_seats;
    out.reasons[row] = account.reasons;
    const bool excluded = (account.reasons & excluding_reasons) != 0;
    double trained_inactive = 0.0, active_untrained = 0.0;
    if (user_level && !excluded) {
      trained_inactive = in.trained_inactive[row];
      active_untrained = in.active_untrained[row];
      detail::check_count("trained_inactive", trained_inactive, row);
      detail::check_count("active_untrained", active_untrained, row);
    }
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      adoption_group& g = result[group];
      if (excluded) {
        ++g.excluded;
        return;
      }
      ++g.accounts;
      g.seats += in.seats[row];
      g.trained += in.trained[row];
      g.active += in.active[row];
      g.shelfware_seats += account.shelfware_seats;
      if (user_level) {
        g.trained_inactive += trained_inactive;
        g.active_untrained += active_untrained;
      }
    });
  }
  for (auto& g : result) {
    if (g.accounts == 0)
      g.reasons |= bit(reason::empty_group);
    else if (g.seats == 0.0)
      g.reasons |= bit(reason::zero_seats);
    g.training_coverage = detail::ratio_or_nan(g.trained, g.seats);
    g.activation = detail::ratio_or_nan(g.active, g.seats);
  }
  return result;
}

/// Owning results of `adoption`: per-account columns and the group aggregates.
struct adoption_result {
  Eigen::ArrayXd training_coverage;
  Eigen::ArrayXd activation;
  Eigen::ArrayXd shelfware_seats;
  std::vector<reason_set> reasons;
  per_group<adoption_group> groups{};
};

/// The adoption gap of every account and of every group, into newly allocated columns.
[[nodiscard]] inline adoption_result adoption(const adoption_input& in) {
  const auto rows = static_cast<Eigen::Index>(in.rows());
  adoption_result result{
      Eigen::ArrayXd(rows), Eigen::ArrayXd(rows), Eigen::ArrayXd(rows), std::vector<reason_set>(in.rows()), {}};
  result.groups = adoption_into(in, {result.training_coverage.data(), result.activation.data(),
                                     result.shelfware_seats.data(), result.reasons.data()});
  return result;
}

}  // namespace riskscale::metrics
