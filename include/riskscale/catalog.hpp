// riskscale: the training-format catalogue and its archetype affinities (SPEC §5).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "riskscale/archetype.hpp"

namespace riskscale {

/// One training format: its id, display name, one-line description and affinity per archetype.
struct training_format {
  std::string id;
  std::string name;
  std::string description;
  /// Affinity to each archetype in SPEC §1 order, each in [0, 1].
  std::array<double, archetype_count> affinity{};

  friend bool operator==(const training_format& a, const training_format& b) {
    return a.id == b.id && a.name == b.name && a.description == b.description && a.affinity == b.affinity;
  }
  friend bool operator!=(const training_format& a, const training_format& b) { return !(a == b); }
};

/// The SPEC §5 catalogue of twelve formats, in catalogue order.
[[nodiscard]] inline std::vector<training_format> default_catalog() {
  // Columns: HSHR, HSLR, LSHR, LSLR (SPEC §5 table; blank = 0).
  return {
      {"knowledge_certification",
       "Knowledge certification",
       "certification programme so key knowledge is absorbed and internalised",
       {1.0, 0, 0, 0}},
      {"supervised_assessment",
       "Supervised assessments",
       "frequent supervised assessments tied to certification requirements",
       {0.9, 0, 0, 0}},
      {"on_demand_library",
       "On-demand course library",
       "accessible on-demand courses for new and existing users",
       {0.8, 1.0, 0, 0}},
      {"virtual_ilt_advanced",
       "Virtual ILT: advanced topics",
       "virtual instructor-led training for advanced topics",
       {0.7, 0, 0, 0}},
      {"virtual_ilt_one_to_many",
       "Virtual ILT: one-to-many",
       "1:many virtual instructor-led sessions for dispersed users",
       {0, 0.9, 0, 0}},
      {"in_product_walkthrough", "In-product walkthroughs", "guided walkthroughs inside the product", {0, 0.8, 0, 0}},
      {"microlearning_video", "Microlearning videos", "short bite-size tips-and-tricks videos", {0, 0.7, 0, 0}},
      {"live_lab",
       "Live lab",
       "hands-on lab in a sandbox that mirrors the product, without the real risk",
       {0, 0, 1.0, 0}},
      {"onsite_training", "Onsite training", "expert trainer on site, tailored to the users", {0, 0, 0.9, 0}},
      {"practical_certification",
       "Practical certification",
       "rigorous certification that users apply the product correctly in practice",
       {0, 0, 0.8, 0}},
      {"role_based_on_demand",
       "Role-based on-demand content",
       "on-demand content per role, most relevant first",
       {0, 0, 0, 1.0}},
      {"role_based_email_nurture",
       "Role-based email nurture",
       "role-based email nurture campaigns with course suggestions",
       {0, 0, 0, 0.9}},
  };
}

}  // namespace riskscale
