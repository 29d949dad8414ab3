// riskscale: how a classified portfolio spreads over the risk-scale plane, as counts on a grid.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace riskscale {

/// Accounts counted per cell of an equal grid over scale score (columns) × risk score (rows), both
/// in [0, 1] (SPEC §3), mergeable across chunks: a portfolio of any size becomes `bins × bins` counts.
class score_density {
 public:
  /// An empty grid of `bins` × `bins` cells; throws std::invalid_argument for 0 or more than 1000 bins.
  explicit score_density(std::size_t bins = 20) : bins_(bins) {
    if (bins == 0 || bins > 1000) {
      throw std::invalid_argument("score_density: bins = " + std::to_string(bins) + "; accepted: 1 to 1000");
    }
    counts_.assign(bins * bins, 0);
  }

  /// The cell index of a score in [0, 1]: `floor(score · bins)`, with a score of 1 in the last cell.
  [[nodiscard]] std::size_t bin_of(double score) const noexcept {
    if (!(score > 0.0)) return 0;
    const auto bin = static_cast<std::size_t>(std::floor(score * static_cast<double>(bins_)));
    return std::min(bin, bins_ - 1);
  }

  /// Counts one classified account; scores that are not numbers are not counted.
  void add(double risk_score, double scale_score) noexcept {
    if (std::isnan(risk_score) || std::isnan(scale_score)) return;
    ++counts_[bin_of(risk_score) * bins_ + bin_of(scale_score)];
    ++total_;
  }

  /// Adds the counts of another grid with as many bins; throws std::invalid_argument otherwise.
  void merge(const score_density& other) {
    if (other.bins_ != bins_) {
      throw std::invalid_argument("score_density::merge: " + std::to_string(other.bins_) + " bins into " +
                                  std::to_string(bins_) + "; accepted: grids with the same number of bins");
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
  }

  /// Cells per axis.
  [[nodiscard]] std::size_t bins() const noexcept { return bins_; }
  /// Accounts whose risk score falls in row `risk_bin` and scale score in column `scale_bin`.
  [[nodiscard]] std::size_t count(std::size_t risk_bin, std::size_t scale_bin) const noexcept {
    return counts_[risk_bin * bins_ + scale_bin];
  }
  /// The largest count of any cell (0 for an empty grid).
  [[nodiscard]] std::size_t max_count() const noexcept {
    return counts_.empty() ? 0 : *std::max_element(counts_.begin(), counts_.end());
  }
  /// Accounts counted.
  [[nodiscard]] std::size_t total() const noexcept { return total_; }

 private:
  std::size_t bins_;
  std::vector<std::size_t> counts_;
  std::size_t total_ = 0;
};

}  // namespace riskscale
