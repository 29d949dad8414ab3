// libFuzzer harness for riskscale::date::parse (plan --start, Python start dates).
//
// Invariants checked (any violation aborts):
//  1. Any input either throws riskscale::error naming the accepted form or yields a date; no other
//     exception escapes.
//  2. An accepted date lies in 1900-01-01..2199-12-31, prints as exactly the text it was read from,
//     and stepping it by any day count either stays in that range or throws riskscale::error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "riskscale/plan.hpp"

namespace {

[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "date fuzz invariant violated: %s %s\n", invariant, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using riskscale::date;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  date parsed;
  try {
    parsed = date::parse(text);
  } catch (const riskscale::error& e) {
    if (std::string(e.what()).find("accepted: YYYY-MM-DD") == std::string::npos) fail("no accepted form", e.what());
    return 0;
  } catch (const std::exception& e) {
    fail("escaped", e.what());
  }
  if (parsed < date::first() || date::last() < parsed)
    fail("a date outside the range was accepted", parsed.to_string());
  if (parsed.to_string() != text) fail("the date prints differently from its text", parsed.to_string());
  long step = 0;
  std::memcpy(&step, data, std::min(size, sizeof step));
  for (const long days : {step, -step, step % 100000, 1L, -1L}) {
    try {
      const date moved = parsed.plus_days(days);
      if (moved < date::first() || date::last() < moved) fail("plus_days left the range", moved.to_string());
      if (moved.plus_days(-days) != parsed) fail("plus_days does not invert");
    } catch (const riskscale::error&) {
      // refused outside the range: fine
    }
  }
  return 0;
}
