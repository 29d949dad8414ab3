// libFuzzer harness for the SPEC §9 input mapping (riskscale/inputs.hpp): cell texts through every rule kind.
//
// The input is text: one row per line, cells separated by ','; cell k feeds source column k % 7 of a
// policy whose `inputs` uses every rule kind (map with and without default, bands, linear, scale/offset,
// max, value, a plain column, seats). Invariants checked (any violation aborts):
//  1. Mapping never throws and every row gets ok or a SPEC §9 reason; an invalid row names a field.
//  2. A valid row's inputs lie in their SPEC §2 ranges (seats may be absent: NaN); an invalid row's
//     failing input is NaN.
//  3. The failure of an invalid row re-runs to the same reason, with a message that starts with the
//     input's name and names its source column.
//  4. The same cells as categories (one per distinct text) map to exactly the same values and reasons.
//  5. classify() of the table gives the mapping's status and field, and no scores, for invalid rows.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "riskscale/inputs.hpp"
#include "riskscale/policy_json.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "inputs fuzz invariant violated: %s%s%s\n", invariant, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

const riskscale::policy& fuzz_policy() {
  static const riskscale::policy pol = riskscale::policy::from_json(R"({"version": 1, "inputs": {
    "account_id": "Id",
    "sensitive_data": {"column": "Industry", "map": {"Healthcare": 0.9, " retail ": 0.3, "": 0.1}, "default": 0.2},
    "org_disruption": {"column": "Admins", "bands": [[0, 0.1], [5, 0.4], [20, 0.8]]},
    "physical_safety": {"value": 0.05},
    "legal_exposure": {"max": [{"column": "Compliance", "map": {"HIPAA": 1, "SOC 2": 0.6}},
                               {"column": "PII", "map": {"yes": 0.8, "no": 0}, "default": 0.4}]},
    "active_days": {"column": "Ratio", "scale": 30, "offset": -1},
    "users": {"column": "Licensed", "linear": [[0, 0], [100, 80], [1000, 500]]},
    "seats": {"column": "Seats"}}})");
  return pol;
}

const char* const source_names[7] = {"Industry", "Admins", "Compliance", "PII", "Ratio", "Licensed", "Seats"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::vector<std::string_view>> cells(7);
  std::size_t rows = 0;
  for (std::size_t begin = 0; begin <= text.size() && rows < 256;) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    const std::string_view line = text.substr(begin, end - begin);
    std::size_t column = 0;
    for (std::size_t cell_begin = 0; column < 7;) {
      const std::size_t cell_end = std::min(line.find(',', cell_begin), line.size());
      cells[column++].push_back(cell_begin <= line.size() ? line.substr(cell_begin, cell_end - cell_begin)
                                                          : std::string_view());
      cell_begin = cell_end + 1;
    }
    ++rows;
    begin = end + 1;
  }
  const riskscale::policy& pol = fuzz_policy();
  riskscale::source_table table(rows);
  // The same cells as categories: one per distinct text.
  std::vector<std::vector<std::string_view>> categories(7);
  std::vector<std::vector<std::int32_t>> codes(7);
  for (std::size_t c = 0; c < 7; ++c) {
    std::map<std::string_view, std::int32_t> code_of;
    for (std::string_view cell : cells[c]) {
      const auto [it, added] = code_of.emplace(cell, static_cast<std::int32_t>(categories[c].size()));
      if (added) categories[c].push_back(cell);
      codes[c].push_back(it->second);
    }
  }
  riskscale::source_table as_categories(rows);
  for (std::size_t c = 0; c < 7; ++c) {
    table.add(source_names[c], riskscale::source_column::text(cells[c].data()));
    as_categories.add(source_names[c], riskscale::source_column::from_categories(codes[c].data(), categories[c].data(),
                                                                                 categories[c].size()));
  }
  try {
    const riskscale::mapped_inputs mapped = riskscale::map_inputs(table, pol, {1, 0});
    const riskscale::mapped_inputs again = riskscale::map_inputs(as_categories, pol, {1, 0});
    const riskscale::input_plan plan(pol, table);
    const riskscale::batch_result result = riskscale::classify(table, pol, {1, 0});
    for (std::size_t r = 0; r < rows; ++r) {
      const auto status = mapped.status[r];
      if (static_cast<int>(status) > static_cast<int>(riskscale::row_status::unmapped_value)) fail("unknown status");
      if (status != again.status[r] || mapped.invalid_field[r] != again.invalid_field[r]) {
        fail("categories give another status", std::to_string(r));
      }
      for (std::size_t f = 0; f < mapped.fields.size(); ++f) {
        const double a = mapped.values[f][r], b = again.values[f][r];
        if (!(a == b || (std::isnan(a) && std::isnan(b)))) fail("categories give another value", mapped.fields[f]);
      }
      if (result.status[r] != status || result.invalid_field[r] != mapped.invalid_field[r]) {
        fail("classify status differs from the mapping's");
      }
      if (status == riskscale::row_status::ok) {
        for (std::size_t f = 0; f < mapped.fields.size(); ++f) {
          const double value = mapped.values[f][r];
          const auto range = riskscale::detail::model_input_range(mapped.fields[f]);
          if (mapped.fields[f] == "seats" && std::isnan(value)) continue;
          if (!(value >= range.lower && value <= range.upper))
            fail("valid row with an input out of range", mapped.fields[f]);
        }
        if (std::isnan(result.risk_score[static_cast<Eigen::Index>(r)])) fail("valid row without a risk score");
        continue;
      }
      if (mapped.invalid_field[r] < 0) fail("invalid row names no field");
      const auto field = static_cast<std::size_t>(mapped.invalid_field[r]);
      if (!std::isnan(mapped.values[field][r])) fail("failing input holds a value");
      if (!std::isnan(result.risk_score[static_cast<Eigen::Index>(r)])) fail("invalid row has a risk score");
      const riskscale::input_failure failure = plan.failure(r, field);
      if (failure.status != status) fail("failure re-run gives another reason", failure.message);
      if (failure.message.rfind(mapped.fields[field] + ": ", 0) != 0)
        fail("message does not start with the input", failure.message);
      if (failure.message.find(failure.column) == std::string::npos) fail("message lacks the column", failure.message);
    }
  } catch (const std::exception& e) {
    fail("exception escaped", e.what());
  }
  return 0;
}
