// riskscale: an onboarding plan as CSV rows, a JSON document or an iCalendar (RFC 5545) calendar.
#pragma once

#include <array>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "riskscale/csv_field.hpp"
#include "riskscale/plan.hpp"
#include "riskscale/utf8.hpp"
#include "riskscale/version.hpp"

namespace riskscale {

namespace detail {

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
    append_csv_field(out, p.account_id);
    out += ',';
    out += std::to_string(t.day);
    out += ',';
    out += t.date.to_string();
    for (std::string_view field :
         {to_string(t.stage), to_string(t.channel), to_string(t.kind), std::string_view(t.title),
          std::string_view(t.format), to_string(t.audience), std::string_view(t.detail), archetype_id}) {
      out += ',';
      append_csv_field(out, field);
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
    stages.push_back({{"stage", std::string(stage_ids[s])},
                      {"first_day", p.stage_start[s]},
                      {"last_day", last},
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
    milestones.push_back({{"id", m.id},
                          {"title", m.title},
                          {"day", m.day},
                          {"date", m.date.to_string()},
                          {"criterion", m.criterion},
                          {"audience", std::string(to_string(m.audience))}});
  }
  doc["milestones"] = milestones;
  nlohmann::ordered_json support = nlohmann::ordered_json::array();
  for (const support_resource& r : p.support) support.push_back({{"name", r.name}, {"where", r.where}});
  doc["support_resources"] = support;
  nlohmann::ordered_json touchpoints = nlohmann::ordered_json::array();
  for (const touchpoint& t : p.touchpoints) {
    touchpoints.push_back({{"day", t.day},
                           {"date", t.date.to_string()},
                           {"stage", std::string(to_string(t.stage))},
                           {"channel", std::string(to_string(t.channel))},
                           {"kind", std::string(to_string(t.kind))},
                           {"title", t.title},
                           {"format", t.format},
                           {"audience", std::string(to_string(t.audience))},
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
[[nodiscard]] inline std::string plan_to_ics(const std::vector<const onboarding_plan*>& plans,
                                             std::string dtstamp = "") {
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
