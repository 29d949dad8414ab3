"""riskscale: the risk–scale onboarding matrix for notebooks.

Place customer accounts on a 2×2 matrix of risk and scale, name their onboarding
archetype and recommend training formats. Every number comes from the C++ core
(``riskscale._core``); this package translates between it and pandas/numpy.

Examples
--------
>>> import riskscale
>>> a = riskscale.assess(sensitive_data=0.9, org_disruption=0.2, physical_safety=0.0,
...                      legal_exposure=0.7, active_days=18, users=450)
>>> a.archetype
'high_scale_high_risk'
"""

from ._core import SPEC_VERSION, InputError, PolicyError, RiskscaleError
from ._core import __version__
from ._build_info import build_info
from ._policy import Policy
from ._assess import Assessment, Recommendation, assess
from ._classify import ARCHETYPES, classify, recommendations
from ._inputs import policy_template
from ._summary import summary
from ._plot import plot_matrix
from . import metrics
from ._usage import usage
from ._drift import ALERT_KINDS, DRIFT_STATUSES, Drift, drift
from ._report import Report, report
from ._calibrate import CALIBRATION_PARAMETERS, Calibration, calibrate, plot_validation, validate
from ._plan import (TRAITS, ContentRecommendation, EducationPriority, Plan, education_priority, plan, plans,
                    plans_to_csv, plans_to_ics, recommend_content)

__all__ = [
    "ALERT_KINDS",
    "ARCHETYPES",
    "CALIBRATION_PARAMETERS",
    "Calibration",
    "Assessment",
    "ContentRecommendation",
    "DRIFT_STATUSES",
    "Drift",
    "EducationPriority",
    "InputError",
    "Plan",
    "Policy",
    "PolicyError",
    "Recommendation",
    "Report",
    "RiskscaleError",
    "SPEC_VERSION",
    "TRAITS",
    "assess",
    "build_info",
    "calibrate",
    "classify",
    "drift",
    "education_priority",
    "plan",
    "plans",
    "plans_to_csv",
    "plans_to_ics",
    "plot_matrix",
    "plot_validation",
    "policy_template",
    "recommend_content",
    "recommendations",
    "report",
    "summary",
    "usage",
    "validate",
    "__version__",
]


def __dir__() -> list:
    """The public names only (PEP 562): ``dir()`` shows the API, not the imports."""
    return sorted(__all__)
