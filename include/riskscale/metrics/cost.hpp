// riskscale metrics: the training cost model: recommended mixes, delivery modes compared, break-even.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "riskscale/archetype.hpp"
#include "riskscale/error.hpp"
#include "riskscale/format_number.hpp"
#include "riskscale/metrics/columns.hpp"
#include "riskscale/metrics/reasons.hpp"
#include "riskscale/detail/json_parse.hpp"

namespace riskscale::metrics {

/// How a training format is delivered, which decides how it costs.
enum class delivery_mode : std::uint8_t {
  ilt_onsite,     ///< instructor-led at the customer: sessions of class_size, trainer + travel + lodging + per diem
  ilt_virtual,    ///< instructor-led online: sessions of class_size, trainer time only by default
  on_demand,      ///< self-paced content: created once, hosted per learner
  certification,  ///< a programme set up once, a fee per learner (exam, proctoring, credential)
  email_nurture,  ///< a campaign written once, a sending cost per learner
};

/// Number of delivery modes.
inline constexpr std::size_t delivery_mode_count = 5;

}  // namespace riskscale::metrics

namespace riskscale::detail {
inline constexpr std::array<std::string_view, metrics::delivery_mode_count> delivery_mode_names = {
    "ilt_onsite", "ilt_virtual", "on_demand", "certification", "email_nurture"};
}  // namespace riskscale::detail

namespace riskscale::metrics {

/// The id of a delivery mode, e.g. "ilt_onsite".
[[nodiscard]] constexpr std::string_view to_string(delivery_mode mode) noexcept {
  return detail::delivery_mode_names[static_cast<std::size_t>(mode)];
}

/// The delivery mode of that id, or nothing.
[[nodiscard]] constexpr std::optional<delivery_mode> delivery_mode_from_string(std::string_view id) noexcept {
  for (std::size_t i = 0; i < delivery_mode_count; ++i) {
    if (detail::delivery_mode_names[i] == id) return static_cast<delivery_mode>(i);
  }
  return std::nullopt;
}

/// Costs of an instructor-led mode: everything is per session of up to `class_size` learners.
struct instructor_led_costs {
  double class_size;            ///< learners per session, a whole number >= 1
  double trainer_per_session;   ///< trainer time (fee or loaded salary) for one session
  double travel_per_session;    ///< trainer's return trip
  double lodging_per_session;   ///< trainer's nights away
  double per_diem_per_session;  ///< trainer's meals and incidentals

  /// Everything one session costs.
  [[nodiscard]] double per_session() const noexcept {
    return trainer_per_session + travel_per_session + lodging_per_session + per_diem_per_session;
  }
  friend bool operator==(const instructor_led_costs& a, const instructor_led_costs& b) noexcept {
    return a.class_size == b.class_size && a.trainer_per_session == b.trainer_per_session &&
           a.travel_per_session == b.travel_per_session && a.lodging_per_session == b.lodging_per_session &&
           a.per_diem_per_session == b.per_diem_per_session;
  }
};

/// Costs of a mode paid once plus per learner (on-demand creation + hosting, certification, email).
struct fixed_plus_per_learner_costs {
  double once;         ///< paid once per format: content creation, programme or campaign set-up
  double per_learner;  ///< paid for every learner: hosting seat, exam fee, sending

  friend bool operator==(const fixed_plus_per_learner_costs& a, const fixed_plus_per_learner_costs& b) noexcept {
    return a.once == b.once && a.per_learner == b.per_learner;
  }
};

/// The SPEC §5 catalogue formats and how each is delivered.
[[nodiscard]] inline std::vector<std::pair<std::string, delivery_mode>> default_format_modes() {
  return {
      {"knowledge_certification", delivery_mode::certification},  // an exam per learner
      {"supervised_assessment", delivery_mode::certification},    // proctored, a fee per learner
      {"on_demand_library", delivery_mode::on_demand},
      {"virtual_ilt_advanced", delivery_mode::ilt_virtual},
      {"virtual_ilt_one_to_many", delivery_mode::ilt_virtual},
      {"in_product_walkthrough", delivery_mode::on_demand},  // built once in a walkthrough tool
      {"microlearning_video", delivery_mode::on_demand},
      {"live_lab", delivery_mode::ilt_virtual},  // a trainer runs the sandbox session
      {"onsite_training", delivery_mode::ilt_onsite},
      {"practical_certification", delivery_mode::certification},
      {"role_based_on_demand", delivery_mode::on_demand},
      {"role_based_email_nurture", delivery_mode::email_nurture},
  };
}

/// A cost-settings document was refused; `json_path()` names the offending key.
class settings_error : public error {
 public:
  settings_error(std::string json_path, const std::string& message)
      : error("invalid cost settings at " + json_path + ": " + message), json_path_(std::move(json_path)) {}

  /// The JSON path of the refused key, `$` for the document itself.
  [[nodiscard]] const std::string& json_path() const noexcept { return json_path_; }

 private:
  std::string json_path_;
};

/// The training cost model's parameters, in one currency; illustrative planning defaults, meant
/// to be overridden with an organisation's own figures (`from_json` merges a partial document).
struct cost_settings {
  /// Onsite: 20 learners is the usual cap for a hands-on class one trainer can supervise; one
  /// trainer day 1500; a return trip 600, one night 150 and one day's per diem 60, because the
  /// trainer travels to the customer for every session.
  instructor_led_costs ilt_onsite{20.0, 1500.0, 600.0, 150.0, 60.0};
  /// Virtual: 40 learners, since a 1:many online session holds more people than a room; a
  /// session costs 1000 of trainer time (shorter, no set-up on site) and nobody travels.
  instructor_led_costs ilt_virtual{40.0, 1000.0, 0.0, 0.0, 0.0};
  /// On-demand: 25000 to script, record, edit and test one self-paced course (weeks of a
  /// designer's time), then 8 per learner for the LMS seat and delivery over the period.
  fixed_plus_per_learner_costs on_demand{25000.0, 8.0};
  /// Certification: no set-up beyond the exam vendor's, 200 per candidate for exam, proctoring and credential.
  fixed_plus_per_learner_costs certification{0.0, 200.0};
  /// Email nurture: 2000 to write a role-based sequence once, 0.5 per recipient for the platform.
  fixed_plus_per_learner_costs email_nurture{2000.0, 0.5};
  /// Break-even search stops after this many learners: beyond a million learners instructor-led
  /// delivery is no longer a real option, so "no break-even" is the useful answer.
  double break_even_search_limit = 1e6;
  /// Delivery mode of each format id; a format not listed gets `unknown_format`, never a 0 cost.
  std::vector<std::pair<std::string, delivery_mode>> format_modes = default_format_modes();

  /// The delivery mode of a format id, or nothing when the mapping does not know it.
  [[nodiscard]] std::optional<delivery_mode> mode_of(std::string_view format_id) const noexcept {
    for (const auto& entry : format_modes) {
      if (entry.first == format_id) return entry.second;
    }
    return std::nullopt;
  }

  /// Refuses a value out of range, naming its JSON path.
  void validate() const {
    const auto amount = [](const std::string& path, double value) {
      if (!(std::isfinite(value) && value >= 0.0)) {
        throw settings_error(path, format_number(value) + "; accepted: a finite amount >= 0");
      }
    };
    const auto whole = [](const std::string& path, double value, double upper) {
      if (!(value >= 1.0 && value <= upper && value == std::floor(value))) {
        throw settings_error(path,
                             format_number(value) + "; accepted: a whole number from 1 to " + format_number(upper));
      }
    };
    for (const auto& [name, costs] : {std::pair<const char*, const instructor_led_costs*>{"ilt_onsite", &ilt_onsite},
                                      {"ilt_virtual", &ilt_virtual}}) {
      const std::string base = std::string("$.") + name;
      whole(base + ".class_size", costs->class_size, 1e9);
      amount(base + ".trainer_per_session", costs->trainer_per_session);
      amount(base + ".travel_per_session", costs->travel_per_session);
      amount(base + ".lodging_per_session", costs->lodging_per_session);
      amount(base + ".per_diem_per_session", costs->per_diem_per_session);
    }
    for (const auto& [name, costs] :
         {std::pair<const char*, const fixed_plus_per_learner_costs*>{"on_demand", &on_demand},
          {"certification", &certification},
          {"email_nurture", &email_nurture}}) {
      const std::string base = std::string("$.") + name;
      amount(base + ".once", costs->once);
      amount(base + ".per_learner", costs->per_learner);
    }
    whole("$.break_even_search_limit", break_even_search_limit, 1e9);
    for (std::size_t i = 0; i < format_modes.size(); ++i) {
      if (format_modes[i].first.empty())
        throw settings_error("$.format_modes", "an empty format id; accepted: a non-empty id");
    }
  }

  /// The settings as a JSON document that `from_json` reads back to equal settings.
  [[nodiscard]] std::string to_json(int indent = 2) const {
    nlohmann::ordered_json doc;
    for (const auto& [name, costs] : {std::pair<const char*, const instructor_led_costs*>{"ilt_onsite", &ilt_onsite},
                                      {"ilt_virtual", &ilt_virtual}}) {
      doc[name] = {{"class_size", costs->class_size},
                   {"trainer_per_session", costs->trainer_per_session},
                   {"travel_per_session", costs->travel_per_session},
                   {"lodging_per_session", costs->lodging_per_session},
                   {"per_diem_per_session", costs->per_diem_per_session}};
    }
    for (const auto& [name, costs] :
         {std::pair<const char*, const fixed_plus_per_learner_costs*>{"on_demand", &on_demand},
          {"certification", &certification},
          {"email_nurture", &email_nurture}}) {
      doc[name] = {{"once", costs->once}, {"per_learner", costs->per_learner}};
    }
    doc["break_even_search_limit"] = break_even_search_limit;
    nlohmann::ordered_json modes = nlohmann::ordered_json::object();
    for (const auto& [id, mode] : format_modes) modes[id] = std::string(to_string(mode));
    // A default format these settings removed is written as null, so reading the dump (merged onto
    // the defaults) removes it again: dump and load give the same settings.
    for (const auto& [id, mode] : default_format_modes()) {
      if (!mode_of(id)) modes[id] = nullptr;
    }
    doc["format_modes"] = modes;
    return doc.dump(indent);
  }

  /// The defaults with a JSON document merged in (see `merged`).
  [[nodiscard]] static cost_settings from_json(std::string_view json_text) { return cost_settings{}.merged(json_text); }

  /// These settings with a JSON document merged in: every key is optional, an object given for a
  /// mode changes only the keys it names, `format_modes` adds or replaces ids (`null` removes
  /// one); an unknown key, a wrong type or a value out of range is refused with `settings_error`.
  [[nodiscard]] cost_settings merged(std::string_view json_text) const {
    nlohmann::json doc;
    try {
      doc = detail::parse_json_document<nlohmann::json>(json_text);
    } catch (const detail::json_document_error& e) {
      throw settings_error(e.json_path(), e.message("a JSON object of cost settings"));
    }
    if (!doc.is_object()) throw settings_error("$", "not a JSON object; accepted: an object of cost settings");
    cost_settings settings = *this;
    const auto number = [](const nlohmann::json& value, const std::string& path) {
      if (!value.is_number()) throw settings_error(path, value.dump() + " is not a number; accepted: a number");
      return value.get<double>();
    };
    const auto object = [](const nlohmann::json& value, const std::string& path) {
      if (!value.is_object()) throw settings_error(path, value.dump() + " is not an object; accepted: an object");
    };
    for (const auto& [key, value] : doc.items()) {
      const std::string path = "$." + key;
      instructor_led_costs* instructor = key == "ilt_onsite"    ? &settings.ilt_onsite
                                         : key == "ilt_virtual" ? &settings.ilt_virtual
                                                                : nullptr;
      fixed_plus_per_learner_costs* fixed = key == "on_demand"       ? &settings.on_demand
                                            : key == "certification" ? &settings.certification
                                            : key == "email_nurture" ? &settings.email_nurture
                                                                     : nullptr;
      if (instructor != nullptr) {
        object(value, path);
        for (const auto& [field, amount] : value.items()) {
          const std::string field_path = path + "." + field;
          double* target = field == "class_size"             ? &instructor->class_size
                           : field == "trainer_per_session"  ? &instructor->trainer_per_session
                           : field == "travel_per_session"   ? &instructor->travel_per_session
                           : field == "lodging_per_session"  ? &instructor->lodging_per_session
                           : field == "per_diem_per_session" ? &instructor->per_diem_per_session
                                                             : nullptr;
          if (target == nullptr) {
            throw settings_error(field_path,
                                 "unknown key; accepted: class_size, trainer_per_session, "
                                 "travel_per_session, lodging_per_session, per_diem_per_session");
          }
          *target = number(amount, field_path);
        }
      } else if (fixed != nullptr) {
        object(value, path);
        for (const auto& [field, amount] : value.items()) {
          const std::string field_path = path + "." + field;
          double* target = field == "once" ? &fixed->once : field == "per_learner" ? &fixed->per_learner : nullptr;
          if (target == nullptr) throw settings_error(field_path, "unknown key; accepted: once, per_learner");
          *target = number(amount, field_path);
        }
      } else if (key == "break_even_search_limit") {
        settings.break_even_search_limit = number(value, path);
      } else if (key == "format_modes") {
        object(value, path);
        for (const auto& item : value.items()) {
          const std::string& id = item.key();  // a plain name: C++17 lambdas cannot capture structured bindings
          const auto& mode = item.value();
          const std::string id_path = path + "." + id;
          auto& modes = settings.format_modes;
          const auto existing = std::find_if(modes.begin(), modes.end(), [&](const auto& e) { return e.first == id; });
          if (mode.is_null()) {
            if (existing != modes.end()) modes.erase(existing);
            continue;
          }
          const auto parsed = mode.is_string() ? delivery_mode_from_string(mode.get<std::string>()) : std::nullopt;
          if (!parsed) {
            throw settings_error(id_path, mode.dump() +
                                              " is not a delivery mode; accepted: ilt_onsite, ilt_virtual, "
                                              "on_demand, certification, email_nurture, or null to remove");
          }
          if (existing != modes.end())
            existing->second = *parsed;
          else
            modes.emplace_back(id, *parsed);
        }
      } else {
        throw settings_error(path,
                             "unknown key; accepted: ilt_onsite, ilt_virtual, on_demand, certification, "
                             "email_nurture, break_even_search_limit, format_modes");
      }
    }
    settings.validate();
    return settings;
  }

  friend bool operator==(const cost_settings& a, const cost_settings& b) noexcept {
    return a.ilt_onsite == b.ilt_onsite && a.ilt_virtual == b.ilt_virtual && a.on_demand == b.on_demand &&
           a.certification == b.certification && a.email_nurture == b.email_nurture &&
           a.break_even_search_limit == b.break_even_search_limit && a.format_modes == b.format_modes;
  }
};

/// The cost of delivering one format of a mode to some learners.
struct delivery_cost {
  double sessions = 0.0;                   ///< instructor-led sessions, ceil(learners / class_size); 0 for other modes
  double once = 0.0;                       ///< the part paid once per format (creation, set-up)
  double total = 0.0;                      ///< everything, `once` included
  double per_learner = detail::quiet_nan;  ///< total / learners, NaN for no learners
};

/// What `mode` costs for `learners` (finite, >= 0; throws `error` otherwise): instructor-led
/// ceil(learners / class_size) sessions × per-session costs, the others once + per learner × learners.
[[nodiscard]] inline delivery_cost cost_of(delivery_mode mode, double learners, const cost_settings& settings) {
  if (!(std::isfinite(learners) && learners >= 0.0)) {
    throw error("learners = " + format_number(learners) + "; accepted: a finite number of learners >= 0");
  }
  const auto instructor = [&](const instructor_led_costs& costs) {
    const double sessions = std::ceil(learners / costs.class_size);
    const double total = sessions * costs.per_session();
    return delivery_cost{sessions, 0.0, total, detail::ratio_or_nan(total, learners)};
  };
  const auto fixed = [&](const fixed_plus_per_learner_costs& costs) {
    const double total = costs.once + costs.per_learner * learners;
    return delivery_cost{0.0, costs.once, total, detail::ratio_or_nan(total, learners)};
  };
  switch (mode) {
    case delivery_mode::ilt_onsite: return instructor(settings.ilt_onsite);
    case delivery_mode::ilt_virtual: return instructor(settings.ilt_virtual);
    case delivery_mode::on_demand: return fixed(settings.on_demand);
    case delivery_mode::certification: return fixed(settings.certification);
    case delivery_mode::email_nurture: return fixed(settings.email_nurture);
  }
  return {};
}

/// The smallest whole number of learners N >= 1 for which on-demand costs no more than
/// `instructor_led` (on-demand total ≤ instructor-led total), or nothing when there is none up to
/// `break_even_search_limit`. Instructor-led cost is a step function (ceil), so cheaper at N
/// does not imply cheaper at N + 1; this is the first N, found by checking the first learner of
/// every session block (on-demand cost never falls as N grows, so within a block it is the best).
[[nodiscard]] inline std::optional<std::uint64_t> break_even(const cost_settings& settings,
                                                             delivery_mode instructor_led = delivery_mode::ilt_onsite) {
  if (instructor_led != delivery_mode::ilt_onsite && instructor_led != delivery_mode::ilt_virtual) {
    throw error("break_even compares on-demand with " + std::string(to_string(instructor_led)) +
                "; accepted: ilt_onsite or ilt_virtual");
  }
  settings.validate();
  const double class_size =
      instructor_led == delivery_mode::ilt_onsite ? settings.ilt_onsite.class_size : settings.ilt_virtual.class_size;
  for (double first = 1.0; first <= settings.break_even_search_limit; first += class_size) {
    if (cost_of(delivery_mode::on_demand, first, settings).total <= cost_of(instructor_led, first, settings).total) {
      return static_cast<std::uint64_t>(first);
    }
  }
  return std::nullopt;
}

/// Input of `training_cost`: each account's recommended formats at its number of users.
struct cost_input {
  column_view<double> users;                  ///< required: learners per account, finite, >= 0
  column_view<std::int16_t> recommendations;  ///< rows × width indices into `format_ids`, -1 padded, row-major
  std::size_t width = 0;                      ///< recommendations per row
  std::vector<std::string> format_ids;        ///< the format ids the indices refer to
  column_view<std::int8_t> archetype;         ///< optional: archetype code per account, -1 = none

  /// Number of accounts.
  [[nodiscard]] std::size_t rows() const noexcept { return users.size(); }
};

/// Caller-owned per-account outputs of `training_cost_into`.
struct cost_output {
  double* total_cost = nullptr;        ///< the account's whole mix, standalone; NaN with unknown_format
  double* cost_per_learner = nullptr;  ///< total / users; NaN with zero_learners or unknown_format
  std::array<double*, delivery_mode_count> mode_cost{};  ///< the part of the total per delivery mode
  reason_set* reasons = nullptr;                         ///< required
};

/// A group's training cost.
struct cost_group {
  std::size_t accounts = 0;  ///< accounts priced
  std::size_t unpriced = 0;  ///< accounts left out: a recommended format has no delivery mode
  double users = 0.0;
  /// Σ per-learner and per-session costs of the accounts, plus the once-per-format costs once per
  /// format used in the group (content is created once, however many accounts use it).
  double total_cost = 0.0;
  double cost_per_learner = detail::quiet_nan;  ///< total_cost / users
  std::array<double, delivery_mode_count> mode_cost{};
  reason_set reasons = 0;  ///< empty_group, zero_learners, unknown_format (some accounts unpriced)
};

/// The cost of every account's recommended mix at its users into `out`, standalone (as if the
/// account were the only audience, so each format's once-costs are in it), and the group costs;
/// throws `column_error` for users NaN, infinite or negative, or an index outside `format_ids`.
inline per_group<cost_group> training_cost_into(const cost_input& in, const cost_settings& settings,
                                                const cost_output& out) {
  settings.validate();
  const std::size_t rows = in.rows();
  detail::check_column(in.users, "users", rows, true, "learners per account");
  detail::check_archetypes(in.archetype, rows);
  if (in.recommendations.size() != rows * in.width) {
    throw column_error("recommendations", std::nullopt,
                       std::to_string(in.recommendations.size()) +
                           " values; accepted: rows × width = " + std::to_string(rows * in.width));
  }
  if (out.reasons == nullptr && rows > 0) {
    throw error("cost_output::reasons is null; accepted: a buffer of one reason_set per account");
  }
  std::vector<std::optional<delivery_mode>> modes;
  for (const auto& id : in.format_ids) modes.push_back(settings.mode_of(id));
  per_group<cost_group> result{};
  std::array<std::vector<bool>, group_count> used;  // formats of the priced accounts, per group
  for (auto& formats : used) formats.assign(in.format_ids.size(), false);
  struct format_cost {
    std::size_t format;
    delivery_mode mode;
    delivery_cost cost;
  };
  std::vector<format_cost> mix;
  for (std::size_t row = 0; row < rows; ++row) {
    const double users = in.users[row];
    detail::check_count("users", users, row);
    reason_set reasons = 0;
    mix.clear();
    const std::int16_t* formats = in.recommendations.data() + row * in.width;
    for (std::size_t j = 0; j < in.width && formats[j] >= 0; ++j) {
      const auto k = static_cast<std::size_t>(formats[j]);
      if (k >= modes.size()) {
        throw column_error("recommendations", row,
                           "format index " + std::to_string(k) + "; accepted: an index into " +
                               std::to_string(modes.size()) + " format ids, -1 padding");
      }
      if (modes[k])
        mix.push_back({k, *modes[k], cost_of(*modes[k], users, settings)});
      else
        reasons |= bit(reason::unknown_format);
    }
    if (users == 0.0) reasons |= bit(reason::zero_learners);
    const bool priced = !has(reasons, reason::unknown_format);
    double total = 0.0;
    std::array<double, delivery_mode_count> per_mode{};
    for (const auto& item : mix) {
      total += item.cost.total;
      per_mode[static_cast<std::size_t>(item.mode)] += item.cost.total;
    }
    if (out.total_cost != nullptr) out.total_cost[row] = priced ? total : detail::quiet_nan;
    if (out.cost_per_learner != nullptr)
      out.cost_per_learner[row] = priced ? detail::ratio_or_nan(total, users) : detail::quiet_nan;
    for (std::size_t m = 0; m < delivery_mode_count; ++m) {
      if (out.mode_cost[m] != nullptr) out.mode_cost[m][row] = priced ? per_mode[m] : detail::quiet_nan;
    }
    out.reasons[row] = reasons;
    detail::for_groups_of(in.archetype, row, [&](std::size_t group) {
      cost_group& g = result[group];
      if (!priced) {
        ++g.unpriced;
        return;
      }
      ++g.accounts;
      g.users += users;
      // The variable part here; once-per-format costs are added once per distinct format below.
      for (const auto& item : mix) {
        g.total_cost += item.cost.total - item.cost.once;
        g.mode_cost[static_cast<std::size_t>(item.mode)] += item.cost.total - item.cost.once;
        used[group][item.format] = true;
      }
    });
  }
  for (std::size_t group = 0; group < group_count; ++group) {
    cost_group& g = result[group];
    for (std::size_t k = 0; k < modes.size(); ++k) {
      if (!used[group][k]) continue;
      const double once = cost_of(*modes[k], 0.0, settings).once;
      g.total_cost += once;
      g.mode_cost[static_cast<std::size_t>(*modes[k])] += once;
    }
    if (g.accounts + g.unpriced == 0) g.reasons |= bit(reason::empty_group);
    if (g.unpriced > 0) g.reasons |= bit(reason::unknown_format);
    if (g.accounts > 0 && g.users == 0.0) g.reasons |= bit(reason::zero_learners);
    g.cost_per_learner = detail::ratio_or_nan(g.total_cost, g.users);
  }
  return result;
}

/// Owning results of `training_cost`.
struct cost_result {
  Eigen::ArrayXd total_cost;
  Eigen::ArrayXd cost_per_learner;
  std::array<Eigen::ArrayXd, delivery_mode_count> mode_cost;
  std::vector<reason_set> reasons;
  per_group<cost_group> groups{};
};

/// Every account's and every group's training cost, into newly allocated columns.
[[nodiscard]] inline cost_result training_cost(const cost_input& in, const cost_settings& settings = {}) {
  const auto rows = static_cast<Eigen::Index>(in.rows());
  cost_result result;
  result.total_cost.resize(rows);
  result.cost_per_learner.resize(rows);
  for (auto& column : result.mode_cost) column.resize(rows);
  result.reasons.resize(in.rows());
  cost_output out{result.total_cost.data(), result.cost_per_learner.data(), {}, result.reasons.data()};
  for (std::size_t m = 0; m < delivery_mode_count; ++m) out.mode_cost[m] = result.mode_cost[m].data();
  result.groups = training_cost_into(in, settings, out);
  return result;
}

}  // namespace riskscale::metrics
