// riskscale: a portfolio at a glance, accumulated row by row and mergeable across chunks or workers.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "riskscale/archetype.hpp"
#include "riskscale/error.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// An account close to changing quadrant, for the summary's watch list.
struct near_threshold_account {
  std::string account_id;
  riskscale::archetype archetype = archetype::low_scale_low_risk;
  double margin = 0.0;
  std::size_t order = 0;  ///< position in the input, so that ties and merges stay deterministic
};

/// Everything a `portfolio_summary` holds, as plain data: to ship a partial summary to another
/// process (a Dask worker's result, a file) and make the same summary there.
struct summary_state {
  std::size_t accounts = 0;
  std::size_t invalid = 0;
  std::size_t borderline = 0;
  std::array<std::size_t, archetype_count> per_archetype{};
  std::array<std::size_t, archetype_count> borderline_per_archetype{};
  double sum_risk = 0.0, sum_scale = 0.0, sum_frequency = 0.0, sum_reach = 0.0;
  std::vector<std::size_t> format_count;        ///< catalogue order
  std::vector<std::size_t> first_choice_count;  ///< catalogue order
  std::size_t watch_size = 0;
  std::vector<near_threshold_account> watch;  ///< smallest margin first
};

/// Counts, means and watch list of a classified portfolio; `add` rows, `merge` partial summaries.
class portfolio_summary {
 public:
  /// An empty summary for portfolios classified under `pol`, keeping the `watch_size` accounts
  /// with the smallest margin.
  explicit portfolio_summary(const policy& pol, std::size_t watch_size = 10)
      : format_count_(pol.catalog().size()), first_choice_count_(pol.catalog().size()), watch_size_(watch_size) {}

  /// The summary `state` describes, for portfolios classified under `pol`; throws `error` when its
  /// format counts are not one per catalogue format of `pol`.
  portfolio_summary(const policy& pol, summary_state state)
      : accounts_(state.accounts),
        invalid_(state.invalid),
        borderline_(state.borderline),
        per_archetype_(state.per_archetype),
        borderline_per_archetype_(state.borderline_per_archetype),
        sum_risk_(state.sum_risk),
        sum_scale_(state.sum_scale),
        sum_frequency_(state.sum_frequency),
        sum_reach_(state.sum_reach),
        format_count_(std::move(state.format_count)),
        first_choice_count_(std::move(state.first_choice_count)),
        watch_size_(state.watch_size),
        watch_(std::move(state.watch)) {
    if (format_count_.size() != pol.catalog().size() || first_choice_count_.size() != pol.catalog().size()) {
      throw error("summary state has " + std::to_string(format_count_.size()) +
                  " format counts; accepted: one per catalogue format of the policy (" +
                  std::to_string(pol.catalog().size()) + ")");
    }
    if (watch_.size() > watch_size_) watch_.resize(watch_size_);
  }

  /// Everything this summary holds, as plain data (`portfolio_summary(pol, state)` makes it again).
  [[nodiscard]] summary_state state() const {
    return {accounts_,           invalid_,    borderline_,    per_archetype_, borderline_per_archetype_,
            sum_risk_,           sum_scale_,  sum_frequency_, sum_reach_,     format_count_,
            first_choice_count_, watch_size_, watch_};
  }

  /// Adds one classified account; `recommendations` are `count` ranked catalogue indices.
  void add(const std::string& account_id, riskscale::archetype type, double margin, bool borderline, double risk_score,
           double scale_score, double frequency_score, double reach_score, const std::int16_t* recommendations,
           std::size_t count, std::size_t order) {
    ++accounts_;
    ++per_archetype_[static_cast<std::size_t>(type)];
    borderline_ += borderline ? 1 : 0;
    borderline_per_archetype_[static_cast<std::size_t>(type)] += borderline ? 1 : 0;
    sum_risk_ += risk_score;
    sum_scale_ += scale_score;
    sum_frequency_ += frequency_score;
    sum_reach_ += reach_score;
    for (std::size_t j = 0; j < count; ++j) {
      const auto k = static_cast<std::size_t>(recommendations[j]);
      if (k < format_count_.size()) {
        ++format_count_[k];
        if (j == 0) ++first_choice_count_[k];
      }
    }
    if (watch_size_ == 0) return;
    if (watch_.size() == watch_size_ && !closer({"", type, margin, order}, watch_.back())) return;
    insert_watched({account_id, type, margin, order});
  }

  /// Counts one row that could not be classified.
  void add_invalid() noexcept { ++invalid_; }

  /// Adds the rows another summary of the same policy has seen.
  void merge(const portfolio_summary& other) {
    accounts_ += other.accounts_;
    invalid_ += other.invalid_;
    borderline_ += other.borderline_;
    for (std::size_t a = 0; a < archetype_count; ++a) {
      per_archetype_[a] += other.per_archetype_[a];
      borderline_per_archetype_[a] += other.borderline_per_archetype_[a];
    }
    sum_risk_ += other.sum_risk_;
    sum_scale_ += other.sum_scale_;
    sum_frequency_ += other.sum_frequency_;
    sum_reach_ += other.sum_reach_;
    for (std::size_t k = 0; k < format_count_.size() && k < other.format_count_.size(); ++k) {
      format_count_[k] += other.format_count_[k];
      first_choice_count_[k] += other.first_choice_count_[k];
    }
    for (const auto& watched : other.watch_) {
      if (watch_.size() < watch_size_ || closer(watched, watch_.back())) insert_watched(watched);
    }
  }

  /// Classified accounts.
  [[nodiscard]] std::size_t accounts() const noexcept { return accounts_; }
  /// Rows that could not be classified.
  [[nodiscard]] std::size_t invalid() const noexcept { return invalid_; }
  /// Accounts in one archetype.
  [[nodiscard]] std::size_t count(riskscale::archetype type) const noexcept {
    return per_archetype_[static_cast<std::size_t>(type)];
  }
  /// Share of the classified accounts in one archetype, 0 for an empty portfolio.
  [[nodiscard]] double share(riskscale::archetype type) const noexcept {
    return accounts_ == 0 ? 0.0 : static_cast<double>(count(type)) / static_cast<double>(accounts_);
  }
  /// Borderline accounts (SPEC §4).
  [[nodiscard]] std::size_t borderline() const noexcept { return borderline_; }
  /// Borderline accounts of one archetype.
  [[nodiscard]] std::size_t borderline(riskscale::archetype type) const noexcept {
    return borderline_per_archetype_[static_cast<std::size_t>(type)];
  }
  /// Mean risk score, NaN-free: 0 for an empty portfolio.
  [[nodiscard]] double mean_risk_score() const noexcept { return mean(sum_risk_); }
  /// Mean scale score.
  [[nodiscard]] double mean_scale_score() const noexcept { return mean(sum_scale_); }
  /// Mean frequency score.
  [[nodiscard]] double mean_frequency_score() const noexcept { return mean(sum_frequency_); }
  /// Mean reach score.
  [[nodiscard]] double mean_reach_score() const noexcept { return mean(sum_reach_); }
  /// Sum of the risk scores (for merging partial summaries outside C++).
  [[nodiscard]] double sum_risk_score() const noexcept { return sum_risk_; }
  /// Sum of the scale scores.
  [[nodiscard]] double sum_scale_score() const noexcept { return sum_scale_; }
  /// Sum of the frequency scores.
  [[nodiscard]] double sum_frequency_score() const noexcept { return sum_frequency_; }
  /// Sum of the reach scores.
  [[nodiscard]] double sum_reach_score() const noexcept { return sum_reach_; }
  /// Accounts that got each catalogue format, catalogue order.
  [[nodiscard]] const std::vector<std::size_t>& format_counts() const noexcept { return format_count_; }
  /// Accounts whose first recommendation is each catalogue format, catalogue order.
  [[nodiscard]] const std::vector<std::size_t>& first_choice_counts() const noexcept { return first_choice_count_; }
  /// Share of the classified accounts that got catalogue format `k`, 0 for an empty portfolio.
  [[nodiscard]] double format_share(std::size_t k) const noexcept {
    return accounts_ == 0 || k >= format_count_.size()
               ? 0.0
               : static_cast<double>(format_count_[k]) / static_cast<double>(accounts_);
  }
  /// Catalogue indices by how many accounts got them, most first (ties: catalogue order), zeros left out.
  [[nodiscard]] std::vector<std::size_t> top_formats() const {
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < format_count_.size(); ++k) {
      if (format_count_[k] > 0) order.push_back(k);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return format_count_[a] > format_count_[b]; });
    return order;
  }
  /// The accounts with the smallest margins, smallest first (ties: input order).
  [[nodiscard]] const std::vector<near_threshold_account>& closest_to_threshold() const noexcept { return watch_; }

 private:
  [[nodiscard]] double mean(double sum) const noexcept {
    return accounts_ == 0 ? 0.0 : sum / static_cast<double>(accounts_);
  }
  static bool closer(const near_threshold_account& a, const near_threshold_account& b) noexcept {
    return a.margin < b.margin || (a.margin == b.margin && a.order < b.order);
  }
  void insert_watched(near_threshold_account entry) {
    const auto position = std::upper_bound(watch_.begin(), watch_.end(), entry, closer);
    watch_.insert(position, std::move(entry));
    if (watch_.size() > watch_size_) watch_.pop_back();
  }

  std::size_t accounts_ = 0;
  std::size_t invalid_ = 0;
  std::size_t borderline_ = 0;
  std::array<std::size_t, archetype_count> per_archetype_{};
  std::array<std::size_t, archetype_count> borderline_per_archetype_{};
  double sum_risk_ = 0.0;
  double sum_scale_ = 0.0;
  double sum_frequency_ = 0.0;
  double sum_reach_ = 0.0;
  std::vector<std::size_t> format_count_;
  std::vector<std::size_t> first_choice_count_;
  std::size_t watch_size_;
  std::vector<near_threshold_account> watch_;
};

}  // namespace riskscale
