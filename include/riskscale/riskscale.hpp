// riskscale: the whole library, one include: policy, single-account assessment, batch classification,
// content formats and onboarding plans.
#pragma once

#include "riskscale/version.hpp"
#include "riskscale/build_info.hpp"
#include "riskscale/error.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/catalog.hpp"
#include "riskscale/account.hpp"
#include "riskscale/policy.hpp"
#include "riskscale/explain.hpp"
#include "riskscale/assess.hpp"
#include "riskscale/batch.hpp"
#include "riskscale/inputs.hpp"
#include "riskscale/summary.hpp"
#include "riskscale/describe.hpp"
#include "riskscale/content.hpp"
#include "riskscale/plan.hpp"
#include "riskscale/metrics.hpp"
#include "riskscale/utf8.hpp"
#include "riskscale/usage.hpp"
#include "riskscale/drift.hpp"
#include "riskscale/validate.hpp"
// calibrate.hpp (fitting a policy to labelled accounts) is included on its own: it needs LBFGSpp
// (Debian liblbfgspp-dev), which the rest of the library does not.
