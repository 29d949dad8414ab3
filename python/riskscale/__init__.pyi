# Type stubs for the public riskscale API (the implementation lives in _*.py and the C++ _core).
import datetime
import os
from typing import Any, Dict, List, Literal, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

import pandas as pd
from matplotlib.axes import Axes

from ._core import SPEC_VERSION as SPEC_VERSION
from ._core import InputError as InputError
from ._core import PolicyError as PolicyError
from ._core import RiskscaleError as RiskscaleError
from ._core import __version__ as __version__
from . import metrics as metrics

def build_info() -> Dict[str, Any]:
    """The build and the kernel copy this CPU runs (version, compiler, kernel, kernels_available, ...)."""
    ...

#: Archetype ids in SPEC §1 order.
ARCHETYPES: Tuple[str, ...]

class Policy:
    """An immutable, validated model policy (SPEC §7); keyword arguments override top-level keys."""

    def __init__(
        self,
        *,
        version: int = ...,
        frequency_full: float = ...,
        reach_full: float = ...,
        scale_weights: Mapping[str, float] = ...,
        risk_weights: Mapping[str, float] = ...,
        risk_threshold: float = ...,
        scale_threshold: float = ...,
        borderline_band: float = ...,
        temperature: float = ...,
        min_score: float = ...,
        top_k: Optional[int] = ...,
        catalog: List[Mapping[str, Any]] = ...,
        content: Mapping[str, Any] = ...,
        plans: Mapping[str, Any] = ...,
        inputs: Mapping[str, Any] = ...,
    ) -> None: ...
    @classmethod
    def from_json(cls, path_or_text: Union[str, os.PathLike[str]]) -> Policy: ...
    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Policy: ...
    def to_json(self, indent: int = 2) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def replace(self, **changes: Any) -> Policy: ...
    @property
    def input_fields(self) -> List[str]: ...
    @property
    def catalog_ids(self) -> List[str]: ...
    # SPEC §7 keys, read as attributes.
    @property
    def version(self) -> int: ...
    @property
    def frequency_full(self) -> float: ...
    @property
    def reach_full(self) -> float: ...
    @property
    def scale_weights(self) -> Dict[str, float]: ...
    @property
    def risk_weights(self) -> Dict[str, float]: ...
    @property
    def risk_threshold(self) -> float: ...
    @property
    def scale_threshold(self) -> float: ...
    @property
    def borderline_band(self) -> float: ...
    @property
    def temperature(self) -> float: ...
    @property
    def min_score(self) -> float: ...
    @property
    def top_k(self) -> Optional[int]: ...
    @property
    def catalog(self) -> List[Dict[str, Any]]: ...
    @property
    def content(self) -> Dict[str, Any]: ...
    @property
    def plans(self) -> Dict[str, Any]: ...
    @property
    def inputs(self) -> Dict[str, Any]: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Recommendation(NamedTuple):
    """A recommended training format (SPEC §5), in rank order."""

    id: str
    name: str
    description: str
    score: float

class Assessment:
    """Everything the model says about one account (read-only); made by :func:`assess`."""

    def __init__(self, impl: Any) -> None: ...
    @property
    def account_id(self) -> str: ...
    @property
    def risk_score(self) -> float: ...
    @property
    def scale_score(self) -> float: ...
    @property
    def frequency_score(self) -> float: ...
    @property
    def reach_score(self) -> float: ...
    @property
    def archetype(self) -> str: ...
    @property
    def margin(self) -> float: ...
    @property
    def borderline(self) -> bool: ...
    @property
    def high_risk(self) -> bool: ...
    @property
    def high_scale(self) -> bool: ...
    @property
    def membership(self) -> Dict[str, float]: ...
    @property
    def recommendations(self) -> List[Recommendation]: ...
    @property
    def risk_contributions(self) -> Dict[str, float]: ...
    @property
    def binding_scale_component(self) -> Literal["frequency", "reach"]: ...
    @property
    def users_for_high_scale(self) -> Optional[float]: ...
    @property
    def active_days_for_high_scale(self) -> Optional[float]: ...
    @property
    def policy(self) -> Policy: ...
    def explain(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def _repr_html_(self) -> str: ...

def assess(
    fields: Optional[Mapping[str, Any]] = None, policy: Optional[Policy] = None, **kwargs: Any
) -> Assessment:
    """Assess one account: SPEC §2 inputs by name (mapping and/or keywords)."""

def classify(
    data: Union[pd.DataFrame, Mapping[str, Any]],
    policy: Optional[Policy] = None,
    *,
    threads: Optional[int] = None,
    on_invalid: Literal["raise", "flag"] = "raise",
    inputs: bool = False,
) -> pd.DataFrame:
    """Classify every account: the SPEC §8 columns, the input's index, a Categorical archetype."""

def policy_template(df: pd.DataFrame, policy: Optional[Policy] = None, *, max_distinct: int = 200) -> Dict[str, Any]:
    """A starting SPEC §9 inputs section for a raw DataFrame: best-matching columns, maps of distinct values."""

def recommendations(result: pd.DataFrame, policy: Optional[Policy] = None) -> pd.DataFrame:
    """Recommendations in long form: account_id, rank, format, score."""

def summary(result: pd.DataFrame, policy: Optional[Policy] = None, *, watch: int = 10) -> pd.DataFrame:
    """Per-archetype counts, shares and mean scores; attrs formats, closest, rejected."""

def plot_matrix(result: pd.DataFrame, ax: Optional[Axes] = None, policy: Optional[Policy] = None) -> Axes:
    """The accounts on the 2×2 risk–scale matrix, with the threshold lines."""

#: Product trait names, each scored in [0, 1].
TRAITS: Tuple[str, ...]

class ContentRecommendation(NamedTuple):
    """A content format to produce for an account, in rank order, with why."""

    id: str
    name: str
    description: str
    score: float
    reason: str

class EducationPriority(NamedTuple):
    """How much an account needs education, in [0, 1], and the traits that drive it."""

    score: float
    drivers: List[str]
    reason: str

class Plan:
    """A dated onboarding plan for one account (read-only); made by :func:`plan`."""

    def __init__(self, impl: Any) -> None: ...
    @property
    def account_id(self) -> str: ...
    @property
    def archetype(self) -> str: ...
    @property
    def complexity(self) -> Literal["simple", "moderate", "complex"]: ...
    @property
    def traits(self) -> Dict[str, float]: ...
    @property
    def education_priority(self) -> Dict[str, Any]: ...
    @property
    def start(self) -> datetime.date: ...
    @property
    def end(self) -> datetime.date: ...
    @property
    def length_days(self) -> int: ...
    @property
    def stages(self) -> List[Dict[str, Any]]: ...
    @property
    def role_tracks(self) -> bool: ...
    @property
    def max_touches_per_week(self) -> int: ...
    @property
    def welcome_messages(self) -> List[str]: ...
    @property
    def training_formats(self) -> List[str]: ...
    @property
    def content_formats(self) -> List[Dict[str, Any]]: ...
    @property
    def milestones(self) -> List[Dict[str, Any]]: ...
    @property
    def support_resources(self) -> List[Dict[str, str]]: ...
    @property
    def touchpoints(self) -> List[Dict[str, Any]]: ...
    @property
    def notes(self) -> List[str]: ...
    @property
    def busiest_week(self) -> int: ...
    def to_frame(self) -> pd.DataFrame: ...
    def to_json(self, indent: int = 2) -> str: ...
    def to_csv(self, header: bool = True) -> str: ...
    def to_ics(self, dtstamp: str = "") -> str: ...
    def _repr_html_(self) -> str: ...

def education_priority(
    traits: Optional[Mapping[str, float]] = None, policy: Optional[Policy] = None
) -> EducationPriority:
    """The weighted mean of the product traits (policy content.education_weights) and its drivers."""

def recommend_content(
    account: Union[Assessment, Mapping[str, Any]],
    traits: Optional[Mapping[str, float]] = None,
    policy: Optional[Policy] = None,
) -> List[ContentRecommendation]:
    """Content formats to produce for an account, best first, each with its reason."""

def plan(
    account: Union[Assessment, Mapping[str, Any]],
    traits: Optional[Mapping[str, float]] = None,
    start: Union[None, str, datetime.date] = None,
    *,
    policy: Optional[Policy] = None,
    max_touches_per_week: Optional[int] = None,
    role_tracks: Optional[bool] = None,
) -> Plan:
    """The dated onboarding plan of one account (policy ``plans`` section)."""

def plans(
    data: Union[pd.DataFrame, Mapping[str, Any]],
    traits: Optional[Mapping[str, float]] = None,
    start: Union[None, str, datetime.date] = None,
    *,
    policy: Optional[Policy] = None,
    max_touches_per_week: Optional[int] = None,
    role_tracks: Optional[bool] = None,
) -> pd.DataFrame:
    """Every account's onboarding plan as one long DataFrame of touchpoints."""

def plans_to_csv(plans: Sequence[Plan]) -> str:
    """The touchpoints of several plans as one CSV (one header)."""

def plans_to_ics(plans: Sequence[Plan], dtstamp: str = "") -> str:
    """The live sessions and milestones of several plans as one iCalendar calendar."""

def usage(
    events: pd.DataFrame,
    account: str = "account_id",
    user: str = "user_id",
    time: str = "timestamp",
    as_of: Union[None, str, datetime.date, pd.Timestamp] = None,
    window_days: int = 30,
    accounts: Union[None, pd.DataFrame, pd.Series, pd.Index, Sequence[Any]] = None,
    on_invalid: Literal["raise", "flag"] = "raise",
) -> pd.DataFrame:
    """Per-account usage (active_users, active_days, events, last_event) from product events (SPEC §10)."""

#: Drift statuses (SPEC §11), the categories of ``Drift.accounts["status"]``.
DRIFT_STATUSES: Tuple[str, ...]
#: Alert kinds of ``Drift.alerts["alert"]``.
ALERT_KINDS: Tuple[str, ...]

class Drift:
    """SPEC §11 drift between two snapshots: per-account rows, matrix, alerts, watch list."""

    accounts: pd.DataFrame
    matrix: pd.DataFrame
    alerts: pd.DataFrame
    watch: pd.DataFrame
    policy: Optional[Policy]
    old_policy: Optional[Policy]
    @property
    def counts(self) -> pd.Series: ...
    def movers(self, n: int = 10) -> pd.DataFrame: ...
    def plot(self, ax: Optional[Axes] = None, *, max_arrows: int = 500) -> Axes: ...
    def _repr_html_(self) -> str: ...

def drift(
    old: pd.DataFrame,
    new: pd.DataFrame,
    policy: Optional[Policy] = None,
    old_policy: Optional[Policy] = None,
    *,
    threads: Optional[int] = None,
) -> Drift: ...

#: Parameter groups ``calibrate`` can fit.
CALIBRATION_PARAMETERS: Tuple[str, ...]

class Calibration:
    """A policy fitted to labelled accounts: the policy, the report, confusion matrices, disagreements."""

    policy: Policy
    start_policy: Policy
    report: Dict[str, Any]
    confusion: Dict[str, pd.DataFrame]
    parameters: pd.DataFrame
    disagreements: pd.DataFrame
    def _repr_html_(self) -> str: ...

def calibrate(
    df: pd.DataFrame,
    label: Union[str, Tuple[str, str]] = "label",
    policy: Optional[Policy] = None,
    fit: Optional[Sequence[str]] = None,
    folds: int = 5,
    seed: int = 0,
    l2: float = 1.0,
) -> Calibration: ...
def validate(result: pd.DataFrame, outcome: Union[str, Sequence[Any]] = "outcome", *, confidence: float = 0.95) -> pd.DataFrame: ...
def plot_validation(table: pd.DataFrame, ax: Optional[Axes] = None) -> Axes: ...
