// detail/simd_*.hpp: every kernel copy (scalar, baseline SSE2, AVX2 and AVX-512 when the CPU has
// them; skipped with the reason otherwise) gives the same bits, and the lane exp/log are accurate
// to a couple of ulp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "riskscale/batch.hpp"
#include "riskscale/policy_json.hpp"
#include "riskscale/detail/simd_dispatch.hpp"
#include "riskscale/detail/simd_math.hpp"

namespace {

using riskscale::detail::simd_isa;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Distance in units in the last place between two finite doubles of one sign.
double ulp_distance(double got, double want) {
  if (got == want) return 0.0;
  return std::abs(got - want) / (std::nextafter(std::abs(want), INFINITY) - std::abs(want));
}

// The lane functions over arrays, for each width; the AVX2 copies run eight lanes (two AVX2
// registers per step, as the kernel's AVX2 copy does).
template <int W>
void exp_array(const std::vector<double>& x, std::vector<double>& y) {
  using S = riskscale::detail::simd<W>;
  for (std::size_t i = 0; i < x.size(); i += W) S::store(&y[i], riskscale::detail::exp_lanes<W>(S::load(&x[i])));
}
template <int W>
void log_array(const std::vector<double>& x, std::vector<double>& y) {
  using S = riskscale::detail::simd<W>;
  for (std::size_t i = 0; i < x.size(); i += W) S::store(&y[i], riskscale::detail::log_lanes<W>(S::load(&x[i])));
}
#if RISKSCALE_HAS_AVX2_DISPATCH
[[gnu::target("avx2")]] void exp_array_avx2(const std::vector<double>& x, std::vector<double>& y) {
  using S = riskscale::detail::simd<8>;
  for (std::size_t i = 0; i < x.size(); i += 8) S::store(&y[i], riskscale::detail::exp_lanes<8>(S::load(&x[i])));
}
[[gnu::target("avx2")]] void log_array_avx2(const std::vector<double>& x, std::vector<double>& y) {
  using S = riskscale::detail::simd<8>;
  for (std::size_t i = 0; i < x.size(); i += 8) S::store(&y[i], riskscale::detail::log_lanes<8>(S::load(&x[i])));
}
#endif
#if RISKSCALE_HAS_AVX512_DISPATCH
// Sixteen lanes, two AVX-512 registers per step, contraction off: as the kernel's AVX-512 copy.
[[gnu::target(RISKSCALE_AVX512_TARGET) RISKSCALE_NO_CONTRACTION]] void exp_array_avx512(const std::vector<double>& x,
                                                                                        std::vector<double>& y) {
  using S = riskscale::detail::simd<16>;
  for (std::size_t i = 0; i < x.size(); i += 16) S::store(&y[i], riskscale::detail::exp_lanes<16>(S::load(&x[i])));
}
[[gnu::target(RISKSCALE_AVX512_TARGET) RISKSCALE_NO_CONTRACTION]] void log_array_avx512(const std::vector<double>& x,
                                                                                        std::vector<double>& y) {
  using S = riskscale::detail::simd<16>;
  for (std::size_t i = 0; i < x.size(); i += 16) S::store(&y[i], riskscale::detail::log_lanes<16>(S::load(&x[i])));
}
#endif

// Why `isa` cannot run here, or empty when it can.
std::string unavailable_reason(simd_isa isa) {
  if (riskscale::detail::isa_available(isa)) return "";
  return std::string(riskscale::detail::to_string(isa)) +
         " copy not run: this CPU (or OS, or a build without GCC/Clang x86-64 dispatch) lacks it";
}

std::vector<double> uniform(std::size_t count, double low, double high, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> distribution(low, high);
  std::vector<double> values(count);
  for (double& v : values) v = distribution(rng);
  return values;
}

TEST(simd_math, exp_is_within_two_ulp_of_std_exp_and_every_width_agrees) {
  std::vector<double> x = uniform(1 << 16, -707.0, 709.0, 1);
  const std::vector<double> small = uniform(1 << 16, -1.0, 1.0, 2);
  x.insert(x.end(), small.begin(), small.end());
  std::vector<double> scalar(x.size()), pair(x.size());
  exp_array<1>(x, scalar);
  exp_array<2>(x, pair);
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    worst = std::max(worst, ulp_distance(scalar[i], std::exp(x[i])));
    ASSERT_TRUE(same_bits(scalar[i], pair[i])) << x[i];
  }
  EXPECT_LE(worst, 2.0);
#if RISKSCALE_HAS_AVX2_DISPATCH
  if (riskscale::detail::isa_available(simd_isa::avx2)) {
    std::vector<double> quad(x.size());
    exp_array_avx2(x, quad);
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(scalar[i], quad[i])) << x[i];
  }
#endif
}

TEST(simd_math, exp_avx512_gives_the_scalar_bits) {
  if (const std::string reason = unavailable_reason(simd_isa::avx512); !reason.empty()) GTEST_SKIP() << reason;
#if RISKSCALE_HAS_AVX512_DISPATCH
  std::vector<double> x = uniform(1 << 16, -707.0, 709.0, 1);
  const std::vector<double> small = uniform(1 << 16, -1.0, 1.0, 2);
  x.insert(x.end(), small.begin(), small.end());
  for (const double edge : {0.0, -0.0, -HUGE_VAL, HUGE_VAL, -800.0, 709.78, 710.0, -707.7, -707.69}) x.push_back(edge);
  while (x.size() % 16 != 0) x.push_back(0.5);
  std::vector<double> scalar(x.size()), wide(x.size());
  exp_array<1>(x, scalar);
  exp_array_avx512(x, wide);
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(scalar[i], wide[i])) << x[i];
#endif
}

TEST(simd_math, exp_edges) {
  const std::vector<double> x = {0.0, -0.0, 1.0, -INFINITY, INFINITY, -800.0, 709.78, 710.0, 700.0, -700.0};
  std::vector<double> y(x.size());
  exp_array<1>(x, y);
  EXPECT_EQ(y[0], 1.0);
  EXPECT_EQ(y[1], 1.0);
  EXPECT_LE(ulp_distance(y[2], std::exp(1.0)), 1.0);
  EXPECT_TRUE(same_bits(y[3], 0.0));  // SPEC §3: 0^w = 0 exactly
  EXPECT_EQ(y[4], INFINITY);
  EXPECT_TRUE(same_bits(y[5], 0.0));
  EXPECT_LE(ulp_distance(y[6], std::exp(709.78)), 2.0);  // n = 1024 stays finite
  EXPECT_EQ(y[7], INFINITY);
  EXPECT_LE(ulp_distance(y[8], std::exp(700.0)), 2.0);
  EXPECT_LE(ulp_distance(y[9], std::exp(-700.0)), 2.0);
}

TEST(simd_math, log_is_within_two_ulp_of_std_log_and_every_width_agrees) {
  std::vector<double> x = uniform(1 << 16, 0.0, 1.0, 3);
  const std::vector<double> large = uniform(1 << 16, 1.0, 1e9, 4);
  x.insert(x.end(), large.begin(), large.end());
  for (int e = -1074; e <= 1023; e += 7) x.push_back(std::ldexp(1.2345, e));  // subnormals too
  x.push_back(1.0);
  x.push_back(0.0);
  x.push_back(std::nextafter(1.0, 0.0));
  x.push_back(std::nextafter(1.0, 2.0));
  while (x.size() % 8 != 0) x.push_back(0.5);
  std::vector<double> scalar(x.size()), pair(x.size());
  log_array<1>(x, scalar);
  log_array<2>(x, pair);
  double worst = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] == 0.0) {
      EXPECT_EQ(scalar[i], -INFINITY);
    } else {
      worst = std::max(worst, ulp_distance(scalar[i], std::log(x[i])));
    }
    ASSERT_TRUE(same_bits(scalar[i], pair[i])) << x[i];
  }
  EXPECT_LE(worst, 2.0);
#if RISKSCALE_HAS_AVX2_DISPATCH
  if (riskscale::detail::isa_available(simd_isa::avx2)) {
    std::vector<double> quad(x.size());
    log_array_avx2(x, quad);
    for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(scalar[i], quad[i])) << x[i];
  }
#endif
}

TEST(simd_math, log_avx512_gives_the_scalar_bits) {
  if (const std::string reason = unavailable_reason(simd_isa::avx512); !reason.empty()) GTEST_SKIP() << reason;
#if RISKSCALE_HAS_AVX512_DISPATCH
  std::vector<double> x = uniform(1 << 16, 0.0, 1.0, 3);
  const std::vector<double> large = uniform(1 << 16, 1.0, 1e9, 4);
  x.insert(x.end(), large.begin(), large.end());
  for (int e = -1074; e <= 1023; e += 7) x.push_back(std::ldexp(1.2345, e));  // subnormals too
  for (const double edge : {0.0, 1.0, std::nextafter(1.0, 0.0), std::nextafter(1.0, 2.0)}) x.push_back(edge);
  while (x.size() % 16 != 0) x.push_back(0.5);
  std::vector<double> scalar(x.size()), wide(x.size());
  log_array<1>(x, scalar);
  log_array_avx512(x, wide);
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(scalar[i], wide[i])) << x[i];
#endif
}

TEST(simd_math, ceil_of_nonnegative_values) {
  using S = riskscale::detail::simd<1>;
  for (const double x :
       {0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 999.0000001, 1e15 + 0.5, 4503599627370495.5, 4503599627370496.0, 1e300}) {
    EXPECT_EQ(riskscale::detail::ceil_nonnegative_lanes<1>(S::splat(x)), std::ceil(x)) << x;
  }
}

// A random portfolio with edge values (0, bounds, subnormals) and a few invalid rows.
struct portfolio_columns {
  std::vector<std::vector<double>> columns;
  riskscale::portfolio view;

  portfolio_columns(std::size_t rows, const riskscale::policy& pol) : view(rows) {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const std::vector<std::string> fields = pol.input_fields();
    columns.resize(fields.size());
    for (std::size_t c = 0; c < fields.size(); ++c) {
      columns[c].resize(rows);
      for (double& value : columns[c]) {
        const double u = unit(rng);
        const double pick = unit(rng);
        const bool days = fields[c] == "active_days";
        const bool count = fields[c] == "users" || fields[c] == "seats";
        const double upper = days ? 31.0 : count ? 1e9 : 1.0;
        if (pick < 0.02)
          value = 0.0;
        else if (pick < 0.04)
          value = upper;
        else if (pick < 0.045)
          value = 5e-324;
        else if (pick < 0.0455)
          value = -1.0;  // invalid
        else if (pick < 0.046)
          value = std::numeric_limits<double>::quiet_NaN();  // invalid
        else
          value = days ? 31.0 * u : count ? std::floor(std::exp(14.0 * u) - 1.0) : u;
      }
      view.add(fields[c], columns[c]);
    }
  }
};

riskscale::batch_result classify_with(const riskscale::portfolio& input, const riskscale::policy& pol, simd_isa isa) {
  riskscale::batch_result result(input.rows(), pol);
  const std::vector<const double*> columns = riskscale::detail::resolve_columns(input, pol);
  riskscale::detail::classify_range(pol, columns.data(), columns.size(), 0, input.rows(), result.view(), isa);
  return result;
}

void expect_identical(const riskscale::batch_result& a, const riskscale::batch_result& b) {
  const auto same_column = [&](const Eigen::ArrayXd& x, const Eigen::ArrayXd& y, const char* name) {
    for (Eigen::Index i = 0; i < x.size(); ++i) ASSERT_TRUE(same_bits(x[i], y[i])) << name << " row " << i;
  };
  same_column(a.risk_score, b.risk_score, "risk_score");
  same_column(a.scale_score, b.scale_score, "scale_score");
  same_column(a.frequency_score, b.frequency_score, "frequency_score");
  same_column(a.reach_score, b.reach_score, "reach_score");
  same_column(a.margin, b.margin, "margin");
  for (std::size_t k = 0; k < 4; ++k) same_column(a.membership[k], b.membership[k], "membership");
  same_column(a.users_for_high_scale, b.users_for_high_scale, "users_for_high_scale");
  same_column(a.active_days_for_high_scale, b.active_days_for_high_scale, "active_days_for_high_scale");
  same_column(a.recommendation_scores, b.recommendation_scores, "recommendation_scores");
  EXPECT_EQ(a.archetype, b.archetype);
  EXPECT_EQ(a.borderline, b.borderline);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.invalid_field, b.invalid_field);
  EXPECT_EQ(a.recommendations, b.recommendations);
  EXPECT_EQ(a.recommendation_count, b.recommendation_count);
}

std::string policy_name(std::size_t index) {
  const char* const names[] = {"default", "custom", "reach_only", "frequency_only"};
  return names[index];
}

const char* const test_policies[] = {"{}",
                                     R"({"risk_weights": {"sensitive_data": 0.6, "export_control": 0.7},
        "scale_weights": {"frequency": 1, "reach": 1}, "top_k": 3,
        "temperature": 0.01, "scale_threshold": 0.55})",
                                     R"({"scale_weights": {"frequency": 0, "reach": 1}, "min_score": 0})",
                                     R"({"scale_weights": {"frequency": 1, "reach": 0}})"};

// One test per (policy, kernel copy): a copy the CPU lacks is reported as skipped, with the reason.
class dispatch_equivalence : public ::testing::TestWithParam<std::tuple<std::size_t, simd_isa>> {};

TEST_P(dispatch_equivalence, the_copy_gives_the_scalar_bits) {
  const auto [policy_index, isa] = GetParam();
  if (const std::string reason = unavailable_reason(isa); !reason.empty()) GTEST_SKIP() << reason;
  const riskscale::policy pol = riskscale::policy::from_json(test_policies[policy_index]);
  constexpr std::size_t rows = 100003;  // not a whole number of blocks
  const portfolio_columns data(rows, pol);
  const riskscale::batch_result reference = classify_with(data.view, pol, simd_isa::scalar);
  EXPECT_GT(reference.invalid_rows(), 0u);
  EXPECT_LT(reference.invalid_rows(), rows / 10);
  expect_identical(classify_with(data.view, pol, isa), reference);
  // The public entry point uses the best instruction set: the same bits again.
  if (isa == riskscale::detail::best_isa()) expect_identical(riskscale::classify(data.view, pol, {2, 0}), reference);
}

INSTANTIATE_TEST_SUITE_P(policies, dispatch_equivalence,
                         ::testing::Combine(::testing::Range<std::size_t>(0, std::size(test_policies)),
                                            ::testing::Values(simd_isa::baseline, simd_isa::avx2, simd_isa::avx512)),
                         [](const auto& info) {
                           return policy_name(std::get<0>(info.param)) + "_" +
                                  std::string(riskscale::detail::to_string(std::get<1>(info.param)));
                         });

TEST(dispatch, the_best_instruction_set_is_available) {
  EXPECT_TRUE(riskscale::detail::isa_available(riskscale::detail::best_isa()));
  EXPECT_TRUE(riskscale::detail::isa_available(simd_isa::scalar));
  EXPECT_TRUE(riskscale::detail::isa_available(simd_isa::baseline));
  // The widest copy wins: AVX-512 where the CPU has it, else AVX2, else the baseline.
  if (riskscale::detail::isa_available(simd_isa::avx512)) {
    EXPECT_EQ(riskscale::detail::best_isa(), simd_isa::avx512);
  } else if (riskscale::detail::isa_available(simd_isa::avx2)) {
    EXPECT_EQ(riskscale::detail::best_isa(), simd_isa::avx2);
  }
}

}  // namespace
