// riskscale: from an assessed account to a dated onboarding plan (welcome, training materials,
// milestones, support, check-ins) (README "Onboarding plans"); its exports are in plan_export.hpp.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "riskscale/assess.hpp"
#include "riskscale/content.hpp"
#include "riskscale/date.hpp"
#include "riskscale/error.hpp"
#include "riskscale/plan_settings.hpp"

namespace riskscale {

/// What a touchpoint is for.
enum class touchpoint_kind : std::int8_t { welcome, training, milestone, check_in, support };
/// The touchpoint kind ids, in `touchpoint_kind` order.
inline constexpr std::array<std::string_view, 5> touchpoint_kind_ids = {"welcome", "training", "milestone", "check_in",
                                                                        "support"};
/// The id of a touchpoint kind.
[[nodiscard]] constexpr std::string_view to_string(touchpoint_kind k) noexcept {
  return touchpoint_kind_ids[static_cast<std::size_t>(k)];
}

/// One dated contact with the account's users.
struct touchpoint {
  int day = 0;           ///< offset from the plan's start, 0 = welcome day
  riskscale::date date;  ///< start + day
  plan_stage stage = plan_stage::launch;
  riskscale::channel channel = channel::email;
  touchpoint_kind kind = touchpoint_kind::check_in;
  std::string title;
  std::string format;  ///< training or content format id, empty for none
  riskscale::audience audience = audience::all;
  std::string detail;  ///< criterion, support resources or the format's description
};

/// A milestone of a plan: its target day and the measurable criterion checked that day.
struct milestone {
  std::string id;
  std::string title;
  int day = 0;
  riskscale::date date;
  std::string criterion;
  riskscale::audience audience = audience::all;
};

/// Options of `plan` beyond the policy: overrides for one plan.
struct plan_options {
  /// Overrides the policy's plans.max_touches_per_week for this plan.
  std::optional<int> max_touches_per_week;
  /// Forces role tracks on or off; by default they follow diverse_users >= plans.role_tracks_from.
  std::optional<bool> role_tracks;
};

/// A dated onboarding programme for one account.
struct onboarding_plan {
  std::string account_id;
  riskscale::archetype archetype = archetype::low_scale_low_risk;
  riskscale::complexity complexity = complexity::moderate;
  product_traits traits;
  riskscale::education_priority education;
  riskscale::date start;
  riskscale::date end;  ///< the last day of the plan
  int length_days = 0;
  std::array<int, stage_count> stage_start{};  ///< first day of launch, adoption, reinforcement
  std::array<cadence, stage_count> cadences{};
  bool role_tracks = false;
  int max_touches_per_week = 0;
  std::vector<std::string> welcome_messages;
  std::vector<std::string> training_formats;  ///< recommended training format ids, ranked (SPEC §5)
  std::vector<content_recommendation> content;
  std::vector<riskscale::milestone> milestones;
  std::vector<support_resource> support;
  std::vector<touchpoint> touchpoints;  ///< by day
  std::vector<std::string> notes;       ///< what the overload guard moved or left out
  riskscale::policy policy;             ///< the policy it was made under; keeps `content` ids valid
};

namespace detail {

inline std::string join_resources(const std::vector<support_resource>& resources) {
  std::string text;
  for (const support_resource& r : resources) {
    text += (text.empty() ? "" : "; ") + r.name + (r.where.empty() ? "" : ": " + r.where);
  }
  return text;
}

// The schedule under construction, with the overload guard: every audience sees at most `cap`
// touchpoints in any 7-day window, day 0 (the welcome day) excepted.
class schedule {
 public:
  schedule(int length, int cap, bool tracks)
      : length_(length),
        cap_(cap),
        tracks_(tracks),
        load_(audience_count, std::vector<int>(static_cast<std::size_t>(std::max(length, 1)), 0)) {}

  // True when one more touchpoint for `who` on `day` keeps every 7-day window within the cap.
  [[nodiscard]] bool fits(int day, audience who) const {
    if (day == 0) return true;
    for (std::size_t view = 0; view < audience_count; ++view) {
      if (!counts_for(who, view)) continue;
      const std::vector<int>& load = load_[view];
      for (int window = std::max(1, day - 6); window <= day; ++window) {
        int count = 1;
        for (int d = window; d <= std::min(window + 6, length_ - 1); ++d) count += load[static_cast<std::size_t>(d)];
        if (count > cap_) return false;
      }
    }
    return true;
  }
  [[nodiscard]] bool has(int from, int to, audience who, bool (*match)(const touchpoint&)) const {
    for (const touchpoint& t : items) {
      if (t.day < from || t.day > to || !match(t)) continue;
      for (std::size_t view = 0; view < audience_count; ++view) {
        if (counts_for(who, view) && counts_for(t.audience, view)) return true;
      }
    }
    return false;
  }
  // Puts `t` on the first day in [from, to] (walking forward) that fits; false when none does.
  bool place_forward(touchpoint t, int from, int to) {
    for (int day = std::max(0, from); day <= std::min(to, length_ - 1); ++day) {
      if (fits(day, t.audience)) return add(std::move(t), day);
    }
    return false;
  }
  // The same, walking back from `from` to `to`.
  bool place_backward(touchpoint t, int from, int to) {
    for (int day = std::min(from, length_ - 1); day >= std::max(0, to); --day) {
      if (fits(day, t.audience)) return add(std::move(t), day);
    }
    return false;
  }

  // Counts a touchpoint that is already dated (as in a finished plan) without checking the cap.
  void count(const touchpoint& t) {
    for (std::size_t view = 0; view < audience_count; ++view) {
      if (counts_for(t.audience, view)) ++load_[view][static_cast<std::size_t>(t.day)];
    }
  }
  // The most touchpoints any view has in a 7-day window, the welcome day excepted.
  [[nodiscard]] int busiest() const {
    int most = 0;
    for (const std::vector<int>& load : load_) {
      for (int window = 1; window < length_; ++window) {
        int count = 0;
        for (int d = window; d <= std::min(window + 6, length_ - 1); ++d) count += load[static_cast<std::size_t>(d)];
        most = std::max(most, count);
      }
    }
    return most;
  }

  std::vector<touchpoint> items;

 private:
  // The views a touchpoint for `who` counts in: without tracks the one view `all`; with tracks, a
  // shared touchpoint counts in both tracks and a track's own in that track only.
  [[nodiscard]] bool counts_for(audience who, std::size_t view) const noexcept {
    if (!tracks_) return view == static_cast<std::size_t>(audience::all);
    if (view == static_cast<std::size_t>(audience::all)) return false;
    return who == audience::all || static_cast<std::size_t>(who) == view;
  }
  bool add(touchpoint t, int day) {
    t.day = day;
    count(t);
    items.push_back(std::move(t));
    return true;
  }
  int length_;
  int cap_;
  bool tracks_;
  std::vector<std::vector<int>> load_;  // touchpoints per view and day
};

inline int cadence_gap(cadence c, int step) noexcept {
  switch (c) {
    case cadence::daily: return 1;
    case cadence::semi_weekly: return step % 2 == 0 ? 3 : 4;  // twice a week: 3 then 4 days apart
    case cadence::weekly: return 7;
    case cadence::bi_weekly: return 14;
  }
  return 7;
}

}  // namespace detail

/// The onboarding plan of an assessed account: length from its archetype and complexity, training
/// materials from its recommended training and content formats, milestones, weekly support and
/// check-in emails at the archetype's cadence, all under the overload guard (README "Onboarding plans").
[[nodiscard]] inline onboarding_plan plan(const assessment& assessed, const product_traits& traits, date start,
                                          const plan_options& options = {}) {
  const policy& pol = assessed.policy;
  const plan_settings& settings = *pol.settings().plans;
  const auto a = static_cast<std::size_t>(assessed.archetype);
  onboarding_plan result;
  result.policy = pol;
  result.account_id = assessed.account_id;
  result.archetype = assessed.archetype;
  result.traits = traits;
  result.education = assess_education(traits, pol);
  const double complexity_trait = traits[product_trait::complex_product];
  result.complexity = complexity_trait >= settings.complex_from    ? complexity::complex
                      : complexity_trait >= settings.moderate_from ? complexity::moderate
                                                                   : complexity::simple;
  const int length = settings.length_days[a][static_cast<std::size_t>(result.complexity)];
  result.length_days = length;
  result.start = start;
  if (start.days_since_epoch() + (length - 1) > date::last().days_since_epoch()) {
    throw error("invalid plan start " + start.to_string() + ": its " + std::to_string(length) +
                "-day plan would end after " + date::last().to_string() +
                ", the last supported date; accepted: a start whose plan ends by then");
  }
  result.end = start.plus_days(length - 1);
  result.cadences = settings.cadences[a];
  result.max_touches_per_week = options.max_touches_per_week.value_or(settings.max_touches_per_week);
  if (result.max_touches_per_week < 1) {
    throw error("invalid plan option max_touches_per_week = " + std::to_string(result.max_touches_per_week) +
                "; accepted: an integer >= 1");
  }
  result.role_tracks = options.role_tracks.value_or(traits[product_trait::diverse_users] >= settings.role_tracks_from);
  result.support = settings.support;

  // Stages: launch [0, ceil(L·launch)), reinforcement the last floor(L·reinforcement) days, adoption between.
  const int launch_end = std::min(length, static_cast<int>(std::ceil(length * settings.launch_share)));
  const int reinforcement_start =
      std::max(launch_end, length - static_cast<int>(std::floor(length * settings.reinforcement_share)));
  result.stage_start = {0, launch_end, reinforcement_start};
  const auto stage_of = [&](int day) {
    return day >= reinforcement_start ? plan_stage::reinforcement
           : day >= launch_end        ? plan_stage::adoption
                                      : plan_stage::launch;
  };

  const std::vector<audience> tracks = result.role_tracks ? std::vector<audience>{audience::admins, audience::end_users}
                                                          : std::vector<audience>{audience::all};
  const bool high_risk = assessed.high_risk();
  detail::schedule plan_schedule(length, result.max_touches_per_week, result.role_tracks);
  const auto make = [&](touchpoint_kind kind, channel ch, std::string title, std::string format, audience who,
                        std::string detail_text) {
    touchpoint t;
    t.kind = kind;
    t.channel = ch;
    t.title = std::move(title);
    t.format = std::move(format);
    t.audience = who;
    t.detail = std::move(detail_text);
    return t;
  };

  // 1. Welcome day: a welcome message per track; a kick-off call for high-risk accounts; where to get help.
  for (audience who : tracks) {
    std::string message = "Welcome to your " + std::to_string(length) + "-day onboarding";
    if (who == audience::admins) message += " (admin track: set-up, governance and advanced topics)";
    if (who == audience::end_users) message += " (end-user track: the everyday workflows of your role)";
    result.welcome_messages.push_back(message);
    plan_schedule.place_forward(make(touchpoint_kind::welcome, channel::email, message, "", who,
                                     "what to expect, the first training material and the milestones"),
                                0, 0);
  }
  if (high_risk) {
    plan_schedule.place_forward(
        make(touchpoint_kind::welcome, channel::call, "Kick-off call with your customer success manager", "",
             audience::all, "goals, risks of misuse, who must be certified"),
        0, 0);
  }
  plan_schedule.place_forward(make(touchpoint_kind::support, channel::email, "Where to get help", "", audience::all,
                                   detail::join_resources(settings.support)),
                              0, 0);

  // 2. Milestones, each measured on its target day (or the nearest day the guard allows).
  std::vector<milestone_rule> rules = settings.milestones[a];
  std::stable_sort(rules.begin(), rules.end(),
                   [](const milestone_rule& x, const milestone_rule& y) { return x.at < y.at; });
  for (const milestone_rule& rule : rules) {
    const int target =
        std::clamp(static_cast<int>(std::ceil(rule.at * length)) - 1, std::min(1, length - 1), length - 1);
    const audience who = result.role_tracks ? rule.audience : audience::all;
    touchpoint t = make(touchpoint_kind::milestone, channel::in_product, "Milestone: " + rule.title, "", who,
                        "measure: " + rule.criterion);
    if (!plan_schedule.place_backward(t, target, std::min(1, target)) &&
        !plan_schedule.place_forward(t, target + 1, length - 1)) {
      result.notes.push_back("milestone '" + rule.id + "' could not be measured within the weekly limit");
      continue;
    }
    const int day = plan_schedule.items.back().day;
    result.milestones.push_back({rule.id, rule.title, day, start.plus_days(day), rule.criterion, rule.audience});
  }

  // 3. Support resources in every week: the first day of each 7-day week that the guard allows.
  for (int week_start = 7; week_start < length; week_start += 7) {
    const int week_end = std::min(week_start + 6, length - 1);
    const auto is_support = [](const touchpoint& t) { return t.kind == touchpoint_kind::support; };
    if (plan_schedule.has(week_start, week_end, audience::all, is_support)) continue;
    touchpoint t =
        make(touchpoint_kind::support, high_risk ? channel::call : channel::email,
             high_risk ? "Office hours: questions before you use it for real" : "Where to get help this week", "",
             audience::all, detail::join_resources(settings.support));
    if (!plan_schedule.place_forward(t, week_start, week_end)) {
      result.notes.push_back("week starting day " + std::to_string(week_start) + " has no room for support");
    }
  }

  // 4. Training materials: the recommended training formats in rank order, each followed by the content
  //    formats it calls for; spread over launch and adoption (the whole plan when those are short).
  for (const recommendation& r : assessed.recommendations) result.training_formats.emplace_back(r.id);
  result.content = recommend_content(assessed, traits);
  std::vector<touchpoint> materials;
  std::vector<bool> content_used(result.content.size(), false);
  const auto channel_of = [&](std::string_view id) {
    for (const auto& [format_id, ch] : settings.format_channels) {
      if (format_id == id) return ch;
    }
    return channel::email;
  };
  const auto listed = [](const std::vector<std::string>& list, std::string_view id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  const auto add_content = [&](std::size_t c) {
    content_used[c] = true;
    const content_format& f = pol.settings().content->formats[result.content[c].format_index];
    materials.push_back(make(touchpoint_kind::training, f.channel, f.name, f.id, audience::all,
                             f.description + " (" + result.content[c].reason + ")"));
  };
  for (const recommendation& r : assessed.recommendations) {
    const training_format& f = assessed.format(r);
    audience who = audience::all;
    if (result.role_tracks && listed(settings.admin_only_formats, f.id)) who = audience::admins;
    if (result.role_tracks && listed(settings.end_user_only_formats, f.id)) who = audience::end_users;
    materials.push_back(make(touchpoint_kind::training, channel_of(f.id), f.name, f.id, who, f.description));
    for (std::size_t c = 0; c < result.content.size(); ++c) {
      const content_format& cf = pol.settings().content->formats[result.content[c].format_index];
      const bool boosted = std::any_of(cf.training_boosts.begin(), cf.training_boosts.end(),
                                       [&](const auto& boost) { return boost.first == f.id && boost.second > 0; });
      if (!content_used[c] && boosted) add_content(c);
    }
  }
  for (std::size_t c = 0; c < result.content.size(); ++c) {
    if (!content_used[c]) add_content(c);
  }
  const int span_end = reinforcement_start - 1 >= 1 ? reinforcement_start - 1 : length - 1;
  const int span = std::max(1, span_end);  // days 1..span_end
  for (std::size_t i = 0; i < materials.size(); ++i) {
    const int desired =
        std::min(length - 1, 1 + static_cast<int>(i * static_cast<std::size_t>(span) / materials.size()));
    // Forward first (keeps the order), then back towards the welcome day, whose pack may carry it.
    if (!plan_schedule.place_forward(materials[i], desired, length - 1) &&
        !plan_schedule.place_backward(materials[i], desired - 1, 0)) {
      result.notes.push_back("training material '" + materials[i].format + "' did not fit the weekly limit");
    } else if (plan_schedule.items.back().day == 0) {
      plan_schedule.items.back().title = "Welcome pack: " + plan_schedule.items.back().title;
    }
  }

  // 5. Check-in emails at the stage's cadence; any email to the audience in the cadence gap counts, and a
  //    check-in the guard has no room for is left out (the guard wins over the cadence).
  int dropped_check_ins = 0;
  for (std::size_t s = 0; s < stage_count; ++s) {
    const int stage_begin = std::max(1, result.stage_start[s]);
    const int stage_end = s + 1 < stage_count ? result.stage_start[s + 1] - 1 : length - 1;
    int step = 0;
    for (int day = stage_begin; day <= stage_end; day += detail::cadence_gap(result.cadences[s], step++)) {
      const int gap_end = std::min(stage_end, day + detail::cadence_gap(result.cadences[s], step) - 1);
      const auto is_email = [](const touchpoint& t) { return t.channel == channel::email; };
      if (plan_schedule.has(day, gap_end, audience::all, is_email)) continue;
      touchpoint t = make(touchpoint_kind::check_in, channel::email, "Check-in: how is onboarding going?", "",
                          audience::all, "progress so far, the next step, and where to get help");
      if (!plan_schedule.place_forward(t, day, gap_end)) ++dropped_check_ins;
    }
  }
  if (dropped_check_ins > 0) {
    result.notes.push_back(std::to_string(dropped_check_ins) + " check-in email(s) left out to keep at most " +
                           std::to_string(result.max_touches_per_week) + " touchpoints a week");
  }

  // Dated, in day order; on one day: welcome, support, training, milestone, check-in.
  constexpr std::array<int, 5> kind_order = {0, 2, 3, 4, 1};  // indexed by touchpoint_kind
  result.touchpoints = std::move(plan_schedule.items);
  for (touchpoint& t : result.touchpoints) {
    t.date = start.plus_days(t.day);
    t.stage = stage_of(t.day);
  }
  std::stable_sort(result.touchpoints.begin(), result.touchpoints.end(), [&](const touchpoint& x, const touchpoint& y) {
    if (x.day != y.day) return x.day < y.day;
    return kind_order[static_cast<std::size_t>(x.kind)] < kind_order[static_cast<std::size_t>(y.kind)];
  });
  return result;
}

/// Largest number of touchpoints any audience sees in a 7-day window of the plan, the welcome day excepted.
[[nodiscard]] inline int busiest_week(const onboarding_plan& p) {
  detail::schedule counted(p.length_days, p.max_touches_per_week, p.role_tracks);
  for (const touchpoint& t : p.touchpoints) counted.count(t);
  return counted.busiest();
}

}  // namespace riskscale
