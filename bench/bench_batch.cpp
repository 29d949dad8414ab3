// classify_into(): a whole portfolio as columns (SPEC §8 outputs), accounts per second by size,
// threads and whether recommendations are written.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "riskscale/batch.hpp"

namespace {

// A random portfolio (seeded), generated once per size and reused by every benchmark of that size.
struct portfolio_data {
  std::vector<std::vector<double>> columns;
  riskscale::portfolio view;

  portfolio_data(std::size_t rows, const riskscale::policy& pol) : view(rows) {
    std::mt19937_64 rng(rows);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const std::vector<std::string> fields = pol.input_fields();
    columns.resize(fields.size());
    for (std::size_t c = 0; c < fields.size(); ++c) {
      columns[c].resize(rows);
      for (double& value : columns[c]) {
        const double u = unit(rng);
        if (fields[c] == "active_days")
          value = 31.0 * u;
        else if (fields[c] == "users" || fields[c] == "seats")
          value = std::floor(std::exp(12.0 * u) - 1.0);
        else
          value = u;
      }
      view.add(fields[c], columns[c]);
    }
  }
};

// Arguments: rows, threads, recommendations (0 or 1).
void classify_into(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const bool recommendations = state.range(2) != 0;
  const riskscale::policy pol;
  const portfolio_data data(rows, pol);
  riskscale::batch_result result(rows, pol);
  riskscale::batch_output out = result.view();
  if (!recommendations) {
    out.recommendations = nullptr;
    out.recommendation_scores = nullptr;
    out.recommendation_count = nullptr;
  }
  riskscale::classify_into(data.view, pol, out, {threads, 0});  // touch every output page once
  for (auto _ : state) {
    riskscale::classify_into(data.view, pol, out, {threads, 0});
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetLabel(std::to_string(threads) + (threads == 1 ? " thread" : " threads") +
                 (recommendations ? ", with recommendations" : ", no recommendations"));
}

// Each kernel copy on one thread, 16,384 accounts (inputs and outputs stay in L2), numeric outputs
// only: the copies side by side without the memory bandwidth that bounds 10^7 rows. Argument: the
// copy, in detail::all_isas order (0 scalar, 1 baseline, 2 avx2, 3 avx512); a copy this CPU lacks
// is skipped with the reason.
void kernel_copy(benchmark::State& state) {
  const riskscale::detail::simd_isa isa = riskscale::detail::all_isas[state.range(0)];
  const std::string name(riskscale::detail::to_string(isa));
  if (!riskscale::detail::isa_available(isa)) {
    state.SkipWithError((name + ": not available on this CPU or build").c_str());
    return;
  }
  constexpr std::size_t rows = 16384;
  const riskscale::policy pol;
  const portfolio_data data(rows, pol);
  riskscale::batch_result result(rows, pol);
  riskscale::batch_output out = result.view();
  out.recommendations = nullptr;
  out.recommendation_scores = nullptr;
  out.recommendation_count = nullptr;
  const std::vector<const double*> columns = riskscale::detail::resolve_columns(data.view, pol);
  for (auto _ : state) {
    riskscale::detail::classify_range(pol, columns.data(), columns.size(), 0, rows, out, isa);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetLabel(name + " copy, 1 thread, in L2");
}

}  // namespace

BENCHMARK(kernel_copy)
    ->ArgName("isa")
    ->DenseRange(0, static_cast<int>(std::size(riskscale::detail::all_isas)) - 1)
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(classify_into)
    ->ArgNames({"rows", "threads", "recs"})
    ->ArgsProduct({{1000, 10000, 100000, 1000000, 10000000}, {1, 2}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
