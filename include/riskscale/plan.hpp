// riskscale: from an assessed account to a dated onboarding plan (welcome, training materials,
// milestones, support, check-ins), with JSON, CSV and iCalendar exports (README "Onboarding plans").
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
#include "riskscale/error.hpp"
#include "riskscale/plan_settings.hpp"
#include "riskscale/utf8.hpp"
#include "riskscale/version.hpp"

namespace riskscale {

/// A calendar date of the proleptic Gregorian calendar (no time, no zone), between `date::first()`
/// (1900-01-01) and `date::last()` (2199-12-31): one range for every date the project reads or writes,
/// inside iCalendar's four-digit years and pandas' nanosecond Timestamp (1677–2262).
class date {
 public:
  /// The first and last years of the supported range.
  static constexpr int first_year = 1900;
  static constexpr int last_year = 2199;
  /// The supported range in words, for messages.
  static constexpr const char* accepted_range = "a date between 1900-01-01 and 2199-12-31";

  /// 1970-01-01.
  constexpr date() = default;
  /// The date with this year, month (1–12) and day (1–31); throws `error` for a date that does not
  /// exist or lies outside the supported range.
  date(int year, int month, int day) : days_(to_days(year, month, day)) {
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || year < first_year ||
        year > last_year) {
      throw error("invalid date " + std::to_string(year) + "-" + std::to_string(month) + "-" + std::to_string(day) +
                  "; accepted: " + accepted_range);
    }
  }
  /// The first supported date, 1900-01-01.
  [[nodiscard]] static constexpr date first() noexcept { return from_days(to_days(first_year, 1, 1)); }
  /// The last supported date, 2199-12-31.
  [[nodiscard]] static constexpr date last() noexcept { return from_days(to_days(last_year, 12, 31)); }
  /// Parses "YYYY-MM-DD" (ISO 8601); throws `error` naming the text and the accepted form.
  [[nodiscard]] static date parse(std::string_view text) {
    const auto fail = [&](const std::string& why) -> date {
      throw error("invalid date '" + escaped_for_message(text) + "': " + why + "; accepted: YYYY-MM-DD, " +
                  accepted_range);
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail("not in the form YYYY-MM-DD");
    int parts[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
      for (std::size_t i = 0; i < lengths[p]; ++i) {
        const char c = text[starts[p] + i];
        if (c < '0' || c > '9') return fail("not in the form YYYY-MM-DD");
        parts[p] = parts[p] * 10 + (c - '0');
      }
    }
    if (parts[0] < first_year || parts[0] > last_year) return fail("year " + std::to_string(parts[0]) + " is outside the supported range");
    if (parts[1] < 1 || parts[1] > 12) return fail("there is no month " + std::to_string(parts[1]));
    if (parts[2] < 1 || parts[2] > days_in_month(parts[0], parts[1])) {
      return fail("month " + std::to_string(parts[1]) + " of " + std::to_string(parts[0]) + " has " +
                  std::to_string(days_in_month(parts[0], parts[1])) + " days");
    }
    return date(parts[0], parts[1], parts[2]);
  }
  /// Today in UTC.
  [[nodiscard]] static date today_utc() {
    const std::time_t now = std::time(nullptr);
    return from_days(static_cast<long>(now / 86400));
  }
  /// The date `days` after this one (before, when negative); throws `error` when that date lies
  /// outside the supported range.
  [[nodiscard]] date plus_days(long days) const {
    const long target = days_ + days;
    if (target < first().days_ || target > last().days_) {
      throw error("invalid date: " + to_string() + (days >= 0 ? " plus " : " minus ") + std::to_string(days >= 0 ? days : -days) +
                  " days is outside the supported range; accepted: " + accepted_range);
    }
    return from_days(target);
  }
  /// Days since 1970-01-01.
  [[nodiscard]] constexpr long days_since_epoch() const noexcept { return days_; }
  /// The date `days` days after 1970-01-01 (before, when negative); for code that counts days and
  /// checks the supported range itself (`first()`, `last()`), as the usage events of SPEC §10 do.
  [[nodiscard]] static constexpr date from_days_since_epoch(long days) noexcept {
    date result;
    result.days_ = days;
    return result;
  }
  /// The date `year`-`month`-`day`, or nothing when no such date exists; never throws nor
  /// allocates (for parsers that meet many dates, such as the usage events of SPEC §10).
  [[nodiscard]] static constexpr std::optional<date> from_ymd(int year, int month, int day) noexcept {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
      return std::nullopt;
    }
    return from_days_since_epoch(to_days(year, month, day));
  }
  /// The year, month (1–12) and day (1–31).
  [[nodiscard]] std::array<int, 3> ymd() const noexcept {
    // Civil-from-days over 400-year eras of 146097 days, with years starting on 1 March.
    const long z = days_ + 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const long day_of_era = z - era * 146097;
    const long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const long shifted_month = (5 * day_of_year + 2) / 153;
    const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
    const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
    const int year = static_cast<int>(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
  }
  /// "YYYY-MM-DD".
  [[nodiscard]] std::string to_string() const {
    const auto [y, m, d] = ymd();
    char text[40];  // room for any int year, although the range keeps years at four digits
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
    return text;
  }
  /// "YYYYMMDD", the iCalendar DATE form (RFC 5545 §3.3.4).
  [[nodiscard]] std::string to_basic_string() const {
    std::string text = to_string();
    text.erase(7, 1);
    text.erase(4, 1);
    return text;
  }
  /// True in a leap year of the Gregorian calendar.
  [[nodiscard]] static constexpr bool is_leap(int year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
  /// Days in a month of a year.
  [[nodiscard]] static constexpr int days_in_month(int year, int month) noexcept {
    constexpr int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : lengths[(month - 1) % 12];
  }

  friend constexpr bool operator==(date a, date b) noexcept { return a.days_ == b.days_; }
  friend constexpr bool operator!=(date a, date b) noexcept { return a.days_ != b.days_; }
  friend constexpr bool operator<(date a, date b) noexcept { return a.days_ < b.days_; }

 private:
  static constexpr date from_days(long days) noexcept {
    date result;
    result.days_ = days;
    return result;
  }
  static constexpr long to_days(int year, int month, int day) noexcept {
    // Days-from-civil, the inverse of ymd(): years start on 1 March so the leap day comes last.
    const long y = static_cast<long>(year) - (month <= 2 ? 1 : 0);
    const long era = (y >= 0 ? y : y - 399) / 400;
    const long year_of_era = y - era * 400;
    const long day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
  }
  long days_ = 0;
};

/// What a touchpoint is for.
enum class touchpoint_kind : std::int8_t { welcome, training, milestone, check_in, support };
/// The touchpoint kind ids, in `touchpoint_kind` order.
inline constexpr std::array<std::string_view, 5> touchpoint_kind_ids = {"welcome", "training", "milestone",
                                                                        "check_in", "support"};
/// The id of a touchpoint kind.
[[nodiscard]] constexpr std::string_view to_string(touchpoint_kind k) noexcept {
  return touchpoint_kind_ids[static_cast<std::size_t>(k)];
}

/// One dated contact with the account's users.
struct touchpoint {
  int day = 0;                    ///< offset from the plan's start, 0 = welcome day
  riskscale::date date;           ///< start + day
  plan_stage stage = plan_stage::launch;
  riskscale::channel channel = channel::email;
  touchpoint_kind kind = touchpoint_kind::check_in;
  std::string title;
  std::string format;             ///< training or content format id, empty for none
  riskscale::audience audience = audience::all;
  std::string detail;             ///< criterion, support resources or the format's description
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
  riskscale::date end;                       ///< the last day of the plan
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
      : length_(length), cap_(cap), tracks_(tracks),
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
  const plan_settings& settings = pol.settings().plans;
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

  const std::vector<audience> tracks =
      result.role_tracks ? std::vector<audience>{audience::admins, audience::end_users} : std::vector<audience>{audience::all};
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
    plan_schedule.place_forward(make(touchpoint_kind::welcome, channel::call, "Kick-off call with your customer success manager",
                                     "", audience::all, "goals, risks of misuse, who must be certified"),
                                0, 0);
  }
  plan_schedule.place_forward(make(touchpoint_kind::support, channel::email, "Where to get help", "", audience::all,
                                   detail::join_resources(settings.support)),
                              0, 0);

  // 2. Milestones, each measured on its target day (or the nearest day the guard allows).
  std::vector<milestone_rule> rules = settings.milestones[a];
  std::stable_sort(rules.begin(), rules.end(), [](const milestone_rule& x, const milestone_rule& y) { return x.at < y.at; });
  for (const milestone_rule& rule : rules) {
    const int target = std::clamp(static_cast<int>(std::ceil(rule.at * length)) - 1, std::min(1, length - 1), length - 1);
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
    touchpoint t = make(touchpoint_kind::support, high_risk ? channel::call : channel::email,
                        high_risk ? "Office hours: questions before you use it for real" : "Where to get help this week",
                        "", audience::all, detail::join_resources(settings.support));
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
    const content_format& f = pol.settings().content.formats[result.content[c].format_index];
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
      const content_format& cf = pol.settings().content.formats[result.content[c].format_index];
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
    const int desired = std::min(length - 1, 1 + static_cast<int>(i * static_cast<std::size_t>(span) / materials.size()));
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

namespace detail {

// Appends one RFC 4180 field: quoted when it holds a comma, quote or line break.
inline void append_csv_field(std::string& out, std::string_view text) {
  bool plain = true;
  for (char c : text) {
    if (c == ',' || c == '"' || c == '\r' || c == '\n') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// RFC 5545 §3.3.11: TEXT escapes backslash, semicolon, comma and newline.
inline std::string ics_text(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else if (c != '\r') {
      escaped += c;
    }
  }
  return escaped;
}

// RFC 5545 §3.1: lines end in CRLF and are folded so that none exceeds 75 octets, never inside a
// UTF-8 sequence; a continuation line starts with a space.
inline void ics_line(std::string& out, const std::string& line) {
  std::size_t begin = 0, limit = 75;
  while (line.size() - begin > limit) {
    std::size_t cut = begin + limit;
    while (cut > begin && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line, begin, cut - begin);
    out += "\r\n ";
    begin = cut;
    limit = 74;  // the leading space counts
  }
  out.append(line, begin, std::string::npos);
  out += "\r\n";
}

}  // namespace detail

/// The column names of `plan_to_csv`, one touchpoint a row.
inline constexpr std::array<std::string_view, 11> plan_csv_columns = {
    "account_id", "day", "date", "stage", "channel", "kind", "title", "format", "audience", "detail", "archetype"};

/// The header row of `plan_to_csv`, CRLF-terminated.
[[nodiscard]] inline std::string plan_csv_header() {
  std::string header;
  for (std::size_t c = 0; c < plan_csv_columns.size(); ++c) header += (c ? "," : "") + std::string(plan_csv_columns[c]);
  return header + "\r\n";
}

/// Appends the plan's touchpoints to `out` as CSV rows (RFC 4180, no header).
inline void append_plan_csv(std::string& out, const onboarding_plan& p) {
  const std::string_view archetype_id = to_string(p.archetype);
  for (const touchpoint& t : p.touchpoints) {
    detail::append_csv_field(out, p.account_id);
    out += ',';
    out += std::to_string(t.day);
    out += ',';
    out += t.date.to_string();
    for (std::string_view field : {to_string(t.stage), to_string(t.channel), to_string(t.kind),
                                   std::string_view(t.title), std::string_view(t.format), to_string(t.audience),
                                   std::string_view(t.detail), archetype_id}) {
      out += ',';
      detail::append_csv_field(out, field);
    }
    out += "\r\n";
  }
}

/// The plan's touchpoints as CSV rows (RFC 4180), ready to import into a marketing automation tool.
[[nodiscard]] inline std::string plan_to_csv(const onboarding_plan& p, bool header = true) {
  std::string out = header ? plan_csv_header() : std::string();
  append_plan_csv(out, p);
  return out;
}

/// The whole plan as a JSON document.
[[nodiscard]] inline std::string plan_to_json(const onboarding_plan& p, int indent = 2) {
  nlohmann::ordered_json doc;
  doc["account_id"] = p.account_id;
  doc["archetype"] = std::string(to_string(p.archetype));
  doc["complexity"] = std::string(to_string(p.complexity));
  doc["traits"] = nlohmann::ordered_json::parse(p.traits.to_json());
  doc["education_priority"] = {{"score", p.education.score}, {"reason", p.education.reason}};
  doc["start"] = p.start.to_string();
  doc["end"] = p.end.to_string();
  doc["length_days"] = p.length_days;
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (std::size_t s = 0; s < stage_count; ++s) {
    const int last = s + 1 < stage_count ? p.stage_start[s + 1] - 1 : p.length_days - 1;
    stages.push_back({{"stage", std::string(stage_ids[s])}, {"first_day", p.stage_start[s]}, {"last_day", last},
                      {"cadence", std::string(to_string(p.cadences[s]))}});
  }
  doc["stages"] = stages;
  doc["role_tracks"] = p.role_tracks;
  doc["max_touches_per_week"] = p.max_touches_per_week;
  doc["welcome_messages"] = p.welcome_messages;
  nlohmann::ordered_json content = nlohmann::ordered_json::array();
  for (const content_recommendation& c : p.content) {
    content.push_back({{"id", std::string(c.id)}, {"score", c.score}, {"reason", c.reason}});
  }
  doc["training_materials"] = {{"training_formats", p.training_formats}, {"content_formats", content}};
  nlohmann::ordered_json milestones = nlohmann::ordered_json::array();
  for (const milestone& m : p.milestones) {
    milestones.push_back({{"id", m.id}, {"title", m.title}, {"day", m.day}, {"date", m.date.to_string()},
                          {"criterion", m.criterion}, {"audience", std::string(to_string(m.audience))}});
  }
  doc["milestones"] = milestones;
  nlohmann::ordered_json support = nlohmann::ordered_json::array();
  for (const support_resource& r : p.support) support.push_back({{"name", r.name}, {"where", r.where}});
  doc["support_resources"] = support;
  nlohmann::ordered_json touchpoints = nlohmann::ordered_json::array();
  for (const touchpoint& t : p.touchpoints) {
    touchpoints.push_back({{"day", t.day}, {"date", t.date.to_string()}, {"stage", std::string(to_string(t.stage))},
                           {"channel", std::string(to_string(t.channel))}, {"kind", std::string(to_string(t.kind))},
                           {"title", t.title}, {"format", t.format}, {"audience", std::string(to_string(t.audience))},
                           {"detail", t.detail}});
  }
  doc["touchpoints"] = touchpoints;
  doc["notes"] = p.notes;
  // Account ids come from users' files: invalid UTF-8 is written as U+FFFD rather than refused.
  return doc.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

/// The current UTC time as an iCalendar DATE-TIME, e.g. "20261127T081500Z" (RFC 5545 §3.3.5).
[[nodiscard]] inline std::string ics_timestamp_now() {
  const std::time_t now = std::time(nullptr);
  const long seconds = static_cast<long>(now % 86400);
  char clock[16];
  std::snprintf(clock, sizeof clock, "T%02ld%02ld%02ldZ", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return date::today_utc().to_basic_string() + clock;
}

/// The opening lines of an iCalendar (RFC 5545) calendar, for writers that stream events.
[[nodiscard]] inline std::string ics_calendar_begin() {
  std::string out;
  detail::ics_line(out, "BEGIN:VCALENDAR");
  detail::ics_line(out, "VERSION:2.0");
  detail::ics_line(out, "PRODID:-//riskscale//onboarding plan " + std::string(version) + "//EN");
  detail::ics_line(out, "CALSCALE:GREGORIAN");
  detail::ics_line(out, "METHOD:PUBLISH");
  return out;
}

/// The closing line of an iCalendar calendar.
[[nodiscard]] inline std::string ics_calendar_end() {
  std::string out;
  detail::ics_line(out, "END:VCALENDAR");
  return out;
}

/// One all-day VEVENT for every live session and every milestone of a plan; `dtstamp` is the
/// creation time in "YYYYMMDDTHHMMSSZ" form (RFC 5545 §3.3.5).
[[nodiscard]] inline std::string ics_plan_events(const onboarding_plan& p, const std::string& dtstamp) {
  std::string out;
  std::string uid;
  for (char c : p.account_id) uid += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  std::size_t index = 0;
  for (const touchpoint& t : p.touchpoints) {
    ++index;
    if (!is_live(t.channel) && t.kind != touchpoint_kind::milestone) continue;
    detail::ics_line(out, "BEGIN:VEVENT");
    detail::ics_line(out, "UID:" + uid + "-" + p.start.to_basic_string() + "-" + std::to_string(index) + "@riskscale");
    detail::ics_line(out, "DTSTAMP:" + dtstamp);
    detail::ics_line(out, "DTSTART;VALUE=DATE:" + t.date.to_basic_string());
    detail::ics_line(out, "DTEND;VALUE=DATE:" + t.date.plus_days(1).to_basic_string());
    detail::ics_line(out, "SUMMARY:" + detail::ics_text((p.account_id.empty() ? "" : p.account_id + ": ") + t.title));
    detail::ics_line(out, "DESCRIPTION:" + detail::ics_text(t.detail + "\nfor: " + std::string(to_string(t.audience)) +
                                                            "; channel: " + std::string(to_string(t.channel))));
    detail::ics_line(out, "CATEGORIES:" + std::string(to_string(t.kind)) + "," + std::string(to_string(t.channel)));
    detail::ics_line(out, "TRANSP:TRANSPARENT");
    detail::ics_line(out, "END:VEVENT");
  }
  return out;
}

/// An iCalendar (RFC 5545) calendar with an all-day event for every live session and every milestone;
/// `dtstamp` is the creation time in "YYYYMMDDTHHMMSSZ" form (now, when empty).
[[nodiscard]] inline std::string plan_to_ics(const std::vector<const onboarding_plan*>& plans, std::string dtstamp = "") {
  if (dtstamp.empty()) dtstamp = ics_timestamp_now();
  std::string out = ics_calendar_begin();
  for (const onboarding_plan* p : plans) out += ics_plan_events(*p, dtstamp);
  return out + ics_calendar_end();
}

/// The iCalendar form of one plan (see the overload for several).
[[nodiscard]] inline std::string plan_to_ics(const onboarding_plan& p, std::string dtstamp = "") {
  return plan_to_ics(std::vector<const onboarding_plan*>{&p}, std::move(dtstamp));
}

}  // namespace riskscale
