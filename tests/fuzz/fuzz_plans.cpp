// libFuzzer harness for riskscale::report::plans_from_rows (riskscale report --plans, riskscale.report(plans=)):
// the fuzzer's bytes are a CSV file of touchpoint rows, read by the CLI's CSV reader.
//
// Invariants checked (any violation aborts):
//  1. Any input either throws riskscale::input_error with a non-empty message or yields plans; no other
//     exception escapes (the CLI turns it into "exit 2, file line N, column C").
//  2. Accepted plans hold every row once, each touchpoint on a day in [0, length_days) dated start + day,
//     and one milestone per milestone touchpoint.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "csv/csv.hpp"
#include "report/plans.hpp"
#include "riskscale/error.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "plans fuzz invariant violated: %s %s\n", invariant, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  riskscale::csv::reader reader(in);
  riskscale::csv::record record;
  if (!reader.next(record) || record.malformed) return 0;
  const std::vector<std::string> header = record.fields;
  std::map<std::string, std::vector<std::string>> columns;
  std::size_t rows = 0;
  while (reader.next(record)) {
    if (record.malformed || record.too_large || record.fields.size() != header.size()) return 0;
    for (std::size_t c = 0; c < header.size(); ++c) columns[header[c]].push_back(record.fields[c]);
    ++rows;
  }
  const auto column = [&](const char* name) {
    const auto found = columns.find(name);
    return found == columns.end() ? std::vector<std::string>() : found->second;
  };
  const riskscale::report::plan_rows input{column("account_id"), column("day"),       column("date"),
                                           column("stage"),      column("channel"),   column("kind"),
                                           column("title"),      column("archetype"), column("format"),
                                           column("audience"),   column("detail")};
  std::vector<riskscale::onboarding_plan> plans;
  try {
    plans = riskscale::report::plans_from_rows(input);
  } catch (const riskscale::input_error& e) {
    if (std::string(e.what()).empty()) fail("an error without a message");
    return 0;
  } catch (const std::exception& e) {
    fail("escaped", std::string(typeid(e).name()) + ": " + e.what());
  }
  std::size_t touchpoints = 0;
  for (const riskscale::onboarding_plan& p : plans) {
    std::size_t milestones = 0;
    for (const riskscale::touchpoint& t : p.touchpoints) {
      if (t.day < 0 || t.day >= p.length_days) fail("a day outside the plan", p.account_id);
      if (t.date.days_since_epoch() != p.start.days_since_epoch() + t.day) fail("a date not start + day", p.account_id);
      if (t.kind == riskscale::touchpoint_kind::milestone) ++milestones;
    }
    if (milestones != p.milestones.size()) fail("milestones lost", p.account_id);
    touchpoints += p.touchpoints.size();
  }
  if (!plans.empty() && touchpoints != rows) fail("rows lost");
  return 0;
}
