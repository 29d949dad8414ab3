// riskscale: product traits, the education priority they imply, and the content formats to produce
// for an account (README "Onboarding plans": formulas and defaults).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "riskscale/assess.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/detail/json_parse.hpp"
#include "riskscale/error.hpp"
#include "riskscale/plan_settings.hpp"

namespace riskscale {

/// An account's product traits, each in [0, 1]; a trait not given is 0.5, "neither low nor high".
struct product_traits {
  std::array<double, trait_count> values{0.5, 0.5, 0.5, 0.5, 0.5, 0.5};

  /// The value of one trait.
  [[nodiscard]] double operator[](product_trait t) const noexcept { return values[static_cast<std::size_t>(t)]; }

  /// Sets a trait by name; throws `input_error` naming the trait for an unknown name or a value outside [0, 1].
  void set(std::string_view name, double value) {
    const auto trait = trait_from_string(name);
    if (!trait) {
      throw input_error(std::string(name), std::nullopt, "",
                        "unknown product trait; accepted: complex_product, behavior_change, diverse_users, "
                        "frequent_updates, product_suite, support_heavy");
    }
    if (!(value >= 0.0 && value <= 1.0)) {
      throw input_error(std::string(name), std::nullopt, "",
                        "= " + format_number(value) + " is out of range; accepted: a number in [0, 1]");
    }
    values[static_cast<std::size_t>(*trait)] = value;
  }

  /// Parses `{"complex_product": 0.8, ...}`; names and values are checked as by `set`.
  [[nodiscard]] static product_traits from_json(std::string_view json_text) {
    nlohmann::json doc;
    try {
      doc = detail::parse_json_document<nlohmann::json>(json_text);
    } catch (const detail::json_document_error& e) {
      throw error("invalid product traits at " + e.json_path() + ": " +
                  e.message("an object such as {\"complex_product\": 0.8}"));
    }
    if (!doc.is_object()) {
      throw error("invalid product traits: a JSON " + std::string(doc.type_name()) +
                  "; accepted: an object such as {\"complex_product\": 0.8}");
    }
    product_traits traits;
    for (const auto& [name, value] : doc.items()) {
      if (!value.is_number()) {
        throw input_error(name, std::nullopt, "",
                          value.dump() + " is a JSON " + value.type_name() + "; accepted: a number in [0, 1]");
      }
      traits.set(name, value.get<double>());
    }
    return traits;
  }

  /// The traits as a JSON object, every trait named.
  [[nodiscard]] std::string to_json() const {
    nlohmann::ordered_json doc = nlohmann::ordered_json::object();
    for (std::size_t t = 0; t < trait_count; ++t) doc[std::string(trait_ids[t])] = values[t];
    return doc.dump();
  }

  friend bool operator==(const product_traits& a, const product_traits& b) { return a.values == b.values; }
  friend bool operator!=(const product_traits& a, const product_traits& b) { return !(a == b); }
};

/// How much an account needs education, in [0, 1], and the traits that drive it.
struct education_priority {
  double score = 0.0;                  ///< Σ w_t x_t / Σ w_t, weights from the policy's content.education_weights
  std::vector<product_trait> drivers;  ///< the (at most two) traits with the largest w_t x_t > 0
  std::string reason;                  ///< e.g. "driven by complex_product (0.9) and behavior_change (0.8)"
};

/// The weighted mean of the traits (policy `content.education_weights`), with its strongest drivers.
[[nodiscard]] inline education_priority assess_education(const product_traits& traits, const policy& pol = policy()) {
  const auto& weights = pol.settings().content->education_weights;
  double weighted = 0.0, weight_sum = 0.0;
  std::array<std::size_t, trait_count> order{};
  for (std::size_t t = 0; t < trait_count; ++t) {
    weighted += weights[t] * traits.values[t];
    weight_sum += weights[t];
    order[t] = t;
  }
  // Largest contribution first; equal contributions keep trait order.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return weights[a] * traits.values[a] > weights[b] * traits.values[b];
  });
  education_priority result;
  result.score = weighted / weight_sum;
  for (std::size_t i = 0; i < 2; ++i) {
    if (weights[order[i]] * traits.values[order[i]] > 0) result.drivers.push_back(static_cast<product_trait>(order[i]));
  }
  if (result.drivers.empty()) {
    result.reason = "no weighted trait is above 0, so little product education is needed";
  } else {
    result.reason = "driven by";
    for (std::size_t i = 0; i < result.drivers.size(); ++i) {
      const auto t = static_cast<std::size_t>(result.drivers[i]);
      result.reason +=
          std::string(i ? " and " : " ") + std::string(trait_ids[t]) + " (" + format_number(traits.values[t]) + ")";
    }
  }
  return result;
}

/// One content format recommended for an account, in rank order, with why.
struct content_recommendation {
  std::size_t format_index = 0;  ///< index in the policy's content.formats
  std::string_view id;           ///< a view into the policy the assessment holds
  double score = 0.0;            ///< min(1, Σ_t w_t x_t + largest boost of a recommended training format)
  std::string reason;
};

/// Content formats for an assessed account: score_c = min(1, Σ_t w_ct x_t + max_k boost_ck over the
/// recommended training formats k); those with score >= content.min_score, best first, ties in list order.
[[nodiscard]] inline std::vector<content_recommendation> recommend_content(const assessment& assessed,
                                                                           const product_traits& traits) {
  const content_settings& settings = *assessed.policy.settings().content;
  std::vector<content_recommendation> ranked;
  for (std::size_t c = 0; c < settings.formats.size(); ++c) {
    const content_format& format = settings.formats[c];
    double trait_part = 0.0, strongest = 0.0;
    std::size_t strongest_trait = trait_count;
    for (std::size_t t = 0; t < trait_count; ++t) {
      const double contribution = format.trait_weights[t] * traits.values[t];
      trait_part += contribution;
      if (contribution > strongest) {
        strongest = contribution;
        strongest_trait = t;
      }
    }
    double boost = 0.0;
    const recommendation* booster = nullptr;
    for (const recommendation& r : assessed.recommendations) {
      for (const auto& [training_id, value] : format.training_boosts) {
        if (training_id == r.id && value > boost) {
          boost = value;
          booster = &r;
        }
      }
    }
    const double score = std::min(1.0, trait_part + boost);
    if (!(score >= settings.min_score)) continue;
    std::string reason;
    if (booster != nullptr) reason = assessed.format(*booster).name + " is recommended";
    if (strongest_trait < trait_count) {
      reason += std::string(reason.empty() ? "" : "; ") +
                "strongest trait: " + std::string(trait_ids[strongest_trait]) + " = " +
                format_number(traits.values[strongest_trait]);
    }
    // SPEC §5's tie rule, applied to content: within 1e-12 is a tie, and ties keep list order, so a
    // format goes before the first one it beats by more than 1e-12.
    auto position = std::find_if(ranked.begin(), ranked.end(),
                                 [&](const content_recommendation& other) { return score > other.score + 1e-12; });
    ranked.insert(position, {c, format.id, score, std::move(reason)});
  }
  return ranked;
}

}  // namespace riskscale
