// riskscale internals: the JSON form of the policy's `content` and `plans` sections (SPEC §7).
#pragma once

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "riskscale/catalog.hpp"
#include "riskscale/detail/json_read.hpp"
#include "riskscale/detail/plan_validate.hpp"
#include "riskscale/plan_settings.hpp"

namespace riskscale {
namespace detail {

inline const std::string& archetype_list() {
  static const std::string list = "high_scale_high_risk, high_scale_low_risk, low_scale_high_risk, low_scale_low_risk";
  return list;
}

inline std::string join_ids(const std::string_view* ids, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += (i ? ", " : "") + std::string(ids[i]);
  return text;
}

inline int read_int(const ordered_json& value, const std::string& path, const std::string& accepted) {
  if (value.is_number_integer()) {
    const long long v = value.get<long long>();
    if (v >= -1000000 && v <= 1000000) return static_cast<int>(v);
    throw policy_error(path, json_excerpt(value) + " is out of range; accepted: " + accepted);
  }
  if (value.is_number())
    throw policy_error(path, json_excerpt(value) + " is not a whole number; accepted: " + accepted);
  wrong_type(path, value, accepted);
}

template <typename Enum, std::size_t N>
Enum read_enum(const ordered_json& value, const std::string& path, const std::array<std::string_view, N>& ids) {
  const std::string text = read_string(value, path);
  const std::optional<Enum> found = enum_from_id<Enum>(ids, text);
  if (!found) throw policy_error(path, quoted(text) + " is unknown; accepted: " + join_ids(ids.data(), N));
  return *found;
}

// A key of a table that names one of `ids` (a complexity level, a stage); another key is refused.
template <std::size_t N>
std::size_t read_id_key(const std::string& key, const std::string& path, const std::array<std::string_view, N>& ids) {
  const std::optional<std::size_t> found = enum_from_id<std::size_t>(ids, key);
  if (!found) unknown_key(path, join_ids(ids.data(), N));
  return *found;
}

inline archetype read_archetype_key(const std::string& key, const std::string& path) {
  const auto which = archetype_from_string(key);
  if (!which) throw policy_error(path, "unknown archetype " + quoted(key) + "; accepted: " + archetype_list());
  return *which;
}

inline std::vector<std::string> read_string_list(const ordered_json& value, const std::string& path) {
  if (!value.is_array()) wrong_type(path, value, "an array of training format ids");
  std::vector<std::string> list;
  for (std::size_t i = 0; i < value.size(); ++i)
    list.push_back(read_string(value[i], path + "[" + std::to_string(i) + "]"));
  return list;
}

inline content_format read_content_format(const ordered_json& entry, const std::string& path) {
  return read_named_entry<content_format>(
      entry, path, "id, name, description, channel, traits, training",
      [](content_format& format, const std::string& key, const ordered_json& value, const std::string& key_path) {
        if (key == "channel") {
          format.channel = read_enum<channel>(value, key_path, channel_ids);
        } else if (key == "traits") {
          require_object(value, key_path, "an object from trait name to a weight in [0, 1]");
          for (const auto& [trait_id, weight] : value.items()) {
            const std::string trait_path = json_key_path(key_path, trait_id);
            format.trait_weights[read_id_key(trait_id, trait_path, trait_ids)] = read_number(weight, trait_path);
          }
        } else if (key == "training") {
          require_object(value, key_path, "an object from training format id to a boost in [0, 1]");
          for (const auto& [training_id, boost] : value.items()) {
            format.training_boosts.emplace_back(training_id, read_number(boost, json_key_path(key_path, training_id)));
          }
        } else {
          return false;
        }
        return true;
      });
}

// `content`: a key left out keeps its default; `formats` given replaces the whole list.
inline void read_content(const ordered_json& value, content_settings& c) {
  const std::string path = "$.content";
  require_object(value, path, "an object with education_weights, min_score, formats");
  for (const auto& [key, item] : value.items()) {
    const std::string key_path = json_key_path(path, key);
    if (key == "education_weights") {
      require_object(item, key_path, "an object from trait name to a weight >= 0");
      c.education_weights = {};  // like scale_weights (SPEC §7): a trait left out weighs 0
      for (const auto& [trait_id, weight] : item.items()) {
        const std::string trait_path = json_key_path(key_path, trait_id);
        c.education_weights[read_id_key(trait_id, trait_path, trait_ids)] = read_number(weight, trait_path);
      }
    } else if (key == "min_score") {
      c.min_score = read_number(item, key_path);
    } else if (key == "formats") {
      if (!item.is_array()) wrong_type(key_path, item, "an array of content format objects");
      c.formats.clear();
      for (std::size_t k = 0; k < item.size(); ++k) {
        c.formats.push_back(read_content_format(item[k], key_path + "[" + std::to_string(k) + "]"));
      }
    } else {
      unknown_key(key_path, "education_weights, min_score, formats");
    }
  }
}

inline milestone_rule read_milestone(const ordered_json& entry, const std::string& path) {
  require_object(entry, path, "an object with id, title, at, criterion, audience");
  milestone_rule rule;
  bool has_at = false;
  for (const auto& [key, value] : entry.items()) {
    const std::string key_path = json_key_path(path, key);
    if (key == "id") {
      rule.id = read_string(value, key_path);
    } else if (key == "title") {
      rule.title = read_string(value, key_path);
    } else if (key == "at") {
      rule.at = read_number(value, key_path);
      has_at = true;
    } else if (key == "criterion") {
      rule.criterion = read_string(value, key_path);
    } else if (key == "audience") {
      rule.audience = read_enum<audience>(value, key_path, audience_ids);
    } else {
      unknown_key(key_path, "id, title, at, criterion, audience");
    }
  }
  if (!has_at) throw policy_error(path + ".at", "missing; accepted: a share of the plan length in (0, 1]");
  if (rule.title.empty()) rule.title = rule.id;
  return rule;
}

// `plans`: a key left out keeps its default; in the per-archetype tables an archetype (or level)
// left out keeps its default; lists (milestones of an archetype, support, format lists) given replace.
inline void read_plans(const ordered_json& value, plan_settings& p) {
  const std::string path = "$.plans";
  static const std::string keys =
      "max_touches_per_week, complexity_from, length_days, stage_shares, cadence, role_tracks_from, "
      "format_channels, admin_only_formats, end_user_only_formats, milestones, support";
  require_object(value, path, "an object with " + keys);
  for (const auto& [key, item] : value.items()) {
    const std::string key_path = json_key_path(path, key);
    if (key == "max_touches_per_week") {
      p.max_touches_per_week = read_int(item, key_path, "an integer in [1, 7]");
    } else if (key == "complexity_from") {
      read_number_fields(item, key_path, {{"moderate", &p.moderate_from}, {"complex", &p.complex_from}},
                         R"(an object {"moderate": x, "complex": x})", "moderate, complex");
    } else if (key == "length_days" || key == "cadence") {
      require_object(item, key_path,
                     "an object from archetype id to an object per " +
                         std::string(key == "cadence" ? "stage" : "complexity level"));
      for (const auto& [archetype_id, row] : item.items()) {
        const std::string row_path = json_key_path(key_path, archetype_id);
        const auto a = static_cast<std::size_t>(read_archetype_key(archetype_id, row_path));
        require_object(row, row_path, "an object");
        for (const auto& [column, cell] : row.items()) {
          const std::string cell_path = json_key_path(row_path, column);
          if (key == "length_days") {
            p.length_days[a][read_id_key(column, cell_path, complexity_ids)] =
                read_int(cell, cell_path, "an integer number of days in [1, 366]");
          } else {
            p.cadences[a][read_id_key(column, cell_path, stage_ids)] = read_enum<cadence>(cell, cell_path, cadence_ids);
          }
        }
      }
    } else if (key == "stage_shares") {
      read_number_fields(item, key_path, {{"launch", &p.launch_share}, {"reinforcement", &p.reinforcement_share}},
                         R"(an object {"launch": x, "reinforcement": x})",
                         "launch, reinforcement (adoption is the rest)");
    } else if (key == "role_tracks_from") {
      p.role_tracks_from = read_number(item, key_path);
    } else if (key == "format_channels") {
      require_object(item, key_path, "an object from training format id to a channel");
      p.format_channels.clear();
      for (const auto& [format_id, ch] : item.items()) {
        p.format_channels.emplace_back(format_id,
                                       read_enum<channel>(ch, json_key_path(key_path, format_id), channel_ids));
      }
    } else if (key == "admin_only_formats") {
      p.admin_only_formats = read_string_list(item, key_path);
    } else if (key == "end_user_only_formats") {
      p.end_user_only_formats = read_string_list(item, key_path);
    } else if (key == "milestones") {
      require_object(item, key_path, "an object from archetype id to an array of milestones");
      for (const auto& [archetype_id, list] : item.items()) {
        const std::string list_path = json_key_path(key_path, archetype_id);
        const auto a = static_cast<std::size_t>(read_archetype_key(archetype_id, list_path));
        if (!list.is_array()) wrong_type(list_path, list, "an array of milestone objects");
        p.milestones[a].clear();
        for (std::size_t m = 0; m < list.size(); ++m) {
          p.milestones[a].push_back(read_milestone(list[m], list_path + "[" + std::to_string(m) + "]"));
        }
      }
    } else if (key == "support") {
      if (!item.is_array()) wrong_type(key_path, item, "an array of {name, where} objects");
      p.support.clear();
      for (std::size_t i = 0; i < item.size(); ++i) {
        const std::string entry_path = key_path + "[" + std::to_string(i) + "]";
        require_object(item[i], entry_path, "an object {name, where}");
        support_resource resource;
        for (const auto& [field, text] : item[i].items()) {
          const std::string field_path = json_key_path(entry_path, field);
          if (field == "name") {
            resource.name = read_string(text, field_path);
          } else if (field == "where") {
            resource.where = read_string(text, field_path);
          } else {
            unknown_key(field_path, "name, where");
          }
        }
        p.support.push_back(std::move(resource));
      }
    } else {
      unknown_key(key_path, keys);
    }
  }
}

inline ordered_json write_content(const content_settings& c) {
  ordered_json doc;
  ordered_json weights = ordered_json::object();
  for (std::size_t t = 0; t < trait_count; ++t) weights[std::string(trait_ids[t])] = c.education_weights[t];
  doc["education_weights"] = weights;
  doc["min_score"] = c.min_score;
  ordered_json formats = ordered_json::array();
  for (const content_format& f : c.formats) {
    ordered_json traits = ordered_json::object();
    for (std::size_t t = 0; t < trait_count; ++t) {
      if (f.trait_weights[t] != 0.0) traits[std::string(trait_ids[t])] = f.trait_weights[t];
    }
    ordered_json training = ordered_json::object();
    for (const auto& [id, boost] : f.training_boosts) training[id] = boost;
    formats.push_back({{"id", f.id},
                       {"name", f.name},
                       {"description", f.description},
                       {"channel", std::string(to_string(f.channel))},
                       {"traits", traits},
                       {"training", training}});
  }
  doc["formats"] = formats;
  return doc;
}

inline ordered_json write_plans(const plan_settings& p) {
  ordered_json doc;
  doc["max_touches_per_week"] = p.max_touches_per_week;
  doc["complexity_from"] = {{"moderate", p.moderate_from}, {"complex", p.complex_from}};
  ordered_json lengths = ordered_json::object(), cadences = ordered_json::object(), milestones = ordered_json::object();
  for (std::size_t a = 0; a < archetype_count; ++a) {
    const std::string id(to_string(static_cast<archetype>(a)));
    ordered_json length_row = ordered_json::object(), cadence_row = ordered_json::object();
    for (std::size_t level = 0; level < complexity_count; ++level) {
      length_row[std::string(complexity_ids[level])] = p.length_days[a][level];
    }
    for (std::size_t s = 0; s < stage_count; ++s)
      cadence_row[std::string(stage_ids[s])] = std::string(to_string(p.cadences[a][s]));
    lengths[id] = length_row;
    cadences[id] = cadence_row;
    ordered_json list = ordered_json::array();
    for (const milestone_rule& m : p.milestones[a]) {
      list.push_back({{"id", m.id},
                      {"title", m.title},
                      {"at", m.at},
                      {"criterion", m.criterion},
                      {"audience", std::string(to_string(m.audience))}});
    }
    milestones[id] = list;
  }
  doc["length_days"] = lengths;
  doc["stage_shares"] = {{"launch", p.launch_share}, {"reinforcement", p.reinforcement_share}};
  doc["cadence"] = cadences;
  doc["role_tracks_from"] = p.role_tracks_from;
  ordered_json channels = ordered_json::object();
  for (const auto& [id, ch] : p.format_channels) channels[id] = std::string(to_string(ch));
  doc["format_channels"] = channels;
  doc["admin_only_formats"] = p.admin_only_formats;
  doc["end_user_only_formats"] = p.end_user_only_formats;
  doc["milestones"] = milestones;
  ordered_json support = ordered_json::array();
  for (const support_resource& r : p.support) support.push_back({{"name", r.name}, {"where", r.where}});
  doc["support"] = support;
  return doc;
}

}  // namespace detail
}  // namespace riskscale
