// The C++ side of compare_numpy.py: reads a portfolio written as raw float64 columns
// (<dir>/<field>.f64, little-endian, one per policy input field), times classify_into()
// best-of-N with 1 and 2 threads (and on one thread with every kernel copy this CPU runs), writes
// the SPEC §8 numeric outputs back as <dir>/<column>.out.f64 for the agreement check, and prints
// the timings as one JSON object.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "riskscale/batch.hpp"
#include "riskscale/detail/simd_dispatch.hpp"

namespace {

std::vector<double> read_column(const std::string& path, std::size_t rows) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<double> values(rows);
  file.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(rows * sizeof(double)));
  if (file.gcount() != static_cast<std::streamsize>(rows * sizeof(double))) {
    throw std::runtime_error(path + " holds fewer than " + std::to_string(rows) + " doubles");
  }
  return values;
}

void write_column(const std::string& path, const double* values, std::size_t rows) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values), static_cast<std::streamsize>(rows * sizeof(double)));
  if (!file) throw std::runtime_error("cannot write " + path);
}

// Best wall time of `repeats` runs of classify_into, in seconds.
double best_seconds(const riskscale::portfolio& input, const riskscale::policy& pol, const riskscale::batch_output& out,
                    unsigned threads, int repeats) {
  riskscale::classify_into(input, pol, out, {threads, 0});  // touches every output page
  double best = 1e300;
  for (int run = 0; run < repeats; ++run) {
    const auto start = std::chrono::steady_clock::now();
    riskscale::classify_into(input, pol, out, {threads, 0});
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

// Best wall time of `repeats` one-thread runs with the kernel copy for `isa`: what classify_into does
// on one thread, with the copy forced (so one run shows every copy this CPU has side by side).
double best_seconds_with(const riskscale::portfolio& input, const riskscale::policy& pol,
                         const riskscale::batch_output& out, riskscale::detail::simd_isa isa, int repeats) {
  const std::vector<const double*> columns = riskscale::detail::resolve_columns(input, pol);
  const auto run = [&] {
    riskscale::detail::classify_range(pol, columns.data(), columns.size(), 0, input.rows(), out, isa,
                                      input.rows() >= riskscale::detail::streaming_rows);
  };
  run();
  double best = 1e300;
  for (int attempt = 0; attempt < repeats; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    run();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Times riskscale::classify_into on a portfolio stored as raw float64 columns"};
  std::string dir;
  std::size_t rows = 0;
  int repeats = 5;
  app.add_option("--dir", dir, "folder holding <field>.f64 for every policy input field")->required();
  app.add_option("--rows", rows, "accounts in each column")->required();
  app.add_option("--repeats", repeats, "timed runs per setting; the best is reported")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    const riskscale::policy pol;
    std::vector<std::vector<double>> columns;
    riskscale::portfolio input(rows);
    for (const std::string& field : pol.input_fields()) {
      columns.push_back(read_column(dir + "/" + field + ".f64", rows));
      input.add(field, columns.back());
    }
    riskscale::batch_result result(rows, pol);
    riskscale::batch_output numeric = result.view();  // SPEC §8 numeric outputs only
    numeric.recommendations = nullptr;
    numeric.recommendation_scores = nullptr;
    numeric.recommendation_count = nullptr;
    const double one_thread = best_seconds(input, pol, numeric, 1, repeats);
    const double two_threads = best_seconds(input, pol, numeric, 2, repeats);
    const double with_recommendations = best_seconds(input, pol, result.view(), 1, repeats);
    // Every vector copy this CPU runs, one thread each, numeric outputs (the widest is the one above).
    std::string by_isa;
    for (const riskscale::detail::simd_isa isa : riskscale::detail::all_isas) {
      if (isa == riskscale::detail::simd_isa::scalar || !riskscale::detail::isa_available(isa)) continue;
      const std::string name(riskscale::detail::to_string(isa));
      char seconds[64];
      std::snprintf(seconds, sizeof seconds, "%.9g", best_seconds_with(input, pol, numeric, isa, repeats));
      by_isa += (by_isa.empty() ? "\"" : ", \"") + name + "\": " + seconds;
    }

    const struct {
      const char* name;
      const double* values;
    } outputs[] = {{"risk_score", result.risk_score.data()},
                   {"scale_score", result.scale_score.data()},
                   {"frequency_score", result.frequency_score.data()},
                   {"reach_score", result.reach_score.data()},
                   {"margin", result.margin.data()},
                   {"p_high_scale_high_risk", result.membership[0].data()},
                   {"p_high_scale_low_risk", result.membership[1].data()},
                   {"p_low_scale_high_risk", result.membership[2].data()},
                   {"p_low_scale_low_risk", result.membership[3].data()},
                   {"users_for_high_scale", result.users_for_high_scale.data()},
                   {"active_days_for_high_scale", result.active_days_for_high_scale.data()}};
    for (const auto& output : outputs) write_column(dir + "/" + output.name + ".out.f64", output.values, rows);
    std::vector<double> archetype(result.archetype.begin(), result.archetype.end());
    write_column(dir + "/archetype.out.f64", archetype.data(), rows);
    std::vector<double> recommendation_count(result.recommendation_count.begin(), result.recommendation_count.end());
    write_column(dir + "/recommendation_count.out.f64", recommendation_count.data(), rows);

    std::printf(
        "{\"rows\": %zu, \"isa\": \"%s\", \"seconds_1_thread\": %.9g, \"seconds_2_threads\": %.9g, "
        "\"seconds_1_thread_with_recommendations\": %.9g, \"invalid_rows\": %zu, "
        "\"seconds_1_thread_by_isa\": {%s}}\n",
        rows, std::string(riskscale::detail::to_string(riskscale::detail::best_isa())).c_str(), one_thread, two_threads,
        with_recommendations, result.invalid_rows(), by_isa.c_str());
  } catch (const std::exception& e) {
    std::cerr << "riskscale_bench_driver: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
