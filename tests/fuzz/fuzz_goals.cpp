// libFuzzer harness for riskscale::report::parse_goals (riskscale report --goals, riskscale.report(goals=)).
//
// Invariants checked (any violation aborts):
//  1. Any input either throws riskscale::error with a non-empty message or yields goals; no other
//     exception escapes (the CLI turns riskscale::error into "exit 2, named").
//  2. Accepted goals have a non-empty initiative, a known metric and a finite target, and their
//     JSON dump reads back to the same goals.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include "report/goals.hpp"
#include "riskscale/error.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "goals fuzz invariant violated: %s %s\n", invariant, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<riskscale::report::goal> goals;
  try {
    goals = riskscale::report::parse_goals(text);
  } catch (const riskscale::error& e) {
    if (std::string(e.what()).empty()) fail("an error without a message");
    return 0;
  } catch (const std::exception& e) {
    fail("escaped", std::string(typeid(e).name()) + ": " + e.what());
  }
  for (const auto& g : goals) {
    if (g.initiative.empty()) fail("an empty initiative was accepted");
    if (!std::isfinite(g.target)) fail("a target that is not finite was accepted");
    bool known = false;
    for (const auto& m : riskscale::report::goal_metrics()) known = known || m.name == g.metric;
    if (!known) fail("an unknown metric was accepted", g.metric);
  }
  const std::string dump = riskscale::report::goals_to_json(goals);
  try {
    if (riskscale::report::parse_goals(dump) != goals) fail("the dump reads back to other goals", dump);
  } catch (const riskscale::error& e) {
    // Text that is not valid UTF-8 is replaced in the dump, which may then be another goal; it must still read.
    fail("the dump does not read back", std::string(e.what()) + " in " + dump);
  }
  return 0;
}
