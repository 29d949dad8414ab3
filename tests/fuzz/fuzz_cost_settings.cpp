// libFuzzer harness for riskscale::metrics::cost_settings::from_json (metrics cost --settings).
//
// Invariants checked (any violation aborts):
//  1. Any input either throws settings_error naming a JSON path that starts with '$' or yields
//     settings; no other exception escapes.
//  2. Accepted settings validate, and their JSON dump reads back to settings with the same dump.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "riskscale/metrics.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "cost settings fuzz invariant violated: %s %s\n", invariant, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using riskscale::metrics::cost_settings;
  const std::string text(reinterpret_cast<const char*>(data), size);
  cost_settings settings;
  try {
    settings = cost_settings::from_json(text);
    settings.validate();
  } catch (const riskscale::metrics::settings_error& e) {
    if (e.json_path().empty() || e.json_path().front() != '$') fail("json_path does not start with '$'", e.what());
    return 0;
  } catch (const std::exception& e) {
    fail("escaped", std::string(typeid(e).name()) + ": " + e.what());
  }
  try {
    const std::string dumped = settings.to_json();
    if (cost_settings::from_json(dumped).to_json() != dumped) fail("the dump reads back differently", dumped);
  } catch (const std::exception& e) {
    fail("the dump does not read back", e.what());
  }
  return 0;
}
