"""The portfolio report and the welcome pack: one self-contained HTML file from DataFrames.

The page is rendered by the same C++ library as ``riskscale report`` (``src/report``), fed by the
same core calls, so the same accounts give the same bytes; this module only translates the frames.
"""

from __future__ import annotations

import datetime
import html
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Union

import numpy as np
import pandas as pd

from . import _core
from ._drift import _ids, _inputs, _mapped
from ._policy import Policy, _core_policy
from .metrics import (_ADOPTION, _FUNNEL, _IMPACT, _INTERACTION, _PROGRAM, IMPACT_OUTCOMES, _archetypes, _labelled,
                      _numbers, _read)

__all__ = ["Report", "report"]


class Report:
    """A written report (or welcome pack), as returned by :func:`report`.

    Attributes
    ----------
    path : str
        The file written.
    html : str
        The document: inline CSS and SVG, no script, nothing fetched when opened.
    """

    def __init__(self, path: str, document: str):
        self.path = path
        self.html = document

    def __repr__(self) -> str:
        return f"Report({self.path!r}, {len(self.html.encode('utf-8')) / 1000:.1f} kB)"

    def _repr_html_(self) -> str:
        # In an iframe, so that the page's style sheet does not restyle the notebook around it.
        return (f'<iframe title="{html.escape(os.path.basename(self.path))}" srcdoc="{html.escape(self.html)}" '
                'style="width: 100%; height: 720px; border: 1px solid #cbd5e0"></iframe>')


def _frame_ids(frame: pd.DataFrame, name: str, unique: bool) -> List[str]:
    if unique:
        return _ids(frame, name)
    values = frame["account_id"] if "account_id" in frame.columns else pd.Series(frame.index, index=frame.index)
    if values.isna().any():
        label = values.index[np.flatnonzero(values.isna().to_numpy())[0]]
        raise ValueError(f"{name}, row {label!r}, column 'account_id': missing; accepted: an id per row")
    return values.astype(str).tolist()


def _snapshot(frame: Any, name: str, policy: Optional[Policy], core_policy: "_core.Policy",
              unique: bool) -> "tuple[List[str], Dict[str, np.ndarray]]":
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    mapped, _ = _mapped(frame, policy)  # a row the policy's inputs refused is NaN: invalid, as the CLI counts it
    return _frame_ids(mapped, name, unique), _inputs(mapped, core_policy, name, {})


def _goals_json(goals: Any) -> Optional[str]:
    """Goals as the JSON text the core reads: a list of dicts, JSON text, or a path to a JSON file."""
    if goals is None:
        return None
    if isinstance(goals, (list, tuple)):
        return json.dumps(list(goals))
    if isinstance(goals, os.PathLike) or (isinstance(goals, str) and not goals.lstrip().startswith("[")):
        with open(goals, encoding="utf-8") as handle:
            return handle.read()
    if isinstance(goals, str):
        return goals
    raise ValueError(f"goals: expected a list of dicts, JSON text or a path, got {type(goals).__name__}")


# The metric kinds of ``metrics=``, as ``riskscale report --metrics KIND=FILE`` takes them.
_METRIC_KINDS = ("funnel", "program", "adoption", "interaction", "impact")
# The funnel table's columns that are never stages (every other column is one), as the core declares them.


def _lifecycle(metrics: Mapping[str, pd.DataFrame]) -> "_core.ReportMetrics":
    """The metric tables run by the core one at a time, read as :mod:`riskscale.metrics` reads them."""
    if not isinstance(metrics, Mapping):
        raise ValueError(f"metrics: expected a dict of kind to DataFrame, got {type(metrics).__name__}")
    out = _core.ReportMetrics()
    # The section's order, whatever the dict's (as the command line reads its --metrics).
    unknown = [kind for kind in metrics if kind not in _METRIC_KINDS]
    if unknown:
        raise ValueError(f"metrics: {unknown[0]!r} is not a metric kind; accepted: {', '.join(_METRIC_KINDS)}")
    for kind in [k for k in _METRIC_KINDS if k in metrics]:
        frame = metrics[kind]
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"metrics[{kind!r}]: expected a pandas DataFrame, got {type(frame).__name__}")
        try:
            _add_metric(out, kind, frame)
        except _core.InputError as error:
            raise _core.InputError(f"metrics[{kind!r}]: {error}") from None
    return out


def _add_metric(out: "_core.ReportMetrics", kind: str, frame: pd.DataFrame) -> None:
    archetype = _archetypes(frame)
    if kind == "adoption":
        seats, trained, active = (_read(frame, c) for c in (_ADOPTION.seats, _ADOPTION.trained, _ADOPTION.active))
        with _labelled(frame.index):
            out.add_adoption(seats, trained, active, archetype)
    elif kind == "funnel":
        stages = _core.funnel_stage_columns([str(c) for c in frame.columns])
        columns = [_numbers(frame, s, _FUNNEL.stage.accepted) for s in stages]
        with _labelled(frame.index):
            out.add_funnel(stages, columns, archetype)
    elif kind == "program":
        completed = _read(frame, _PROGRAM.completed)
        course, courses = None, []
        if _PROGRAM.course.name in frame.columns:
            codes, uniques = pd.factorize(frame[_PROGRAM.course.name], sort=True)
            course, courses = np.ascontiguousarray(codes, dtype=np.int32), [str(u) for u in uniques]
        with _labelled(frame.index):
            out.add_program(completed, course, courses, _read(frame, _PROGRAM.assessment_passed),
                            _read(frame, _PROGRAM.days_to_completion), archetype)
    elif kind == "interaction":
        counts = [_read(frame, c) for c in (_INTERACTION.interactions, _INTERACTION.posts, _INTERACTION.followers)]
        with _labelled(frame.index):
            out.add_interaction(*counts, archetype)
    else:
        outcomes = [c for c in IMPACT_OUTCOMES if c in frame.columns]
        if not outcomes:
            raise _core.InputError(f"no outcome column; accepted: columns named {', '.join(IMPACT_OUTCOMES)}")
        completed_column = _IMPACT.onboarding_completed
        flags = completed_column.accepted
        completed = _read(frame, completed_column)
        for outcome in outcomes:
            with _labelled(frame.index, {"completed": completed_column.name, "outcome": outcome}):
                out.add_impact(outcome, completed, _numbers(frame, outcome, flags, flag=True), archetype)


def _plan_columns(plans: pd.DataFrame) -> Dict[str, List[str]]:
    """The touchpoint rows of ``plans`` (as :func:`riskscale.plans` returns them) as columns of text."""
    if not isinstance(plans, pd.DataFrame):
        raise ValueError(f"plans: expected a pandas DataFrame, got {type(plans).__name__}")
    columns: Dict[str, List[str]] = {}
    for name in _core.PLAN_CSV_COLUMNS:  # the columns `riskscale plan --all` writes (plan_export.hpp)
        if name not in plans.columns:
            continue
        values = plans[name]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.strftime("%Y-%m-%d")
        elif values.dtype.kind in "biu":
            values = values.astype(np.int64).astype(str)
        else:
            values = values.map(lambda v: v.isoformat() if isinstance(v, datetime.date) else v)
        columns[name] = ["" if pd.isna(v) else str(v) for v in values]
    return columns


def report(accounts: pd.DataFrame, path: Union[str, "os.PathLike[str]"], policy: Optional[Policy] = None,
           previous: Optional[pd.DataFrame] = None, goals: Union[List[Dict[str, Any]], str, "os.PathLike[str]", None] = None,
           *, metrics: Optional[Mapping[str, pd.DataFrame]] = None, plans: Optional[pd.DataFrame] = None,
           account: Optional[str] = None, title: Optional[str] = None,
           start: Union[str, datetime.date, None] = None, top: int = 10, threads: Optional[int] = None) -> Report:
    """Write the portfolio report, or one account's welcome pack, as one self-contained HTML file.

    Parameters
    ----------
    accounts : DataFrame
        The accounts, as :func:`riskscale.classify` takes them (SPEC §2 columns, or raw
        columns read through the policy's ``inputs``, SPEC §9).
    path : str or path-like
        The HTML file to write (replaced when it exists).
    policy : Policy, optional
        The policy; SPEC defaults when omitted.
    previous : DataFrame, optional
        The previous snapshot of the accounts (same layout): adds the top movers and the
        Movement section (SPEC §11). Account ids must then be unique in each snapshot.
    goals : list of dict, JSON text or path, optional
        Business initiatives, each ``{"initiative": text, "metric": name, "target": number,
        "direction": "at_least" | "at_most"}``: a Goals section with each metric against its
        target (the metric names are the README's; the same reader as ``--goals``).
    metrics : dict of str to DataFrame, optional
        Metric tables by kind (``"adoption"``, ``"funnel"``, ``"program"``, ``"impact"``,
        ``"interaction"``), each as :mod:`riskscale.metrics` reads it (``riskscale report
        --metrics KIND=FILE``): the Onboarding and lifecycle section. Impact reads
        ``onboarding_completed`` and the outcomes renewed/retained/expanded present (95 %,
        groups of 10); a funnel's stages are its columns but archetype, cohort, account_id,
        period and channel, in order.
    plans : DataFrame, optional
        Touchpoints as :func:`riskscale.plans` returns them (``riskscale plan --all``): the
        journey map shows, per archetype present, the plan of its most typical planned account.
    account : str, optional
        Write this account's welcome pack instead of the report.
    title : str, optional
        The report's heading (default "Portfolio report").
    start : str or date, optional
        Welcome day of the plans (journey map, welcome pack); today (UTC) by default.
    top : int, default 10
        Accounts in each top-N list.
    threads : int, optional
        Classification workers; all cores by default.

    Returns
    -------
    Report
        ``.path``, ``.html``; shown inline in a notebook (``_repr_html_``).

    Raises
    ------
    ValueError
        A bad frame, policy or date; ``InputError`` for an unknown ``account`` or one whose
        inputs are invalid, and for an id twice in a snapshot with ``previous``.

    Examples
    --------
    >>> r = riskscale.report(july, "report.html", previous=june)          # doctest: +SKIP
    >>> riskscale.report(july, "welcome.html", account="ACC-000042")       # doctest: +SKIP
    Report('welcome.html', 16.3 kB)
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or not 1 <= top <= 1000:
        raise ValueError(f"top={top!r}; accepted: a whole number from 1 to 1000")
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0):
        raise ValueError(f"threads={threads!r}; accepted: None or 0 (every core) or a whole number of threads")
    if previous is not None and account is not None:
        raise ValueError("previous and account: a welcome pack is about one snapshot; accepted: one of them")
    if account is not None and (metrics is not None or plans is not None):
        raise ValueError("account with metrics or plans: a welcome pack is about one account; accepted: one of them")
    lifecycle = _lifecycle(metrics) if metrics is not None else None
    plan_columns = _plan_columns(plans) if plans is not None else None
    if isinstance(start, datetime.datetime):
        start = start.date()
    start_text = start.isoformat() if isinstance(start, datetime.date) else (start or "")
    core_policy = _core_policy(policy)
    ids, columns = _snapshot(accounts, "accounts", policy, core_policy, previous is not None)
    previous_ids: Optional[List[str]] = None
    previous_columns: Optional[Dict[str, np.ndarray]] = None
    if previous is not None:
        previous_ids, previous_columns = _snapshot(previous, "previous snapshot", policy, core_policy, True)
    try:
        document = _core.report_html(ids, columns, core_policy, previous_ids, previous_columns, account, title or "",
                                     start_text, int(top), int(threads or 0), _goals_json(goals), lifecycle,
                                     plan_columns)
    except _core.InputError as error:
        if getattr(error, "source", None) != "plans" or plans is None:
            raise
        row = getattr(error, "row", None)
        where = f"row {plans.index[row]!r}, " if row is not None and row < len(plans.index) else ""
        raise _core.InputError(f"plans, {where}column {error.column!r}: {error.detail}") from None
    target = os.fspath(path)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(document)
    return Report(target, document)
