// libFuzzer harness for riskscale::policy::from_json (SPEC §7).
//
// Invariants checked (any violation aborts, so libFuzzer keeps the input):
//  1. Any input either throws riskscale::policy_error or yields a policy; no other
//     exception escapes (a front end turns policy_error alone into "exit 2, the key named").
//  2. A policy_error names a JSON path that starts with '$', has a non-empty message,
//     and its what() contains the path (users read what(), tools read json_path()).
//  3. An accepted policy dumps with to_json() to a document that loads again, without
//     error, to an equal policy; the dump of the reloaded policy is the same text, and
//     the compact dump loads to the same policy too ("dump and load give the same results").
//  4. The values an accepted policy derives are usable (SPEC §3): the normalised scale
//     weights lie in [0, 1] and sum to 1, ln(1 + reach_full) is finite and positive, and
//     the recommendation width is at most the catalogue size.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include "riskscale/policy.hpp"
#include "riskscale/policy_json.hpp"

namespace {

// Prints what broke and aborts, so libFuzzer saves the input.
[[noreturn]] void fail(const char* invariant, const std::string& detail = {}) {
  std::fprintf(stderr, "policy fuzz invariant violated: %s%s%s\n", invariant, detail.empty() ? "" : ": ",
               detail.c_str());
  std::abort();
}

// Loads `text`, turning every outcome other than a policy or a policy_error into a failure.
std::optional<riskscale::policy> load(std::string_view text, const char* stage) {
  try {
    return riskscale::policy::from_json(text);
  } catch (const riskscale::policy_error& e) {
    const std::string what = e.what();
    if (e.json_path().empty() || e.json_path().front() != '$') fail("json_path does not start with '$'", what);
    if (e.message().empty()) fail("policy_error with an empty message", what);
    if (what.find(e.json_path()) == std::string::npos) fail("what() lacks the json_path", what);
    return std::nullopt;
  } catch (const std::exception& e) {
    fail(stage, std::string("escaped ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    fail(stage, "escaped a non-std exception");
  }
}

// Dumps `pol`, failing on any exception.
std::string dump(const riskscale::policy& pol, int indent) {
  try {
    return pol.to_json(indent);
  } catch (const std::exception& e) {
    fail("to_json() threw", std::string(typeid(e).name()) + ": " + e.what());
  }
}

// SPEC §3: what the kernel will compute with must make sense for every accepted policy.
void check_derived_values(const riskscale::policy& pol) {
  const double frequency_weight = pol.frequency_weight();
  const double reach_weight = pol.reach_weight();
  const std::string weights = std::to_string(frequency_weight) + " + " + std::to_string(reach_weight);
  if (!(frequency_weight >= 0 && frequency_weight <= 1 && reach_weight >= 0 && reach_weight <= 1)) {
    fail("a normalised scale weight lies outside [0, 1]", weights);
  }
  if (!(std::fabs(frequency_weight + reach_weight - 1.0) <= 1e-12)) {
    fail("the normalised scale weights do not sum to 1", weights);
  }
  if (!(std::isfinite(pol.log_reach_full()) && pol.log_reach_full() > 0)) {
    fail("ln(1 + reach_full) is not finite and positive", std::to_string(pol.log_reach_full()));
  }
  if (pol.recommendation_width() > pol.catalog().size()) fail("recommendation width exceeds the catalogue");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<riskscale::policy> loaded = load(text, "from_json(input)");
  if (!loaded) return 0;
  check_derived_values(*loaded);

  const std::string dumped = dump(*loaded, 2);
  const std::optional<riskscale::policy> reloaded = load(dumped, "from_json(to_json())");
  if (!reloaded) fail("the dump of an accepted policy is refused", dumped);
  if (*reloaded != *loaded) fail("the dump reloads to a different policy", dumped);
  if (dump(*reloaded, 2) != dumped) fail("the dump is not a fixed point", dumped);

  const std::string compact = dump(*loaded, -1);
  const std::optional<riskscale::policy> from_compact = load(compact, "from_json(to_json(-1))");
  if (!from_compact || *from_compact != *loaded) fail("the compact dump reloads to a different policy", compact);
  return 0;
}
