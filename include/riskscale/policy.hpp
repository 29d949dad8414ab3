// riskscale: the policy, every model parameter of SPEC §3–§5 as one immutable value, and its JSON form (SPEC §7).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskscale/catalog.hpp"
#include "riskscale/input_rules.hpp"
#include "riskscale/policy_section.hpp"

namespace riskscale {

struct content_settings;  // riskscale/plan_settings.hpp
struct plan_settings;     // riskscale/plan_settings.hpp

namespace detail {
// The SPEC §7 reader and writer; defined in riskscale/policy_json.hpp, which `riskscale.hpp` includes.
// A compile error naming this type means that header is missing where a policy is read or written.
template <typename Policy>
struct policy_json;
}  // namespace detail

/// One risk factor of the noisy-OR (SPEC §3): the input column it reads and its weight in [0, 1].
struct risk_factor {
  std::string name;
  double weight = 0.0;

  friend bool operator==(const risk_factor& a, const risk_factor& b) {
    return a.name == b.name && a.weight == b.weight;
  }
  friend bool operator!=(const risk_factor& a, const risk_factor& b) { return !(a == b); }
};

/// The SPEC §3 default risk factors, in SPEC §2 order.
[[nodiscard]] inline std::vector<risk_factor> default_risk_factors() {
  return {{"sensitive_data", 0.8}, {"org_disruption", 0.5}, {"physical_safety", 1.0}, {"legal_exposure", 0.9}};
}

/// The editable parameters of a policy, SPEC defaults in place; turn them into a `policy` to use them.
struct policy_settings {
  double frequency_full = 20.0;   ///< SPEC §3: active days per month that count as full frequency
  double reach_full = 1000.0;     ///< SPEC §3: users that count as full reach
  double frequency_weight = 0.4;  ///< SPEC §3: scale weight of frequency, as given (normalised on use)
  double reach_weight = 0.6;      ///< SPEC §3: scale weight of reach, as given (normalised on use)
  std::vector<risk_factor> risk_weights = default_risk_factors();  ///< SPEC §3 noisy-OR factors
  double risk_threshold = 0.5;                                     ///< SPEC §4
  double scale_threshold = 0.5;                                    ///< SPEC §4
  double borderline_band = 0.05;                                   ///< SPEC §4
  double temperature = 0.1;                                        ///< SPEC §4: τ of the soft membership
  double min_score = 0.25;           ///< SPEC §5: lowest format score that is recommended
  std::optional<std::size_t> top_k;  ///< SPEC §5: most recommendations per account; none = no limit
  std::vector<training_format> catalog = default_catalog();  ///< SPEC §5
  /// Content formats from product traits (README "Onboarding plans"); read with riskscale/plan_settings.hpp.
  policy_section<content_settings> content;
  /// Onboarding-plan tables (README "Onboarding plans"); read with riskscale/plan_settings.hpp.
  policy_section<plan_settings> plans;
  input_mapping inputs;  ///< SPEC §9: where each model input comes from; empty = SPEC §2 columns

  friend bool operator==(const policy_settings& a, const policy_settings& b) {
    return a.frequency_full == b.frequency_full && a.reach_full == b.reach_full &&
           a.frequency_weight == b.frequency_weight && a.reach_weight == b.reach_weight &&
           a.risk_weights == b.risk_weights && a.risk_threshold == b.risk_threshold &&
           a.scale_threshold == b.scale_threshold && a.borderline_band == b.borderline_band &&
           a.temperature == b.temperature && a.min_score == b.min_score && a.top_k == b.top_k &&
           a.catalog == b.catalog && a.content == b.content && a.plans == b.plans && a.inputs == b.inputs;
  }
  friend bool operator!=(const policy_settings& a, const policy_settings& b) { return !(a == b); }
};

/// A validated, immutable policy; copies share one block, so passing it between threads is cheap and safe.
class policy {
 public:
  /// The SPEC defaults.
  policy();
  /// Validates `settings` (SPEC §4, §5, §7 ranges) and freezes them; throws `policy_error` naming the key.
  explicit policy(policy_settings settings);

  // The JSON form (SPEC §7) needs riskscale/policy_json.hpp: the reader compiles the content and
  // plan tables, which code that only classifies does not include. The template parameter only
  // defers the definition to that header; call these as plain functions.

  /// Parses a SPEC §7 policy document; missing keys keep their defaults, nothing is half-applied.
  template <typename Self = policy>
  [[nodiscard]] static Self from_json(std::string_view json_text) {
    return detail::policy_json<Self>::read(json_text);
  }
  /// Reads and parses a SPEC §7 policy file; the error names the file when it cannot be read.
  template <typename Self = policy>
  [[nodiscard]] static Self from_file(const std::string& path) {
    return detail::policy_json<Self>::read_file(path);
  }
  /// The whole policy as a SPEC §7 document; `from_json(to_json())` gives an equal policy.
  template <typename Self = policy>
  [[nodiscard]] std::string to_json(int indent = 2) const {
    return detail::policy_json<Self>::write(*this, indent);
  }

  /// The parameters this policy was built from.
  [[nodiscard]] const policy_settings& settings() const noexcept { return data_->settings; }
  /// The risk factors, in policy order.
  [[nodiscard]] const std::vector<risk_factor>& risk_factors() const noexcept { return data_->settings.risk_weights; }
  /// The training-format catalogue, in catalogue order.
  [[nodiscard]] const std::vector<training_format>& catalog() const noexcept { return data_->settings.catalog; }
  /// Frequency weight normalised so that it and `reach_weight()` sum to 1 (SPEC §3).
  [[nodiscard]] double frequency_weight() const noexcept { return data_->frequency_weight; }
  /// Reach weight normalised so that it and `frequency_weight()` sum to 1 (SPEC §3).
  [[nodiscard]] double reach_weight() const noexcept { return data_->reach_weight; }
  /// ln(1 + reach_full), the denominator of the reach score.
  [[nodiscard]] double log_reach_full() const noexcept { return data_->log_reach_full; }
  /// Most recommendations any account can get: min(top_k, catalogue size).
  [[nodiscard]] std::size_t recommendation_width() const noexcept { return data_->recommendation_width; }
  /// Index of the format with this id in the catalogue, or nothing.
  [[nodiscard]] std::optional<std::size_t> format_index(std::string_view id) const noexcept;
  /// The numeric inputs in validation order: the policy's risk factors, `active_days`, `users`,
  /// then the optional `seats`; a batch's `invalid_field` codes index this list.
  [[nodiscard]] std::vector<std::string> input_fields() const;

  friend bool operator==(const policy& a, const policy& b) {
    return a.data_ == b.data_ || a.settings() == b.settings();
  }
  friend bool operator!=(const policy& a, const policy& b) { return !(a == b); }

 private:
  struct data {
    policy_settings settings;
    double frequency_weight;
    double reach_weight;
    double log_reach_full;
    std::size_t recommendation_width;
  };
  std::shared_ptr<const data> data_;
};

/// Field names no risk factor may take, because they are other SPEC §2 inputs.
inline constexpr std::string_view reserved_field_names[] = {"account_id", "active_days", "users", "seats"};

}  // namespace riskscale

#include "riskscale/detail/policy_impl.hpp"
