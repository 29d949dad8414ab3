"""Education and onboarding metrics: adoption gap, funnels, programme, impact, interaction, cost.

DataFrames in, DataFrames out; every number comes from the C++ core (``include/riskscale/metrics.hpp``).
Each function groups by an ``archetype`` column when the data has one (for example the output of
:func:`riskscale.classify` joined to the data) and always adds an ``overall`` row. A value that
cannot be computed (a zero denominator, an empty group) is NaN and the ``reason`` column says why:
``"ok"``, or reason names joined by ``;`` (``zero_seats``, ``empty_group``, ``small_group``...).
A column that is missing, not numeric or out of range raises :class:`riskscale.InputError` (a
``ValueError``) naming the column, the row label and what is accepted.

Examples
--------
>>> import pandas as pd
>>> from riskscale import metrics
>>> accounts = pd.DataFrame({"seats": [100, 50], "trained": [80, 50], "active": [60, 20]})
>>> metrics.adoption(accounts).loc["overall", "activation"]
0.5333333333333333
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from . import _columns, _core
from ._classify import ARCHETYPES

#: Name of the group (and of the course) that holds every row.
OVERALL = "overall"
#: Reason names, in the order of their bits.
REASONS: Tuple[str, ...] = tuple(_core.METRIC_REASONS)
#: Delivery modes of the training cost model.
DELIVERY_MODES: Tuple[str, ...] = tuple(_core.DELIVERY_MODES)
#: Outcome columns :func:`impact` reads by default, those present.
IMPACT_OUTCOMES = tuple(_core.IMPACT_DEFAULTS["outcomes"])

_GROUPS = tuple(ARCHETYPES) + (OVERALL,)
_SettingsSource = Union[str, "os.PathLike[str]", Mapping[str, Any], None]


# ---------------------------------------------------------------------------------------------
# translation helpers: columns to numpy, core errors to row labels, reasons to text


@contextmanager
def _labelled(index: Optional[pd.Index], names: Optional[Mapping[str, str]] = None) -> Iterator[None]:
    """Re-raises a column refused by the core with the row's label and the user's column name."""
    try:
        yield
    except _core.InputError as error:
        column = getattr(error, "column", None)
        if column is None or not hasattr(error, "detail"):
            raise  # no core column error: already says where
        column = (names or {}).get(column, column)
        row = getattr(error, "row", None)
        where = f"row {index[row]!r}, " if row is not None and index is not None and row < len(index) else ""
        raise _core.InputError(f"{where}column {column!r}: {error.detail}") from None


def _numbers(frame: pd.DataFrame, name: str, accepted: str, required: bool = True,
             flag: bool = False) -> Optional[np.ndarray]:
    """A column as contiguous float64 through the shared converter (text read by the core's rules)."""
    return _columns.numbers(frame, name, accepted, required, flag)


def _archetypes(frame: pd.DataFrame) -> Optional[np.ndarray]:
    """The ``archetype`` column as int8 codes in SPEC §1 order (-1 for missing), or None."""
    if "archetype" not in frame.columns:
        return None
    values = frame["archetype"]
    categorical = pd.Categorical(values, categories=list(ARCHETYPES))
    codes = np.asarray(categorical.codes, dtype=np.int8)
    unknown = np.flatnonzero((codes < 0) & values.notna().to_numpy() & (values.astype(str) != "").to_numpy())
    if unknown.size:
        row = int(unknown[0])
        raise _core.InputError(f"row {frame.index[row]!r}, column 'archetype': {values.iloc[row]!r} is not an "
                               f"archetype; accepted: one of {', '.join(ARCHETYPES)}, or empty")
    return np.ascontiguousarray(codes)


def _reason_text(reasons: np.ndarray) -> pd.Categorical:
    """Reason bit sets as text (categorical), in the core's words."""
    unique, inverse = np.unique(reasons, return_inverse=True)
    names = [_core.metrics_describe_reasons(int(u)) for u in unique]
    return pd.Categorical.from_codes(inverse.reshape(-1), categories=names)


def _check_level(level: str, accepted: Sequence[str]) -> None:
    if level not in accepted:
        raise ValueError(f"level={level!r}; accepted: {' or '.join(repr(a) for a in accepted)}")


def _group_frame(groups: List[Dict[str, Any]], columns: Sequence[str], by_archetype: bool) -> pd.DataFrame:
    """One row per archetype (when the data had archetypes) and an ``overall`` row."""
    picks = range(len(_GROUPS)) if by_archetype else [len(_GROUPS) - 1]
    frame = pd.DataFrame([{c: groups[g][c] for c in columns} for g in picks],
                         index=pd.Index([_GROUPS[g] for g in picks], name="archetype"))
    frame["reason"] = [_core.metrics_describe_reasons(int(groups[g]["reasons"])) for g in picks]
    return frame


def _passthrough(frame: pd.DataFrame, names: Sequence[str]) -> Dict[str, Any]:
    """Identifying columns copied to a per-row result, those present."""
    return {name: frame[name].to_numpy() for name in names if name in frame.columns}


# ---------------------------------------------------------------------------------------------
# 1. adoption gap


def adoption(data: pd.DataFrame, users: Optional[pd.DataFrame] = None, *, level: str = "group") -> pd.DataFrame:
    """Adoption gap: training coverage, activation and shelfware seats.

    Parameters
    ----------
    data : DataFrame
        One row per account: ``seats`` (licensed), ``trained`` and ``active`` (users trained,
        users who logged in over the period), optional ``archetype`` and ``account_id``.
        Without ``users``, ``trained`` and ``active`` are required columns.
    users : DataFrame, optional
        One row per user: ``account_id`` (matching ``data``), ``trained`` and ``active`` flags
        (True/False or 1/0). ``trained`` and ``active`` are then counted per account, and the
        cross counts ``trained_inactive`` and ``active_untrained`` are added; ``data`` must then
        not have ``trained``/``active`` columns of its own.
    level : {"group", "account"}
        ``"group"``: one row per archetype and ``overall``; ``"account"``: one row per account.

    Returns
    -------
    DataFrame
        Per group: ``accounts`` (counted), ``excluded`` (left out for bad or inconsistent data),
        the sums ``seats``, ``trained``, ``active``, ``shelfware_seats`` (seats − active),
        ``trained_inactive`` and ``active_untrained`` (with ``users``), ``training_coverage``
        (trained / seats), ``activation`` (active / seats) and ``reason``. Per account: the
        inputs, ``training_coverage``, ``activation``, ``shelfware_seats`` and ``reason``. An
        account with NaN or negative counts, or more trained or active users than seats, keeps
        its values (never clamped), gets a reason such as ``trained_above_seats`` and is left out
        of the group sums; an account with no seats has NaN rates (``zero_seats``).

    Examples
    --------
    >>> accounts = pd.DataFrame({"seats": [100, 10], "trained": [80, 12], "active": [60, 5]})
    >>> adoption(accounts, level="account")["reason"].tolist()
    ['ok', 'trained_above_seats']
    """
    _check_level(level, ("group", "account"))
    archetype = _archetypes(data)
    seats = _numbers(data, "seats", "licensed seats per account, a count >= 0")
    cross: Dict[str, np.ndarray] = {}
    if users is not None:
        own = [c for c in ("trained", "active") if c in data.columns]
        if own:
            raise _core.InputError(f"data has column {own[0]!r} and users were given; accepted: trained and active "
                                   "either as columns of data or counted from users, not both")
        if "account_id" not in data.columns:
            raise _core.InputError("missing column 'account_id' in data; accepted: the account ids users refer to")
        ids = data["account_id"]
        repeated = np.flatnonzero(ids.duplicated().to_numpy())
        if repeated.size:
            row = int(repeated[0])
            raise _core.InputError(f"row {data.index[row]!r}, column 'account_id': {ids.iloc[row]!r} appears twice; "
                                   "accepted: one row per account when users are given")
        if "account_id" not in users.columns:
            raise _core.InputError("missing column 'account_id' in users; accepted: the account of each user")
        account = np.ascontiguousarray(pd.Index(ids).get_indexer(users["account_id"]), dtype=np.int64)
        flags = f"a flag per user: {_columns.FLAG_TEXTS}"
        try:
            with _labelled(users.index):
                counts = _core.metrics_count_users(account, _numbers(users, "trained", flags, flag=True),
                                                   _numbers(users, "active", flags, flag=True), len(data))
        except _core.InputError as error:
            unknown = np.flatnonzero(account < 0)
            if "'account_id'" not in str(error) or not unknown.size:
                raise
            row = int(unknown[0])
            raise _core.InputError(f"row {users.index[row]!r}, column 'account_id': {users['account_id'].iloc[row]!r} "
                                   "is not an account_id of data; accepted: the account_id of an account row") from None
        trained, active = counts["trained"], counts["active"]
        cross = {"users": counts["users"], "trained_inactive": counts["trained_inactive"],
                 "active_untrained": counts["active_untrained"]}
    else:
        trained = _numbers(data, "trained", "users trained per account, a count >= 0")
        active = _numbers(data, "active", "users active over the period per account, a count >= 0")
    with _labelled(data.index):
        out = _core.metrics_adoption(seats, trained, active, archetype, cross.get("trained_inactive"),
                                     cross.get("active_untrained"))
    if level == "account":
        columns: Dict[str, Any] = _passthrough(data, ("account_id", "archetype"))
        columns.update(seats=seats, trained=trained, active=active)
        columns.update(cross)
        columns.update({k: out[k] for k in ("training_coverage", "activation", "shelfware_seats")})
        columns["reason"] = _reason_text(out["reasons"])
        return pd.DataFrame(columns, index=data.index)
    names = ["accounts", "excluded", "seats", "trained", "active", "shelfware_seats"]
    if users is not None:
        names += ["trained_inactive", "active_untrained"]
    return _group_frame(out["groups"], names + ["training_coverage", "activation"], archetype is not None)


# ---------------------------------------------------------------------------------------------
# 2. funnel


def _stage_indices(values: pd.Series, stages: Sequence[str], column: str) -> np.ndarray:
    """Furthest stages as indices: stage names, or whole numbers counted from 0 (checked by the core)."""
    position = {name: float(k) for k, name in enumerate(stages)}
    if values.dtype.kind in "biuf":
        return np.ascontiguousarray(values.to_numpy(dtype=np.float64))
    mapped = values.map(lambda v: position.get(v, v) if isinstance(v, str) else v)
    converted = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(np.isnan(converted))
    if bad.size:
        row = int(bad[0])
        raise _core.InputError(f"row {values.index[row]!r}, column {column!r}: {values.iloc[row]!r} is not a stage; "
                               f"accepted: one of {', '.join(stages)}, or its position from 0")
    return np.ascontiguousarray(converted)


def funnel(data: pd.DataFrame, stages: Sequence[str], *, stage_column: Optional[str] = None,
           by: Optional[str] = None, level: str = "group") -> pd.DataFrame:
    """Funnel drop-off: step conversion, overall conversion and the largest drop.

    Parameters
    ----------
    data : DataFrame
        Either one row per cohort (or account) with a count column per stage, named as in
        ``stages``; or, with ``stage_column``, one row per user with the furthest stage reached
        (a user who reached stage k counts in stages 0..k). Optional ``archetype``.
    stages : sequence of str
        Stage names in funnel order, at least two, e.g. ``["invited", "logged_in",
        "finished_course", "certified", "active_30_days"]``.
    stage_column : str, optional
        Per-user data: the column holding each user's furthest stage (a name from ``stages`` or
        its position from 0).
    by : str, optional
        A cohort column: with per-user data, users are counted per value (and per archetype);
        with counts, it is copied to the per-row result.
    level : {"group", "row"}
        ``"group"``: per archetype and ``overall``; ``"row"``: per row (per cohort for per-user data).

    Returns
    -------
    DataFrame
        The stage counts, ``conversion_to_<stage>`` for every stage after the first (its count ÷
        the previous stage's, NaN with ``zero_stage_count`` when that is 0), ``overall_conversion``
        (last ÷ first), ``largest_drop_stage`` (the stage with the lowest conversion into it; ties
        go to the earliest; empty when no step has a conversion) and ``reason``. A row whose counts
        rise along the funnel is reported with ``stage_count_increases`` and its values as they
        are, and left out of the groups (``excluded``). Groups also have ``rows``.

    Examples
    --------
    >>> cohorts = pd.DataFrame({"invited": [100], "logged_in": [80], "certified": [20]})
    >>> funnel(cohorts, ["invited", "logged_in", "certified"]).loc["overall", "largest_drop_stage"]
    'certified'
    """
    _check_level(level, ("group", "row"))
    stages = [str(s) for s in stages]
    if len(stages) < 2 or len(set(stages)) != len(stages):
        raise ValueError(f"stages={stages!r}; accepted: at least two distinct stage names in funnel order")
    if stage_column is None:
        columns = [_numbers(data, s, "a count per row, >= 0, one column per stage") for s in stages]
        archetype = _archetypes(data)
        row_index = data.index
        keys = _passthrough(data, tuple(c for c in (by, "archetype") if c is not None))
    else:
        if stage_column not in data.columns:
            raise _core.InputError(f"missing column {stage_column!r}; accepted: each user's furthest stage")
        if by is not None and by not in data.columns:
            raise _core.InputError(f"missing column {by!r}; accepted: the cohort of each user")
        furthest = _stage_indices(data[stage_column], stages, stage_column)
        user_archetype = _archetypes(data)
        key_names = [c for c in (by, "archetype") if c is not None and c in data.columns]
        if key_names:
            grouped = data[key_names].groupby(key_names, sort=True, dropna=False, observed=True)
            cohort = np.ascontiguousarray(grouped.ngroup().to_numpy(), dtype=np.int64)
            row_index = grouped.size().index
            cohorts = len(row_index)
        else:
            cohort = np.zeros(len(data), dtype=np.int64)
            row_index = pd.Index([OVERALL], name="cohort")
            cohorts = 1
        with _labelled(data.index, {"furthest_stage": stage_column, "cohort": by or "cohort"}):
            counts = _core.metrics_funnel_counts(furthest, cohort, cohorts, len(stages))
        columns = [np.ascontiguousarray(counts[:, s]) for s in range(len(stages))]
        archetype = None
        keys = {}  # the cohort keys are the result's index
        if user_archetype is not None:
            first = pd.Series(np.arange(len(data))).groupby(cohort).first().to_numpy()
            archetype = np.ascontiguousarray(user_archetype[first]) if len(data) else np.zeros(0, np.int8)
    with _labelled(row_index):
        out = _core.metrics_funnel(stages, columns, archetype)

    def conversions(step_conversion: Any, largest: Any) -> Dict[str, Any]:
        matrix = np.asarray(step_conversion, dtype=np.float64).reshape(-1, len(stages) - 1)
        named = {f"conversion_to_{s}": matrix[:, j] for j, s in enumerate(stages[1:])}
        names = np.asarray(list(stages[1:]) + [None], dtype=object)
        named["largest_drop_stage"] = names[np.where(np.asarray(largest) < 0, len(stages), np.asarray(largest) + 1) - 1]
        return named

    if level == "row":
        result: Dict[str, Any] = dict(keys)
        result.update({s: columns[k] for k, s in enumerate(stages)})
        result.update(conversions(out["step_conversion"], out["largest_drop_step"]))
        result["overall_conversion"] = out["overall_conversion"]
        result["reason"] = _reason_text(out["reasons"])
        ordered = list(keys) + stages + [f"conversion_to_{s}" for s in stages[1:]] + [
            "overall_conversion", "largest_drop_stage", "reason"]
        return pd.DataFrame(result, index=row_index)[ordered]
    groups = out["groups"]
    for g in groups:
        for k, s in enumerate(stages):
            g[s] = g["counts"][k]
        named = conversions([g["step_conversion"]], [g["largest_drop_step"]])
        g.update({k: v[0] for k, v in named.items()})
    names = ["rows", "excluded"] + stages + [f"conversion_to_{s}" for s in stages[1:]] + [
        "overall_conversion", "largest_drop_stage"]
    return _group_frame(groups, names, archetype is not None)


# ---------------------------------------------------------------------------------------------
# 3. programme metrics


def program(data: pd.DataFrame, *, by: Optional[str] = None) -> pd.DataFrame:
    """Leading programme metrics per course (or format) and archetype, from enrolments.

    Parameters
    ----------
    data : DataFrame
        One row per enrolment: ``completed`` (True/False or 1/0, required), optional
        ``assessment_passed`` (1 passed, 0 failed, empty when not assessed), optional
        ``days_to_completion`` (for completed enrolments only), optional ``archetype``, and
        the ``by`` column.
    by : str, optional
        The column naming the course or format; default ``"course"`` when present. Without it
        only the all-courses row (``overall``) is given.

    Returns
    -------
    DataFrame
        Indexed by (course, archetype), each including ``overall``: ``enrolments``,
        ``completions``, ``completion_rate``, ``assessed``, ``passed``, ``pass_rate``
        (passed / assessed, NaN with ``no_assessments``), ``median_days_to_completion`` (NaN with
        ``no_completion_times``) and ``reason``; a course with no enrolments in a group has
        count 0, NaN rates and ``empty_group``.

    Examples
    --------
    >>> enrolments = pd.DataFrame({"course": ["a", "a", "b"], "completed": [1, 0, 1]})
    >>> program(enrolments).loc[("a", "overall"), "completion_rate"]
    0.5
    """
    key = by if by is not None else ("course" if "course" in data.columns else None)
    if by is not None and by not in data.columns:
        raise _core.InputError(f"missing column {by!r}; accepted: the course or format of each enrolment")
    completed = _numbers(data, "completed", f"a completed flag per enrolment: {_columns.FLAG_TEXTS}", flag=True)
    course = None
    courses: List[Any] = []
    if key is not None:
        codes, uniques = pd.factorize(data[key], sort=True)
        course = np.ascontiguousarray(codes, dtype=np.int32)
        courses = list(uniques)
    archetype = _archetypes(data)
    with _labelled(data.index, {"course": key or "course"}):
        cells = _core.metrics_program(
            completed, course, len(courses),
            _numbers(data, "assessment_passed", "1 passed, 0 failed, empty when not assessed", required=False, flag=True),
            _numbers(data, "days_to_completion", "days >= 0 for completed enrolments, else empty", required=False),
            archetype)
    groups = range(len(_GROUPS)) if archetype is not None else [len(_GROUPS) - 1]
    wanted = [c for c in cells if c["group"] in groups]
    index = pd.MultiIndex.from_tuples(
        [(courses[c["course"]] if c["course"] < len(courses) else OVERALL, _GROUPS[c["group"]]) for c in wanted],
        names=[key or "course", "archetype"])
    names = ["enrolments", "completions", "completion_rate", "assessed", "passed", "pass_rate",
             "median_days_to_completion"]
    frame = pd.DataFrame([{n: c[n] for n in names} for c in wanted], index=index, columns=names)
    frame["reason"] = [_core.metrics_describe_reasons(int(c["reasons"])) for c in wanted]
    return frame


# ---------------------------------------------------------------------------------------------
# 4. impact


def impact(data: pd.DataFrame, *, completed: str = "onboarding_completed", outcomes: Optional[Sequence[str]] = None,
           min_group_size: int = _core.IMPACT_DEFAULTS["min_group_size"],
           confidence: float = _core.IMPACT_DEFAULTS["confidence"]) -> pd.DataFrame:
    """Business impact: outcome rates of accounts that completed onboarding versus the others.

    The difference of the two rates gets Newcombe's hybrid score interval (Newcombe 1998,
    Statistics in Medicine 17:873–890, method 10), built from the Wilson score intervals of
    each rate (Newcombe 1998, Statistics in Medicine 17:857–872, method 3).

    Parameters
    ----------
    data : DataFrame
        One row per account: the ``completed`` flag, one 1/0 (or True/False) column per
        outcome, optional ``archetype``.
    completed : str
        The column saying whether the account's users completed onboarding.
    outcomes : sequence of str, optional
        Outcome columns, e.g. ``["renewed", "retained", "expanded"]``; default: those of these
        three that ``data`` has.
    min_group_size : int
        A side with fewer accounts is flagged ``small_group`` (values still given).
    confidence : float
        Two-sided confidence level of every interval.

    Returns
    -------
    DataFrame
        Indexed by (outcome, archetype): ``accounts_completed``, ``outcome_completed``,
        ``rate_completed`` and its Wilson ``completed_ci_lower``/``completed_ci_upper``, the same
        for ``not_completed``, ``difference`` (completed − not), ``ci_lower``, ``ci_upper`` and
        ``reason``. A side with no accounts makes its rate, the difference and its interval NaN
        (``completed_group_empty`` / ``not_completed_group_empty``).

    Examples
    --------
    >>> accounts = pd.DataFrame({"onboarding_completed": [1] * 70 + [0] * 80,
    ...                          "renewed": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32})
    >>> impact(accounts).loc[("renewed", "overall"), ["difference", "ci_lower", "ci_upper"]].round(4).tolist()
    [0.2, 0.0524, 0.3339]
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)) or min_group_size < 0:
        raise ValueError(f"min_group_size={min_group_size!r}; accepted: a whole number >= 0")
    if isinstance(outcomes, str):
        outcomes = [outcomes]
    names = list(outcomes) if outcomes is not None else [c for c in IMPACT_OUTCOMES if c in data.columns]
    if not names:
        raise _core.InputError(f"no outcome column; accepted: outcomes=[...] or columns named {', '.join(IMPACT_OUTCOMES)}")
    flags = f"a flag per account: {_columns.FLAG_TEXTS}"
    completed_flags = _numbers(data, completed, flags, flag=True)
    archetype = _archetypes(data)
    columns = ["accounts_completed", "outcome_completed", "rate_completed", "completed_ci_lower", "completed_ci_upper",
               "accounts_not_completed", "outcome_not_completed", "rate_not_completed", "not_completed_ci_lower",
               "not_completed_ci_upper", "difference", "ci_lower", "ci_upper"]
    frames = []
    for outcome in names:
        with _labelled(data.index, {"completed": completed, "outcome": outcome}):
            groups = _core.metrics_impact(completed_flags, _numbers(data, outcome, flags, flag=True), archetype,
                                          int(min_group_size), float(confidence))
        frames.append(_group_frame(groups, columns, archetype is not None))
    return pd.concat(frames, keys=names, names=["outcome", "archetype"])


# ---------------------------------------------------------------------------------------------
# 5. interaction rate


def interaction_rate(data: pd.DataFrame, *, level: str = "row") -> pd.DataFrame:
    """Interaction rate of community or social channels: interactions ÷ posts ÷ followers × 100 %.

    Parameters
    ----------
    data : DataFrame
        One row per channel and period: ``interactions``, ``posts``, ``followers`` (counts >= 0),
        optional ``channel``, ``period``, ``account_id`` and ``archetype`` (copied through).
    level : {"row", "group"}
        ``"row"``: the rate of every row; ``"group"``: pooled per archetype and ``overall``
        (Σ interactions ÷ Σ posts·followers × 100, over rows with posts and followers).

    Returns
    -------
    DataFrame
        ``interaction_rate`` in percent (NaN with ``zero_posts`` / ``zero_followers``) and
        ``reason``; groups also have ``rows``, ``excluded``, ``interactions``, ``posts`` and
        ``post_followers``.

    Examples
    --------
    >>> channels = pd.DataFrame({"channel": ["forum"], "interactions": [50], "posts": [10], "followers": [1000]})
    >>> interaction_rate(channels)["interaction_rate"].tolist()
    [0.5]
    """
    _check_level(level, ("row", "group"))
    counts = {name: _numbers(data, name, f"{name} per channel and period, a count >= 0")
              for name in ("interactions", "posts", "followers")}
    archetype = _archetypes(data)
    with _labelled(data.index):
        out = _core.metrics_interaction_rate(counts["interactions"], counts["posts"], counts["followers"], archetype)
    if level == "group":
        return _group_frame(out["groups"], ["rows", "excluded", "interactions", "posts", "post_followers",
                                            "interaction_rate"], archetype is not None)
    result: Dict[str, Any] = _passthrough(data, ("account_id", "channel", "period", "archetype"))
    result.update(counts)
    result["interaction_rate"] = out["interaction_rate"]
    result["reason"] = _reason_text(out["reasons"])
    return pd.DataFrame(result, index=data.index)


# ---------------------------------------------------------------------------------------------
# 6. training cost


def _settings_layers(settings: _SettingsSource, overrides: Mapping[str, Any]) -> List[str]:
    """JSON documents the core merges onto its defaults in turn: the settings, then the keywords."""
    layers = []
    if isinstance(settings, Mapping):
        layers.append(json.dumps(dict(settings)))  # NaN reaches the core, which names its JSON path
    elif settings is not None:
        text = os.fspath(settings)
        if not text.lstrip().startswith("{"):
            with open(text, encoding="utf-8") as f:
                text = f.read()
        layers.append(text)
    if overrides:
        layers.append(json.dumps(dict(overrides)))
    return layers


def cost_settings(settings: _SettingsSource = None, **overrides: Any) -> Dict[str, Any]:
    """The effective training cost settings: the documented defaults, a settings document, keywords.

    Parameters
    ----------
    settings : path, JSON text or mapping, optional
        A cost settings document; every key optional (see the README "Metrics" section).
    **overrides
        Top-level keys merged last, e.g. ``ilt_onsite={"class_size": 12}`` or
        ``format_modes={"webinar": "on_demand"}`` (``None`` as a mode removes a format).

    Returns
    -------
    dict
        ``ilt_onsite``, ``ilt_virtual`` (class_size and per-session costs), ``on_demand``,
        ``certification``, ``email_nurture`` (``once`` and ``per_learner``),
        ``break_even_search_limit`` and ``format_modes``.

    Examples
    --------
    >>> cost_settings(ilt_onsite={"class_size": 12})["ilt_onsite"]["class_size"]
    12.0
    """
    return json.loads(_core.metrics_cost_settings(_settings_layers(settings, overrides)))


def break_even(*, instructor_led: str = "ilt_onsite", settings: _SettingsSource = None,
               **overrides: Any) -> Optional[int]:
    """The smallest number of learners at which on-demand costs no more than instructor-led.

    Instructor-led cost rises in steps (``ceil(learners / class_size)`` sessions), so being
    cheaper at N does not imply being cheaper at N + 1: this is the first such N.

    Parameters
    ----------
    instructor_led : {"ilt_onsite", "ilt_virtual"}
        The instructor-led mode to compare with.
    settings, **overrides
        As for :func:`cost_settings`.

    Returns
    -------
    int or None
        None when on-demand is never cheaper up to ``break_even_search_limit`` learners.

    Examples
    --------
    >>> break_even()
    221
    """
    return _core.metrics_break_even(instructor_led, _settings_layers(settings, overrides))


def _recommendation_table(texts: pd.Series) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """The distinct ';'-joined format lists as int16 indices into the distinct ids (-1 padded, one
    extra all-padding row for missing text), each row's code into that table, and the ids."""
    codes, uniques = pd.factorize(texts.fillna("").astype(str), sort=False)
    ids: List[str] = []
    position: Dict[str, int] = {}
    parts = [[p for p in text.split(";") if p] for text in uniques]
    for items in parts:
        for p in items:
            position.setdefault(p, len(position))
    ids = list(position)
    width = max([len(items) for items in parts] + [1])
    table = np.full((len(uniques) + 1, width), -1, dtype=np.int16)
    for u, items in enumerate(parts):
        table[u, : len(items)] = [position[p] for p in items]
    codes = np.where(codes < 0, len(uniques), codes)
    return table, codes, ids


def cost(data: Optional[pd.DataFrame] = None, *, learners: Union[int, Sequence[int], None] = None,
         level: str = "group", settings: _SettingsSource = None, **overrides: Any) -> pd.DataFrame:
    """Training cost: each account's recommended mix at its users, or a comparison of modes.

    Parameters
    ----------
    data : DataFrame, optional
        One row per account: ``users`` (learners) and ``recommendations`` (format ids joined by
        ``;``, as :func:`riskscale.classify` gives them), optional ``archetype`` and
        ``account_id``. Every format must have a delivery mode in ``format_modes``; an account
        with a format that has none gets ``unknown_format`` and NaN costs, never a 0.
    learners : int or sequence of int, optional
        Without ``data``: the numbers of learners to price every delivery mode at.
    level : {"group", "account"}
        For ``data``: per archetype and ``overall``, or per account.
    settings, **overrides
        Cost settings, as for :func:`cost_settings`.

    Returns
    -------
    DataFrame
        With ``data``: ``users``, ``total_cost``, ``cost_per_learner`` (NaN with
        ``zero_learners``), ``<mode>_cost`` per delivery mode and ``reason`` (per account also
        ``unknown_formats``, the ids without a delivery mode); an account is priced
        standalone (its formats' once-costs included), a group counts each format's once-cost once
        and has ``accounts`` and ``unpriced``. With ``learners``: indexed by learners,
        ``<mode>_sessions`` for the instructor-led modes, ``<mode>_total`` and
        ``<mode>_per_learner``; ``.attrs["break_even"]`` maps each instructor-led mode to
        :func:`break_even`.

    Examples
    --------
    >>> cost(learners=[20, 221])["ilt_onsite_total"].tolist()
    [2310.0, 27720.0]
    """
    layers = _settings_layers(settings, overrides)
    if data is not None and learners is not None:
        raise ValueError("give data (accounts with users and recommendations) or learners=[...], not both")
    if data is None:
        if learners is None:
            raise ValueError("give data (accounts with users and recommendations) or learners=[...]")
        counts = np.atleast_1d(np.asarray(learners, dtype=np.float64))
        result: Dict[str, Any] = {}
        for mode in DELIVERY_MODES:
            costs = _core.metrics_delivery_costs(mode, np.ascontiguousarray(counts), layers)
            if mode.startswith("ilt_"):
                result[f"{mode}_sessions"] = costs["sessions"]
            result[f"{mode}_total"] = costs["total"]
            result[f"{mode}_per_learner"] = costs["per_learner"]
        frame = pd.DataFrame(result, index=pd.Index(counts, name="learners"))
        frame.attrs["break_even"] = {mode: _core.metrics_break_even(mode, layers) for mode in ("ilt_onsite", "ilt_virtual")}
        return frame
    _check_level(level, ("group", "account"))
    users = _numbers(data, "users", "learners per account, a count >= 0")
    if "recommendations" not in data.columns:
        raise _core.InputError("missing column 'recommendations'; accepted: format ids joined by ';' per account")
    distinct, codes, ids = _recommendation_table(data["recommendations"])
    table = np.ascontiguousarray(distinct[codes])
    archetype = _archetypes(data)
    with _labelled(data.index):
        out = _core.metrics_training_cost(users, table, ids, archetype, layers)
    if level == "account":
        columns: Dict[str, Any] = _passthrough(data, ("account_id", "archetype"))
        columns["users"] = users
        columns["total_cost"] = out["total_cost"]
        columns["cost_per_learner"] = out["cost_per_learner"]
        for mode in DELIVERY_MODES:
            columns[f"{mode}_cost"] = out["mode_cost"][mode]
        # Which formats lack a delivery mode, by the core's effective mapping.
        modes = json.loads(_core.metrics_cost_settings(layers))["format_modes"]
        unknown = np.asarray([";".join(ids[k] for k in row if k >= 0 and ids[k] not in modes) for row in distinct],
                             dtype=object)
        columns["unknown_formats"] = unknown[codes]
        columns["reason"] = _reason_text(out["reasons"])
        return pd.DataFrame(columns, index=data.index)
    for g in out["groups"]:
        g.update({f"{mode}_cost": g["mode_cost"][mode] for mode in DELIVERY_MODES})
    return _group_frame(out["groups"], ["accounts", "unpriced", "users", "total_cost", "cost_per_learner"] +
                        [f"{mode}_cost" for mode in DELIVERY_MODES], archetype is not None)


__all__ = [
    "DELIVERY_MODES",
    "IMPACT_OUTCOMES",
    "OVERALL",
    "REASONS",
    "adoption",
    "break_even",
    "cost",
    "cost_settings",
    "funnel",
    "impact",
    "interaction_rate",
    "program",
]


def __dir__() -> list:
    """The public names only (PEP 562): ``dir()`` shows the API, not the imports."""
    return sorted(__all__)
