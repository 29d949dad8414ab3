// libFuzzer harness for riskscale::product_traits::from_json (plan --traits, Python traits).
//
// Invariants checked (any violation aborts):
//  1. Any input either throws riskscale::error with a non-empty message or yields traits; no
//     other exception escapes (the CLI turns riskscale::error into "exit 2, named").
//  2. Accepted traits lie in [0, 1], and their JSON dump reads back to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

#include "riskscale/content.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "traits fuzz invariant violated: %s %s\n", invariant, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  riskscale::product_traits traits;
  try {
    traits = riskscale::product_traits::from_json(text);
  } catch (const riskscale::error& e) {
    if (std::string(e.what()).empty()) fail("an error without a message");
    return 0;
  } catch (const std::exception& e) {
    fail("escaped", std::string(typeid(e).name()) + ": " + e.what());
  }
  for (const double value : traits.values) {
    if (!(value >= 0.0 && value <= 1.0)) fail("a trait outside [0, 1] was accepted");
  }
  try {
    const riskscale::product_traits again = riskscale::product_traits::from_json(traits.to_json());
    if (again.values != traits.values) fail("the dump reads back to other values", traits.to_json());
  } catch (const std::exception& e) {
    fail("the dump does not read back", e.what());
  }
  return 0;
}
