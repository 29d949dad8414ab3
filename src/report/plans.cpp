// riskscale report: plans read back from their touchpoint rows.
#include "report/plans.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "riskscale/cell_text.hpp"
#include "riskscale/error.hpp"

namespace riskscale::report {
namespace {

template <typename Enum, std::size_t N>
Enum pick(const std::array<std::string_view, N>& ids, const std::string& text, const char* column, std::size_t row,
          const std::string& id) {
  const auto found = std::find(ids.begin(), ids.end(), text);
  if (found == ids.end()) {
    std::string accepted;
    for (std::string_view name : ids) accepted += (accepted.empty() ? "" : ", ") + std::string(name);
    throw input_error(column, row, id, "'" + text + "' is not a " + column + "; accepted: " + accepted);
  }
  return static_cast<Enum>(found - ids.begin());
}

}  // namespace

std::vector<onboarding_plan> plans_from_rows(const plan_rows& r) {
  const std::size_t rows = r.account_id.size();
  const std::pair<const char*, const std::vector<std::string>*> required[] = {
      {"day", &r.day},   {"date", &r.date},   {"stage", &r.stage},        {"channel", &r.channel},
      {"kind", &r.kind}, {"title", &r.title}, {"archetype", &r.archetype}};
  for (const auto& column : required) {
    if (column.second->size() != rows) {
      throw input_error(column.first, std::nullopt, "",
                        "the column is missing or of another length; accepted: the columns of riskscale plan --all "
                        "(account_id, day, date, stage, channel, kind, title, archetype)");
    }
  }
  for (const auto& column : {std::make_pair("format", &r.format), std::make_pair("audience", &r.audience),
                             std::make_pair("detail", &r.detail)}) {
    if (!column.second->empty() && column.second->size() != rows) {
      throw input_error(column.first, std::nullopt, "", "the column is of another length than account_id");
    }
  }
  std::vector<onboarding_plan> plans;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t row = 0; row < rows; ++row) {
    const std::string& id = r.account_id[row];
    if (id.empty()) throw input_error("account_id", row, id, "is empty; accepted: the account of each touchpoint");
    double day_value = 0.0;
    if (!parse_number(r.day[row], day_value) || day_value < 0 || day_value > 100000 ||
        day_value != static_cast<double>(static_cast<int>(day_value))) {
      throw input_error("day", row, id, "'" + r.day[row] + "' is not a day; accepted: a whole number >= 0");
    }
    const int day = static_cast<int>(day_value);
    riskscale::date when;
    try {
      when = riskscale::date::parse(r.date[row]);
    } catch (const riskscale::error&) {
      throw input_error("date", row, id, "'" + r.date[row] + "' is not a date; accepted: YYYY-MM-DD");
    }
    const auto type = archetype_from_string(r.archetype[row]);
    if (!type) {
      throw input_error("archetype", row, id,
                        "'" + r.archetype[row] +
                            "' is not an archetype; accepted: high_scale_high_risk, "
                            "high_scale_low_risk, low_scale_high_risk, low_scale_low_risk");
    }
    const auto [found, added] = index.emplace(id, plans.size());
    if (added) {
      onboarding_plan p;
      p.account_id = id;
      p.archetype = *type;
      p.start = riskscale::date::from_days_since_epoch(when.days_since_epoch() - day);
      plans.push_back(std::move(p));
    }
    onboarding_plan& p = plans[found->second];
    if (p.archetype != *type) {
      throw input_error("archetype", row, id,
                        "'" + r.archetype[row] + "' differs from the account's earlier rows ('" +
                            std::string(to_string(p.archetype)) + "'); accepted: one archetype per account");
    }
    if (when.days_since_epoch() - day != p.start.days_since_epoch()) {
      throw input_error("date", row, id,
                        "'" + r.date[row] + "' is not the account's start " + p.start.to_string() + " + day " +
                            std::to_string(day) + "; accepted: the date of the day");
    }
    touchpoint t;
    t.day = day;
    t.date = when;
    t.stage = pick<plan_stage>(stage_ids, r.stage[row], "stage", row, id);
    t.channel = pick<channel>(channel_ids, r.channel[row], "channel", row, id);
    t.kind = pick<touchpoint_kind>(touchpoint_kind_ids, r.kind[row], "kind", row, id);
    t.title = r.title[row];
    if (!r.format.empty()) t.format = r.format[row];
    if (!r.audience.empty() && !r.audience[row].empty()) {
      t.audience = pick<audience>(audience_ids, r.audience[row], "audience", row, id);
    }
    if (!r.detail.empty()) t.detail = r.detail[row];
    if (t.kind == touchpoint_kind::milestone) {
      milestone m;
      m.title = t.title;
      m.day = day;
      m.date = when;
      m.criterion = t.detail;
      m.audience = t.audience;
      p.milestones.push_back(m);
    }
    p.length_days = std::max(p.length_days, day + 1);
    p.end = riskscale::date::from_days_since_epoch(p.start.days_since_epoch() + p.length_days - 1);
    p.touchpoints.push_back(std::move(t));
  }
  return plans;
}

}  // namespace riskscale::report
