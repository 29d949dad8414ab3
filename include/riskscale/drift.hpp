// riskscale: drift between two snapshots of a portfolio (SPEC §11): who changed quadrant, by how
// much, which input's change caused it (exact Shapley values), and the alerts a CS tool imports.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "riskscale/archetype.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/detail/kernel.hpp"
#include "riskscale/detail/shapley.hpp"
#include "riskscale/error.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// SPEC §11 status of an account between two snapshots.
enum class drift_status : std::uint8_t {
  stayed = 0,       ///< valid in both, same archetype
  moved = 1,        ///< valid in both, archetype differs
  new_account = 2,  ///< only in the new snapshot (and valid there)
  gone = 3,         ///< only in the old snapshot (and valid there)
  invalid = 4,      ///< invalid in a snapshot it appears in
};

/// Number of drift statuses.
inline constexpr std::size_t drift_status_count = 5;

/// The SPEC §11 status id: "stayed", "moved", "new", "gone" or "invalid".
[[nodiscard]] constexpr std::string_view to_string(drift_status status) noexcept {
  constexpr std::string_view names[] = {"stayed", "moved", "new", "gone", "invalid"};
  return names[static_cast<std::size_t>(status)];
}

/// Where an account stands in one snapshot: one of the four archetypes (SPEC §1 order), absent, or invalid.
enum class snapshot_state : std::uint8_t {
  high_scale_high_risk = 0,
  high_scale_low_risk = 1,
  low_scale_high_risk = 2,
  low_scale_low_risk = 3,
  absent = 4,   ///< not in this snapshot: the matrix row `new` (old side) or column `gone` (new side)
  invalid = 5,  ///< in it but invalid (SPEC §2)
};

/// Rows and columns of the transition matrix: four archetypes, then new/gone, then invalid.
inline constexpr std::size_t drift_matrix_size = 6;

/// The state of a valid account of this archetype.
[[nodiscard]] constexpr snapshot_state state_of(archetype a) noexcept { return static_cast<snapshot_state>(a); }

/// One account in one snapshot as drift reads it: its inputs (policy factor order) and, when
/// valid, its SPEC §3–§5 results. The pointers are borrowed and must outlive the comparison.
struct drift_observation {
  bool valid = false;
  const double* factor_values = nullptr;  ///< risk factor values in policy order
  double active_days = 0.0;
  double users = 0.0;
  double risk_score = 0.0;
  double scale_score = 0.0;
  double frequency_score = 0.0;
  double reach_score = 0.0;
  double margin = 0.0;
  riskscale::archetype archetype = archetype::low_scale_low_risk;
  const std::int16_t* recommendations = nullptr;  ///< ranked catalogue indices
  std::size_t recommendation_count = 0;
};

/// Player index of a driver that is no input: the policy changed (what-if comparisons).
inline constexpr int driver_policy = -2;
/// Player index of no driver (stayed, new, gone and invalid accounts).
inline constexpr int driver_none = -1;

/// SPEC §11 for one account. Numbers absent for this status are NaN; causes are NaN when no input
/// attribution applies (what-if comparisons, and accounts not valid in both snapshots).
struct account_drift {
  drift_status status = drift_status::invalid;
  snapshot_state old_state = snapshot_state::absent;
  snapshot_state new_state = snapshot_state::absent;
  double risk_old = std::numeric_limits<double>::quiet_NaN();
  double risk_new = std::numeric_limits<double>::quiet_NaN();
  double scale_old = std::numeric_limits<double>::quiet_NaN();
  double scale_new = std::numeric_limits<double>::quiet_NaN();
  double risk_change = std::numeric_limits<double>::quiet_NaN();   ///< R_new - R_old
  double scale_change = std::numeric_limits<double>::quiet_NaN();  ///< s_new - s_old
  std::vector<double> risk_causes;  ///< Shapley value per risk factor (policy order), sums to risk_change
  double cause_frequency = std::numeric_limits<double>::quiet_NaN();
  double cause_reach = std::numeric_limits<double>::quiet_NaN();  ///< cause_frequency + cause_reach = scale_change
  bool crossed_risk = false;                                      ///< moved across the risk line
  bool crossed_scale = false;                                     ///< moved across the scale line
  /// Player index of the driver: a risk factor (0..n-1), n = frequency, n+1 = reach, or
  /// driver_policy / driver_none.
  int driver = driver_none;
  /// True when the causes were computed (one policy, valid in both snapshots).
  [[nodiscard]] bool has_causes() const noexcept { return !risk_causes.empty() && !std::isnan(cause_frequency); }
};

/// The name of player `index` under `pol`: a risk factor name, "frequency", "reach", "policy", or "" for none.
[[nodiscard]] inline std::string_view player_name(const policy& pol, int index) noexcept {
  const auto n = static_cast<int>(pol.risk_factors().size());
  if (index == driver_policy) return "policy";
  if (index < 0) return "";
  if (index < n) return pol.risk_factors()[static_cast<std::size_t>(index)].name;
  return index == n ? "frequency" : "reach";
}

/// SPEC §11 transition matrix: counts by old state (rows) × new state (columns); two matrices of
/// disjoint sets of accounts merge by adding (partitions, threads, chunks).
struct drift_matrix {
  std::array<std::array<std::uint64_t, drift_matrix_size>, drift_matrix_size> counts{};

  /// Counts one account.
  void add(snapshot_state old_state, snapshot_state new_state) noexcept {
    ++counts[static_cast<std::size_t>(old_state)][static_cast<std::size_t>(new_state)];
  }
  /// Counts one account's drift.
  void add(const account_drift& d) noexcept { add(d.old_state, d.new_state); }
  /// Adds another matrix of other accounts.
  drift_matrix& merge(const drift_matrix& other) noexcept {
    for (std::size_t i = 0; i < drift_matrix_size; ++i) {
      for (std::size_t j = 0; j < drift_matrix_size; ++j) counts[i][j] += other.counts[i][j];
    }
    return *this;
  }
  /// The count of one cell.
  [[nodiscard]] std::uint64_t at(snapshot_state old_state, snapshot_state new_state) const noexcept {
    return counts[static_cast<std::size_t>(old_state)][static_cast<std::size_t>(new_state)];
  }
  /// Sum of every cell: the number of distinct account ids in the two snapshots.
  [[nodiscard]] std::uint64_t total() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& row : counts) {
      for (std::uint64_t cell : row) sum += cell;
    }
    return sum;
  }
  /// Label of row `i`: an archetype id, "new" or "invalid".
  [[nodiscard]] static std::string_view row_label(std::size_t i) noexcept {
    if (i < archetype_count) return to_string(static_cast<archetype>(i));
    return i == 4 ? "new" : "invalid";
  }
  /// Label of column `j`: an archetype id, "gone" or "invalid".
  [[nodiscard]] static std::string_view column_label(std::size_t j) noexcept {
    if (j < archetype_count) return to_string(static_cast<archetype>(j));
    return j == 4 ? "gone" : "invalid";
  }
  friend bool operator==(const drift_matrix& a, const drift_matrix& b) noexcept { return a.counts == b.counts; }
  friend bool operator!=(const drift_matrix& a, const drift_matrix& b) noexcept { return !(a == b); }
};

/// Counts per drift status, mergeable like the matrix.
struct drift_counts {
  std::array<std::uint64_t, drift_status_count> by_status{};
  void add(drift_status s) noexcept { ++by_status[static_cast<std::size_t>(s)]; }
  drift_counts& merge(const drift_counts& other) noexcept {
    for (std::size_t i = 0; i < drift_status_count; ++i) by_status[i] += other.by_status[i];
    return *this;
  }
  [[nodiscard]] std::uint64_t operator[](drift_status s) const noexcept {
    return by_status[static_cast<std::size_t>(s)];
  }
};

/// Compares accounts between two snapshots under one policy (drift) or the same inputs under two
/// policies (what-if, when `old_policy` differs from `new_policy`: no causes, driver `policy`).
/// Reusable across accounts; one comparer per thread.
class drift_comparer {
 public:
  /// Drift under one policy.
  explicit drift_comparer(const policy& pol) : drift_comparer(pol, pol) {}
  /// Old snapshot under `old_policy`, new under `new_policy`; causes only when the two are equal.
  drift_comparer(const policy& old_policy, const policy& new_policy)
      : old_policy_(old_policy), new_policy_(new_policy), what_if_(old_policy != new_policy), kernel_(new_policy_) {}

  /// The policy of the new snapshot, whose factors name the causes.
  [[nodiscard]] const policy& new_policy() const noexcept { return new_policy_; }
  /// The policy of the old snapshot.
  [[nodiscard]] const policy& old_policy() const noexcept { return old_policy_; }
  /// True when the two policies differ.
  [[nodiscard]] bool what_if() const noexcept { return what_if_; }

  /// SPEC §11 for one account; a null side is absent from that snapshot. `out` keeps its capacity.
  void compare(const drift_observation* old_side, const drift_observation* new_side, account_drift& out) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    out.old_state = side_state(old_side);
    out.new_state = side_state(new_side);
    out.risk_old = old_side != nullptr && old_side->valid ? old_side->risk_score : nan;
    out.scale_old = old_side != nullptr && old_side->valid ? old_side->scale_score : nan;
    out.risk_new = new_side != nullptr && new_side->valid ? new_side->risk_score : nan;
    out.scale_new = new_side != nullptr && new_side->valid ? new_side->scale_score : nan;
    out.risk_change = out.scale_change = out.cause_frequency = out.cause_reach = nan;
    out.risk_causes.clear();
    out.crossed_risk = out.crossed_scale = false;
    out.driver = driver_none;
    if (out.old_state == snapshot_state::invalid || out.new_state == snapshot_state::invalid) {
      out.status = drift_status::invalid;
      return;
    }
    if (old_side == nullptr) {
      out.status = drift_status::new_account;
      return;
    }
    if (new_side == nullptr) {
      out.status = drift_status::gone;
      return;
    }
    out.status = old_side->archetype == new_side->archetype ? drift_status::stayed : drift_status::moved;
    out.risk_change = new_side->risk_score - old_side->risk_score;
    out.scale_change = new_side->scale_score - old_side->scale_score;
    out.crossed_risk = is_high_risk(old_side->archetype) != is_high_risk(new_side->archetype);
    out.crossed_scale = is_high_scale(old_side->archetype) != is_high_scale(new_side->archetype);
    if (what_if_) {
      if (out.status == drift_status::moved) out.driver = driver_policy;
      return;
    }
    compute_causes(*old_side, *new_side, out);
    if (out.status == drift_status::moved) out.driver = axis_driver(out, out.crossed_risk, out.crossed_scale);
  }

  /// The driver among the players of the chosen axes (SPEC §11 rule): the player whose cause has
  /// the sign of its axis's change with the largest |cause|, ties (within 1e-12) to the earlier
  /// player in policy order (risk factors, frequency, reach); driver_none when no cause qualifies.
  [[nodiscard]] static int axis_driver(const account_drift& d, bool risk_axis, bool scale_axis) noexcept {
    if (!d.has_causes()) return driver_none;
    constexpr double tie = 1e-12;
    int best = driver_none;
    double best_size = 0.0;
    const auto consider = [&](int player, double cause, double change) {
      if (!(change > 0 ? cause > 0 : change < 0 ? cause < 0 : false)) return;
      const double size = std::fabs(cause);
      if (best == driver_none || size > best_size + tie) {
        best = player;
        best_size = size;
      }
    };
    const auto n = static_cast<int>(d.risk_causes.size());
    if (risk_axis) {
      for (int i = 0; i < n; ++i) consider(i, d.risk_causes[static_cast<std::size_t>(i)], d.risk_change);
    }
    if (scale_axis) {
      consider(n, d.cause_frequency, d.scale_change);
      consider(n + 1, d.cause_reach, d.scale_change);
    }
    return best;
  }

 private:
  static snapshot_state side_state(const drift_observation* side) noexcept {
    if (side == nullptr) return snapshot_state::absent;
    return side->valid ? state_of(side->archetype) : snapshot_state::invalid;
  }

  // SPEC §11 causes: exact Shapley values, risk over the policy's factors, scale over (frequency, reach).
  void compute_causes(const drift_observation& old_side, const drift_observation& new_side, account_drift& out) {
    const auto& factors = new_policy_.risk_factors();
    const std::size_t n = factors.size();
    survival_old_.resize(n);
    survival_new_.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      survival_old_[j] = 1.0 - factors[j].weight * old_side.factor_values[j];
      survival_new_[j] = 1.0 - factors[j].weight * new_side.factor_values[j];
    }
    out.risk_causes.resize(n);
    detail::noisy_or_shapley(n, survival_old_.data(), survival_new_.data(), out.risk_causes.data(), scratch_);
    const double f0 = old_side.frequency_score, f1 = new_side.frequency_score;
    const double r0 = old_side.reach_score, r1 = new_side.reach_score;
    if (f0 == f1) {
      out.cause_frequency = 0.0;  // a dummy player
    } else if (r0 == r1) {
      out.cause_frequency = out.scale_change;  // the only player that changed
    } else {
      const double s10 = detail::scale_from_components(kernel_, f1, r0);
      const double s01 = detail::scale_from_components(kernel_, f0, r1);
      out.cause_frequency = 0.5 * ((s10 - old_side.scale_score) + (new_side.scale_score - s01));
    }
    out.cause_reach = out.scale_change - out.cause_frequency;
  }

  policy old_policy_;
  policy new_policy_;
  bool what_if_;
  detail::kernel_parameters kernel_;
  std::vector<double> survival_old_, survival_new_;
  detail::shapley_scratch scratch_;
};

namespace detail {

// An input's old and new value for a sentence, "0.20 → 0.90": two decimals, or none when both are
// whole numbers of a count-like input (users 7 → 140, active_days 0 → 25).
inline std::string value_pair(double old_value, double new_value, bool factor) {
  const auto whole = [](double v) { return v == std::floor(v) && std::fabs(v) < 1e15; };
  const char* format = !factor && whole(old_value) && whole(new_value) ? "%.0f → %.0f" : "%.2f → %.2f";
  char text[128];
  std::snprintf(text, sizeof text, format, old_value, new_value);
  return text;
}

inline std::string two_decimals(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

// The input a player reads and its old and new values.
struct player_input {
  std::string_view input;
  double old_value;
  double new_value;
};

inline player_input input_of(const policy& pol, int player, const drift_observation& old_side,
                             const drift_observation& new_side) {
  const auto n = static_cast<int>(pol.risk_factors().size());
  if (player < n) {
    const auto i = static_cast<std::size_t>(player);
    return {pol.risk_factors()[i].name, old_side.factor_values[i], new_side.factor_values[i]};
  }
  if (player == n) return {"active_days", old_side.active_days, new_side.active_days};
  return {"users", old_side.users, new_side.users};
}

inline double cause_of(const account_drift& d, int player) {
  const auto n = static_cast<int>(d.risk_causes.size());
  if (player < n) return d.risk_causes[static_cast<std::size_t>(player)];
  return player == n ? d.cause_frequency : d.cause_reach;
}

}  // namespace detail

/// One sentence about one axis of a comparison that crossed (or approached) that axis's line:
/// "legal_exposure 0.20 → 0.90 raised risk by 0.31, across the 0.50 line". `risk_axis` picks the
/// axis; `preposition` is "across" for a crossing, "toward" for the watch list.
[[nodiscard]] inline std::string axis_sentence(const drift_comparer& comparer, const account_drift& d,
                                               const drift_observation& old_side, const drift_observation& new_side,
                                               bool risk_axis, std::string_view preposition = "across") {
  using detail::two_decimals;
  const policy& pol = comparer.new_policy();
  const std::string axis = risk_axis ? "risk" : "scale";
  const double old_line =
      risk_axis ? comparer.old_policy().settings().risk_threshold : comparer.old_policy().settings().scale_threshold;
  const double new_line = risk_axis ? pol.settings().risk_threshold : pol.settings().scale_threshold;
  const double old_score = risk_axis ? d.risk_old : d.scale_old;
  const double new_score = risk_axis ? d.risk_new : d.scale_new;
  const double change = new_score - old_score;
  const std::string line = old_line == new_line
                               ? "the " + two_decimals(new_line) + " line"
                               : "the line moved " + two_decimals(old_line) + " → " + two_decimals(new_line);
  if (!d.has_causes()) {
    std::string text = "under the new policy " + axis + " " + two_decimals(old_score) + " → " + two_decimals(new_score);
    return text + ", " + std::string(preposition) + " " + line;
  }
  const int driver = drift_comparer::axis_driver(d, risk_axis, !risk_axis);
  if (driver == driver_none) {
    return axis + " " + two_decimals(old_score) + " → " + two_decimals(new_score) + ", " + std::string(preposition) +
           " " + line;
  }
  const detail::player_input input = detail::input_of(pol, driver, old_side, new_side);
  const double cause = detail::cause_of(d, driver);
  const bool factor = driver < static_cast<int>(pol.risk_factors().size());
  std::string text = std::string(input.input) + " " + detail::value_pair(input.old_value, input.new_value, factor) +
                     (cause > 0 ? " raised " : " lowered ") + axis + " by " + two_decimals(std::fabs(cause)) + ", " +
                     std::string(preposition) + " " + line;
  if (std::fabs(cause - change) > 5e-3)
    text += " (" + axis + " " + two_decimals(old_score) + " → " + two_decimals(new_score) + ")";
  return text;
}

/// The reason of a moved account: one sentence per crossed axis, risk first, joined by "; ";
/// empty for every other status.
[[nodiscard]] inline std::string drift_reason(const drift_comparer& comparer, const account_drift& d,
                                              const drift_observation* old_side, const drift_observation* new_side) {
  if (d.status != drift_status::moved || old_side == nullptr || new_side == nullptr) return "";
  std::string text;
  if (d.crossed_risk) text = axis_sentence(comparer, d, *old_side, *new_side, true);
  if (d.crossed_scale) {
    if (!text.empty()) text += "; ";
    text += axis_sentence(comparer, d, *old_side, *new_side, false);
  }
  return text;
}

/// What an alert row announces.
enum class drift_alert_kind : std::uint8_t {
  entered_high_risk = 0,
  left_high_risk = 1,
  entered_high_scale = 2,
  left_high_scale = 3,
  new_account = 4,
  gone = 5,
};

/// The alert id, e.g. "entered_high_risk", "new_account".
[[nodiscard]] constexpr std::string_view to_string(drift_alert_kind kind) noexcept {
  constexpr std::string_view names[] = {"entered_high_risk", "left_high_risk", "entered_high_scale",
                                        "left_high_scale",   "new_account",    "gone"};
  return names[static_cast<std::size_t>(kind)];
}

/// One alert row: a moved account gets one per crossed axis (risk first), a new or gone account one.
struct drift_alert {
  drift_alert_kind kind = drift_alert_kind::new_account;
  std::optional<archetype> from;             ///< old archetype (absent for a new account)
  std::optional<archetype> to;               ///< new archetype (absent for a gone account)
  int driver = driver_none;                  ///< the crossed axis's driver (player index), as account_drift::driver
  std::string reason;                        ///< the crossed axis's sentence (see axis_sentence)
  std::vector<std::size_t> new_formats;      ///< recommended now and not before: new policy's catalogue, new rank order
  std::vector<std::size_t> dropped_formats;  ///< recommended before and not now: old policy's catalogue, old rank order
  bool replan = false;                       ///< the account's training plan changes: some format was added or dropped
};

namespace detail {
// Formats ranked in `a` and not in `b`, in `a`'s order, as indices of `a_policy`'s catalogue; formats
// are compared by id, so two policies with different catalogues compare correctly.
inline std::vector<std::size_t> ranked_difference(const drift_observation* a, const policy& a_policy,
                                                  const drift_observation* b, const policy& b_policy) {
  std::vector<std::size_t> result;
  if (a == nullptr || !a->valid) return result;
  const bool same_catalog = a_policy.catalog() == b_policy.catalog();
  for (std::size_t j = 0; j < a->recommendation_count; ++j) {
    const auto k = static_cast<std::size_t>(a->recommendations[j]);
    bool in_b = false;
    for (std::size_t i = 0; b != nullptr && b->valid && i < b->recommendation_count && !in_b; ++i) {
      const auto other = static_cast<std::size_t>(b->recommendations[i]);
      in_b = same_catalog ? other == k : b_policy.catalog()[other].id == a_policy.catalog()[k].id;
    }
    if (!in_b) result.push_back(k);
  }
  return result;
}
}  // namespace detail

/// The alert rows of one account (none for stayed and invalid accounts). Format deltas compare
/// the recommendations of the two snapshots by format id.
[[nodiscard]] inline std::vector<drift_alert> drift_alerts(const drift_comparer& comparer, const account_drift& d,
                                                           const drift_observation* old_side,
                                                           const drift_observation* new_side) {
  std::vector<drift_alert> alerts;
  if (d.status != drift_status::moved && d.status != drift_status::new_account && d.status != drift_status::gone) {
    return alerts;
  }
  drift_alert base;
  if (old_side != nullptr && old_side->valid) base.from = old_side->archetype;
  if (new_side != nullptr && new_side->valid) base.to = new_side->archetype;
  base.new_formats = detail::ranked_difference(new_side, comparer.new_policy(), old_side, comparer.old_policy());
  base.dropped_formats = detail::ranked_difference(old_side, comparer.old_policy(), new_side, comparer.new_policy());
  base.replan = d.status != drift_status::gone && (!base.new_formats.empty() || !base.dropped_formats.empty());
  if (d.status == drift_status::new_account || d.status == drift_status::gone) {
    base.kind = d.status == drift_status::gone ? drift_alert_kind::gone : drift_alert_kind::new_account;
    const drift_observation& side = d.status == drift_status::gone ? *old_side : *new_side;
    base.reason =
        std::string(d.status == drift_status::gone ? "not in the new snapshot; was " : "new in this snapshot: ") +
        std::string(to_string(side.archetype)) + " (risk " + detail::two_decimals(side.risk_score) + ", scale " +
        detail::two_decimals(side.scale_score) + ")";
    alerts.push_back(std::move(base));
    return alerts;
  }
  for (const bool risk_axis : {true, false}) {
    if (risk_axis ? !d.crossed_risk : !d.crossed_scale) continue;
    drift_alert alert = base;
    const bool high_now = risk_axis ? is_high_risk(new_side->archetype) : is_high_scale(new_side->archetype);
    alert.kind = risk_axis ? (high_now ? drift_alert_kind::entered_high_risk : drift_alert_kind::left_high_risk)
                           : (high_now ? drift_alert_kind::entered_high_scale : drift_alert_kind::left_high_scale);
    alert.driver = d.has_causes() ? drift_comparer::axis_driver(d, risk_axis, !risk_axis) : d.driver;
    alert.reason = axis_sentence(comparer, d, *old_side, *new_side, risk_axis);
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

/// A stayed account that slid into the borderline band (SPEC §4) toward a line.
struct drift_watch {
  bool risk_axis = true;      ///< the line approached: risk (true) or scale
  double line = 0.0;          ///< that line's threshold under the new policy
  double distance_old = 0.0;  ///< |score - line| in the old snapshot
  double distance_new = 0.0;  ///< |score - line| in the new one, below the band
  int driver = driver_none;   ///< the player that moved it most toward the line (as account_drift::driver)
  std::string reason;         ///< "org_disruption 0.20 → 0.50 raised risk by 0.05, toward the 0.50 line"
};

/// The watch entry of an account, or nothing: a stayed account whose margin was at least the
/// borderline band in the old snapshot and is below it in the new one; the axis is the one of its
/// new margin (risk when both are equally close), which it approached.
[[nodiscard]] inline std::optional<drift_watch> drift_watch_entry(const drift_comparer& comparer,
                                                                  const account_drift& d,
                                                                  const drift_observation* old_side,
                                                                  const drift_observation* new_side) {
  if (d.status != drift_status::stayed || old_side == nullptr || new_side == nullptr) return std::nullopt;
  const double band = comparer.new_policy().settings().borderline_band;
  const double old_band = comparer.old_policy().settings().borderline_band;
  if (!(old_side->margin >= old_band && new_side->margin < band)) return std::nullopt;
  const policy_settings& now = comparer.new_policy().settings();
  const policy_settings& before = comparer.old_policy().settings();
  const double risk_distance = std::fabs(new_side->risk_score - now.risk_threshold);
  const double scale_distance = std::fabs(new_side->scale_score - now.scale_threshold);
  drift_watch watch;
  watch.risk_axis = risk_distance <= scale_distance;
  watch.line = watch.risk_axis ? now.risk_threshold : now.scale_threshold;
  watch.distance_new = watch.risk_axis ? risk_distance : scale_distance;
  watch.distance_old = watch.risk_axis ? std::fabs(old_side->risk_score - before.risk_threshold)
                                       : std::fabs(old_side->scale_score - before.scale_threshold);
  if (!(watch.distance_new < watch.distance_old)) return std::nullopt;  // not moving toward the line
  if (d.has_causes()) {
    // Toward the line means in the direction of the axis's change; the rule of SPEC §11's driver.
    watch.driver = drift_comparer::axis_driver(d, watch.risk_axis, !watch.risk_axis);
  } else {
    watch.driver = driver_policy;
  }
  watch.reason = axis_sentence(comparer, d, *old_side, *new_side, watch.risk_axis, "toward");
  return watch;
}

/// One account's move in words, with every cause: for `riskscale explain OLD --id X --against NEW`.
[[nodiscard]] inline std::string describe_drift(const drift_comparer& comparer, std::string_view account_id,
                                                const account_drift& d, const drift_observation* old_side,
                                                const drift_observation* new_side) {
  using detail::value_pair;
  const auto fixed = [](double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%+.4f", value);
    return std::string(text);
  };
  const auto state_name = [](snapshot_state s) -> std::string {
    if (s == snapshot_state::absent) return "absent";
    if (s == snapshot_state::invalid) return "invalid";
    return std::string(to_string(static_cast<archetype>(s)));
  };
  const policy& pol = comparer.new_policy();
  std::string text = std::string(account_id) + ": " + std::string(to_string(d.status)) + ", " +
                     state_name(d.old_state) + " → " + state_name(d.new_state) + "\n";
  if (d.status != drift_status::moved && d.status != drift_status::stayed) {
    if (d.status == drift_status::invalid) text += "  invalid in a snapshot: no comparison (see the rejects file)\n";
    return text;
  }
  text += "  risk  " + detail::two_decimals(d.risk_old) + " → " + detail::two_decimals(d.risk_new) + " (" +
          fixed(d.risk_change) + ")" + (d.crossed_risk ? ", across the risk line" : "") + "\n";
  if (d.has_causes()) {
    for (std::size_t i = 0; i < d.risk_causes.size(); ++i) {
      text += "    " + pol.risk_factors()[i].name + " " +
              value_pair(old_side->factor_values[i], new_side->factor_values[i], true) + ": " +
              fixed(d.risk_causes[i]) + "\n";
    }
  }
  text += "  scale " + detail::two_decimals(d.scale_old) + " → " + detail::two_decimals(d.scale_new) + " (" +
          fixed(d.scale_change) + ")" + (d.crossed_scale ? ", across the scale line" : "") + "\n";
  if (d.has_causes()) {
    text += "    frequency (active_days " + value_pair(old_side->active_days, new_side->active_days, false) +
            "): " + fixed(d.cause_frequency) + "\n";
    text +=
        "    reach (users " + value_pair(old_side->users, new_side->users, false) + "): " + fixed(d.cause_reach) + "\n";
  } else {
    text += "  causes: none (the two snapshots were classified under different policies)\n";
  }
  if (d.status == drift_status::moved) {
    text += "  driver: " + std::string(player_name(pol, d.driver)) + "\n";
    text += "  reason: " + drift_reason(comparer, d, old_side, new_side) + "\n";
  }
  return text;
}

/// One snapshot held in memory keyed by account id, for matching the other one against it: per
/// account its inputs and results (what drift_observation borrows). Adding an id twice is refused.
/// Each account is one record of two cache lines (ids of up to 20 bytes and up to 4 risk factors
/// inline; longer ones beside it), so a lookup touches a hash slot and one record.
class drift_snapshot {
 public:
  /// An empty snapshot of accounts with `factor_count` risk factors and at most
  /// `recommendation_width` recommendations each (policy::recommendation_width()).
  drift_snapshot(std::size_t factor_count, std::size_t recommendation_width)
      : factor_count_(factor_count), recommendation_width_(recommendation_width) {}

  /// Makes room for `accounts` accounts at once (a size estimate: fewer moves and rehashes while
  /// adding). On Linux the records and slots are also offered to transparent huge pages: lookups
  /// land at random in them, and with 4 KiB pages nearly every one would miss the TLB too.
  void reserve(std::size_t accounts) {
    accounts_.reserve(accounts);
    colds_.reserve(accounts);
    recommendations_.reserve(accounts * recommendation_width_);
    std::size_t slots = 1024;
    while (slots < 2 * accounts) slots *= 2;
    if (slots > slots_.size()) {
      slots_.resize(slots / 2);  // grow() doubles it and places every account already added
      grow();
    }
    advise_huge_pages(accounts_.data(), accounts_.capacity() * sizeof(account));
    advise_huge_pages(slots_.data(), slots_.size() * sizeof(slot));
  }

  /// The hash of an id as this snapshot uses it (compute it once, e.g. on a worker thread).
  [[nodiscard]] static std::uint64_t hash_of(std::string_view id) noexcept {
    std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a, then a 64-bit finaliser (murmur3 fmix64)
    for (const char c : id) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdULL;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53ULL;
    return hash ^ (hash >> 33);
  }

  /// Adds one account (the observation's values are copied); returns the index of the account
  /// already holding this id instead when there is one, and adds nothing then.
  std::optional<std::size_t> add(std::string_view id, const drift_observation& observation, std::size_t line) {
    return add(id, hash_of(id), observation, line);
  }
  /// add() with the id's hash_of() computed by the caller.
  std::optional<std::size_t> add(std::string_view id, std::uint64_t hash, const drift_observation& observation,
                                 std::size_t line) {
    if ((accounts_.size() + 1) * 2 > slots_.size()) grow();
    std::size_t slot = 0;
    if (const auto found = find_slot(id, hash, slot)) return found;
    if (accounts_.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
      throw error("a snapshot holds at most 4,294,967,294 accounts; accepted: a smaller snapshot");
    }
    slots_[slot] = {static_cast<std::uint32_t>(accounts_.size() + 1), static_cast<std::uint32_t>(hash >> 32)};
    account& a = accounts_.emplace_back();
    cold& c = colds_.emplace_back();
    c.line = line;
    a.id_size = static_cast<std::uint32_t>(id.size());
    if (id.size() <= sizeof a.id) {
      std::copy_n(id.data(), id.size(), a.id);
    } else {
      c.long_id = long_ids_.size();
      long_ids_.append(id);
    }
    a.valid = observation.valid;
    a.active_days = observation.active_days;
    a.users = observation.users;
    a.risk = observation.risk_score;
    a.scale = observation.scale_score;
    a.frequency = observation.frequency_score;
    a.reach = observation.reach_score;
    a.margin = observation.margin;
    a.type = observation.archetype;
    const std::size_t count = observation.valid ? std::min(observation.recommendation_count, recommendation_width_) : 0;
    a.recommendation_count = static_cast<std::uint16_t>(count);
    recommendations_.resize(recommendations_.size() + recommendation_width_, -1);  // fixed stride: no offset to look up
    if (count > 0)
      std::copy_n(observation.recommendations, count,
                  recommendations_.end() - static_cast<std::ptrdiff_t>(recommendation_width_));
    double* factors = a.factors;
    if (factor_count_ > inline_factors) {
      long_factors_.resize(long_factors_.size() + factor_count_);
      factors = long_factors_.data() + (accounts_.size() - 1) * factor_count_;
    }
    if (observation.factor_values != nullptr) {
      std::copy_n(observation.factor_values, factor_count_, factors);
    } else {
      std::fill_n(factors, factor_count_, 0.0);
    }
    return std::nullopt;
  }

  /// The index of the account with this id, or nothing; safe from several threads while nothing is added.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id) const { return find(id, hash_of(id)); }
  /// find() with the id's hash_of() computed by the caller.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id, std::uint64_t hash) const {
    if (slots_.empty()) return std::nullopt;
    std::size_t slot = 0;
    return find_slot(id, hash, slot);
  }
  /// Asks the processor to fetch the hash slot of `hash` (before a batch of lookups; no effect on results).
  void prefetch_slot(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) prefetch(&slots_[static_cast<std::size_t>(hash) & (slots_.size() - 1)]);
  }
  /// Asks the processor to fetch the record the slot of `hash` points at (call it after
  /// prefetch_slot(hash) has had time to complete: it reads the slot).
  /// Returns the candidate's index (the account find() most likely returns), or size() when there is none.
  // NOLINTNEXTLINE(modernize-use-nodiscard): often called for its prefetch alone
  std::size_t prefetch_candidate(std::uint64_t hash) const noexcept {
    if (slots_.empty()) return accounts_.size();
    const slot& entry = slots_[static_cast<std::size_t>(hash) & (slots_.size() - 1)];
    if (entry.index_plus_one == 0) return accounts_.size();
    prefetch_account(entry.index_plus_one - 1);
    return entry.index_plus_one - 1;
  }
  /// Asks the processor to fetch account `i`'s record.
  void prefetch_account(std::size_t i) const noexcept {
    const char* record = reinterpret_cast<const char*>(&accounts_[i]);
    for (std::size_t offset = 0; offset < sizeof(account); offset += 64) prefetch(record + offset);
  }

  /// Marks account `i` as matched by the record at `line` (> 0) of the other snapshot; returns 0
  /// when it was not matched before, else the line that matched it first (a repeated id). Safe
  /// from several threads at once (the mark lives in the record a lookup has just read).
  std::size_t claim(std::size_t i, std::size_t line) noexcept {
    std::uint64_t expected = 0;
    std::uint64_t* mark = &accounts_[i].matched_line;
    if (__atomic_compare_exchange_n(mark, &expected, static_cast<std::uint64_t>(line), false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
      return 0;
    }
    return static_cast<std::size_t>(expected);
  }
  /// The line that claimed account `i`, 0 when none did (read after the claiming threads joined).
  [[nodiscard]] std::size_t matched_line(std::size_t i) const noexcept {
    return static_cast<std::size_t>(__atomic_load_n(&accounts_[i].matched_line, __ATOMIC_RELAXED));
  }

  /// Number of accounts.
  [[nodiscard]] std::size_t size() const noexcept { return accounts_.size(); }
  /// The id of account `i`.
  [[nodiscard]] std::string_view id(std::size_t i) const noexcept {
    const account& a = accounts_[i];
    if (a.id_size <= sizeof a.id) return std::string_view(a.id, a.id_size);
    return std::string_view(long_ids_).substr(colds_[i].long_id, a.id_size);
  }
  /// The line (or row) given when account `i` was added.
  [[nodiscard]] std::size_t line(std::size_t i) const noexcept { return colds_[i].line; }
  /// Account `i` as an observation; its pointers stay valid until the next add().
  [[nodiscard]] drift_observation observation(std::size_t i) const noexcept {
    const account& a = accounts_[i];
    drift_observation o;
    o.valid = a.valid;
    o.factor_values = factor_count_ > inline_factors ? long_factors_.data() + i * factor_count_ : a.factors;
    o.active_days = a.active_days;
    o.users = a.users;
    o.risk_score = a.risk;
    o.scale_score = a.scale;
    o.frequency_score = a.frequency;
    o.reach_score = a.reach;
    o.margin = a.margin;
    o.archetype = a.type;
    o.recommendations = recommendations_.data() + i * recommendation_width_;
    o.recommendation_count = a.recommendation_count;
    return o;
  }
  /// Bytes held per account besides an id longer than 20 bytes: its record, its cold part, its
  /// recommendations (2 bytes × width), hash slots (at most half full: up to 4 slots of 8 bytes right
  /// after growing), and the factors that do not fit the record.
  [[nodiscard]] std::size_t bytes_per_account() const noexcept {
    return sizeof(account) + sizeof(cold) + recommendation_width_ * sizeof(std::int16_t) + 4 * sizeof(slot) +
           (factor_count_ > inline_factors ? factor_count_ * sizeof(double) : 0);
  }

 private:
  static constexpr std::size_t inline_factors = 4;
  // What a comparison reads, in two cache lines: the id (inline up to 20 bytes), the results and
  // the inputs (inline up to 4 risk factors).
  struct alignas(64) account {
    char id[20] = {};
    std::uint32_t id_size = 0;
    std::uint16_t recommendation_count = 0;
    archetype type = archetype::low_scale_low_risk;
    bool valid = false;
    double active_days = 0, users = 0, risk = 0, scale = 0, frequency = 0, reach = 0, margin = 0;
    double factors[inline_factors] = {};
    std::uint64_t matched_line = 0;  // see claim(); read and written only with atomic builtins
  };
  static_assert(sizeof(account) == 128, "an account record is two cache lines");
  // What only errors and alerts read.
  struct cold {
    std::uint64_t line = 0;
    std::uint64_t long_id = 0;  // offset in long_ids_ when the id is longer than account::id
  };
  // Open addressing, linear probing: a slot holds 1 + the account's index (0 = empty) and the high
  // half of the id's hash, so most probes that miss never touch a record.
  struct slot {
    std::uint32_t index_plus_one = 0;
    std::uint32_t tag = 0;
  };
  // A hint to the kernel (madvise MADV_HUGEPAGE) for the whole 2 MiB pages inside [data, data + bytes).
  static void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
  }
  static void prefetch(const void* address) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address);
#else
    (void)address;
#endif
  }
  // The account holding `id`, or nothing with `slot` at the empty slot where it would go.
  std::optional<std::size_t> find_slot(std::string_view id, std::uint64_t hash, std::size_t& slot) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (slot = static_cast<std::size_t>(hash) & mask;; slot = (slot + 1) & mask) {
      const struct slot& entry = slots_[slot];
      if (entry.index_plus_one == 0) return std::nullopt;
      if (entry.tag == tag && this->id(entry.index_plus_one - 1) == id) return entry.index_plus_one - 1;
    }
  }
  void grow() {
    std::vector<slot> larger(std::max<std::size_t>(1024, slots_.size() * 2));
    const std::size_t mask = larger.size() - 1;
    for (std::size_t i = 0; i < accounts_.size(); ++i) {
      const std::uint64_t hash = hash_of(id(i));
      std::size_t position = static_cast<std::size_t>(hash) & mask;
      while (larger[position].index_plus_one != 0) position = (position + 1) & mask;
      larger[position] = {static_cast<std::uint32_t>(i + 1), static_cast<std::uint32_t>(hash >> 32)};
    }
    slots_.swap(larger);
  }

  std::size_t factor_count_;
  std::size_t recommendation_width_;
  std::vector<slot> slots_;
  std::vector<account> accounts_;
  std::vector<cold> colds_;
  std::string long_ids_;
  std::vector<std::int16_t> recommendations_;
  std::vector<double> long_factors_;
};

/// The drift of two whole portfolios (see compare_snapshots): per account one row, in the new
/// snapshot's order followed by the accounts gone from it in the old snapshot's order.
struct drift_report {
  static constexpr std::size_t no_row = std::numeric_limits<std::size_t>::max();
  std::vector<std::string_view> account_id;                 ///< views into the caller's id arrays
  std::vector<std::size_t> old_row, new_row;                ///< row in each snapshot, no_row when absent
  std::vector<account_drift> accounts;                      ///< SPEC §11 per row
  std::vector<std::string> reason;                          ///< drift_reason per row (empty unless moved)
  std::vector<std::pair<std::size_t, drift_alert>> alerts;  ///< (report row, alert)
  std::vector<std::pair<std::size_t, drift_watch>> watch;   ///< (report row, watch entry)
  drift_matrix matrix;
  drift_counts counts;
  batch_result old_result;  ///< the old snapshot classified (invalid rows: status and field)
  batch_result new_result;  ///< the new snapshot classified
  drift_report(std::size_t old_rows, const policy& old_policy, std::size_t new_rows, const policy& new_policy)
      : old_result(old_rows, old_policy), new_result(new_rows, new_policy) {}
};

namespace detail {
inline drift_observation observation_of(const batch_result& result, std::size_t row,
                                        const std::vector<double>& factor_rows, std::size_t factor_count) {
  drift_observation o;
  o.valid = result.status[row] == row_status::ok;
  o.factor_values = factor_rows.data() + row * factor_count;
  const auto i = static_cast<Eigen::Index>(row);
  if (!o.valid) return o;
  o.risk_score = result.risk_score[i];
  o.scale_score = result.scale_score[i];
  o.frequency_score = result.frequency_score[i];
  o.reach_score = result.reach_score[i];
  o.margin = result.margin[i];
  o.archetype = static_cast<archetype>(result.archetype[row]);
  o.recommendations = result.recommendations.data() + row * result.recommendation_width;
  o.recommendation_count = static_cast<std::size_t>(result.recommendation_count[row]);
  return o;
}

// The rows of a snapshot's ids by id: open addressing over the caller's strings (the table the
// CLI's drift_snapshot uses, without its records); building it throws input_error naming an id
// that appears twice, with both rows.
class id_index {
 public:
  id_index(const std::vector<std::string>& ids, std::string_view snapshot) : ids_(ids) {
    std::size_t size = 1024;
    while (size < 2 * ids.size()) size *= 2;
    slots_.assign(size, 0);
    for (std::size_t row = 0; row < ids.size(); ++row) {
      std::size_t slot = 0;
      if (const auto first = find(ids[row], &slot)) {
        throw input_error("account_id", row, ids[row],
                          "duplicated in the " + std::string(snapshot) + " snapshot (rows " + std::to_string(*first) +
                              " and " + std::to_string(row) + "); accepted: each account_id once per snapshot");
      }
      slots_[slot] = row + 1;
    }
  }
  // The row holding `id`, or nothing (with `empty_slot` at the slot where it would go).
  [[nodiscard]] std::optional<std::size_t> find(std::string_view id, std::size_t* empty_slot = nullptr) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = static_cast<std::size_t>(drift_snapshot::hash_of(id)) & mask;; slot = (slot + 1) & mask) {
      if (slots_[slot] == 0) {
        if (empty_slot != nullptr) *empty_slot = slot;
        return std::nullopt;
      }
      if (ids_[slots_[slot] - 1] == id) return slots_[slot] - 1;
    }
  }

 private:
  const std::vector<std::string>& ids_;
  std::vector<std::size_t> slots_;  // 1 + row, 0 = empty
};

// The factor values of every row, row-major in policy order (drift needs them per account).
inline std::vector<double> factor_rows(const portfolio& input, const policy& pol) {
  const auto& factors = pol.risk_factors();
  const std::size_t n = factors.size();
  std::vector<double> rows(input.rows() * n, 0.0);
  for (std::size_t j = 0; j < n; ++j) {
    const double* column = input.find(factors[j].name);
    if (column == nullptr) continue;  // classify_into reports the missing column
    for (std::size_t r = 0; r < input.rows(); ++r) rows[r * n + j] = column[r];
  }
  return rows;
}
}  // namespace detail

/// SPEC §11 for two whole portfolios matched by account id (`old_ids[i]` names row i of
/// `old_inputs`): both classified, every account compared, the matrix, alerts and watch list.
/// With `old_policy` (what-if) the old portfolio is classified under it; pass the same inputs
/// twice to see who would move if the policy changed. Throws input_error naming an id that
/// appears twice in one snapshot, or a missing column.
[[nodiscard]] inline drift_report compare_snapshots(const std::vector<std::string>& old_ids,
                                                    const portfolio& old_inputs,
                                                    const std::vector<std::string>& new_ids,
                                                    const portfolio& new_inputs, const policy& pol,
                                                    const std::optional<policy>& old_policy = std::nullopt,
                                                    const batch_options& options = {}) {
  const policy& before = old_policy ? *old_policy : pol;
  if (old_ids.size() != old_inputs.rows() || new_ids.size() != new_inputs.rows()) {
    throw input_error("account_id", std::nullopt, "",
                      "has " + std::to_string(old_ids.size()) + " and " + std::to_string(new_ids.size()) + " ids for " +
                          std::to_string(old_inputs.rows()) + " and " + std::to_string(new_inputs.rows()) +
                          " rows; accepted: one id per row");
  }
  const detail::id_index old_index(old_ids, "old");
  (void)detail::id_index(new_ids, "new");
  drift_report report(old_inputs.rows(), before, new_inputs.rows(), pol);
  classify_into(old_inputs, before, report.old_result.view(), options);
  classify_into(new_inputs, pol, report.new_result.view(), options);
  // Causes read the factors of the new policy in both snapshots (one policy when there are causes).
  const auto old_factors = detail::factor_rows(old_inputs, before);
  const auto new_factors = detail::factor_rows(new_inputs, pol);
  const double* old_days = old_inputs.find("active_days");
  const double* old_users = old_inputs.find("users");
  const double* new_days = new_inputs.find("active_days");
  const double* new_users = new_inputs.find("users");

  drift_comparer comparer(before, pol);
  std::vector<bool> matched(old_ids.size(), false);
  const std::size_t rows_estimate = new_ids.size() + old_ids.size();
  report.account_id.reserve(rows_estimate);
  report.accounts.reserve(rows_estimate);
  const auto add_row = [&](std::string_view id, std::size_t old_row, std::size_t new_row) {
    drift_observation old_side, new_side;
    if (old_row != drift_report::no_row) {
      old_side = detail::observation_of(report.old_result, old_row, old_factors, before.risk_factors().size());
      old_side.active_days = old_days != nullptr ? old_days[old_row] : 0.0;
      old_side.users = old_users != nullptr ? old_users[old_row] : 0.0;
    }
    if (new_row != drift_report::no_row) {
      new_side = detail::observation_of(report.new_result, new_row, new_factors, pol.risk_factors().size());
      new_side.active_days = new_days != nullptr ? new_days[new_row] : 0.0;
      new_side.users = new_users != nullptr ? new_users[new_row] : 0.0;
    }
    const drift_observation* o = old_row != drift_report::no_row ? &old_side : nullptr;
    const drift_observation* n = new_row != drift_report::no_row ? &new_side : nullptr;
    account_drift d;
    comparer.compare(o, n, d);
    const std::size_t row = report.accounts.size();
    report.matrix.add(d);
    report.counts.add(d.status);
    report.reason.push_back(drift_reason(comparer, d, o, n));
    for (drift_alert& alert : drift_alerts(comparer, d, o, n)) report.alerts.emplace_back(row, std::move(alert));
    if (auto entry = drift_watch_entry(comparer, d, o, n)) report.watch.emplace_back(row, std::move(*entry));
    report.account_id.push_back(id);
    report.old_row.push_back(old_row);
    report.new_row.push_back(new_row);
    report.accounts.push_back(std::move(d));
  };
  for (std::size_t row = 0; row < new_ids.size(); ++row) {
    const auto found = old_index.find(new_ids[row]);
    std::size_t old_row = drift_report::no_row;
    if (found) {
      old_row = *found;
      matched[old_row] = true;
    }
    add_row(new_ids[row], old_row, row);
  }
  for (std::size_t row = 0; row < old_ids.size(); ++row) {
    if (!matched[row]) add_row(old_ids[row], row, drift_report::no_row);
  }
  return report;
}

}  // namespace riskscale
