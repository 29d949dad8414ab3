// riskscale: the version of this build and of the SPEC it implements.
#pragma once

#define RISKSCALE_VERSION_MAJOR 0
#define RISKSCALE_VERSION_MINOR 1
#define RISKSCALE_VERSION_PATCH 0
#define RISKSCALE_VERSION_STRING "0.1.0"

namespace riskscale {

/// The library version as "major.minor.patch".
inline constexpr const char* version = RISKSCALE_VERSION_STRING;

/// The SPEC.md model version this build implements and the only policy `version` it reads.
inline constexpr int spec_version = 1;

}  // namespace riskscale
