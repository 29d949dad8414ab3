"""Drift between two snapshots (SPEC §11): two DataFrames in, a :class:`Drift` out.

Every number (scores, changes, Shapley causes, driver, reasons, alerts, watch list, matrix)
comes from the C++ core (``drift.hpp``); this module only translates to pandas.
"""

from __future__ import annotations

import html
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _columns, _core
from ._plot import _draw_quadrants
from ._classify import ARCHETYPES, _as_float64
from ._policy import Policy, _core_policy

__all__ = ["DRIFT_STATUSES", "MATRIX_ROWS", "MATRIX_COLUMNS", "ALERT_KINDS", "Drift", "drift"]

#: Drift statuses in core order (the categories of ``Drift.accounts["status"]``).
DRIFT_STATUSES = tuple(_core.DRIFT_STATUSES)
#: Rows (old snapshot) and columns (new snapshot) of the transition matrix.
MATRIX_ROWS = tuple(_core.DRIFT_MATRIX_ROWS)
MATRIX_COLUMNS = tuple(_core.DRIFT_MATRIX_COLUMNS)

#: Alert kinds of ``Drift.alerts["alert"]``.
ALERT_KINDS = ("entered_high_risk", "left_high_risk", "entered_high_scale", "left_high_scale", "new_account", "gone")


def _ids(frame: pd.DataFrame, snapshot: str) -> List[str]:
    """The snapshot's account ids as text: its ``account_id`` column, else its index; unique."""
    values = frame["account_id"] if "account_id" in frame.columns else pd.Series(frame.index, index=frame.index)
    if values.isna().any():
        label = values.index[np.flatnonzero(values.isna().to_numpy())[0]]
        raise ValueError(f"{snapshot} snapshot, row {label!r}, column 'account_id': missing; accepted: an id per row")
    ids = values.astype(str)
    duplicated = ids.duplicated(keep=False).to_numpy()
    if duplicated.any():
        first = ids[duplicated].iloc[0]
        labels = list(ids.index[(ids == first).to_numpy()])
        raise ValueError(f"{snapshot} snapshot, column 'account_id': {first!r} appears in rows {labels!r}; "
                         "accepted: each account_id once per snapshot")
    return ids.tolist()


def _inputs(frame: pd.DataFrame, core_policy: "_core.Policy", snapshot: str,
            not_numbers: Dict[str, Dict[int, Any]]) -> Dict[str, np.ndarray]:
    fields = core_policy.input_fields
    missing = [f for f in fields if f != "seats" and f not in frame.columns]
    if missing:
        raise ValueError(f"{snapshot} snapshot: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
                         f"the policy needs {', '.join(f for f in fields if f != 'seats')} (seats optional)")
    return {f: _as_float64(frame[f], f, frame.index, not_numbers) for f in fields if f in frame.columns}


def _mapped(frame: pd.DataFrame, policy: Optional[Policy]) -> Tuple[pd.DataFrame, Dict[int, str]]:
    """A snapshot as model inputs: through the policy's ``inputs`` section (SPEC §9) when it has one.

    The core maps the raw columns as :func:`riskscale.classify` does; the result has
    ``account_id`` and every model input, ``seats`` included, and the rows the mapping refused, by
    position, with the mapping's sentence (input, source column, cell, rule). A refused row has
    NaN in every input, so that the core counts it invalid as the command line does (a refused
    ``seats`` alone would otherwise read as an absent one).
    """
    if policy is None or not policy.inputs:
        return frame, {}
    from ._classify import classify

    mapped = classify(frame, policy, on_invalid="flag", inputs=True)
    values = {f: mapped[f].to_numpy(dtype=np.float64, copy=True) for f in policy.input_fields}
    failures = {int(row): str(reason) for row, reason in enumerate(mapped["invalid_reason"]) if isinstance(reason, str)}
    if failures:
        rows = np.fromiter(failures, dtype=np.int64)
        for column in values.values():
            column[rows] = np.nan
    derived = pd.DataFrame({"account_id": mapped["account_id"].astype(object).to_numpy(), **values}, index=frame.index)
    return derived, failures


def _invalid_reason(snapshot: str, frame: pd.DataFrame, core_policy: "_core.Policy", inputs: Dict[str, np.ndarray],
                    not_numbers: Dict[str, Dict[int, Any]], status: np.ndarray, field: np.ndarray, row: int) -> str:
    refusal = _columns.refused_row(core_policy, inputs, not_numbers, status, field, row)
    return f"{snapshot} snapshot, row {frame.index[row]!r}, column {refusal['field']!r}: {refusal['message']}"


class Drift:
    """SPEC §11 drift between two snapshots, as returned by :func:`drift`.

    Attributes
    ----------
    accounts : DataFrame
        One row per account id of either snapshot (new snapshot order, then the gone
        accounts in old order): ``account_id``, ``status`` (categorical: stayed, moved,
        new, gone, invalid), ``archetype_old``/``archetype_new`` (categorical, NaN where
        absent or invalid), ``risk_old``, ``risk_new``, ``scale_old``, ``scale_new``,
        ``risk_change``, ``scale_change``, ``cause_<factor>`` per policy risk factor,
        ``cause_frequency``, ``cause_reach`` (Shapley values, NaN where not computed),
        ``driver`` and ``reason`` (None unless moved), ``invalid_reason`` (None unless invalid).
    matrix : DataFrame
        Counts, old state (rows: the archetypes, ``new``, ``invalid``) × new state
        (columns: the archetypes, ``gone``, ``invalid``).
    alerts : DataFrame
        ``account_id, alert, from, to, driver, reason, new_formats, dropped_formats, replan``.
    watch : DataFrame
        ``account_id, archetype, axis, line, distance_old, distance_new, driver, reason``.
    policy, old_policy : Policy or None
        The policies compared under (``old_policy`` None for a drift under one policy).
    """

    def __init__(self, accounts: pd.DataFrame, matrix: pd.DataFrame, alerts: pd.DataFrame, watch: pd.DataFrame,
                 policy: Optional[Policy], old_policy: Optional[Policy]):
        self.accounts = accounts
        self.matrix = matrix
        self.alerts = alerts
        self.watch = watch
        self.policy = policy
        self.old_policy = old_policy

    @property
    def counts(self) -> pd.Series:
        """Accounts per status, in status order."""
        return self.accounts["status"].value_counts(sort=False).reindex(list(DRIFT_STATUSES), fill_value=0)

    def movers(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` moved accounts with the largest move (|risk_change| + |scale_change|)."""
        moved = self.accounts[self.accounts["status"] == "moved"]
        size = moved["risk_change"].abs() + moved["scale_change"].abs()
        return moved.loc[size.sort_values(ascending=False, kind="stable").index[:n]]

    def __repr__(self) -> str:
        counts = ", ".join(f"{status} {count}" for status, count in self.counts.items())
        return f"Drift({len(self.accounts)} accounts: {counts}; {len(self.alerts)} alerts, {len(self.watch)} watched)"

    def _repr_html_(self) -> str:
        columns = ["account_id", "archetype_old", "archetype_new", "risk_change", "scale_change", "driver", "reason"]
        movers = self.movers()[columns]
        return (f"<div><p><b>Drift</b>: {html.escape(repr(self)[6:-1])}</p>"
                f"<p>Transition matrix (rows: old snapshot, columns: new snapshot)</p>{self.matrix.to_html()}"
                f"<p>Top movers</p>{movers.to_html(index=False)}</div>")

    def plot(self, ax: Optional[Any] = None, *, max_arrows: int = 500) -> Any:
        """The risk–scale matrix with an arrow per moved account, old position to new, coloured by driver.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure when omitted.
        max_arrows : int
            At most this many arrows, the largest moves first (a plot of 10^5 arrows says nothing).

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt  # optional dependency, imported on use

        settings = (self.policy or Policy()).to_dict()
        old_settings = (self.old_policy or self.policy or Policy()).to_dict()
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 6))
        moved = self.movers(max_arrows)
        drivers = sorted(moved["driver"].dropna().unique())
        colours = plt.get_cmap("tab10")
        for number, driver in enumerate(drivers):
            rows = moved[moved["driver"] == driver]
            colour = colours(number % 10)
            for _, row in rows.iterrows():
                ax.annotate("", xy=(row["scale_new"], row["risk_new"]), xytext=(row["scale_old"], row["risk_old"]),
                            arrowprops=dict(arrowstyle="->", color=colour, linewidth=1.2, alpha=0.8))
            ax.scatter(rows["scale_old"], rows["risk_old"], s=10, color=colour, label=f"{driver} ({len(rows)})")
        _draw_quadrants(ax, settings)
        if old_settings != settings:
            ax.axvline(old_settings["scale_threshold"], color="grey", linestyle=":", linewidth=1)
            ax.axhline(old_settings["risk_threshold"], color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("scale score")
        ax.set_title(f"Drift: {len(moved)} moved accounts, coloured by driver")
        if drivers:
            ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, title="driver")
        return ax

    @classmethod
    def _concat(cls, parts: Sequence["Drift"], policy: Optional[Policy], old_policy: Optional[Policy]) -> "Drift":
        """Drifts of disjoint sets of accounts as one (matrices added)."""
        matrix = sum((p.matrix for p in parts[1:]), parts[0].matrix.copy()) if parts else _empty_matrix()

        def joined(frames: List[pd.DataFrame]) -> pd.DataFrame:
            return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

        accounts = joined([p.accounts for p in parts])
        for column, categories in (("status", DRIFT_STATUSES), ("archetype_old", ARCHETYPES),
                                   ("archetype_new", ARCHETYPES)):
            if column in accounts:
                accounts[column] = pd.Categorical(accounts[column], categories=list(categories))
        return cls(accounts, matrix, joined([p.alerts for p in parts]), joined([p.watch for p in parts]),
                   policy, old_policy)


def _empty_matrix() -> pd.DataFrame:
    return pd.DataFrame(np.zeros((len(MATRIX_ROWS), len(MATRIX_COLUMNS)), dtype=np.int64),
                        index=pd.Index(MATRIX_ROWS, name="old"), columns=pd.Index(MATRIX_COLUMNS, name="new"))


def drift(old: pd.DataFrame, new: pd.DataFrame, policy: Optional[Policy] = None,
          old_policy: Optional[Policy] = None, *, threads: Optional[int] = None) -> Drift:
    """Compare two snapshots of a portfolio (SPEC §11): who moved quadrant, and why.

    Parameters
    ----------
    old, new : DataFrame
        The snapshots, with the SPEC §2 input columns (as for :func:`riskscale.classify`);
        accounts are matched by their ``account_id`` column (text), or by the index
        when there is none. An id may appear once per snapshot.
    policy : Policy, optional
        The policy (of the new snapshot); SPEC defaults when omitted.
    old_policy : Policy, optional
        What-if: classify ``old`` under this policy instead (pass the same frame twice to
        see who would move if the policy changed). Causes are then NaN and the driver of
        a moved account is ``"policy"``.
    threads : int, optional
        Worker threads of the classification; all cores by default.

    Returns
    -------
    Drift
        ``.accounts``, ``.matrix``, ``.alerts``, ``.watch``; ``.plot()`` draws the moves.
        Invalid rows do not raise: their accounts get status ``invalid`` and an
        ``invalid_reason`` naming the snapshot, row label and column.

    Examples
    --------
    >>> d = riskscale.drift(june, july)                      # doctest: +SKIP
    >>> d.matrix.loc["low_scale_high_risk", "high_scale_high_risk"]   # doctest: +SKIP
    6
    """
    if threads is not None and (isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 0):
        raise ValueError(f"threads={threads!r}; accepted: None or 0 (every core) or a whole number of threads")
    for name, frame in (("old", old), ("new", new)):
        if not isinstance(frame, pd.DataFrame):
            raise ValueError(f"{name}: expected a pandas DataFrame, got {type(frame).__name__}")
    core_policy = _core_policy(policy)
    core_old_policy = _core_policy(old_policy) if old_policy is not None else None
    old, old_failures = _mapped(old, old_policy if old_policy is not None else policy)
    new, new_failures = _mapped(new, policy)
    old_ids, new_ids = _ids(old, "old"), _ids(new, "new")
    old_text: Dict[str, Dict[int, Any]] = {}
    new_text: Dict[str, Dict[int, Any]] = {}
    old_inputs = _inputs(old, core_old_policy or core_policy, "old", old_text)
    new_inputs = _inputs(new, core_policy, "new", new_text)
    out = _core.drift_columns(old_ids, old_inputs, new_ids, new_inputs, core_policy, core_old_policy,
                              int(threads or 0))

    factors = [f for f in core_policy.input_fields if f not in ("active_days", "users", "seats")]
    numbers = out["numbers"]
    driver_names = np.asarray([name or None for name in out["driver_names"]], dtype=object)
    archetype_codes = lambda states: np.where(states < len(ARCHETYPES), states, -1)  # noqa: E731
    reasons = np.asarray([r or None for r in out["reason"]], dtype=object)
    columns: Dict[str, Any] = {
        "account_id": np.asarray(out["account_id"], dtype=object),
        "status": pd.Categorical.from_codes(out["status"], categories=list(DRIFT_STATUSES)),
        "archetype_old": pd.Categorical.from_codes(archetype_codes(out["old_state"]), categories=list(ARCHETYPES)),
        "archetype_new": pd.Categorical.from_codes(archetype_codes(out["new_state"]), categories=list(ARCHETYPES)),
    }
    for k, name in enumerate(("risk_old", "risk_new", "scale_old", "scale_new", "risk_change", "scale_change")):
        columns[name] = numbers[k]
    for j, factor in enumerate(factors):
        columns[f"cause_{factor}"] = out["causes"][j]
    columns["cause_frequency"] = numbers[6]
    columns["cause_reach"] = numbers[7]
    columns["driver"] = driver_names[out["driver"].astype(np.int64) + 2]
    columns["reason"] = reasons
    invalid_reason = np.full(len(out["account_id"]), None, dtype=object)
    old_status, old_field = out["old_status"]
    new_status, new_field = out["new_status"]
    for position in np.flatnonzero(out["status"] == DRIFT_STATUSES.index("invalid")):
        parts = []
        for snapshot, frame, row, status, field, inputs, text, failures in (
                ("old", old, out["old_row"][position], old_status, old_field, old_inputs, old_text, old_failures),
                ("new", new, out["new_row"][position], new_status, new_field, new_inputs, new_text, new_failures)):
            if row >= 0 and int(row) in failures:  # refused by the policy's inputs (SPEC §9)
                parts.append(f"{snapshot} snapshot, row {frame.index[int(row)]!r}: {failures[int(row)]}")
            elif row >= 0 and status[row] != 0:
                parts.append(_invalid_reason(snapshot, frame, core_old_policy or core_policy if snapshot == "old"
                                             else core_policy, inputs, text, status, field, int(row)))
        invalid_reason[position] = "; ".join(parts)
    columns["invalid_reason"] = invalid_reason
    accounts = pd.DataFrame(columns)

    matrix = pd.DataFrame(out["matrix"], index=pd.Index(MATRIX_ROWS, name="old"),
                          columns=pd.Index(MATRIX_COLUMNS, name="new"))
    alert_rows = np.asarray(out["alerts"]["row"], dtype=np.int64)
    alerts = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy()[alert_rows] if len(alert_rows) else np.array([], dtype=object),
        **{name: np.asarray(out["alerts"][name], dtype=object) for name in ("alert", "from", "to")},
        "driver": np.asarray([d or None for d in out["alerts"]["driver"]], dtype=object),
        **{name: np.asarray(out["alerts"][name], dtype=object) for name in ("reason", "new_formats", "dropped_formats")},
        "replan": np.asarray(out["alerts"]["replan"], dtype=bool),
    })
    watch_rows = np.asarray(out["watch"]["row"], dtype=np.int64)
    watch = pd.DataFrame({
        "account_id": accounts["account_id"].to_numpy()[watch_rows] if len(watch_rows) else np.array([], dtype=object),
        "archetype": accounts["archetype_new"].to_numpy()[watch_rows] if len(watch_rows) else np.array([], dtype=object),
        "axis": np.asarray(out["watch"]["axis"], dtype=object),
        **{name: np.asarray(out["watch"][name], dtype=np.float64) for name in ("line", "distance_old", "distance_new")},
        "driver": np.asarray(out["watch"]["driver"], dtype=object),
        "reason": np.asarray(out["watch"]["reason"], dtype=object),
    })
    return Drift(accounts, matrix, alerts, watch, policy, old_policy)
