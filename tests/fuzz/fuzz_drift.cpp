// libFuzzer harness for drift.hpp (SPEC §11): two small snapshots built from the fuzzer's bytes.
//
// The bytes give a policy's factor weights (1–12 factors), then accounts: an id byte (small ids, so
// snapshots share, miss and repeat ids), a snapshot byte, and one byte per input mapped onto its
// range, with the extremes 0 and the upper bound (w·x = 1) and out-of-range values reachable.
// Invariants checked (any violation aborts, so libFuzzer keeps the input):
//  1. compare_snapshots throws input_error exactly when an id repeats within a snapshot;
//     nothing else escapes.
//  2. The matrix counts every distinct id once; the status counts add up to the same number.
//  3. Moved and stayed accounts: Σ risk causes = risk_change and cause_frequency + cause_reach =
//     scale_change within 1e-12; an unchanged factor's cause is exactly 0; for up to 10 factors
//     each cause equals the 2^n enumeration of SPEC §11 within 1e-12.
//  4. A moved account has a driver on a crossed axis whose cause has that axis's sign; other
//     statuses have none; every moved account has one alert per crossed axis.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "riskscale/drift.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "drift fuzz invariant violated: %s%s%s\n", invariant, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

struct bytes {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  bool empty() const { return at >= size; }
  std::uint8_t next() { return at < size ? data[at++] : 0; }
};

// A byte onto [0, upper]: 0 and 255 are the ends; 254 is just out of range (invalid rows too).
double value_of(std::uint8_t b, double upper) {
  if (b == 254) return upper * 1.5;
  return upper * static_cast<double>(b == 255 ? 253 : b) / 253.0;
}

struct snapshot {
  std::vector<std::string> ids;
  std::vector<std::vector<double>> columns;
};

std::vector<double> enumerated(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t n = a.size();
  std::vector<double> factorial(n + 1, 1.0), phi(n, 0.0);
  for (std::size_t k = 1; k <= n; ++k) factorial[k] = factorial[k - 1] * static_cast<double>(k);
  for (std::size_t i = 0; i < n; ++i) {
    for (unsigned mask = 0; mask < (1u << n); ++mask) {
      if ((mask >> i) & 1u) continue;
      double with = 1.0, without = 1.0;
      for (std::size_t j = 0; j < n; ++j) {
        const bool in = (mask >> j) & 1u;
        without *= in ? b[j] : a[j];
        with *= (in || j == i) ? b[j] : a[j];
      }
      const auto size = static_cast<std::size_t>(__builtin_popcount(mask));
      phi[i] += factorial[size] * factorial[n - size - 1] / factorial[n] * (without - with);
    }
  }
  return phi;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bytes in{data, size};
  const std::size_t factor_count = 1 + in.next() % 12;
  riskscale::policy_settings settings;
  settings.risk_weights.clear();
  for (std::size_t i = 0; i < factor_count; ++i) {
    settings.risk_weights.push_back({"f" + std::to_string(i), value_of(in.next() % 254, 1.0)});
  }
  const riskscale::policy pol(settings);
  const std::vector<std::string> fields = pol.input_fields();  // factors, active_days, users, seats
  snapshot snapshots[2];
  for (auto& s : snapshots) s.columns.assign(fields.size() - 1, {});
  bool duplicated = false;
  std::set<std::string> seen[2], all;
  while (!in.empty() && snapshots[0].ids.size() + snapshots[1].ids.size() < 64) {
    const std::string id = "A" + std::to_string(in.next() % 24);
    snapshot& s = snapshots[in.next() % 2];
    const std::size_t which = &s == &snapshots[0] ? 0 : 1;
    duplicated = duplicated || !seen[which].insert(id).second;
    all.insert(id);
    s.ids.push_back(id);
    for (std::size_t f = 0; f + 1 < fields.size(); ++f) {
      const double upper = f < factor_count ? 1.0 : f == factor_count ? 31.0 : 5000.0;
      s.columns[f].push_back(value_of(in.next(), upper));
    }
  }
  riskscale::portfolio inputs[2] = {riskscale::portfolio(snapshots[0].ids.size()),
                                    riskscale::portfolio(snapshots[1].ids.size())};
  for (std::size_t k = 0; k < 2; ++k) {
    for (std::size_t f = 0; f + 1 < fields.size(); ++f) inputs[k].add(fields[f], snapshots[k].columns[f]);
  }
  std::optional<riskscale::drift_report> report;
  try {
    report.emplace(riskscale::compare_snapshots(snapshots[0].ids, inputs[0], snapshots[1].ids, inputs[1], pol,
                                                std::nullopt, {1, 0}));
  } catch (const riskscale::input_error& e) {
    if (!duplicated) fail("input_error without a repeated id", e.what());
    return 0;
  }
  if (duplicated) fail("a repeated id was accepted");
  if (report->matrix.total() != all.size()) fail("matrix total is not the number of distinct ids");
  std::uint64_t by_status = 0;
  for (std::size_t s = 0; s < riskscale::drift_status_count; ++s) by_status += report->counts.by_status[s];
  if (by_status != all.size()) fail("status counts do not add up");

  std::vector<std::size_t> alerts_of(report->accounts.size(), 0);
  for (const auto& entry : report->alerts) ++alerts_of[entry.first];
  for (std::size_t row = 0; row < report->accounts.size(); ++row) {
    const riskscale::account_drift& d = report->accounts[row];
    const std::string id(report->account_id[row]);
    const bool compared = d.status == riskscale::drift_status::moved || d.status == riskscale::drift_status::stayed;
    if (!compared) {
      if (d.driver != riskscale::driver_none) fail("a driver outside a move", id);
      continue;
    }
    double sum = 0.0;
    for (double c : d.risk_causes) sum += c;
    if (!(std::fabs(sum - d.risk_change) <= 1e-12)) fail("risk causes do not add up", id);
    if (!(std::fabs(d.cause_frequency + d.cause_reach - d.scale_change) <= 1e-12))
      fail("scale causes do not add up", id);
    const std::size_t old_row = report->old_row[row], new_row = report->new_row[row];
    std::vector<double> a(factor_count), b(factor_count);
    for (std::size_t j = 0; j < factor_count; ++j) {
      a[j] = 1.0 - pol.risk_factors()[j].weight * snapshots[0].columns[j][old_row];
      b[j] = 1.0 - pol.risk_factors()[j].weight * snapshots[1].columns[j][new_row];
      if (a[j] == b[j] && d.risk_causes[j] != 0.0) fail("an unchanged factor has a cause", id);
    }
    if (factor_count <= 10) {
      const std::vector<double> want = enumerated(a, b);
      for (std::size_t j = 0; j < factor_count; ++j) {
        if (!(std::fabs(want[j] - d.risk_causes[j]) <= 1e-12)) fail("cause differs from the enumeration", id);
      }
    }
    if (d.status == riskscale::drift_status::stayed) {
      if (d.driver != riskscale::driver_none) fail("a stayed account has a driver", id);
      continue;
    }
    if (alerts_of[row] != static_cast<std::size_t>(d.crossed_risk) + static_cast<std::size_t>(d.crossed_scale)) {
      fail("alerts are not one per crossed axis", id);
    }
    if (d.driver == riskscale::driver_none) continue;  // possible only when rounding hides every cause's sign
    const auto n = static_cast<int>(factor_count);
    const bool risk_player = d.driver < n;
    if (risk_player ? !d.crossed_risk : !d.crossed_scale) fail("the driver's axis was not crossed", id);
    const double cause = risk_player ? d.risk_causes[static_cast<std::size_t>(d.driver)]
                                     : (d.driver == n ? d.cause_frequency : d.cause_reach);
    const double change = risk_player ? d.risk_change : d.scale_change;
    if (!(cause * change > 0)) fail("the driver's cause does not have its axis's sign", id);
  }
  return 0;
}
