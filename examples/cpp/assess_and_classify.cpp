// Assess one account, then classify a small portfolio held as columns.
#include <cstdio>
#include <vector>

#include <riskscale/riskscale.hpp>

int main() {
  const riskscale::policy policy;  // the SPEC defaults; policy::from_file("p.json") reads yours

  riskscale::account clinic;
  clinic.account_id = "ACME-clinic";
  clinic.sensitive_data = 0.9;
  clinic.legal_exposure = 0.7;
  clinic.active_days = 18;
  clinic.users = 450;
  const riskscale::assessment a = riskscale::assess(clinic, policy);
  std::printf("%s\n  archetype: %s (margin %.3f%s)\n  risk %.3f, scale %.3f (frequency %.3f, reach %.3f)\n",
              a.account_id.c_str(), riskscale::to_string(a.archetype).data(), a.margin,
              a.borderline ? ", borderline" : "", a.risk_score, a.scale_score, a.frequency_score,
              a.reach_score);
  for (const auto& r : a.recommendations) {
    std::printf("  %-24s %.3f  %s\n", r.id.data(), r.score, a.format(r).description.c_str());
  }

  // A portfolio is a set of borrowed columns: numpy arrays, Eigen arrays or vectors.
  const std::vector<double> sensitive_data = {0.9, 0.1, 0.2, 0.0};
  const std::vector<double> org_disruption = {0.4, 0.1, 0.8, 0.1};
  const std::vector<double> physical_safety = {0.0, 0.0, 0.6, 0.0};
  const std::vector<double> legal_exposure = {0.8, 0.0, 0.1, 0.0};
  const std::vector<double> active_days = {22, 25, 4, 40};  // the last row is invalid (> 31)
  const std::vector<double> users = {5000, 12000, 8, 30};
  riskscale::portfolio accounts(users.size());
  accounts.add("sensitive_data", sensitive_data)
      .add("org_disruption", org_disruption)
      .add("physical_safety", physical_safety)
      .add("legal_exposure", legal_exposure)
      .add("active_days", active_days)
      .add("users", users);
  const riskscale::batch_result result = riskscale::classify(accounts, policy, {/*threads=*/2});
  const std::vector<std::string> fields = policy.input_fields();
  for (std::size_t row = 0; row < result.rows; ++row) {
    if (result.status[row] != riskscale::row_status::ok) {
      std::printf("row %zu: invalid %s (%s)\n", row, fields[result.invalid_field[row]].c_str(),
                  riskscale::to_string(result.status[row]).data());
      continue;
    }
    const auto type = static_cast<riskscale::archetype>(result.archetype[row]);
    std::printf("row %zu: %-20s risk %.3f scale %.3f first format %s\n", row,
                riskscale::to_string(type).data(), result.risk_score[row], result.scale_score[row],
                policy.catalog()[result.recommendations[row * result.recommendation_width]].id.c_str());
  }
  return 0;
}
