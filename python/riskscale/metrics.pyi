# Type stubs for riskscale.metrics (education and onboarding metrics; the numbers come from the C++ core).
import os
from typing import Any, Dict, Literal, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

_SettingsSource = Union[str, os.PathLike[str], Mapping[str, Any], None]

#: Name of the group (and of the course) that holds every row.
OVERALL: str
#: Reason names, in the order of their bits.
REASONS: Tuple[str, ...]
#: Delivery modes of the training cost model.
DELIVERY_MODES: Tuple[str, ...]
#: Outcome columns impact() reads by default, those present.
IMPACT_OUTCOMES: Tuple[str, ...]

def adoption(
    data: pd.DataFrame, users: Optional[pd.DataFrame] = None, *, level: Literal["group", "account"] = "group"
) -> pd.DataFrame:
    """Training coverage, activation and shelfware seats per archetype and overall (or per account)."""

def funnel(
    data: pd.DataFrame,
    stages: Sequence[str],
    *,
    stage_column: Optional[str] = None,
    by: Optional[str] = None,
    level: Literal["group", "row"] = "group",
) -> pd.DataFrame:
    """Stage counts, step and overall conversion, largest drop; from counts or per-user furthest stages."""

def program(data: pd.DataFrame, *, by: Optional[str] = None) -> pd.DataFrame:
    """Enrolments, completions, completion and pass rates, median days to completion per course and archetype."""

def impact(
    data: pd.DataFrame,
    *,
    completed: str = "onboarding_completed",
    outcomes: Optional[Sequence[str]] = None,
    min_group_size: int = 10,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Outcome rates with and without completed onboarding, their difference and Newcombe interval."""

def interaction_rate(data: pd.DataFrame, *, level: Literal["row", "group"] = "row") -> pd.DataFrame:
    """Interactions ÷ posts ÷ followers × 100 per channel and period (or pooled per group)."""

def cost_settings(settings: _SettingsSource = None, **overrides: Any) -> Dict[str, Any]:
    """The effective training cost settings."""

def break_even(
    *, instructor_led: Literal["ilt_onsite", "ilt_virtual"] = "ilt_onsite", settings: _SettingsSource = None,
    **overrides: Any
) -> Optional[int]:
    """The smallest number of learners at which on-demand costs no more than instructor-led."""

def cost(
    data: Optional[pd.DataFrame] = None,
    *,
    learners: Union[int, Sequence[int], None] = None,
    level: Literal["group", "account"] = "group",
    settings: _SettingsSource = None,
    **overrides: Any,
) -> pd.DataFrame:
    """Training cost of each account's recommended mix (per group or account), or of each mode for N learners."""
