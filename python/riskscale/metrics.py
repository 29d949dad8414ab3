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

import copy
import json
import os
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

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
# the metric tables' columns, as the core declares them (include/riskscale/metrics/schema.hpp)


def columns(metric: str) -> Dict[str, Any]:
    """The columns a metric table reads and writes, as the C++ core declares them.

    Parameters
    ----------
    metric : str
        A metric table: ``"adoption"``, ``"adoption_users"`` (the users table of :func:`adoption`),
        ``"funnel"``, ``"program"``, ``"impact"``, ``"interaction"``, ``"cost"``, ``"delivery_cost"``
        or ``"break_even"`` (the two tables of the command line's ``metrics cost`` without input).

    Returns
    -------
    dict
        ``rows`` (what one input row is), ``inputs`` (a list of ``{"name", "required", "kind",
        "accepted"}``: ``kind`` one of count, flag, number, archetype, key, text; ``accepted`` the
        sentence a refusal of the column gives) and ``outputs`` (level -> list of ``{"name",
        "when", "each"}`` in column order). ``when`` is ``always``, ``input_has`` (copied from the
        input when it has the column), ``row_identity`` (copied by the command line, whose tables
        have no row labels; a DataFrame keeps the input's index instead) or ``with_users``
        (adoption with a users table); ``each`` is ``once``, ``each_stage``, ``each_later_stage`` or
        ``each_mode``, with ``{stage}`` and ``{mode}`` in the name standing for each stage or
        delivery mode; ``{by}`` stands for the column named by ``by``. A DataFrame result has the
        level's columns with the leading group keys (``archetype``, ``outcome``, the course) as its
        index; :func:`cost` with ``learners`` gives its own wide layout.

    Examples
    --------
    >>> [c["name"] for c in columns("adoption")["inputs"] if c["required"]]
    ['seats', 'trained', 'active']
    >>> columns("impact")["outputs"]["group"][-3]["name"]
    'ci_lower'
    """
    if metric not in _core.METRIC_COLUMNS:
        raise ValueError(f"metric={metric!r}; accepted: one of {', '.join(_core.METRIC_COLUMNS)}")
    return copy.deepcopy(_core.METRIC_COLUMNS[metric])


class _Input(NamedTuple):
    """A declared input column: its name, whether it is required, its kind and the accepted sentence."""

    name: str
    required: bool
    kind: str
    accepted: str


def _inputs(metric: str) -> SimpleNamespace:
    """The declared input columns of ``metric`` as attributes (``{stage}`` as ``stage``)."""
    return SimpleNamespace(**{c["name"].strip("{}"): _Input(**c) for c in _core.METRIC_COLUMNS[metric]["inputs"]})


_ADOPTION = _inputs("adoption")
_USERS = _inputs("adoption_users")
_FUNNEL = _inputs("funnel")
_PROGRAM = _inputs("program")
_IMPACT = _inputs("impact")
_INTERACTION = _inputs("interaction")
_COST = _inputs("cost")
_ARCHETYPE = _ADOPTION.archetype.name
_REASON = _core.METRIC_COLUMNS["adoption"]["outputs"]["group"][-1]["name"]


def _levels(metric: str) -> Tuple[str, ...]:
    """The declared output levels of ``metric``, the default first."""
    return tuple(_core.METRIC_COLUMNS[metric]["outputs"])


def _output_names(metric: str, level: str, data: Optional[pd.DataFrame] = None, *, with_users: bool = False,
                  stages: Sequence[str] = (), by: Optional[str] = None, copied_only: bool = False) -> List[str]:
    """The declared output columns of a level for the columns of ``data`` (as the core lists them)."""
    present = [c for c in data.columns if isinstance(c, str)] if data is not None else []
    return _core.metric_output_names(metric, level, present, False, with_users, list(stages), by or "", copied_only)


def _pattern(metric: str, level: str, each: str) -> str:
    """The declared name pattern of a level's repeated column (``each_later_stage``, ``each_mode``)."""
    return next(c["name"] for c in _core.METRIC_COLUMNS[metric]["outputs"][level] if c["each"] == each)


def _read(frame: pd.DataFrame, column: _Input, required: Optional[bool] = None) -> Optional[np.ndarray]:
    """A declared column as contiguous float64, refused in the declaration's words."""
    return _numbers(frame, column.name, column.accepted, column.required if required is None else required,
                    flag=column.kind == "flag")


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
    if _ARCHETYPE not in frame.columns:
        return None
    values = frame[_ARCHETYPE]
    codes, unknown = _columns.archetype_codes(values)
    if unknown is not None:
        raise _columns.input_error(f"row {frame.index[unknown]!r}, column {_ARCHETYPE!r}: {values.iloc[unknown]!r} is "
                                   f"not an archetype; accepted: {_ADOPTION.archetype.accepted}",
                                   row=frame.index[unknown], column=_ARCHETYPE, value=values.iloc[unknown])
    return codes


def _reason_text(reasons: np.ndarray) -> pd.Categorical:
    """Reason bit sets as text (categorical), in the core's words."""
    unique, inverse = np.unique(reasons, return_inverse=True)
    names = [_core.metrics_describe_reasons(int(u)) for u in unique]
    return pd.Categorical.from_codes(inverse.reshape(-1), categories=names)


def _check_level(level: str, accepted: Sequence[str]) -> None:
    if level not in accepted:
        raise ValueError(f"level={level!r}; accepted: {' or '.join(repr(a) for a in accepted)}")


def _group_frame(groups: List[Dict[str, Any]], names: Sequence[str], by_archetype: bool) -> pd.DataFrame:
    """One row per archetype (when the data had archetypes) and an ``overall`` row: ``names`` are the
    level's declared columns, the archetype first (the index) and the reason last."""
    picks = range(len(_GROUPS)) if by_archetype else [len(_GROUPS) - 1]
    frame = pd.DataFrame([{c: groups[g][c] for c in names[1:-1]} for g in picks],
                         index=pd.Index([_GROUPS[g] for g in picks], name=names[0]))
    frame[names[-1]] = [_core.metrics_describe_reasons(int(groups[g]["reasons"])) for g in picks]
    return frame


def _row_frame(names: Sequence[str], values: Mapping[str, Any], reasons: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """A per-row result: the level's declared ``names`` taken from ``values``, the reason last."""
    columns = {name: values[name] for name in names[:-1]}
    columns[names[-1]] = _reason_text(reasons)
    return pd.DataFrame(columns, index=index)


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
    _check_level(level, _levels("adoption"))
    archetype = _archetypes(data)
    seats = _read(data, _ADOPTION.seats)
    cross: Dict[str, np.ndarray] = {}
    if users is not None:
        own = [c for c in (_ADOPTION.trained.name, _ADOPTION.active.name) if c in data.columns]
        if own:
            raise _core.InputError(f"data has column {own[0]!r} and users were given; accepted: trained and active "
                                   "either as columns of data or counted from users, not both")
        if _ADOPTION.account_id.name not in data.columns:
            raise _core.InputError(f"missing column {_ADOPTION.account_id.name!r} in data; accepted: the account ids "
                                   "users refer to")
        ids = data[_ADOPTION.account_id.name]
        repeated = np.flatnonzero(ids.duplicated().to_numpy())
        if repeated.size:
            row = int(repeated[0])
            raise _core.InputError(f"row {data.index[row]!r}, column {_ADOPTION.account_id.name!r}: {ids.iloc[row]!r} "
                                   "appears twice; accepted: one row per account when users are given")
        user_id = _USERS.account_id.name
        if user_id not in users.columns:
            raise _core.InputError(f"missing column {user_id!r} in users; accepted: {_USERS.account_id.accepted}")
        account = np.ascontiguousarray(pd.Index(ids).get_indexer(users[user_id]), dtype=np.int64)
        try:
            with _labelled(users.index):
                counts = _core.metrics_count_users(account, _read(users, _USERS.trained), _read(users, _USERS.active),
                                                   len(data))
        except _core.InputError as error:
            unknown = np.flatnonzero(account < 0)
            if f"{user_id!r}" not in str(error) or not unknown.size:
                raise
            row = int(unknown[0])
            raise _core.InputError(f"row {users.index[row]!r}, column {user_id!r}: {users[user_id].iloc[row]!r} "
                                   f"is not an {user_id} of data; accepted: the {user_id} of an account row") from None
        trained, active = counts[_USERS.trained.name], counts[_USERS.active.name]
        # The cross counts: the columns the declaration writes with a users table.
        cross = {c["name"]: counts[c["name"]] for c in _core.METRIC_COLUMNS["adoption"]["outputs"]["account"]
                 if c["when"] == "with_users"}
    else:
        trained = _read(data, _ADOPTION.trained)
        active = _read(data, _ADOPTION.active)
    with _labelled(data.index):
        out = _core.metrics_adoption(seats, trained, active, archetype, *(cross.get(c["name"]) for c in
                                     _core.METRIC_COLUMNS["adoption"]["outputs"]["group"] if c["when"] == "with_users"))
    names = _output_names("adoption", level, data, with_users=users is not None)
    if level == "account":
        values: Dict[str, Any] = dict(out)
        values.update(_passthrough(data, _output_names("adoption", level, data, copied_only=True)))
        values.update({_ADOPTION.seats.name: seats, _ADOPTION.trained.name: trained, _ADOPTION.active.name: active})
        values.update(cross)
        return _row_frame(names, values, out["reasons"], data.index)
    return _group_frame(out["groups"], names, archetype is not None)


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
    _check_level(level, _levels("funnel"))
    stages = [str(s) for s in stages]
    if len(stages) < 2 or len(set(stages)) != len(stages):
        raise ValueError(f"stages={stages!r}; accepted: at least two distinct stage names in funnel order")
    if stage_column is None:
        columns = [_numbers(data, s, _FUNNEL.stage.accepted) for s in stages]
        archetype = _archetypes(data)
        row_index = data.index
        keys = _passthrough(data, _output_names("funnel", "row", data, by=by, copied_only=True))
    else:
        if stage_column not in data.columns:
            raise _core.InputError(f"missing column {stage_column!r}; accepted: {_FUNNEL.stage_column.accepted}")
        if by is not None and by not in data.columns:
            raise _core.InputError(f"missing column {by!r}; accepted: the cohort of each user")
        furthest = _stage_indices(data[stage_column], stages, stage_column)
        user_archetype = _archetypes(data)
        key_names = _output_names("funnel", "row", data, by=by, copied_only=True)
        if key_names:
            grouped = data[key_names].groupby(key_names, sort=True, dropna=False, observed=True)
            cohort = np.ascontiguousarray(grouped.ngroup().to_numpy(), dtype=np.int64)
            row_index = grouped.size().index
            cohorts = len(row_index)
        else:
            cohort = np.zeros(len(data), dtype=np.int64)
            row_index = pd.Index([OVERALL], name=_FUNNEL.cohort.name)
            cohorts = 1
        with _labelled(data.index, {"furthest_stage": stage_column, "cohort": by or _FUNNEL.cohort.name}):
            counts = _core.metrics_funnel_counts(furthest, cohort, cohorts, len(stages))
        columns = [np.ascontiguousarray(counts[:, s]) for s in range(len(stages))]
        archetype = None
        keys = {}  # the cohort keys are the result's index
        if user_archetype is not None:
            first = pd.Series(np.arange(len(data))).groupby(cohort).first().to_numpy()
            archetype = np.ascontiguousarray(user_archetype[first]) if len(data) else np.zeros(0, np.int8)
    with _labelled(row_index):
        out = _core.metrics_funnel(stages, columns, archetype)

    # The declared columns (per-user data keeps its cohort keys as the index); the largest drop,
    # which the core gives as a step index, is named here by its stage.
    names = _output_names("funnel", level, data if stage_column is None else None, stages=stages, by=by)
    conversion = _pattern("funnel", level, "each_later_stage")
    largest_drop = "largest_drop_stage"

    def conversions(step_conversion: Any, largest: Any) -> Dict[str, Any]:
        matrix = np.asarray(step_conversion, dtype=np.float64).reshape(-1, len(stages) - 1)
        named = {conversion.replace("{stage}", s): matrix[:, j] for j, s in enumerate(stages[1:])}
        later = np.asarray(list(stages[1:]) + [None], dtype=object)
        named[largest_drop] = later[np.where(np.asarray(largest) < 0, len(stages), np.asarray(largest) + 1) - 1]
        return named

    if level == "row":
        values: Dict[str, Any] = dict(out)
        values.update(keys)
        values.update({s: columns[k] for k, s in enumerate(stages)})
        values.update(conversions(out["step_conversion"], out["largest_drop_step"]))
        return _row_frame(names, values, out["reasons"], row_index)
    groups = out["groups"]
    for g in groups:
        for k, s in enumerate(stages):
            g[s] = g["counts"][k]
        named = conversions([g["step_conversion"]], [g["largest_drop_step"]])
        g.update({k: v[0] for k, v in named.items()})
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
    course_name = _PROGRAM.course.name
    key = by if by is not None else (course_name if course_name in data.columns else None)
    if by is not None and by not in data.columns:
        raise _core.InputError(f"missing column {by!r}; accepted: {_PROGRAM.course.accepted}")
    completed = _read(data, _PROGRAM.completed)
    course = None
    courses: List[Any] = []
    if key is not None:
        codes, uniques = pd.factorize(data[key], sort=True)
        course = np.ascontiguousarray(codes, dtype=np.int32)
        courses = list(uniques)
    archetype = _archetypes(data)
    with _labelled(data.index, {"course": key or course_name}):  # the core's name of the course column
        cells = _core.metrics_program(completed, course, len(courses), _read(data, _PROGRAM.assessment_passed),
                                      _read(data, _PROGRAM.days_to_completion), archetype)
    groups = range(len(_GROUPS)) if archetype is not None else [len(_GROUPS) - 1]
    wanted = [c for c in cells if c["group"] in groups]
    index = pd.MultiIndex.from_tuples(
        [(courses[c["course"]] if c["course"] < len(courses) else OVERALL, _GROUPS[c["group"]]) for c in wanted],
        names=[key or course_name, _ARCHETYPE])
    names = _output_names("program", "group", by=key or course_name)[2:]  # after the index: course, archetype
    frame = pd.DataFrame([{n: c[n] for n in names[:-1]} for c in wanted], index=index, columns=names[:-1])
    frame[names[-1]] = [_core.metrics_describe_reasons(int(c["reasons"])) for c in wanted]
    return frame


# ---------------------------------------------------------------------------------------------
# 4. impact


def impact(data: pd.DataFrame, *, completed: str = _IMPACT.onboarding_completed.name,
           outcomes: Optional[Sequence[str]] = None,
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
    flags = _IMPACT.onboarding_completed.accepted  # every outcome is accepted as the completed flag
    completed_flags = _numbers(data, completed, flags, flag=True)
    archetype = _archetypes(data)
    declared = _output_names("impact", "group")  # outcome, archetype (the index), ..., reason
    frames = []
    for outcome in names:
        with _labelled(data.index, {"completed": completed, "outcome": outcome}):  # the core's generic names
            groups = _core.metrics_impact(completed_flags, _numbers(data, outcome, flags, flag=True), archetype,
                                          int(min_group_size), float(confidence))
        frames.append(_group_frame(groups, declared[1:], archetype is not None))
    return pd.concat(frames, keys=names, names=declared[:2])


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
    _check_level(level, _levels("interaction"))
    read = (_INTERACTION.interactions, _INTERACTION.posts, _INTERACTION.followers)
    counts = {column.name: _read(data, column) for column in read}
    archetype = _archetypes(data)
    with _labelled(data.index):
        out = _core.metrics_interaction_rate(*counts.values(), archetype)
    names = _output_names("interaction", level, data)
    if level == "group":
        return _group_frame(out["groups"], names, archetype is not None)
    values: Dict[str, Any] = dict(out)
    values.update(_passthrough(data, _output_names("interaction", level, data, copied_only=True)))
    values.update(counts)
    return _row_frame(names, values, out["reasons"], data.index)


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
    parts = _columns.split_lists(uniques)
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
    _check_level(level, _levels("cost"))
    users = _read(data, _COST.users)
    if _COST.recommendations.name not in data.columns:
        raise _core.InputError(f"missing column {_COST.recommendations.name!r}; "
                               f"accepted: {_COST.recommendations.accepted}")
    distinct, codes, ids = _recommendation_table(data[_COST.recommendations.name])
    table = np.ascontiguousarray(distinct[codes])
    archetype = _archetypes(data)
    with _labelled(data.index):
        out = _core.metrics_training_cost(users, table, ids, archetype, layers)
    names = _output_names("cost", level, data)
    mode_cost = _pattern("cost", level, "each_mode")
    if level == "account":
        values: Dict[str, Any] = dict(out)
        values.update(_passthrough(data, _output_names("cost", level, data, copied_only=True)))
        values[_COST.users.name] = users
        values.update({mode_cost.replace("{mode}", mode): out["mode_cost"][mode] for mode in DELIVERY_MODES})
        # Which formats lack a delivery mode, by the core's effective mapping.
        modes = json.loads(_core.metrics_cost_settings(layers))["format_modes"]
        unknown = np.asarray([";".join(ids[k] for k in row if k >= 0 and ids[k] not in modes) for row in distinct],
                             dtype=object)
        values["unknown_formats"] = unknown[codes]
        return _row_frame(names, values, out["reasons"], data.index)
    for g in out["groups"]:
        g.update({mode_cost.replace("{mode}", mode): g["mode_cost"][mode] for mode in DELIVERY_MODES})
    return _group_frame(out["groups"], names, archetype is not None)


__all__ = [
    "DELIVERY_MODES",
    "IMPACT_OUTCOMES",
    "OVERALL",
    "REASONS",
    "adoption",
    "break_even",
    "columns",
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
