// riskscale internals: exact Shapley values of a noisy-OR risk change (SPEC §11), without the 2^n enumeration.
//
// With a_j = 1 - w_j x_j (old value) and b_j = 1 - w_j x_j (new value), the game is
// v(S) = 1 - Π_{j∈S} b_j Π_{j∉S} a_j, so v(S ∪ {i}) - v(S) = (a_i - b_i) Π_{j∈S} b_j Π_{j∉S, j≠i} a_j and
//   φ_i = (a_i - b_i) Σ_k k!(m-1-k)!/m! · c_k,   Π_{j≠i} (a_j + b_j t) = Σ_k c_k t^k,
// where the c_k (elementary symmetric sums of the other players) come from multiplying out the
// polynomial directly, never by dividing one factor out of the full product: every term is
// non-negative, so nothing cancels and the sum is as accurate as its terms. Players whose value did
// not change are dummies (φ = 0 exactly); they are folded into a constant factor first, which leaves
// every other player's value unchanged (Shapley values are blind to dummy players) and makes the
// work O(m^2) per changed player, m the number of changed players.
#pragma once

#include <cstddef>
#include <vector>

namespace riskscale::detail {

/// Work space of noisy_or_shapley, reused between accounts so that no call allocates.
struct shapley_scratch {
  std::vector<std::size_t> changed;  ///< indices of the players whose survival changed
  std::vector<double> polynomial;    ///< coefficients of Π_{j≠i} (a_j + b_j t)
  std::vector<double> weights;       ///< k!(m-1-k)!/m! for k = 0..m-1
};

/// Shapley values of the noisy-OR risk: `survival_old[j]` = 1 - w_j x_j^old, `survival_new[j]` =
/// 1 - w_j x_j^new (both in [0, 1]) for `n` players; writes φ_j to `causes[j]`. Σ φ_j equals
/// Π survival_old - Π survival_new (the risk change) up to rounding.
inline void noisy_or_shapley(std::size_t n, const double* survival_old, const double* survival_new, double* causes,
                             shapley_scratch& scratch) {
  scratch.changed.clear();
  double unchanged = 1.0;  // Π over dummy players (a_j = b_j), the same in every coalition
  for (std::size_t j = 0; j < n; ++j) {
    causes[j] = 0.0;
    if (survival_old[j] == survival_new[j]) {
      unchanged *= survival_old[j];
    } else {
      scratch.changed.push_back(j);
    }
  }
  const std::size_t m = scratch.changed.size();
  if (m == 0) return;
  // k!(m-1-k)!/m! = 1 / (m · C(m-1, k)), built by the recurrence C(m-1, k+1) = C(m-1, k)(m-1-k)/(k+1).
  scratch.weights.resize(m);
  double binomial = 1.0;
  for (std::size_t k = 0; k < m; ++k) {
    scratch.weights[k] = 1.0 / (static_cast<double>(m) * binomial);
    binomial = binomial * static_cast<double>(m - 1 - k) / static_cast<double>(k + 1);
  }
  scratch.polynomial.resize(m);
  for (std::size_t p = 0; p < m; ++p) {
    const std::size_t i = scratch.changed[p];
    // Π_{q≠p} (a_q + b_q t), by convolution one factor at a time.
    double* c = scratch.polynomial.data();
    c[0] = unchanged;
    std::size_t degree = 0;
    for (std::size_t q = 0; q < m; ++q) {
      if (q == p) continue;
      const double a = survival_old[scratch.changed[q]];
      const double b = survival_new[scratch.changed[q]];
      c[degree + 1] = c[degree] * b;
      for (std::size_t k = degree; k > 0; --k) c[k] = c[k] * a + c[k - 1] * b;
      c[0] *= a;
      ++degree;
    }
    double weighted = 0.0;
    for (std::size_t k = 0; k < m; ++k) weighted += scratch.weights[k] * c[k];
    causes[i] = (survival_old[i] - survival_new[i]) * weighted;
  }
}

}  // namespace riskscale::detail
