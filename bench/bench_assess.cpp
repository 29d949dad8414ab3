// assess(): one account through the whole model (SPEC §3–§6) with recommendations, ns per account.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <vector>

#include "riskscale/assess.hpp"

namespace {

// A fixed set of varied accounts, so that branches and the recommendation count vary as in real data.
std::vector<riskscale::account> sample_accounts() {
  std::mt19937_64 rng(20261127);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<riskscale::account> accounts(1024);
  for (auto& a : accounts) {
    a.sensitive_data = unit(rng);
    a.org_disruption = unit(rng);
    a.physical_safety = unit(rng);
    a.legal_exposure = unit(rng);
    a.active_days = 31.0 * unit(rng);
    a.users = std::floor(std::exp(12.0 * unit(rng)));
  }
  return accounts;
}

void run(benchmark::State& state, const riskscale::policy& pol) {
  const std::vector<riskscale::account> accounts = sample_accounts();
  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(riskscale::assess(accounts[next], pol));
    next = (next + 1) % accounts.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void assess_default_policy(benchmark::State& state) { run(state, riskscale::policy()); }

void assess_top_3(benchmark::State& state) {
  riskscale::policy_settings settings;
  settings.top_k = 3;
  run(state, riskscale::policy(settings));
}

}  // namespace

BENCHMARK(assess_default_policy);
BENCHMARK(assess_top_3);
