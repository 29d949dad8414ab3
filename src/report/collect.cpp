// riskscale report: the numbers of the report, gathered from the core (classify, summary, drift,
// explain, plan); nothing here computes a score.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>

#include "report/report.hpp"
#include "riskscale/assess.hpp"
#include "riskscale/describe.hpp"

namespace riskscale::report {
namespace {

// Row `row` of `inputs` as one account (SPEC §2); a NaN seats cell is absent.
account account_at(const policy& pol, const snapshot& s, std::size_t row) {
  account a;
  a.account_id = (*s.account_id)[row];
  for (const std::string& field : pol.input_fields()) {
    const double* column = s.inputs->find(field);
    if (column == nullptr) continue;
    if (field == "seats" && std::isnan(column[row])) continue;
    a.set_field(field, column[row]);
  }
  return a;
}

// The lines of describe() about risk and scale, joined into one paragraph.
std::string explanation_of(const assessment& a) {
  const std::string text = describe(a);
  std::string out;
  std::size_t begin = text.find('\n');
  for (int line = 0; line < 2 && begin != std::string::npos; ++line) {
    const std::size_t end = text.find('\n', begin + 1);
    std::string part = text.substr(begin + 1, end == std::string::npos ? std::string::npos : end - begin - 1);
    part.erase(0, part.find_first_not_of(' '));
    out += (out.empty() ? "" : "; ") + part;
    begin = end;
  }
  return out;
}

movement movement_of(const drift_report& drift, const policy& pol, std::size_t top) {
  movement m;
  m.matrix = drift.matrix;
  m.counts = drift.counts;
  for (std::size_t a = 0; a < archetype_count; ++a) {
    for (std::size_t j = 0; j < drift_matrix_size; ++j) m.previous_counts[a] += drift.matrix.counts[a][j];
  }
  std::array<std::size_t, 6> alerts{};
  for (const auto& entry : drift.alerts) ++alerts[static_cast<std::size_t>(entry.second.kind)];
  for (std::size_t k = 0; k < alerts.size(); ++k) {
    m.alerts.emplace_back(std::string(to_string(static_cast<drift_alert_kind>(k))), alerts[k]);
  }
  std::vector<std::size_t> moved;
  std::vector<std::pair<std::string, std::size_t>>& drivers = m.drivers;
  for (std::size_t i = 0; i < drift.accounts.size(); ++i) {
    const account_drift& d = drift.accounts[i];
    if (d.status != drift_status::moved) continue;
    moved.push_back(i);
    const std::string name(player_name(pol, d.driver));
    const auto it = std::find_if(drivers.begin(), drivers.end(), [&](const auto& e) { return e.first == name; });
    if (it == drivers.end()) {
      drivers.emplace_back(name, 1);
    } else {
      ++it->second;
    }
  }
  std::stable_sort(drivers.begin(), drivers.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const auto size_of_move = [&](std::size_t i) {
    return std::abs(drift.accounts[i].risk_change) + std::abs(drift.accounts[i].scale_change);
  };
  std::stable_sort(moved.begin(), moved.end(),
                   [&](std::size_t a, std::size_t b) { return size_of_move(a) > size_of_move(b); });
  if (moved.size() > top) moved.resize(top);
  for (std::size_t i : moved) {
    const account_drift& d = drift.accounts[i];
    m.top_movers.push_back({std::string(drift.account_id[i]), static_cast<archetype>(d.old_state),
                            static_cast<archetype>(d.new_state), d.risk_change, d.scale_change,
                            std::string(player_name(pol, d.driver)), drift.reason[i]});
  }
  return m;
}

// Per archetype of the given plans, the plan of its most typical planned account: the planned account of
// that archetype with the largest membership in it among the classified accounts, else its first plan.
constexpr std::size_t no_row = static_cast<std::size_t>(-1);

std::vector<journey> given_journeys(const std::vector<onboarding_plan>& plans, const snapshot& current,
                                    const batch_result& result) {
  // The first valid row of each planned account: one pass over the accounts against the (few) planned ids.
  std::unordered_map<std::string_view, std::size_t> row_of;
  for (const onboarding_plan& p : plans) row_of.emplace(p.account_id, no_row);
  const std::vector<std::string>& ids = *current.account_id;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (result.status[row] != row_status::ok) continue;
    const auto found = row_of.find(ids[row]);
    if (found != row_of.end() && found->second == no_row) found->second = row;
  }
  std::vector<journey> journeys;
  for (archetype type : all_archetypes) {
    const auto a = static_cast<std::size_t>(type);
    const onboarding_plan* best = nullptr;
    double best_membership = -1.0;
    for (const onboarding_plan& p : plans) {
      if (p.archetype != type) continue;
      const auto found = row_of.find(p.account_id);
      const double membership =
          found->second == no_row ? -0.5 : result.membership[a][static_cast<Eigen::Index>(found->second)];
      if (best == nullptr || membership > best_membership) {
        best = &p;
        best_membership = membership;
      }
    }
    if (best != nullptr) journeys.push_back({type, best->account_id, *best});
  }
  return journeys;
}

}  // namespace

report_data collect(const policy& pol, const snapshot& current, const std::optional<snapshot>& previous,
                    const report_options& options) {
  report_data data(pol, options.top, options.bins);
  const std::size_t rows = current.inputs->rows();
  const batch_options batch{options.threads, 0};
  std::optional<drift_report> drift;
  std::optional<batch_result> own;
  if (previous) {
    drift.emplace(compare_snapshots(*previous->account_id, *previous->inputs, *current.account_id, *current.inputs, pol,
                                    std::nullopt, batch));
  } else {
    own.emplace(rows, pol);
    batch_output view = own->view();
    view.recommendation_scores = nullptr;
    classify_into(*current.inputs, pol, view, batch);
  }
  const batch_result& result = drift ? drift->new_result : *own;

  std::array<std::size_t, archetype_count> typical;
  typical.fill(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    if (result.status[row] != row_status::ok) {
      data.summary.add_invalid();
      continue;
    }
    const auto i = static_cast<Eigen::Index>(row);
    const auto type = static_cast<archetype>(result.archetype[row]);
    data.summary.add((*current.account_id)[row], type, result.margin[i], result.borderline[row] != 0,
                     result.risk_score[i], result.scale_score[i], result.frequency_score[i], result.reach_score[i],
                     result.recommendations.data() + row * result.recommendation_width,
                     static_cast<std::size_t>(result.recommendation_count[row]), row);
    data.density.add(result.risk_score[i], result.scale_score[i]);
    const auto a = static_cast<std::size_t>(type);
    std::size_t& best = typical[a];
    if (best == rows || result.membership[a][i] > result.membership[a][static_cast<Eigen::Index>(best)]) best = row;
  }
  for (const near_threshold_account& entry : data.summary.closest_to_threshold()) {
    const assessment a = assess(account_at(pol, current, entry.order), pol);
    data.closest.push_back({entry.account_id, entry.archetype, entry.margin, explanation_of(a)});
  }
  if (drift) data.movement = movement_of(*drift, pol, options.top);
  if (options.plans != nullptr) {
    data.plans_given = true;
    data.journeys = given_journeys(*options.plans, current, result);
    return data;
  }
  for (std::size_t a = 0; a < archetype_count; ++a) {
    if (typical[a] == rows) continue;
    const assessment assessed = assess(account_at(pol, current, typical[a]), pol);
    data.journeys.push_back(
        {static_cast<archetype>(a), assessed.account_id, plan(assessed, product_traits{}, options.start)});
  }
  return data;
}

std::string welcome_pack(const policy& pol, const snapshot& current, const std::string& account_id,
                         const report_options& options) {
  const std::vector<std::string>& ids = *current.account_id;
  const auto it = std::find(ids.begin(), ids.end(), account_id);
  if (it == ids.end()) {
    throw input_error("account_id", std::nullopt, account_id,
                      "no account has this id; accepted: an account_id of the accounts given");
  }
  const auto row = static_cast<std::size_t>(it - ids.begin());
  account input = account_at(pol, current, row);
  for (const std::string& field : pol.input_fields()) {
    const std::optional<double> value = input.field(field);
    if (field != "seats" && value && std::isnan(*value)) {
      throw input_error(field, row, account_id, "could not be read; accepted: a number in the input's SPEC §2 range");
    }
  }
  try {
    const assessment assessed = assess(input, pol);
    return render_welcome_pack(assessed, plan(assessed, product_traits{}, options.start), options);
  } catch (const input_error& e) {
    throw input_error(e.field(), row, account_id, e.what());
  }
}

}  // namespace riskscale::report
