// Thread safety: one immutable policy shared by 8 threads that call assess, classify (itself on
// worker threads) and plan at once. Each thread's results must equal those computed alone; under
// the `tsan` preset ThreadSanitizer also checks that no two threads race on any byte.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "riskscale/riskscale.hpp"

namespace {

using riskscale::policy;

struct columns {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;
  riskscale::portfolio view;

  columns(std::size_t rows, const policy& pol, unsigned seed) : view(rows) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    names = pol.input_fields();
    values.resize(names.size());
    for (std::size_t c = 0; c < names.size(); ++c) {
      for (std::size_t r = 0; r < rows; ++r) {
        const double u = unit(rng);
        values[c].push_back(names[c] == "active_days"                    ? 31.0 * u
                            : names[c] == "users" || names[c] == "seats" ? 5000.0 * u
                                                                         : u);
      }
      view.add(names[c], values[c]);
    }
  }

  [[nodiscard]] riskscale::account account_at(std::size_t row) const {
    riskscale::account a;
    a.account_id = "ACC-" + std::to_string(row);
    for (std::size_t c = 0; c < names.size(); ++c) a.set_field(names[c], values[c][row]);
    return a;
  }
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(Concurrency, EightThreadsShareOnePolicyForAssessClassifyAndPlan) {
  const policy shared = policy::from_json(R"({"version": 1, "risk_threshold": 0.45, "top_k": 5})");
  constexpr std::size_t rows = 3000;
  const columns data(rows, shared, 14);
  // What one thread computes alone, first.
  const riskscale::batch_result alone = riskscale::classify(data.view, shared, {1, 0});
  const riskscale::date start = riskscale::date::parse("2027-01-04");
  const std::string plan_alone = riskscale::plan_to_json(
      riskscale::plan(riskscale::assess(data.account_at(7), shared), riskscale::product_traits{}, start));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        const riskscale::batch_result together = riskscale::classify(data.view, shared, {2, 97 + t});
        for (std::size_t r = 0; r < rows; ++r) {
          const auto i = static_cast<Eigen::Index>(r);
          if (!same_bits(together.risk_score[i], alone.risk_score[i]) ||
              !same_bits(together.scale_score[i], alone.scale_score[i]) ||
              together.archetype[r] != alone.archetype[r]) {
            ++mismatches;
          }
        }
        for (std::size_t r = t; r < rows; r += 37) {
          const riskscale::assessment a = riskscale::assess(data.account_at(r), shared);
          if (!same_bits(a.risk_score, alone.risk_score[static_cast<Eigen::Index>(r)])) ++mismatches;
        }
        const std::string planned = riskscale::plan_to_json(
            riskscale::plan(riskscale::assess(data.account_at(7), shared), riskscale::product_traits{}, start));
        if (planned != plan_alone) ++mismatches;
        // Policies made and dropped concurrently share nothing mutable with `shared`.
        const policy copy = shared;
        if (!(copy == shared)) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
