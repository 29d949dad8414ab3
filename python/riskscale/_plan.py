"""Onboarding plans and content formats: from an assessed account to a dated programme."""

from __future__ import annotations

import datetime as _dt
import html
import json
from typing import Any, List, Mapping, NamedTuple, Optional, Sequence, Union

from . import _core
from ._assess import Assessment, assess
from ._policy import Policy, _core_policy

__all__ = ["TRAITS", "ContentRecommendation", "EducationPriority", "education_priority", "recommend_content", "Plan",
           "plan", "plans_to_csv", "plans_to_ics", "plans"]

TRAITS = tuple(_core.TRAITS)
"""The product traits, each scored in [0, 1]; a trait not given counts as 0.5."""


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


def _start_text(start: Union[None, str, _dt.date]) -> str:
    if start is None:
        return ""
    if isinstance(start, _dt.datetime):
        start = start.date()
    if isinstance(start, _dt.date):
        return start.isoformat()
    if hasattr(start, "date") and callable(start.date):  # pandas.Timestamp
        return start.date().isoformat()
    if isinstance(start, str):
        return start
    raise TypeError(f"start: expected a date, a 'YYYY-MM-DD' string or None (today); got {type(start).__name__}")


def _assessment(account: Union[Assessment, Mapping[str, Any]], policy: Optional[Policy]) -> Assessment:
    if isinstance(account, Assessment):
        if policy is not None and policy != account.policy:
            raise ValueError("policy: the assessment was made under another policy; pass the account's "
                             "fields instead of an Assessment, or leave policy out")
        return account
    if isinstance(account, Mapping) or hasattr(account, "items"):
        fields = dict(account.items())
        # A DataFrame row indexed by account_id carries the id as its name.
        if "account_id" not in fields and isinstance(getattr(account, "name", None), str):
            fields["account_id"] = account.name
        return assess(fields, policy=policy)
    raise TypeError("account: expected an Assessment or a mapping of SPEC §2 fields (a dict, a DataFrame row); "
                    f"got {type(account).__name__}")


def education_priority(traits: Optional[Mapping[str, float]] = None, policy: Optional[Policy] = None) -> EducationPriority:
    """The education priority of a product: the weighted mean of its traits.

    Parameters
    ----------
    traits : mapping, optional
        Trait name → value in [0, 1] (see ``TRAITS``); a trait left out counts as 0.5.
    policy : Policy, optional
        Its ``content.education_weights`` weigh the traits.

    Returns
    -------
    EducationPriority
        ``(score, drivers, reason)``.

    Examples
    --------
    >>> education_priority({"complex_product": 0.9, "behavior_change": 0.8}).score  # doctest: +SKIP
    0.635
    """
    score, drivers, reason = _core.education_priority(traits, _core_policy(policy))
    return EducationPriority(score, list(drivers), reason)


def recommend_content(account: Union[Assessment, Mapping[str, Any]], traits: Optional[Mapping[str, float]] = None,
                      policy: Optional[Policy] = None) -> List[ContentRecommendation]:
    """Content formats to produce for an account, best first, each with its reason.

    A format scores ``min(1, Σ trait weight · trait + largest boost of a recommended training
    format)`` (policy ``content`` section); quizzes come whenever a certification or assessment is
    recommended, slides whenever live training is.

    Parameters
    ----------
    account : Assessment or mapping
        An assessment, or the SPEC §2 fields of one account.
    traits : mapping, optional
        Product traits (see ``TRAITS``).
    policy : Policy, optional
        Used when ``account`` is a mapping.

    Returns
    -------
    list of ContentRecommendation
    """
    assessed = _assessment(account, policy)
    return [ContentRecommendation(*item) for item in _core.recommend_content(assessed._impl, traits)]


def _typed_touchpoints(frame):
    """Touchpoint columns as pandas types: ``date`` datetime64, the closed sets Categorical."""
    import pandas as pd

    frame["date"] = pd.to_datetime(frame["date"])
    for column, categories in _core.PLAN_CATEGORIES.items():
        frame[column] = pd.Categorical(frame[column], categories=categories)
    if "archetype" in frame:
        frame["archetype"] = pd.Categorical(frame["archetype"], categories=[a[0] for a in _core.ARCHETYPES])
    return frame


class Plan:
    """A dated onboarding plan for one account (read-only).

    Attributes: ``account_id``, ``archetype``, ``complexity``, ``start`` and ``end``
    (``datetime.date``), ``length_days``, ``stages`` (list of dicts with the cadence of each),
    ``role_tracks``, ``max_touches_per_week``, ``welcome_messages``, ``training_formats``,
    ``content_formats``, ``milestones``, ``support_resources``, ``touchpoints`` (list of dicts)
    and ``notes`` (what the overload guard moved or left out).
    """

    __slots__ = ("_impl", "_doc", "_made_from")

    def __init__(self, impl: "_core.Plan", made_from: Optional[tuple] = None) -> None:
        self._impl = impl
        self._doc = json.loads(impl.to_json(0))
        # (assessment, traits, start, max_touches_per_week, role_tracks): plans are deterministic, so
        # pickling keeps these and unpickling plans again, to an equal plan.
        self._made_from = made_from

    def __reduce__(self):
        if self._made_from is None:
            raise TypeError("this Plan was not made by riskscale.plan() and cannot be pickled")
        return (_replan, self._made_from)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plan) and self._doc == other._doc

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        doc = object.__getattribute__(self, "_doc")
        if name in ("start", "end"):
            return _dt.date.fromisoformat(doc[name])
        if name == "training_formats":
            return list(doc["training_materials"]["training_formats"])
        if name == "content_formats":
            return [dict(c) for c in doc["training_materials"]["content_formats"]]
        if name == "education_priority":
            return dict(doc["education_priority"])
        if name in doc:
            return doc[name]
        raise AttributeError(f"Plan has no attribute {name!r}")

    @property
    def busiest_week(self) -> int:
        """The most touchpoints any audience gets in a 7-day window (the welcome day excepted)."""
        return self._impl.busiest_week

    def to_frame(self) -> "pd.DataFrame":
        """The touchpoints as a pandas DataFrame, one a row, with ``date`` as datetime64."""
        import pandas as pd

        columns = [c for c in _core.PLAN_CSV_COLUMNS if c not in ("account_id", "archetype")]
        frame = pd.DataFrame(self._doc["touchpoints"], columns=columns)
        frame.insert(0, "account_id", self._doc["account_id"])
        return _typed_touchpoints(frame)

    def to_json(self, indent: int = 2) -> str:
        """The whole plan as JSON."""
        return self._impl.to_json(indent)

    def to_csv(self, header: bool = True) -> str:
        """The touchpoints as CSV (RFC 4180), one a row, for a marketing automation tool."""
        return self._impl.to_csv(header)

    def to_ics(self, dtstamp: str = "") -> str:
        """An iCalendar (RFC 5545) calendar: an all-day event per live session and milestone.

        ``dtstamp`` is the creation time as ``YYYYMMDDTHHMMSSZ`` (now, when empty).
        """
        return self._impl.to_ics(dtstamp)

    def __repr__(self) -> str:
        d = self._doc
        return (f"Plan({d['account_id']!r}, archetype={d['archetype']!r}, {d['start']}..{d['end']} "
                f"({d['length_days']} days, {d['complexity']}), touchpoints={len(d['touchpoints'])}, "
                f"role_tracks={d['role_tracks']})")

    def _repr_html_(self) -> str:
        d = self._doc
        rows = "".join(
            f"<tr><td>{t['day']}</td><td>{t['date']}</td><td>{t['stage']}</td><td>{t['channel']}</td>"
            f"<td>{t['kind']}</td><td><b>{html.escape(t['title'])}</b></td><td>{html.escape(t['format'])}</td>"
            f"<td>{t['audience']}</td></tr>"
            for t in d["touchpoints"]
        )
        stages = " → ".join(f"{s['stage']} (days {s['first_day']}–{s['last_day']}, {s['cadence']})" for s in d["stages"])
        milestones = "".join(f"<li>day {m['day']} ({m['date']}): <b>{html.escape(m['title'])}</b>: "
                             f"{html.escape(m['criterion'])}</li>" for m in d["milestones"])
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in d["notes"])
        return (
            f"<div><b>{html.escape(d['account_id'] or 'account')}</b>: <code>{d['archetype']}</code>, "
            f"{d['complexity']} product, {d['length_days']} days from {d['start']} to {d['end']}"
            f"{', admin and end-user tracks' if d['role_tracks'] else ''}<br>{stages}"
            f"<br>Milestones:<ul>{milestones}</ul>"
            f"<table><tr><th>day</th><th>date</th><th>stage</th><th>channel</th><th>kind</th><th>title</th>"
            f"<th>format</th><th>audience</th></tr>{rows}</table>"
            + (f"Notes:<ul>{notes}</ul>" if notes else "") + "</div>"
        )


def plan(account: Union[Assessment, Mapping[str, Any]], traits: Optional[Mapping[str, float]] = None,
         start: Union[None, str, _dt.date] = None, *, policy: Optional[Policy] = None,
         max_touches_per_week: Optional[int] = None, role_tracks: Optional[bool] = None) -> Plan:
    """The onboarding plan of one account.

    Length follows the archetype and the product's complexity, training materials are the
    recommended training and content formats, milestones carry a measurable criterion, support
    resources come every week, check-in emails follow the archetype's cadence per stage, and no
    audience gets more than ``max_touches_per_week`` touchpoints in any 7 days (the welcome day
    excepted). Tables and defaults: the policy's ``plans`` section (README "Onboarding plans").

    Parameters
    ----------
    account : Assessment or mapping
        An assessment, or the SPEC §2 fields of one account (e.g. a DataFrame row).
    traits : mapping, optional
        Product traits in [0, 1] (see ``TRAITS``); a trait left out counts as 0.5.
    start : date or 'YYYY-MM-DD', optional
        The welcome day; today (UTC) when left out.
    policy : Policy, optional
        Used when ``account`` is a mapping.
    max_touches_per_week : int, optional
        Overrides the policy's limit for this plan.
    role_tracks : bool, optional
        Forces separate admin and end-user tracks on or off (default: ``diverse_users`` decides).

    Returns
    -------
    Plan

    Raises
    ------
    riskscale.InputError
        A trait that is unknown or outside [0, 1].
    riskscale.RiskscaleError
        A date that does not exist or is not ``YYYY-MM-DD``.

    Examples
    --------
    >>> p = plan(dict(sensitive_data=0.9, org_disruption=0.2, physical_safety=0, legal_exposure=0.7,
    ...               active_days=18, users=450), {"complex_product": 0.8}, "2026-03-02")
    >>> p.length_days, p.archetype
    (84, 'high_scale_high_risk')
    """
    assessed = _assessment(account, policy)
    start_text = _start_text(start)
    made = _core.plan(assessed._impl, traits, start_text, max_touches_per_week, role_tracks)
    # The start is kept as the plan's own date, so an unpickled plan made "today" is the same plan.
    return Plan(made, (assessed._impl, None if traits is None else dict(traits), json.loads(made.to_json(0))["start"],
                       max_touches_per_week, role_tracks))


def _replan(assessed: "_core.Assessment", traits: Optional[Mapping[str, float]], start: str,
            max_touches_per_week: Optional[int], role_tracks: Optional[bool]) -> Plan:
    """A pickled plan made again from what made it (plans are deterministic)."""
    made = _core.plan(assessed, traits, start, max_touches_per_week, role_tracks)
    return Plan(made, (assessed, traits, start, max_touches_per_week, role_tracks))


def plans_to_csv(plans: Sequence[Plan]) -> str:
    """The touchpoints of several plans as one CSV (one header)."""
    return _core.plans_csv([p._impl for p in plans])


def plans_to_ics(plans: Sequence[Plan], dtstamp: str = "") -> str:
    """The live sessions and milestones of several plans as one iCalendar calendar."""
    return _core.plans_ics([p._impl for p in plans], dtstamp)


def plans(data: Any, traits: Optional[Mapping[str, float]] = None, start: Union[None, str, _dt.date] = None, *,
          policy: Optional[Policy] = None, max_touches_per_week: Optional[int] = None,
          role_tracks: Optional[bool] = None) -> "pd.DataFrame":
    """Every account's onboarding plan, as one long DataFrame of touchpoints.

    The batch form of :func:`plan`, as ``riskscale plan --all`` is on the command line:
    one row per touchpoint, accounts in input order.

    Parameters
    ----------
    data : DataFrame or mapping of column name to array
        The SPEC §2 inputs per account (as for :func:`classify`); columns named after a
        trait (see ``TRAITS``) give that account's trait, overriding ``traits`` (NaN keeps it).
        Without an ``account_id`` column the row label names the account.
    traits : mapping, optional
        Product traits for every account (a trait left out counts as 0.5).
    start : date or 'YYYY-MM-DD', optional
        The welcome day of every plan; today (UTC) when left out.
    policy, max_touches_per_week, role_tracks
        As for :func:`plan`.

    Returns
    -------
    DataFrame
        Columns ``account_id, day, date, stage, channel, kind, title, format, audience,
        detail, archetype``; ``date`` is datetime64, the closed sets are Categorical.

    Raises
    ------
    ValueError
        Naming the row label, the column and what is accepted, for the first account that
        cannot be planned (an invalid input or trait).
    """
    import io
    import math

    import pandas as pd

    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(dict(data))
    base = dict(traits or {})
    trait_columns = [t for t in TRAITS if t in frame.columns]
    start_text = _start_text(start)
    core_policy = _core_policy(policy)
    built = []
    for label, row in zip(frame.index, frame.to_dict("records")):
        row_traits = dict(base)
        for trait in trait_columns:
            value = row[trait]
            if not (value is None or (isinstance(value, float) and math.isnan(value))):
                row_traits[trait] = value
        if "account_id" not in row:
            row["account_id"] = str(label)
        try:
            assessed = _core.assess(row, core_policy)
            built.append(_core.plan(assessed, row_traits, start_text, max_touches_per_week, role_tracks))
        except ValueError as e:
            raise type(e)(f"row {label!r}: {e}") from None
    columns = list(_core.PLAN_CSV_COLUMNS)
    if not built:
        empty = pd.DataFrame({c: pd.Series(dtype="int64" if c == "day" else object) for c in columns})
        return _typed_touchpoints(empty)
    text = _core.plans_csv(built)
    result = pd.read_csv(io.StringIO(text), dtype={c: str for c in columns if c != "day"}, keep_default_na=False)
    return _typed_touchpoints(result)
