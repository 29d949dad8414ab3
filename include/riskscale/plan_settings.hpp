// riskscale: the policy's `content` and `plans` sections: product traits, content formats and the
// onboarding-plan tables, with their documented defaults (README "Onboarding plans").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "riskscale/archetype.hpp"
#include "riskscale/catalog.hpp"

namespace riskscale {

namespace detail {
/// The enumerator whose id (its position in `ids`) is `id`, or nothing.
template <typename Enum, std::size_t N>
[[nodiscard]] constexpr std::optional<Enum> enum_from_id(const std::array<std::string_view, N>& ids,
                                                         std::string_view id) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (ids[i] == id) return static_cast<Enum>(i);
  }
  return std::nullopt;
}
}  // namespace detail

/// A product trait that shapes content and plans, each scored in [0, 1].
enum class product_trait : std::int8_t {
  complex_product = 0,   ///< users must learn before they get value
  behavior_change = 1,   ///< the product changes their workflows
  diverse_users = 2,     ///< many roles with different needs
  frequent_updates = 3,  ///< releases change what users see often
  product_suite = 4,     ///< more products to adopt or cross-sell
  support_heavy = 5,     ///< it needs a lot of support today
};

/// Number of product traits.
inline constexpr std::size_t trait_count = 6;

/// The trait ids, in `product_trait` order; also their JSON keys and column names.
inline constexpr std::array<std::string_view, trait_count> trait_ids = {
    "complex_product", "behavior_change", "diverse_users", "frequent_updates", "product_suite", "support_heavy"};

/// The trait with this id, or nothing.
[[nodiscard]] constexpr std::optional<product_trait> trait_from_string(std::string_view id) noexcept {
  return detail::enum_from_id<product_trait>(trait_ids, id);
}

/// The id of a trait, e.g. "complex_product".
[[nodiscard]] constexpr std::string_view to_string(product_trait t) noexcept {
  return trait_ids[static_cast<std::size_t>(t)];
}

/// A touchpoint's delivery channel.
enum class channel : std::int8_t { email, in_product, live_virtual, onsite, lab, call };
/// Number of channels.
inline constexpr std::size_t channel_count = 6;
/// The channel ids, in `channel` order.
inline constexpr std::array<std::string_view, channel_count> channel_ids = {"email",  "in_product", "live_virtual",
                                                                            "onsite", "lab",        "call"};
/// The id of a channel, e.g. "live_virtual".
[[nodiscard]] constexpr std::string_view to_string(channel c) noexcept {
  return channel_ids[static_cast<std::size_t>(c)];
}
/// The channel with this id, or nothing.
[[nodiscard]] constexpr std::optional<channel> channel_from_string(std::string_view id) noexcept {
  return detail::enum_from_id<channel>(channel_ids, id);
}
/// True for channels that are a scheduled session (an iCalendar event): live_virtual, onsite, lab, call.
[[nodiscard]] constexpr bool is_live(channel c) noexcept {
  return c == channel::live_virtual || c == channel::onsite || c == channel::lab || c == channel::call;
}

/// How often check-in emails go out during a plan stage.
enum class cadence : std::int8_t { daily, semi_weekly, weekly, bi_weekly };
/// Number of cadences.
inline constexpr std::size_t cadence_count = 4;
/// The cadence ids, in `cadence` order.
inline constexpr std::array<std::string_view, cadence_count> cadence_ids = {"daily", "semi_weekly", "weekly",
                                                                            "bi_weekly"};
/// The id of a cadence, e.g. "semi_weekly".
[[nodiscard]] constexpr std::string_view to_string(cadence c) noexcept {
  return cadence_ids[static_cast<std::size_t>(c)];
}
/// The cadence with this id, or nothing.
[[nodiscard]] constexpr std::optional<cadence> cadence_from_string(std::string_view id) noexcept {
  return detail::enum_from_id<cadence>(cadence_ids, id);
}

/// The three stages of a plan, in order: launch, adoption, reinforcement.
enum class plan_stage : std::int8_t { launch, adoption, reinforcement };
/// Number of stages.
inline constexpr std::size_t stage_count = 3;
/// The stage ids, in `plan_stage` order.
inline constexpr std::array<std::string_view, stage_count> stage_ids = {"launch", "adoption", "reinforcement"};
/// The id of a stage.
[[nodiscard]] constexpr std::string_view to_string(plan_stage s) noexcept {
  return stage_ids[static_cast<std::size_t>(s)];
}

/// How complex a product is to learn, from its `complex_product` trait.
enum class complexity : std::int8_t { simple, moderate, complex };
/// Number of complexity levels.
inline constexpr std::size_t complexity_count = 3;
/// The complexity ids, in `complexity` order.
inline constexpr std::array<std::string_view, complexity_count> complexity_ids = {"simple", "moderate", "complex"};
/// The id of a complexity level.
[[nodiscard]] constexpr std::string_view to_string(complexity c) noexcept {
  return complexity_ids[static_cast<std::size_t>(c)];
}

/// Who a touchpoint or milestone is for: everyone, or one role track.
enum class audience : std::int8_t { all, admins, end_users };
/// Number of audiences.
inline constexpr std::size_t audience_count = 3;
/// The audience ids, in `audience` order.
inline constexpr std::array<std::string_view, audience_count> audience_ids = {"all", "admins", "end_users"};
/// The id of an audience.
[[nodiscard]] constexpr std::string_view to_string(audience a) noexcept {
  return audience_ids[static_cast<std::size_t>(a)];
}
/// The audience with this id, or nothing.
[[nodiscard]] constexpr std::optional<audience> audience_from_string(std::string_view id) noexcept {
  return detail::enum_from_id<audience>(audience_ids, id);
}

/// One content format to produce: its id, names, channel, trait weights and training-format boosts.
struct content_format {
  std::string id;
  std::string name;
  std::string description;
  riskscale::channel channel = channel::email;      ///< how it reaches learners in a plan
  std::array<double, trait_count> trait_weights{};  ///< score contribution per trait, each in [0, 1]
  /// Boost in [0, 1] when a training format of this id is recommended (the largest applies).
  std::vector<std::pair<std::string, double>> training_boosts;

  friend bool operator==(const content_format& a, const content_format& b) {
    return std::tie(a.id, a.name, a.description, a.channel, a.trait_weights, a.training_boosts) ==
           std::tie(b.id, b.name, b.description, b.channel, b.trait_weights, b.training_boosts);
  }
  friend bool operator!=(const content_format& a, const content_format& b) { return !(a == b); }
};

/// The five content formats of the onboarding guide, with the default trait weights and boosts.
[[nodiscard]] inline std::vector<content_format> default_content_formats() {
  using t = std::array<double, trait_count>;
  // Trait order: complex_product, behavior_change, diverse_users, frequent_updates, product_suite,
  // support_heavy. Weights of a format sum to at most 1, so a score stays in [0, 1] without a boost.
  return {
      {"recorded_webinar",
       "Recorded webinar",
       "an interface overview, or a complex topic a person should explain, recorded once",
       channel::email,
       t{0.4, 0.2, 0.0, 0.3, 0.1, 0.0},
       {{"on_demand_library", 0.4}, {"virtual_ilt_one_to_many", 0.5}, {"virtual_ilt_advanced", 0.5}}},
      {"recorded_screencast",
       "Recorded screencast",
       "step-by-step recording of a complex configuration or process",
       channel::in_product,
       t{0.5, 0.0, 0.0, 0.2, 0.0, 0.3},
       {{"on_demand_library", 0.5},
        {"role_based_on_demand", 0.5},
        {"microlearning_video", 0.6},
        {"in_product_walkthrough", 0.4}}},
      {"infographic_pdf",
       "Infographic PDF",
       "a one-page high-level overview with quick facts, reusing marketing material",
       channel::email,
       t{0.0, 0.1, 0.3, 0.2, 0.4, 0.0},
       {{"role_based_email_nurture", 0.5}}},
      {"slide_deck",
       "Slide deck",
       "in-person training material, reused as a handout and for self-study",
       channel::email,
       t{0.1, 0.3, 0.1, 0.0, 0.0, 0.0},
       {{"virtual_ilt_advanced", 1.0}, {"virtual_ilt_one_to_many", 1.0}, {"onsite_training", 1.0}, {"live_lab", 1.0}}},
      {"quiz_knowledge_check",
       "Quiz / knowledge check",
       "short quiz that measures understanding and keeps learners engaged",
       channel::in_product,
       t{0.3, 0.3, 0.0, 0.0, 0.0, 0.0},
       {{"knowledge_certification", 1.0}, {"supervised_assessment", 1.0}, {"practical_certification", 1.0}}},
  };
}

/// The policy's `content` section: how education priority and content formats are scored.
struct content_settings {
  /// Weight of each trait in the education priority (a weighted mean), each >= 0 with a positive sum.
  std::array<double, trait_count> education_weights{0.30, 0.25, 0.15, 0.10, 0.10, 0.10};
  double min_score = 0.5;  ///< lowest content score that is recommended, in [0, 1]
  std::vector<content_format> formats = default_content_formats();

  friend bool operator==(const content_settings& a, const content_settings& b) {
    return std::tie(a.education_weights, a.min_score, a.formats) ==
           std::tie(b.education_weights, b.min_score, b.formats);
  }
  friend bool operator!=(const content_settings& a, const content_settings& b) { return !(a == b); }
};

/// A milestone of a plan: a target day (as a share of the plan length) and a measurable criterion.
struct milestone_rule {
  std::string id;
  std::string title;
  double at = 1.0;        ///< target day as a share of the plan length, in (0, 1]
  std::string criterion;  ///< what is measured, e.g. "80% of users finished the on-demand basics"
  riskscale::audience audience = audience::all;  ///< the track it measures

  friend bool operator==(const milestone_rule& a, const milestone_rule& b) {
    return std::tie(a.id, a.title, a.at, a.criterion, a.audience) ==
           std::tie(b.id, b.title, b.at, b.criterion, b.audience);
  }
  friend bool operator!=(const milestone_rule& a, const milestone_rule& b) { return !(a == b); }
};

/// Who and where to ask for help; every week of a plan points to these.
struct support_resource {
  std::string name;
  std::string where;

  friend bool operator==(const support_resource& a, const support_resource& b) {
    return a.name == b.name && a.where == b.where;
  }
  friend bool operator!=(const support_resource& a, const support_resource& b) { return !(a == b); }
};

/// Per archetype (SPEC §1 order), one value per complexity level or stage.
template <typename T, std::size_t N>
using archetype_table = std::array<std::array<T, N>, archetype_count>;

/// The policy's `plans` section: plan length, cadence, milestones, tracks and the overload guard.
struct plan_settings {
  /// Most touchpoints in any 7-day window of a plan (the welcome day excepted), >= 1.
  int max_touches_per_week = 3;
  /// `complex_product` from which a product is moderate, and complex; 0 < moderate <= complex <= 1.
  double moderate_from = 0.35;
  double complex_from = 0.7;
  /// Plan length in days per archetype and complexity (simple, moderate, complex), each in [1, 366].
  archetype_table<int, complexity_count> length_days{{
      {{14, 42, 84}},  // high_scale_high_risk: certification takes weeks
      {{7, 21, 42}},   // high_scale_low_risk: broad, light adoption
      {{14, 35, 70}},  // low_scale_high_risk: hands-on, supervised
      {{5, 14, 28}},   // low_scale_low_risk: a few experts, self-paced
  }};
  /// Share of the plan that is the launch stage, and the reinforcement stage; each in [0, 1), sum < 1.
  double launch_share = 0.25;
  double reinforcement_share = 0.25;
  /// Check-in email cadence per archetype and stage (launch, adoption, reinforcement).
  archetype_table<cadence, stage_count> cadences{{
      {{cadence::semi_weekly, cadence::weekly, cadence::weekly}},
      {{cadence::daily, cadence::semi_weekly, cadence::weekly}},
      {{cadence::semi_weekly, cadence::weekly, cadence::bi_weekly}},
      {{cadence::weekly, cadence::weekly, cadence::bi_weekly}},
  }};
  /// `diverse_users` from which a plan splits into admin and end-user tracks, in [0, 1].
  double role_tracks_from = 0.6;
  /// Channel of each training format in a plan; a format not listed goes out by email.
  std::vector<std::pair<std::string, channel>> format_channels{{"knowledge_certification", channel::in_product},
                                                               {"supervised_assessment", channel::live_virtual},
                                                               {"on_demand_library", channel::email},
                                                               {"virtual_ilt_advanced", channel::live_virtual},
                                                               {"virtual_ilt_one_to_many", channel::live_virtual},
                                                               {"in_product_walkthrough", channel::in_product},
                                                               {"microlearning_video", channel::email},
                                                               {"live_lab", channel::lab},
                                                               {"onsite_training", channel::onsite},
                                                               {"practical_certification", channel::lab},
                                                               {"role_based_on_demand", channel::email},
                                                               {"role_based_email_nurture", channel::email}};
  /// Training formats given to the admin track only when a plan has role tracks.
  std::vector<std::string> admin_only_formats{"virtual_ilt_advanced"};
  /// Training formats given to the end-user track only when a plan has role tracks.
  std::vector<std::string> end_user_only_formats{"in_product_walkthrough", "microlearning_video"};
  /// Milestones per archetype, in target order.
  std::array<std::vector<milestone_rule>, archetype_count> milestones{{
      {{"basics_done", "On-demand basics finished", 0.3, "80% of users finished the on-demand basics", audience::all},
       {"admins_certified", "Admins certified", 0.7, "certification passed by all admins", audience::admins},
       {"users_certified", "Users certified", 1.0, "90% of users passed the knowledge certification",
        audience::end_users}},
      {{"first_login", "Everyone logged in", 0.25, "90% of invited users logged in at least once", audience::all},
       {"core_workflow", "Core workflow adopted", 0.6, "70% of users completed the core workflow twice", audience::all},
       {"weekly_active", "Weekly active", 1.0, "60% of seats active in the last 7 days", audience::all}},
      {{"lab_completed", "Sandbox lab completed", 0.4, "every user completed the sandbox lab", audience::all},
       {"practically_certified", "Practical certification", 1.0,
        "practical certification passed by every user before live use", audience::all}},
      {{"setup_done", "Set up for their role", 0.5, "every user opened the content for their role", audience::all},
       {"self_sufficient", "Self-sufficient", 1.0, "75% of users active without a support ticket this week",
        audience::all}},
  }};
  /// Support resources every week of a plan points to.
  std::vector<support_resource> support{{"Customer success manager", "your named CSM, by email or a booked call"},
                                        {"Help centre", "the Help menu inside the product"},
                                        {"Support desk", "chat or email, answered within one business day"},
                                        {"Community forum", "peer answers and product announcements"}};

  friend bool operator==(const plan_settings& a, const plan_settings& b) {
    return std::tie(a.max_touches_per_week, a.moderate_from, a.complex_from, a.length_days, a.launch_share,
                    a.reinforcement_share, a.cadences, a.role_tracks_from, a.format_channels, a.admin_only_formats,
                    a.end_user_only_formats, a.milestones, a.support) ==
           std::tie(b.max_touches_per_week, b.moderate_from, b.complex_from, b.length_days, b.launch_share,
                    b.reinforcement_share, b.cadences, b.role_tracks_from, b.format_channels, b.admin_only_formats,
                    b.end_user_only_formats, b.milestones, b.support);
  }
  friend bool operator!=(const plan_settings& a, const plan_settings& b) { return !(a == b); }
};

/// Throws `policy_error` naming the JSON path (under `$.content`) when the content tables break a
/// range rule or name a training format that is neither in `catalog` nor a SPEC §5 id.
inline void validate_section(const content_settings& content, const std::vector<training_format>& catalog);
/// Throws `policy_error` naming the JSON path (under `$.plans`) when the plan tables break a range
/// rule or name a training format that is neither in `catalog` nor a SPEC §5 id.
inline void validate_section(const plan_settings& plans, const std::vector<training_format>& catalog);

}  // namespace riskscale

#include "riskscale/detail/plan_validate.hpp"
